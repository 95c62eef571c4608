/**
 * Helpers shared by the engine's system tests: generating a source's rows the way the engine does,
 * canonical row strings, and multiset comparison with a readable difference.
 */
import type { JobSpecInput, RowSchema, SourceConnector } from '@flowstate/spec';
import { expect } from 'vitest';
import type { Job, Row } from '../../src/index';

export { sourceRows } from '../../src/testing/index';

/** The source node of a spec, by id. */
export function sourceNode(
  spec: JobSpecInput,
  id: string,
): { connector: SourceConnector; schema: RowSchema; watermark?: Record<string, number | string> } {
  const node = spec.nodes.find((n) => n.id === id);
  if (node?.kind !== 'source') throw new Error(`no source '${id}'`);
  return node as never;
}

export interface CanonOptions {
  /** Round non-integer numbers to this many significant digits (float sums in another order). */
  precision?: number;
}

/** A row as a string that does not depend on field order; floats optionally rounded. */
export function canon(row: Row, opts: CanonOptions = {}): string {
  const keys = Object.keys(row).sort();
  const parts = keys.map((k) => {
    let v = row[k];
    if (typeof v === 'number' && !Number.isInteger(v) && opts.precision !== undefined)
      v = Number(v.toPrecision(opts.precision));
    return `${JSON.stringify(k)}:${JSON.stringify(v === undefined ? null : v)}`;
  });
  return `{${parts.join(',')}}`;
}

export function multiset(rows: readonly Row[], opts: CanonOptions = {}): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) {
    const c = canon(r, opts);
    m.set(c, (m.get(c) ?? 0) + 1);
  }
  return m;
}

/** What `actual` lacks and what it has too much of, compared with `expected` (as multisets). */
export function multisetDiff(
  actual: readonly Row[],
  expected: readonly Row[],
  opts: CanonOptions = {},
): { missing: string[]; extra: string[] } {
  const a = multiset(actual, opts);
  const e = multiset(expected, opts);
  const missing: string[] = [];
  const extra: string[] = [];
  for (const [k, n] of e) {
    const d = n - (a.get(k) ?? 0);
    for (let i = 0; i < d; i++) missing.push(k);
  }
  for (const [k, n] of a) {
    const d = n - (e.get(k) ?? 0);
    for (let i = 0; i < d; i++) extra.push(k);
  }
  return { missing, extra };
}

/** Asserts multiset equality; on failure shows (up to 10 of) the missing and the extra rows. */
export function expectSameRows(
  actual: readonly Row[],
  expected: readonly Row[],
  label: string,
  opts: CanonOptions = {},
): void {
  const { missing, extra } = multisetDiff(actual, expected, opts);
  expect(
    {
      missing: missing.slice(0, 10),
      extra: extra.slice(0, 10),
      counts: `${missing.length} missing, ${extra.length} extra`,
    },
    `${label}: ${actual.length} rows, expected ${expected.length}`,
  ).toEqual({ missing: [], extra: [], counts: '0 missing, 0 extra' });
}

/** A node's metrics by id. */
export function nodeMetrics(job: Job, nodeId: string) {
  const m = job.metrics().nodes.find((n) => n.nodeId === nodeId);
  if (!m) throw new Error(`no node '${nodeId}' in the metrics`);
  return m;
}
