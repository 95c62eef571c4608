/**
 * OpenAPI 3.1 document generated from the route table. zod 4's `z.toJSONSchema` gives JSON Schema 2020-12,
 * which is OpenAPI 3.1's schema dialect, so each route's schemas go in as they are; the job spec is one
 * shared component (`#/components/schemas/JobSpec`, the spec package's JSON Schema) and so is the error body.
 */
import { JobSpecSchema } from '@flowstate/spec';
import { z } from 'zod';
import { ERROR_STATUS, ErrorBodySchema, type ErrorCode } from './errors';
import { SpecInputSchema, SpecSchema } from './rest';
import { COMMON_ERRORS, openApiPath, type RouteDef, routes } from './routes';

type JsonSchema = Record<string, unknown>;

const SPEC_REF = { $ref: '#/components/schemas/JobSpec' };
const ERROR_REF = { $ref: '#/components/schemas/Error' };

function toSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const out = z.toJSONSchema(schema, {
    io,
    unrepresentable: 'any',
    override: (ctx) => {
      // The spec travels as any JSON and is checked by validateSpec; document it by the spec's own schema.
      if (ctx.zodSchema === SpecInputSchema || ctx.zodSchema === SpecSchema) {
        for (const k of Object.keys(ctx.jsonSchema)) delete (ctx.jsonSchema as JsonSchema)[k];
        Object.assign(ctx.jsonSchema, SPEC_REF);
      }
    },
  }) as JsonSchema;
  delete out.$schema;
  return out;
}

/** OpenAPI parameters from a zod object schema of path params or query params. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input');
  const props = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: where,
      required: where === 'path' ? true : required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function errorResponses(codes: readonly ErrorCode[]): Record<string, JsonSchema> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of new Set([...COMMON_ERRORS, ...codes])) {
    const status = ERROR_STATUS[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const out: Record<string, JsonSchema> = {};
  for (const [status, list] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    out[String(status)] = {
      description: `error: ${list.join(', ')}`,
      content: { 'application/json': { schema: ERROR_REF } },
    };
  }
  return out;
}

function operation(name: string, r: RouteDef, secured: boolean): JsonSchema {
  const op: JsonSchema = {
    operationId: name,
    summary: r.summary,
    tags: [r.tag],
  };
  const params = [...parameters(r.params, 'path'), ...parameters(r.query, 'query')];
  if (params.length > 0) op.parameters = params;
  if (r.body) {
    op.requestBody = {
      required: !r.bodyOptional,
      content: { 'application/json': { schema: toSchema(r.body, 'input') } },
    };
  }
  if (r.rawBody) {
    op.requestBody = {
      required: true,
      description: r.rawBody.description,
      content: Object.fromEntries(
        r.rawBody.mediaTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }]),
      ),
    };
  }
  const ok: JsonSchema =
    r.response === null
      ? { description: 'done (no content)' }
      : {
          description: 'success',
          content: { 'application/json': { schema: toSchema(r.response, 'output') } },
        };
  op.responses = { [String(r.status)]: ok, ...errorResponses(r.errors) };
  if (r.auth === false || !secured) op.security = [];
  return op;
}

export interface OpenApiOptions {
  /** Package version shown as `info.version`. */
  version?: string;
  /** Whether the server requires a bearer token (FLOWSTATE_TOKEN set). */
  secured?: boolean;
}

/** The OpenAPI 3.1 document of `routeTable` (default: every route of the API). */
export function buildOpenApiDocument(
  opts: OpenApiOptions = {},
  routeTable: Record<string, RouteDef> = routes,
): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [name, r] of Object.entries(routeTable)) {
    const p = openApiPath(r.path);
    paths[p] ??= {};
    paths[p][r.method.toLowerCase()] = operation(name, r, opts.secured ?? true);
  }
  // What may be written (defaults optional): the same as @flowstate/spec's job-spec.schema.json.
  const { $schema: _s, ...specSchema } = z.toJSONSchema(JobSpecSchema, { io: 'input' }) as JsonSchema;
  return {
    openapi: '3.1.0',
    info: {
      title: 'Flowstate server API',
      version: opts.version ?? '0.1.0',
      description:
        'REST API of the Flowstate server. Live events go over socket.io on the same port (path /socket.io); their payloads are the zod schemas of @flowstate/api (socket.ts). Errors answer { error: { code, message, details? } } with a stable code.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: {
        JobSpec: specSchema,
        Error: toSchema(ErrorBodySchema, 'output'),
      },
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'FLOWSTATE_TOKEN, when the server sets one',
        },
      },
    },
    security: [{ bearer: [] }],
  };
}
