/**
 * @flowstate/api — the contract between Flowstate's server and its clients (studio, tools): zod schemas of
 * REST bodies and answers, socket.io events, error codes, the route table and the OpenAPI document built
 * from it. Types are inferred from the schemas, never written twice.
 */

export * from './errors';
export * from './openapi';
export * from './rest';
export * from './routes';
export * from './socket';
