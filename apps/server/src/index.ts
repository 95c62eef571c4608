/**
 * @flowstate/server — the Flowstate service: REST API and socket.io streams (app.ts) over the job manager
 * (jobs/: each job's engine on a worker thread) and the database (db/: Prisma).
 */
export { type CreateServerOptions, createServer, type FlowstateServer, SERVER_VERSION } from './app';
export { type Env, EnvError, loadEnv } from './env';
