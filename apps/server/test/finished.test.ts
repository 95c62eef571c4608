/**
 * Finished is not gone: a job that ended keeps its final figures, the newest rows of its collect sinks and the
 * state of its final checkpoint, readable after the server restarted — each answer marked `live: false` — and a
 * running job's figures and output are stored as it runs, so a crash loses little.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { JobManager } from '../src/jobs/index';
import { startServer, type TestServer, tempDataDir, waitFor } from './test-support';

const COUNT = 2000;
const KEEP = 50;

/** A bounded keyed count: datagen (COUNT rows, 4 keys) → keyBy → rolling COUNT/SUM → collect. */
function boundedSpec() {
  return {
    specVersion: 1,
    name: 'bounded-counts',
    nodes: [
      {
        id: 'events',
        kind: 'source',
        connector: {
          type: 'datagen',
          count: COUNT,
          seed: 9,
          fields: {
            key: { kind: 'choice', values: ['alpha', 'beta', 'gamma', 'delta'] },
            amount: { kind: 'random', min: 1, max: 10 },
          },
        },
        schema: { key: 'string', amount: 'int' },
      },
      { id: 'byKey', kind: 'keyBy', key: ['key'] },
      { id: 'totals', kind: 'aggregate', aggregates: { n: 'COUNT(*)', total: 'SUM(amount)' } },
      { id: 'out', kind: 'sink', connector: { type: 'collect' } },
    ],
    edges: [
      { from: 'events', to: 'byKey' },
      { from: 'byKey', to: 'totals' },
      { from: 'totals', to: 'out' },
    ],
  };
}

describe('a finished job after a server restart', () => {
  const data = tempDataDir();
  let t: TestServer | undefined;
  afterAll(async () => {
    await t?.close();
    data.remove();
  });

  it('keeps its final figures, its newest output rows and its final checkpoint’s state', async () => {
    t = await startServer(data.dir, { FLOWSTATE_OUTPUT_KEEP_ROWS: String(KEEP) });
    const started = await t.api.post('/api/jobs', { spec: boundedSpec() });
    expect(started.status).toBe(201);
    const id: string = started.body.id;
    await waitFor(async () => (await t!.api.get(`/api/jobs/${id}`)).body.status === 'finished', 'finished');

    // While the server still holds the ended job's engine: the same figures, rows and state, live.
    const before = (await t.api.get(`/api/jobs/${id}`)).body;
    expect(before).toMatchObject({ live: false, metricsLive: false });
    const liveOutput = (await t.api.get(`/api/jobs/${id}/output/out?limit=10000`)).body;
    expect(liveOutput).toMatchObject({ live: true, storedAt: null, from: 0, next: COUNT });
    const liveState = (await t.api.get(`/api/jobs/${id}/state/totals`)).body;
    expect(liveState).toMatchObject({ live: true, checkpointId: null });
    expect(liveState.entries).toHaveLength(4);

    await t.close();
    t = await startServer(data.dir, { FLOWSTATE_OUTPUT_KEEP_ROWS: String(KEEP) });

    const detail = (await t.api.get(`/api/jobs/${id}`)).body;
    expect(detail).toMatchObject({ status: 'finished', live: false, metricsLive: false });
    expect(typeof detail.metricsAt).toBe('string');
    expect(detail.metrics.status).toBe('finished');
    expect(detail.metrics.countersSince).toMatchObject({ cause: 'start', checkpointId: null });
    expect(
      detail.metrics.nodes.map(
        (n: {
          nodeId: string;
          recordsIn: number;
          recordsOut: number;
          totalRecordsIn: number;
          totalRecordsOut: number;
          numKeys: number;
          watermark: number | null;
        }) => [
          n.nodeId,
          n.recordsIn,
          n.recordsOut,
          n.totalRecordsIn,
          n.totalRecordsOut,
          n.numKeys,
          n.watermark,
        ],
      ),
    ).toEqual([
      ['events', 0, COUNT, 0, COUNT, 0, null],
      ['totals', COUNT, COUNT, COUNT, COUNT, 4, null],
      ['out', COUNT, 0, COUNT, 0, 0, null],
    ]);
    expect(detail.metrics).toEqual(before.metrics);

    // The newest KEEP rows, stored; `since` pages through them like the live route.
    const output = (await t.api.get(`/api/jobs/${id}/output/out?limit=10000`)).body;
    expect(output).toMatchObject({ nodeId: 'out', live: false, from: COUNT - KEEP, next: COUNT });
    expect(typeof output.storedAt).toBe('string');
    expect(output.rows).toEqual(liveOutput.rows.slice(-KEEP));
    const tail = (await t.api.get(`/api/jobs/${id}/output/out?since=${COUNT - 3}`)).body;
    expect(tail).toMatchObject({ from: COUNT - 3, next: COUNT, live: false });
    expect(tail.rows).toEqual(liveOutput.rows.slice(-3));
    const newest2 = (await t.api.get(`/api/jobs/${id}/output/out?limit=2`)).body;
    expect(newest2).toMatchObject({ from: COUNT - 2, next: COUNT });

    // The state of its final checkpoint (taken at the end of input): the same as the engine held.
    const checkpoints = (await t.api.get(`/api/jobs/${id}/checkpoints`)).body.checkpoints;
    const final = checkpoints.find((c: { trigger: string }) => c.trigger === 'stop');
    const state = (await t.api.get(`/api/jobs/${id}/state/totals`)).body;
    expect(state).toMatchObject({ live: false, checkpointId: final.checkpointId, nextCursor: null });
    expect(state.entries).toEqual(liveState.entries);

    // Nodes that are not what the route reads are still 404s, in words.
    const notSink = await t.api.get(`/api/jobs/${id}/output/totals`);
    expect(notSink.status).toBe(404);
    expect(notSink.body.error).toEqual({
      code: 'node-not-found',
      message: `job '${id}' has no collect sink 'totals': only collect sinks keep output`,
    });
    const noNode = await t.api.get(`/api/jobs/${id}/state/nope`);
    expect(noNode.status).toBe(404);
    expect(noNode.body.error.code).toBe('node-not-found');
  }, 60_000);
});

describe('a running job', () => {
  const data = tempDataDir();
  let t: TestServer | undefined;
  const manager = new JobManager({ dataDir: data.dir, archiveIntervalMs: 100, archiveRows: 5 });
  afterAll(async () => {
    await t?.close();
    await manager.shutdown();
    data.remove();
  });

  it('has its figures and newest rows stored as it runs, and its cancelled end keeps them', async () => {
    t = await startServer(data.dir, {}, { manager });
    const spec = { ...boundedSpec(), name: 'slow-counts' };
    (spec.nodes[0] as { connector: Record<string, unknown> }).connector.rowsPerSecond = 200;
    (spec.nodes[0] as { connector: Record<string, unknown> }).connector.count = 1_000_000;
    const id: string = (await t.api.post('/api/jobs', { spec })).body.id;
    const stored = await waitFor(async () => {
      const o = await t!.server.db.outputs.get(id, 'out');
      return o && o.nextSeq >= 20 ? o : null;
    }, 'output stored while running');
    expect(stored.rows).toHaveLength(5);
    expect(stored.nextSeq - stored.fromSeq).toBe(5);
    const row = await t.server.db.jobs.get(id);
    expect((row!.metrics as { status: string }).status).toBe('running');

    const stopped = await t.api.post(`/api/jobs/${id}/stop`, {});
    expect(stopped.status).toBe(200);
    const final = await t.server.db.outputs.get(id, 'out');
    const detail = (await t.api.get(`/api/jobs/${id}`)).body;
    expect(detail).toMatchObject({ status: 'cancelled', metricsLive: false });
    expect(detail.metrics.status).toBe('cancelled');
    const out = detail.metrics.nodes.find((n: { nodeId: string }) => n.nodeId === 'out');
    expect(out.totalRecordsIn).toBe(final!.nextSeq);
  }, 60_000);
});
