/**
 * Deploy to Flink on a real Apache Flink: one local Flink (`@flowstate/flink-local`: MiniCluster + SQL Gateway in
 * one JVM) for the file, a server with FLOWSTATE_FLINK_GATEWAY pointing at its gateway. A bounded pipeline (a JSON
 * lines file → filter → a file sink under the data directory) is deployed through the REST API: its Flink job
 * reaches FINISHED, the recorded deployment says so, and the sink's committed files hold exactly the rows the
 * filter keeps. An unbounded one is cancelled (CANCELED); one whose expression divides by zero ends FAILED with
 * Flink's root cause. Skipped, with the reason printed, when Java 17/Maven are missing and cannot be installed.
 */
import { mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ensureFlinkBuilt, getJob, type LocalFlink, startLocalFlink } from '@flowstate/flink-local';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer, tempDataDir, waitFor } from './test-support';

const log = (m: string) => process.stderr.write(`[flink-deploy] ${m}\n`);
const prep = ensureFlinkBuilt({ log });
if (!prep.ok) log(`Deploy to Flink on a local Flink SKIPPED: ${prep.reason}`);

const READINGS = [
  { sensor: 'a', temp: 18.5, ts: 1_700_000_000_000 },
  { sensor: 'b', temp: 21.25, ts: 1_700_000_001_000 },
  { sensor: 'a', temp: 23, ts: 1_700_000_002_000 },
  { sensor: 'c', temp: 19.75, ts: 1_700_000_003_000 },
  { sensor: 'b', temp: 25.5, ts: 1_700_000_004_000 },
];

/** readings (a JSON lines file) → hot (temp > 20) → out (a jsonl file sink, relative: under the data directory) */
function boundedSpec(input: string) {
  return {
    specVersion: 1,
    name: 'hot-readings',
    settings: { checkpointing: { intervalMs: 500 } },
    nodes: [
      {
        id: 'readings',
        kind: 'source',
        connector: { type: 'file', path: input, format: 'jsonl' },
        schema: { sensor: 'string', temp: 'float', ts: 'timestamp' },
      },
      { id: 'hot', kind: 'filter', where: 'temp > 20' },
      { id: 'out', kind: 'sink', connector: { type: 'file', path: 'flink-out/hot', format: 'jsonl' } },
    ],
    edges: [
      { from: 'readings', to: 'hot' },
      { from: 'hot', to: 'out' },
    ],
  };
}

/** An endless datagen (5 rows/s) into a blackhole: runs until cancelled. */
const endlessSpec = {
  specVersion: 1,
  name: 'endless',
  nodes: [
    {
      id: 'ticks',
      kind: 'source',
      connector: { type: 'datagen', rowsPerSecond: 5, fields: { k: { kind: 'choice', values: ['x', 'y'] } } },
      schema: { k: 'string' },
    },
    { id: 'void', kind: 'sink', connector: { type: 'blackhole' } },
  ],
  edges: [{ from: 'ticks', to: 'void' }],
};

/** The readings file again, each temperature divided by a zero: Flink fails the job (no restarts). */
function failingSpec(input: string) {
  return {
    specVersion: 1,
    name: 'divide-by-zero',
    settings: { rowErrors: 'fail', restart: { strategy: 'none' } },
    nodes: [
      {
        id: 'readings',
        kind: 'source',
        connector: { type: 'file', path: input, format: 'jsonl' },
        schema: { sensor: 'string', temp: 'float', ts: 'timestamp' },
      },
      {
        id: 'ratio',
        kind: 'map',
        fields: { sensor: 'sensor', r: 'CAST(temp AS INT) / (CAST(temp AS INT) - CAST(temp AS INT))' },
      },
      { id: 'void', kind: 'sink', connector: { type: 'blackhole' } },
    ],
    edges: [
      { from: 'readings', to: 'ratio' },
      { from: 'ratio', to: 'void' },
    ],
  };
}

describe.skipIf(!prep.ok)('Deploy to Flink on a local Flink', () => {
  const data = tempDataDir();
  const inputs = realpathSync(mkdtempSync(path.join(tmpdir(), 'flowstate-flink-deploy-in-')));
  const input = path.join(inputs, 'readings.jsonl');
  let flink: LocalFlink;
  let t: TestServer;

  beforeAll(async () => {
    if (!prep.ok) return;
    writeFileSync(input, `${READINGS.map((r) => JSON.stringify(r)).join('\n')}\n`);
    flink = await startLocalFlink({ launcher: prep.launcher });
    log(`Flink ${flink.flinkVersion}: gateway ${flink.gatewayUrl}, REST ${flink.restUrl}`);
    t = await startServer(data.dir, {
      FLOWSTATE_FLINK_GATEWAY: flink.gatewayUrl,
      FLOWSTATE_FILE_ROOTS: inputs,
    });
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await flink?.stop();
    data.remove();
    rmSync(inputs, { recursive: true, force: true });
  });

  it('GET /api/flink names the gateway, its Flink version and the dashboard the gateway names', async () => {
    const r = await t.api.get('/api/flink');
    expect(r.body).toEqual({
      configured: true,
      gatewayUrl: flink.gatewayUrl,
      dashboardUrl: flink.restUrl,
      flinkVersion: '2.3.0',
      error: null,
    });
  });

  it('deploys a bounded pipeline: the job FINISHES, the deployment records it, the sink holds the rows', async () => {
    const pipelineId = (await t.api.post('/api/pipelines', { spec: boundedSpec(input) })).body.id;
    const exported = await t.api.get(`/api/pipelines/${pipelineId}/versions/1/flink-sql`);
    const sinkDir = path.join(realpathSync(data.dir), 'flink-out/hot');
    expect(exported.body.sql).toContain(`'path' = '${sinkDir}'`);
    expect(exported.body.sql).toContain(`'path' = '${input}'`);

    const r = await t.api.post('/api/flink/deployments', { pipelineId });
    expect(r.status).toBe(201);
    expect(r.body.error).toBe(null);
    expect(r.body).toMatchObject({
      pipelineId,
      version: 1,
      name: 'hot-readings',
      gatewayUrl: flink.gatewayUrl,
      sql: exported.body.sql,
      notes: exported.body.notes,
    });
    // Answered once submitted, or after 3 s still submitting (a cold planner): either way it goes on.
    expect(['SUBMITTING', 'INITIALIZING', 'CREATED', 'RUNNING', 'FINISHED']).toContain(r.body.status);

    const done = await waitFor(
      async () => {
        const d = (await t.api.get(`/api/flink/deployments/${r.body.id}`)).body;
        return d.terminal ? d : null;
      },
      'the deployment to end',
      180_000,
    );
    expect(done.flinkJobId).toMatch(/^[0-9a-f]{32}$/);
    const jobId: string = done.flinkJobId;
    expect(done).toMatchObject({
      id: r.body.id,
      restUrl: flink.restUrl,
      status: 'FINISHED',
      terminal: true,
      error: null,
      statusError: null,
      dashboardUrl: `${flink.restUrl}/#/job/completed/${jobId}/overview`,
    });
    expect(Date.parse(done.endedAt)).toBeGreaterThan(Date.parse(done.createdAt));
    expect((await getJob(flink.restUrl, jobId))?.state).toBe('FINISHED');
    // The status is recorded: the row says FINISHED without asking Flink.
    expect((await t.server.db.flinkDeployments.get(r.body.id))?.status).toBe('FINISHED');
    const listed = await t.api.get(`/api/flink/deployments?pipelineId=${pipelineId}`);
    expect(listed.body.deployments.map((d: { id: string; status: string }) => [d.id, d.status])).toEqual([
      [r.body.id, 'FINISHED'],
    ]);

    const committed = readdirSync(sinkDir).filter((f) => !f.startsWith('.') && !f.startsWith('_'));
    const rows = committed
      .flatMap((f) => readFileSync(path.join(sinkDir, f), 'utf8').split('\n'))
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l));
    expect(rows.sort((a, b) => a.ts - b.ts)).toEqual(READINGS.filter((x) => x.temp > 20));
  }, 300_000);

  it('cancels a running deployment: its job ends CANCELED', async () => {
    const pipelineId = (await t.api.post('/api/pipelines', { spec: endlessSpec })).body.id;
    const r = await t.api.post('/api/flink/deployments', { pipelineId });
    expect([r.status, r.body.error]).toEqual([201, null]);
    await waitFor(
      async () => (await t.api.get(`/api/flink/deployments/${r.body.id}`)).body.status === 'RUNNING',
      'the job to run',
      120_000,
    );
    const running = await t.api.get(`/api/flink/deployments/${r.body.id}`);
    expect(running.body.dashboardUrl).toBe(
      `${flink.restUrl}/#/job/running/${running.body.flinkJobId}/overview`,
    );
    const cancel = await t.api.post(`/api/flink/deployments/${r.body.id}/cancel`);
    expect(cancel.status).toBe(200);
    const ended = await waitFor(
      async () => {
        const d = (await t.api.get(`/api/flink/deployments/${r.body.id}`)).body;
        return d.terminal ? d : null;
      },
      'the job to be cancelled',
      120_000,
    );
    expect([ended.status, ended.error]).toEqual(['CANCELED', null]);
  }, 300_000);

  it("records a job that fails with Flink's root cause", async () => {
    const created = await t.api.post('/api/pipelines', { spec: failingSpec(input) });
    expect(created.status).toBe(201);
    const pipelineId = created.body.id;
    const r = await t.api.post('/api/flink/deployments', { pipelineId });
    expect(r.status).toBe(201);
    // The job fails within milliseconds of starting: the answer to the deployment may already hold its end.
    if (r.body.terminal)
      expect([r.body.status, r.body.error]).toEqual(['FAILED', 'java.lang.ArithmeticException: / by zero']);
    else expect(r.body.error).toBeNull();
    const ended = await waitFor(
      async () => {
        const d = (await t.api.get(`/api/flink/deployments/${r.body.id}`)).body;
        return d.terminal ? d : null;
      },
      'the job to fail',
      180_000,
    );
    expect([ended.status, ended.error]).toEqual(['FAILED', 'java.lang.ArithmeticException: / by zero']);
  }, 300_000);
});
