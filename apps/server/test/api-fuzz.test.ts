/**
 * API fuzz: seeded random requests to every route of the OpenAPI document — wrong and odd path parameters,
 * queries of the wrong type, malformed and mistyped bodies, other media types — against a server holding
 * pipelines, a finished job and its checkpoint. No answer may be a 5xx, every error body must be the contract's
 * `{ error: { code, message } }` with the status its code has, and the stored pipelines must be unchanged.
 * A failing case prints its seed and request; keep it below as a named regression case.
 */
import { ERROR_STATUS, ErrorBodySchema } from '@flowstate/api';
import { Prng } from '@flowstate/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countingSpec, startServer, type TestServer, tempDataDir, waitFor } from './test-support';

const SEED = 20261207;
const REQUESTS = 6000;

interface Req {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
}

const ODD_STRINGS = [
  '',
  '%zz',
  '%00',
  '..',
  '..%2F..%2Fetc%2Fpasswd',
  'a'.repeat(65),
  'a'.repeat(300),
  '__proto__',
  'constructor',
  '%F0%9F%98%80',
  'null',
  '-1',
  '1e309',
  '0x10',
  ' ',
  '%20',
  'x;y',
  "'",
];

/**
 * Requests that once broke the contract, kept as named regression cases (found by a hostile-client review,
 * 2026-12): Fastify's own bodies for a URL it cannot decode or a parameter past its length limit.
 */
const REGRESSIONS: Array<{ name: string; method: 'GET' | 'PUT'; url: string; status: number; code: string }> =
  [
    {
      name: 'a URL that does not decode',
      method: 'GET',
      url: '/api/pipelines/%zz',
      status: 400,
      code: 'invalid-request',
    },
    {
      name: 'an id past the router’s parameter limit',
      method: 'GET',
      url: `/api/pipelines/${'a'.repeat(300)}`,
      status: 400,
      code: 'invalid-request',
    },
    {
      name: 'an upload name that leaves the directory',
      method: 'PUT',
      url: '/api/files/..%2Fx',
      status: 400,
      code: 'invalid-request',
    },
  ];

describe('API fuzz', () => {
  const data = tempDataDir();
  let t: TestServer;
  let pipelineIds: string[];
  let jobId: string;
  let snapshot: string;

  async function pipelinesSnapshot(): Promise<string> {
    const list = (await t.api.get('/api/pipelines')).body.pipelines as Array<{ id: string }>;
    const full = await Promise.all(
      list.map(async (p) => ({
        detail: (await t.api.get(`/api/pipelines/${p.id}`)).body,
        versions: (await t.api.get(`/api/pipelines/${p.id}/versions`)).body,
      })),
    );
    return JSON.stringify(full);
  }

  beforeAll(async () => {
    t = await startServer(data.dir);
    pipelineIds = [];
    for (const name of ['fuzz-a', 'fuzz-b']) {
      const r = await t.api.post('/api/pipelines', { spec: countingSpec({ name }) });
      pipelineIds.push(r.body.id);
    }
    const bounded = {
      ...countingSpec({ name: 'fuzz-job', rowsPerSecond: 0 }),
      settings: { checkpointing: { intervalMs: 20 } },
    };
    (bounded.nodes[0]!.connector as { count?: number }).count = 2000;
    const job = await t.api.post('/api/jobs', { spec: bounded });
    jobId = job.body.id;
    await waitFor(async () => (await t.api.get(`/api/jobs/${jobId}`)).body.status === 'finished', 'the job');
    snapshot = await pipelinesSnapshot();
  });
  afterAll(async () => {
    await t?.close();
    data.remove();
  });

  it.each(REGRESSIONS)('(regression) $name: $status $code', async (r) => {
    const res = await t.server.app.inject({
      method: r.method,
      url: r.url,
      ...(r.method === 'PUT' ? { headers: { 'content-type': 'text/plain' }, payload: 'x' } : {}),
    });
    expect(res.statusCode).toBe(r.status);
    expect(ErrorBodySchema.parse(JSON.parse(res.body)).error.code).toBe(r.code);
  });

  it(`answers ${REQUESTS} seeded random requests over every route without a 5xx, in the contract shape`, async () => {
    const doc = (await t.api.get('/api/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>;
    };
    const operations = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path: p })),
    );
    expect(operations.length).toBe(31);
    const prng = new Prng(SEED);
    const goodIds = () => prng.pick([...pipelineIds, jobId]);

    const param = (name: string): string => {
      const r = prng.next();
      if (r < 0.35) {
        if (name === 'checkpointId') return String(prng.int(0, 3));
        if (name === 'version') return String(prng.int(0, 3));
        if (name === 'nodeId') return prng.pick(['events', 'totals', 'out', 'byKey', 'nope']);
        if (name === 'name') return prng.pick(['a.txt', 'data.csv', 'x']);
        return goodIds();
      }
      if (r < 0.7) return prng.pick(ODD_STRINGS);
      return encodeURIComponent(
        String.fromCharCode(...Array.from({ length: prng.int(1, 12) }, () => prng.int(1, 0x2fff))),
      );
    };

    const jsonValue = (depth: number): unknown => {
      switch (prng.int(0, depth > 2 ? 4 : 7)) {
        case 0:
          return null;
        case 1:
          return prng.int(-5, 1e6);
        case 2:
          return prng.pick(ODD_STRINGS);
        case 3:
          return prng.bool();
        case 4:
          return 1.5;
        case 5:
          return Array.from({ length: prng.int(0, 4) }, () => jsonValue(depth + 1));
        default: {
          const keys = [
            'spec',
            'name',
            'pipelineId',
            'version',
            'checkpointId',
            'savepoint',
            'kind',
            'message',
            '__proto__',
            'nodes',
            'description',
            'jobId',
            'restoreFrom',
            'allowNonRestoredState',
          ];
          return Object.fromEntries(
            Array.from({ length: prng.int(0, 4) }, () => [prng.pick(keys), jsonValue(depth + 1)]),
          );
        }
      }
    };

    /** A body meant to be wrong: shapes of the right names with wrong values, or not JSON at all. */
    const body = (): { payload?: string | Buffer; type?: string } => {
      const r = prng.next();
      if (r < 0.1) return {};
      if (r < 0.2) return { payload: '{"spec": {"nodes": [}', type: 'application/json' };
      if (r < 0.3) return { payload: 'name=x', type: 'application/x-www-form-urlencoded' };
      if (r < 0.35)
        return { payload: Buffer.from([0xff, 0xfe, 0x00, 0x41]), type: 'application/octet-stream' };
      if (r < 0.4)
        return {
          payload: JSON.stringify({ spec: { specVersion: 1, name: 'broken', nodes: [] } }),
          type: 'application/json',
        };
      return { payload: JSON.stringify(jsonValue(0)), type: 'application/json' };
    };

    const query = (): string => {
      if (prng.bool(0.5)) return '';
      const names = ['limit', 'since', 'prefix', 'cursor', 'status', 'pipelineId', 'bogus'];
      const parts = Array.from(
        { length: prng.int(1, 3) },
        () => `${prng.pick(names)}=${prng.pick(['-1', '0', '1', 'abc', '99999999', '', '%zz', 'running'])}`,
      );
      return `?${parts.join('&')}`;
    };

    const statuses = new Map<number, number>();
    const failures: string[] = [];
    for (let i = 0; i < REQUESTS; i++) {
      const op = prng.pick(operations);
      let url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
        // Never a valid DELETE of a stored pipeline: the fuzz must not remove what it checks.
        if (op.method === 'DELETE' && op.path.startsWith('/api/pipelines'))
          return prng.pick(ODD_STRINGS) || 'x';
        return param(name);
      });
      url += query();
      const req: Req = { method: op.method, url, headers: {} };
      if (op.method === 'POST' || op.method === 'PUT') {
        // PUT of a pipeline only with bodies that cannot be a valid edit (a stored pipeline must stay as it is).
        const b =
          op.method === 'PUT' && op.path.startsWith('/api/pipelines')
            ? {
                payload: JSON.stringify({ name: prng.pick([1, null, '', 'a'.repeat(300)]) }),
                type: 'application/json',
              }
            : body();
        if (b.payload !== undefined) req.payload = b.payload;
        if (b.type) req.headers['content-type'] = b.type;
      }
      if (prng.bool(0.05)) req.headers.origin = 'http://evil.example';
      const res = await t.server.app.inject({
        method: req.method as 'GET',
        url: req.url,
        headers: req.headers,
        ...(req.payload !== undefined ? { payload: req.payload } : {}),
      });
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      const where = `request ${i} (seed ${SEED}): ${req.method} ${req.url} ${req.headers['content-type'] ?? ''} ${String(req.payload ?? '').slice(0, 80)}`;
      if (res.statusCode >= 500) failures.push(`${where} → ${res.statusCode} ${res.body.slice(0, 200)}`);
      if (res.statusCode >= 400) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(res.body);
        } catch {
          failures.push(`${where} → ${res.statusCode} not JSON: ${res.body.slice(0, 100)}`);
          continue;
        }
        const e = ErrorBodySchema.safeParse(parsed);
        if (!e.success)
          failures.push(`${where} → ${res.statusCode} not the error shape: ${res.body.slice(0, 200)}`);
        else if (ERROR_STATUS[e.data.error.code] !== res.statusCode)
          failures.push(
            `${where} → ${res.statusCode} with code ${e.data.error.code} (${ERROR_STATUS[e.data.error.code]})`,
          );
      }
    }
    const summary = [...statuses]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ');
    console.log(`API fuzz: ${REQUESTS} requests over ${operations.length} operations — ${summary}`);
    expect(failures.slice(0, 10)).toEqual([]);
    expect(await pipelinesSnapshot()).toBe(snapshot);
  }, 120_000);
});
