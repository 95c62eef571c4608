import type { Checkpoint, JobMetrics } from '@flowstate/api';
import type { NodeKind } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import {
  checkpointSeries,
  downsampleMinMax,
  niceTicks,
  type Point,
  RingBuffer,
  summarize,
  ThroughputHistory,
  timeTicks,
} from './series';
import { jobMetrics, nodeMetrics } from './test-support';

describe('RingBuffer', () => {
  it('keeps the newest points in order and overwrites the oldest', () => {
    const b = new RingBuffer(3);
    expect(b.length).toBe(0);
    expect(b.last()).toBeUndefined();
    for (let i = 1; i <= 5; i++) b.push(i * 10, i);
    expect(b.length).toBe(3);
    expect(b.toArray()).toEqual([
      { t: 30, v: 3 },
      { t: 40, v: 4 },
      { t: 50, v: 5 },
    ]);
    expect(b.at(0)).toEqual({ t: 30, v: 3 });
    expect(b.at(3)).toBeUndefined();
    expect(b.last()).toEqual({ t: 50, v: 5 });
    expect(b.toArray(40).map((p) => p.v)).toEqual([4, 5]);
    b.clear();
    expect(b.toArray()).toEqual([]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow();
    expect(() => new RingBuffer(1.5)).toThrow();
  });
});

describe('downsampleMinMax', () => {
  const line = (n: number): Point[] => Array.from({ length: n }, (_, i) => ({ t: i, v: i % 7 }));

  it('returns short input unchanged', () => {
    expect(downsampleMinMax(line(10), 5)).toEqual(line(10));
  });

  it('keeps at most two points per bucket, in x order, and keeps a spike', () => {
    const pts = line(1000);
    pts[500] = { t: 500, v: 1e6 };
    const out = downsampleMinMax(pts, 50);
    expect(out.length).toBeLessThanOrEqual(100);
    for (let i = 1; i < out.length; i++) expect(out[i]!.t).toBeGreaterThan(out[i - 1]!.t);
    expect(out.some((p) => p.v === 1e6)).toBe(true);
    expect(out[0]!.t).toBe(0);
  });
});

describe('niceTicks', () => {
  it('gives round steps that cover the range', () => {
    expect(niceTicks(0, 100, 4)).toEqual([0, 50, 100]);
    expect(niceTicks(0, 1234, 4)).toEqual([0, 500, 1000, 1500]);
    expect(niceTicks(3, 9, 3)).toEqual([2, 4, 6, 8, 10]);
    expect(niceTicks(0, 0.3, 3)).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it('keeps whole units apart when asked: no 0.5 B, no two ticks that read 1 ms', () => {
    expect(niceTicks(0, 1.3, 3)).toEqual([0, 0.5, 1, 1.5]);
    expect(niceTicks(0, 1.3, 3, 1)).toEqual([0, 1, 2]);
    expect(niceTicks(0, 0.4, 3, 1)).toEqual([0, 1]);
    expect(niceTicks(0, 0, 3, 1)).toEqual([0, 1]);
    expect(niceTicks(0, 2300, 3, 1)).toEqual([0, 1000, 2000, 3000]);
  });

  it('handles a flat or empty range', () => {
    expect(niceTicks(0, 0)).toEqual([0, 1]);
    // A flat range is padded by half its value each way: 2.5 … 7.5, in steps of 2.
    expect(niceTicks(5, 5)).toEqual([2, 4, 6, 8]);
    expect(niceTicks(Number.NaN, 1)).toEqual([0]);
  });
});

describe('timeTicks', () => {
  it('picks a round step and aligns ticks to it', () => {
    const from = 1_700_000_003_000;
    const ticks = timeTicks(from, from + 5 * 60_000, 5);
    // Five minutes in about five ticks: whole minutes, from the first after `from`.
    expect(ticks).toEqual([
      1_700_000_040_000, 1_700_000_100_000, 1_700_000_160_000, 1_700_000_220_000, 1_700_000_280_000,
    ]);
    expect(timeTicks(10, 10)).toEqual([10]);
  });
});

describe('summarize', () => {
  it('gives latest, min, max', () => {
    expect(summarize([])).toEqual({ latest: null, min: null, max: null, count: 0 });
    expect(
      summarize([
        { t: 1, v: 3 },
        { t: 2, v: 9 },
        { t: 3, v: 1 },
        { t: 4, v: 4 },
      ]),
    ).toEqual({ latest: 4, min: 1, max: 9, count: 4 });
  });
});

function metrics(uptimeMs: number, srcOut: number, sinkIn: number): JobMetrics {
  const node = (nodeId: string, kind: NodeKind, recordsInPerSec: number, recordsOutPerSec: number) =>
    nodeMetrics({ nodeId, kind, recordsInPerSec, recordsOutPerSec });
  return jobMetrics(uptimeMs, [
    node('agg', 'aggregate', 5, 5),
    node('snk', 'sink', sinkIn, 0),
    node('src', 'source', 0, srcOut),
  ]);
}

describe('ThroughputHistory', () => {
  const spec = { nodes: [{ id: 'src', name: 'Trades' }, { id: 'snk' }] };

  it('keeps one series per source (rows out) and sink (rows in), sources first, named from the spec', () => {
    const h = new ThroughputHistory();
    expect(h.add(metrics(1000, 100, 90), spec)).toBe(true);
    expect(h.add(metrics(2000, 120, 110), spec)).toBe(true);
    expect(h.series.map((s) => [s.id, s.label])).toEqual([
      ['source:src', 'Trades (in)'],
      ['sink:snk', 'snk (out)'],
    ]);
    expect(h.points('source:src')).toEqual([
      { t: 2000, v: 100 },
      { t: 3000, v: 120 },
    ]);
    expect(h.points('sink:snk', 2500).map((p) => p.v)).toEqual([110]);
    expect(h.latest).toBe(3000);
    expect(h.version).toBe(2);
  });

  it('ignores a snapshot that is not newer (the same metrics again from a GET)', () => {
    const h = new ThroughputHistory();
    h.add(metrics(1000, 1, 1), spec);
    expect(h.add(metrics(1000, 1, 1), spec)).toBe(false);
    expect(h.add(metrics(500, 1, 1), spec)).toBe(false);
    expect(h.points('source:src')).toHaveLength(1);
  });

  it('holds at most its capacity', () => {
    const h = new ThroughputHistory(5);
    for (let i = 1; i <= 20; i++) h.add(metrics(i * 1000, i, i), spec);
    expect(h.points('source:src').map((p) => p.v)).toEqual([16, 17, 18, 19, 20]);
  });
});

describe('checkpointSeries', () => {
  const cp = (id: number, status: Checkpoint['status'], durationMs: number | null): Checkpoint => ({
    jobId: 'j',
    checkpointId: id,
    kind: 'checkpoint',
    trigger: 'periodic',
    status,
    startedAt: '2024-01-01T00:00:00.000Z',
    durationMs,
    sizeBytes: status === 'completed' ? id * 100 : null,
    fullSizeBytes: null,
    incrementalSizeBytes: null,
    path: null,
    failureReason: null,
    operators: [],
    pauses: null,
  });

  it('keeps finished checkpoints in id order, the newest `max`', () => {
    const out = checkpointSeries([
      cp(3, 'completed', 30),
      cp(1, 'completed', 10),
      cp(4, 'pending', null),
      cp(2, 'failed', 20),
    ]);
    expect(out.map((c) => [c.checkpointId, c.status, c.durationMs, c.sizeBytes])).toEqual([
      [1, 'completed', 10, 100],
      [2, 'failed', 20, null],
      [3, 'completed', 30, 300],
    ]);
    expect(
      checkpointSeries([cp(1, 'completed', 1), cp(2, 'completed', 2)], 1).map((c) => c.checkpointId),
    ).toEqual([2]);
  });
});
