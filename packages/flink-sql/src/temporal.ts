/**
 * The versioned table of a temporal join. Flink SQL's `FOR SYSTEM_TIME AS OF` needs a right side with a primary
 * key and an event-time attribute. Flowstate's right side is append-only rows, each the version of its key from
 * its time on (a later row at the same time replaces it, an older one arriving late still is a version).
 *
 * Two ways to give Flink that table:
 * - **A primary key on the source** (exact): when the right side is one source's rows through maps that copy
 *   the key fields and the keyBy — and that source feeds nothing else — the source table is declared
 *   with `PRIMARY KEY (key) NOT ENFORCED`. Its rows stay insert-only; the planner carries the key through the
 *   views, and `TemporalRowTimeJoinOperator` keeps every row as the version at its time (`rightState.put(rowTime,
 *   row)`), as Flowstate does. (Found on Flink 2.3.0: accepted, and it joins a late, older version as Flowstate.)
 * - **A deduplicated view** (the usual Flink pattern, otherwise): `ROW_NUMBER() OVER (PARTITION BY key ORDER BY
 *   rowtime DESC) = 1`, a versioned view. Flink's `RowTimeDeduplicateFunction` keeps a key's row with the largest
 *   time and drops a row older than it, so a version that arrives after a newer one of its key is lost (a note).
 */
import type { NodeInfo, SpecAnalysis } from '@flowstate/spec';
import type { ExportOptions } from './types';

const PLAIN_FIELD = /^`?([A-Za-z_][A-Za-z0-9_]*)`?$/;

/**
 * The source whose table is the versioned table of temporal join `join` and the key columns to declare, or
 * null when the right side is not one source's rows with the key fields as they are.
 */
export function versionedPath(
  analysis: SpecAnalysis,
  join: NodeInfo,
  options: ExportOptions,
): { source: string; key: string[] } | null {
  const right = join.inputs.filter((e) => e.input === 'right');
  const sides = join.sides;
  if (right.length !== 1 || sides === undefined || right[0]!.port !== undefined) return null;
  let key = [...sides.right.keyFields];
  let id = right[0]!.from;
  for (;;) {
    const info = analysis.nodes.get(id)!;
    // Its rows must reach nothing but this join: the key is declared on the table everything reads.
    if (info.outputs.length !== 1) return null;
    const node = info.node;
    if (node.kind === 'source') {
      if (options.sourceOverrides?.[node.id] !== undefined) return { source: node.id, key };
      const c = node.connector;
      if (c.type === 'file') return c.format === 'jsonl' ? { source: node.id, key } : null;
      if (c.type === 'datagen') {
        // Only physical columns can be a primary key: Flink's random fields, not the computed ones.
        return key.every((k) => c.fields[k]?.kind === 'random') ? { source: node.id, key } : null;
      }
      return null;
    }
    if (info.inputs.length !== 1 || info.inputs[0]!.port !== undefined) return null;
    if (node.kind === 'map') {
      const mapped: string[] = [];
      for (const k of key) {
        const m = PLAIN_FIELD.exec(node.fields[k]?.trim() ?? '');
        if (m === null) return null;
        mapped.push(m[1]!);
      }
      key = mapped;
    } else if (node.kind !== 'keyBy') {
      // Not a filter either: Flink refuses one between a versioned table and the join ("Filter is not allowed
      // for right changelog input of event time temporal join, it will corrupt the versioning of data").
      return null;
    }
    id = info.inputs[0]!.from;
  }
}

/** Sources declared with a primary key (the versioned tables of temporal joins): source id → key columns. */
export function versionedSources(analysis: SpecAnalysis, options: ExportOptions): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const info of analysis.nodes.values()) {
    if (info.node.kind !== 'temporalJoin') continue;
    const path = versionedPath(analysis, info, options);
    if (path !== null) out.set(path.source, path.key);
  }
  return out;
}
