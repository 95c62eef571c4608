/**
 * Seeded fuzz: random small event-time pipelines (datagen → filter? → map? → keyBy → window or rolling
 * aggregate → collect; the generator is src/testing/window-fuzz.ts, which the Flink conformance suite runs
 * too), each run by the engine at parallelism 1 and 4 and with batch sizes 1, 7 and the default, and
 * compared with a plain reference computation (src/testing/reference.ts) over the same rows.
 *
 * A case is a function of its seed alone. `FUZZ_CASES=500 pnpm vitest run test/window-fuzz.test.ts` runs
 * more of them, `FUZZ_SEED=123` just one; a seed that ever fails goes into REGRESSIONS.
 */
import { describe, expect, it } from 'vitest';
import { Job, ManualClock } from '../src/index';
import { type WindowFuzzCase, windowFuzzCase } from '../src/testing/index';
import { expectSameRows, nodeMetrics } from './support/rows';

const CASES = Number(process.env.FUZZ_CASES ?? 60);
const FIRST_SEED = Number(process.env.FUZZ_SEED ?? 1);
/**
 * Seeds that once failed, kept as named regression cases. None has yet: seeds 1–560 were checked on 2026-12-07
 * (FUZZ_SEED=61 FUZZ_CASES=500 beside the default 60).
 */
const REGRESSIONS: number[] = [];

const VARIANTS: Array<{ parallelism: 1 | 4; batchSize?: number; sourceParallelism?: number }> = [
  { parallelism: 1 },
  { parallelism: 1, batchSize: 1 },
  { parallelism: 4, batchSize: 7 },
  { parallelism: 4, batchSize: 1 },
  { parallelism: 4, batchSize: 5, sourceParallelism: 4 }, // only for `splittable` cases
];

function runCase(c: WindowFuzzCase): void {
  for (const v of VARIANTS) {
    if (v.sourceParallelism !== undefined && !c.splittable) continue;
    const label = `seed ${c.seed}, parallelism ${v.parallelism}, source parallelism ${v.sourceParallelism ?? 1}, batchSize ${v.batchSize ?? 'default'}\n${c.summary}\n`;
    const job = Job.fromSpec(c.spec(v.parallelism, v.sourceParallelism), {
      clock: new ManualClock(0),
      ...(v.batchSize !== undefined ? { batchSize: v.batchSize } : {}),
    });
    job.runUntilIdle();
    expect(job.status, label).toBe('finished');
    expect(job.metrics().rowErrors, label).toBe(0);
    expect(nodeMetrics(job, 'op').parallelism, label).toBe(v.parallelism);
    expectSameRows(job.collected('out'), c.expected.main, `${label}main output`);
    if (c.lateEdge) {
      expectSameRows(job.collected('late'), c.expected.late, `${label}late output`);
      expect(nodeMetrics(job, 'op').lateRowsDropped, label).toBe(0);
    } else {
      expect(nodeMetrics(job, 'op').lateRowsDropped, `${label}late rows dropped`).toBe(
        c.expected.late.length,
      );
    }
    job.dispose();
  }
}

describe('window and aggregate fuzz against a reference model', () => {
  const seeds = Array.from({ length: CASES }, (_, i) => FIRST_SEED + i);
  it.each(seeds)('seed %i', (seed) => runCase(windowFuzzCase(seed)));
  if (REGRESSIONS.length > 0)
    it.each(REGRESSIONS)('(regression) seed %i', (seed) => runCase(windowFuzzCase(seed)));

  it('runs the reference under other rules: no watermark at or below minWatermark, another allowed lateness', () => {
    // Seed 13: a session window over timestamps in [-232, 0] with no out-of-orderness: 482 rows are late.
    const c = windowFuzzCase(13);
    expect(c.reference()).toEqual(c.expected);
    expect(c.expected.late.length).toBe(482);
    // Without a watermark before the end of input (Flink SQL emits none at or below 0), nothing is late.
    expect(c.reference({ minWatermark: 0 }).late).toEqual([]);
    expect(c.reference({ minWatermark: 0, allowedLatenessMs: 0 }).main.length).toBe(4);
  });

  it('covers every assigner, late rows, and both exchange paths', () => {
    // The generator is worth what it reaches: check that a default run covers the interesting cases.
    const cases = Array.from({ length: 60 }, (_, i) => windowFuzzCase(i + 1));
    const s = cases.map((c) => JSON.parse(c.summary) as { op: { type?: string } | string });
    for (const t of ['tumbling', 'sliding', 'session'])
      expect(s.some((x) => typeof x.op === 'object' && x.op.type === t)).toBe(true);
    expect(s.some((x) => x.op === 'rolling')).toBe(true);
    expect(cases.some((c) => c.expected.late.length > 0 && c.lateEdge)).toBe(true);
    expect(cases.some((c) => c.expected.late.length > 0 && !c.lateEdge)).toBe(true);
    expect(cases.some((c) => c.rebalanced)).toBe(true);
    expect(cases.some((c) => !c.rebalanced)).toBe(true);
    expect(cases.some((c) => c.splittable)).toBe(true);
  });
});
