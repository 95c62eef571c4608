/**
 * The whole life of a pipeline through the server, with a real SQLite file, a running engine on a worker
 * thread and real socket.io clients: create, run, read state, checkpoint (event + row), restore in place,
 * stop with a savepoint, restart the server, and restore a stopped job's checkpoint into a new run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ask,
  byKey,
  countingSpec,
  KEYS,
  nextEvent,
  openSocket,
  sleep,
  startServer,
  type TestServer,
  type TestSocket,
  tempDataDir,
  waitFor,
} from './test-support';

describe('a pipeline from creation to a restore after a server restart', () => {
  const data = tempDataDir();
  let t: TestServer;
  let socket: TestSocket;
  let pipelineId: string;
  let jobId: string;
  let checkpointId: number;
  let checkpointState: Map<string, { n: number; total: number }>;
  let savepointId: number;

  beforeAll(async () => {
    t = await startServer(data.dir);
  });
  afterAll(async () => {
    socket?.close();
    await t?.close();
    data.remove();
  });

  it('creates a pipeline (version 1) and stores a new version on PUT', async () => {
    const created = await t.api.post('/api/pipelines', {
      spec: countingSpec(),
      description: 'counts per key',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'key-counts',
      description: 'counts per key',
      latestVersion: 1,
    });
    pipelineId = created.body.id;

    const renamed = await t.api.put(`/api/pipelines/${pipelineId}`, { name: 'Key counts' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Key counts', latestVersion: 1, newVersion: null });

    const edited = await t.api.put(`/api/pipelines/${pipelineId}`, {
      spec: countingSpec({ rowsPerSecond: 2000, name: 'key-counts-v2' }),
      message: 'rename the job',
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ latestVersion: 2, newVersion: 2 });

    const versions = await t.api.get(`/api/pipelines/${pipelineId}/versions`);
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(versions.body.versions[0]).toMatchObject({ message: 'rename the job' });

    const list = await t.api.get('/api/pipelines');
    expect(list.body.pipelines.map((p: { id: string }) => p.id)).toContain(pipelineId);
  });

  it('validates a spec and refuses an invalid one with its problems', async () => {
    const ok = await t.api.post('/api/validate', { spec: countingSpec() });
    expect(ok.body).toMatchObject({ ok: true });
    const bad = countingSpec();
    (bad.edges as Array<{ from: string; to: string }>).push({ from: 'out', to: 'nowhere' });
    const r = await t.api.post('/api/validate', { spec: bad });
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(false);
    expect(r.body.problems.length).toBeGreaterThan(0);
    expect(r.body.problems[0]).toHaveProperty('path');

    const create = await t.api.post('/api/pipelines', { spec: bad });
    expect(create.status).toBe(422);
    expect(create.body.error.code).toBe('invalid-spec');
    expect(create.body.error.details.problems.length).toBeGreaterThan(0);
    const run = await t.api.post('/api/jobs', { spec: bad });
    expect(run.status).toBe(422);
    expect(run.body.error.message).toMatch(/not valid/);
  });

  it('runs version 1 and streams its status over the socket', async () => {
    socket = await openSocket(t.url);
    const started = await t.api.post('/api/jobs', { pipelineId, version: 1 });
    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({ pipelineId, version: 1, name: 'key-counts', live: true });
    jobId = started.body.id;

    const status = nextEvent(socket, 'job:status', (s) => s.jobId === jobId && s.status === 'running');
    expect(await ask(socket, 'job:subscribe', { jobId })).toEqual({ ok: true });
    await status;
    const metrics = await nextEvent(socket, 'job:metrics', (m) => m.jobId === jobId);
    expect(metrics.metrics.nodes.map((n) => n.nodeId)).toEqual(expect.arrayContaining(['events', 'totals']));
    const rows = await nextEvent(socket, 'output:rows', (o) => o.jobId === jobId && o.rows.length > 0);
    expect(rows.nodeId).toBe('out');

    const detail = await t.api.get(`/api/jobs/${jobId}`);
    expect(detail.body).toMatchObject({ status: 'running', live: true });
    expect(detail.body.metrics.status).toBe('running');
    expect(detail.body.startedAt).not.toBeNull();

    const listed = await t.api.get(`/api/jobs?pipelineId=${pipelineId}`);
    expect(listed.body.jobs.map((j: { id: string }) => j.id)).toEqual([jobId]);
  });

  it('reads the state of known keys, and streams their changes to a state subscriber', async () => {
    const page = await waitFor(async () => {
      const r = await t.api.get(`/api/jobs/${jobId}/state/totals`);
      return r.body.entries?.length === KEYS.length ? r.body : null;
    }, 'all keys in state');
    expect(page.entries.map((e: { key: string }) => e.key).sort()).toEqual([...KEYS].sort());
    for (const e of page.entries) expect(e.value.n).toBeGreaterThan(0);

    const paged = await t.api.get(`/api/jobs/${jobId}/state/totals?limit=2`);
    expect(paged.body.entries).toHaveLength(2);
    expect(paged.body.nextCursor).toEqual(expect.any(String));
    const rest = await t.api.get(
      `/api/jobs/${jobId}/state/totals?limit=10&cursor=${encodeURIComponent(paged.body.nextCursor)}`,
    );
    expect(rest.body.entries).toHaveLength(2);
    const prefixed = await t.api.get(`/api/jobs/${jobId}/state/totals?prefix=al`);
    expect(prefixed.body.entries.map((e: { key: string }) => e.key)).toEqual(['alpha']);

    const seen: number[] = [];
    const onChanges = () => seen.push(Date.now());
    socket.on('state:changes', onChanges);
    expect(await ask(socket, 'state:subscribe', { jobId, nodeId: 'totals' })).toEqual({ ok: true });
    const changes = await nextEvent(
      socket,
      'state:changes',
      (c) => c.jobId === jobId && c.changes.length > 0,
    );
    expect(changes.nodeId).toBe('totals');
    expect(changes.numKeys).toBe(KEYS.length);
    for (const c of changes.changes) expect(KEYS).toContain(c.key);
    await sleep(1500);
    socket.off('state:changes', onChanges);
    // Coalesced: about 10 a second, never one per record (2000 records a second here).
    const window = seen.filter((s) => s >= seen[0]! && s < seen[0]! + 1000);
    expect(window.length).toBeLessThanOrEqual(12);
    expect(t.server.hub.stats().stateSubscriptions).toBe(1);

    // A second socket on the same node shares the engine subscription; the last one out releases it.
    const other = await openSocket(t.url);
    expect(await ask(other, 'state:subscribe', { jobId, nodeId: 'totals' })).toEqual({ ok: true });
    expect(t.server.hub.stats().stateSubscriptions).toBe(1);
    other.close();
    await waitFor(() => t.server.hub.stats().sockets === 1, 'the second socket gone');
    expect(t.server.hub.stats().stateSubscriptions).toBe(1);
    expect(await ask(socket, 'state:unsubscribe', { jobId, nodeId: 'totals' })).toEqual({ ok: true });
    expect(t.server.hub.stats().stateSubscriptions).toBe(0);
    // The last subscriber disconnecting releases it too.
    const third = await openSocket(t.url);
    expect(await ask(third, 'state:subscribe', { jobId, nodeId: 'totals' })).toEqual({ ok: true });
    expect(t.server.hub.stats().stateSubscriptions).toBe(1);
    third.close();
    await waitFor(
      () => t.server.hub.stats().stateSubscriptions === 0,
      'the subscription released on disconnect',
    );
    await waitFor(
      async () => (await t.server.manager.internals.workerStats(jobId)).stateSubscriptions.length === 0,
      'the worker released the subscription',
    );
    const stats = await t.server.manager.internals.workerStats(jobId);
    expect(stats.engineSubscribeCalls).toBe(2); // one per time the node had subscribers
  });

  it('triggers a checkpoint: the socket reports it completed and its row is in the database', async () => {
    const completed = nextEvent(socket, 'checkpoint:completed', (c) => c.jobId === jobId);
    const triggered = nextEvent(socket, 'checkpoint:triggered', (c) => c.jobId === jobId);
    const r = await t.api.post(`/api/jobs/${jobId}/checkpoints`);
    expect(r.status).toBe(202);
    checkpointId = r.body.checkpointId;
    expect((await triggered).checkpointId).toBe(checkpointId);
    const done = await completed;
    expect(done).toMatchObject({ checkpointId, kind: 'checkpoint', trigger: 'manual' });
    expect(done.sizeBytes).toBeGreaterThan(0);
    expect(done.durationMs).toBeGreaterThanOrEqual(0);
    expect(done.operators.map((o) => o.nodeId)).toContain('totals');

    // The row is there as soon as the event is out.
    const row = await t.server.db.checkpoints.get(jobId, checkpointId);
    expect(row).toMatchObject({ status: 'completed', kind: 'checkpoint', trigger: 'manual' });
    const listed = await t.api.get(`/api/jobs/${jobId}/checkpoints`);
    expect(listed.body.checkpoints[0]).toMatchObject({ checkpointId, status: 'completed', path: done.path });
    expect(listed.body.checkpoints[0].operators.length).toBeGreaterThan(0);
    const one = await t.api.get(`/api/jobs/${jobId}/checkpoints/${checkpointId}`);
    expect(one.body).toMatchObject({ checkpointId, sizeBytes: done.sizeBytes });

    const state = await t.api.get(`/api/jobs/${jobId}/checkpoints/${checkpointId}/state/totals`);
    expect(state.status).toBe(200);
    expect(state.body.checkpointId).toBe(checkpointId);
    checkpointState = byKey(state.body.entries);
    expect([...checkpointState.keys()].sort()).toEqual([...KEYS].sort());
  });

  it('restores the running job in place: the keys hold the checkpoint values again', async () => {
    await sleep(1500); // state moves on
    const before = byKey((await t.api.get(`/api/jobs/${jobId}/state/totals`)).body.entries);
    for (const k of KEYS) expect(before.get(k)!.n).toBeGreaterThan(checkpointState.get(k)!.n + 100);

    const r = await t.api.post(`/api/jobs/${jobId}/restore`, { checkpointId });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ mode: 'in-place', checkpointId, job: { id: jobId, status: 'running' } });
    // The run says where its state now comes from.
    expect(r.body.job.restoredFrom).toMatchObject({ checkpointId, jobId });
    expect((await t.api.get(`/api/jobs/${jobId}`)).body.restoredFrom).toMatchObject({ checkpointId, jobId });
    const after = byKey((await t.api.get(`/api/jobs/${jobId}/state/totals`)).body.entries);
    for (const k of KEYS) {
      const cp = checkpointState.get(k)!;
      const now = after.get(k)!;
      // Back at the checkpoint, plus at most the few rows processed since the restore.
      expect(now.n).toBeGreaterThanOrEqual(cp.n);
      expect(now.n - cp.n).toBeLessThan((before.get(k)!.n - cp.n) / 2);
      expect(now.total).toBeGreaterThanOrEqual(cp.total);
    }
    const events = await t.api.get(`/api/jobs/${jobId}/events`);
    expect(events.body.events.map((e: { type: string }) => e.type)).toContain('restore');
  });

  it('stops with a savepoint', async () => {
    const r = await t.api.post(`/api/jobs/${jobId}/stop`, { savepoint: true });
    expect(r.status).toBe(200);
    expect(r.body.job).toMatchObject({ id: jobId, status: 'cancelled' });
    expect(r.body.job.endedAt).not.toBeNull();
    expect(r.body.savepoint).toMatchObject({ kind: 'savepoint', trigger: 'stop', status: 'completed' });
    savepointId = r.body.savepoint.checkpointId;
    const again = await t.api.post(`/api/jobs/${jobId}/stop`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('job-not-running');
    const trigger = await t.api.post(`/api/jobs/${jobId}/checkpoints`);
    expect(trigger.status).toBe(409);
  });

  it('after a server restart, everything is still there and a stopped job restores into a new run', async () => {
    socket.close();
    await t.close();
    t = await startServer(data.dir);

    const pipelines = await t.api.get('/api/pipelines');
    expect(pipelines.body.pipelines).toEqual([expect.objectContaining({ id: pipelineId, latestVersion: 2 })]);
    const versions = await t.api.get(`/api/pipelines/${pipelineId}/versions`);
    expect(versions.body.versions).toHaveLength(2);
    const job = await t.api.get(`/api/jobs/${jobId}`);
    // Its final figures were stored as it stopped.
    expect(job.body).toMatchObject({ id: jobId, status: 'cancelled', live: false, metricsLive: false });
    expect(job.body.metrics.status).toBe('cancelled');
    const cps = await t.api.get(`/api/jobs/${jobId}/checkpoints`);
    const ids = cps.body.checkpoints.map((c: { checkpointId: number }) => c.checkpointId);
    expect(ids).toContain(checkpointId);
    // Its state: the newest checkpoint's, the savepoint it stopped with.
    const live = await t.api.get(`/api/jobs/${jobId}/state/totals`);
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ live: false, checkpointId: savepointId });
    const sp = await t.api.get(`/api/jobs/${jobId}/checkpoints/${savepointId}/state/totals`);
    expect(live.body.entries).toEqual(sp.body.entries);
    const old = await t.api.get(`/api/jobs/${jobId}/checkpoints/${checkpointId}/state/totals`);
    expect(byKey(old.body.entries)).toEqual(checkpointState);

    socket = await openSocket(t.url);
    const r = await t.api.post(`/api/jobs/${jobId}/restore`, { checkpointId });
    expect(r.status).toBe(200);
    expect(r.body.mode).toBe('new-run');
    const newId = r.body.job.id as string;
    expect(newId).not.toBe(jobId);
    expect(r.body.job).toMatchObject({
      pipelineId,
      version: 1,
      status: 'running',
      restoredFrom: { checkpointId, jobId },
    });
    const state = byKey((await t.api.get(`/api/jobs/${newId}/state/totals`)).body.entries);
    for (const k of KEYS) {
      expect(state.get(k)!.n).toBeGreaterThanOrEqual(checkpointState.get(k)!.n);
      expect(state.get(k)!.n).toBeLessThan(checkpointState.get(k)!.n + 500);
    }
    expect(await ask(socket, 'job:subscribe', { jobId: newId })).toEqual({ ok: true });
    await nextEvent(socket, 'job:metrics', (m) => m.jobId === newId);
    const stopped = await t.api.post(`/api/jobs/${newId}/stop`);
    expect(stopped.body.job.status).toBe('cancelled');
  });

  it('resumes a job a crashed server left running from its newest checkpoint, under its own id', async () => {
    // A server whose process "dies": its manager outlives it, so nothing records the end of the job.
    const { JobManager } = await import('../src/jobs/index');
    const manager = new JobManager({ dataDir: data.dir });
    socket.close();
    await t.close();
    t = await startServer(data.dir, {}, { manager });
    const started = await t.api.post('/api/jobs', { pipelineId });
    const orphan = started.body.id as string;
    const cp = await t.api.post(`/api/jobs/${orphan}/checkpoints`);
    await waitFor(
      async () => (await t.server.db.checkpoints.get(orphan, cp.body.checkpointId))?.status === 'completed',
      'the checkpoint',
    );
    await t.close(); // the job row still says running: nobody saw it end
    await manager.shutdown();

    t = await startServer(data.dir);
    await t.server.resumed;
    const job = await t.api.get(`/api/jobs/${orphan}`);
    expect(job.body).toMatchObject({
      id: orphan,
      status: 'running',
      live: true,
      restoredFrom: { checkpointId: cp.body.checkpointId },
    });
    const events = (await t.api.get(`/api/jobs/${orphan}/events`)).body.events as Array<{
      type: string;
      message: string;
    }>;
    expect(events.map((e) => e.message)).toEqual(
      expect.arrayContaining([
        'the server stopped while the job was running: resuming it from its newest checkpoint',
        `restored checkpoint ${cp.body.checkpointId}: resumed after a server restart`,
      ]),
    );
    // Its checkpoints stay restorable: in place now, as it runs.
    const r = await t.api.post(`/api/jobs/${orphan}/restore`, { checkpointId: cp.body.checkpointId });
    expect(r.body).toMatchObject({ mode: 'in-place', checkpointId: cp.body.checkpointId });
    await t.api.post(`/api/jobs/${orphan}/stop`);
  });

  it('deletes a pipeline (refused while a job of it runs); its jobs stay', async () => {
    const running = await t.api.post('/api/jobs', { pipelineId });
    const refused = await t.api.del(`/api/pipelines/${pipelineId}`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('pipeline-in-use');
    await t.api.post(`/api/jobs/${running.body.id}/stop`);
    const del = await t.api.del(`/api/pipelines/${pipelineId}`);
    expect(del.status).toBe(204);
    expect((await t.api.get(`/api/pipelines/${pipelineId}`)).status).toBe(404);
    const job = await t.api.get(`/api/jobs/${jobId}`);
    expect(job.body).toMatchObject({ id: jobId, pipelineId: null });
  });
});
