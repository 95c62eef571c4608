/**
 * The REST handlers, one per route of the contract's route table (`@flowstate/api` routes.ts). Params, query
 * and body arrive parsed (define.ts); a spec is checked by `validateSpec` before it is stored or run.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import {
  buildOpenApiDocument,
  type Checkpoint,
  type JobDetail,
  type JobStatus,
  routes,
  TERMINAL_JOB_STATUSES,
} from '@flowstate/api';
import { validateSpec } from '@flowstate/spec';
import type { FastifyInstance } from 'fastify';
import type { Db, JobRow } from '../db/index';
import { type JobManager, JobManagerError } from '../jobs/index';
import { type DefineOptions, defineRoute } from './define';
import { HttpError, invalidSpec, notFound } from './errors';
import { toCheckpoint, toJob, toJobEvent, toPipeline, toPipelineDetail, toVersion } from './mappers';
import type { JobEventRecorder } from './recorder';

export interface RouteDeps {
  db: Db;
  manager: JobManager;
  recorder: JobEventRecorder;
  startedAt: number;
  secured: boolean;
  version: string;
  /** Socket figures for /api/health. */
  socketStats: () => { sockets: number; stateSubscriptions: number };
}

const METADATA_FILE = '_metadata';
/** Pushed metrics younger than this answer GET /api/jobs/:id without asking the job's worker. */
const METRICS_FRESH_MS = 2000;

/** A spec that validates (its problems in a 422 otherwise). */
function requireValidSpec(spec: unknown): void {
  const r = validateSpec(spec);
  if (!r.ok) throw invalidSpec(r.problems);
}

/** A JobManagerError (or anything else) from a job operation, as the HTTP error it is. */
function fromManager(e: unknown, job: { id: string; status?: string }): HttpError {
  if (e instanceof HttpError) return e;
  if (!(e instanceof JobManagerError)) {
    return new HttpError('internal', `the job manager failed: ${(e as Error)?.message ?? String(e)}`);
  }
  switch (e.code) {
    case 'UNKNOWN_JOB':
    case 'NOT_RUNNING':
    case 'WORKER_CRASHED':
      return new HttpError(
        'job-not-running',
        `job '${job.id}' is not running on this server${job.status ? ` (it ${job.status === 'created' ? 'never started' : `has ${job.status}`})` : ''}: ${e.message}`,
      );
    case 'NO_SUCH_NODE':
    case 'NO_KEYED_STATE':
      return new HttpError('node-not-found', e.message);
    case 'NO_SUCH_CHECKPOINT':
      return new HttpError('checkpoint-unavailable', e.message);
    case 'INVALID_SPEC':
      return invalidSpec((e.problems ?? []) as Parameters<typeof invalidSpec>[0]);
    case 'TIMEOUT':
      return new HttpError('unavailable', `${e.message}; the job may be overloaded, try again`);
    default:
      return new HttpError('operation-failed', e.message);
  }
}

export function registerRoutes(app: FastifyInstance, deps: RouteDeps, opts: DefineOptions): void {
  const { db, manager, recorder } = deps;
  const def: typeof defineRoute = (a, r, h) => defineRoute(a, r, h, opts);

  const getJobRow = async (id: string): Promise<JobRow> => {
    const job = await db.jobs.get(id);
    if (!job) throw notFound.job(id);
    return job;
  };

  const liveOf = (id: string) => {
    const s = manager.status(id);
    return s
      ? { status: s.status as JobStatus, restarts: s.restarts, ...(s.cause ? { cause: s.cause } : {}) }
      : undefined;
  };

  /**
   * Metrics of a job the manager holds: those its worker pushed within the last 2 s (it pushes about once a
   * second), else asked from the worker. A REST answer does not wait on a busy job's thread when it need not.
   */
  const metricsOf = async (jobId: string) => {
    const cached = recorder.lastMetrics.get(jobId);
    if (cached && Date.now() - cached.at < METRICS_FRESH_MS && manager.isRunning(jobId))
      return cached.metrics;
    try {
      return (await manager.metrics(jobId)) ?? cached?.metrics ?? null;
    } catch {
      return cached?.metrics ?? null;
    }
  };

  const jobDetail = async (job: JobRow): Promise<JobDetail> => {
    const live = liveOf(job.id);
    const metrics = live ? await metricsOf(job.id) : null;
    return {
      ...toJob(job, live && manager.isRunning(job.id) ? live : undefined),
      spec: job.spec,
      live: manager.isRunning(job.id),
      metrics,
    };
  };

  /** Starts `job` (a row just created); a failed start marks the row failed and answers the error. */
  const startJob = async (job: JobRow, restoreFrom?: { path: string }): Promise<JobDetail> => {
    try {
      await manager.start(job.id, job.spec, restoreFrom ? { restoreFrom } : {});
    } catch (e) {
      await recorder.idle(job.id);
      const cause = (e as Error)?.message ?? String(e);
      const row = await db.jobs.get(job.id);
      if (row && !TERMINAL_JOB_STATUSES.includes(row.status)) {
        await db.jobs.update(job.id, { status: 'failed', failureCause: cause, endedAt: new Date() });
      }
      throw fromManager(e, job);
    }
    await recorder.idle(job.id);
    return jobDetail((await db.jobs.get(job.id)) ?? job);
  };

  /** A completed checkpoint whose files are still there (else 409, and the row says discarded). */
  const usableCheckpoint = async (jobId: string, checkpointId: number) => {
    const cp = await db.checkpoints.get(jobId, checkpointId);
    if (!cp) throw notFound.checkpoint(jobId, checkpointId);
    if (cp.status !== 'completed' || cp.path === null) {
      throw new HttpError(
        'checkpoint-unavailable',
        `${cp.kind} ${checkpointId} of job '${jobId}' is ${cp.status}${cp.failureReason ? ` (${cp.failureReason})` : ''}: only a completed one can be restored or read`,
      );
    }
    if (!(await hasMetadata(cp.path))) {
      await db.checkpoints.upsert({ ...cp, status: 'discarded' });
      throw new HttpError(
        'checkpoint-unavailable',
        `${cp.kind} ${checkpointId} of job '${jobId}' is no longer on disk (${cp.path}): it was discarded (only the newest checkpoints are retained)`,
      );
    }
    return cp;
  };

  // ------------------------------------------------------------------------------------ pipelines

  def(app, routes.listPipelines, async () => ({
    pipelines: (await db.pipelines.list()).map(toPipeline),
  }));

  def(app, routes.createPipeline, async ({ body }) => {
    requireValidSpec(body.spec);
    const name = body.name ?? specNameOrNull(body.spec) ?? 'pipeline';
    const p = await db.pipelines.create({
      name,
      ...(body.description != null ? { description: body.description } : {}),
      spec: body.spec,
      ...(body.message !== undefined ? { message: body.message } : {}),
    });
    return toPipelineDetail(p);
  });

  def(app, routes.getPipeline, async ({ params }) => {
    const p = await db.pipelines.get(params.id);
    if (!p) throw notFound.pipeline(params.id);
    return toPipelineDetail(p);
  });

  def(app, routes.updatePipeline, async ({ params, body }) => {
    const current = await db.pipelines.get(params.id);
    if (!current) throw notFound.pipeline(params.id);
    let spec: unknown;
    if (body.spec !== undefined) {
      requireValidSpec(body.spec);
      if (JSON.stringify(body.spec) !== JSON.stringify(current.spec)) spec = body.spec;
    }
    const changes = {
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.description !== undefined ? { description: body.description } : {}),
      ...(spec !== undefined ? { spec } : {}),
      ...(spec !== undefined && body.message !== undefined ? { message: body.message } : {}),
    };
    if (Object.keys(changes).length === 0) return { ...toPipelineDetail(current), newVersion: null };
    const p = await db.pipelines.update(params.id, changes);
    if (!p) throw notFound.pipeline(params.id);
    return { ...toPipelineDetail(p), newVersion: spec !== undefined ? p.latestVersion : null };
  });

  def(app, routes.deletePipeline, async ({ params }) => {
    const p = await db.pipelines.get(params.id);
    if (!p) throw notFound.pipeline(params.id);
    const running = (await db.jobs.list({ pipelineId: params.id })).filter((j) => manager.isRunning(j.id));
    if (running.length > 0) {
      throw new HttpError(
        'pipeline-in-use',
        `pipeline '${params.id}' has running jobs (${running.map((j) => j.id).join(', ')}): stop them first`,
      );
    }
    await db.pipelines.delete(params.id);
    return undefined;
  });

  def(app, routes.listPipelineVersions, async ({ params }) => {
    const versions = await db.pipelines.versions(params.id);
    if (!versions) throw notFound.pipeline(params.id);
    return { versions: versions.map(toVersion) };
  });

  def(app, routes.validateSpec, ({ body }) => {
    const r = validateSpec(body.spec);
    return { ok: r.ok, problems: r.problems };
  });

  // ------------------------------------------------------------------------------------ jobs

  def(app, routes.startJob, async ({ body }) => {
    let job: JobRow;
    if ('spec' in body) {
      requireValidSpec(body.spec);
      job = await db.jobs.create({ spec: body.spec });
    } else {
      const p = await db.pipelines.get(body.pipelineId);
      if (!p) throw notFound.pipeline(body.pipelineId);
      const number = body.version ?? p.latestVersion;
      const v = await db.pipelines.version(body.pipelineId, number);
      if (!v) throw notFound.version(body.pipelineId, number);
      requireValidSpec(v.spec); // stored valid; the spec package may have grown stricter since
      job = await db.jobs.create({ pipelineId: p.id, versionId: v.id, spec: v.spec });
    }
    return startJob(job);
  });

  def(app, routes.listJobs, async ({ query }) => {
    const rows = await db.jobs.list({
      ...(query.pipelineId !== undefined ? { pipelineId: query.pipelineId } : {}),
      ...(query.status !== undefined ? { status: [query.status] } : {}),
    });
    return {
      jobs: rows
        .slice(0, query.limit ?? 100)
        .map((j) => toJob(j, manager.isRunning(j.id) ? liveOf(j.id) : undefined)),
    };
  });

  def(app, routes.getJob, async ({ params }) => jobDetail(await getJobRow(params.id)));

  def(app, routes.stopJob, async ({ params, body }) => {
    const job = await getJobRow(params.id);
    if (!manager.isRunning(job.id)) {
      throw new HttpError('job-not-running', `job '${job.id}' is not running (it has ${job.status})`);
    }
    let result: Awaited<ReturnType<JobManager['stop']>>;
    try {
      result = await manager.stop(job.id, { savepoint: body.savepoint === true });
    } catch (e) {
      throw fromManager(e, job);
    }
    await recorder.idle(job.id);
    let savepoint: Checkpoint | null = null;
    if (result.savepoint) {
      const row = await db.checkpoints.get(job.id, result.savepoint.checkpointId);
      if (row) savepoint = toCheckpoint(row);
    }
    return { job: toJob((await db.jobs.get(job.id)) ?? job), savepoint };
  });

  def(app, routes.listJobEvents, async ({ params, query }) => {
    await getJobRow(params.id);
    const rows = await db.events.list(params.id, { limit: query.limit ?? 200 });
    return { events: rows.map(toJobEvent) };
  });

  // ------------------------------------------------------------------------------------ checkpoints

  def(app, routes.listCheckpoints, async ({ params }) => {
    await getJobRow(params.id);
    const rows = await db.checkpoints.list(params.id);
    // Completed checkpoints the engine has since discarded (it keeps the newest `retained`) say so.
    const checked = await Promise.all(
      rows.map(async (c) => {
        if (c.status !== 'completed' || c.path === null || (await hasMetadata(c.path))) return c;
        return db.checkpoints.upsert({ ...c, status: 'discarded' });
      }),
    );
    return { checkpoints: checked.map(toCheckpoint) };
  });

  def(app, routes.triggerCheckpoint, async ({ params, body }) => {
    const job = await getJobRow(params.id);
    if (!manager.isRunning(job.id)) {
      throw new HttpError(
        'job-not-running',
        `job '${job.id}' is not running (it has ${job.status}): nothing to checkpoint`,
      );
    }
    if (body.kind === 'savepoint') {
      throw new HttpError(
        'invalid-request',
        'a savepoint is taken on the way out: POST /api/jobs/:id/stop with { "savepoint": true }',
        [{ path: 'body.kind', message: 'only "checkpoint" can be triggered on a running job' }],
      );
    }
    try {
      return { checkpointId: await manager.triggerCheckpoint(job.id) };
    } catch (e) {
      throw fromManager(e, job);
    }
  });

  def(app, routes.getCheckpoint, async ({ params }) => {
    await getJobRow(params.id);
    const cp = await db.checkpoints.get(params.id, params.checkpointId);
    if (!cp) throw notFound.checkpoint(params.id, params.checkpointId);
    return toCheckpoint(cp);
  });

  def(app, routes.restoreJob, async ({ params, body }) => {
    const job = await getJobRow(params.id);
    const cp = await usableCheckpoint(job.id, body.checkpointId);
    if (manager.isRunning(job.id)) {
      try {
        await manager.restore(job.id, body.checkpointId);
      } catch (e) {
        throw fromManager(e, job);
      }
      await recorder.idle(job.id);
      // The run now carries the checkpoint's state: it is restored from it, as a new run would be.
      const updated = await db.jobs.update(job.id, {
        restoredFromCheckpoint: cp.number,
        restoredFromPath: cp.path!,
      });
      return {
        mode: 'in-place' as const,
        checkpointId: body.checkpointId,
        job: toJob(updated ?? job, liveOf(job.id)),
      };
    }
    // A job that no longer runs: a new run of the same spec starts from the checkpoint.
    const next = await db.jobs.create({
      ...(job.versionId !== null
        ? { versionId: job.versionId }
        : job.pipelineId !== null
          ? { pipelineId: job.pipelineId }
          : {}),
      spec: job.spec,
      restoredFromCheckpoint: cp.number,
      restoredFromPath: cp.path!,
    });
    const detail = await startJob(next, { path: cp.path! });
    const { spec: _s, live: _l, metrics: _m, ...row } = detail;
    return { mode: 'new-run' as const, checkpointId: cp.number, job: row };
  });

  // ------------------------------------------------------------------------------------ state, output

  def(app, routes.getState, async ({ params, query }) => {
    const job = await getJobRow(params.id);
    try {
      const page = await manager.queryState(job.id, params.nodeId, {
        ...(query.prefix !== undefined ? { prefix: query.prefix } : {}),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        limit: query.limit ?? 100,
      });
      return {
        nodeId: params.nodeId,
        checkpointId: null,
        entries: page.entries as Array<{ key: string | number | boolean | null; value: unknown }>,
        nextCursor: page.nextCursor ?? null,
      };
    } catch (e) {
      const err = fromManager(e, job);
      if (err.code === 'job-not-running') {
        throw new HttpError(
          'job-not-running',
          `${err.message} — read the state of one of its checkpoints instead: GET /api/jobs/${job.id}/checkpoints/:checkpointId/state/${params.nodeId}`,
        );
      }
      throw err;
    }
  });

  def(app, routes.getCheckpointState, async ({ params, query }) => {
    const job = await getJobRow(params.id);
    const cp = await usableCheckpoint(job.id, params.checkpointId);
    try {
      const page = await manager.checkpointState(cp.path!, job.spec, params.nodeId, {
        ...(query.prefix !== undefined ? { prefix: query.prefix } : {}),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        limit: query.limit ?? 100,
      });
      return {
        nodeId: params.nodeId,
        checkpointId: cp.number,
        entries: page.entries as Array<{ key: string | number | boolean | null; value: unknown }>,
        nextCursor: page.nextCursor ?? null,
      };
    } catch (e) {
      throw fromManager(e, job);
    }
  });

  def(app, routes.getOutput, async ({ params, query }) => {
    const job = await getJobRow(params.id);
    try {
      const page = await manager.output(job.id, params.nodeId, {
        limit: query.limit ?? 1000,
        ...(query.since !== undefined ? { since: query.since } : {}),
      });
      return { nodeId: params.nodeId, ...page, rows: page.rows as Array<Record<string, unknown>> };
    } catch (e) {
      throw fromManager(e, job);
    }
  });

  // ------------------------------------------------------------------------------------ meta

  def(app, routes.health, async () => {
    const running = await db.jobs.list({ status: ['created', 'running', 'restarting'] });
    const mem = process.memoryUsage();
    return {
      ok: true as const,
      uptimeMs: Date.now() - deps.startedAt,
      jobsRunning: running.filter((j) => manager.isRunning(j.id)).length,
      ...deps.socketStats(),
      memory: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed, heapTotalBytes: mem.heapTotal },
    };
  });

  const openapi = buildOpenApiDocument({ secured: deps.secured, version: deps.version });
  def(app, routes.openapi, () => openapi);
}

function specNameOrNull(spec: unknown): string | null {
  const name = (spec as { name?: unknown } | null)?.name;
  return typeof name === 'string' && name.trim() !== '' ? name : null;
}

async function hasMetadata(dir: string): Promise<boolean> {
  try {
    return (await stat(path.join(dir, METADATA_FILE))).isFile();
  } catch {
    return false;
  }
}
