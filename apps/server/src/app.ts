/**
 * The Flowstate server in one object: Fastify (REST under /api) and socket.io (path /socket.io) on one port,
 * the database and the job manager wired together. `createServer` builds it without listening, so tests run
 * it in-process; `main.ts` is the process around it.
 *
 * At start: jobs a previous server process left running are resumed from their newest valid checkpoint
 * (`JobService.resumeInterrupted`; `resumed` resolves when all have started), and every checkpoint in the
 * database stays listed and restorable (a restore of a stopped job starts a new run).
 */
import Fastify, { type FastifyInstance, type FastifyServerOptions, LogController } from 'fastify';
import { lockDataDir } from './data-dir-lock';
import { type Db, openDb } from './db/index';
import type { Env } from './env';
import { fileAccessOf, serverFilePolicy } from './files/policy';
import { DataFiles } from './files/store';
import { registerRoutes } from './http/routes';
import { allowedHostNames, DEFAULT_BODY_LIMIT, installSafety } from './http/safety';
import { JobManager } from './jobs/index';
import { FlinkDeployService } from './services/flink-deploy';
import { JobService } from './services/jobs';
import { JobEventRecorder } from './services/recorder';
import { SocketHub } from './socket/hub';

export const SERVER_VERSION = '0.1.0';

export interface CreateServerOptions {
  env: Env;
  /** A database to use (not closed by `close()`); default: `openDb` on the env's data dir / DATABASE_URL. */
  db?: Db;
  /** A job manager to use (not shut down by `close()`); default: a new one on the env's data dir. */
  manager?: JobManager;
  /** Fastify's logger option (default: off). */
  logger?: FastifyServerOptions['logger'];
  /** Largest request body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Check every answer against its response schema (tests). */
  checkResponses?: boolean;
}

export interface FlowstateServer {
  app: FastifyInstance;
  io: SocketHub['io'];
  hub: SocketHub;
  db: Db;
  manager: JobManager;
  recorder: JobEventRecorder;
  /** Every route registered on Fastify (what the OpenAPI test compares the document with). */
  registeredRoutes: Array<{ method: string; url: string }>;
  /** Listens on env.host:env.port; resolves with the base URL (`http://127.0.0.1:4000`). */
  listen(): Promise<string>;
  /** Closes sockets and HTTP, stops the jobs (when it owns the manager) and closes the database (when it owns it). */
  close(): Promise<void>;
  jobs: JobService;
  files: DataFiles;
  /** Export to Flink SQL and Deploy to Flink. */
  flink: FlinkDeployService;
  /** Resolves once the jobs interrupted by a previous server process have been started again (or failed to). */
  resumed: Promise<void>;
}

export async function createServer(opts: CreateServerOptions): Promise<FlowstateServer> {
  const { env } = opts;
  const ownsDb = opts.db === undefined;
  const db =
    opts.db ??
    (await openDb({ dataDir: env.dataDir, ...(env.databaseUrl ? { databaseUrl: env.databaseUrl } : {}) }));
  let lock: ReturnType<typeof lockDataDir>;
  try {
    lock = lockDataDir(env.dataDir);
  } catch (e) {
    if (ownsDb) await db.close();
    throw e;
  }
  const policy = serverFilePolicy(env);
  const ownsManager = opts.manager === undefined;
  const manager =
    opts.manager ??
    new JobManager({
      dataDir: env.dataDir,
      files: policy,
      jobMemoryMb: env.jobMemoryMb,
      archiveRows: env.outputKeepRows,
    });
  const allowedHosts = allowedHostNames(env.host, env.allowedHosts);

  const app = Fastify({
    logger: opts.logger ?? false,
    // one line per request would drown the log (the studio polls); failures are logged by the error handler
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // ids are cuids, node ids are short: long URLs are not ours
    routerOptions: { maxParamLength: 200 },
    // the API is exactly the route table (no implicit HEAD routes)
    exposeHeadRoutes: false,
    // a request that never finishes sending does not hold a connection forever
    requestTimeout: 60_000,
    // errors the router meets before any hook (a URL that does not decode): the contract's body too
    frameworkErrors: (error, _request, reply) => {
      // (typed loosely by Fastify here; the answer is the contract's error body)
      (reply as unknown as { code(n: number): { type(t: string): { send(b: unknown): void } } })
        .code(400)
        .type('application/json; charset=utf-8')
        .send({
          error: { code: 'invalid-request', message: `the request URL is not valid: ${error.message}` },
        });
    },
  });
  installSafety(app, {
    token: env.token,
    studioOrigins: env.studioOrigins,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    allowedHosts,
  });

  const hub = new SocketHub(app.server, {
    token: env.token,
    studioOrigins: env.studioOrigins,
    allowedHosts,
    db,
    manager,
    log: app.log,
  });
  const recorder = new JobEventRecorder(db, hub, app.log);
  const stopListening = manager.on((e) => recorder.handle(e));

  const fileAccess = fileAccessOf(env.dataDir, policy);
  const jobs = new JobService({
    db,
    manager,
    recorder,
    dataDir: env.dataDir,
    fileAccess,
    maxRunningJobs: env.maxRunningJobs,
  });
  const flink = new FlinkDeployService({
    db,
    fileAccess,
    gatewayUrl: env.flinkGateway,
    dashboardUrl: env.flinkDashboard,
    log: app.log,
  });
  const files = new DataFiles(env.dataDir, {
    maxFileBytes: env.uploadMaxBytes,
    quotaBytes: env.filesMaxBytes,
  });
  // Jobs the previous server process was running start again from their newest checkpoints; deployments it was
  // submitting to Flink are recorded as cut off.
  const resumed = Promise.all([
    jobs.resumeInterrupted(),
    flink.recoverInterrupted().then(
      (n) => {
        if (n > 0) app.log.warn(`${n} deployment(s) to Flink were cut off by the previous server's stop`);
      },
      (e: unknown) => app.log.error({ err: e }, 'marking cut-off Flink deployments failed'),
    ),
  ]).then(() => {});

  const registeredRoutes: Array<{ method: string; url: string }> = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) registeredRoutes.push({ method, url: r.url });
  });
  registerRoutes(
    app,
    {
      db,
      manager,
      jobs,
      files,
      flink,
      startedAt: Date.now(),
      secured: env.token !== undefined,
      version: SERVER_VERSION,
      socketStats: () => hub.stats(),
    },
    { checkResponses: opts.checkResponses ?? false },
  );

  let closing: Promise<void> | undefined;
  return {
    app,
    io: hub.io,
    hub,
    db,
    manager,
    recorder,
    registeredRoutes,
    jobs,
    files,
    flink,
    resumed,
    async listen() {
      await app.listen({ host: env.host, port: env.port });
      const addr = app.server.address();
      const port = typeof addr === 'object' && addr ? addr.port : env.port;
      const host = env.host.includes(':') ? `[${env.host}]` : env.host;
      return `http://${host}:${port}`;
    },
    close() {
      closing ??= (async () => {
        await resumed.catch(() => {});
        hub.close();
        await app.close();
        await flink.idle();
        if (ownsManager) {
          // Running jobs are suspended, not cancelled: the next server process resumes them.
          await jobs.noteSuspended();
          await manager.shutdown({ suspend: true });
        }
        await recorder.idle();
        stopListening();
        if (ownsDb) await db.close();
        lock.release();
      })();
      return closing;
    },
  };
}
