/**
 * Whether a checkpoint (or savepoint) can be restored into a job spec — the spec it was taken with, or an edited
 * version of it (Flink's stop → change → resume) — and what happens to each node's state: the one place these
 * rules live. The Job applies them on every restore; the server and `flowstate run --restore` call
 * `checkRestoreCompatibility` first to show the report and refuse what it does not allow.
 *
 * Flink's semantics, node ids in the role of operator uids (see the savepoint FAQ of Flink's documentation,
 * "Savepoints" → "F.A.Q", and `Checkpoints.loadAndValidateCheckpoint` / `StateAssignmentOperation`):
 * - state is matched to nodes by id, never by position;
 * - a node that holds state but has none in the checkpoint (added since) starts empty;
 * - state for a node the new spec does not have is refused unless `allowNonRestoredState` drops it
 *   (`flink run -s … --allowNonRestoredState`, `execution.savepoint.ignore-unclaimed-state`);
 * - a node whose state layout changed — another kind; for windows and rolling aggregates other key fields or
 *   key types, other aggregates, another window assigner or time domain; for joins another key, row schema or
 *   join type on either side (and a window join's window); for OVER, Top-N and deduplication another key or
 *   input row schema (OVER: another frame kind; Top-N: another ranking, n or order); a source whose connector changed so that
 *   its positions mean nothing (another connector type, file path or format, Nexmark table); a sink whose
 *   connector changed (another type, a file sink's path or format) — is incompatible. Flink fails such a
 *   restore (its serializers cannot read the state); as there, the remedy is to let the node start over, which
 *   in Flink means a new uid plus `--allowNonRestoredState`, and here `allowNonRestoredState` alone.
 * - changing `maxParallelism` is refused outright (key groups would not map); parallelism may change.
 *
 * Pure: no Node module, no I/O.
 */
import {
  hasKeyedState,
  type JobNode,
  type NodeRestore,
  parseAggregate,
  type RestoreCompatibility,
  type RestoreProblem,
  type SpecAnalysis,
  validateSpec,
  type WindowAssigner,
} from '@flowstate/spec';
import { buildPlan, type PhysicalPlan } from '../plan/plan';
import type { CheckpointMetadata } from './storage/types';

/** A restore the report refuses (the Job throws it; `report` says why, node by node). */
export class RestoreCompatibilityError extends Error {
  override readonly name = 'RestoreCompatibilityError';
  constructor(readonly report: RestoreCompatibility) {
    super(report.summary);
  }
}

export interface RestoreCompatibilityOptions {
  /** Drop state that cannot be restored instead of refusing the restore (Flink's allowNonRestoredState). */
  allowNonRestoredState?: boolean;
}

/** Node kinds whose operators keep state in a checkpoint (what they keep depends on the connector for sinks). */
function holdsState(node: JobNode): boolean {
  switch (node.kind) {
    case 'source':
      return true;
    case 'sink':
      return node.connector.type === 'collect' || node.connector.type === 'file';
    default:
      return hasKeyedState(node);
  }
}

/** The parts of a node's state layout, by name; two nodes of one kind can share state iff all parts are equal. */
type Layout = Array<[part: string, value: string]>;

function ms(n: number): string {
  return `${n} ms`;
}

function layoutOf(analysis: SpecAnalysis, plan: PhysicalPlan, node: JobNode): Layout {
  switch (node.kind) {
    case 'source': {
      const c = node.connector;
      switch (c.type) {
        case 'file':
          return [['connector', `file ${c.path} (${c.format})`]];
        case 'nexmark':
          return [['connector', `nexmark ${c.table}`]];
        case 'datagen':
          // Positions are row indices: they keep their meaning whatever the generators make of a row.
          return [['connector', 'datagen']];
      }
      break;
    }
    case 'sink': {
      const c = node.connector;
      return [['connector', c.type === 'file' ? `file ${c.path} (${c.format})` : c.type]];
    }
    case 'window':
    case 'aggregate': {
      const info = analysis.nodes.get(node.id)!;
      const key = plan.operators.get(node.id)?.keyFields ?? [];
      const schema = info.inputSchema ?? {};
      const out: Layout = [['key', fieldsWithTypes(key, schema)]];
      if (node.kind === 'window') {
        out.push(['window', windowText(node.assigner)]);
        out.push(['time', `${node.time} time`]);
      }
      const aggs: string[] = [];
      const types: string[] = [];
      for (const [name, text] of Object.entries(node.aggregates)) {
        const r = parseAggregate(text, schema);
        if (!r.ok) {
          aggs.push(`${name} = ${text.trim()}`);
          continue;
        }
        const arg = r.agg.star ? '*' : (r.agg.arg?.text ?? '').replace(/\s+/g, ' ').trim();
        aggs.push(`${name} = ${r.agg.fn}(${arg})`);
        types.push(`${name} ${r.agg.resultType}`);
      }
      out.push(['aggregates', aggs.join(', ')]);
      out.push(['aggregate types', types.join(', ')]);
      return out;
    }
    case 'intervalJoin':
    case 'windowJoin':
    case 'temporalJoin':
    case 'join': {
      // Each side's buffered rows, by its key: what the operator can read back is the sides' rows and keys.
      const sides = analysis.nodes.get(node.id)!.sides;
      const out: Layout = [];
      for (const side of ['left', 'right'] as const) {
        const s = sides?.[side];
        out.push([`${side} key`, s ? fieldsWithTypes(s.keyFields, s.schema) : '?']);
        out.push([`${side} rows`, s ? fieldsWithTypes(Object.keys(s.schema), s.schema) : '?']);
      }
      out.push(['join type', node.type]);
      if (node.kind === 'windowJoin') out.push(['window', windowText(node.assigner)]);
      return out;
    }
    case 'over':
    case 'topN':
    case 'deduplicate': {
      // Buffered input rows (OVER: the frame's rows; Top-N: the current top rows; deduplicate: the held row).
      const info = analysis.nodes.get(node.id)!;
      const key = plan.operators.get(node.id)?.keyFields ?? [];
      const schema = info.inputSchema ?? {};
      const out: Layout = [
        ['key', fieldsWithTypes(key, schema)],
        ['rows', fieldsWithTypes(Object.keys(schema), schema)],
      ];
      if (node.kind === 'over') out.push(['frame', node.precedingRows !== undefined ? 'ROWS' : 'RANGE']);
      if (node.kind === 'topN')
        out.push([
          'ranking',
          `${node.function} top ${node.n} by ${node.orderBy.map((o) => `${o.field} ${o.direction}`).join(', ')}`,
        ]);
      return out;
    }
    default:
      return [];
  }
  return [];
}

function fieldsWithTypes(fields: readonly string[], schema: Readonly<Record<string, string>>): string {
  return fields.map((f) => `${f} ${schema[f] ?? '?'}`).join(', ');
}

function windowText(a: WindowAssigner): string {
  return a.type === 'tumbling'
    ? `tumbling ${ms(a.sizeMs)}${a.offsetMs ? `, offset ${ms(a.offsetMs)}` : ''}`
    : a.type === 'sliding'
      ? `sliding ${ms(a.sizeMs)} every ${ms(a.slideMs)}${a.offsetMs ? `, offset ${ms(a.offsetMs)}` : ''}`
      : `session, gap ${ms(a.gapMs)}`;
}

function analyze(spec: unknown): { analysis: SpecAnalysis; plan: PhysicalPlan } | null {
  if (spec === undefined || spec === null) return null;
  const r = validateSpec(spec);
  if (!r.ok) return null;
  return { analysis: r.analysis, plan: buildPlan(r.analysis) };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/**
 * The compatibility report of restoring `checkpoint` into the job `target` (the new spec's analysis): every node
 * of the new spec in its order, then the checkpoint's nodes it no longer has — each with its status, what the
 * restore does with its state, and why. `ok` says whether the restore may go ahead.
 */
export function checkRestoreCompatibility(
  target: SpecAnalysis,
  checkpoint: CheckpointMetadata,
  opts: RestoreCompatibilityOptions = {},
): RestoreCompatibility {
  const allow = opts.allowNonRestoredState === true;
  const plan = buildPlan(target);
  const previous = analyze(checkpoint.spec);

  /** Nodes the checkpoint holds state for (keyed state files, source positions, sink state). */
  const withState = new Set<string>();
  for (const op of checkpoint.operators) {
    if (op.subtasks.some((s) => s.file !== undefined || s.operatorState !== undefined))
      withState.add(op.nodeId);
  }

  const refusedOrDropped = (): NodeRestore['action'] => (allow ? 'drop' : 'refuse');
  const nodes: NodeRestore[] = [];
  for (const id of target.spec.nodes.map((n) => n.id)) {
    const node = target.nodes.get(id)!.node;
    const before = previous?.analysis.nodes.get(id)?.node ?? null;
    const hasState = withState.has(id);
    const base = {
      nodeId: id,
      kind: node.kind,
      previousKind: before?.kind ?? null,
      checkpointHasState: hasState,
    };
    const changes: string[] = [];
    if (before && before.kind !== node.kind) changes.push(`kind: ${before.kind} → ${node.kind}`);
    else if (before && previous && hasState) {
      const now = new Map(layoutOf(target, plan, node));
      for (const [part, was] of layoutOf(previous.analysis, previous.plan, before)) {
        const is = now.get(part);
        if (is !== was) changes.push(`${part}: ${was || '(none)'} → ${is || '(none)'}`);
      }
    }
    if (hasState && changes.length > 0) {
      nodes.push({
        ...base,
        status: 'incompatible',
        action: refusedOrDropped(),
        reason: allow
          ? `its state layout changed (${changes.map((c) => c.split(':')[0]).join(', ')}): its state is dropped (allowNonRestoredState) and it starts empty`
          : `its state layout changed (${changes.map((c) => c.split(':')[0]).join(', ')}): refused — allow non-restored state to drop it and start the node empty`,
        changes,
      });
    } else if (hasState && !holdsState(node)) {
      // State for a node that keeps none (a checkpoint without a spec, whose layouts cannot be compared).
      nodes.push({
        ...base,
        status: 'incompatible',
        action: refusedOrDropped(),
        reason: allow
          ? 'it keeps no state now: the checkpoint’s state for it is dropped (allowNonRestoredState)'
          : 'it keeps no state now, so nothing can take the checkpoint’s state for it: refused — allow non-restored state to drop it',
        changes: [],
      });
    } else if (hasState) {
      nodes.push({
        ...base,
        status: 'restored',
        action: 'restore',
        reason:
          node.kind === 'source'
            ? 'state restored: reading resumes at the positions in the checkpoint'
            : node.kind === 'sink'
              ? 'state restored (matched by node id)'
              : previous
                ? 'keyed state restored (matched by node id)'
                : 'keyed state restored (matched by node id; the checkpoint carries no spec, so its layout was not checked)',
        changes: [],
      });
    } else if (holdsState(node)) {
      nodes.push({
        ...base,
        status: 'new',
        action: 'start-empty',
        reason: before
          ? `the checkpoint holds no state for it (it was a ${before.kind}${before.kind === node.kind ? ' without state' : ''}): it starts empty`
          : 'a new node: it starts with empty state',
        changes: [],
      });
    } else {
      nodes.push({ ...base, status: 'stateless', action: 'none', reason: 'keeps no state', changes: [] });
    }
  }

  // The checkpoint's nodes the new spec no longer has.
  const removed = [
    ...(previous?.analysis.spec.nodes.map((n) => n.id) ?? []),
    ...checkpoint.operators.map((o) => o.nodeId),
  ].filter((id, i, all) => !target.nodes.has(id) && all.indexOf(id) === i);
  for (const id of removed) {
    const hasState = withState.has(id);
    nodes.push({
      nodeId: id,
      kind: null,
      previousKind: previous?.analysis.nodes.get(id)?.node.kind ?? null,
      status: 'removed',
      action: hasState ? refusedOrDropped() : 'none',
      checkpointHasState: hasState,
      reason: !hasState
        ? 'removed; it kept no state'
        : allow
          ? 'the new spec has no node with this id: its state is dropped (allowNonRestoredState)'
          : 'the new spec has no node with this id, so its state cannot be restored: refused — allow non-restored state to drop it',
      changes: [],
    });
  }

  const problems: RestoreProblem[] = [];
  if (checkpoint.maxParallelism !== target.spec.settings.maxParallelism) {
    problems.push({
      code: 'max-parallelism-changed',
      message: `the ${checkpoint.kind} was taken with maxParallelism ${checkpoint.maxParallelism} and the spec has ${target.spec.settings.maxParallelism}: keyed state is spread over that many key groups, so maxParallelism must stay the same (parallelism may change)`,
    });
  }

  const unclaimed = nodes.filter((n) => n.action === 'drop' || n.action === 'refuse');
  const compatible = unclaimed.length === 0;
  const ok = problems.length === 0 && (compatible || allow);
  return {
    checkpointId: checkpoint.checkpointId,
    checkpointKind: checkpoint.kind,
    allowNonRestoredState: allow,
    compatible,
    ok,
    nodes,
    problems,
    summary: summarize(checkpoint, nodes, problems, allow),
  };
}

function summarize(
  checkpoint: CheckpointMetadata,
  nodes: NodeRestore[],
  problems: RestoreProblem[],
  allow: boolean,
): string {
  const what = `${checkpoint.kind} ${checkpoint.checkpointId}`;
  if (problems.length > 0) return `${what} cannot be restored: ${problems.map((p) => p.message).join('; ')}`;
  const restored = nodes.filter((n) => n.action === 'restore').length;
  const empty = nodes.filter((n) => n.action === 'start-empty').length;
  const unclaimed = nodes.filter((n) => n.action === 'drop' || n.action === 'refuse');
  const parts = [
    `${plural(restored, 'node')} ${restored === 1 ? 'restores its' : 'restore their'} state`,
    ...(empty > 0 ? [`${plural(empty, 'node')} ${empty === 1 ? 'starts' : 'start'} empty`] : []),
  ];
  if (unclaimed.length === 0) return `${what}: ${parts.join(', ')}`;
  const names = unclaimed.map((n) => `'${n.nodeId}' (${n.status})`).join(', ');
  return allow
    ? `${what}: ${parts.join(', ')}; the state of ${names} is dropped (allowNonRestoredState)`
    : `${what} cannot be restored as it is: the state of ${names} has no compatible node in the new spec — allow non-restored state to drop it (${parts.join(', ')})`;
}
