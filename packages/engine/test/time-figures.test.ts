/**
 * The figures that answer "why isn't my window firing?" (NodeMetrics: maxEventTime, idleInputs/inputs,
 * openWindows, nextFireAt, lateSample, lastRowError), at job level in virtual time: rate-limited datagen
 * sources on a ManualClock, driven with runUntilIdle(); nothing sleeps.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JobSpecInput } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { Job, ManualClock } from '../src/index';
import { advanceTo, collect, spec } from './support/jobs';
import { nodeMetrics } from './support/rows';

type Node = JobSpecInput['nodes'][number];

/** Rows { k: 'x', ts = i × stepMs } at `rowsPerSecond` of clock time; watermark after every row. */
function source(id: string, rowsPerSecond: number, stepMs: number, idleTimeoutMs = 0): Node {
  return {
    id,
    kind: 'source',
    parallelism: 1,
    connector: {
      type: 'datagen',
      rowsPerSecond,
      fields: {
        k: { kind: 'choice', values: ['x'] },
        ts: { kind: 'timestamp', startMs: 0, stepMs, maxJitterMs: 0 },
      },
    },
    schema: { k: 'string', ts: 'timestamp' },
    watermark: { timestampField: 'ts', maxOutOfOrdernessMs: 0, emitEveryRows: 1, idleTimeoutMs },
  };
}

/** `main` (1 row/ms, 100 ms of event time each) and `quiet` (its first row, ts 0, at 10 s) → 1 s windows. */
function job(clock: ManualClock): Job {
  return Job.fromSpec(
    spec(
      'time-figures',
      [
        source('main', 1000, 100),
        source('quiet', 0.1, 0, 500),
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
      ['main -> both', 'quiet -> both', 'both -> byK', 'byK -> win', 'win -> out'],
    ),
    { clock },
  );
}

describe('time figures', () => {
  it('before any row: no event time, no open window', () => {
    const clock = new ManualClock(0);
    const j = job(clock);
    j.runUntilIdle();
    const win = nodeMetrics(j, 'win');
    expect(win.maxEventTime).toBeNull();
    expect(win.openWindows).toBe(0);
    expect(win.nextFireAt).toBeNull();
    expect(win.lateSample).toEqual([]);
    expect(nodeMetrics(j, 'both').openWindows).toBeUndefined();
    j.dispose();
  });

  it('an idle input, the newest event time, the open window and when it fires', () => {
    const clock = new ManualClock(0);
    const j = job(clock);
    advanceTo(j, clock, 400, 10);
    // quiet has sent nothing and is not idle yet: it holds the window's watermark back.
    expect(nodeMetrics(j, 'quiet')).toMatchObject({ idleInputs: 0, inputs: 1, maxEventTime: null });
    expect(nodeMetrics(j, 'win')).toMatchObject({
      watermark: Number.NEGATIVE_INFINITY,
      maxEventTime: 39_900,
      idleInputs: 0,
      inputs: 2,
      openWindows: 40,
      nextFireAt: 999,
    });

    advanceTo(j, clock, 600, 10); // quiet idle since 500 ms: the watermark follows main alone
    expect(nodeMetrics(j, 'main')).toMatchObject({ watermark: 59_899, maxEventTime: 59_900, idleInputs: 0 });
    expect(nodeMetrics(j, 'quiet')).toMatchObject({ idleInputs: 1, inputs: 1 });
    expect(nodeMetrics(j, 'both')).toMatchObject({ idleInputs: 1, inputs: 2, maxEventTime: 59_900 });
    expect(nodeMetrics(j, 'win')).toMatchObject({
      watermark: 59_899,
      maxEventTime: 59_900,
      idleInputs: 1,
      inputs: 2,
      openWindows: 1,
      nextFireAt: 59_999,
      lateRowsDropped: 0,
    });
    j.dispose();
  });

  it('late rows dropped: counted, the newest first with their timestamp and the watermark they missed', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'flowstate-time-figures-'));
    try {
      // Watermark after every row (max ts − 0 − 1); 10 s tumbling windows.
      const rows = [
        { k: 'a', ts: 1000 },
        { k: 'a', ts: 12_000 }, // watermark 11 999: [0, 10 000) fires
        { k: 'a', ts: 5000 }, // late
        { k: 'b', ts: 3000 }, // late
        { k: 'a', ts: 15_000 }, // watermark 14 999
        { k: 'b', ts: 4000 }, // late
      ];
      writeFileSync(path.join(dir, 'events.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
      const j = Job.fromSpec(
        spec(
          'late-sample',
          [
            {
              id: 'src',
              kind: 'source',
              connector: { type: 'file', path: 'events.jsonl', format: 'jsonl' },
              schema: { k: 'string', ts: 'timestamp' },
              watermark: { timestampField: 'ts', maxOutOfOrdernessMs: 0, emitEveryRows: 1 },
            },
            { id: 'byK', kind: 'keyBy', key: ['k'] },
            {
              id: 'win',
              kind: 'window',
              assigner: { type: 'tumbling', sizeMs: 10_000 },
              aggregates: { n: 'COUNT(*)' },
            },
            collect('out'),
          ],
          ['src -> byK', 'byK -> win', 'win -> out'],
        ),
        { baseDir: dir, clock: new ManualClock(0) },
      );
      j.runUntilIdle();
      expect(j.status).toBe('finished');
      const win = nodeMetrics(j, 'win');
      expect(win.lateRowsDropped).toBe(3);
      expect(win.lateSample).toEqual([
        { ts: 4000, watermark: 14_999 },
        { ts: 3000, watermark: 11_999 },
        { ts: 5000, watermark: 11_999 },
      ]);
      expect(win.maxEventTime).toBe(15_000);
      // The end of input fired every window: none is open.
      expect(win).toMatchObject({ openWindows: 0, nextFireAt: null });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the newest row error of a node', () => {
    const j = Job.fromSpec(
      spec(
        'row-errors',
        [
          {
            id: 'src',
            kind: 'source',
            connector: { type: 'datagen', count: 3, fields: { n: { kind: 'sequence', start: 0 } } },
            schema: { n: 'int' },
          },
          { id: 'div', kind: 'map', fields: { q: '10 / (n - 1)' } },
          collect('out'),
        ],
        ['src -> div', 'div -> out'],
      ),
      { clock: new ManualClock(0) },
    );
    j.runUntilIdle();
    expect(nodeMetrics(j, 'div').rowErrors).toBe(1);
    expect(nodeMetrics(j, 'div').lastRowError).toEqual({
      code: 'DIVISION_BY_ZERO',
      message: 'division by zero: 10 / 0 (integer division); use NULLIF(divisor, 0) to get NULL instead',
      position: '{"n":1}',
    });
    expect(nodeMetrics(j, 'src').lastRowError).toBeNull();
  });
});
