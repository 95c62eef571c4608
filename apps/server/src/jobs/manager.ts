/**
 * The JobManager runs each job's engine on its own worker thread, so a busy job never slows the API or the
 * sockets, and a crashing one never takes the server down. It keeps every job's lifecycle
 * (created → running → restarting → finished | failed | cancelled, with the cause), forwards the workers'
 * events to its listeners, and answers commands and queries by asking the job's worker.
 *
 * A job's worker outlives the job's end so that its final state and output can still be read; the most
 * recently ended `maxEndedWorkers` jobs keep theirs, older ones are released (their queries then answer
 * NOT_RUNNING; their last metrics stay available).
 *
 * (One file: it is one class, and its commands, queries and worker callbacks all read and change the same job
 * records, workers and lifecycle transitions.)
 */

import { stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { STATE_CHANGES_INTERVAL_MS, STATE_CHANGES_MAX_KEYS } from '@flowstate/api';
import { JobSpecError, jobIdProblem, METADATA_FILE } from '@flowstate/engine';
import { type SpecAnalysis, validateSpec } from '@flowstate/spec';
import { JobManagerError } from './errors';
import { CheckpointInspections } from './inspections';
import { requireNode } from './nodes';
import {
  type FilePolicy,
  type ManagedJobMetrics,
  type ManagedStatus,
  type ManagerEvent,
  type OutputPage,
  type RestoredFrom,
  StateKeySchema,
  type StatePage,
  type StateQuery,
  type WorkerInit,
} from './protocol';
import { type MainThreadLoad, WorkerHandle } from './worker-handle';

export interface JobManagerOptions {
  /** Checkpoints go under `<dataDir>/checkpoints/<jobId>/…`; relative connector paths resolve against it. */
  dataDir: string;
  /** How often each running job pushes a `metrics` event (default 1000). */
  metricsIntervalMs?: number;
  /** How often each running job pushes new collect-sink rows as `output` events (default 200). */
  outputIntervalMs?: number;
  /** Rows one `output` event carries at most (default 500). */
  outputRowsPerEvent?: number;
  /**
   * Rows pushed per collect sink and output interval at most (default 2000, i.e. 10,000 rows/s per sink at the
   * default interval). When more are new, the oldest of them are skipped: the event's `from` is then past the
   * previous event's `next`, and a reader that wants the gap asks `output({ since })`.
   */
  outputMaxRowsPerTick?: number;
  /** State subscriptions deliver at most every this many ms (default: the socket contract's 100). */
  stateIntervalMs?: number;
  /** Changed keys one `state` event carries at most; the rest are counted in `dropped` (default: the socket contract's 200). */
  stateMaxKeys?: number;
  /** A request to a worker not answered by then rejects with TIMEOUT (default 30,000). */
  requestTimeoutMs?: number;
  /** Ended jobs whose worker (with their final state and output) is kept for queries (default 4). */
  maxEndedWorkers?: number;
  /** A checkpoint-inspection worker is kept this long after its last query, for paging (default 10,000). */
  inspectionIdleMs?: number;
  /**
   * Nice value of worker threads on Linux (default 10; 0 keeps the normal priority). Jobs then yield the CPU to
   * the main thread (API, sockets) when every core is busy.
   */
  workerNice?: number;
  /** Enables test-only worker commands (`crash`, `hang`). */
  testHooks?: boolean;
  /** Which files jobs may read and write (default: the data directory, minus its checkpoints and database). */
  files?: FilePolicy;
  /** Heap limit of each job's worker in MiB (default 1024); a job past it fails with OUT_OF_MEMORY. */
  jobMemoryMb?: number;
  /** Console sinks print at most this many lines a second (default 100). */
  consoleLinesPerSecond?: number;
  /**
   * Queries (state, output, metrics) and checkpoint triggers that a worker does not answer within this many ms
   * fail with TIMEOUT (default 1000): the API never waits long on a busy job.
   */
  queryTimeoutMs?: number;
  /** A stop that the worker has not completed within this many ms terminates it (default 10,000). */
  stopTimeoutMs?: number;
  /**
   * Newest rows of each collect sink handed out in `archive` events, for the server to store (default 1000;
   * 0: none): what a job's output view shows once the job no longer runs.
   */
  archiveRows?: number;
  /** How often a running job hands out an `archive` event (default 10,000 ms); always once more at its end. */
  archiveIntervalMs?: number;
}

export type { ManagedJobMetrics, ManagedStatus, ManagerEvent };

export interface ManagedJobStatus {
  status: ManagedStatus;
  restarts: number;
  /** When the job first ran (epoch ms), null before. */
  startedAt: number | null;
  /** Why the job is restarting or failed. */
  cause?: string;
}

interface JobRecord {
  jobId: string;
  status: ManagedStatus;
  restarts: number;
  startedAt: number | null;
  cause?: string;
  /** null once the worker is gone (crashed, released, shut down). */
  worker: WorkerHandle | null;
  /** Why there is no worker any more: what queries reject with. */
  gone: JobManagerError | null;
  analysis: SpecAnalysis;
  /** For requests that may wait for a checkpoint (stop with savepoint, restore). */
  slowTimeoutMs: number;
  lastMetrics: ManagedJobMetrics | undefined;
}

const ACTIVE: ReadonlySet<ManagedStatus> = new Set(['created', 'running', 'restarting']);
const MAX_STATE_LIMIT = 10_000;
const MAX_OUTPUT_LIMIT = 10_000;
const DEFAULT_OUTPUT_LIMIT = 1000;

export class JobManager {
  private readonly dataDir: string;
  private readonly opts: Required<Omit<JobManagerOptions, 'dataDir' | 'files'>>;
  readonly files: FilePolicy;
  private readonly jobs = new Map<string, JobRecord>();
  private readonly listeners = new Set<(e: ManagerEvent) => void>();
  /** Ended jobs that still hold a worker, oldest first. */
  private readonly ended: string[] = [];
  private readonly inspections: CheckpointInspections;
  private closed = false;
  /** What handling the workers' messages costs this thread (validation, bookkeeping, listeners). */
  private readonly load: MainThreadLoad = { messages: 0, totalMs: 0, maxMs: 0 };

  constructor(opts: JobManagerOptions) {
    this.dataDir = resolve(opts.dataDir);
    this.opts = {
      metricsIntervalMs: opts.metricsIntervalMs ?? 1000,
      outputIntervalMs: opts.outputIntervalMs ?? 200,
      outputRowsPerEvent: opts.outputRowsPerEvent ?? 500,
      outputMaxRowsPerTick: opts.outputMaxRowsPerTick ?? 2000,
      stateIntervalMs: opts.stateIntervalMs ?? STATE_CHANGES_INTERVAL_MS,
      stateMaxKeys: opts.stateMaxKeys ?? STATE_CHANGES_MAX_KEYS,
      requestTimeoutMs: opts.requestTimeoutMs ?? 30_000,
      maxEndedWorkers: opts.maxEndedWorkers ?? 4,
      inspectionIdleMs: opts.inspectionIdleMs ?? 10_000,
      workerNice: Math.max(0, Math.min(19, Math.floor(opts.workerNice ?? 10))),
      testHooks: opts.testHooks ?? false,
      jobMemoryMb: opts.jobMemoryMb ?? 1024,
      consoleLinesPerSecond: opts.consoleLinesPerSecond ?? 100,
      queryTimeoutMs: opts.queryTimeoutMs ?? 1000,
      stopTimeoutMs: opts.stopTimeoutMs ?? 10_000,
      archiveRows: Math.max(0, Math.floor(opts.archiveRows ?? 1000)),
      archiveIntervalMs: opts.archiveIntervalMs ?? 10_000,
    };
    this.files = opts.files ?? defaultFilePolicy(this.dataDir);
    this.inspections = new CheckpointInspections({
      dataDir: this.dataDir,
      nice: this.opts.workerNice,
      requestTimeoutMs: this.opts.requestTimeoutMs,
      idleMs: this.opts.inspectionIdleMs,
      memoryMb: this.opts.jobMemoryMb,
      load: this.load,
    });
  }

  // ------------------------------------------------------------------------------------ lifecycle

  /**
   * Validates the spec (INVALID_SPEC with the spec package's problems) and starts the job on a new worker;
   * resolves once the worker hosts it. `restoreFrom`: a checkpoint or savepoint directory (NO_SUCH_CHECKPOINT
   * when there is none; INCOMPATIBLE_STATE when its state does not fit the spec and `allowNonRestoredState` is
   * not set). A job id may be reused once its previous run has ended (ALREADY_RUNNING before).
   */
  async start(
    jobId: string,
    spec: unknown,
    opts: {
      restoreFrom?: { path: string } | 'latest';
      restoreReason?: string;
      allowNonRestoredState?: boolean;
    } = {},
  ): Promise<{ restoredFrom: RestoredFrom }> {
    if (this.closed) throw new Error('the job manager has shut down');
    const idProblem = jobIdProblem(jobId);
    if (idProblem !== undefined) throw new TypeError(idProblem);
    this.assertNotActive(jobId);
    const r = validateSpec(spec);
    if (!r.ok) {
      const cause = new JobSpecError(r.problems);
      throw new JobManagerError('INVALID_SPEC', cause.message, { problems: r.problems, cause });
    }
    const restorePath =
      opts.restoreFrom && opts.restoreFrom !== 'latest'
        ? await this.checkpointDir(opts.restoreFrom.path)
        : undefined;
    if (this.closed) throw new Error('the job manager has shut down');
    this.assertNotActive(jobId);

    const previous = this.jobs.get(jobId);
    if (previous) this.releaseWorker(previous, null);
    const rec: JobRecord = {
      jobId,
      status: 'created',
      restarts: 0,
      startedAt: null,
      worker: null,
      gone: null,
      analysis: r.analysis,
      slowTimeoutMs: this.opts.requestTimeoutMs + r.spec.settings.checkpointing.timeoutMs,
      lastMetrics: undefined,
    };
    this.jobs.set(jobId, rec);
    this.emit({ type: 'status', jobId, status: 'created', restarts: 0, at: Date.now() });

    const init: WorkerInit = {
      mode: 'job',
      jobId,
      spec,
      dataDir: this.dataDir,
      ...(restorePath !== undefined
        ? { restoreFrom: { path: restorePath } }
        : opts.restoreFrom === 'latest'
          ? { restoreFrom: 'latest' as const }
          : {}),
      ...(opts.restoreReason !== undefined ? { restoreReason: opts.restoreReason } : {}),
      ...(opts.allowNonRestoredState ? { allowNonRestoredState: true } : {}),
      archiveRows: this.opts.archiveRows,
      archiveIntervalMs: this.opts.archiveIntervalMs,
      files: this.files,
      consoleLinesPerSecond: this.opts.consoleLinesPerSecond,
      metricsIntervalMs: this.opts.metricsIntervalMs,
      outputIntervalMs: this.opts.outputIntervalMs,
      outputRowsPerEvent: this.opts.outputRowsPerEvent,
      outputMaxRowsPerTick: this.opts.outputMaxRowsPerTick,
      stateIntervalMs: this.opts.stateIntervalMs,
      stateMaxKeys: this.opts.stateMaxKeys,
      testHooks: this.opts.testHooks,
      nice: this.opts.workerNice,
    };
    const handle: WorkerHandle = new WorkerHandle(
      init,
      {
        onEvent: (e) => this.onWorkerEvent(rec, handle, e),
        onGone: (err, expected) => this.onWorkerGone(rec, handle, err, expected),
        onProtocolError: (message) => this.emit({ type: 'notice', jobId, message }),
      },
      {
        timeoutMs: this.opts.requestTimeoutMs,
        startTimeoutMs: rec.slowTimeoutMs,
        load: this.load,
        memoryMb: this.opts.jobMemoryMb,
      },
    );
    rec.worker = handle;
    try {
      return { restoredFrom: await handle.ready };
    } catch (e) {
      const err = e as JobManagerError;
      if (rec.worker === handle) this.releaseWorker(rec, err);
      if (ACTIVE.has(rec.status)) this.setStatus(rec, 'failed', err.message);
      throw err;
    }
  }

  /** Listens to every job's events; returns the unsubscribe function. */
  on(listener: (e: ManagerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  status(jobId: string): ManagedJobStatus | undefined {
    const rec = this.jobs.get(jobId);
    if (!rec) return undefined;
    return {
      status: rec.status,
      restarts: rec.restarts,
      startedAt: rec.startedAt,
      ...(rec.cause !== undefined ? { cause: rec.cause } : {}),
    };
  }

  /** Jobs created, running or restarting. */
  activeCount(): number {
    let n = 0;
    for (const rec of this.jobs.values()) if (ACTIVE.has(rec.status)) n++;
    return n;
  }

  /** created, running or restarting. */
  isRunning(jobId: string): boolean {
    const rec = this.jobs.get(jobId);
    return rec !== undefined && ACTIVE.has(rec.status);
  }

  /**
   * Cancels the job, or (`savepoint`) takes a savepoint and then cancels it; resolves once it stopped. A plain
   * stop always ends within `stopTimeoutMs`: a worker that has not stopped the job by then is terminated (the
   * job ends `cancelled`, saying so). A savepoint may take the spec's checkpoint timeout; if it fails, the job
   * keeps running (Flink's stop-with-savepoint) and this rejects.
   */
  async stop(
    jobId: string,
    opts: { savepoint?: boolean } = {},
  ): Promise<{ savepoint?: { checkpointId: number; path: string } }> {
    const { rec, worker } = this.activeJob(jobId);
    const savepoint = opts.savepoint === true;
    const limit = savepoint ? rec.slowTimeoutMs : this.opts.stopTimeoutMs;
    try {
      return await worker.request({ cmd: 'stop', savepoint }, limit);
    } catch (e) {
      if (!(e instanceof JobManagerError) || e.code !== 'TIMEOUT' || rec.worker !== worker) throw e;
      // The worker did not stop the job in time (stuck, or swamped): stop it the hard way.
      this.releaseWorker(
        rec,
        new JobManagerError('NOT_RUNNING', `job '${jobId}' was stopped by terminating its worker`),
      );
      if (ACTIVE.has(rec.status)) {
        this.setStatus(
          rec,
          'cancelled',
          `the job did not stop within ${limit} ms, so its worker was terminated`,
        );
      }
      return {};
    }
  }

  /** Triggers a checkpoint (or queues it behind the one in flight); answers with its id. */
  async triggerCheckpoint(jobId: string): Promise<number> {
    const { worker } = this.activeJob(jobId);
    return (await worker.request({ cmd: 'triggerCheckpoint' }, this.opts.queryTimeoutMs)).checkpointId;
  }

  /** Rolls the running job back in place to a retained checkpoint or savepoint of its own. */
  async restore(jobId: string, checkpointId: number): Promise<{ checkpointId: number; path: string }> {
    if (!Number.isSafeInteger(checkpointId) || checkpointId < 0) {
      throw new JobManagerError('NO_SUCH_CHECKPOINT', `there is no checkpoint ${String(checkpointId)}`);
    }
    const { rec, worker } = this.activeJob(jobId);
    return worker.request({ cmd: 'restore', checkpointId }, rec.slowTimeoutMs);
  }

  // ------------------------------------------------------------------------------------ reading

  /** A page of a window or aggregate node's keyed state (also after the job ended, while its worker is kept). */
  async queryState(jobId: string, nodeId: string, q: StateQuery = {}): Promise<StatePage> {
    const { rec, worker } = this.liveJob(jobId);
    requireNode(rec.analysis, nodeId, 'keyed');
    return worker.request({ cmd: 'queryState', nodeId, query: stateQuery(q) }, this.opts.queryTimeoutMs);
  }

  /** What a window or aggregate node holds for one key; null when it holds nothing for it. */
  async stateOfKey(jobId: string, nodeId: string, key: unknown): Promise<unknown> {
    const { rec, worker } = this.liveJob(jobId);
    requireNode(rec.analysis, nodeId, 'keyed');
    const k = StateKeySchema.safeParse(key);
    if (!k.success) return null; // keys are scalars: nothing is held for anything else
    return (await worker.request({ cmd: 'stateOfKey', nodeId, key: k.data }, this.opts.queryTimeoutMs)).value;
  }

  /**
   * Rows of a collect sink: with `since`, those from that sequence number on; without, the last `limit`
   * (default 1000, at most 10,000).
   */
  async output(
    jobId: string,
    nodeId: string,
    opts: { limit?: number; since?: number } = {},
  ): Promise<OutputPage> {
    const { rec, worker } = this.liveJob(jobId);
    requireNode(rec.analysis, nodeId, 'collect');
    const limit = clampInt(opts.limit, 1, MAX_OUTPUT_LIMIT, DEFAULT_OUTPUT_LIMIT);
    const since =
      opts.since !== undefined && Number.isFinite(opts.since)
        ? Math.max(0, Math.floor(opts.since))
        : undefined;
    return worker.request(
      { cmd: 'output', nodeId, limit, ...(since !== undefined ? { since } : {}) },
      this.opts.queryTimeoutMs,
    );
  }

  /**
   * Current metrics; for a job whose worker is gone, or does not answer within the query timeout, the last
   * ones it reported (undefined if none).
   */
  async metrics(jobId: string): Promise<ManagedJobMetrics | undefined> {
    const rec = this.record(jobId);
    if (!rec.worker) return rec.lastMetrics;
    try {
      const m = await rec.worker.request({ cmd: 'metrics' }, this.opts.queryTimeoutMs);
      rec.lastMetrics = m;
      return m;
    } catch (e) {
      if (e instanceof JobManagerError && e.code === 'TIMEOUT') return rec.lastMetrics;
      throw e;
    }
  }

  /** The metrics the job pushed last (no request to its worker). */
  lastMetrics(jobId: string): ManagedJobMetrics | undefined {
    return this.jobs.get(jobId)?.lastMetrics;
  }

  /**
   * Live state of a node, delivered as `state` events (the engine coalesces them per key, at most every
   * `stateIntervalMs`, at most `stateMaxKeys` keys each). The caller subscribes once per node (the socket hub
   * does, whatever the number of sockets watching); the returned function ends it. Throws (synchronously)
   * UNKNOWN_JOB, NOT_RUNNING, NO_SUCH_NODE, NO_KEYED_STATE.
   */
  subscribeState(jobId: string, nodeId: string): () => void {
    const { rec, worker } = this.liveJob(jobId);
    requireNode(rec.analysis, nodeId, 'keyed');
    this.send(rec, worker, { cmd: 'subscribeState', nodeId });
    let done = false;
    return () => {
      if (done) return;
      done = true;
      if (rec.worker === worker) this.send(rec, worker, { cmd: 'unsubscribeState', nodeId });
      // (a worker that is gone took its subscription with it)
    };
  }

  /**
   * A page of a node's state as it was in a checkpoint (whether or not its job runs): the checkpoint is loaded
   * into a throwaway job in a short-lived worker (kept `inspectionIdleMs` for the next page). `spec`: the spec
   * to read it with; null or undefined for the one stored in the checkpoint.
   */
  async checkpointState(
    checkpointPath: string,
    spec: unknown,
    nodeId: string,
    q: StateQuery = {},
  ): Promise<StatePage> {
    if (this.closed) throw new Error('the job manager has shut down');
    const dir = await this.checkpointDir(checkpointPath);
    const withSpec = spec !== undefined && spec !== null;
    if (withSpec) {
      const r = validateSpec(spec);
      if (!r.ok) {
        const cause = new JobSpecError(r.problems);
        throw new JobManagerError('INVALID_SPEC', cause.message, { problems: r.problems, cause });
      }
      requireNode(r.analysis, nodeId, 'keyed');
    }
    return this.inspections.queryState(dir, withSpec ? spec : null, nodeId, stateQuery(q));
  }

  /**
   * Stops every worker; the manager cannot start jobs afterwards. Running jobs are cancelled (status events say
   * so), or with `suspend` left as they are — no event, as if the process had died — so that the next server
   * process resumes them from their checkpoints (Flink's HA: a job outlives its JobManager).
   */
  async shutdown(opts: { suspend?: boolean } = {}): Promise<void> {
    this.closed = true;
    const stops: Promise<unknown>[] = [];
    for (const rec of this.jobs.values()) {
      if (!opts.suspend && rec.worker && ACTIVE.has(rec.status)) {
        stops.push(rec.worker.request({ cmd: 'stop', savepoint: false }, 5000).catch(() => {}));
      }
    }
    await Promise.all(stops);
    const terminations: Promise<void>[] = [];
    for (const rec of this.jobs.values()) {
      const w = rec.worker;
      if (!w) continue;
      rec.worker = null;
      rec.gone = new JobManagerError('NOT_RUNNING', 'the job manager has shut down');
      if (ACTIVE.has(rec.status) && !opts.suspend)
        this.setStatus(rec, 'cancelled', 'the job manager shut down');
      terminations.push(w.terminate());
    }
    this.ended.length = 0;
    terminations.push(this.inspections.close());
    await Promise.all(terminations);
  }

  // ------------------------------------------------------------------------------------ internals

  /** Test hooks: the worker thread of a job (to kill it) and what the worker holds. */
  readonly internals = {
    worker: (jobId: string) => this.jobs.get(jobId)?.worker?.worker,
    workerStats: (jobId: string) => this.liveJob(jobId).worker.request({ cmd: 'stats' }),
    /**
     * Makes the job's worker throw an uncaught exception just after it answers. The crash can overtake the
     * answer (a worker's error and its messages arrive on different channels): that is the crash asked for.
     */
    crashWorker: (jobId: string, message: string) =>
      this.liveJob(jobId)
        .worker.request({ cmd: 'crash', message })
        .catch((e: unknown) => {
          if (e instanceof JobManagerError && e.code === 'WORKER_CRASHED') return {};
          throw e;
        }),
    hang: (jobId: string) => this.liveJob(jobId).worker.request({ cmd: 'hang' }),
    /** Keeps the job's worker thread busy for `ms` (answers before it starts). */
    block: (jobId: string, ms: number) => this.liveJob(jobId).worker.request({ cmd: 'block', ms }),
    inspectionWorkers: () => this.inspections.size,
    /** Messages handled on this thread, the time it took in all, and the longest one (ms). */
    mainThreadLoad: (): MainThreadLoad => ({ ...this.load }),
  };

  private emit(e: ManagerEvent): void {
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        // A listener's bug must not stop the others or the job's bookkeeping.
        console.error('JobManager listener threw:', err);
      }
    }
  }

  private record(jobId: string): JobRecord {
    const rec = this.jobs.get(jobId);
    if (!rec) throw new JobManagerError('UNKNOWN_JOB', `there is no job '${jobId}'`);
    return rec;
  }

  private assertNotActive(jobId: string): void {
    const rec = this.jobs.get(jobId);
    if (rec && ACTIVE.has(rec.status)) {
      throw new JobManagerError('ALREADY_RUNNING', `job '${jobId}' is ${rec.status}: stop it first`);
    }
  }

  /** A job whose worker is there (running or ended and kept). */
  private liveJob(jobId: string): { rec: JobRecord; worker: WorkerHandle } {
    const rec = this.record(jobId);
    if (!rec.worker) {
      throw (
        rec.gone ??
        new JobManagerError('NOT_RUNNING', `job '${jobId}' has ${rec.status} and its worker is gone`)
      );
    }
    return { rec, worker: rec.worker };
  }

  /** A job that runs (created, running, restarting). */
  private activeJob(jobId: string): { rec: JobRecord; worker: WorkerHandle } {
    const rec = this.record(jobId);
    if (!ACTIVE.has(rec.status) || !rec.worker) {
      throw new JobManagerError(
        'NOT_RUNNING',
        `job '${jobId}' has ${rec.status}${rec.cause ? ` (${rec.cause})` : ''}: it no longer runs`,
      );
    }
    return { rec, worker: rec.worker };
  }

  /** Fire-and-forget command; a failure becomes a notice. */
  private send(rec: JobRecord, worker: WorkerHandle, command: Parameters<WorkerHandle['request']>[0]): void {
    worker.request(command).catch((e: Error) => {
      if (worker.alive)
        this.emit({ type: 'notice', jobId: rec.jobId, message: `${command.cmd}: ${e.message}` });
    });
  }

  private setStatus(rec: JobRecord, status: ManagedStatus, cause?: string): void {
    rec.status = status;
    if (cause !== undefined) rec.cause = cause;
    else delete rec.cause;
    this.emit({
      type: 'status',
      jobId: rec.jobId,
      status,
      ...(cause !== undefined ? { cause } : {}),
      restarts: rec.restarts,
      at: Date.now(),
    });
  }

  private onWorkerEvent(rec: JobRecord, worker: WorkerHandle, e: ManagerEvent): void {
    if (rec.worker !== worker) return; // a released worker's last words
    if (e.jobId !== rec.jobId) {
      this.emit({ type: 'notice', jobId: rec.jobId, message: `dropped an event for job '${e.jobId}'` });
      return;
    }
    if (e.type === 'status') {
      rec.status = e.status;
      rec.restarts = e.restarts;
      if (e.cause !== undefined) rec.cause = e.cause;
      else delete rec.cause;
      if (e.status === 'running' && rec.startedAt === null) rec.startedAt = e.at;
    } else if (e.type === 'metrics') {
      rec.lastMetrics = e.metrics;
    }
    this.emit(e);
    if (e.type === 'status' && !ACTIVE.has(e.status)) this.jobEnded(rec);
  }

  private onWorkerGone(rec: JobRecord, worker: WorkerHandle, err: JobManagerError, expected: boolean): void {
    if (rec.worker !== worker) return;
    rec.worker = null;
    rec.gone = err;
    const i = this.ended.indexOf(rec.jobId);
    if (i >= 0) this.ended.splice(i, 1);
    if (!ACTIVE.has(rec.status)) {
      if (!expected) this.emit({ type: 'notice', jobId: rec.jobId, message: err.message });
      return;
    }
    if (expected) this.setStatus(rec, 'cancelled', 'the job manager shut down');
    else this.setStatus(rec, 'failed', `${err.code}: ${err.message}`);
  }

  /** The job ended: its worker is kept for queries, until `maxEndedWorkers` newer ones have ended. */
  private jobEnded(rec: JobRecord): void {
    if (!this.ended.includes(rec.jobId)) this.ended.push(rec.jobId);
    while (this.ended.length > this.opts.maxEndedWorkers) {
      const old = this.jobs.get(this.ended.shift()!);
      if (old)
        this.releaseWorker(
          old,
          new JobManagerError(
            'NOT_RUNNING',
            `job '${old.jobId}' has ${old.status} and its state is no longer held (read it from a checkpoint)`,
          ),
        );
    }
  }

  private releaseWorker(rec: JobRecord, why: JobManagerError | null): void {
    const w = rec.worker;
    const i = this.ended.indexOf(rec.jobId);
    if (i >= 0) this.ended.splice(i, 1);
    if (!w) return;
    rec.worker = null;
    rec.gone = why;
    void w.terminate();
  }

  /** The checkpoint directory `path` names (or its `_metadata`), absolute; NO_SUCH_CHECKPOINT if it has no `_metadata`. */
  private async checkpointDir(path: string): Promise<string> {
    let dir = resolve(this.dataDir, path);
    if (basename(dir) === METADATA_FILE) dir = dirname(dir);
    try {
      const s = await stat(join(dir, METADATA_FILE));
      if (!s.isFile()) throw new Error('not a file');
    } catch {
      throw new JobManagerError(
        'NO_SUCH_CHECKPOINT',
        `${path} is not a checkpoint or savepoint directory (it has no ${METADATA_FILE})`,
      );
    }
    return dir;
  }
}

/**
 * Jobs may use the data directory, except its checkpoints, the disk state backend's stores and the database file
 * (with SQLite's companions).
 */
export function defaultFilePolicy(dataDir: string): FilePolicy {
  return {
    roots: [{ dir: dataDir, writable: true, label: 'the data directory' }],
    deny: [
      { path: join(dataDir, 'checkpoints'), what: "the server's checkpoint directory" },
      { path: join(dataDir, 'state'), what: "the server's state directory (disk state backend)" },
      ...['', '-wal', '-shm', '-journal'].map((suffix) => ({
        path: join(dataDir, `flowstate.db${suffix}`),
        what: "the server's database",
      })),
    ],
  };
}

function clampInt(v: number | undefined, min: number, max: number, dflt: number): number {
  if (v === undefined || !Number.isFinite(v)) return dflt;
  return Math.min(max, Math.max(min, Math.floor(v)));
}

function stateQuery(q: StateQuery): StateQuery {
  return {
    ...(q.prefix !== undefined ? { prefix: String(q.prefix) } : {}),
    ...(q.cursor !== undefined ? { cursor: String(q.cursor) } : {}),
    ...(q.limit !== undefined ? { limit: clampInt(q.limit, 1, MAX_STATE_LIMIT, 100) } : {}),
  };
}
