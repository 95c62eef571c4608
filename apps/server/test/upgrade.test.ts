/**
 * Upgrading a pipeline from a savepoint through the API (Flink's stop → change → resume): version 1 runs and
 * stops with a savepoint; the compatibility route reports, node by node, what starting another version from it
 * does; a compatible version 2 (a node added) starts from it and its kept state continues; an incompatible
 * version 3 (an aggregate changed) is refused with the report, and starts with allowNonRestoredState, the changed
 * node empty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobManager } from '../src/jobs/index';
import { byKey, countingSpec, startServer, type TestServer, tempDataDir, waitFor } from './test-support';

type Spec = ReturnType<typeof countingSpec>;

/** Version 2: version 1 plus a rolling MAX per key into its own collect sink. */
function withMaxes(): Spec {
  const s = countingSpec();
  s.nodes.push(
    { id: 'maxes', kind: 'aggregate', aggregates: { top: 'MAX(amount)' } } as never,
    { id: 'maxOut', kind: 'sink', connector: { type: 'collect', maxRows: 10_000 } } as never,
  );
  s.edges.push({ from: 'byKey', to: 'maxes' }, { from: 'maxes', to: 'maxOut' });
  return s;
}

/** Version 3: version 1 with `total` a MAX instead of a SUM. */
function changedTotals(): Spec {
  const s = countingSpec();
  (s.nodes[2] as { aggregates: Record<string, string> }).aggregates = { n: 'COUNT(*)', total: 'MAX(amount)' };
  return s;
}

describe('a new version from a savepoint', () => {
  const data = tempDataDir();
  let t: TestServer;
  let pipelineId: string;
  let sourceJob: string;
  let savepointId: number;
  let saved: Map<string, { n: number; total: number }>;
  let savedEvents: number;

  beforeAll(async () => {
    t = await startServer(data.dir);
    pipelineId = (await t.api.post('/api/pipelines', { spec: countingSpec() })).body.id;
    expect((await t.api.put(`/api/pipelines/${pipelineId}`, { spec: withMaxes() })).body.newVersion).toBe(2);
    expect((await t.api.put(`/api/pipelines/${pipelineId}`, { spec: changedTotals() })).body.newVersion).toBe(
      3,
    );
    sourceJob = (await t.api.post('/api/jobs', { pipelineId, version: 1 })).body.id;
    await waitFor(async () => {
      const r = await t.api.get(`/api/jobs/${sourceJob}/state/totals`);
      return r.body.entries?.length === 4;
    }, 'all keys in state');
    const stopped = await t.api.post(`/api/jobs/${sourceJob}/stop`, { savepoint: true });
    expect(stopped.status).toBe(200);
    savepointId = stopped.body.savepoint.checkpointId;
    saved = byKey(
      (await t.api.get(`/api/jobs/${sourceJob}/checkpoints/${savepointId}/state/totals`)).body.entries,
    );
    const events = (await t.api.get(`/api/jobs/${sourceJob}`)).body.metrics.nodes.find(
      (n: { nodeId: string }) => n.nodeId === 'events',
    );
    savedEvents = events.totalRecordsOut;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    data.remove();
  });

  const from = () => ({ jobId: sourceJob, checkpointId: savepointId });

  it('reports a compatible edit: the kept state restores, the added node starts empty', async () => {
    const r = await t.api.post(`/api/pipelines/${pipelineId}/versions/2/compatibility`, from());
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      pipelineId,
      version: 2,
      from: { ...from(), kind: 'savepoint' },
      report: {
        checkpointId: savepointId,
        checkpointKind: 'savepoint',
        allowNonRestoredState: false,
        compatible: true,
        ok: true,
        problems: [],
        summary: `savepoint ${savepointId}: 3 nodes restore their state, 2 nodes start empty`,
      },
    });
    expect(
      r.body.report.nodes.map((n: { nodeId: string; status: string; action: string }) => [
        n.nodeId,
        n.status,
        n.action,
      ]),
    ).toEqual([
      ['events', 'restored', 'restore'],
      ['byKey', 'stateless', 'none'],
      ['totals', 'restored', 'restore'],
      ['out', 'restored', 'restore'],
      ['maxes', 'new', 'start-empty'],
      ['maxOut', 'new', 'start-empty'],
    ]);
  });

  it('starts the compatible version from the savepoint: the kept state continues, totals carry over', async () => {
    const r = await t.api.post('/api/jobs', { pipelineId, version: 2, restoreFrom: from() });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      version: 2,
      restoredFrom: { checkpointId: savepointId, jobId: sourceJob },
    });
    const id: string = r.body.id;
    // Every key's count goes on from the savepoint's (one row arrives every few keys' worth of ms).
    const grown = await waitFor(async () => {
      const s = byKey((await t.api.get(`/api/jobs/${id}/state/totals`)).body.entries ?? []);
      return [...saved].every(([k, v]) => (s.get(k)?.n ?? 0) > v.n) ? s : null;
    }, 'every key counted past the savepoint');
    for (const [k, v] of saved) expect(grown.get(k)!.total).toBeGreaterThan(v.total);
    const maxes = await waitFor(
      async () => (await t.api.get(`/api/jobs/${id}/state/maxes`)).body.entries?.length === 4,
      'the new node fills',
    );
    expect(maxes).toBe(true);
    const metrics = (await t.api.get(`/api/jobs/${id}`)).body.metrics;
    expect(metrics.countersSince).toMatchObject({ cause: 'restore', checkpointId: savepointId });
    const events = metrics.nodes.find((n: { nodeId: string }) => n.nodeId === 'events');
    expect(events.totalRecordsOut).toBe(savedEvents + events.recordsOut);
    const log = (await t.api.get(`/api/jobs/${id}/events`)).body.events.map(
      (e: { message: string }) => e.message,
    );
    expect(log).toContain(`savepoint ${savepointId}: 3 nodes restore their state, 2 nodes start empty`);
    expect((await t.api.post(`/api/jobs/${id}/stop`, {})).status).toBe(200);
  }, 60_000);

  it('refuses an incompatible version with the report, and starts it with allowNonRestoredState', async () => {
    const report = await t.api.post(`/api/pipelines/${pipelineId}/versions/3/compatibility`, from());
    expect(report.status).toBe(200);
    expect(report.body.report).toMatchObject({ compatible: false, ok: false });
    expect(report.body.report.nodes[2]).toEqual({
      nodeId: 'totals',
      kind: 'aggregate',
      previousKind: 'aggregate',
      status: 'incompatible',
      action: 'refuse',
      checkpointHasState: true,
      reason:
        'its state layout changed (aggregates): refused — allow non-restored state to drop it and start the node empty',
      changes: ['aggregates: n = COUNT(*), total = SUM(amount) → n = COUNT(*), total = MAX(amount)'],
    });

    const jobsBefore = (await t.api.get(`/api/jobs?pipelineId=${pipelineId}`)).body.jobs.length;
    const refused = await t.api.post('/api/jobs', { pipelineId, version: 3, restoreFrom: from() });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({
      code: 'incompatible-state',
      message: `cannot start from savepoint ${savepointId} of job '${sourceJob}': savepoint ${savepointId} cannot be restored as it is: the state of 'totals' (incompatible) has no compatible node in the new spec — allow non-restored state to drop it (2 nodes restore their state). details.report says what happens to each node; allowNonRestoredState: true drops the state no node can take`,
      details: { report: report.body.report },
    });
    // Nothing was stored for the refused start.
    expect((await t.api.get(`/api/jobs?pipelineId=${pipelineId}`)).body.jobs).toHaveLength(jobsBefore);

    const allowed = await t.api.post(`/api/pipelines/${pipelineId}/versions/3/compatibility`, {
      ...from(),
      allowNonRestoredState: true,
    });
    expect(allowed.body.report).toMatchObject({ compatible: false, ok: true, allowNonRestoredState: true });
    expect(allowed.body.report.nodes[2]).toMatchObject({ status: 'incompatible', action: 'drop' });

    const r = await t.api.post('/api/jobs', {
      pipelineId,
      version: 3,
      restoreFrom: from(),
      allowNonRestoredState: true,
    });
    expect(r.status).toBe(201);
    const id: string = r.body.id;
    await waitFor(
      async () => (await t.api.get(`/api/jobs/${id}/state/totals`)).body.entries?.length === 4,
      'the dropped node fills again',
    );
    // The dropped node counts from the restore; the source's totals carry on from the savepoint.
    const metrics = await waitFor(async () => {
      const m = (await t.api.get(`/api/jobs/${id}`)).body.metrics;
      return m?.nodes.find((n: { nodeId: string }) => n.nodeId === 'totals')?.recordsIn > 0 ? m : null;
    }, 'figures');
    const node = (nodeId: string) => metrics.nodes.find((n: { nodeId: string }) => n.nodeId === nodeId);
    expect(node('totals').totalRecordsIn).toBe(node('totals').recordsIn);
    expect(node('events').totalRecordsOut).toBe(savedEvents + node('events').recordsOut);
    const log = (await t.api.get(`/api/jobs/${id}/events`)).body.events.map(
      (e: { message: string }) => e.message,
    );
    expect(log).toContain(
      `savepoint ${savepointId}: 2 nodes restore their state; the state of 'totals' (incompatible) is dropped (allowNonRestoredState)`,
    );
    expect((await t.api.post(`/api/jobs/${id}/stop`, {})).status).toBe(200);
  }, 60_000);

  it('a new version that crashes with the server before its first checkpoint resumes from the savepoint again', async () => {
    // A server whose process "dies": its manager outlives it, so nothing records the end of the job.
    await t.close();
    const manager = new JobManager({ dataDir: data.dir });
    t = await startServer(data.dir, {}, { manager });
    const started = await t.api.post('/api/jobs', {
      pipelineId,
      version: 3,
      restoreFrom: from(),
      allowNonRestoredState: true,
    });
    expect(started.status).toBe(201);
    const id: string = started.body.id;
    await t.close();
    await manager.shutdown({ suspend: true });

    t = await startServer(data.dir);
    await t.server.resumed;
    const log = (await t.api.get(`/api/jobs/${id}/events`)).body.events.map(
      (e: { message: string }) => e.message,
    );
    expect(log).toEqual(
      expect.arrayContaining([
        'the server stopped while the job was running: resuming it from the checkpoint it started from (it had taken none of its own)',
        `restored checkpoint ${savepointId}: resumed after a server restart`,
      ]),
    );
    // The source carries on from the savepoint, not from the beginning.
    const metrics = await waitFor(async () => (await t.api.get(`/api/jobs/${id}`)).body.metrics, 'figures');
    expect(metrics.countersSince).toMatchObject({ cause: 'restore', checkpointId: savepointId });
    const events = metrics.nodes.find((n: { nodeId: string }) => n.nodeId === 'events');
    expect(events.totalRecordsOut).toBe(savedEvents + events.recordsOut);
    expect((await t.api.post(`/api/jobs/${id}/stop`, {})).status).toBe(200);
  }, 60_000);

  it('answers what cannot be compared with the contract’s errors', async () => {
    const missingCheckpoint = await t.api.post(`/api/pipelines/${pipelineId}/versions/2/compatibility`, {
      jobId: sourceJob,
      checkpointId: 999,
    });
    expect([missingCheckpoint.status, missingCheckpoint.body.error.code]).toEqual([
      404,
      'checkpoint-not-found',
    ]);
    const missingJob = await t.api.post(`/api/pipelines/${pipelineId}/versions/2/compatibility`, {
      jobId: 'nosuchjob',
      checkpointId: savepointId,
    });
    expect([missingJob.status, missingJob.body.error.code]).toEqual([404, 'job-not-found']);
    const missingVersion = await t.api.post(`/api/pipelines/${pipelineId}/versions/9/compatibility`, from());
    expect([missingVersion.status, missingVersion.body.error.code]).toEqual([404, 'version-not-found']);
    const badBody = await t.api.post(`/api/pipelines/${pipelineId}/versions/2/compatibility`, {
      jobId: sourceJob,
    });
    expect([badBody.status, badBody.body.error.code]).toEqual([400, 'invalid-request']);
    const otherMax = countingSpec();
    (otherMax as { settings?: unknown }).settings = { maxParallelism: 256 };
    const adHoc = await t.api.post('/api/jobs', {
      spec: otherMax,
      restoreFrom: from(),
      allowNonRestoredState: true,
    });
    expect(adHoc.status).toBe(409);
    expect(adHoc.body.error.code).toBe('incompatible-state');
    expect(adHoc.body.error.details.report.problems).toEqual([
      {
        code: 'max-parallelism-changed',
        message:
          'the savepoint was taken with maxParallelism 128 and the spec has 256: keyed state is spread over that many key groups, so maxParallelism must stay the same (parallelism may change)',
      },
    ]);
  });
});
