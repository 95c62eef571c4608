import { type JobNode, type Problem, type SpecAnalysis, validateSpec } from '@flowstate/spec';
import {
  CheckpointCoordinator,
  type CompletedCheckpoint,
  type PendingCheckpoint,
} from '../checkpoint/coordinator';
import { restoreDataFor } from '../checkpoint/restore';
import { stateFileContent } from '../checkpoint/state-file';
import {
  type CheckpointKind,
  type CheckpointMetadata,
  type CheckpointStorage,
  type CheckpointTrigger,
  type CheckpointWriter,
  createMemoryCheckpointStorage,
  type LoadedCheckpoint,
  type OperatorStateRef,
  type SubtaskStateRef,
} from '../checkpoint/storage/index';
import { type FileAccess, openFileAccess } from '../connectors/file-access';
import { KeyedOperator } from '../operators/keyed';
import { buildPlan, type PhysicalPlan } from '../plan/plan';
import {
  compareKeys,
  cursorOf,
  type Key,
  type KeyedStateBackend,
  KeyGroupRangeAssignment,
} from '../state/index';
import { type Clock, systemClock } from '../time/index';
import { CollectStore } from './collect';
import type { CheckpointBarrier, Row } from './elements';
import { Execution, type RestoreData } from './execution';
import type { OperatorSnapshot, RowError, StreamOperator } from './operator';
import { SourceTask, type Task } from './task';

export type JobStatus = 'created' | 'running' | 'restarting' | 'finished' | 'failed' | 'cancelled';

/** Where a restore reads from: the newest valid checkpoint, a checkpoint id of this job, or a path. */
export type RestoreTarget = 'latest' | { checkpointId: number } | { path: string };

export interface JobOptions {
  /** Processing time and rate limits come from this clock (tests pass a ManualClock). */
  clock?: Clock;
  /** Relative connector paths resolve against this directory (with unrestricted access unless `fileAccess`). */
  baseDir?: string;
  /** Which files the spec's connectors may use (the server confines them); default: any, from `baseDir`. */
  fileAccess?: FileAccess;
  /** Overrides every node's parallelism (`flowstate run --parallelism N`). */
  parallelism?: number;
  /** Rows per batch (default 1024). */
  batchSize?: number;
  /** Rows a channel holds before its producer is backpressured (default 4 × batchSize). */
  channelCapacity?: number;
  /** Console sinks write here (default: process.stdout when it exists). */
  writeConsole?: (text: string) => void;
  onRowError?: (e: RowError) => void;
  /** Work done between two yields to the event loop, in ms (default 8). */
  sliceMs?: number;
  /** Identifies the job's checkpoints in the storage (default: the spec's name, made safe). */
  jobId?: string;
  /**
   * Where checkpoints go. Given explicitly, checkpoints are on (a final one at the end of input commits the
   * sinks); otherwise an in-memory storage is used, and checkpoints are on when the spec sets an interval.
   */
  checkpointStorage?: CheckpointStorage;
  /** Start from a checkpoint instead of from scratch. */
  restoreFrom?: RestoreTarget;
  /** Why the job starts from `restoreFrom`, as its `restored` event says (default "restored on start"). */
  restoreReason?: string;
  /** Job lifecycle and checkpoint events (what the server persists and streams). */
  onEvent?: (e: JobEvent) => void;
  /** Test hook: operator `nodeId` throws once the job-wide count of rows it received reaches `afterRecords`. */
  failures?: Array<{ nodeId: string; afterRecords: number }>;
}

export type JobEvent =
  | { type: 'status'; status: JobStatus; cause?: string }
  | {
      type: 'checkpoint-triggered';
      checkpointId: number;
      kind: CheckpointKind;
      trigger: CheckpointTrigger;
      timestamp: number;
    }
  | {
      type: 'checkpoint-completed';
      checkpoint: CompletedCheckpoint;
      operators: CheckpointOperatorStats[];
      /** How long processing paused: the longest synchronous snapshot of a task, and the longest asynchronous step. */
      pauses: { syncMs: number; longestStepMs: number };
    }
  | {
      type: 'checkpoint-failed';
      checkpointId: number;
      kind: CheckpointKind;
      trigger: CheckpointTrigger;
      timestamp: number;
      reason: string;
    }
  | { type: 'restarting'; attempt: number; cause: string; delayMs: number }
  | { type: 'restored'; checkpointId: number; path: string; reason: string; durationMs: number }
  | { type: 'notice'; message: string };

export interface CheckpointOperatorStats {
  nodeId: string;
  subtasks: number;
  sizeBytes: number;
}

/** A spec that did not validate: the job cannot be created. */
export class JobSpecError extends Error {
  constructor(readonly problems: Problem[]) {
    super(
      `the job spec is not valid:\n${problems.map((p) => `  ${p.path || '/'}: ${p.message}`).join('\n')}`,
    );
    this.name = 'JobSpecError';
  }
}

/** A state query named a node that holds no keyed state. */
export class StateQueryError extends Error {
  override readonly name = 'StateQueryError';
  constructor(
    readonly code: 'NO_SUCH_NODE' | 'NO_KEYED_STATE' | 'NOT_A_COLLECT_SINK',
    message: string,
  ) {
    super(message);
  }
}

/** The failure a test asked for (JobOptions.failures). */
export class InjectedFailure extends Error {
  override readonly name = 'InjectedFailure';
}

/** One delivery of a state subscription. */
export interface StateChanges {
  nodeId: string;
  /** Clock time of the delivery. */
  at: number;
  /** Changed keys with their current value (null: the key no longer holds state). */
  changes: Array<{ key: Key; value: unknown }>;
  /** Keys that changed but did not fit in this delivery. */
  dropped: number;
  /** Keys in state now. */
  numKeys: number;
  /** The job restarted or was restored since the last delivery: reload the whole view. */
  reset: boolean;
}

export interface NodeMetrics {
  nodeId: string;
  kind: JobNode['kind'];
  parallelism: number;
  recordsIn: number;
  recordsOut: number;
  rowErrors: number;
  lateRowsDropped: number;
  /** Minimum over the node's subtasks; -Infinity before the first watermark. */
  watermark: number;
  /** Keyed nodes: keys in state over all subtasks. */
  numKeys: number;
  /** ms its tasks spent unable to emit because a consumer was full. */
  backpressureMs: number;
  /** Rows per second in and out, over the time since the previous `metrics()` sample (≥ 200 ms ago). */
  recordsInPerSec: number;
  recordsOutPerSec: number;
}

export interface JobMetrics {
  status: JobStatus;
  startedAt: number;
  /** ms since start (from the job's clock). */
  uptimeMs: number;
  /** Restarts after failures so far. */
  restarts: number;
  nodes: NodeMetrics[];
  rowErrors: number;
}

export interface JobResult {
  status: JobStatus;
  error?: Error;
  metrics: JobMetrics;
}

const yieldToEventLoop: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((r) => setImmediate(r))
    : () => new Promise((r) => setTimeout(r, 0));

/** Entries materialized by the first asynchronous step of a snapshot; later steps adapt to STEP_TARGET_MS. */
const MATERIALIZE_STEP = 4096;
/** How long one asynchronous snapshot step may pause processing, roughly (the goal is ≤ 20 ms). */
const STEP_TARGET_MS = 6;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function safeJobId(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'job';
}

/** What a task acknowledges: the state refs of its operators. */
type TaskAck = Array<SubtaskStateRef & { nodeId: string }>;

interface InFlight {
  id: number;
  writer: Promise<CheckpointWriter>;
  handles: OperatorSnapshot[];
  aborted: boolean;
  /** Longest synchronous snapshot of a task (ms). */
  syncMs: number;
  /** Longest single asynchronous step (materializing or serializing a piece of state), ms. */
  stepMs: number;
}

/**
 * A job: the spec's physical plan run by executions (attempts). The job outlives them: a failure restarts
 * (restart strategy) from the latest completed checkpoint, a restore request rolls a running job back in
 * place, and the collect sinks' output and the checkpoint history carry across.
 *
 * Scheduling is cooperative: each round gives every task (sources first) a budget of rows; between slices
 * of `sliceMs` the job yields to the event loop, so the host process stays responsive. Backpressure is
 * structural: a task whose consumers' channels are full does not run. Checkpoints follow Flink's aligned
 * barrier protocol; their state is materialized and written asynchronously between slices.
 */
export class Job {
  readonly plan: PhysicalPlan;
  readonly analysis: SpecAnalysis;
  readonly clock: Clock;
  readonly jobId: string;
  readonly storage: CheckpointStorage;
  /** Whether checkpoints are taken (explicit storage, or an interval in the spec). */
  readonly checkpointsEnabled: boolean;
  readonly coordinator: CheckpointCoordinator<TaskAck>;
  private readonly opts: Required<Pick<JobOptions, 'batchSize' | 'channelCapacity' | 'sliceMs'>>;
  private readonly files: FileAccess;
  private exec: Execution;
  private attempt = 0;
  private restarts = 0;
  private readonly collects = new Map<string, CollectStore>();
  private _status: JobStatus = 'created';
  private cancelRequested = false;
  private startedAt = 0;
  private rowErrorCount = 0;
  /** The most recent row errors (at most 100). */
  readonly recentRowErrors: RowError[] = [];
  private error: Error | undefined;
  private runPromise: Promise<JobResult> | null = null;
  private readonly writeConsole: (s: string) => void;
  private readonly onRowError: ((e: RowError) => void) | undefined;
  private readonly onEvent: ((e: JobEvent) => void) | undefined;
  private readonly inflight = new Map<number, InFlight>();
  private restoreRequest: {
    target: RestoreTarget;
    resolve: (c: LoadedCheckpoint) => void;
    reject: (e: Error) => void;
  } | null = null;
  private readonly failureCounters: Map<string, { afterRecords: number; seen: number; fired: boolean }>;
  /** Checkpoint to restore from before the first round (JobOptions.restoreFrom), and why. */
  private readonly initialRestore: RestoreTarget | undefined;
  private readonly restoreReason: string;
  /** Set when the last checkpoint the job restored from is known. */
  restoredFrom: { checkpointId: number; path: string } | null = null;

  /** Validates the spec (throws JobSpecError) and builds the job. */
  static fromSpec(input: unknown, opts: JobOptions = {}): Job {
    const r = validateSpec(input);
    if (!r.ok) throw new JobSpecError(r.problems);
    return new Job(r.analysis, opts);
  }

  constructor(analysis: SpecAnalysis, opts: JobOptions = {}) {
    this.analysis = analysis;
    this.clock = opts.clock ?? systemClock;
    const batchSize = opts.batchSize ?? 1024;
    this.opts = {
      batchSize,
      channelCapacity: opts.channelCapacity ?? batchSize * 4,
      sliceMs: opts.sliceMs ?? 8,
    };
    this.files = opts.fileAccess ?? openFileAccess(opts.baseDir ?? '.');
    this.writeConsole =
      opts.writeConsole ??
      ((s: string) => {
        (globalThis as { process?: { stdout?: { write(s: string): void } } }).process?.stdout?.write(s);
      });
    this.onRowError = opts.onRowError;
    this.onEvent = opts.onEvent;
    this.jobId = opts.jobId ?? safeJobId(analysis.spec.name);
    const cps = analysis.spec.settings.checkpointing;
    this.checkpointsEnabled = opts.checkpointStorage !== undefined || cps.intervalMs > 0;
    this.storage = opts.checkpointStorage ?? createMemoryCheckpointStorage();
    this.initialRestore = opts.restoreFrom;
    this.restoreReason = opts.restoreReason ?? 'restored on start';
    this.failureCounters = new Map(
      (opts.failures ?? []).map((f) => [f.nodeId, { afterRecords: f.afterRecords, seen: 0, fired: false }]),
    );
    this.plan = buildPlan(analysis, opts.parallelism);
    this.coordinator = new CheckpointCoordinator<TaskAck>(cps, this.clock, {
      triggerCheckpoint: (id, ts, kind, trigger) => this.onTriggerCheckpoint(id, ts, kind, trigger),
      finalizeCheckpoint: (p) => this.finalizeCheckpoint(p),
      abortCheckpoint: (p, reason) => this.onAbortCheckpoint(p, reason),
      notifyCheckpointComplete: (c) => this.onCheckpointComplete(c),
      failJob: (reason) => {
        this.checkpointFailure ??= new Error(reason);
      },
      discardCheckpoint: (c) => {
        this.storage
          .delete({ jobId: this.jobId, checkpointId: c.checkpointId, kind: c.kind, path: c.path })
          .catch((e) =>
            this.emit({
              type: 'notice',
              message: `could not delete checkpoint ${c.checkpointId}: ${(e as Error).message}`,
            }),
          );
      },
    });
    this.exec = this.newExecution();
  }

  get status(): JobStatus {
    return this._status;
  }

  get name(): string {
    return this.analysis.spec.name;
  }

  private emit(e: JobEvent): void {
    this.onEvent?.(e);
  }

  private setStatus(s: JobStatus, cause?: string): void {
    if (this._status === s) return;
    this._status = s;
    this.emit({ type: 'status', status: s, ...(cause ? { cause } : {}) });
  }

  private reportRowError = (e: RowError): void => {
    this.rowErrorCount++;
    if (this.recentRowErrors.length >= 100) this.recentRowErrors.shift();
    this.recentRowErrors.push(e);
    this.onRowError?.(e);
  };

  private collectStore = (nodeId: string): CollectStore => {
    let s = this.collects.get(nodeId);
    if (!s) {
      const node = this.analysis.nodes.get(nodeId)!.node;
      const max =
        node.kind === 'sink' && node.connector.type === 'collect' ? node.connector.maxRows : 100_000;
      s = new CollectStore(max);
      this.collects.set(nodeId, s);
    }
    return s;
  };

  /** Set by loadCheckpoint: executions restore keyed state only and must never run. */
  private inspectOnly = false;

  private newExecution(restore?: RestoreData): Execution {
    const exec = new Execution(
      {
        inspectOnly: this.inspectOnly,
        analysis: this.analysis,
        plan: this.plan,
        clock: this.clock,
        attempt: this.attempt,
        files: this.files,
        batchSize: this.opts.batchSize,
        channelCapacity: this.opts.channelCapacity,
        reportRowError: this.reportRowError,
        collectStore: this.collectStore,
        writeConsole: (t) => this.writeConsole(t),
        onSnapshot: (task, barrier, snaps) => this.onTaskSnapshot(task, barrier, snaps),
        ...(this.failureCounters.size > 0
          ? { wrapOperator: (op: StreamOperator) => this.injectFailures(op) }
          : {}),
      },
      restore,
    );
    this.coordinator.setTasks(exec.tasks.map((t) => t.id));
    return exec;
  }

  private injectFailures(op: StreamOperator): StreamOperator {
    const c = this.failureCounters.get(op.node.id);
    if (!c) return op;
    const inner = op.processBatch.bind(op);
    op.processBatch = (rows, ts, out) => {
      if (!c.fired && c.seen + rows.length >= c.afterRecords) {
        const take = c.afterRecords - c.seen;
        c.seen += take;
        c.fired = true;
        if (take > 0) inner(rows.slice(0, take), ts.slice(0, take), out);
        throw new InjectedFailure(`injected failure in '${op.node.id}' after ${c.afterRecords} rows`);
      }
      c.seen += rows.length;
      inner(rows, ts, out);
    };
    return op;
  }

  // ------------------------------------------------------------------------------------ running

  /** Starts the job without running it (tests that drive `round()` themselves). */
  open(): void {
    if (this._status !== 'created') return;
    this.startedAt = this.clock.now();
    this.setStatus('running');
    if (this.checkpointsEnabled) this.coordinator.startCheckpointScheduler();
  }

  /** One scheduling round over every task; true when any task did work. */
  round(): boolean {
    const did = this.exec.round(this.opts.batchSize);
    this.snapshotFinishedTasks();
    this.coordinator.tick();
    return did;
  }

  /** Tasks that finished without seeing the pending checkpoint's barrier (their input ended first) snapshot directly. */
  private snapshotFinishedTasks(): void {
    const p = this.coordinator.pendingCheckpoint;
    const b = this.currentBarrier;
    if (!p || !b || b.checkpointId !== p.checkpointId) return;
    for (const t of this.exec.tasks)
      if (t.finished && t.lastCheckpointId < p.checkpointId) t.snapshotFinished(b);
  }

  private currentBarrier: CheckpointBarrier | null = null;

  get finished(): boolean {
    return this.exec.finished;
  }

  /** Runs rounds until nothing can progress without time passing (virtual-time tests; no checkpoints I/O). */
  runUntilIdle(maxRounds = 1_000_000): void {
    this.open();
    for (let i = 0; i < maxRounds; i++) if (!this.round()) break;
    if (this.exec.finished && !this.checkpointsEnabled) {
      this.commitWithoutCheckpoints();
      this.complete('finished');
    }
  }

  /** Runs the job until every bounded source has ended and all data has drained, or until cancel(). */
  run(): Promise<JobResult> {
    if (!this.runPromise) this.runPromise = this.loop();
    return this.runPromise;
  }

  private async loop(): Promise<JobResult> {
    try {
      if (this.inspectOnly) throw new Error('a job loaded for inspection (loadCheckpoint) cannot run');
      if (this.initialRestore !== undefined) {
        const none = this.initialRestore === 'latest' && !(await this.hasValidCheckpoint());
        if (none) {
          this.emit({
            type: 'notice',
            message: `no checkpoint of '${this.jobId}' yet: starting from the beginning`,
          });
          this.rebuildFromScratch();
        } else {
          const cp = await this.loadForRestore(this.initialRestore);
          await this.rebuildFrom(cp, this.restoreReason);
        }
      }
      // Checkpoint ids continue past what this job id already has on disk (a rerun into the same directory).
      if (this.checkpointsEnabled) {
        for (const l of await this.storage.list(this.jobId))
          this.coordinator.advanceIdsPast(l.location.checkpointId);
      }
      this.open();
      for (;;) {
        try {
          await this.runExecution();
          break;
        } catch (e) {
          if (this.cancelRequested) break;
          await this.failover(e instanceof Error ? e : new Error(String(e)));
        }
      }
      if (this.cancelRequested) this.complete('cancelled');
      else {
        await this.finishInput();
        this.complete('finished');
      }
    } catch (e) {
      this.error = e instanceof Error ? e : new Error(String(e));
      this.coordinator.abortAll('the job failed');
      this.complete('failed', this.error.message);
    }
    return { status: this._status, ...(this.error ? { error: this.error } : {}), metrics: this.metrics() };
  }

  /** Runs the current execution until its input ends or the job is cancelled; throws an operator's failure. */
  private async runExecution(): Promise<void> {
    const { sliceMs } = this.opts;
    while (!this.cancelRequested) {
      this.throwCheckpointFailure();
      if (this.restoreRequest) await this.handleRestoreRequest();
      const sliceStart = performance.now();
      let did = false;
      do {
        did = this.round();
      } while (
        did &&
        !this.cancelRequested &&
        !this.restoreRequest &&
        performance.now() - sliceStart < sliceMs
      );
      if (this.exec.finished && !this.restoreRequest) return;
      if (did || this.inflight.size > 0) {
        await yieldToEventLoop();
        continue;
      }
      let wake = this.exec.wakeAt();
      const cp = this.coordinator.nextDeadline();
      if (cp !== undefined && (wake === undefined || cp < wake)) wake = cp;
      const wait = wake === undefined ? 10 : Math.max(0, Math.min(50, wake - this.clock.now()));
      await sleep(wait);
    }
  }

  /** Set when too many checkpoints failed in a row: the running execution fails over with it. */
  private checkpointFailure: Error | null = null;

  private throwCheckpointFailure(): void {
    const e = this.checkpointFailure;
    if (!e) return;
    this.checkpointFailure = null;
    throw e;
  }

  /** The restart strategy decides: restore from the latest checkpoint (or from scratch), or fail the job. */
  private async failover(cause: Error): Promise<void> {
    const r = this.analysis.spec.settings.restart;
    const attempt = this.restarts + 1;
    if (r.strategy === 'none' || attempt > r.maxAttempts) {
      const why = r.strategy === 'none' ? 'the restart strategy is none' : `after ${r.maxAttempts} restarts`;
      throw Object.assign(new Error(`${cause.message} (${why})`), { cause });
    }
    const delay =
      r.strategy === 'exponential-backoff'
        ? Math.min(
            r.delayMs * (r.backoffMultiplier ?? 2) ** (attempt - 1),
            r.maxDelayMs ?? Number.POSITIVE_INFINITY,
          )
        : r.delayMs;
    this.restarts = attempt;
    this.setStatus('restarting', cause.message);
    this.emit({ type: 'restarting', attempt, cause: cause.message, delayMs: delay });
    this.coordinator.abortAll(`the job is restarting: ${cause.message}`);
    this.coordinator.resetFailureCount();
    this.exec.close();
    if (delay > 0) await sleep(delay);
    const cp = await this.loadLatestRetained();
    if (cp) await this.rebuildFrom(cp, `restart ${attempt} after: ${cause.message}`);
    else this.rebuildFromScratch();
    this.setStatus('running');
  }

  /** The newest completed checkpoint that loads; corrupt ones are skipped with a notice (and forgotten). */
  private async loadLatestRetained(): Promise<LoadedCheckpoint | undefined> {
    const completed = [...this.coordinator.getCompletedCheckpoints()].reverse();
    for (const c of completed) {
      try {
        return await this.storage.load({ jobId: this.jobId, checkpointId: c.checkpointId, kind: c.kind });
      } catch (e) {
        this.emit({
          type: 'notice',
          message: `checkpoint ${c.checkpointId} cannot be restored (${(e as Error).message}); falling back to an older one`,
        });
        this.coordinator.forgetCheckpoint(c.checkpointId);
      }
    }
    if (this.checkpointsEnabled && this.initialRestore !== undefined) {
      return this.storage.loadLatestValid(this.jobId, {
        onSkip: (l, e) => this.emit({ type: 'notice', message: `skipping ${l.location.path}: ${e.message}` }),
      });
    }
    return undefined;
  }

  private async hasValidCheckpoint(): Promise<boolean> {
    return (await this.storage.list(this.jobId)).some((l) => l.status === 'completed');
  }

  private async loadForRestore(target: RestoreTarget): Promise<LoadedCheckpoint> {
    if (target === 'latest') {
      const cp = await this.storage.loadLatestValid(this.jobId, {
        onSkip: (l, e) => this.emit({ type: 'notice', message: `skipping ${l.location.path}: ${e.message}` }),
      });
      if (!cp) throw new Error(`there is no valid checkpoint of job '${this.jobId}' to restore`);
      return cp;
    }
    return 'path' in target
      ? this.storage.load({ path: target.path })
      : this.storage.load({ jobId: this.jobId, checkpointId: target.checkpointId });
  }

  /** Replaces the current execution by one restored from `cp`; output and sinks roll back to it. */
  private async rebuildFrom(cp: LoadedCheckpoint, reason: string): Promise<void> {
    const t0 = performance.now();
    const id = cp.metadata.checkpointId;
    this.coordinator.pin(id);
    try {
      const data = await restoreDataFor(this.plan, cp);
      this.rollbackCollects(cp);
      this.exec.close();
      this.attempt++;
      this.exec = this.newExecution(data);
      this.coordinator.advanceIdsPast(id);
      const listed = await this.storage.list(this.jobId);
      this.coordinator.addRecoveredCheckpoints(
        listed
          .filter(
            (l) =>
              l.status === 'completed' &&
              l.metadata &&
              l.location.kind === 'checkpoint' &&
              l.location.checkpointId <= id,
          )
          .map((l) => toCompleted(l.metadata!, l.location.path, l.sizeBytes))
          .reverse(),
      );
      for (const l of listed) this.coordinator.advanceIdsPast(l.location.checkpointId);
      this.restoredFrom = { checkpointId: id, path: cp.location.path };
      this.emit({
        type: 'restored',
        checkpointId: id,
        path: cp.location.path,
        reason,
        durationMs: performance.now() - t0,
      });
    } finally {
      this.coordinator.unpin(id);
    }
  }

  private rebuildFromScratch(): void {
    for (const s of this.collects.values()) s.clear();
    this.exec.close();
    this.attempt++;
    // Every operator restores from "nothing": sinks drop what they had not committed.
    const empty: RestoreData = new Map();
    for (const [id, lop] of this.plan.operators) {
      empty.set(
        id,
        Array.from({ length: lop.parallelism }, () => ({
          checkpointId: 0,
          keyed: [],
          timers: [],
          operatorStates: [],
        })),
      );
    }
    this.exec = this.newExecution(empty);
  }

  /** Collect sinks keep exactly the rows the checkpoint covered. */
  private rollbackCollects(cp: LoadedCheckpoint): void {
    for (const op of cp.metadata.operators) {
      const store = this.collects.get(op.nodeId);
      if (!store) continue;
      const keep: Record<string, number> = {};
      for (const s of op.subtasks) {
        const st = s.operatorState as
          | { tag?: string; count?: number; frozen?: Record<string, number> }
          | undefined;
        if (st?.tag !== undefined && st.count !== undefined) keep[st.tag] = st.count;
        if (st?.frozen) Object.assign(keep, st.frozen);
      }
      store.rollback(keep);
    }
    // A collect sink the checkpoint does not know (no rows then): empty it.
    for (const [nodeId, store] of this.collects) {
      if (!cp.metadata.operators.some((o) => o.nodeId === nodeId)) store.clear();
    }
  }

  /**
   * Rolls the job back to a retained checkpoint (or a path): a running job continues from there in place;
   * state, sources and outputs are as they were at that checkpoint. Resolves once the restore happened.
   */
  restore(target: RestoreTarget): Promise<{ checkpointId: number; path: string }> {
    if (this._status === 'finished' || this._status === 'failed' || this._status === 'cancelled') {
      return Promise.reject(
        new Error(`the job has ${this._status}; start a new run from the checkpoint instead`),
      );
    }
    if (this.restoreRequest) return Promise.reject(new Error('a restore is already in progress'));
    return new Promise((resolve, reject) => {
      this.restoreRequest = {
        target,
        resolve: (cp) => resolve({ checkpointId: cp.metadata.checkpointId, path: cp.location.path }),
        reject,
      };
      if (this._status === 'created') void this.run();
    });
  }

  /**
   * Restores a job that has not started from a checkpoint without running it, so its state can be read
   * (`flowstate state`, the studio's "state in checkpoint n" view). Resolves with what was loaded.
   */
  async loadCheckpoint(target: RestoreTarget): Promise<{ checkpointId: number; path: string }> {
    if (this._status !== 'created') throw new Error('loadCheckpoint is for a job that has not started');
    const cp = await this.loadForRestore(target);
    // Read-only: only keyed state is restored; sources and sinks are not opened (no file is touched).
    this.inspectOnly = true;
    await this.rebuildFrom(cp, 'loaded for inspection');
    return { checkpointId: cp.metadata.checkpointId, path: cp.location.path };
  }

  private async handleRestoreRequest(): Promise<void> {
    const req = this.restoreRequest!;
    try {
      const cp = await this.loadForRestore(req.target);
      this.coordinator.abortAll('a restore was requested');
      await this.rebuildFrom(cp, 'restore requested');
      this.restoreRequest = null;
      req.resolve(cp);
    } catch (e) {
      this.restoreRequest = null;
      req.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /** All input has been processed: a final checkpoint commits the sinks (FLIP-147), or they commit directly. */
  private async finishInput(): Promise<void> {
    if (!this.checkpointsEnabled) {
      this.commitWithoutCheckpoints();
      return;
    }
    // No periodic checkpoint may start after the final one (it would commit nothing new, or worse).
    this.coordinator.stopCheckpointScheduler();
    await this.awaitPendingCheckpoint();
    const r = this.coordinator.triggerCheckpoint('stop');
    if (!r.ok) throw new Error(`the final checkpoint could not start: ${r.reason}`);
    const done = await this.awaitCheckpoint(r.checkpointId);
    if (!done)
      throw new Error(
        `the final checkpoint ${r.checkpointId} failed (${this.lastCheckpointFailure ?? 'unknown reason'}), so the sinks' last rows were not committed`,
      );
  }

  private commitWithoutCheckpoints(): void {
    const id = Number.MAX_SAFE_INTEGER;
    for (const op of this.exec.operators()) {
      op.snapshotState(id)?.keyed?.release();
      op.notifyCheckpointComplete(id);
    }
  }

  private async awaitPendingCheckpoint(): Promise<void> {
    const p = this.coordinator.pendingCheckpoint;
    if (p) await this.awaitCheckpoint(p.checkpointId);
  }

  /** Waits until checkpoint `id` completed (true) or failed (false), driving timeouts meanwhile. */
  private async awaitCheckpoint(id: number): Promise<boolean> {
    for (;;) {
      if (this.coordinator.getCompletedCheckpoints().some((c) => c.checkpointId === id)) return true;
      this.coordinator.tick();
      if (!this.coordinator.isInFlight(id)) {
        return this.coordinator.getCompletedCheckpoints().some((c) => c.checkpointId === id);
      }
      this.snapshotFinishedTasks();
      await sleep(1);
    }
  }

  private complete(status: JobStatus, cause?: string): void {
    if (this._status === 'finished' || this._status === 'failed' || this._status === 'cancelled') return;
    this.coordinator.stopCheckpointScheduler();
    this.coordinator.abortAll(`the job ${status}`);
    this.setStatus(status, cause);
    this.exec.close();
  }

  /** Asks the job to stop after the current round; run() then resolves with status `cancelled`. */
  cancel(): void {
    this.cancelRequested = true;
    this.coordinator.stopCheckpointScheduler();
  }

  /** Takes a savepoint, then stops the job. Resolves with the savepoint. */
  async stopWithSavepoint(): Promise<CompletedCheckpoint> {
    // As Flink: no periodic checkpoint after the savepoint (it would commit rows the resumed job writes again).
    this.coordinator.stopCheckpointScheduler();
    const r = this.coordinator.triggerCheckpoint('stop', 'savepoint');
    if (!r.ok) {
      if (this.checkpointsEnabled && this._status === 'running') this.coordinator.startCheckpointScheduler();
      throw new Error(`cannot take a savepoint: ${r.reason}`);
    }
    const ok = await this.awaitCheckpoint(r.checkpointId);
    if (!ok) {
      for (const t of this.exec.tasks) if (t instanceof SourceTask) t.resume();
      if (this.checkpointsEnabled && this._status === 'running') this.coordinator.startCheckpointScheduler();
      throw new Error(
        `savepoint ${r.checkpointId} failed (${this.lastCheckpointFailure ?? 'unknown reason'}); the job keeps running`,
      );
    }
    this.cancel();
    await this.run();
    return this.coordinator.getCompletedCheckpoints().find((c) => c.checkpointId === r.checkpointId)!;
  }

  /** Triggers a checkpoint now (or right after the one in flight); resolves with its id. */
  triggerCheckpoint(kind: CheckpointKind = 'checkpoint'): number {
    if (this._status !== 'running' && this._status !== 'restarting') {
      throw new Error(`the job is ${this._status}: only a running job can be checkpointed`);
    }
    const r = this.coordinator.triggerCheckpoint('manual', kind);
    if (!r.ok) throw new Error(r.reason);
    return r.checkpointId;
  }

  /** Completed checkpoints kept for this job (oldest first). */
  checkpoints(): readonly CompletedCheckpoint[] {
    return this.coordinator.getCompletedCheckpoints();
  }

  // -------------------------------------------------------------------------------- checkpoints

  private onTriggerCheckpoint(
    id: number,
    timestamp: number,
    kind: CheckpointKind,
    trigger: CheckpointTrigger,
  ): void {
    const writer = this.storage.createWriter(this.jobId, id, kind);
    writer.catch(() => {}); // a failure surfaces through the tasks' acknowledgements
    this.inflight.set(id, { id, writer, handles: [], aborted: false, syncMs: 0, stepMs: 0 });
    this.emit({ type: 'checkpoint-triggered', checkpointId: id, kind, trigger, timestamp });
    const barrier: CheckpointBarrier = {
      kind: 'barrier',
      checkpointId: id,
      timestamp,
      savepoint: kind === 'savepoint',
    };
    this.currentBarrier = barrier;
    // Stop-with-savepoint: the sources stop at the savepoint's barrier, so the stopped job is its savepoint.
    const suspend = kind === 'savepoint' && trigger === 'stop';
    for (const t of this.exec.tasks) {
      if (t.finished) t.snapshotFinished(barrier);
      else if (t instanceof SourceTask) t.injectBarrier(barrier, suspend);
    }
  }

  /** A task took its synchronous snapshot: materialize and write it off the hot path, then acknowledge. */
  private onTaskSnapshot(task: Task, barrier: CheckpointBarrier, snaps: OperatorSnapshot[]): void {
    const f = this.inflight.get(barrier.checkpointId);
    if (!f || f.aborted) {
      for (const s of snaps) s.keyed?.release();
      return;
    }
    f.handles.push(...snaps);
    if (task.lastSyncSnapshotMs > f.syncMs) f.syncMs = task.lastSyncSnapshotMs;
    this.persistTaskSnapshot(f, task.id, snaps).then(
      (ack) => this.coordinator.receiveAcknowledgeMessage(barrier.checkpointId, task.id, ack),
      (e: unknown) =>
        this.coordinator.receiveDeclineMessage(barrier.checkpointId, task.id, (e as Error).message),
    );
  }

  private async persistTaskSnapshot(
    f: InFlight,
    _taskId: string,
    snaps: OperatorSnapshot[],
  ): Promise<TaskAck> {
    const writer = await f.writer;
    const ack: TaskAck = [];
    for (const s of snaps) {
      const ref: SubtaskStateRef & { nodeId: string } = { nodeId: s.nodeId, subtask: s.subtask };
      if (s.operatorState !== undefined) ref.operatorState = s.operatorState;
      if (s.keyed) {
        const handle = s.keyed;
        // Steps sized to take ~STEP_TARGET_MS: short enough to keep processing pauses small, long enough
        // that the copy-on-write window (every write pays for it) closes soon.
        let budget = MATERIALIZE_STEP;
        let pace = 0; // entries per ms: the slowest pace seen (the longest pause is what counts)
        for (;;) {
          const t0 = performance.now();
          const done = handle.materializeStep(budget);
          const ms = performance.now() - t0;
          if (ms > f.stepMs) f.stepMs = ms;
          if (done) break;
          // The next step's size from the pace so far, so that it takes about STEP_TARGET_MS. (Doubling and
          // halving by thresholds swung between too small and twice the target: the cost of an entry varies.)
          const now = budget / Math.max(ms, 0.05);
          pace = pace === 0 ? now : Math.min(pace, now);
          budget = Math.max(1024, Math.min(8192, Math.round(pace * STEP_TARGET_MS)));
          await yieldToEventLoop();
          if (f.aborted) throw new Error('checkpoint aborted');
        }
        const data = handle.result();
        const content = stateFileContent(s.nodeId, s.subtask, data, s.timers);
        const file = await writer.writeStateFile(`op-${s.nodeId}-${s.subtask}.state`, content.chunks);
        if (content.longestChunkMs > f.stepMs) f.stepMs = content.longestChunkMs;
        handle.release();
        ref.keyGroupRange = data.keyGroupRange;
        ref.file = { name: file.name, size: file.size, sha256: file.sha256 };
        ref.keyGroupIndex = content.keyGroups.map((g, i) => {
          const start = file.offsets[i + 1]!;
          const end = file.offsets[i + 2] ?? file.size;
          return [g, start, end - start] as [number, number, number];
        });
      }
      ack.push(ref);
    }
    return ack;
  }

  private async finalizeCheckpoint(
    p: PendingCheckpoint<TaskAck>,
  ): Promise<{ path: string; sizeBytes: number }> {
    const f = this.inflight.get(p.checkpointId);
    if (!f) throw new Error('internal: no writer for the checkpoint');
    const writer = await f.writer;
    const byNode = new Map<string, OperatorStateRef>();
    for (const ack of p.acks.values()) {
      for (const { nodeId, ...ref } of ack) {
        let o = byNode.get(nodeId);
        if (!o) {
          o = { nodeId, parallelism: this.plan.operators.get(nodeId)?.parallelism ?? 1, subtasks: [] };
          byNode.set(nodeId, o);
        }
        o.subtasks.push(ref);
      }
    }
    // Collect sinks: rows of earlier attempts are frozen; the checkpoint keeps them too.
    for (const [nodeId, store] of this.collects) {
      const o = byNode.get(nodeId);
      if (!o) continue;
      const current = new Set(o.subtasks.map((s) => (s.operatorState as { tag?: string } | undefined)?.tag));
      const frozen: Record<string, number> = {};
      for (const [tag, count] of Object.entries(store.counts())) if (!current.has(tag)) frozen[tag] = count;
      const first = o.subtasks[0];
      if (first && Object.keys(frozen).length > 0)
        first.operatorState = { ...(first.operatorState as object), frozen };
    }
    const operators = [...byNode.values()];
    for (const o of operators) o.subtasks.sort((a, b) => a.subtask - b.subtask);
    const stateBytes = operators.reduce(
      (a, o) => a + o.subtasks.reduce((b, s) => b + (s.file?.size ?? 0), 0),
      0,
    );
    const metadata: CheckpointMetadata = {
      formatVersion: 1,
      jobId: this.jobId,
      jobName: this.analysis.spec.name,
      checkpointId: p.checkpointId,
      kind: p.kind,
      trigger: p.trigger,
      timestamp: p.timestamp,
      durationMs: this.clock.now() - p.timestamp,
      maxParallelism: this.plan.maxParallelism,
      operators,
      totalSize: stateBytes,
      spec: this.analysis.spec,
    };
    const written = await writer.finalize(metadata);
    this.lastStats.set(
      p.checkpointId,
      operators.map((o) => ({
        nodeId: o.nodeId,
        subtasks: o.subtasks.length,
        sizeBytes: o.subtasks.reduce((a, s) => a + (s.file?.size ?? 0), 0),
      })),
    );
    return { path: writer.location.path, sizeBytes: written.totalSize };
  }

  private readonly lastStats = new Map<number, CheckpointOperatorStats[]>();

  private lastCheckpointFailure: string | null = null;

  private onAbortCheckpoint(p: PendingCheckpoint<TaskAck>, reason: string): void {
    this.lastCheckpointFailure = `checkpoint ${p.checkpointId}: ${reason}`;
    const f = this.inflight.get(p.checkpointId);
    if (f) {
      f.aborted = true;
      for (const h of f.handles) h.keyed?.release();
      this.inflight.delete(p.checkpointId);
      f.writer.then((w) => w.abort()).catch(() => {});
    }
    this.emit({
      type: 'checkpoint-failed',
      checkpointId: p.checkpointId,
      kind: p.kind,
      trigger: p.trigger,
      timestamp: p.timestamp,
      reason,
    });
  }

  private onCheckpointComplete(c: CompletedCheckpoint): void {
    const f = this.inflight.get(c.checkpointId);
    const pauses = { syncMs: f?.syncMs ?? 0, longestStepMs: f?.stepMs ?? 0 };
    this.inflight.delete(c.checkpointId);
    for (const op of this.exec.operators()) op.notifyCheckpointComplete(c.checkpointId);
    const operators = this.lastStats.get(c.checkpointId) ?? [];
    this.lastStats.delete(c.checkpointId);
    this.emit({ type: 'checkpoint-completed', checkpoint: c, operators, pauses });
  }

  // ---------------------------------------------------------------------------- observation

  private rateSample: { at: number; attempt: number; counts: Map<string, [number, number]> } | null = null;
  private rates = new Map<string, [number, number]>();

  /** Rates from the difference to the previous sample (kept at least 200 ms apart; reset on a new attempt). */
  private applyRates(byNode: Map<string, NodeMetrics>, at: number): void {
    const prev = this.rateSample;
    if (!prev || prev.attempt !== this.attempt || at - prev.at >= 200) {
      if (prev && prev.attempt === this.attempt) {
        const secs = (at - prev.at) / 1000;
        for (const [id, m] of byNode) {
          const [pin, pout] = prev.counts.get(id) ?? [0, 0];
          this.rates.set(id, [
            Math.max(0, (m.recordsIn - pin) / secs),
            Math.max(0, (m.recordsOut - pout) / secs),
          ]);
        }
      }
      this.rateSample = {
        at,
        attempt: this.attempt,
        counts: new Map([...byNode].map(([id, m]) => [id, [m.recordsIn, m.recordsOut] as [number, number]])),
      };
    }
    for (const [id, m] of byNode) {
      const r = this.rates.get(id);
      if (r) {
        m.recordsInPerSec = Math.round(r[0]);
        m.recordsOutPerSec = Math.round(r[1]);
      }
    }
  }

  /** The rows a collect sink kept. */
  collected(nodeId: string): Row[] {
    return this.output(nodeId).rows();
  }

  /** The output of a collect sink (throws StateQueryError for a node that is not one). */
  output(nodeId: string): CollectStore {
    const node = this.analysis.nodes.get(nodeId)?.node;
    if (!node) throw new StateQueryError('NO_SUCH_NODE', `there is no node '${nodeId}'`);
    if (node.kind !== 'sink' || node.connector.type !== 'collect') {
      throw new StateQueryError(
        'NOT_A_COLLECT_SINK',
        `node '${nodeId}' is not a collect sink: only collect sinks keep output`,
      );
    }
    return this.collectStore(nodeId);
  }

  /** Frees the job's state (after it has ended and nobody will inspect it any more). */
  dispose(): void {
    this.cancel();
    for (const h of this.stateHubs.values()) clearInterval(h.timer);
    this.stateHubs.clear();
    for (const op of this.exec.operators()) if (op instanceof KeyedOperator) op.dispose();
  }

  get tasks(): readonly Task[] {
    return this.exec.tasks;
  }

  metrics(): JobMetrics {
    const byNode = new Map<string, NodeMetrics>();
    for (const [id, lop] of this.plan.operators) {
      byNode.set(id, {
        nodeId: id,
        kind: lop.node.kind,
        parallelism: lop.parallelism,
        recordsIn: 0,
        recordsOut: 0,
        rowErrors: 0,
        lateRowsDropped: 0,
        watermark: Number.POSITIVE_INFINITY,
        numKeys: 0,
        backpressureMs: 0,
        recordsInPerSec: 0,
        recordsOutPerSec: 0,
      });
    }
    for (const st of this.exec.subtasks) {
      const bp = st.task.metrics.backpressureMs;
      if (st.task instanceof SourceTask) {
        const m = byNode.get(st.task.node.id)!;
        m.recordsOut += st.task.sourceMetrics.recordsOut;
        m.rowErrors += st.task.sourceMetrics.rowErrors;
        m.watermark = Math.min(m.watermark, st.task.sourceMetrics.currentWatermark);
        m.backpressureMs += bp;
      }
      for (const [id, op] of st.operators) {
        const m = byNode.get(id)!;
        m.recordsIn += op.metrics.recordsIn;
        m.recordsOut += op.metrics.recordsOut;
        m.rowErrors += op.metrics.rowErrors;
        m.lateRowsDropped += op.metrics.lateRowsDropped;
        m.watermark = Math.min(m.watermark, op.metrics.currentWatermark);
        m.numKeys += op.numKeys();
        m.backpressureMs += bp;
      }
    }
    for (const m of byNode.values())
      if (m.watermark === Number.POSITIVE_INFINITY && m.recordsIn === 0 && m.kind !== 'source')
        m.watermark = Number.NEGATIVE_INFINITY;
    const now = this.clock.now();
    this.applyRates(byNode, performance.now());
    return {
      status: this._status,
      startedAt: this.startedAt,
      uptimeMs: this.startedAt ? now - this.startedAt : 0,
      restarts: this.restarts,
      nodes: [...byNode.values()],
      rowErrors: this.rowErrorCount,
    };
  }

  /** The keyed operators of a stateful node, one per subtask. */
  private keyedOperators(nodeId: string): KeyedOperator<never>[] {
    const out: KeyedOperator<never>[] = [];
    for (const st of this.exec.subtasks) {
      const op = st.operators.get(nodeId);
      if (op instanceof KeyedOperator) out.push(op as KeyedOperator<never>);
    }
    if (out.length === 0) {
      const known = this.plan.operators.has(nodeId) || this.analysis.nodes.has(nodeId);
      throw known
        ? new StateQueryError(
            'NO_KEYED_STATE',
            `node '${nodeId}' holds no keyed state (only window and aggregate nodes do)`,
          )
        : new StateQueryError('NO_SUCH_NODE', `there is no node '${nodeId}'`);
    }
    return out;
  }

  /** The keyed state backends of a stateful node, one per subtask. */
  stateBackends(nodeId: string): KeyedStateBackend[] {
    return this.keyedOperators(nodeId).map((op) => op.stateBackend);
  }

  /**
   * Pages through the keys of a stateful node over all its subtasks, ordered by the key's string form; each
   * entry's value is what the operator holds for the key (aggregates, or open windows with their aggregates).
   */
  queryState(
    nodeId: string,
    q: { prefix?: string; cursor?: string; limit?: number } = {},
  ): { entries: Array<{ key: Key; value: unknown }>; nextCursor?: string } {
    const limit = Math.max(1, Math.min(q.limit ?? 100, 10_000));
    const ops = this.keyedOperators(nodeId);
    const page = {
      limit,
      ...(q.prefix !== undefined ? { prefix: q.prefix } : {}),
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
    };
    // Each subtask holds its own key groups; merge their pages.
    const all: Array<{ key: Key; op: KeyedOperator<never> }> = [];
    let more = false;
    for (const op of ops) {
      const r = op.stateBackend.listKeys(page);
      for (const e of r.entries) all.push({ key: e.key, op });
      if (r.nextCursor !== undefined) more = true;
    }
    all.sort((x, y) => compareKeys(x.key, y.key));
    if (all.length > limit) more = true;
    const entries = all.slice(0, limit).map((e) => ({ key: e.key, value: e.op.stateView(e.key) ?? null }));
    const last = entries[entries.length - 1];
    return more && last ? { entries, nextCursor: cursorOf(last.key) } : { entries };
  }

  /** What a stateful node holds for one key, or undefined. */
  stateOfKey(nodeId: string, key: Key): unknown {
    const ops = this.keyedOperators(nodeId);
    const kg = KeyGroupRangeAssignment.assignToKeyGroup(key, this.plan.maxParallelism);
    for (const op of ops) if (op.stateBackend.keyGroupRange.contains(kg)) return op.stateView(key);
    return undefined;
  }

  /**
   * Live state of a node: every `intervalMs` the listener gets the keys that changed since the last call,
   * coalesced per key (a key updated 10,000 times in an interval is one entry, with its latest value), at most
   * `maxKeys` of them, and how many more changed (`dropped`). Never one message per record. Returns the
   * unsubscribe function.
   */
  subscribeState(
    nodeId: string,
    listener: (changes: StateChanges) => void,
    opts: { intervalMs?: number; maxKeys?: number } = {},
  ): () => void {
    this.keyedOperators(nodeId); // throws for a node without keyed state
    let hub = this.stateHubs.get(nodeId);
    if (!hub) {
      const intervalMs = Math.max(10, opts.intervalMs ?? 100);
      const maxKeys = Math.max(1, opts.maxKeys ?? 500);
      const listeners = new Set<(c: StateChanges) => void>();
      let seenAttempt = this.attempt;
      const tick = () => {
        // Operators are looked up each time: a restart or restore replaces them.
        const ops = this.keyedOperators(nodeId);
        for (const op of ops) op.stateBackend.setChangeTracking(true);
        const reset = seenAttempt !== this.attempt;
        seenAttempt = this.attempt;
        const changes: StateChanges['changes'] = [];
        let dropped = 0;
        for (const op of ops) {
          const r = op.stateBackend.drainChanges(Math.max(0, maxKeys - changes.length));
          dropped += r.dropped;
          for (const key of r.keys) changes.push({ key, value: op.stateView(key) ?? null });
        }
        if (changes.length === 0 && dropped === 0 && !reset) return;
        const ev: StateChanges = {
          nodeId,
          at: this.clock.now(),
          changes,
          dropped,
          numKeys: this.numKeysOf(ops),
          reset,
        };
        for (const l of listeners) l(ev);
      };
      for (const op of this.keyedOperators(nodeId)) op.stateBackend.setChangeTracking(true);
      const timer = setInterval(tick, intervalMs);
      hub = { listeners, timer };
      this.stateHubs.set(nodeId, hub);
    }
    hub.listeners.add(listener);
    const h = hub;
    return () => {
      h.listeners.delete(listener);
      if (h.listeners.size === 0) {
        clearInterval(h.timer);
        for (const op of this.keyedOperators(nodeId)) op.stateBackend.setChangeTracking(false);
        this.stateHubs.delete(nodeId);
      }
    };
  }

  private numKeysOf(ops: KeyedOperator<never>[]): number {
    let n = 0;
    for (const op of ops) n += op.numKeys();
    return n;
  }

  private readonly stateHubs = new Map<
    string,
    { listeners: Set<(c: StateChanges) => void>; timer: ReturnType<typeof setInterval> }
  >();
}

function toCompleted(m: CheckpointMetadata, path: string, sizeBytes: number): CompletedCheckpoint {
  return {
    checkpointId: m.checkpointId,
    kind: m.kind,
    trigger: m.trigger,
    timestamp: m.timestamp,
    durationMs: m.durationMs,
    sizeBytes: sizeBytes || m.totalSize,
    path,
  };
}
