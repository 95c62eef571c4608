import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  AckSchema,
  buildOpenApiDocument,
  CLIENT_MESSAGES,
  ERROR_CODES,
  ERROR_STATUS,
  openApiPath,
  routes,
  StartJobBodySchema,
  StateChangesEventSchema,
  StateQuerySchema,
} from './index';

describe('the route table', () => {
  it('names every path parameter in its params schema, and nothing else', () => {
    for (const [name, r] of Object.entries(routes)) {
      const inPath = [...r.path.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]).sort();
      const params = 'params' in r && r.params ? Object.keys((r.params as z.ZodObject).shape).sort() : [];
      expect({ name, params }).toEqual({ name, params: inPath });
    }
  });

  it('has one route per method and path, all under /api', () => {
    const keys = Object.values(routes).map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of Object.values(routes)) expect(r.path.startsWith('/api/')).toBe(true);
  });

  it('gives every error code a 4xx/5xx status', () => {
    for (const code of Object.values(ERROR_CODES)) expect(ERROR_STATUS[code]).toBeGreaterThanOrEqual(400);
  });
});

describe('the OpenAPI document', () => {
  const doc = buildOpenApiDocument() as { paths: Record<string, Record<string, { operationId: string }>> };

  it('has an operation per route', () => {
    for (const [name, r] of Object.entries(routes)) {
      expect(doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()]?.operationId).toBe(name);
    }
  });

  it('is JSON (no functions, no undefined)', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });
});

describe('schemas', () => {
  it('parse what clients send', () => {
    expect(StartJobBodySchema.safeParse({ pipelineId: 'abc', version: 2 }).success).toBe(true);
    expect(StartJobBodySchema.safeParse({ spec: { any: 'json' } }).success).toBe(true);
    expect(StartJobBodySchema.safeParse({ pipelineId: 'abc', spec: {} }).success).toBe(false);
    expect(StateQuerySchema.parse({ limit: '25', prefix: 'a' })).toEqual({ limit: 25, prefix: 'a' });
    expect(StateQuerySchema.safeParse({ limit: '0' }).success).toBe(false);
    expect(CLIENT_MESSAGES['state:subscribe'].safeParse({ jobId: 'j1', nodeId: 'totals' }).success).toBe(
      true,
    );
    expect(CLIENT_MESSAGES['job:subscribe'].safeParse({ jobId: '../x' }).success).toBe(false);
  });

  it('parse what the server sends', () => {
    expect(AckSchema.parse({ ok: false, error: { code: 'job-not-found', message: 'no' } })).toMatchObject({
      ok: false,
    });
    const ev = {
      jobId: 'j1',
      nodeId: 'totals',
      at: 1,
      changes: [{ key: 'a', value: { n: 1 } }],
      dropped: 0,
      numKeys: 1,
      reset: false,
    };
    expect(StateChangesEventSchema.parse(ev)).toEqual(ev);
  });
});
