/** The OpenAPI document is generated from the route table and covers every route the server registered. */
import { openApiPath, routes } from '@flowstate/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer, tempDataDir } from './test-support';

describe('GET /api/openapi.json', () => {
  const data = tempDataDir();
  let t: TestServer;
  let doc: {
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          operationId: string;
          responses: Record<string, unknown>;
          parameters?: Array<{ name: string; in: string }>;
          requestBody?: unknown;
        }
      >
    >;
    components: { schemas: Record<string, unknown> };
  };

  beforeAll(async () => {
    t = await startServer(data.dir);
    const r = await t.api.get('/api/openapi.json');
    expect(r.status).toBe(200);
    doc = r.body;
  });
  afterAll(async () => {
    await t?.close();
    data.remove();
  });

  it('is OpenAPI 3.1 with the job spec and the error body as components', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.schemas.JobSpec).toMatchObject({ type: 'object' });
    expect(doc.components.schemas.Error).toMatchObject({ type: 'object', required: ['error'] });
  });

  it('documents every registered route, and nothing that is not registered', () => {
    const registered = t.server.registeredRoutes;
    expect(registered.length).toBe(Object.keys(routes).length);
    for (const { method, url } of registered) {
      const op = doc.paths[openApiPath(url)]?.[method.toLowerCase()];
      expect(op, `${method} ${url}`).toBeDefined();
      expect(Object.keys(op!.responses).length).toBeGreaterThan(1);
    }
    const documented = Object.entries(doc.paths).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`),
    );
    expect(documented.sort()).toEqual(registered.map((r) => `${r.method} ${openApiPath(r.url)}`).sort());
  });

  it('describes params, queries, bodies and errors', () => {
    const state = doc.paths['/api/jobs/{id}/state/{nodeId}']!.get!;
    expect(state.parameters!.map((p) => `${p.in}:${p.name}`).sort()).toEqual(
      ['path:id', 'path:nodeId', 'query:cursor', 'query:limit', 'query:prefix'].sort(),
    );
    expect(Object.keys(state.responses)).toEqual(expect.arrayContaining(['200', '400', '404', '409']));
    const create = doc.paths['/api/pipelines']!.post!;
    expect(JSON.stringify(create.requestBody)).toContain('#/components/schemas/JobSpec');
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '413', '422']));
  });
});
