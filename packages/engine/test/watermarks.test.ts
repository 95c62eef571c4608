/**
 * Watermarks and idleness at job level, in virtual time: rate-limited datagen sources on a ManualClock,
 * driven with runUntilIdle(); nothing sleeps.
 *
 * JOB-SPEC.md: a source's watermark is max ts − maxOutOfOrdernessMs − 1; an operator's watermark is the
 * minimum over its inputs (idle inputs excepted); a bounded source that ends sends +∞; a window fires when
 * the watermark reaches window_end − 1.
 */
import type { JobSpecInput } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { Job, ManualClock, type Row } from '../src/index';
import { advanceTo, collect, spec } from './support/jobs';
import { nodeMetrics } from './support/rows';

type Node = JobSpecInput['nodes'][number];

/** A datagen source of rows { k: 'x', ts } with ts = startMs + i × stepMs, at `rowsPerSecond` of clock time. */
function source(
  id: string,
  o: {
    rowsPerSecond: number;
    stepMs: number;
    count?: number;
    idleTimeoutMs?: number;
    startMs?: number;
    delayMs?: number;
    /** No event time at all (processing-time jobs). */
    noWatermark?: boolean;
  },
): Node {
  const watermark = {
    timestampField: 'ts',
    maxOutOfOrdernessMs: o.delayMs ?? 0,
    emitEveryRows: 1,
    idleTimeoutMs: o.idleTimeoutMs ?? 0,
  };
  return {
    id,
    kind: 'source',
    parallelism: 1,
    connector: {
      type: 'datagen',
      rowsPerSecond: o.rowsPerSecond,
      ...(o.count !== undefined ? { count: o.count } : {}),
      fields: {
        k: { kind: 'choice', values: ['x'] },
        ts: { kind: 'timestamp', startMs: o.startMs ?? 0, stepMs: o.stepMs, maxJitterMs: 0 },
      },
    },
    schema: { k: 'string', ts: 'timestamp' },
    ...(o.noWatermark ? {} : { watermark }),
  };
}

/** Two sources unioned into one filter → keyBy k → 1 s tumbling COUNT(*) → collect `out`. */
function unionJob(a: Node, b: Node, parallelism = 1): JobSpecInput {
  return spec(
    'union',
    [
      a,
      b,
      { id: 'both', kind: 'filter', where: 'k IS NOT NULL' },
      { id: 'byK', kind: 'keyBy', key: ['k'] },
      {
        id: 'win',
        kind: 'window',
        assigner: { type: 'tumbling', sizeMs: 1000 },
        aggregates: { n: 'COUNT(*)' },
      },
      collect('out'),
    ],
    [`${a.id} -> both`, `${b.id} -> both`, 'both -> byK', 'byK -> win', 'win -> out'],
    { parallelism },
  );
}

const windowRow = (start: number, n: number): Row => ({
  k: 'x',
  window_start: start,
  window_end: start + 1000,
  n,
});

const starts = (rows: Row[]) => rows.map((r) => r.window_start as number).sort((x, y) => x - y);

describe.each([1, 2])('two sources unioned (window parallelism %i)', (parallelism) => {
  it('fire a window only when the minimum of both watermarks passes its end', () => {
    const clock = new ManualClock(0);
    // fast: 1 row/ms, event time 1 s per row (ts 0 … 99 000); slow: 1 row per 100 ms, 100 ms per row.
    const job = Job.fromSpec(
      unionJob(
        source('fast', { rowsPerSecond: 1000, stepMs: 1000, count: 100 }),
        source('slow', { rowsPerSecond: 10, stepMs: 100, count: 30 }),
        parallelism,
      ),
      { clock },
    );

    advanceTo(job, clock, 5);
    expect(nodeMetrics(job, 'fast').watermark).toBe(3999); // ts 0 … 4000 seen
    expect(nodeMetrics(job, 'slow').watermark).toBe(Number.NEGATIVE_INFINITY);
    expect(nodeMetrics(job, 'win').watermark).toBe(Number.NEGATIVE_INFINITY);
    expect(job.collected('out')).toEqual([]);

    // The fast source ends (and sends +∞); the slow one still holds the watermark back.
    advanceTo(job, clock, 1050);
    expect(nodeMetrics(job, 'fast').recordsOut).toBe(100);
    expect(nodeMetrics(job, 'slow').watermark).toBe(899);
    expect(nodeMetrics(job, 'win').watermark).toBe(899);
    expect(job.collected('out')).toEqual([]);
    expect(job.status).toBe('running');

    // slow's row ts = 1000 makes its watermark 999: [0, 1000) fires with 1 fast + 10 slow rows.
    advanceTo(job, clock, 1150);
    expect(nodeMetrics(job, 'win').watermark).toBe(999);
    expect(job.collected('out')).toEqual([windowRow(0, 11)]);

    // Both ended: the final watermark fires every open window and the job finishes.
    advanceTo(job, clock, 3050, 50);
    expect(job.status).toBe('finished');
    const out = job.collected('out');
    expect(out).toHaveLength(100);
    const byStart = new Map(out.map((r) => [r.window_start as number, r.n]));
    for (let s = 0; s < 100_000; s += 1000) expect(byStart.get(s), `window ${s}`).toBe(s < 3000 ? 11 : 1);
    expect(nodeMetrics(job, 'win').lateRowsDropped).toBe(0);
  });

  it('a source that ends early stops holding the watermark back', () => {
    const clock = new ManualClock(0);
    const job = Job.fromSpec(
      unionJob(
        source('main', { rowsPerSecond: 1000, stepMs: 100 }), // unbounded: 1 row/ms, 100 ms of event time each
        source('short', { rowsPerSecond: 1000, stepMs: 0, count: 3 }), // three rows at ts 0, then the end
        parallelism,
      ),
      { clock },
    );
    advanceTo(job, clock, 100);
    // main has seen ts 0 … 9 900: watermark 9 899; short has ended: windows up to [8000, 9000) fired.
    expect(nodeMetrics(job, 'main').watermark).toBe(9899);
    expect(nodeMetrics(job, 'win').watermark).toBe(9899);
    const out = job.collected('out');
    expect(starts(out)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000]);
    expect(out.find((r) => r.window_start === 0)!.n).toBe(13);
    expect(out.filter((r) => r.window_start !== 0).every((r) => r.n === 10)).toBe(true);
    expect(job.status).toBe('running'); // main is unbounded
    job.dispose();
  });
});

describe('idle sources', () => {
  /** `main`: 1 row/ms, 100 ms of event time per row; `quiet`: its first row (ts 0) only at 10 s of clock time. */
  const idleJob = (idleTimeoutMs: number, clock: ManualClock) =>
    Job.fromSpec(
      unionJob(
        source('main', { rowsPerSecond: 1000, stepMs: 100 }),
        source('quiet', { rowsPerSecond: 0.1, stepMs: 0, idleTimeoutMs }),
      ),
      { clock },
    );

  it('an idle source no longer holds the watermark back; when it wakes up, its old rows are late', () => {
    const clock = new ManualClock(0);
    const job = idleJob(500, clock);

    advanceTo(job, clock, 400, 10);
    expect(nodeMetrics(job, 'main').watermark).toBe(39_899);
    expect(job.collected('out')).toEqual([]); // quiet is not idle yet: nothing fires

    advanceTo(job, clock, 600, 10); // quiet has been idle since 500 ms
    const wm = nodeMetrics(job, 'main').watermark;
    expect(wm).toBe(59_899);
    expect(nodeMetrics(job, 'win').watermark).toBe(wm);
    const fired = job.collected('out');
    expect(starts(fired)).toEqual(Array.from({ length: 59 }, (_, i) => i * 1000));
    expect(fired.every((r) => r.n === 10)).toBe(true);

    // At 10 s quiet emits its first row (ts 0): far behind the watermark, so late and dropped; the
    // watermark does not go back.
    advanceTo(job, clock, 10_050, 50);
    expect(nodeMetrics(job, 'quiet').recordsOut).toBe(1);
    expect(nodeMetrics(job, 'win').lateRowsDropped).toBe(1);
    const held = nodeMetrics(job, 'win').watermark;
    expect(held).toBeGreaterThanOrEqual(wm);

    // Active again, quiet (watermark −1) holds the watermark until it is idle again, 500 ms later.
    advanceTo(job, clock, 10_400, 50);
    expect(nodeMetrics(job, 'win').watermark).toBe(held);
    advanceTo(job, clock, 10_600, 50);
    expect(nodeMetrics(job, 'win').watermark).toBe(nodeMetrics(job, 'main').watermark);
    expect(nodeMetrics(job, 'win').watermark).toBeGreaterThan(held);
    job.dispose();
  });

  it('without an idle timeout the silent source holds the watermark back', () => {
    const clock = new ManualClock(0);
    const job = idleJob(0, clock);
    advanceTo(job, clock, 9_000, 50);
    expect(nodeMetrics(job, 'main').watermark).toBe(899_899);
    expect(nodeMetrics(job, 'win').watermark).toBe(Number.NEGATIVE_INFINITY);
    expect(job.collected('out')).toEqual([]);
    job.dispose();
  });

  it('an idle input next to one that has ended: the watermark is the ended input’s +∞ (Flink)', () => {
    // The operator's watermark is the minimum over its non-idle inputs; an ended bounded input's watermark
    // is +∞. Flink's StatusWatermarkValve keeps a finished channel (watermark MAX_WATERMARK) in the minimum,
    // so once the other input is idle, every window fires.
    const clock = new ManualClock(0);
    const job = Job.fromSpec(
      unionJob(
        source('short', { rowsPerSecond: 1000, stepMs: 100, count: 20 }), // ts 0 … 1 900, ends at 20 ms
        source('quiet', { rowsPerSecond: 0.1, stepMs: 0, idleTimeoutMs: 500 }),
      ),
      { clock },
    );
    advanceTo(job, clock, 400, 10);
    expect(job.collected('out')).toEqual([]); // quiet is neither idle nor ended: it holds the watermark
    advanceTo(job, clock, 600, 10);
    expect(job.collected('out')).toEqual([windowRow(0, 10), windowRow(1000, 10)]);
    job.dispose();
  });
});

describe('end of input', () => {
  it('the final watermark fires every window, even those no watermark reached, and the job finishes', () => {
    // maxOutOfOrdernessMs far beyond the data: no window fires before the end.
    const src = source('events', { rowsPerSecond: 0, stepMs: 7, count: 2000, delayMs: 1_000_000_000 });
    const job = Job.fromSpec(
      spec(
        'final-watermark',
        [
          src,
          { id: 'byK', kind: 'keyBy', key: ['k'] },
          {
            id: 'win',
            kind: 'window',
            assigner: { type: 'session', gapMs: 5 }, // 7 ms apart: one session per row
            aggregates: { n: 'COUNT(*)' },
          },
          collect('out'),
        ],
        ['events -> byK', 'byK -> win', 'win -> out'],
      ),
      { clock: new ManualClock(0), batchSize: 64 },
    );
    job.runUntilIdle();
    expect(job.status).toBe('finished');
    const out = job.collected('out');
    expect(out).toHaveLength(2000);
    expect(out.every((r) => r.n === 1 && (r.window_end as number) - (r.window_start as number) === 5)).toBe(
      true,
    );
    expect(nodeMetrics(job, 'win').watermark).toBe(Number.POSITIVE_INFINITY);
    expect(nodeMetrics(job, 'win').numKeys).toBe(0); // all window state purged
  });
});

describe('processing time', () => {
  it('processing-time windows fire as the clock passes their end, and the open one at the end of input', () => {
    const clock = new ManualClock(0);
    // a row every 2 ms of clock time
    const src = source('events', { rowsPerSecond: 500, stepMs: 0, count: 500, noWatermark: true });
    const job = Job.fromSpec(
      spec(
        'processing-time',
        [
          src,
          { id: 'byK', kind: 'keyBy', key: ['k'] },
          {
            id: 'win',
            kind: 'window',
            time: 'processing',
            assigner: { type: 'tumbling', sizeMs: 100 },
            aggregates: { n: 'COUNT(*)' },
          },
          collect('out'),
        ],
        ['events -> byK', 'byK -> win', 'win -> out'],
        { parallelism: 2 },
      ),
      { clock },
    );
    advanceTo(job, clock, 250);
    // Rows at 2, 4, … 98 ms fell into [0, 100); [100, 200) fired at 199 ms; [200, 300) is open.
    expect(job.collected('out')).toEqual([
      { k: 'x', window_start: 0, window_end: 100, n: 49 },
      { k: 'x', window_start: 100, window_end: 200, n: 50 },
    ]);
    advanceTo(job, clock, 1001);
    expect(job.status).toBe('finished');
    const out = job.collected('out');
    expect(starts(out)).toEqual(Array.from({ length: 11 }, (_, i) => i * 100));
    expect(out.map((r) => r.n)).toEqual([49, 50, 50, 50, 50, 50, 50, 50, 50, 50, 1]);
  });
});
