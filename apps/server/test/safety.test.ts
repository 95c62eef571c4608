/**
 * The server on a shared machine, tried as a hostile but fair client would: specs that name files outside what
 * jobs may use, uploads, more jobs than allowed, a job past its memory, a worker that does not answer, racing
 * operations on one job, foreign Host headers, URLs Fastify cannot route, oversized and malformed socket
 * messages. Every answer is the contract's, and the server keeps serving.
 */
import { mkdirSync, symlinkSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobManager } from '../src/jobs/index';
import {
  ask,
  countingSpec,
  openSocket,
  sleep,
  startServer,
  type TestServer,
  tempDataDir,
  waitFor,
} from './test-support';

/** A text file source → collect sink, reading `p`; or a datagen → file sink writing to `p`. */
function fileSpec(p: string, as: 'source' | 'sink' = 'source') {
  const nodes =
    as === 'source'
      ? [
          { id: 'src', kind: 'source', connector: { type: 'file', path: p, format: 'text' } },
          { id: 'out', kind: 'sink', connector: { type: 'collect' } },
        ]
      : [
          {
            id: 'src',
            kind: 'source',
            connector: { type: 'datagen', count: 10, fields: { n: { kind: 'sequence', start: 0 } } },
            schema: { n: 'int' },
          },
          { id: 'out', kind: 'sink', connector: { type: 'file', path: p, format: 'jsonl' } },
        ];
  return { specVersion: 1, name: 'files', nodes, edges: [{ from: 'src', to: 'out' }] };
}

/** A raw HTTP GET with a chosen Host header (fetch does not let one set it). */
function getWithHost(url: string, p: string, host: string): Promise<{ status: number; body: unknown }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { hostname: u.hostname, port: u.port, path: p, method: 'GET', headers: { host } },
      (res) => {
        let text = '';
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('files a spec may use', () => {
  const data = tempDataDir();
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer(data.dir, { FLOWSTATE_UPLOAD_MAX_BYTES: '4096' });
  });
  afterAll(async () => {
    await t?.close();
    data.remove();
  });

  it('refuses paths outside the allowed roots, the database, checkpoints, .. escapes and devices with 422, and stores no job', async () => {
    const before = (await t.api.get('/api/jobs')).body.jobs.length;
    const cases: Array<[ReturnType<typeof fileSpec>, RegExp]> = [
      [
        fileSpec('/etc/passwd'),
        /^source 'src': "\/etc\/passwd" is outside the directories this server lets jobs use/,
      ],
      [
        fileSpec('flowstate.db'),
        /^source 'src': "flowstate\.db" is the server's database: a job may not read or write it$/,
      ],
      [fileSpec('checkpoints'), /^source 'src': "checkpoints" is the server's checkpoint directory/],
      [
        fileSpec('state/some-job/agg-0/data.mdb'),
        /^source 'src': "state\/some-job\/agg-0\/data\.mdb" is the server's state directory \(disk state backend\)/,
      ],
      [fileSpec('/dev/zero'), /^source 'src': "\/dev\/zero" is outside the directories/],
      [fileSpec('/tmp/x/sub', 'sink'), /^sink 'out': "\/tmp\/x\/sub" is outside the directories/],
      [
        fileSpec('../../../tmp/y', 'sink'),
        /^sink 'out': "\.\.\/\.\.\/\.\.\/tmp\/y" is outside the directories/,
      ],
    ];
    for (const [spec, message] of cases) {
      const r = await t.api.post('/api/jobs', { spec });
      expect(r.status).toBe(422);
      expect(r.body.error.code).toBe('invalid-spec');
      const [problem] = r.body.error.details.problems;
      expect(problem).toMatchObject({
        code: 'path-not-allowed',
        nodeId: spec.nodes.find((n) => n.connector.type === 'file')!.id,
        path:
          spec.nodes[0]!.connector.type === 'file' ? '/nodes/0/connector/path' : '/nodes/1/connector/path',
      });
      expect(problem.message).toMatch(message);
    }
    // The same problems when a pipeline is saved or a spec validated.
    expect((await t.api.post('/api/pipelines', { spec: fileSpec('/etc/passwd') })).status).toBe(422);
    const v = await t.api.post('/api/validate', { spec: fileSpec('/etc/passwd') });
    expect(v.body.ok).toBe(false);
    expect(v.body.problems.map((p: { code: string }) => p.code)).toEqual(['path-not-allowed']);
    expect((await t.api.get('/api/jobs')).body.jobs.length).toBe(before);
  });

  it('refuses a symlink in the data directory that leads outside it', async () => {
    mkdirSync(path.join(data.dir, 'links'), { recursive: true });
    symlinkSync('/etc/hostname', path.join(data.dir, 'links', 'host'));
    const r = await t.api.post('/api/jobs', { spec: fileSpec('links/host') });
    expect(r.status).toBe(422);
    expect(r.body.error.details.problems[0].message).toBe(
      'source \'src\': "links/host" (/etc/hostname) is outside the directories this server lets jobs use (the data directory, the examples (read-only)); upload the file or add a root to FLOWSTATE_FILE_ROOTS',
    );
  });

  it('takes an upload into the data directory, lists it, and a job reads it as files/<name>', async () => {
    const put = await t.api.request('PUT', '/api/files/words.txt', {
      raw: 'to be\nor not\nto be\n',
      headers: { 'content-type': 'text/plain' },
    });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ name: 'words.txt', path: 'files/words.txt', sizeBytes: 19 });
    const list = await t.api.get('/api/files');
    expect(list.body).toMatchObject({
      files: [{ name: 'words.txt', path: 'files/words.txt', sizeBytes: 19 }],
      usedBytes: 19,
      maxFileBytes: 4096,
    });
    const job = await t.api.post('/api/jobs', { spec: fileSpec('files/words.txt') });
    expect(job.status).toBe(201);
    await waitFor(
      async () => (await t.api.get(`/api/jobs/${job.body.id}`)).body.status === 'finished',
      'the job to finish',
    );
    const out = await t.api.get(`/api/jobs/${job.body.id}/output/out`);
    expect(out.body.rows).toEqual([{ line: 'to be' }, { line: 'or not' }, { line: 'to be' }]);
    expect((await t.api.del('/api/files/words.txt')).status).toBe(204);
    const again = await t.api.del('/api/files/words.txt');
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('file-not-found');
  });

  it('refuses an upload over the size limit (keeping nothing), names that leave the directory, and JSON bodies', async () => {
    const big = await t.api.request('PUT', '/api/files/big.csv', {
      raw: Buffer.alloc(5000, 0x61),
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(big.status).toBe(413);
    expect(big.body.error).toEqual({
      code: 'body-too-large',
      message: 'the file is larger than the limit of 4096 bytes (FLOWSTATE_UPLOAD_MAX_BYTES)',
    });
    expect((await t.api.get('/api/files')).body.files).toEqual([]);
    for (const name of ['..%2Fescape', '.hidden', '_pending']) {
      const r = await t.api.request('PUT', `/api/files/${name}`, {
        raw: 'x',
        headers: { 'content-type': 'text/plain' },
      });
      expect(r.status).toBe(400);
      expect(r.body.error.code).toBe('invalid-request');
    }
    const json = await t.api.request('PUT', '/api/files/a.json', { raw: '{}' });
    expect(json.status).toBe(415);
    expect(json.body.error.code).toBe('unsupported-media-type');
  });
});

describe('bounded jobs', () => {
  const data = tempDataDir();
  let t: TestServer;
  let manager: JobManager;
  beforeAll(async () => {
    manager = new JobManager({
      dataDir: data.dir,
      testHooks: true,
      stopTimeoutMs: 1000,
      jobMemoryMb: 64,
    });
    t = await startServer(data.dir, { FLOWSTATE_MAX_RUNNING_JOBS: '2' }, { manager });
  });
  afterAll(async () => {
    await t?.close();
    await manager?.shutdown();
    data.remove();
  });

  it('runs at most FLOWSTATE_MAX_RUNNING_JOBS jobs: the next start is 429 naming the limit, and leaves no row', async () => {
    const a = await t.api.post('/api/jobs', { spec: countingSpec({ rowsPerSecond: 100 }) });
    const b = await t.api.post('/api/jobs', { spec: countingSpec({ rowsPerSecond: 100 }) });
    expect([a.status, b.status]).toEqual([201, 201]);
    const rows = (await t.api.get('/api/jobs')).body.jobs.length;
    const c = await t.api.post('/api/jobs', { spec: countingSpec() });
    expect(c.status).toBe(429);
    expect(c.body.error).toEqual({
      code: 'too-many-jobs',
      message:
        '2 jobs are running, the most this server runs at once (FLOWSTATE_MAX_RUNNING_JOBS = 2): stop one first',
    });
    expect((await t.api.get('/api/jobs')).body.jobs.length).toBe(rows);
    await t.api.post(`/api/jobs/${a.body.id}/stop`);
    await t.api.post(`/api/jobs/${b.body.id}/stop`);
    expect((await t.api.post('/api/jobs', { spec: countingSpec() })).status).toBe(201);
    for (const j of (await t.api.get('/api/jobs?status=running')).body.jobs)
      await t.api.post(`/api/jobs/${j.id}/stop`);
  });

  it('a job past its heap limit fails with OUT_OF_MEMORY naming it; the server goes on', async () => {
    // Every row a new key with a long name: the rolling count's state grows until the 64 MiB heap is full.
    const spec = {
      specVersion: 1,
      name: 'grows',
      nodes: [
        {
          id: 'src',
          kind: 'source',
          connector: {
            type: 'datagen',
            fields: { k: { kind: 'random', length: 64 } },
          },
          schema: { k: 'string' },
        },
        { id: 'byK', kind: 'keyBy', key: ['k'] },
        { id: 'n', kind: 'aggregate', aggregates: { n: 'COUNT(*)' } },
        { id: 'out', kind: 'sink', connector: { type: 'blackhole' } },
      ],
      edges: [
        { from: 'src', to: 'byK' },
        { from: 'byK', to: 'n' },
        { from: 'n', to: 'out' },
      ],
    };
    const rss0 = (await t.api.get('/api/health')).body.memory.rssBytes;
    const r = await t.api.post('/api/jobs', { spec });
    expect(r.status).toBe(201);
    let peak = rss0;
    const job = await waitFor(
      async () => {
        const h = await t.api.get('/api/health');
        peak = Math.max(peak, h.body.memory.rssBytes);
        const j = await t.api.get(`/api/jobs/${r.body.id}`);
        return j.body.status === 'failed' ? j.body : null;
      },
      'the job to run out of memory',
      60_000,
    );
    expect(job.failureCause).toBe(
      `OUT_OF_MEMORY: job '${r.body.id}' ran out of memory: its worker reached the heap limit of 64 MiB (FLOWSTATE_JOB_MEMORY_MB) and was stopped`,
    );
    console.log(
      `out-of-memory job: server RSS ${Math.round(rss0 / 2 ** 20)} MiB before, peak ${Math.round(peak / 2 ** 20)} MiB while the 64 MiB job ran`,
    );
    expect((await t.api.get('/api/health')).body.ok).toBe(true);
  });

  it('answers while a job’s worker is stuck (its last metrics; 503 for what needs the worker), and a stop ends it by terminating the worker', async () => {
    const r = await t.api.post('/api/jobs', { spec: countingSpec({ rowsPerSecond: 500 }) });
    await waitFor(async () => (await t.api.get(`/api/jobs/${r.body.id}`)).body.metrics, 'metrics');
    // Stuck for longer than this test may take: every answer below comes without waiting for it.
    await manager.internals.block(r.body.id, 60_000);
    await sleep(50);
    const detail = await t.api.get(`/api/jobs/${r.body.id}`);
    expect(detail.body).toMatchObject({ status: 'running', live: true });
    expect(detail.body.metrics.nodes.map((n: { nodeId: string }) => n.nodeId)).toEqual([
      'events',
      'totals',
      'out',
    ]);
    const state = await t.api.get(`/api/jobs/${r.body.id}/state/totals`);
    expect(state.status).toBe(503);
    expect(state.body.error.code).toBe('unavailable');
    expect(state.body.error.message).toBe(
      `job '${r.body.id}' is busy: the worker did not answer 'queryState' within 1000 ms; its last known state is shown where there is one — try again`,
    );
    const stop = await t.api.post(`/api/jobs/${r.body.id}/stop`);
    expect(stop.status).toBe(200);
    expect(stop.body.job).toMatchObject({
      status: 'cancelled',
      failureCause: 'the job did not stop within 1000 ms, so its worker was terminated',
    });
  });
});

describe('one operation per job at a time', () => {
  const data = tempDataDir();
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer(data.dir);
  });
  afterAll(async () => {
    await t?.close();
    data.remove();
  });

  async function runningWithCheckpoint(): Promise<{ jobId: string; checkpointId: number }> {
    const r = await t.api.post('/api/jobs', { spec: countingSpec({ rowsPerSecond: 500 }) });
    const cp = await t.api.post(`/api/jobs/${r.body.id}/checkpoints`);
    await waitFor(
      async () =>
        (await t.server.db.checkpoints.get(r.body.id, cp.body.checkpointId))?.status === 'completed',
      'the checkpoint',
    );
    return { jobId: r.body.id, checkpointId: cp.body.checkpointId };
  }

  it('a restore sent while a stop is under way is refused at once with what is under way; the stop completes', async () => {
    const { jobId, checkpointId } = await runningWithCheckpoint();
    // The stop is held inside its operation until the restore has its answer: which of two requests sent in
    // the same tick reaches the job first is up to the HTTP stack, so the test orders them itself.
    const manager = (t.server.jobs as unknown as { manager: { stop: (...a: unknown[]) => Promise<unknown> } })
      .manager;
    const stopOf = manager.stop;
    let entered!: () => void;
    const inStop = new Promise<void>((r) => {
      entered = r;
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    manager.stop = async (...a: unknown[]) => {
      entered();
      await gate;
      return stopOf.apply(manager, a);
    };
    try {
      const stopping = t.api.post(`/api/jobs/${jobId}/stop`);
      await inStop;
      const restore = await t.api.post(`/api/jobs/${jobId}/restore`, { checkpointId });
      release();
      const stop = await stopping;
      expect(stop.status).toBe(200);
      expect(stop.body.job.status).toBe('cancelled');
      expect(restore.status).toBe(409);
      expect(restore.body.error.code).toBe('operation-in-progress');
      expect(restore.body.error.message).toMatch(
        new RegExp(
          `^job '${jobId}' is busy: a stop has been under way since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z; try again when it is done$`,
        ),
      );
    } finally {
      release();
      manager.stop = stopOf;
    }
  });

  it('two concurrent new-run restores of a stopped job start exactly one run', async () => {
    const { jobId, checkpointId } = await runningWithCheckpoint();
    await t.api.post(`/api/jobs/${jobId}/stop`);
    const before = (await t.api.get('/api/jobs')).body.jobs.length;
    const answers = await Promise.all(
      [1, 2, 3].map(() => t.api.post(`/api/jobs/${jobId}/restore`, { checkpointId })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409, 409]);
    const won = answers.find((a) => a.status === 200)!;
    expect(won.body).toMatchObject({ mode: 'new-run', checkpointId, job: { status: 'running' } });
    expect((await t.api.get('/api/jobs')).body.jobs.length).toBe(before + 1);
    await t.api.post(`/api/jobs/${won.body.job.id}/stop`);
  });
});

describe('the contract everywhere', () => {
  const data = tempDataDir();
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer(data.dir, { FLOWSTATE_ALLOWED_HOSTS: 'flowstate.example' });
  });
  afterAll(async () => {
    await t?.close();
    data.remove();
  });

  it('answers only to loopback and configured host names (421 otherwise), REST and socket.io', async () => {
    const port = new URL(t.url).port;
    expect((await getWithHost(t.url, '/api/health', `localhost:${port}`)).status).toBe(200);
    expect((await getWithHost(t.url, '/api/health', 'flowstate.example')).status).toBe(200);
    const evil = await getWithHost(t.url, '/api/pipelines', `attacker.example:${port}`);
    expect(evil).toEqual({
      status: 421,
      body: {
        error: {
          code: 'misdirected-request',
          message:
            "this server does not answer to host 'attacker.example' (it answers to localhost, 127.0.0.1, [::1], flowstate.example; add a name to FLOWSTATE_ALLOWED_HOSTS)",
        },
      },
    });
    (await openSocket(t.url.replace('127.0.0.1', 'localhost'))).close();
    // socket.io's handshake: engine.io refuses the request (403) with our reason
    const handshake = await getWithHost(t.url, '/socket.io/?EIO=4&transport=polling', 'attacker.example');
    expect(handshake).toEqual({
      status: 403,
      body: {
        code: 4,
        message:
          "this server does not answer to host 'attacker.example' (it answers to localhost, 127.0.0.1, [::1], flowstate.example; add a name to FLOWSTATE_ALLOWED_HOSTS)",
      },
    });
  });

  it('URLs Fastify cannot route answer in the contract shape', async () => {
    const bad = await t.api.get('/api/pipelines/%zz');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('invalid-request');
    expect(bad.body.error.message).toMatch(/^the request URL is not valid: /);
    const long = await t.api.get(`/api/pipelines/${'a'.repeat(300)}`);
    expect(long.status).toBe(400);
    expect(Object.keys(long.body)).toEqual(['error']);
    expect(long.body.error.code).toBe('invalid-request');
    expect(long.body.error.message).toMatch(
      /^the request URL is not valid: .* is exceeding the max param length$/,
    );
  });

  it('a 20 KB socket message gets an error answer and the socket stays; a malformed packet is dropped', async () => {
    const socket = await openSocket(t.url);
    const big = await ask(socket, 'job:subscribe', { jobId: 'x'.repeat(20_000) });
    expect(big).toEqual({
      ok: false,
      error: {
        code: 'invalid-request',
        message: expect.stringMatching(
          /^job:subscribe: the message is 200\d\d bytes, more than the 16384 this server reads$/,
        ),
      },
    });
    (socket.io.engine as unknown as { send(s: string): void }).send('2[not json');
    await sleep(100);
    expect(socket.connected).toBe(true);
    const after = await ask(socket, 'job:subscribe', { jobId: 'nope' });
    expect(after).toEqual({ ok: false, error: { code: 'job-not-found', message: "there is no job 'nope'" } });
    socket.close();
  });

  it('state subscriptions never outlive their socket, even when it leaves during concurrent subscribes', async () => {
    const r = await t.api.post('/api/jobs', { spec: countingSpec({ rowsPerSecond: 200 }) });
    for (let round = 0; round < 5; round++) {
      const socket = await openSocket(t.url);
      for (let i = 0; i < 3; i++) socket.emit('state:subscribe', { jobId: r.body.id, nodeId: 'totals' });
      socket.close();
    }
    await waitFor(async () => {
      const h = (await t.api.get('/api/health')).body;
      return h.sockets === 0 && h.stateSubscriptions === 0;
    }, 'every subscription released');
    await t.api.post(`/api/jobs/${r.body.id}/stop`);
  });
});
