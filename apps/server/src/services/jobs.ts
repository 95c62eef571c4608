/**
 * What the server does with jobs, between the routes (and sockets) and the job manager and database: start a
 * job (a pipeline version or an ad-hoc spec), stop it (with a savepoint), trigger a checkpoint, restore one (in
 * place, or as a new run of an ended job), and resume the jobs a crashed server left running.
 *
 * - **Specs** are checked before anything is stored or run: `validateSpec`, then the file policy (every path a
 *   spec names must be one the server lets jobs use), so an invalid one is a 422 naming the node and the path.
 * - **One operation per job at a time.** Stop, stop with savepoint, restore (in place or new run) and trigger are
 *   serialized per job: a second one while the first is under way is refused at once with 409
 *   `operation-in-progress`, saying what is under way. (A new-run restore holds the job it restores from, so two
 *   of them can never start two runs.)
 * - **A bounded number of running jobs** (FLOWSTATE_MAX_RUNNING_JOBS): past it, 429 `too-many-jobs` before any
 *   row is written.
 * - **Jobs survive a server crash** (Flink's HA): at start, every job the database says was created, running or
 *   restarting is started again under its own id from its newest valid checkpoint (from the beginning when it
 *   has none), with an event saying so.
 * - **Finished is not gone.** A job that no longer runs here (ended, and its worker released, or the server
 *   restarted since) answers with what was stored: its last figures, the newest rows of its collect sinks, and
 *   the state of its newest retained checkpoint — each marked `live: false`.
 * - **Upgrades** (Flink's stop → change → resume): a start may name a checkpoint or savepoint of any job; the
 *   engine's `checkRestoreCompatibility` decides, before anything is stored, whether the spec can take its state.
 */
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import {
  type Checkpoint,
  type CheckpointRef,
  type CompatibilityResult,
  type JobDetail,
  type JobMetrics,
  JobMetricsSchema,
  type JobStatus,
  type OutputPage,
  type RestoreCompatibility,
  type StatePage,
  TERMINAL_JOB_STATUSES,
} from '@flowstate/api';
import {
  type CheckpointMetadata,
  checkRestoreCompatibility,
  createFsCheckpointStorage,
  type FileAccess,
  parseCheckpointMetadataText,
  specFileProblems,
} from '@flowstate/engine';
import { isCollectSink, type Problem, type SpecAnalysis, validateSpec } from '@flowstate/spec';
import type { CheckpointRow, Db, JobRow } from '../db/index';
import { HttpError, invalidSpec, notFound } from '../http/errors';
import { toCheckpoint, toJob } from '../http/mappers';
import { type JobManager, JobManagerError } from '../jobs/index';
import type { JobEventRecorder } from './recorder';

const METADATA_FILE = '_metadata';
/** Pushed metrics younger than this answer a job's detail without asking its worker. */
const METRICS_FRESH_MS = 2000;

export interface JobServiceDeps {
  db: Db;
  manager: JobManager;
  recorder: JobEventRecorder;
  /** The data directory (checkpoints are under `checkpoints/`). */
  dataDir: string;
  /** What the spec's file paths are checked against. */
  fileAccess: FileAccess;
  maxRunningJobs: number;
}

/** A JobManagerError (or anything else) from a job operation, as the API error it is. */
export function fromManager(e: unknown, job: { id: string; status?: string }): HttpError {
  if (e instanceof HttpError) return e;
  if (!(e instanceof JobManagerError)) {
    return new HttpError('internal', `the job manager failed: ${(e as Error)?.message ?? String(e)}`);
  }
  switch (e.code) {
    case 'UNKNOWN_JOB':
    case 'NOT_RUNNING':
    case 'WORKER_CRASHED':
    case 'OUT_OF_MEMORY':
      // (UNKNOWN_JOB only says the manager never ran it — after a server restart — which adds nothing.)
      return new HttpError(
        'job-not-running',
        `job '${job.id}' is not running on this server${job.status ? ` (it ${job.status === 'created' ? 'never started' : `has ${job.status}`})` : ''}${e.code === 'UNKNOWN_JOB' ? '' : `: ${e.message}`}`,
      );
    case 'INCOMPATIBLE_STATE':
      return new HttpError('incompatible-state', e.message);
    case 'NO_SUCH_NODE':
    case 'NO_KEYED_STATE':
      return new HttpError('node-not-found', e.message);
    case 'NO_SUCH_CHECKPOINT':
      return new HttpError('checkpoint-unavailable', e.message);
    case 'INVALID_SPEC':
      return invalidSpec((e.problems ?? []) as Problem[]);
    case 'TIMEOUT':
      return new HttpError(
        'unavailable',
        `job '${job.id}' is busy: ${e.message}; its last known state is shown where there is one — try again`,
      );
    default:
      return new HttpError('operation-failed', e.message);
  }
}

export class JobService {
  private readonly db: Db;
  private readonly manager: JobManager;
  private readonly recorder: JobEventRecorder;
  /** The operation under way per job id (see the module comment). */
  private readonly operations = new Map<string, { what: string; since: number }>();
  /** Starts between the slot check and the manager taking the job (they count as running). */
  private starting = 0;

  constructor(private readonly deps: JobServiceDeps) {
    this.db = deps.db;
    this.manager = deps.manager;
    this.recorder = deps.recorder;
  }

  // ------------------------------------------------------------------------------------ specs

  /** Every problem of `spec`: the spec package's, then the file paths the server does not allow. */
  specProblems(spec: unknown): Problem[] {
    const r = validateSpec(spec);
    if (!r.ok) return r.problems;
    return [...r.problems, ...specFileProblems(r.spec, this.deps.fileAccess)];
  }

  /** Throws a 422 with the problems unless `spec` may be stored and run on this server; answers its analysis. */
  requireRunnableSpec(spec: unknown): SpecAnalysis {
    const r = validateSpec(spec);
    if (!r.ok) throw invalidSpec(r.problems);
    const problems = [...r.problems, ...specFileProblems(r.spec, this.deps.fileAccess)];
    if (problems.some((p) => !p.code.startsWith('warning/'))) throw invalidSpec(problems);
    return r.analysis;
  }

  // ------------------------------------------------------------------------------------ reading

  /**
   * A job's detail: its row, the live status, and metrics. While it runs: those its worker pushed within the last
   * 2 s, else asked (within the manager's query timeout), else the last known ones — never waiting long on a busy
   * job. Once it no longer runs: the figures the server stored (its final ones; `metricsLive: false`).
   */
  async detail(job: JobRow): Promise<JobDetail> {
    const running = this.manager.isRunning(job.id);
    let metrics: JobMetrics | null;
    let metricsAt: string | null = null;
    if (running) metrics = await this.metricsOf(job.id, true);
    else {
      // The final figures are stored before the row says the job ended; until then, the ones this process has.
      const stored = storedMetrics(job);
      const inProcess = TERMINAL_JOB_STATUSES.includes(job.status)
        ? undefined
        : this.manager.lastMetrics(job.id);
      metrics = inProcess ?? stored ?? null;
      if (!inProcess && stored && job.metricsAt) metricsAt = job.metricsAt.toISOString();
    }
    return {
      ...toJob(job, running ? this.liveOf(job.id) : undefined),
      spec: job.spec,
      live: running,
      metrics,
      metricsLive: running && metrics !== null,
      metricsAt,
    };
  }

  /**
   * A page of a collect sink's rows: from the job's engine (running, or ended and still held), else the newest
   * rows the server stored of it (`live: false`).
   */
  async output(job: JobRow, nodeId: string, q: { limit?: number; since?: number }): Promise<OutputPage> {
    const limit = q.limit ?? 1000;
    try {
      const page = await this.manager.output(job.id, nodeId, {
        limit,
        ...(q.since !== undefined ? { since: q.since } : {}),
      });
      return {
        nodeId,
        ...page,
        rows: page.rows as Array<Record<string, unknown>>,
        live: true,
        storedAt: null,
      };
    } catch (e) {
      const err = fromManager(e, job);
      if (err.code !== 'job-not-running') throw err;
    }
    const node = analysisOf(job)?.nodes.get(nodeId)?.node;
    if (!node || !isCollectSink(node)) {
      throw new HttpError(
        'node-not-found',
        `job '${job.id}' has no collect sink '${nodeId}': only collect sinks keep output`,
      );
    }
    const stored = await this.db.outputs.get(job.id, nodeId);
    if (!stored) {
      throw new HttpError(
        'job-not-running',
        `${ended(job)}, and no output of '${nodeId}' was stored for it (a job keeps its output once it has run on this version of the server)`,
      );
    }
    const first = stored.fromSeq;
    const start = Math.min(
      stored.nextSeq,
      q.since !== undefined ? Math.max(q.since, first) : Math.max(first, stored.nextSeq - limit),
    );
    const rows = stored.rows.slice(start - first, start - first + limit) as Array<Record<string, unknown>>;
    return {
      nodeId,
      rows,
      from: start,
      next: start + rows.length,
      epoch: stored.epoch,
      live: false,
      storedAt: stored.updatedAt.toISOString(),
    };
  }

  /**
   * A page of a window or aggregate node's keyed state: from the job's engine (running, or ended and still held),
   * else from its newest retained checkpoint (for a finished job, the final one) — `live: false`, `checkpointId`.
   */
  async state(
    job: JobRow,
    nodeId: string,
    q: { prefix?: string; cursor?: string; limit?: number },
  ): Promise<StatePage> {
    const query = {
      ...(q.prefix !== undefined ? { prefix: q.prefix } : {}),
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
      limit: q.limit ?? 100,
    };
    try {
      const page = await this.manager.queryState(job.id, nodeId, query);
      return { nodeId, checkpointId: null, live: true, ...statePage(page) };
    } catch (e) {
      const err = fromManager(e, job);
      if (err.code !== 'job-not-running') throw err;
    }
    const newest = (await this.checkpoints(job.id)).find((c) => c.status === 'completed' && c.path);
    if (!newest?.path) {
      throw new HttpError(
        'job-not-running',
        `${ended(job)}: its state is no longer held, and no checkpoint of it is left to read it from`,
      );
    }
    try {
      const page = await this.manager.checkpointState(newest.path, job.spec, nodeId, query);
      return { nodeId, checkpointId: newest.number, live: false, ...statePage(page) };
    } catch (e) {
      throw fromManager(e, job);
    }
  }

  liveOf(id: string): { status: JobStatus; restarts: number; cause?: string } | undefined {
    const s = this.manager.status(id);
    return s
      ? { status: s.status as JobStatus, restarts: s.restarts, ...(s.cause ? { cause: s.cause } : {}) }
      : undefined;
  }

  private async metricsOf(jobId: string, running: boolean) {
    const cached = this.recorder.lastMetrics.get(jobId);
    if (cached && Date.now() - cached.at < METRICS_FRESH_MS && running) return cached.metrics;
    try {
      return (await this.manager.metrics(jobId)) ?? cached?.metrics ?? null;
    } catch {
      return cached?.metrics ?? this.manager.lastMetrics(jobId) ?? null;
    }
  }

  async row(id: string): Promise<JobRow> {
    const job = await this.db.jobs.get(id);
    if (!job) throw notFound.job(id);
    return job;
  }

  // ------------------------------------------------------------------------------------ operations

  /** Runs `fn` as the only operation on `jobId` (409 operation-in-progress while another is under way). */
  private async exclusive<T>(jobId: string, what: string, fn: () => Promise<T>): Promise<T> {
    const busy = this.operations.get(jobId);
    if (busy) {
      throw new HttpError(
        'operation-in-progress',
        `job '${jobId}' is busy: ${busy.what} has been under way since ${new Date(busy.since).toISOString()}; try again when it is done`,
        { operation: busy.what, since: new Date(busy.since).toISOString() },
      );
    }
    this.operations.set(jobId, { what, since: Date.now() });
    try {
      return await fn();
    } finally {
      this.operations.delete(jobId);
    }
  }

  /** What is under way on a job, if anything. */
  operation(jobId: string): { what: string; since: number } | undefined {
    return this.operations.get(jobId);
  }

  /** Takes a running-job slot (synchronously, before any await) or refuses with 429. */
  private takeSlot(): () => void {
    const running = this.manager.activeCount() + this.starting;
    if (running >= this.deps.maxRunningJobs) {
      throw new HttpError(
        'too-many-jobs',
        `${running} jobs are running, the most this server runs at once (FLOWSTATE_MAX_RUNNING_JOBS = ${this.deps.maxRunningJobs}): stop one first`,
      );
    }
    this.starting++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.starting--;
    };
  }

  /**
   * Starts a pipeline version (newest by default) or an ad-hoc spec — from the beginning, or from a checkpoint or
   * savepoint of any job (`restoreFrom`), refused with 409 `incompatible-state` and the report when the spec
   * cannot take its state and `allowNonRestoredState` is not set.
   */
  async start(
    input: ({ spec: unknown } | { pipelineId: string; version?: number }) & {
      restoreFrom?: CheckpointRef;
      allowNonRestoredState?: boolean;
    },
  ): Promise<JobDetail> {
    let spec: unknown;
    let owner: { pipelineId: string; versionId: string } | undefined;
    if ('spec' in input) {
      spec = input.spec;
    } else {
      const p = await this.db.pipelines.get(input.pipelineId);
      if (!p) throw notFound.pipeline(input.pipelineId);
      const number = input.version ?? p.latestVersion;
      const v = await this.db.pipelines.version(input.pipelineId, number);
      if (!v) throw notFound.version(input.pipelineId, number);
      spec = v.spec;
      owner = { pipelineId: p.id, versionId: v.id };
    }
    // Stored specs were valid when saved; the spec package or the file policy may have grown stricter since.
    const analysis = this.requireRunnableSpec(spec);
    const allowNonRestoredState = input.allowNonRestoredState === true;
    let from: { cp: CheckpointRow & { path: string }; source: JobRow } | undefined;
    if (input.restoreFrom) {
      const { report, cp, source } = await this.compatibilityOf(
        analysis,
        input.restoreFrom,
        allowNonRestoredState,
      );
      if (!report.ok) throw incompatible(report, source.id);
      from = { cp, source };
    }
    const release = this.takeSlot();
    try {
      const job = await this.db.jobs.create({
        ...(owner ?? {}),
        spec,
        ...(from ? { restoredFromCheckpoint: from.cp.number, restoredFromPath: from.cp.path } : {}),
      });
      return await this.launch(
        job,
        from
          ? {
              restoreFrom: { path: from.cp.path },
              restoreReason: `started from ${from.cp.kind} ${from.cp.number} of job '${from.source.id}'`,
              allowNonRestoredState,
            }
          : {},
      );
    } finally {
      release();
    }
  }

  /**
   * What starting version `version` of a pipeline from a job's checkpoint or savepoint would do to each node's
   * state (the engine's checkRestoreCompatibility on the version's spec and the checkpoint's `_metadata`).
   */
  async compatibility(
    pipelineId: string,
    version: number,
    ref: CheckpointRef,
    allowNonRestoredState: boolean,
  ): Promise<CompatibilityResult> {
    const p = await this.db.pipelines.get(pipelineId);
    if (!p) throw notFound.pipeline(pipelineId);
    const v = await this.db.pipelines.version(pipelineId, version);
    if (!v) throw notFound.version(pipelineId, version);
    const r = validateSpec(v.spec);
    if (!r.ok) throw invalidSpec(r.problems);
    const { report, cp } = await this.compatibilityOf(r.analysis, ref, allowNonRestoredState);
    return {
      pipelineId,
      version,
      from: { jobId: ref.jobId, checkpointId: cp.number, kind: cp.kind },
      report,
    };
  }

  private async compatibilityOf(
    analysis: SpecAnalysis,
    ref: CheckpointRef,
    allowNonRestoredState: boolean,
  ): Promise<{ report: RestoreCompatibility; cp: CheckpointRow & { path: string }; source: JobRow }> {
    const source = await this.row(ref.jobId);
    const cp = await this.usableCheckpoint(source.id, ref.checkpointId);
    const metadata = await readMetadata(cp);
    return { report: checkRestoreCompatibility(analysis, metadata, { allowNonRestoredState }), cp, source };
  }

  /** Starts the job of a row just created; a failed start marks the row failed and answers the error. */
  private async launch(
    job: JobRow,
    opts: {
      restoreFrom?: { path: string } | 'latest';
      restoreReason?: string;
      allowNonRestoredState?: boolean;
    } = {},
  ): Promise<JobDetail> {
    let restoredFrom: { checkpointId: number; path: string } | null;
    try {
      ({ restoredFrom } = await this.manager.start(job.id, job.spec, opts));
    } catch (e) {
      await this.recorder.idle(job.id);
      const cause = (e as Error)?.message ?? String(e);
      const row = await this.db.jobs.get(job.id);
      if (row && !TERMINAL_JOB_STATUSES.includes(row.status)) {
        await this.db.jobs.update(job.id, { status: 'failed', failureCause: cause, endedAt: new Date() });
      }
      throw fromManager(e, job);
    }
    await this.recorder.idle(job.id);
    if (opts.restoreFrom === 'latest' && restoredFrom) {
      await this.db.jobs.update(job.id, {
        restoredFromCheckpoint: restoredFrom.checkpointId,
        restoredFromPath: restoredFrom.path,
      });
    }
    return this.detail((await this.db.jobs.get(job.id)) ?? job);
  }

  /** Stops a running job (cancel), or stops it with a savepoint. */
  async stop(jobId: string, savepoint: boolean): Promise<{ job: JobRow; savepoint: Checkpoint | null }> {
    const job = await this.row(jobId);
    return this.exclusive(job.id, savepoint ? 'a stop with savepoint' : 'a stop', async () => {
      if (!this.manager.isRunning(job.id)) {
        throw new HttpError('job-not-running', `job '${job.id}' is not running (it has ${job.status})`);
      }
      let result: Awaited<ReturnType<JobManager['stop']>>;
      try {
        result = await this.manager.stop(job.id, { savepoint });
      } catch (e) {
        throw fromManager(e, job);
      }
      await this.recorder.idle(job.id);
      let sp: Checkpoint | null = null;
      if (result.savepoint) {
        const row = await this.db.checkpoints.get(job.id, result.savepoint.checkpointId);
        if (row) sp = toCheckpoint(row);
      }
      return { job: (await this.db.jobs.get(job.id)) ?? job, savepoint: sp };
    });
  }

  /** Triggers a checkpoint of a running job; answers with its id. */
  async trigger(jobId: string): Promise<number> {
    const job = await this.row(jobId);
    return this.exclusive(job.id, 'a checkpoint trigger', async () => {
      if (!this.manager.isRunning(job.id)) {
        throw new HttpError(
          'job-not-running',
          `job '${job.id}' is not running (it has ${job.status}): nothing to checkpoint`,
        );
      }
      try {
        return await this.manager.triggerCheckpoint(job.id);
      } catch (e) {
        throw fromManager(e, job);
      }
    });
  }

  /** A completed checkpoint whose files are still there (else 409, and the row says discarded). */
  async usableCheckpoint(jobId: string, checkpointId: number): Promise<CheckpointRow & { path: string }> {
    const cp = await this.db.checkpoints.get(jobId, checkpointId);
    if (!cp) throw notFound.checkpoint(jobId, checkpointId);
    if (cp.status !== 'completed' || cp.path === null) {
      throw new HttpError(
        'checkpoint-unavailable',
        `${cp.kind} ${checkpointId} of job '${jobId}' is ${cp.status}${cp.failureReason ? ` (${cp.failureReason})` : ''}: only a completed one can be restored or read`,
      );
    }
    if (!(await hasMetadata(cp.path))) {
      await this.db.checkpoints.upsert({ ...cp, status: 'discarded' });
      throw new HttpError(
        'checkpoint-unavailable',
        `${cp.kind} ${checkpointId} of job '${jobId}' is no longer on disk (${cp.path}): it was discarded (only the newest checkpoints are retained)`,
      );
    }
    return { ...cp, path: cp.path };
  }

  /** Checkpoints of a job, newest first; completed ones whose files are gone say `discarded`. */
  async checkpoints(jobId: string): Promise<CheckpointRow[]> {
    const rows = await this.db.checkpoints.list(jobId);
    return Promise.all(
      rows.map(async (c) => {
        if (c.status !== 'completed' || c.path === null || (await hasMetadata(c.path))) return c;
        return this.db.checkpoints.upsert({ ...c, status: 'discarded' });
      }),
    );
  }

  /**
   * Restores a checkpoint: a running job rolls back in place; one that no longer runs starts a new run (a new job
   * row with the same pipeline version and spec) from it.
   */
  async restore(
    jobId: string,
    checkpointId: number,
  ): Promise<
    | { mode: 'in-place'; checkpointId: number; job: JobRow }
    | { mode: 'new-run'; checkpointId: number; job: JobDetail }
  > {
    const job = await this.row(jobId);
    return this.exclusive(job.id, `a restore of checkpoint ${checkpointId}`, async () => {
      const cp = await this.usableCheckpoint(job.id, checkpointId);
      if (this.manager.isRunning(job.id)) {
        try {
          await this.manager.restore(job.id, checkpointId);
        } catch (e) {
          throw fromManager(e, job);
        }
        await this.recorder.idle(job.id);
        // The run now carries the checkpoint's state: it is restored from it, as a new run would be.
        const updated = await this.db.jobs.update(job.id, {
          restoredFromCheckpoint: cp.number,
          restoredFromPath: cp.path,
        });
        return { mode: 'in-place', checkpointId, job: updated ?? job };
      }
      this.requireRunnableSpec(job.spec);
      const release = this.takeSlot();
      try {
        const next = await this.db.jobs.create({
          ...(job.versionId !== null
            ? { versionId: job.versionId }
            : job.pipelineId !== null
              ? { pipelineId: job.pipelineId }
              : {}),
          spec: job.spec,
          restoredFromCheckpoint: cp.number,
          restoredFromPath: cp.path,
        });
        const detail = await this.launch(next, { restoreFrom: { path: cp.path } });
        return { mode: 'new-run', checkpointId: cp.number, job: detail };
      } finally {
        release();
      }
    });
  }

  // ------------------------------------------------------------------------------------ server stop and start

  /** The server is stopping with jobs running: each job's log says it is suspended, not ended. */
  async noteSuspended(): Promise<void> {
    const running = await this.db.jobs.list({ status: ['created', 'running', 'restarting'] });
    await Promise.all(
      running
        .filter((j) => this.manager.isRunning(j.id))
        .map((j) =>
          this.recorder.note(
            j.id,
            'warn',
            'suspend',
            'the server is stopping: the job is suspended and resumes from its newest checkpoint when the server starts again',
          ),
        ),
    );
  }

  /**
   * Starts again every job a previous server process left created, running or restarting, each from its newest
   * valid checkpoint. Each job is claimed at once (operations on it get 409 until it runs); resolves when every
   * one has started or failed to. Checkpoints the previous process completed on disk but had not yet recorded
   * are added to the history first.
   */
  async resumeInterrupted(): Promise<void> {
    const jobs = await this.db.jobs.interrupted();
    const since = Date.now();
    for (const j of jobs) this.operations.set(j.id, { what: 'resuming after a server restart', since });
    await Promise.all(
      jobs.map((j) =>
        this.resumeOne(j)
          .catch(() => {}) // the row says failed, with the cause
          .finally(() => this.operations.delete(j.id)),
      ),
    );
  }

  private async resumeOne(job: JobRow): Promise<void> {
    await this.reconcileCheckpoints(job.id);
    const problems = this.specProblems(job.spec).filter((p) => !p.code.startsWith('warning/'));
    if (problems.length > 0) {
      const cause = `the server restarted, and the job cannot run again: ${problems.map((p) => `${p.path || '(spec)'}: ${p.message}`).join('; ')}`;
      await this.db.jobs.update(job.id, { status: 'failed', failureCause: cause, endedAt: new Date() });
      await this.recorder.note(job.id, 'error', 'status', `failed: ${cause}`);
      return;
    }
    // A job started from another run's checkpoint that has none of its own yet resumes from that one again (its
    // start was allowed, so allowing non-restored state changes nothing), not from the beginning.
    const own = await createFsCheckpointStorage(path.join(this.deps.dataDir, 'checkpoints'))
      .list(job.id)
      .catch(() => []);
    const from =
      !own.some((l) => l.status === 'completed') &&
      job.restoredFromPath !== null &&
      (await hasMetadata(job.restoredFromPath))
        ? job.restoredFromPath
        : null;
    await this.recorder.note(
      job.id,
      'warn',
      'resume',
      from
        ? 'the server stopped while the job was running: resuming it from the checkpoint it started from (it had taken none of its own)'
        : 'the server stopped while the job was running: resuming it from its newest checkpoint',
    );
    await this.launch(
      job,
      from
        ? {
            restoreFrom: { path: from },
            allowNonRestoredState: true,
            restoreReason: 'resumed after a server restart',
          }
        : { restoreFrom: 'latest', restoreReason: 'resumed after a server restart' },
    );
  }

  /** Completed checkpoints on disk that the database does not list as completed (the server died in between). */
  private async reconcileCheckpoints(jobId: string): Promise<void> {
    const storage = createFsCheckpointStorage(path.join(this.deps.dataDir, 'checkpoints'));
    const listed = await storage.list(jobId).catch(() => []);
    for (const l of listed) {
      if (l.status !== 'completed' || !l.metadata) continue;
      const row = await this.db.checkpoints.get(jobId, l.location.checkpointId);
      if (row?.status === 'completed') continue;
      const m = l.metadata;
      await this.db.checkpoints.upsert({
        jobId,
        number: m.checkpointId,
        kind: m.kind,
        trigger: m.trigger,
        status: 'completed',
        startedAt: new Date(m.timestamp),
        durationMs: Math.round(m.durationMs),
        sizeBytes: l.sizeBytes || m.totalSize,
        fullSizeBytes: m.fullSize ?? null,
        incrementalSizeBytes: m.incrementalSize ?? null,
        path: l.location.path,
        failureReason: null,
        details: {
          operators: m.operators.map((o) => ({
            nodeId: o.nodeId,
            subtasks: o.subtasks.length,
            sizeBytes: o.subtasks.reduce((a, s) => a + (s.file?.size ?? 0), 0),
          })),
        },
      });
    }
  }
}

/** The figures a job's row stored (null when there are none, or they do not match the contract). */
function storedMetrics(job: JobRow): JobMetrics | null {
  if (job.metrics === null || job.metrics === undefined) return null;
  const r = JobMetricsSchema.safeParse(job.metrics);
  return r.success ? r.data : null;
}

function analysisOf(job: JobRow): SpecAnalysis | null {
  const r = validateSpec(job.spec);
  return r.ok ? r.analysis : null;
}

/** "job 'x' is not running on this server (it has finished)", in the words a person reads. */
function ended(job: JobRow): string {
  const what =
    job.status === 'created'
      ? 'never started'
      : TERMINAL_JOB_STATUSES.includes(job.status)
        ? `has ${job.status}`
        : 'is not running on this server';
  return `job '${job.id}' ${what}`;
}

function statePage(page: { entries: unknown[]; nextCursor?: string | null }) {
  return {
    entries: page.entries as Array<{ key: string | number | boolean | null; value: unknown }>,
    nextCursor: page.nextCursor ?? null,
  };
}

/** The 409 of a start that would lose state: the report in `details`. */
function incompatible(report: RestoreCompatibility, sourceJobId: string): HttpError {
  return new HttpError(
    'incompatible-state',
    `cannot start from ${report.checkpointKind} ${report.checkpointId} of job '${sourceJobId}': ${report.summary}. details.report says what happens to each node; allowNonRestoredState: true drops the state no node can take`,
    { report },
  );
}

/** A usable checkpoint's `_metadata` (409 checkpoint-unavailable when it cannot be read). */
async function readMetadata(cp: CheckpointRow & { path: string }): Promise<CheckpointMetadata> {
  try {
    return parseCheckpointMetadataText(await readFile(path.join(cp.path, METADATA_FILE), 'utf8'), cp.path);
  } catch (e) {
    throw new HttpError(
      'checkpoint-unavailable',
      `${cp.kind} ${cp.number} of job '${cp.jobId}' cannot be read: ${(e as Error).message}`,
    );
  }
}

async function hasMetadata(dir: string): Promise<boolean> {
  try {
    return (await stat(path.join(dir, METADATA_FILE))).isFile();
  } catch {
    return false;
  }
}
