/**
 * Upgrading a job from a savepoint (Flink's stop → change → resume): version 1 runs and stops with a savepoint;
 * version 2 — one aggregate kept, one changed, one added — starts from it. Refused without
 * allowNonRestoredState; with it, the kept aggregate continues exactly-once (its final state is a straight run's),
 * the changed and the added one start empty and see only what came after the savepoint, and the row totals carry
 * across the restore while the per-attempt counters start over.
 */
import path from 'node:path';
import type { JobSpecInput } from '@flowstate/spec';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFsCheckpointStorage, Job, type JobEvent, RestoreCompatibilityError } from '../src/index';
import { settle, tempDirs } from './support/checkpoints';
import { collect, spec } from './support/jobs';

const tempDir = tempDirs();
const COUNT = 30_000;

type Node = JobSpecInput['nodes'][number];

const gen: Node = {
  id: 'gen',
  kind: 'source',
  connector: {
    type: 'datagen',
    rowsPerSecond: 30_000,
    count: COUNT,
    seed: 5,
    fields: {
      seq: { kind: 'sequence', start: 0 },
      k: { kind: 'random', min: 0, max: 9 },
      v: { kind: 'random', min: 1, max: 1000 },
    },
  },
  schema: { seq: 'int', k: 'int', v: 'int' },
};

function version(n: 1 | 2): JobSpecInput {
  const nodes: Node[] = [
    gen,
    { id: 'byK', kind: 'keyBy', key: ['k'] },
    { id: 'agg', kind: 'aggregate', aggregates: { n: 'COUNT(*)', total: 'SUM(v)' } },
    collect('out'),
    { id: 'extreme', kind: 'aggregate', aggregates: { top: n === 1 ? 'MAX(v)' : 'MIN(v)' } },
    { id: 'drop', kind: 'sink', connector: { type: 'blackhole' } },
  ];
  const edges = ['gen -> byK', 'byK -> agg', 'agg -> out', 'byK -> extreme', 'extreme -> drop'];
  if (n === 2) {
    nodes.push(
      { id: 'firsts', kind: 'aggregate', aggregates: { first: 'FIRST_VALUE(seq)' } },
      { id: 'drop2', kind: 'sink', connector: { type: 'blackhole' } },
    );
    edges.push('byK -> firsts', 'firsts -> drop2');
  }
  return spec('upgrade', nodes, edges, {
    checkpointing: { intervalMs: 0, timeoutMs: 60_000, minPauseMs: 0, retained: 3 },
  });
}

type Row = { seq: number; k: number; v: number };
let rows: Row[];
let straightAgg: unknown;

beforeAll(async () => {
  const all = Job.fromSpec(
    spec(
      'rows',
      [
        { ...gen, connector: { ...(gen as { connector: object }).connector, rowsPerSecond: 0 } } as Node,
        collect('rows'),
      ],
      ['gen -> rows'],
    ),
    {
      writeConsole: () => {},
    },
  );
  expect((await all.run()).status).toBe('finished');
  rows = all.collected('rows') as Row[];
  expect(rows).toHaveLength(COUNT);
  const straight = Job.fromSpec(version(1), { writeConsole: () => {} });
  expect((await straight.run()).status).toBe('finished');
  straightAgg = straight.queryState('agg', { limit: 100 });
}, 30_000);

/** Version 1 reads about a third of its input, then stops with a savepoint. */
async function savepointOfVersion1(base: string) {
  const first = Job.fromSpec(version(1), {
    baseDir: base,
    checkpointStorage: createFsCheckpointStorage(path.join(base, 'cp')),
    writeConsole: () => {},
  });
  const running = first.run();
  const read = () => first.metrics().nodes.find((n) => n.nodeId === 'gen')!.recordsOut;
  while (read() < COUNT / 3) await new Promise((r) => setTimeout(r, 5));
  const savepoint = await first.stopWithSavepoint();
  await running;
  await settle(first);
  const loaded = await createFsCheckpointStorage(path.join(base, 'cp')).load({ path: savepoint.path });
  const gen = loaded.metadata.operators.find((o) => o.nodeId === 'gen')!;
  const position = (gen.subtasks[0]!.operatorState as { splits: Array<{ position: { index: number } }> })
    .splits[0]!.position.index;
  return { savepoint, position, metadata: loaded.metadata };
}

describe('a new version from a savepoint', () => {
  it('is refused while state has no compatible node, and continues what it can with allowNonRestoredState', async () => {
    const base = tempDir('upgrade');
    const { savepoint, position, metadata } = await savepointOfVersion1(base);
    expect(position).toBeGreaterThan(0);
    expect(position).toBeLessThan(COUNT);
    // The savepoint counted what version 1 had read and aggregated at its barrier.
    expect(metadata.counters).toEqual([
      { nodeId: 'gen', recordsIn: 0, recordsOut: position },
      { nodeId: 'agg', recordsIn: position, recordsOut: position },
      { nodeId: 'out', recordsIn: position, recordsOut: 0 },
      { nodeId: 'extreme', recordsIn: position, recordsOut: position },
      { nodeId: 'drop', recordsIn: position, recordsOut: 0 },
    ]);

    const refusedJob = Job.fromSpec(version(2), {
      baseDir: base,
      checkpointStorage: createFsCheckpointStorage(path.join(base, 'cp')),
      jobId: 'upgrade-refused',
      restoreFrom: { path: savepoint.path },
      writeConsole: () => {},
    });
    const refused = await refusedJob.run();
    expect(refused.status).toBe('failed');
    expect(refused.error).toBeInstanceOf(RestoreCompatibilityError);
    expect(refused.error!.message).toBe(
      `savepoint ${savepoint.checkpointId} cannot be restored as it is: the state of 'extreme' (incompatible) has no compatible node in the new spec — allow non-restored state to drop it (3 nodes restore their state, 1 node starts empty)`,
    );

    const events: JobEvent[] = [];
    const second = Job.fromSpec(version(2), {
      baseDir: base,
      checkpointStorage: createFsCheckpointStorage(path.join(base, 'cp')),
      jobId: 'upgrade-v2',
      restoreFrom: { path: savepoint.path },
      allowNonRestoredState: true,
      writeConsole: () => {},
      onEvent: (e) => events.push(e),
    });
    const result = await second.run();
    await settle(second);
    expect(result.status, result.error?.message).toBe('finished');
    expect(events).toContainEqual({
      type: 'notice',
      message: `savepoint ${savepoint.checkpointId}: 3 nodes restore their state, 1 node starts empty; the state of 'extreme' (incompatible) is dropped (allowNonRestoredState)`,
    });
    expect(second.lastRestoreReport?.nodes.map((n) => `${n.nodeId} ${n.action}`)).toEqual([
      'gen restore',
      'byK none',
      'agg restore',
      'out restore',
      'extreme drop',
      'drop none',
      'firsts start-empty',
      'drop2 none',
    ]);

    // Kept: the aggregate continues where version 1 stopped, exactly once.
    expect(second.queryState('agg', { limit: 100 })).toEqual(straightAgg);
    // Changed and added: empty at the savepoint, so they saw only the rows after it.
    const after = rows.filter((r) => r.seq >= position);
    const byKey = (f: (rs: Row[]) => number) =>
      [...new Set(after.map((r) => r.k))]
        .sort((a, b) => a - b)
        .map((k) => ({ key: k, value: f(after.filter((r) => r.k === k)) }));
    expect(second.queryState('extreme', { limit: 100 }).entries).toEqual(
      byKey((rs) => Math.min(...rs.map((r) => r.v))).map((e) => ({ ...e, value: { top: e.value } })),
    );
    expect(second.queryState('firsts', { limit: 100 }).entries).toEqual(
      byKey((rs) => rs[0]!.seq).map((e) => ({ ...e, value: { first: e.value } })),
    );

    // Counters: since the restore, and in total (carried for the nodes that kept their state).
    const m = second.metrics();
    expect(m.countersSince).toMatchObject({ cause: 'restore', checkpointId: savepoint.checkpointId });
    const figures = Object.fromEntries(
      m.nodes.map((n) => [n.nodeId, [n.recordsIn, n.recordsOut, n.totalRecordsIn, n.totalRecordsOut]]),
    );
    const since = COUNT - position;
    expect(figures).toEqual({
      gen: [0, since, 0, COUNT],
      agg: [since, since, COUNT, COUNT],
      out: [since, 0, COUNT, 0],
      extreme: [since, since, since, since],
      drop: [since, 0, COUNT, 0],
      firsts: [since, since, since, since],
      drop2: [since, 0, since, 0],
    });
  });

  it('a failure before the new version’s first checkpoint restores the savepoint again, not the beginning', async () => {
    const base = tempDir('upgrade-failover');
    const { savepoint } = await savepointOfVersion1(base);
    const events: JobEvent[] = [];
    const second = Job.fromSpec(version(2), {
      baseDir: base,
      checkpointStorage: createFsCheckpointStorage(path.join(base, 'cp')),
      jobId: 'upgrade-failover-v2',
      restoreFrom: { path: savepoint.path },
      allowNonRestoredState: true,
      failures: [{ nodeId: 'agg', afterRecords: 100 }],
      writeConsole: () => {},
      onEvent: (e) => events.push(e),
    });
    const result = await second.run();
    await settle(second);
    expect(result.status, result.error?.message).toBe('finished');
    expect(
      events.flatMap((e) => (e.type === 'restored' ? [`${e.checkpointId} ${e.reason.split(':')[0]}`] : [])),
    ).toEqual([`${savepoint.checkpointId} restored on start`, `${savepoint.checkpointId} restart 1 after`]);
    expect(second.queryState('agg', { limit: 100 })).toEqual(straightAgg);
    expect(second.metrics().countersSince).toMatchObject({
      cause: 'restart',
      checkpointId: savepoint.checkpointId,
    });
  });
});
