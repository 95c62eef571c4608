/**
 * Registers a route of the contract's route table on Fastify: params, query and body are parsed with the
 * route's zod schemas before the handler runs (a bad one is a 400 naming each issue), and the answer can be
 * checked against the response schema (tests turn that on). A route cannot exist without its schemas, so
 * the OpenAPI document, generated from the same table, covers every route.
 */

import { Readable } from 'node:stream';
import type { RouteBody, RouteDef, RouteParams, RouteQuery, RouteResponse } from '@flowstate/api';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { HttpError, invalidRequest } from './errors';

export interface RouteContext<R extends RouteDef> {
  params: RouteParams<R>;
  query: RouteQuery<R>;
  body: RouteBody<R>;
  /** Routes with `rawBody`: the request's bytes, as a stream (the handler reads and limits it). */
  rawBody: Readable | undefined;
  request: FastifyRequest;
  reply: FastifyReply;
}

export type RouteHandler<R extends RouteDef> = (
  ctx: RouteContext<R>,
) => Promise<RouteResponse<R>> | RouteResponse<R>;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** false: no token needed (health). */
    auth?: boolean;
  }
}

export interface DefineOptions {
  /** Parse every answer with the route's response schema (a mismatch is a 500): for tests. */
  checkResponses?: boolean;
}

export function defineRoute<R extends RouteDef>(
  app: FastifyInstance,
  route: R,
  handler: RouteHandler<R>,
  opts: DefineOptions = {},
): void {
  app.route({
    method: route.method,
    url: route.path,
    config: { auth: route.auth !== false },
    handler: async (request, reply) => {
      const parse = (schema: RouteDef['params'], input: unknown, where: 'params' | 'query' | 'body') => {
        if (!schema) return undefined;
        const r = schema.safeParse(input);
        if (!r.success) throw invalidRequest(r.error, where);
        return r.data;
      };
      const params = parse(route.params, request.params, 'params') as RouteParams<R>;
      const query = parse(route.query, request.query ?? {}, 'query') as RouteQuery<R>;
      const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (route.rawBody) {
        if (!(request.body instanceof Readable) || !route.rawBody.mediaTypes.includes(type)) {
          throw new HttpError(
            'unsupported-media-type',
            `send the file's bytes with Content-Type ${route.rawBody.mediaTypes.join(', ')}, not '${type}'`,
          );
        }
        const result = await handler({
          params,
          query,
          body: undefined as RouteBody<R>,
          rawBody: request.body,
          request,
          reply,
        });
        reply.code(route.status);
        return reply.send(result);
      }
      if (request.body instanceof Readable) {
        request.body.resume(); // not ours to read
        throw new HttpError(
          'unsupported-media-type',
          `bodies must be JSON (Content-Type: application/json), not '${type}'`,
        );
      }
      let bodyIn: unknown = request.body;
      if (bodyIn === undefined && route.bodyOptional) bodyIn = {};
      if (route.body && bodyIn === undefined) {
        throw new HttpError(
          'invalid-request',
          'this request needs a JSON body (Content-Type: application/json)',
          [{ path: 'body', message: 'missing' }],
        );
      }
      const body = parse(route.body, bodyIn, 'body') as RouteBody<R>;
      const result = await handler({ params, query, body, rawBody: undefined, request, reply });
      reply.code(route.status);
      if (route.response === null) return reply.send();
      if (opts.checkResponses) {
        const r = route.response.safeParse(result);
        if (!r.success) {
          throw new Error(
            `answer of ${route.method} ${route.path} does not match its schema: ${r.error.issues
              .slice(0, 3)
              .map((i) => `${i.path.join('.')}: ${i.message}`)
              .join('; ')}`,
          );
        }
      }
      return reply.send(result);
    },
  });
}
