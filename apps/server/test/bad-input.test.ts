/**
 * Bad input of every kind — malformed JSON, wrong types, unknown ids, oversized bodies, other origins, bad
 * socket messages — gets a 4xx or an error acknowledgement with a message, and the job running meanwhile
 * goes on being served. A job whose operator throws restarts per its strategy; the server is unaffected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ask,
  countingSpec,
  KEYS,
  nextEvent,
  openSocket,
  startServer,
  type TestServer,
  type TestSocket,
  tempDataDir,
  throwingSpec,
  waitFor,
} from './test-support';

describe('bad input', () => {
  const data = tempDataDir();
  let t: TestServer;
  let jobId: string;
  let socket: TestSocket;

  /** The running job still answers, and its state still moves. */
  async function jobStillServed(): Promise<void> {
    const a = await t.api.get(`/api/jobs/${jobId}/state/totals`);
    expect(a.status).toBe(200);
    const n0 = a.body.entries.reduce((s: number, e: { value: { n: number } }) => s + e.value.n, 0);
    await waitFor(async () => {
      const b = await t.api.get(`/api/jobs/${jobId}/state/totals`);
      return b.body.entries.reduce((s: number, e: { value: { n: number } }) => s + e.value.n, 0) > n0;
    }, 'the running job to move on');
    expect((await t.api.get('/api/health')).body.ok).toBe(true);
  }

  beforeAll(async () => {
    t = await startServer(data.dir);
    const r = await t.api.post('/api/jobs', { spec: countingSpec() });
    expect(r.status).toBe(201);
    jobId = r.body.id;
    await waitFor(
      async () => (await t.api.get(`/api/jobs/${jobId}/state/totals`)).body.entries?.length === KEYS.length,
      'state',
    );
    socket = await openSocket(t.url);
  });
  afterAll(async () => {
    socket?.close();
    await t?.close();
    data.remove();
  });

  it('malformed JSON → 400 naming the parse error', async () => {
    const r = await t.api.request('POST', '/api/pipelines', { raw: '{"spec": {"nodes": [}' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid-json');
    expect(r.body.error.message).toMatch(/not valid JSON: Unexpected token/);
  });

  it('a missing body, a non-JSON content type → 400 / 415', async () => {
    const none = await t.api.request('POST', '/api/pipelines');
    expect(none.status).toBe(400);
    expect(none.body.error).toMatchObject({
      code: 'invalid-request',
      message: expect.stringMatching(/needs a JSON body/),
    });
    const text = await t.api.request('POST', '/api/validate', {
      raw: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(text.status).toBe(415);
    expect(text.body.error.code).toBe('unsupported-media-type');
  });

  it('wrong types → 400 with each zod issue (path and message)', async () => {
    const r = await t.api.post('/api/pipelines', { spec: countingSpec(), name: 5, extra: true });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('invalid-request');
    const paths = r.body.error.details.map((i: { path: string }) => i.path);
    expect(paths).toContain('body.name');
    expect(r.body.error.details.every((i: { message: string }) => i.message.length > 0)).toBe(true);

    const job = await t.api.post('/api/jobs', { pipelineId: 42 });
    expect(job.status).toBe(400);
    const restore = await t.api.post(`/api/jobs/${jobId}/restore`, { checkpointId: 'latest' });
    expect(restore.status).toBe(400);
    expect(restore.body.error.details[0].path).toBe('body.checkpointId');
    const limit = await t.api.get('/api/jobs?limit=many');
    expect(limit.status).toBe(400);
    expect(limit.body.error.details[0]).toMatchObject({ path: 'query.limit' });
    const unknown = await t.api.get('/api/jobs?pipelineID=x');
    expect(unknown.status).toBe(400);
    const stateLimit = await t.api.get(`/api/jobs/${jobId}/state/totals?limit=0`);
    expect(stateLimit.status).toBe(400);
    const badId = await t.api.get('/api/jobs/..%2F..%2Fetc');
    expect(badId.status).toBe(400);
    expect(badId.body.error.details[0].path).toBe('params.id');
    const stop = await t.api.post(`/api/jobs/${jobId}/stop`, { savepoint: 'yes' });
    expect(stop.status).toBe(400);
    await jobStillServed();
  });

  it('unknown ids and nodes → 404 with a code', async () => {
    const cases: Array<[string, string, string]> = [
      ['GET', '/api/pipelines/nope', 'pipeline-not-found'],
      ['GET', '/api/pipelines/nope/versions', 'pipeline-not-found'],
      ['DELETE', '/api/pipelines/nope', 'pipeline-not-found'],
      ['GET', '/api/jobs/nope', 'job-not-found'],
      ['GET', '/api/jobs/nope/checkpoints', 'job-not-found'],
      ['GET', `/api/jobs/${jobId}/checkpoints/999`, 'checkpoint-not-found'],
      ['GET', `/api/jobs/${jobId}/checkpoints/999/state/totals`, 'checkpoint-not-found'],
      ['GET', `/api/jobs/${jobId}/state/nope`, 'node-not-found'],
      ['GET', `/api/jobs/${jobId}/state/events`, 'node-not-found'],
      ['GET', `/api/jobs/${jobId}/output/totals`, 'node-not-found'],
      ['GET', '/api/nothing-here', 'route-not-found'],
    ];
    for (const [method, p, code] of cases) {
      const r = await t.api.request(method, p);
      expect({ p, status: r.status, code: r.body.error?.code }).toEqual({ p, status: 404, code });
      expect(r.body.error.message.length).toBeGreaterThan(10);
    }
    const restore = await t.api.post(`/api/jobs/${jobId}/restore`, { checkpointId: 999 });
    expect(restore.status).toBe(404);
    expect(restore.body.error.code).toBe('checkpoint-not-found');
    const run = await t.api.post('/api/jobs', { pipelineId: 'nope' });
    expect(run.body.error.code).toBe('pipeline-not-found');
    const p = await t.api.post('/api/pipelines', { spec: countingSpec() });
    const v = await t.api.post('/api/jobs', { pipelineId: p.body.id, version: 7 });
    expect(v.status).toBe(404);
    expect(v.body.error.code).toBe('version-not-found');
  });

  it('oversized bodies → 413', async () => {
    const big = JSON.stringify({ spec: { name: 'x'.repeat(2 * 1024 * 1024) } });
    const r = await t.api.request('POST', '/api/validate', { raw: big });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('body-too-large');
    expect(r.body.error.message).toMatch(/1048576 bytes/);
    await jobStillServed();
  });

  it('other origins are refused (REST and socket); the studio gets CORS headers', async () => {
    const evil = await t.api.get('/api/pipelines', { headers: { origin: 'http://evil.example' } });
    expect(evil.status).toBe(403);
    expect(evil.body.error.code).toBe('forbidden-origin');
    const post = await t.api.post(`/api/jobs/${jobId}/stop`, undefined, {
      headers: { origin: 'http://evil.example' },
    });
    expect(post.status).toBe(403);
    const studio = await t.api.get('/api/pipelines', { headers: { origin: 'http://localhost:3000' } });
    expect(studio.status).toBe(200);
    expect(studio.headers.get('access-control-allow-origin')).toBe('http://localhost:3000');
    const preflight = await t.api.request('OPTIONS', '/api/jobs', {
      headers: { origin: 'http://127.0.0.1:3000', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toMatch(/POST/);
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);

    await expect(openSocket(t.url, { origin: 'http://evil.example' })).rejects.toThrow();
    const ok = await openSocket(t.url, { origin: 'http://localhost:3000' });
    ok.close();
  });

  it('bad socket messages get error answers and the socket stays connected', async () => {
    const bad = await ask(socket, 'job:subscribe', {});
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-request' } });
    expect(bad.ok === false && bad.error.message).toMatch(/jobId/);
    expect(await ask(socket, 'job:subscribe', 'not an object')).toMatchObject({
      ok: false,
      error: { code: 'invalid-request' },
    });
    expect(await ask(socket, 'job:subscribe', { jobId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'job-not-found' },
    });
    expect(await ask(socket, 'job:subscribe', { jobId, extra: 1 })).toMatchObject({ ok: false });
    expect(await ask(socket, 'state:subscribe', { jobId, nodeId: 'events' })).toMatchObject({
      ok: false,
      error: { code: 'node-not-found', message: expect.stringMatching(/no keyed state/) },
    });
    expect(await ask(socket, 'state:subscribe', { jobId, nodeId: 'bad node id!' })).toMatchObject({
      ok: false,
    });
    expect(await ask(socket, 'no:such:event', { jobId })).toMatchObject({
      ok: false,
      error: { code: 'invalid-request', message: expect.stringMatching(/unknown event/) },
    });
    // Without an acknowledgement callback: the error comes as a client:error event.
    const err = nextEvent(socket, 'client:error');
    socket.emit('job:subscribe', { jobId: 7 } as never);
    expect(await err).toMatchObject({ event: 'job:subscribe', error: { code: 'invalid-request' } });

    expect(socket.connected).toBe(true);
    expect(await ask(socket, 'job:subscribe', { jobId })).toEqual({ ok: true });
    await nextEvent(socket, 'job:metrics', (m) => m.jobId === jobId);
    await jobStillServed();
  });

  it('a job whose operator throws restarts per its strategy and fails; the server is unaffected', async () => {
    const r = await t.api.post('/api/jobs', { spec: throwingSpec(2) });
    expect(r.status).toBe(201);
    const failing = r.body.id as string;
    expect(await ask(socket, 'job:subscribe', { jobId: failing })).toEqual({ ok: true });
    const restarting = nextEvent(
      socket,
      'job:status',
      (s) => s.jobId === failing && s.status === 'restarting',
    );
    const failed = nextEvent(socket, 'job:status', (s) => s.jobId === failing && s.status === 'failed');
    expect((await restarting).cause).toMatch(/three|INT|cast/i);
    const end = await failed;
    expect(end.restarts).toBe(2);

    const row = await t.api.get(`/api/jobs/${failing}`);
    expect(row.body).toMatchObject({ status: 'failed', restarts: 2, live: false });
    expect(row.body.failureCause).toEqual(expect.any(String));
    expect(row.body.endedAt).not.toBeNull();
    const events = await t.api.get(`/api/jobs/${failing}/events`);
    const types = events.body.events.map((e: { type: string }) => e.type);
    expect(types.filter((x: string) => x === 'restart')).toHaveLength(2);
    expect(events.body.events[0]).toMatchObject({ type: 'status', level: 'error' });
    await jobStillServed();
  });
});
