/**
 * What stands between the network and the handlers: the JSON body parser (a clear 400 naming the parse
 * error; a 413 past the size limit; only `application/json` bodies), CORS limited to the studio's origins
 * (a request from any other browser origin is refused, which also stops cross-site form posts), the bearer
 * token when FLOWSTATE_TOKEN is set, and one error handler that answers every failure with the error body.
 */
import { timingSafeEqual } from 'node:crypto';
import { type ErrorCode, type RouteDef, routes } from '@flowstate/api';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError } from './errors';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface SafetyOptions {
  token: string | undefined;
  studioOrigins: readonly string[];
  bodyLimit: number;
  /** Host names the server answers to (the Host header, port aside); see {@link allowedHostNames}. */
  allowedHosts: ReadonlySet<string>;
}

/**
 * The host names a request's Host header may carry: loopback names, the bound address when it is a specific
 * one, and FLOWSTATE_ALLOWED_HOSTS. Anything else is refused (421), so a page on another site that resolves its
 * own name to 127.0.0.1 (DNS rebinding) cannot read the API.
 */
export function allowedHostNames(bindHost: string, configured: readonly string[]): Set<string> {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  const bound = bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost;
  if (!['0.0.0.0', '[::]', '[::0]'].includes(bound)) names.add(bound.toLowerCase());
  for (const h of configured) names.add(h.toLowerCase());
  return names;
}

/** The host name of a Host header (`[::1]:4000` → `[::1]`, `Example.com:80` → `example.com`); null if absent. */
export function hostNameOf(header: string | undefined): string | null {
  if (header === undefined || header === '') return null;
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end === -1 ? h : h.slice(0, end + 1);
  }
  return h.split(':')[0]!;
}

/** Why a Host header is refused, or null when it is allowed. */
export function hostProblem(header: string | undefined, allowed: ReadonlySet<string>): string | null {
  const name = hostNameOf(header);
  if (name === null) return 'the request has no Host header';
  if (allowed.has(name)) return null;
  return `this server does not answer to host '${name}' (it answers to ${[...allowed].join(', ')}; add a name to FLOWSTATE_ALLOWED_HOSTS)`;
}

/** The error code of a status that something other than our handlers answered (Fastify, a plugin). */
function codeOfStatus(status: number): ErrorCode {
  switch (status) {
    case 404:
      return 'route-not-found';
    case 413:
      return 'body-too-large';
    case 415:
      return 'unsupported-media-type';
    case 503:
      return 'unavailable';
    default:
      return status >= 500 ? 'internal' : 'invalid-request';
  }
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

  // ---- raw bodies (file uploads): handed to the route as a stream; the route limits and stores it
  const rawTypes = [...new Set(Object.values(routes).flatMap((r: RouteDef) => r.rawBody?.mediaTypes ?? []))];
  if (rawTypes.length > 0) {
    app.addContentTypeParser(rawTypes, (_req, payload, done) => done(null, payload));
  }

  // ---- Host check, CORS and origin check, then the token
  app.addHook('onRequest', async (request, reply) => {
    const bad = hostProblem(request.headers.host, opts.allowedHosts);
    if (bad !== null) throw new HttpError('misdirected-request', bad);
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

  // ---- whatever answers an error without our handler (Fastify's own 404/414/…), the body is the contract's
  app.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode < 400) return payload;
    let message: string | undefined;
    if (typeof payload === 'string') {
      try {
        const b = JSON.parse(payload) as { error?: unknown; message?: unknown };
        const err = b.error as { code?: unknown; message?: unknown } | undefined;
        if (
          typeof err === 'object' &&
          err !== null &&
          typeof err.code === 'string' &&
          typeof err.message === 'string'
        )
          return payload;
        if (typeof b.message === 'string') message = b.message;
      } catch {
        // not JSON: replaced below
      }
    }
    const code = codeOfStatus(reply.statusCode);
    reply.type('application/json; charset=utf-8');
    return JSON.stringify({
      error: { code, message: message ?? `the request failed (HTTP ${reply.statusCode})` },
    });
  });

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
