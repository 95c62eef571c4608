/**
 * The seeded window/aggregate fuzz cases: small random event-time pipelines (datagen → filter? → map? →
 * keyBy → window or rolling aggregate → collect), each with the result the reference model
 * (reference.ts) computes over the rows the engine's own datagen reader produces.
 *
 * A case is a function of its seed alone. Two suites run them: the engine's fuzz test
 * (test/window-fuzz.test.ts: parallelism 1 and 4, several batch sizes, against the reference) and the
 * Flink conformance suite (packages/conformance: the same spec on Flowstate and on Apache Flink over the
 * same input file).
 */
import { type JobSpecInput, Prng } from '@flowstate/spec';
import type { Row } from '../runtime/elements';
import {
  type RefAssigner,
  refAggregate,
  referenceRolling,
  referenceWindow,
  withWatermarks,
} from './reference';
import { sourceRows } from './source-rows';

export type WindowFuzzKind = 'tumbling' | 'sliding' | 'session' | 'rolling';

/** Rules the reference model can run a case under, other than the spec's (see `WindowFuzzCase.reference`). */
export interface WindowFuzzRules {
  /** Watermarks at or below this value are not emitted (Flink SQL's watermark assigner starts at 0). */
  minWatermark?: number;
  /** Instead of the case's own allowed lateness. */
  allowedLatenessMs?: number;
  /** Instead of the case's own watermark interval in rows. */
  emitEveryRows?: number;
}

export interface WindowFuzzCase {
  seed: number;
  /** The spec at parallelism 1 or 4 (the source at `sourceParallelism`, default 1; stateless nodes with it
   * unless `rebalanced`). */
  spec(parallelism: 1 | 4, sourceParallelism?: number): JobSpecInput;
  expected: { main: Row[]; late: Row[] };
  /** The reference result with other rules (the same as `expected` without any). */
  reference(rules?: WindowFuzzRules): { main: Row[]; late: Row[] };
  lateEdge: boolean;
  rebalanced: boolean;
  /** The result does not depend on arrival order: the source may also run as four splits. */
  splittable: boolean;
  /** The operator: a window assigner, or a rolling aggregate. */
  kind: WindowFuzzKind;
  allowedLatenessMs: number;
  /** Window input rows at most 1 ms ahead of the watermark when they arrived (see RefWindowResult). */
  nearWatermark: number;
  /** The case's parameters and expected sizes, as one line of JSON. */
  summary: string;
}

const FILTERS: Array<{ where: string; fn: (r: Row) => boolean }> = [
  { where: 'v % 3 <> 0', fn: (r) => r.v !== null && (r.v as number) % 3 !== 0 },
  { where: 'v > 10', fn: (r) => r.v !== null && (r.v as number) > 10 },
  { where: 'k <> 0', fn: (r) => r.k !== 0 },
];

const MAPS: Array<{ fields: Record<string, string>; key: string; fn: (r: Row) => Row }> = [
  {
    fields: { k: 'k', v: 'v * 2 + 1' }, // drops ts: the event timestamp travels with the row anyway
    key: 'k',
    fn: (r) => ({ k: r.k, v: r.v === null ? null : (r.v as number) * 2 + 1 }),
  },
  {
    fields: { k: 'k', v: 'ABS(v - 40)', ts: 'ts' },
    key: 'k',
    fn: (r) => ({ k: r.k, v: r.v === null ? null : Math.abs((r.v as number) - 40), ts: r.ts }),
  },
  {
    fields: { g: 'k * 10 + 1', v: 'v', ts: 'ts' },
    key: 'g',
    fn: (r) => ({ g: (r.k as number) * 10 + 1, v: r.v, ts: r.ts }),
  },
];

const AGGREGATES: Record<string, string> = {
  n: 'COUNT(*)',
  c: 'COUNT(v)',
  s: 'SUM(v)',
  lo: 'MIN(v)',
  hi: 'MAX(v)',
  a: 'AVG(v)',
  f: 'FIRST_VALUE(v)',
  l: 'LAST_VALUE(v)',
};

/** The fuzz case of a seed (the same case for the same seed, in every process). */
export function windowFuzzCase(seed: number): WindowFuzzCase {
  const r = new Prng(seed);
  const keys = r.int(1, 6);
  const nullRate = r.bool(0.25) ? 0.1 : 0;
  const vMin = r.pick([0, -20]);
  const vMax = r.int(30, 100);
  const startMs = r.pick([0, 1000, 1_700_000_000_000 + r.int(0, 999)]);
  // Small steps and jitter beyond the delay put rows right at window boundaries and the watermark.
  const stepMs = r.pick([0, 1, 1, 2, 5, 10, 20]);
  const maxJitterMs = r.pick([0, r.int(1, 50), r.int(20, 400)]);
  const delay = r.pick([0, r.int(0, 20), r.int(0, 100), r.int(100, 400)]);
  // More than one row per watermark only where no row can be at or behind the watermark (then the exact
  // moments at which watermarks arrive cannot change a result).
  const emitEveryRows = delay > maxJitterMs + 1 ? r.pick([1, 1, 7, 100]) : 1;
  const count = r.int(150, 2000);
  const datagenSeed = r.int(0, 1_000_000);
  const filter = r.bool(0.6) ? r.pick(FILTERS) : null;
  const map = r.bool(0.5) ? r.pick(MAPS) : null;
  const key = map?.key ?? 'k';
  const wantRebalance = r.bool(0.5);
  const kind = r.pick(['tumbling', 'sliding', 'session', 'rolling'] as const);
  let assigner: RefAssigner | null = null;
  if (kind === 'tumbling') {
    const sizeMs = r.pick([r.int(1, 20), r.int(20, 200), r.int(200, 1000)]);
    assigner = { type: 'tumbling', sizeMs, offsetMs: r.bool(0.3) ? r.int(0, sizeMs - 1) : 0 };
  } else if (kind === 'sliding') {
    const slideMs = r.int(1, 100);
    const sizeMs = slideMs * r.int(1, 4) + (r.bool(0.3) ? r.int(0, slideMs - 1) : 0);
    assigner = { type: 'sliding', sizeMs, slideMs, offsetMs: r.bool(0.3) ? r.int(0, slideMs - 1) : 0 };
  } else if (kind === 'session') {
    assigner = { type: 'session', gapMs: r.pick([r.int(1, 10), r.int(10, 100), r.int(100, 500)]) };
  }
  const allowedLatenessMs = r.bool(0.4) ? 0 : r.pick([r.int(1, 50), r.int(50, 500)]);
  const lateEdge = assigner !== null && r.bool(0.4);
  // FIRST_VALUE / LAST_VALUE depend on arrival order: not over merged sessions (no order between the
  // merged parts) and not after a rebalance (another order per key).
  const orderMustNotMatter = kind === 'session' || (wantRebalance && kind !== 'rolling');
  const aggNames = Object.keys(AGGREGATES).filter((n) => !(orderMustNotMatter && (n === 'f' || n === 'l')));
  const chosen = r.bool(0.4) ? [r.pick(aggNames)] : r.subset(aggNames);
  const aggregates = Object.fromEntries(chosen.map((n) => [n, AGGREGATES[n]!]));

  const connector = {
    type: 'datagen' as const,
    rowsPerSecond: 0,
    count,
    seed: datagenSeed,
    fields: {
      k: { kind: 'random' as const, min: 0, max: keys - 1 },
      v: { kind: 'random' as const, min: vMin, max: vMax, ...(nullRate ? { nullRate } : {}) },
      ts: { kind: 'timestamp' as const, startMs, stepMs, maxJitterMs },
    },
  };
  const schema = { k: 'int', v: 'int', ts: 'timestamp' } as const;
  const watermark = { timestampField: 'ts', maxOutOfOrdernessMs: delay, emitEveryRows };

  // --- the reference, over the rows the engine's own datagen reader produces
  const rows = sourceRows(connector, { ...schema });
  const elements = withWatermarks(rows, watermark);
  const pre = (row: Row): Row | null => {
    if (filter && !filter.fn(row)) return null;
    return map ? map.fn(row) : row;
  };
  const refAggs = Object.entries(aggregates).map(([n, t]) => refAggregate(n, t));
  const reference = (rules: WindowFuzzRules = {}) => {
    let els = rules.emitEveryRows !== undefined ? withWatermarks(rows, { ...watermark, ...rules }) : elements;
    const min = rules.minWatermark;
    if (min !== undefined) els = els.filter((e) => e.kind === 'row' || e.wm > min);
    if (!assigner) return { main: referenceRolling(els, pre, [key], refAggs), late: [], nearWatermark: 0 };
    const ref = referenceWindow(els, pre, {
      key: [key],
      assigner,
      allowedLatenessMs: rules.allowedLatenessMs ?? allowedLatenessMs,
      aggregates: refAggs,
    });
    return { main: ref.fired, late: ref.late, nearWatermark: ref.nearWatermark };
  };
  const { nearWatermark, ...expected } = reference();
  // A rebalance before the window lowers the watermark a row meets by a scheduling-dependent amount and
  // reorders rows per key: results are then only defined when no row comes near the watermark (and the
  // aggregates do not depend on order, ensured above).
  const rebalanced = wantRebalance && kind !== 'rolling' && nearWatermark === 0 && (filter || map) !== null;
  // Four source splits interleave rows in a scheduling-dependent order, and each split's watermark only
  // lowers the minimum: with no row near the watermark and order-free aggregates, the result is the same.
  const splittable =
    kind !== 'rolling' && nearWatermark === 0 && !('f' in aggregates) && !('l' in aggregates);

  const spec = (parallelism: 1 | 4, sourceParallelism = 1): JobSpecInput => {
    const statelessP = parallelism === 4 && !rebalanced ? { parallelism: sourceParallelism } : {};
    const nodes: JobSpecInput['nodes'] = [
      {
        id: 'src',
        kind: 'source',
        connector,
        schema: { ...schema },
        watermark,
        parallelism: sourceParallelism,
      },
    ];
    const edges: JobSpecInput['edges'] = [];
    let prev = 'src';
    const chain = (node: JobSpecInput['nodes'][number]) => {
      nodes.push(node);
      edges.push({ from: prev, to: node.id });
      prev = node.id;
    };
    if (filter) chain({ id: 'filter', kind: 'filter', where: filter.where, ...statelessP });
    if (map) chain({ id: 'map', kind: 'map', fields: map.fields, ...statelessP });
    chain({ id: 'byKey', kind: 'keyBy', key: [key] });
    if (assigner) {
      chain({ id: 'op', kind: 'window', assigner, aggregates, allowedLatenessMs });
    } else {
      chain({ id: 'op', kind: 'aggregate', aggregates });
    }
    chain({ id: 'out', kind: 'sink', connector: { type: 'collect', maxRows: 1_000_000 } });
    if (lateEdge) {
      nodes.push({ id: 'late', kind: 'sink', connector: { type: 'collect', maxRows: 1_000_000 } });
      edges.push({ from: 'op', to: 'late', port: 'late' });
    }
    return { specVersion: 1, name: `fuzz-${seed}`, settings: { parallelism }, nodes, edges };
  };

  const summary = JSON.stringify({
    seed,
    count,
    keys,
    nullRate,
    ts: { startMs, stepMs, maxJitterMs },
    watermark: { delay, emitEveryRows },
    filter: filter?.where,
    map: map?.fields,
    op: assigner ?? 'rolling',
    allowedLatenessMs,
    aggregates,
    lateEdge,
    rebalanced,
    splittable,
    expected: { rows: expected.main.length, late: expected.late.length, nearWatermark },
  });
  return {
    seed,
    spec,
    expected,
    reference: (rules) => {
      const { main, late } = reference(rules);
      return { main, late };
    },
    lateEdge,
    rebalanced,
    splittable,
    kind,
    allowedLatenessMs: assigner ? allowedLatenessMs : 0,
    nearWatermark,
    summary,
  };
}
