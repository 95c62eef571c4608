/**
 * Export to Flink SQL and Deploy to Flink over REST, without a Flink: the export of a pipeline made from an example
 * is exactly `flowstate export`'s script and notes; a refused export is a 422 naming the node; unknown pipelines
 * and versions are 404s; the file policy resolves (or refuses) every path. Without FLOWSTATE_FLINK_GATEWAY,
 * deploying and cancelling are 409 `flink-not-configured` saying how to configure one; with a gateway that does
 * not answer, a deployment is recorded as SUBMIT_FAILED with the reason. (flink-deploy.test.ts deploys to a real
 * local Flink.)
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/env';
import { INTERRUPTED_SUBMIT } from '../src/services/flink-deploy';
import { startServer, type TestServer, tempDataDir } from './test-support';

const examplesDir = path.join(REPO_ROOT, 'examples');
const cliBin = path.join(REPO_ROOT, 'apps/cli/bin/flowstate.mjs');

/** An example's spec with its file sources' paths absolute, as the studio's templates make them. */
function exampleSpec(name: string): Record<string, unknown> & { nodes: Array<Record<string, unknown>> } {
  const dir = path.join(examplesDir, name);
  const spec = JSON.parse(readFileSync(path.join(dir, 'job.json'), 'utf8'));
  for (const node of spec.nodes) {
    const c = node.connector;
    if (node.kind === 'source' && c?.type === 'file' && !path.isAbsolute(c.path))
      c.path = path.resolve(dir, c.path);
  }
  return spec;
}

/** `flowstate export <file> --to flink-sql` of `spec` written to a file, run as a user runs it. */
async function cliExport(spec: unknown, dir: string): Promise<{ sql: string; noteLines: string[] }> {
  const file = path.join(dir, 'job.json');
  writeFileSync(file, JSON.stringify(spec, null, 2));
  const { stdout, stderr } = await promisify(execFile)(
    process.execPath,
    [cliBin, 'export', file, '--to', 'flink-sql'],
    { cwd: REPO_ROOT, env: { ...process.env, NO_COLOR: '1' } },
  );
  return { sql: stdout, noteLines: stderr.split('\n').filter((l) => l.startsWith('note: ')) };
}

const noteLine = (n: { nodeId?: string; message: string }) =>
  `note: ${n.nodeId !== undefined ? `node '${n.nodeId}': ` : ''}${n.message}`;

describe('GET /api/pipelines/:id/versions/:version/flink-sql', () => {
  const data = tempDataDir();
  let t: TestServer;

  beforeAll(async () => {
    t = await startServer(data.dir);
  });
  afterAll(async () => {
    await t?.close();
    data.remove();
  });

  it("is exactly `flowstate export`'s script and notes for a pipeline made from an example", async () => {
    // The pipeline a template makes: the example's spec with its data paths absolute (the studio's templates).
    const spec = exampleSpec('word-count-windowed');
    const created = await t.api.post('/api/pipelines', { spec });
    expect(created.status).toBe(201);
    const cliDir = mkdtempSync(path.join(tmpdir(), 'flowstate-flink-export-'));
    const [r, cli] = await Promise.all([
      t.api.get(`/api/pipelines/${created.body.id}/versions/1/flink-sql`),
      cliExport(spec, cliDir).finally(() => rmSync(cliDir, { recursive: true, force: true })),
    ]);
    expect(r.status).toBe(200);
    expect(r.body.sql).toBe(cli.sql);
    expect(r.body.notes.map(noteLine)).toEqual(cli.noteLines);
    expect(r.body).toMatchObject({ pipelineId: created.body.id, version: 1, name: 'word-count-windowed' });
    expect(r.body.sql).toContain('CREATE TABLE');
    expect(r.body.sql).toContain(
      `'path' = '${path.join(realpathSync(examplesDir), 'word-count-windowed/data/lines.jsonl')}'`,
    );
  });

  it('exports the version asked for', async () => {
    const spec = exampleSpec('word-count-windowed');
    const created = await t.api.post('/api/pipelines', { spec });
    const v2 = {
      ...spec,
      nodes: spec.nodes.map((n) => (n.id === 'nonEmpty' ? { ...n, where: "word <> 'a'" } : n)),
    };
    expect((await t.api.put(`/api/pipelines/${created.body.id}`, { spec: v2 })).body.newVersion).toBe(2);
    const one = await t.api.get(`/api/pipelines/${created.body.id}/versions/1/flink-sql`);
    const two = await t.api.get(`/api/pipelines/${created.body.id}/versions/2/flink-sql`);
    expect([one.body.version, two.body.version]).toEqual([1, 2]);
    expect(one.body.sql).toContain("WHERE word <> ''");
    expect(two.body.sql).toContain("WHERE word <> 'a'");
  });

  it('refuses what Flink SQL cannot run with a 422 naming the node and why', async () => {
    const created = await t.api.post('/api/pipelines', { spec: exampleSpec('nexmark-q1') });
    expect(created.status).toBe(201);
    const r = await t.api.get(`/api/pipelines/${created.body.id}/versions/1/flink-sql`);
    expect(r.status).toBe(422);
    expect(r.body.error.code).toBe('flink-export-refused');
    expect(r.body.error.message).toBe(
      `version 1 of pipeline '${created.body.id}' cannot be exported to Flink SQL: node 'bids': source 'bids': there is no Nexmark connector for Flink SQL in Maven Central (and its generator is not seeded), so the source cannot be exported as it is: materialize the rows to a JSON lines file and pass it in options.sourceOverrides (flowstate export: --source bids=FILE)`,
    );
    expect(r.body.error.details.problems).toEqual([
      {
        code: 'nexmark-source',
        nodeId: 'bids',
        path: '/nodes/0/connector',
        message: expect.stringMatching(/^source 'bids': there is no Nexmark connector/),
      },
    ]);
  });

  it('answers 404 for an unknown pipeline or version, 400 for a version that is not a number', async () => {
    const created = await t.api.post('/api/pipelines', { spec: exampleSpec('word-count-windowed') });
    const noPipeline = await t.api.get('/api/pipelines/nope/versions/1/flink-sql');
    expect([noPipeline.status, noPipeline.body.error.code]).toEqual([404, 'pipeline-not-found']);
    const noVersion = await t.api.get(`/api/pipelines/${created.body.id}/versions/7/flink-sql`);
    expect([noVersion.status, noVersion.body.error.code, noVersion.body.error.message]).toEqual([
      404,
      'version-not-found',
      `pipeline '${created.body.id}' has no version 7 (GET /api/pipelines/${created.body.id}/versions lists them)`,
    ]);
    const bad = await t.api.get(`/api/pipelines/${created.body.id}/versions/first/flink-sql`);
    expect([bad.status, bad.body.error.code, bad.body.error.message]).toEqual([
      400,
      'invalid-request',
      'params.version: version must be a number',
    ]);
  });

  it('names files by the absolute paths the file policy resolves them to, and refuses the paths it does not allow', async () => {
    const spec = exampleSpec('word-count-windowed');
    spec.nodes = spec.nodes.map((n) =>
      n.id === 'out' ? { ...n, connector: { type: 'file', path: 'results/counts', format: 'jsonl' } } : n,
    );
    const created = await t.api.post('/api/pipelines', { spec });
    expect(created.status).toBe(201);
    const r = await t.api.get(`/api/pipelines/${created.body.id}/versions/1/flink-sql`);
    expect(r.status).toBe(200);
    expect(r.body.sql).toContain(`'path' = '${path.join(realpathSync(data.dir), 'results/counts')}'`);

    // A version stored behind the API's back, naming a file outside every root (the policy may have changed).
    const outside = exampleSpec('word-count-windowed');
    outside.nodes[0] = {
      ...outside.nodes[0],
      connector: { type: 'file', path: '/etc/hostname', format: 'jsonl' },
    };
    const stored = await t.server.db.pipelines.create({ name: 'outside', spec: outside });
    const refused = await t.api.get(`/api/pipelines/${stored.id}/versions/1/flink-sql`);
    expect(refused.status).toBe(422);
    expect(refused.body.error.code).toBe('flink-export-refused');
    expect(refused.body.error.details.problems).toEqual([
      {
        code: 'path-not-allowed',
        nodeId: 'lines',
        path: '/nodes/0/connector/path',
        message: expect.stringMatching(
          /^source 'lines': "\/etc\/hostname" is outside the directories this server lets jobs use/,
        ),
      },
    ]);
  });
});

describe('Deploy to Flink without FLOWSTATE_FLINK_GATEWAY', () => {
  const data = tempDataDir();
  let t: TestServer;
  let pipelineId: string;

  beforeAll(async () => {
    t = await startServer(data.dir);
    pipelineId = (await t.api.post('/api/pipelines', { spec: exampleSpec('word-count-windowed') })).body.id;
  });
  afterAll(async () => {
    await t?.close();
    data.remove();
  });

  it('GET /api/flink says it is not configured', async () => {
    const r = await t.api.get('/api/flink');
    expect([r.status, r.body]).toEqual([
      200,
      { configured: false, gatewayUrl: null, dashboardUrl: null, flinkVersion: null, error: null },
    ]);
  });

  it('deploying and cancelling are 409 flink-not-configured, saying how to configure a gateway', async () => {
    const deploy = await t.api.post('/api/flink/deployments', { pipelineId });
    expect(deploy.status).toBe(409);
    expect(deploy.body.error.code).toBe('flink-not-configured');
    expect(deploy.body.error.message).toContain(
      'set FLOWSTATE_FLINK_GATEWAY to the REST endpoint of a Flink SQL Gateway',
    );
    expect(deploy.body.error.message).toContain('pnpm --filter @flowstate/flink-local run flink:start');
    const cancel = await t.api.post('/api/flink/deployments/abc/cancel');
    expect([cancel.status, cancel.body.error.code]).toEqual([409, 'flink-not-configured']);
    // Nothing was recorded.
    const list = await t.api.get(`/api/flink/deployments?pipelineId=${pipelineId}`);
    expect([list.status, list.body]).toEqual([200, { deployments: [] }]);
    const one = await t.api.get('/api/flink/deployments/abc');
    expect([one.status, one.body.error.code]).toEqual([404, 'deployment-not-found']);
  });

  it('records a deployment a stopped server was submitting as SUBMIT_FAILED at the next start', async () => {
    const row = await t.server.db.flinkDeployments.create({
      pipelineId,
      version: 1,
      name: 'word-count-windowed',
      gatewayUrl: 'http://127.0.0.1:8083',
      restUrl: null,
      sql: 'INSERT INTO x SELECT 1;',
      notes: [],
    });
    await t.close();
    t = await startServer(data.dir);
    await t.server.resumed;
    const r = await t.api.get(`/api/flink/deployments/${row.id}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'SUBMIT_FAILED', terminal: true, error: INTERRUPTED_SUBMIT });
    // Without a gateway the recorded deployments are still listed.
    const list = await t.api.get(`/api/flink/deployments?pipelineId=${pipelineId}`);
    expect(list.body.deployments.map((d: { id: string }) => d.id)).toEqual([row.id]);
  });

  it('checks the body before anything else', async () => {
    const r = await t.api.post('/api/flink/deployments', { pipelineId, version: 'latest' });
    expect([r.status, r.body.error.code, r.body.error.message]).toEqual([
      400,
      'invalid-request',
      'body.version: version must be a number',
    ]);
  });
});

/** A port nothing listens on (one the OS just handed out and took back). */
async function closedPort(): Promise<number> {
  const srv = createNetServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

describe('Deploy to Flink with a gateway that does not answer', () => {
  const data = tempDataDir();
  let t: TestServer;
  let gateway: string;

  beforeAll(async () => {
    gateway = `http://127.0.0.1:${await closedPort()}`;
    t = await startServer(data.dir, { FLOWSTATE_FLINK_GATEWAY: gateway });
  });
  afterAll(async () => {
    await t?.close();
    data.remove();
  });

  it('records the deployment as SUBMIT_FAILED with the reason; a refused export records nothing', async () => {
    const info = await t.api.get('/api/flink');
    const refusedAt = `connect ECONNREFUSED ${gateway.slice('http://'.length)}`;
    expect(info.body).toEqual({
      configured: true,
      gatewayUrl: gateway,
      dashboardUrl: null,
      flinkVersion: null,
      error: `the Flink SQL Gateway at ${gateway} does not answer: fetch failed (${refusedAt})`,
    });

    const pipelineId = (await t.api.post('/api/pipelines', { spec: exampleSpec('word-count-windowed') })).body
      .id;
    const r = await t.api.post('/api/flink/deployments', { pipelineId });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({
      pipelineId,
      version: 1,
      name: 'word-count-windowed',
      gatewayUrl: gateway,
      restUrl: null,
      flinkJobId: null,
      status: 'SUBMIT_FAILED',
      terminal: true,
      dashboardUrl: null,
      statusError: null,
    });
    expect(r.body.error).toBe(
      `cannot reach the Flink SQL Gateway at ${gateway}: fetch failed (${refusedAt}) — is Flink running? (\`pnpm --filter @flowstate/flink-local run flink:start\` starts a local one)`,
    );
    const exported = await t.api.get(`/api/pipelines/${pipelineId}/versions/1/flink-sql`);
    expect(r.body.sql).toBe(exported.body.sql);
    expect(r.body.notes).toEqual(exported.body.notes);

    const nexmark = (await t.api.post('/api/pipelines', { spec: exampleSpec('nexmark-q1') })).body.id;
    const refused = await t.api.post('/api/flink/deployments', { pipelineId: nexmark });
    expect([refused.status, refused.body.error.code]).toEqual([422, 'flink-export-refused']);
    const unknown = await t.api.post('/api/flink/deployments', { pipelineId, version: 9 });
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'version-not-found']);

    const list = await t.api.get('/api/flink/deployments');
    expect(list.body.deployments.map((d: { id: string; status: string }) => [d.id, d.status])).toEqual([
      [r.body.id, 'SUBMIT_FAILED'],
    ]);
    // An ended deployment is answered as it is.
    const cancel = await t.api.post(`/api/flink/deployments/${r.body.id}/cancel`);
    expect([cancel.status, cancel.body.status]).toEqual([200, 'SUBMIT_FAILED']);
  });
});
