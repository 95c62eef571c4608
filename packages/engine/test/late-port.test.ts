/**
 * A window's `late` port end to end: late rows travel an edge with `"port": "late"` to their own sink;
 * without such an edge the window drops them and counts them in its metrics (JOB-SPEC.md, Window semantics).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JobSpecInput } from '@flowstate/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { Job, ManualClock } from '../src/index';
import { collect, spec } from './support/jobs';
import { expectSameRows, nodeMetrics } from './support/rows';

const dir = mkdtempSync(path.join(tmpdir(), 'flowstate-late-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes rows as JSON lines; returns the file name (relative to `dir`, the jobs' baseDir). */
function events(name: string, rows: Array<Record<string, unknown>>): string {
  writeFileSync(path.join(dir, name), rows.map((r) => JSON.stringify(r)).join('\n'));
  return name;
}

// Watermark: max ts − 0 − 1 after every row. 10 s tumbling windows.
const basic = events('basic.jsonl', [
  { k: 'a', ts: 1000, v: 1 },
  { k: 'a', ts: 12_000, v: 2 }, // watermark 11 999: [0, 10 000) fires for a
  { k: 'a', ts: 5000, v: 3 }, // late: [0, 10 000) ended at 9 999 <= 11 999
  { k: 'b', ts: 3000, v: 4 }, // late too, although b never had a window there
  { k: 'a', ts: 15_000, v: 5 },
  { k: 'b', ts: 10_000, v: 6 }, // on time: [10 000, 20 000) is open
]);

function windowJob(
  file: string,
  o: { lateEdge: boolean; allowedLatenessMs?: number; lateThroughFilter?: boolean; lateCounts?: boolean },
): JobSpecInput {
  const nodes: JobSpecInput['nodes'] = [
    {
      id: 'src',
      kind: 'source',
      connector: { type: 'file', path: file, format: 'jsonl' },
      schema: { k: 'string', ts: 'timestamp', v: 'int' },
      watermark: { timestampField: 'ts', maxOutOfOrdernessMs: 0, emitEveryRows: 1 },
    },
    { id: 'byK', kind: 'keyBy', key: ['k'] },
    {
      id: 'win',
      kind: 'window',
      assigner: { type: 'tumbling', sizeMs: 10_000 },
      allowedLatenessMs: o.allowedLatenessMs ?? 0,
      aggregates: { n: 'COUNT(*)', total: 'SUM(v)' },
    },
    collect('out'),
  ];
  const edges = ['src -> byK', 'byK -> win', 'win -> out'];
  if (o.lateEdge) {
    nodes.push(collect('lateOut'));
    if (o.lateCounts) {
      // late rows re-keyed and counted: the late port's writer partitions by key like any keyed edge
      nodes.push({ id: 'lateByK', kind: 'keyBy', key: ['k'] });
      nodes.push({ id: 'lateCount', kind: 'aggregate', aggregates: { late: 'COUNT(*)', lastTs: 'MAX(ts)' } });
      edges.push('win -late-> lateByK', 'lateByK -> lateCount', 'lateCount -> lateOut');
    } else if (o.lateThroughFilter) {
      nodes.push({ id: 'lateBig', kind: 'filter', where: 'v >= 4' });
      edges.push('win -late-> lateBig', 'lateBig -> lateOut');
    } else {
      edges.push('win -late-> lateOut');
    }
  }
  return spec('late-port', nodes, edges);
}

describe.each([1, 3])('late port at parallelism %i', (parallelism) => {
  const run = (s: JobSpecInput) => {
    const job = Job.fromSpec(s, { baseDir: dir, parallelism, clock: new ManualClock(0) });
    job.runUntilIdle();
    expect(job.status).toBe('finished');
    return job;
  };

  it('late rows arrive at the sink behind the late edge, unchanged', () => {
    const job = run(windowJob(basic, { lateEdge: true }));
    expectSameRows(
      job.collected('out'),
      [
        { k: 'a', window_start: 0, window_end: 10_000, n: 1, total: 1 },
        { k: 'a', window_start: 10_000, window_end: 20_000, n: 2, total: 7 },
        { k: 'b', window_start: 10_000, window_end: 20_000, n: 1, total: 6 },
      ],
      'main output',
    );
    expectSameRows(
      job.collected('lateOut'),
      [
        { k: 'a', ts: 5000, v: 3 },
        { k: 'b', ts: 3000, v: 4 },
      ],
      'late output',
    );
    expect(nodeMetrics(job, 'win').lateRowsDropped).toBe(0);
    expect(nodeMetrics(job, 'lateOut').recordsIn).toBe(2);
  });

  it('the late port feeds other operators like any edge', () => {
    const job = run(windowJob(basic, { lateEdge: true, lateThroughFilter: true }));
    expect(job.collected('lateOut')).toEqual([{ k: 'b', ts: 3000, v: 4 }]);
  });

  it('the late port can feed a keyed exchange', () => {
    const job = run(windowJob(basic, { lateEdge: true, lateCounts: true }));
    expectSameRows(
      job.collected('lateOut'),
      [
        { k: 'a', late: 1, lastTs: 5000 },
        { k: 'b', late: 1, lastTs: 3000 },
      ],
      'late counts',
    );
    expect(nodeMetrics(job, 'lateCount').parallelism).toBe(parallelism);
  });

  it('without a late edge, late rows are dropped and counted', () => {
    const job = run(windowJob(basic, { lateEdge: false }));
    expect(job.collected('out')).toHaveLength(3);
    expect(nodeMetrics(job, 'win').lateRowsDropped).toBe(2);
    expect(job.metrics().nodes.map((n) => n.nodeId)).not.toContain('lateOut');
  });

  it('within allowed lateness a row updates its window, which fires again; past it the row is late', () => {
    const file = events('lateness.jsonl', [
      { k: 'a', ts: 1000, v: 1 },
      { k: 'a', ts: 12_000, v: 2 }, // watermark 11 999: [0, 10 000) fires (n 1)
      { k: 'a', ts: 5000, v: 3 }, // 9 999 + 3 000 > 11 999: fires again at once (n 2)
      { k: 'b', ts: 3000, v: 4 }, // b's first row there: a new window, fired at once (n 1)
      { k: 'a', ts: 13_000, v: 5 }, // watermark 12 999 = 9 999 + 3 000: [0, 10 000) is purged
      { k: 'a', ts: 2000, v: 6 }, // late
      { k: 'b', ts: 9000, v: 7 }, // late
    ]);
    const job = run(windowJob(file, { lateEdge: true, allowedLatenessMs: 3000 }));
    expectSameRows(
      job.collected('out'),
      [
        { k: 'a', window_start: 0, window_end: 10_000, n: 1, total: 1 },
        { k: 'a', window_start: 0, window_end: 10_000, n: 2, total: 4 },
        { k: 'b', window_start: 0, window_end: 10_000, n: 1, total: 4 },
        { k: 'a', window_start: 10_000, window_end: 20_000, n: 2, total: 7 },
      ],
      'main output',
    );
    expectSameRows(
      job.collected('lateOut'),
      [
        { k: 'a', ts: 2000, v: 6 },
        { k: 'b', ts: 9000, v: 7 },
      ],
      'late output',
    );
    expect(nodeMetrics(job, 'win').numKeys).toBe(0);
  });
});
