/**
 * Backpressure: with a small channel capacity and batch size, producers that are faster than their
 * consumer (four source subtasks feeding fewer downstream subtasks) fill channels up and must then wait.
 * A channel never holds more than its capacity plus one batch, and the job still produces all its output.
 *
 * Channels are observed by wrapping `push` of every input channel of every task (test-only
 * instrumentation; the engine's code is not changed).
 */
import type { JobSpecInput } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { Job, ManualClock, type Row, type StreamElement } from '../src/index';
import { collect, spec } from './support/jobs';
import { nodeMetrics, sourceNode, sourceRows } from './support/rows';

interface ChannelLike {
  readonly id: string;
  readonly capacityRows: number;
  readonly rows: number;
  push(e: StreamElement): void;
}

/** Wraps every input channel's push; returns the largest number of rows each channel ever held. */
function watchChannels(job: Job): Map<ChannelLike, number> {
  const peaks = new Map<ChannelLike, number>();
  for (const task of job.tasks) {
    const gate = (task as unknown as { gate?: { channels: ChannelLike[] } }).gate;
    for (const ch of gate?.channels ?? []) {
      peaks.set(ch, 0);
      const push = ch.push.bind(ch);
      ch.push = (e: StreamElement) => {
        push(e);
        if (ch.rows > peaks.get(ch)!) peaks.set(ch, ch.rows);
      };
    }
  }
  expect(peaks.size, 'the job has exchanges to watch').toBeGreaterThan(0);
  return peaks;
}

const COUNT = 3000;
/** Four source subtasks → map (chained, or an exchange of its own) → hash → aggregate → one sink subtask. */
const job = (mapParallelism = 4, aggParallelism = 2): JobSpecInput =>
  spec(
    'backpressure',
    [
      {
        id: 'src',
        kind: 'source',
        parallelism: 4,
        connector: {
          type: 'datagen',
          rowsPerSecond: 0,
          count: COUNT,
          seed: 3,
          fields: { k: { kind: 'random', min: 0, max: 49 }, v: { kind: 'random', min: 0, max: 9 } },
        },
        schema: { k: 'int', v: 'int' },
      },
      { id: 'double', kind: 'map', parallelism: mapParallelism, fields: { k: 'k', v: 'v * 2' } },
      { id: 'byK', kind: 'keyBy', key: ['k'] },
      {
        id: 'agg',
        kind: 'aggregate',
        parallelism: aggParallelism,
        aggregates: { n: 'COUNT(*)', total: 'SUM(v)' },
      },
      { ...collect('out'), parallelism: 1 },
    ],
    ['src -> double', 'double -> byK', 'byK -> agg', 'agg -> out'],
  );

describe('backpressure', () => {
  it.each([
    { map: 4, agg: 2, batchSize: 4, channelCapacity: 16 },
    { map: 4, agg: 2, batchSize: 1, channelCapacity: 1 },
    { map: 4, agg: 2, batchSize: 16, channelCapacity: 4 },
    { map: 2, agg: 3, batchSize: 7, channelCapacity: 10 },
    { map: 2, agg: 3, batchSize: 3, channelCapacity: 3 },
  ])(
    'channels stay within capacity + one batch; all output arrives (map ×$map, aggregate ×$agg, batch $batchSize, capacity $channelCapacity)',
    ({ map, agg, ...o }) => {
      const j = Job.fromSpec(job(map, agg), { clock: new ManualClock(0), ...o });
      const peaks = watchChannels(j);
      j.runUntilIdle();
      expect(j.status).toBe('finished');

      const over = [...peaks]
        .filter(([ch, peak]) => peak > ch.capacityRows + o.batchSize)
        .map(([ch, peak]) => `${ch.id}: ${peak} rows`);
      expect(over, `channels over capacity ${o.channelCapacity} + batch ${o.batchSize}`).toEqual([]);
      // Backpressure did happen: some channel filled up to its capacity.
      expect(Math.max(...peaks.values())).toBeGreaterThanOrEqual(o.channelCapacity);

      // Complete output: one update per row; each key's last update holds its totals.
      const rows = sourceRows(sourceNode(job(), 'src').connector, { k: 'int', v: 'int' });
      const expected = new Map<number, { n: number; total: number }>();
      for (const r of rows) {
        const e = expected.get(r.k as number) ?? { n: 0, total: 0 };
        expected.set(r.k as number, { n: e.n + 1, total: e.total + (r.v as number) * 2 });
      }
      const out = j.collected('out');
      expect(out).toHaveLength(COUNT);
      const last = new Map<number, Row>();
      for (const r of out) {
        const prev = last.get(r.k as number);
        if (!prev || (prev.n as number) < (r.n as number)) last.set(r.k as number, r);
      }
      expect(new Map([...last].map(([k, r]) => [k, { n: r.n, total: r.total }]))).toEqual(expected);
      expect(nodeMetrics(j, 'agg').recordsIn).toBe(COUNT);
    },
  );
});
