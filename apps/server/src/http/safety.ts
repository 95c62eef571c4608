/**
 * What stands between the network and the handlers: the JSON body parser (a clear 400 naming the parse
 * error; a 413 past the size limit; only `application/json` bodies), CORS limited to the studio's origins
 * (a request from any other browser origin is refused, which also stops cross-site form posts), the bearer
 * token when FLOWSTATE_TOKEN is set, and one error handler that answers every failure with the error body.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface SafetyOptions {
  token: string | undefined;
  studioOrigins: readonly string[];
  bodyLimit: number;
}

/** Constant-time comparison of a presented token with the expected one. */
export function tokenMatches(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function send(reply: FastifyReply, e: HttpError): FastifyReply {
  return reply.code(e.status).type('application/json; charset=utf-8').send(e.body());
}

export function installSafety(app: FastifyInstance, opts: SafetyOptions): void {
  const allowed = new Set(opts.studioOrigins);

  // ---- bodies: JSON only, parse errors named
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    'application/json',
    { parseAs: 'string', bodyLimit: opts.bodyLimit },
    (_req: FastifyRequest, text: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
      const s = typeof text === 'string' ? text : text.toString('utf8');
      if (s.trim() === '') return done(null, undefined);
      try {
        // `__proto__` keys are dropped: a parsed body never carries a prototype to merge.
        done(
          null,
          JSON.parse(s, (k, v) => (k === '__proto__' ? undefined : v)),
        );
      } catch (e) {
        done(new HttpError('invalid-json', `the request body is not valid JSON: ${(e as Error).message}`));
      }
    },
  );

  // ---- CORS and origin check, then the token
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin;
    if (origin !== undefined) {
      if (!allowed.has(origin)) {
        throw new HttpError(
          'forbidden-origin',
          `requests from origin '${origin}' are not allowed (FLOWSTATE_STUDIO_ORIGIN lists the studio's origins)`,
        );
      }
      reply.header('Access-Control-Allow-Origin', origin);
      reply.header('Vary', 'Origin');
      if (request.method === 'OPTIONS') {
        reply.header('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTIONS');
        reply.header('Access-Control-Allow-Headers', 'Authorization, Content-Type');
        reply.header('Access-Control-Max-Age', '600');
        return reply.code(204).send();
      }
    }
    if (opts.token === undefined || request.routeOptions.config?.auth === false) return;
    if (request.method === 'OPTIONS') return;
    const header = request.headers.authorization;
    const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
    if (!tokenMatches(presented, opts.token)) {
      throw new HttpError(
        'unauthorized',
        header === undefined
          ? 'this server needs a token: send Authorization: Bearer <FLOWSTATE_TOKEN>'
          : 'the bearer token is not the one this server was started with',
      );
    }
  });

  // ---- every failure answers with the error body
  app.setNotFoundHandler((request, reply) =>
    send(
      reply,
      new HttpError(
        'route-not-found',
        `there is no route ${request.method} ${request.url.split('?')[0]} (GET /api/openapi.json lists them)`,
      ),
    ),
  );

  app.setErrorHandler((error: FastifyError | HttpError | Error, request, reply) => {
    if (error instanceof HttpError) return send(reply, error);
    const code = (error as FastifyError).code;
    const status = (error as FastifyError).statusCode;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return send(
        reply,
        new HttpError(
          'body-too-large',
          `the request body is larger than the limit of ${opts.bodyLimit} bytes`,
        ),
      );
    }
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      return send(
        reply,
        new HttpError(
          'unsupported-media-type',
          `bodies must be JSON (Content-Type: application/json), not '${request.headers['content-type'] ?? ''}'`,
        ),
      );
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      // Fastify's own request errors (bad content length, bad URL, …): say what Fastify said.
      return send(reply, new HttpError('invalid-request', error.message));
    }
    request.log.error({ err: error }, 'request failed');
    return send(reply, new HttpError('internal', `the server failed: ${error.message || String(error)}`));
  });
}
