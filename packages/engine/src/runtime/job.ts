/**
 * A job: the spec's physical plan run by executions (attempts). The job outlives them: a failure restarts it
 * (restart strategy) from the latest completed checkpoint, a restore request rolls a running job back in place,
 * and the collect sinks' output and the checkpoint history carry across.
 *
 * The Job is a facade over parts with one job each:
 * - `JobLifecycle` (lifecycle.ts): the status and its legal transitions;
 * - the scheduler (`runExecution` below): cooperative rounds over every task (sources first), yielding to the
 *   event loop every `sliceMs`; backpressure is structural (a task whose consumers are full does not run);
 * - `decideRestart` (restart.ts): the restart strategy;
 * - `CheckpointCoordinator` (decides) and `CheckpointIO` (writes): Flink's aligned barrier protocol, state
 *   materialized and written asynchronously between slices;
 * - `StateAccess` (state-access.ts): state queries and the one live-state subscription per node;
 * - `JobMetricsCollector` (job-metrics.ts): the figures.
 * - recovery.ts: which checkpoint a restore reads, and the collect sinks' rollback.
 * All time goes through the injected `Clock` (what time it is) and `Timers` (sleeping, yielding, intervals).
 * (Its length is the job's public API, one short method each, and the run loop they coordinate.)
 */
import {
  type JobMetrics as ContractJobMetrics,
  isCollectSink,
  type JobEvent,
  type JobStatus,
  type RestoreCompatibility,
  type SpecAnalysis,
  validateSpec,
} from '@flowstate/spec';
import { checkRestoreCompatibility, RestoreCompatibilityError } from '../checkpoint/compatibility';
import { CheckpointCoordinator, type CompletedCheckpoint } from '../checkpoint/coordinator';
import { CheckpointIO, type TaskAck } from '../checkpoint/io';
import { restoreDataFor } from '../checkpoint/restore';
import {
  CheckpointCorruptedError,
  type CheckpointKind,
  type CheckpointStorage,
  createMemoryCheckpointStorage,
  type LoadedCheckpoint,
} from '../checkpoint/storage/index';
import { type FileAccess, openFileAccess } from '../connectors/file-access';
import { KeyedOperator } from '../operators/keyed';
import { buildPlan, type PhysicalPlan } from '../plan/plan';
import { defaultStateDir, type StateBackendConfig, stateBackendOverride } from '../state/backendFactory';
import type { Key, KeyedStateBackend } from '../state/index';
import { type Clock, systemClock, systemTimers, type Timers } from '../time/index';
import { CollectStore } from './collect';
import type { Row } from './elements';
import { Execution, type RestoreData } from './execution';
import { FailureInjector } from './failure-injection';
import { JobMetricsCollector } from './job-metrics';
import {
  type JobMetrics,
  type JobOptions,
  type JobResult,
  JobSpecError,
  type RestoreTarget,
  type StateChanges,
  StateQueryError,
} from './job-types';
import { JobLifecycle } from './lifecycle';
import type { RowError, StreamOperator } from './operator';
import {
  emptyRestoreData,
  loadRestoreTarget,
  restoreLatest,
  retainedUpTo,
  rollbackCollectStores,
} from './recovery';
import { decideRestart } from './restart';
import { StateAccess } from './state-access';
import { SourceTask, type Task } from './task';

/** Processing slice (ms) between two steps of a snapshot being encoded (`CheckpointIO.materializing`). */
const SNAPSHOT_SLICE_MS = 2;

export * from './job-types';

function safeJobId(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|-+$/g, '') || 'job';
}

function noValidCheckpoint(jobId: string): Error {
  return new Error(`there is no valid checkpoint of job '${jobId}' to restore`);
}

export class Job {
  // ---------------------------------------------------------------------------------- what the job is
  readonly analysis: SpecAnalysis;
  readonly plan: PhysicalPlan;
  readonly jobId: string;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly storage: CheckpointStorage;
  /** Whether checkpoints are taken (explicit storage, or an interval in the spec). */
  readonly checkpointsEnabled: boolean;
  readonly coordinator: CheckpointCoordinator<TaskAck>;
  /** Set when the last checkpoint the job restored from is known. */
  restoredFrom: { checkpointId: number; path: string } | null = null;
  /** What the last restore did with each node's state (checkRestoreCompatibility); null before any. */
  lastRestoreReport: RestoreCompatibility | null = null;
  /** The most recent row errors (at most 100). */
  readonly recentRowErrors: RowError[] = [];

  // ---------------------------------------------------------------------------------- its parts
  private readonly lifecycle: JobLifecycle;
  private readonly checkpointIO: CheckpointIO;
  private readonly state: StateAccess;
  private readonly metricsCollector: JobMetricsCollector;
  private readonly failures: FailureInjector;

  // ---------------------------------------------------------------------------------- configuration
  private readonly batchSize: number;
  private readonly channelCapacity: number;
  private readonly sliceMs: number;
  private readonly files: FileAccess;
  private readonly writeConsole: (s: string) => void;
  private readonly onRowError: ((e: RowError) => void) | undefined;
  private readonly onEvent: ((e: JobEvent) => void) | undefined;
  /** Checkpoint to restore from before the first round (JobOptions.restoreFrom), and why. */
  private readonly initialRestore: RestoreTarget | undefined;
  private readonly restoreReason: string;
  private readonly allowNonRestoredState: boolean;

  // ---------------------------------------------------------------------------------- running state
  private exec: Execution;
  /** Which keyed state backend the operators use. */
  private readonly stateBackend: StateBackendConfig;
  /** Disk state backends alive (disposed with the execution they belong to, or the job). */
  private readonly diskBackends = new Set<KeyedStateBackend>();
  /** Execution attempt (0, then one more per restart or restore): tags what each attempt writes. */
  private attempt = 0;
  private readonly collects = new Map<string, CollectStore>();
  private startedAt = 0;
  private rowErrorCount = 0;
  /** Per node, the rows counted before the current attempt (the restored checkpoint's `counters`). */
  private counterBase = new Map<string, { recordsIn: number; recordsOut: number }>();
  /** What the current attempt's counters count from. */
  private countersSince: ContractJobMetrics['countersSince'] = { cause: 'start', at: 0, checkpointId: null };
  private error: Error | undefined;
  private cancelRequested = false;
  private runPromise: Promise<JobResult> | null = null;
  /** Set by loadCheckpoint: executions restore keyed state only and must never run. */
  private inspectOnly = false;
  private restoreRequest: {
    target: RestoreTarget;
    resolve: (c: LoadedCheckpoint) => void;
    reject: (e: Error) => void;
  } | null = null;
  /** Set when too many checkpoints failed in a row: the running execution fails over with it. */
  private checkpointFailure: Error | null = null;

  /** Validates the spec (throws JobSpecError) and builds the job. */
  static fromSpec(input: unknown, opts: JobOptions = {}): Job {
    const r = validateSpec(input);
    if (!r.ok) throw new JobSpecError(r.problems);
    return new Job(r.analysis, opts);
  }

  constructor(analysis: SpecAnalysis, opts: JobOptions = {}) {
    this.analysis = analysis;
    this.clock = opts.clock ?? systemClock;
    this.timers = opts.timers ?? systemTimers;
    this.batchSize = opts.batchSize ?? 1024;
    this.channelCapacity = opts.channelCapacity ?? this.batchSize * 4;
    this.sliceMs = opts.sliceMs ?? 8;
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
    this.allowNonRestoredState = opts.allowNonRestoredState === true;
    this.failures = new FailureInjector(opts.failures ?? []);
    this.plan = buildPlan(analysis, opts.parallelism);
    const backendKind =
      opts.stateBackend ?? stateBackendOverride() ?? analysis.spec.settings.stateBackend ?? 'heap';
    this.stateBackend = {
      kind: backendKind,
      jobId: this.jobId,
      ...(opts.stateDir !== undefined ? { stateDir: opts.stateDir } : {}),
      ...(opts.stateCacheEntries !== undefined ? { cacheEntries: opts.stateCacheEntries } : {}),
      ...(opts.stateNativeMinEntries !== undefined ? { nativeMinEntries: opts.stateNativeMinEntries } : {}),
      ...(backendKind === 'disk' ? { onCreated: (b: KeyedStateBackend) => this.diskBackends.add(b) } : {}),
    };
    this.lifecycle = new JobLifecycle(this.clock, (e) => this.emit(e));

    const job = this;
    const host = {
      jobId: this.jobId,
      jobName: analysis.spec.name,
      spec: analysis.spec,
      analysis,
      plan: this.plan,
      storage: this.storage,
      clock: this.clock,
      timers: this.timers,
      get coordinator() {
        return job.coordinator;
      },
      execution: () => this.exec,
      attempt: () => this.attempt,
      collects: () => this.collects,
      emit: (e: JobEvent) => this.emit(e),
      status: () => this.lifecycle.status,
      startedAt: () => this.startedAt,
      restarts: () => this.lifecycle.restarts,
      rowErrors: () => this.rowErrorCount,
      recentRowErrors: () => this.recentRowErrors,
      counterBase: () => this.counterBase,
      countersSince: () => this.countersSince,
    };
    this.checkpointIO = new CheckpointIO(host);
    this.state = new StateAccess(host);
    this.metricsCollector = new JobMetricsCollector(host);
    this.coordinator = new CheckpointCoordinator<TaskAck>(cps, this.clock, {
      triggerCheckpoint: (id, ts, kind, trigger) => this.checkpointIO.trigger(id, ts, kind, trigger),
      finalizeCheckpoint: (p) => this.checkpointIO.finalize(p),
      abortCheckpoint: (p, reason) => this.checkpointIO.abort(p, reason),
      notifyCheckpointComplete: (c) => this.checkpointIO.complete(c),
      discardCheckpoint: (c) => this.checkpointIO.discard(c),
      failJob: (reason) => {
        this.checkpointFailure ??= new Error(reason);
      },
    });
    this.exec = this.newExecution();
  }

  get status(): JobStatus {
    return this.lifecycle.status;
  }

  get name(): string {
    return this.analysis.spec.name;
  }

  get finished(): boolean {
    return this.exec.finished;
  }

  get tasks(): readonly Task[] {
    return this.exec.tasks;
  }

  private emit(e: JobEvent): void {
    if (e.type === 'checkpoint-completed') this.failures.checkpointCompleted();
    this.onEvent?.(e);
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

  private newExecution(restore?: RestoreData): Execution {
    // The disk stores of the execution being replaced go (a restart or restore rebuilds state from a checkpoint).
    if (this.exec !== undefined && this.diskBackends.size > 0) this.disposeKeyedState();
    const exec = new Execution(
      {
        stateBackend: this.stateBackend,
        inspectOnly: this.inspectOnly,
        analysis: this.analysis,
        plan: this.plan,
        clock: this.clock,
        attempt: this.attempt,
        files: this.files,
        batchSize: this.batchSize,
        channelCapacity: this.channelCapacity,
        reportRowError: this.reportRowError,
        collectStore: this.collectStore,
        writeConsole: (t) => this.writeConsole(t),
        onSnapshot: (task, barrier, snaps) => this.checkpointIO.onTaskSnapshot(task, barrier, snaps),
        ...(this.failures.active ? { wrapOperator: (op: StreamOperator) => this.failures.wrap(op) } : {}),
      },
      restore,
    );
    this.coordinator.setTasks(exec.tasks.map((t) => t.id));
    return exec;
  }

  // ------------------------------------------------------------------------------------ running

  /** Starts the job without running it (tests that drive `round()` themselves). */
  open(): void {
    if (this.lifecycle.status !== 'created') return;
    this.startedAt = this.clock.now();
    if (this.countersSince.cause === 'start')
      this.countersSince = { ...this.countersSince, at: this.startedAt };
    this.lifecycle.to('running');
    if (this.checkpointsEnabled) this.coordinator.startCheckpointScheduler();
  }

  /** One scheduling round over every task; true when any task did work. */
  round(): boolean {
    const did = this.exec.round(this.batchSize);
    this.checkpointIO.snapshotFinishedTasks();
    this.coordinator.tick();
    return did;
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
          this.rebuildFromScratch('start');
        } else if (!(await this.restoreTo(this.initialRestore, this.restoreReason, 'restore'))) {
          throw noValidCheckpoint(this.jobId);
        }
      }
      // Checkpoint ids continue past what this job id already has in storage (a rerun into the same directory).
      if (this.checkpointsEnabled) await this.continueIdsPastStorage();
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
    return {
      status: this.lifecycle.status,
      ...(this.error ? { error: this.error } : {}),
      metrics: this.metrics(),
    };
  }

  /** The scheduler: runs the current execution until its input ends or the job is cancelled; throws a failure. */
  private async runExecution(): Promise<void> {
    const { timers } = this;
    while (!this.cancelRequested) {
      this.throwCheckpointFailure();
      if (this.restoreRequest) await this.handleRestoreRequest();
      const sliceStart = timers.elapsed();
      // shorter slices while a snapshot is being encoded, so it is through sooner (see `materializing`)
      const sliceMs =
        this.checkpointIO.materializing > 0 ? Math.min(SNAPSHOT_SLICE_MS, this.sliceMs) : this.sliceMs;
      let did = false;
      do {
        did = this.round();
      } while (
        did &&
        !this.cancelRequested &&
        !this.restoreRequest &&
        timers.elapsed() - sliceStart < sliceMs
      );
      if (this.exec.finished && !this.restoreRequest) return;
      if (did || this.checkpointIO.writing) {
        await timers.yield();
        continue;
      }
      let wake = this.exec.wakeAt();
      const cp = this.coordinator.nextDeadline();
      if (cp !== undefined && (wake === undefined || cp < wake)) wake = cp;
      const wait = wake === undefined ? 10 : Math.max(0, Math.min(50, wake - this.clock.now()));
      await timers.sleep(wait);
    }
  }

  private throwCheckpointFailure(): void {
    const e = this.checkpointFailure;
    if (!e) return;
    this.checkpointFailure = null;
    throw e;
  }

  /** The restart strategy decides: restore from the latest checkpoint (or from scratch), or fail the job. */
  private async failover(cause: Error): Promise<void> {
    const d = decideRestart(this.analysis.spec.settings.restart, this.lifecycle.restarts);
    if (!d.restart) throw Object.assign(new Error(`${cause.message} (${d.reason})`), { cause });
    this.lifecycle.restarts = d.attempt;
    this.lifecycle.to('restarting', cause.message);
    this.emit({ type: 'restarting', attempt: d.attempt, cause: cause.message, delayMs: d.delayMs });
    this.coordinator.abortAll(`the job is restarting: ${cause.message}`);
    this.coordinator.resetFailureCount();
    this.exec.close();
    if (d.delayMs > 0) await this.timers.sleep(d.delayMs);
    if (!(await this.rebuildFromLatestRetained(`restart ${d.attempt} after: ${cause.message}`)))
      this.rebuildFromScratch('restart');
    this.lifecycle.to('running');
  }

  /** All input has been processed: a final checkpoint commits the sinks (FLIP-147), or they commit directly. */
  private async finishInput(): Promise<void> {
    if (!this.checkpointsEnabled) {
      this.commitWithoutCheckpoints();
      return;
    }
    // No periodic checkpoint may start after the final one (it would commit nothing new, or worse).
    this.coordinator.stopCheckpointScheduler();
    const pending = this.coordinator.pendingCheckpoint;
    if (pending) await this.awaitCheckpoint(pending.checkpointId);
    const r = this.coordinator.triggerCheckpoint('stop');
    if (!r.ok) throw new Error(`the final checkpoint could not start: ${r.reason}`);
    if (!(await this.awaitCheckpoint(r.checkpointId)))
      throw new Error(
        `the final checkpoint ${r.checkpointId} failed (${this.checkpointIO.lastFailure ?? 'unknown reason'}), so the sinks' last rows were not committed`,
      );
  }

  private commitWithoutCheckpoints(): void {
    const id = Number.MAX_SAFE_INTEGER;
    for (const op of this.exec.operators()) {
      op.snapshotState(id)?.keyed?.release();
      op.notifyCheckpointComplete(id);
    }
  }

  /** Waits until checkpoint `id` completed (true) or failed (false), driving timeouts meanwhile. */
  private async awaitCheckpoint(id: number): Promise<boolean> {
    const completed = () => this.coordinator.getCompletedCheckpoints().some((c) => c.checkpointId === id);
    for (;;) {
      if (completed()) return true;
      this.coordinator.tick();
      if (!this.coordinator.isInFlight(id)) return completed();
      this.checkpointIO.snapshotFinishedTasks();
      await this.timers.sleep(1);
    }
  }

  private complete(status: JobStatus, cause?: string): void {
    if (this.lifecycle.ended) return;
    this.coordinator.stopCheckpointScheduler();
    this.coordinator.abortAll(`the job ${status}`);
    this.lifecycle.to(status, cause);
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
    const resumeScheduler = () => {
      if (this.checkpointsEnabled && this.lifecycle.status === 'running')
        this.coordinator.startCheckpointScheduler();
    };
    const r = this.coordinator.triggerCheckpoint('stop', 'savepoint');
    if (!r.ok) {
      resumeScheduler();
      throw new Error(`cannot take a savepoint: ${r.reason}`);
    }
    if (!(await this.awaitCheckpoint(r.checkpointId))) {
      for (const t of this.exec.tasks) if (t instanceof SourceTask) t.resume();
      resumeScheduler();
      throw new Error(
        `savepoint ${r.checkpointId} failed (${this.checkpointIO.lastFailure ?? 'unknown reason'}); the job keeps running`,
      );
    }
    this.cancel();
    await this.run();
    return this.coordinator.getCompletedCheckpoints().find((c) => c.checkpointId === r.checkpointId)!;
  }

  /** Triggers a checkpoint now (or right after the one in flight); answers with its id. */
  triggerCheckpoint(kind: CheckpointKind = 'checkpoint'): number {
    const s = this.lifecycle.status;
    if (s !== 'running' && s !== 'restarting') {
      throw new Error(`the job is ${s}: only a running job can be checkpointed`);
    }
    const r = this.coordinator.triggerCheckpoint('manual', kind);
    if (!r.ok) throw new Error(r.reason);
    return r.checkpointId;
  }

  /** Completed checkpoints kept for this job (oldest first). */
  checkpoints(): readonly CompletedCheckpoint[] {
    return this.coordinator.getCompletedCheckpoints();
  }

  // ------------------------------------------------------------------------------------ recovery

  private async continueIdsPastStorage(): Promise<void> {
    for (const l of await this.storage.list(this.jobId))
      this.coordinator.advanceIdsPast(l.location.checkpointId);
  }

  /**
   * Restores the newest completed checkpoint that restores; a corrupt one is skipped with a notice (and
   * forgotten). Its large store files (the disk backend's LMDB bases) are checked while they are staged
   * (`deferStores`), so a corrupt one is found by the restore rather than by `load`, and skipped the same way.
   * Returns false when there is nothing to restore.
   */
  private async rebuildFromLatestRetained(reason: string): Promise<boolean> {
    const completed = [...this.coordinator.getCompletedCheckpoints()].reverse();
    for (const c of completed) {
      let cp: LoadedCheckpoint;
      try {
        cp = await this.storage.load(
          { jobId: this.jobId, checkpointId: c.checkpointId, kind: c.kind },
          { deferStores: true },
        );
      } catch (e) {
        this.skipRetained(c.checkpointId, e as Error);
        continue;
      }
      try {
        await this.rebuildFrom(cp, reason, 'restart', true);
        return true;
      } catch (e) {
        // only a file that fails its check is skipped; a restore that fails otherwise fails the restart
        if (!(e instanceof CheckpointCorruptedError)) throw e;
        this.skipRetained(c.checkpointId, e);
      }
    }
    return (await this.restoreOutsideRetained(reason)) !== undefined;
  }

  private skipRetained(checkpointId: number, e: Error): void {
    this.emit({
      type: 'notice',
      message: `checkpoint ${checkpointId} cannot be restored (${e.message}); falling back to an older one`,
    });
    this.coordinator.forgetCheckpoint(checkpointId);
  }

  /** After the retained checkpoints: the run's own newest valid one, or the checkpoint it started from. */
  private async restoreOutsideRetained(reason: string): Promise<LoadedCheckpoint | undefined> {
    if (!this.checkpointsEnabled || this.initialRestore === undefined) return undefined;
    const own = await this.restoreTo('latest', reason, 'restart');
    if (own !== undefined || this.initialRestore === 'latest') return own;
    // No checkpoint of its own yet: the job started from another run's checkpoint or savepoint, and a failure
    // restores that again (as Flink does), rather than dropping its state and starting from the beginning.
    return this.restoreTo(this.initialRestore, reason, 'restart');
  }

  private async hasValidCheckpoint(): Promise<boolean> {
    return (await this.storage.list(this.jobId)).some((l) => l.status === 'completed');
  }

  /**
   * Restores `target` (see rebuildFrom) and resolves with the checkpoint restored. `latest` is the newest one
   * that restores: one whose files fail their checks, found on load or while its store files are staged, is
   * skipped with a notice (undefined when none is left). A chosen one that fails them fails the restore.
   */
  private async restoreTo(
    target: RestoreTarget,
    reason: string,
    cause: 'restore' | 'restart' | 'inspect',
    before?: () => void,
  ): Promise<LoadedCheckpoint | undefined> {
    // a checkpoint found by id in this job's storage is its own (not one at a path: another job's, or a copy)
    const own = target === 'latest' || !('path' in target);
    const rebuild = async (cp: LoadedCheckpoint) => {
      before?.();
      await this.rebuildFrom(cp, reason, cause, own);
    };
    if (target !== 'latest') {
      const cp = await loadRestoreTarget(this.storage, this.jobId, target);
      await rebuild(cp);
      return cp;
    }
    return restoreLatest(
      this.storage,
      this.jobId,
      (message) => this.emit({ type: 'notice', message }),
      rebuild,
    );
  }

  /**
   * Replaces the current execution by one restored from `cp`; output and sinks roll back to it. The state of
   * each node is restored as `checkRestoreCompatibility` says (nodes added since start empty; state it refuses
   * fails the restore with RestoreCompatibilityError, unless `allowNonRestoredState` drops it). An inspection
   * reads whatever is compatible. `own`: the checkpoint is in this job's storage, found by id, so a disk
   * backend's next checkpoint may build on its files (`RestoreOptions.continueChain`).
   */
  private async rebuildFrom(
    cp: LoadedCheckpoint,
    reason: string,
    cause: 'restore' | 'restart' | 'inspect',
    own: boolean,
  ): Promise<void> {
    const t0 = this.timers.elapsed();
    const id = cp.metadata.checkpointId;
    const report = checkRestoreCompatibility(this.analysis, cp.metadata, {
      allowNonRestoredState: this.allowNonRestoredState || cause === 'inspect',
    });
    if (!report.ok) throw new RestoreCompatibilityError(report);
    this.coordinator.pin(id);
    try {
      const restore = new Set(report.nodes.filter((n) => n.action === 'restore').map((n) => n.nodeId));
      const disk = this.stateBackend.kind === 'disk';
      const data = await restoreDataFor(
        this.plan,
        cp,
        restore,
        disk
          ? {
              adoptInto: this.stateBackend.stateDir ?? defaultStateDir(this.jobId),
              now: this.clock.now(),
              continueChain: own && cause !== 'inspect' && this.checkpointsEnabled,
            }
          : { now: this.clock.now() },
      );
      rollbackCollectStores(this.collects, cp.metadata);
      this.exec.close();
      this.attempt++;
      this.exec = this.newExecution(data);
      this.coordinator.advanceIdsPast(id);
      const listed = await this.storage.list(this.jobId);
      this.coordinator.addRecoveredCheckpoints(retainedUpTo(listed, id));
      for (const l of listed) this.coordinator.advanceIdsPast(l.location.checkpointId);
      this.restoredFrom = { checkpointId: id, path: cp.location.path };
      this.lastRestoreReport = report;
      // Totals carry on from the checkpoint for the nodes that kept their state (or never had any).
      const carried = new Set(
        report.nodes.filter((n) => n.action === 'restore' || n.action === 'none').map((n) => n.nodeId),
      );
      this.counterBase = new Map(
        (cp.metadata.counters ?? [])
          .filter((c) => carried.has(c.nodeId))
          .map((c) => [c.nodeId, { recordsIn: c.recordsIn, recordsOut: c.recordsOut }]),
      );
      this.countersSince = {
        cause: cause === 'restart' ? 'restart' : 'restore',
        at: this.clock.now(),
        checkpointId: id,
      };
      if (!report.compatible || report.nodes.some((n) => n.action === 'start-empty')) {
        this.emit({ type: 'notice', message: report.summary });
      }
      this.emit({
        type: 'restored',
        checkpointId: id,
        path: cp.location.path,
        reason,
        durationMs: this.timers.elapsed() - t0,
      });
    } finally {
      this.coordinator.unpin(id);
    }
  }

  private rebuildFromScratch(cause: 'start' | 'restart'): void {
    this.counterBase = new Map();
    this.countersSince = { cause, at: this.clock.now(), checkpointId: null };
    for (const s of this.collects.values()) s.clear();
    this.exec.close();
    this.attempt++;
    this.exec = this.newExecution(emptyRestoreData(this.plan));
  }

  /**
   * Rolls the job back to a retained checkpoint (or a path): a running job continues from there in place;
   * state, sources and outputs are as they were at that checkpoint. Resolves once the restore happened.
   */
  restore(target: RestoreTarget): Promise<{ checkpointId: number; path: string }> {
    if (this.lifecycle.ended) {
      return Promise.reject(
        new Error(`the job has ${this.lifecycle.status}; start a new run from the checkpoint instead`),
      );
    }
    if (this.restoreRequest) return Promise.reject(new Error('a restore is already in progress'));
    return new Promise((resolve, reject) => {
      this.restoreRequest = {
        target,
        resolve: (cp) => resolve({ checkpointId: cp.metadata.checkpointId, path: cp.location.path }),
        reject,
      };
      if (this.lifecycle.status === 'created') void this.run();
    });
  }

  private async handleRestoreRequest(): Promise<void> {
    const req = this.restoreRequest!;
    try {
      const cp = await this.restoreTo(req.target, 'restore requested', 'restore', () =>
        this.coordinator.abortAll('a restore was requested'),
      );
      if (cp === undefined) throw noValidCheckpoint(this.jobId);
      this.restoreRequest = null;
      req.resolve(cp);
    } catch (e) {
      this.restoreRequest = null;
      req.reject(e instanceof Error ? e : new Error(String(e)));
    }
  }

  /**
   * Restores a job that has not started from a checkpoint without running it, so its state can be read
   * (`flowstate state`, the studio's "state in checkpoint n" view). Resolves with what was loaded.
   */
  async loadCheckpoint(target: RestoreTarget): Promise<{ checkpointId: number; path: string }> {
    if (this.lifecycle.status !== 'created')
      throw new Error('loadCheckpoint is for a job that has not started');
    // Read-only: only keyed state is restored; sources and sinks are not opened (no file is touched).
    const cp = await this.restoreTo(target, 'loaded for inspection', 'inspect', () => {
      this.inspectOnly = true;
    });
    if (cp === undefined) throw noValidCheckpoint(this.jobId);
    return { checkpointId: cp.metadata.checkpointId, path: cp.location.path };
  }

  // ---------------------------------------------------------------------------- observation

  metrics(): JobMetrics {
    return this.metricsCollector.collect();
  }

  /** The rows a collect sink kept. */
  collected(nodeId: string): Row[] {
    return this.output(nodeId).rows();
  }

  /** The output of a collect sink (throws StateQueryError for a node that is not one). */
  output(nodeId: string): CollectStore {
    const node = this.analysis.nodes.get(nodeId)?.node;
    if (!node) throw new StateQueryError('NO_SUCH_NODE', `there is no node '${nodeId}'`);
    if (!isCollectSink(node)) {
      throw new StateQueryError(
        'NOT_A_COLLECT_SINK',
        `node '${nodeId}' is not a collect sink: only collect sinks keep output`,
      );
    }
    return this.collectStore(nodeId);
  }

  /** The keyed state backends of a stateful node, one per subtask. */
  stateBackends(nodeId: string): KeyedStateBackend[] {
    return this.state.backends(nodeId);
  }

  /** A page of a stateful node's keys over all its subtasks (see StateAccess.query). */
  queryState(
    nodeId: string,
    q: { prefix?: string; cursor?: string; limit?: number } = {},
  ): { entries: Array<{ key: Key; value: unknown }>; nextCursor: string | null } {
    return this.state.query(nodeId, q);
  }

  /** What a stateful node holds for one key, or undefined. */
  stateOfKey(nodeId: string, key: Key): unknown {
    return this.state.ofKey(nodeId, key);
  }

  /** Live state of a node, coalesced (see StateAccess.subscribe); returns the unsubscribe function. */
  subscribeState(
    nodeId: string,
    listener: (changes: StateChanges) => void,
    opts: { intervalMs?: number; maxKeys?: number } = {},
  ): () => void {
    return this.state.subscribe(nodeId, listener, opts);
  }

  /** Frees the job's state (after it has ended and nobody will inspect it any more). */
  dispose(): void {
    this.cancel();
    this.state.close();
    this.disposeKeyedState();
  }

  /** Disposes the keyed state of the current execution (deletes disk stores). */
  private disposeKeyedState(): void {
    for (const op of this.exec.operators()) if (op instanceof KeyedOperator) op.dispose();
    for (const b of this.diskBackends) b.dispose();
    this.diskBackends.clear();
  }
}
