/**
 * The REST handlers, one per route of the contract's route table (`@flowstate/api` routes.ts). Params, query
 * and body arrive parsed (define.ts); what happens to jobs is the job service's (services/jobs.ts): the
 * handlers here read, call it, and shape answers.
 */
import { buildOpenApiDocument, routes } from '@flowstate/api';
import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/index';
import { DataFileError, type DataFiles } from '../files/store';
import type { JobManager } from '../jobs/index';
import type { FlinkDeployService } from '../services/flink-deploy';
import { fromManager, type JobService } from '../services/jobs';
import { type DefineOptions, defineRoute } from './define';
import { HttpError, notFound } from './errors';
import { toCheckpoint, toJob, toJobEvent, toPipeline, toPipelineDetail, toVersion } from './mappers';

export interface RouteDeps {
  db: Db;
  manager: JobManager;
  jobs: JobService;
  files: DataFiles;
  flink: FlinkDeployService;
  startedAt: number;
  secured: boolean;
  version: string;
  /** Socket figures for /api/health. */
  socketStats: () => { sockets: number; stateSubscriptions: number };
}

export function registerRoutes(app: FastifyInstance, deps: RouteDeps, opts: DefineOptions): void {
  const { db, manager, jobs } = deps;
  const def: typeof defineRoute = (a, r, h) => defineRoute(a, r, h, opts);

  // ------------------------------------------------------------------------------------ pipelines

  def(app, routes.listPipelines, async () => ({
    pipelines: (await db.pipelines.list()).map(toPipeline),
  }));

  def(app, routes.createPipeline, async ({ body }) => {
    jobs.requireRunnableSpec(body.spec);
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
      jobs.requireRunnableSpec(body.spec);
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

  def(app, routes.exportFlinkSql, ({ params }) => deps.flink.exportVersion(params.id, params.version));
  def(app, routes.checkCompatibility, ({ params, body }) =>
    jobs.compatibility(
      params.id,
      params.version,
      { jobId: body.jobId, checkpointId: body.checkpointId },
      body.allowNonRestoredState === true,
    ),
  );

  def(app, routes.validateSpec, ({ body }) => {
    const problems = jobs.specProblems(body.spec);
    return { ok: !problems.some((p) => !p.code.startsWith('warning/')), problems };
  });

  // ------------------------------------------------------------------------------------ jobs

  def(app, routes.startJob, ({ body }) => {
    const from = {
      ...(body.restoreFrom !== undefined ? { restoreFrom: body.restoreFrom } : {}),
      ...(body.allowNonRestoredState !== undefined
        ? { allowNonRestoredState: body.allowNonRestoredState }
        : {}),
    };
    return jobs.start(
      'spec' in body
        ? { spec: body.spec, ...from }
        : {
            pipelineId: body.pipelineId,
            ...(body.version !== undefined ? { version: body.version } : {}),
            ...from,
          },
    );
  });

  def(app, routes.listJobs, async ({ query }) => {
    const rows = await db.jobs.list({
      ...(query.pipelineId !== undefined ? { pipelineId: query.pipelineId } : {}),
      ...(query.status !== undefined ? { status: [query.status] } : {}),
    });
    return {
      jobs: rows
        .slice(0, query.limit ?? 100)
        .map((j) => toJob(j, manager.isRunning(j.id) ? jobs.liveOf(j.id) : undefined)),
    };
  });

  def(app, routes.getJob, async ({ params }) => jobs.detail(await jobs.row(params.id)));

  def(app, routes.stopJob, async ({ params, body }) => {
    const r = await jobs.stop(params.id, body.savepoint === true);
    return { job: toJob(r.job), savepoint: r.savepoint };
  });

  def(app, routes.listJobEvents, async ({ params, query }) => {
    await jobs.row(params.id);
    const rows = await db.events.list(params.id, { limit: query.limit ?? 200 });
    return { events: rows.map(toJobEvent) };
  });

  // ------------------------------------------------------------------------------------ checkpoints

  def(app, routes.listCheckpoints, async ({ params }) => {
    await jobs.row(params.id);
    return { checkpoints: (await jobs.checkpoints(params.id)).map(toCheckpoint) };
  });

  def(app, routes.triggerCheckpoint, async ({ params, body }) => {
    if (body.kind === 'savepoint') {
      throw new HttpError(
        'invalid-request',
        'a savepoint is taken on the way out: POST /api/jobs/:id/stop with { "savepoint": true }',
        [{ path: 'body.kind', message: 'only "checkpoint" can be triggered on a running job' }],
      );
    }
    return { checkpointId: await jobs.trigger(params.id) };
  });

  def(app, routes.getCheckpoint, async ({ params }) => {
    await jobs.row(params.id);
    const cp = await db.checkpoints.get(params.id, params.checkpointId);
    if (!cp) throw notFound.checkpoint(params.id, params.checkpointId);
    return toCheckpoint(cp);
  });

  def(app, routes.restoreJob, async ({ params, body }) => {
    const r = await jobs.restore(params.id, body.checkpointId);
    if (r.mode === 'in-place') {
      return { mode: r.mode, checkpointId: r.checkpointId, job: toJob(r.job, jobs.liveOf(r.job.id)) };
    }
    const { spec: _s, live: _l, metrics: _m, ...row } = r.job;
    return { mode: r.mode, checkpointId: r.checkpointId, job: row };
  });

  // ------------------------------------------------------------------------------------ state, output

  def(app, routes.getState, async ({ params, query }) =>
    jobs.state(await jobs.row(params.id), params.nodeId, query),
  );

  def(app, routes.getCheckpointState, async ({ params, query }) => {
    const job = await jobs.row(params.id);
    const cp = await jobs.usableCheckpoint(job.id, params.checkpointId);
    try {
      const page = await manager.checkpointState(cp.path, job.spec, params.nodeId, {
        ...(query.prefix !== undefined ? { prefix: query.prefix } : {}),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        limit: query.limit ?? 100,
      });
      return {
        nodeId: params.nodeId,
        checkpointId: cp.number,
        live: false,
        entries: page.entries as Array<{ key: string | number | boolean | null; value: unknown }>,
        nextCursor: page.nextCursor ?? null,
      };
    } catch (e) {
      throw fromManager(e, job);
    }
  });

  def(app, routes.getOutput, async ({ params, query }) =>
    jobs.output(await jobs.row(params.id), params.nodeId, query),
  );

  // ------------------------------------------------------------------------------------ files

  def(app, routes.listFiles, async () => {
    const { files, usedBytes } = await deps.files.list();
    return {
      files,
      usedBytes,
      quotaBytes: deps.files.limits.quotaBytes,
      maxFileBytes: deps.files.limits.maxFileBytes,
    };
  });

  def(app, routes.uploadFile, async ({ params, rawBody }) => {
    try {
      return await deps.files.write(params.name, rawBody!);
    } catch (e) {
      throw fromDataFiles(e);
    }
  });

  def(app, routes.deleteFile, async ({ params }) => {
    try {
      await deps.files.delete(params.name);
    } catch (e) {
      throw fromDataFiles(e);
    }
    return undefined;
  });

  // ------------------------------------------------------------------------------------ flink

  def(app, routes.getFlink, () => deps.flink.info());

  def(app, routes.deployToFlink, ({ body }) => deps.flink.deploy(body.pipelineId, body.version));

  def(app, routes.listFlinkDeployments, async ({ query }) => ({
    deployments: await deps.flink.list({
      ...(query.pipelineId !== undefined ? { pipelineId: query.pipelineId } : {}),
      limit: query.limit ?? 50,
    }),
  }));

  def(app, routes.getFlinkDeployment, ({ params }) => deps.flink.get(params.id));

  def(app, routes.cancelFlinkDeployment, ({ params }) => deps.flink.cancel(params.id));

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

function fromDataFiles(e: unknown): HttpError {
  if (!(e instanceof DataFileError)) return e instanceof HttpError ? e : new HttpError('internal', String(e));
  switch (e.code) {
    case 'too-large':
      return new HttpError('body-too-large', e.message);
    case 'quota':
      return new HttpError('storage-full', e.message);
    case 'not-found':
      return new HttpError('file-not-found', e.message);
  }
}
