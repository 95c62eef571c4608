import type { CheckpointKind, CheckpointTrigger, CompletedCheckpoint } from '@flowstate/spec';
import type { Clock } from '../time/index';

/**
 * Flink's `CheckpointCoordinator`, as state transitions with no I/O of its own (Arroyo's split: the protocol
 * decides, the edges do I/O). The job drives it with `tick()` and the tasks' acknowledgements; it answers
 * through the listener: inject barriers, finalize (write `_metadata`), abort, notify completion, discard old
 * checkpoints. Unit tests drive it with a fake clock and a recording listener.
 *
 * - Periodic checkpoints every `intervalMs` (0 = off), at least `minPauseMs` after the previous one ended;
 *   at most one checkpoint in flight. A manual trigger while one is in flight is queued and gets its id at
 *   once (ids always ascend).
 * - A pending checkpoint completes when every task has acknowledged it, and is aborted on a decline or when
 *   `timeoutMs` passes. Completion is two-step: all acks → `finalizeCheckpoint` (async, the listener writes
 *   the metadata) → `completePendingCheckpoint` → `notifyCheckpointComplete`.
 * - `retained` completed checkpoints are kept; older ones are discarded once a newer one completes — never one
 *   that a restore is reading (pinned). Savepoints are not subject to retention.
 * - Flink's `CheckpointFailureManager`: a checkpoint that fails (a task declines it, it cannot be written, it
 *   times out) counts; a completed one resets the count. When more than `tolerableFailures` have failed in a
 *   row, the listener's `failJob` is told (the job fails over by its restart strategy). Checkpoints aborted
 *   because the job restarts, restores or stops do not count.
 */
export interface CheckpointCoordinatorOptions {
  intervalMs: number;
  timeoutMs: number;
  minPauseMs: number;
  retained: number;
  /** Consecutive failed checkpoints tolerated (default: any number). */
  tolerableFailures?: number;
}

export interface PendingCheckpoint<H> {
  readonly checkpointId: number;
  readonly kind: CheckpointKind;
  readonly trigger: CheckpointTrigger;
  /** Trigger time (clock ms). */
  readonly timestamp: number;
  readonly acks: Map<string, H>;
  readonly notYetAcknowledged: Set<string>;
  finalizing: boolean;
}

/** A checkpoint that completed (Flink's CompletedCheckpoint): the job contract's shape. */
export type { CompletedCheckpoint } from '@flowstate/spec';

/** Where a finalized checkpoint is and how big (the sizes of `CompletedCheckpoint`). */
export type FinalizedCheckpoint = Pick<
  CompletedCheckpoint,
  'path' | 'sizeBytes' | 'fullSizeBytes' | 'incrementalSizeBytes'
>;

export interface CoordinatorListener<H> {
  /** Inject barrier `checkpointId` at every source. */
  triggerCheckpoint(
    checkpointId: number,
    timestamp: number,
    kind: CheckpointKind,
    trigger: CheckpointTrigger,
  ): void;
  /** Every task acknowledged: persist the metadata; resolve with where and how big, or reject to abort. */
  finalizeCheckpoint(p: PendingCheckpoint<H>): Promise<FinalizedCheckpoint>;
  /** Discard what a failed checkpoint wrote. */
  abortCheckpoint(p: PendingCheckpoint<H>, reason: string): void;
  notifyCheckpointComplete(c: CompletedCheckpoint): void;
  /** Delete a completed checkpoint that fell out of retention. */
  discardCheckpoint(c: CompletedCheckpoint): void;
  /** More than `tolerableFailures` checkpoints failed in a row: the job must fail over. */
  failJob?(reason: string): void;
}

/**
 * What `triggerCheckpoint` answers: the id the checkpoint got, or why none could start. (Not Flink's window
 * `TriggerResult`, which is what a window `Trigger` decides: see operators/windowing/triggers.ts.)
 */
export type CheckpointTriggerResult = { ok: true; checkpointId: number } | { ok: false; reason: string };

export class CheckpointCoordinator<H> {
  private nextId: number;
  private pending: PendingCheckpoint<H> | null = null;
  private readonly queued: Array<{ id: number; kind: CheckpointKind; trigger: CheckpointTrigger }> = [];
  private readonly completed: CompletedCheckpoint[] = [];
  private readonly pinned = new Map<number, number>();
  private lastEndedAt = Number.NEGATIVE_INFINITY;
  private lastTriggeredAt = Number.NEGATIVE_INFINITY;
  private running = false;
  private tasks: string[] = [];
  /** Checkpoints failed since the last one completed. */
  private consecutiveFailures = 0;

  constructor(
    private readonly opts: CheckpointCoordinatorOptions,
    private readonly clock: Clock,
    private readonly listener: CoordinatorListener<H>,
    /** The id the first checkpoint gets (after a restore: one past the restored id). */
    firstId = 1,
  ) {
    this.nextId = firstId;
  }

  /** The tasks that must acknowledge every checkpoint (the job's current subtasks). */
  setTasks(taskIds: string[]): void {
    this.tasks = taskIds.slice();
  }

  /** Periodic triggering on (`intervalMs > 0`). The first periodic checkpoint comes one interval from now. */
  startCheckpointScheduler(): void {
    this.running = true;
    this.lastTriggeredAt = this.clock.now();
  }

  stopCheckpointScheduler(): void {
    this.running = false;
  }

  get pendingCheckpoint(): PendingCheckpoint<H> | null {
    return this.pending;
  }

  /** Completed checkpoints kept, oldest first. */
  getCompletedCheckpoints(): readonly CompletedCheckpoint[] {
    return this.completed;
  }

  getLatestCompletedCheckpoint(): CompletedCheckpoint | undefined {
    return this.completed[this.completed.length - 1];
  }

  /** Ids go on from here (after a restore from checkpoint n, the next is n + 1 or later). */
  advanceIdsPast(id: number): void {
    if (this.nextId <= id) this.nextId = id + 1;
  }

  /** Adds checkpoints found in storage (after a process restart) to the retained list, oldest first. */
  addRecoveredCheckpoints(cps: CompletedCheckpoint[]): void {
    for (const c of cps) {
      if (this.completed.some((x) => x.checkpointId === c.checkpointId)) continue;
      this.completed.push(c);
      this.advanceIdsPast(c.checkpointId);
    }
    this.completed.sort((a, b) => a.checkpointId - b.checkpointId);
  }

  /** A restore is reading this checkpoint: retention must not delete it until `unpin`. */
  pin(checkpointId: number): void {
    this.pinned.set(checkpointId, (this.pinned.get(checkpointId) ?? 0) + 1);
  }

  unpin(checkpointId: number): void {
    const n = (this.pinned.get(checkpointId) ?? 0) - 1;
    if (n > 0) this.pinned.set(checkpointId, n);
    else this.pinned.delete(checkpointId);
    this.applyRetention();
  }

  /**
   * Triggers a checkpoint now, or queues it behind the one in flight. Returns its id (ascending), or why
   * it cannot (no tasks, e.g. the job has ended).
   */
  triggerCheckpoint(
    trigger: CheckpointTrigger,
    kind: CheckpointKind = 'checkpoint',
  ): CheckpointTriggerResult {
    if (this.tasks.length === 0) return { ok: false, reason: 'the job has no running tasks to checkpoint' };
    const id = this.nextId++;
    if (this.pending) {
      this.queued.push({ id, kind, trigger });
      return { ok: true, checkpointId: id };
    }
    this.start(id, kind, trigger);
    return { ok: true, checkpointId: id };
  }

  private start(id: number, kind: CheckpointKind, trigger: CheckpointTrigger): void {
    const now = this.clock.now();
    this.lastTriggeredAt = now;
    this.pending = {
      checkpointId: id,
      kind,
      trigger,
      timestamp: now,
      acks: new Map(),
      notYetAcknowledged: new Set(this.tasks),
      finalizing: false,
    };
    this.listener.triggerCheckpoint(id, now, kind, trigger);
  }

  /** Periodic triggering and timeouts; call often (the job calls it every scheduling slice). */
  tick(): void {
    const now = this.clock.now();
    const p = this.pending;
    if (p && !p.finalizing && now - p.timestamp >= this.opts.timeoutMs) {
      this.abortPendingCheckpoint(p.checkpointId, `timed out after ${this.opts.timeoutMs} ms`);
    }
    if (this.pending) return;
    const q = this.queued.shift();
    if (q) {
      this.start(q.id, q.kind, q.trigger);
      return;
    }
    if (!this.running || this.opts.intervalMs <= 0 || this.tasks.length === 0) return;
    if (
      now - this.lastTriggeredAt >= this.opts.intervalMs &&
      now - this.lastEndedAt >= this.opts.minPauseMs
    ) {
      this.start(this.nextId++, 'checkpoint', 'periodic');
    }
  }

  /** When the next periodic checkpoint or timeout is due (for a scheduler that sleeps). */
  nextDeadline(): number | undefined {
    if (this.pending)
      return this.pending.finalizing ? undefined : this.pending.timestamp + this.opts.timeoutMs;
    if (this.queued.length > 0) return this.clock.now();
    if (!this.running || this.opts.intervalMs <= 0) return undefined;
    return Math.max(this.lastTriggeredAt + this.opts.intervalMs, this.lastEndedAt + this.opts.minPauseMs);
  }

  receiveAcknowledgeMessage(checkpointId: number, taskId: string, handle: H): void {
    const p = this.pending;
    if (!p || p.checkpointId !== checkpointId || p.finalizing) return; // late ack of an aborted checkpoint
    if (!p.notYetAcknowledged.delete(taskId)) return;
    p.acks.set(taskId, handle);
    if (p.notYetAcknowledged.size === 0) this.finalize(p);
  }

  receiveDeclineMessage(checkpointId: number, taskId: string, reason: string): void {
    const p = this.pending;
    if (!p || p.checkpointId !== checkpointId) return;
    this.abortPendingCheckpoint(checkpointId, `declined by ${taskId}: ${reason}`);
  }

  private finalize(p: PendingCheckpoint<H>): void {
    p.finalizing = true;
    this.listener.finalizeCheckpoint(p).then(
      (r) => this.completePendingCheckpoint(p, r),
      (e: unknown) =>
        this.abortPendingCheckpoint(p.checkpointId, `could not be written: ${(e as Error).message}`, true),
    );
  }

  private completePendingCheckpoint(p: PendingCheckpoint<H>, r: FinalizedCheckpoint): void {
    if (this.pending !== p) return;
    const now = this.clock.now();
    const c: CompletedCheckpoint = {
      checkpointId: p.checkpointId,
      kind: p.kind,
      trigger: p.trigger,
      timestamp: p.timestamp,
      durationMs: now - p.timestamp,
      sizeBytes: r.sizeBytes,
      ...(r.fullSizeBytes !== undefined ? { fullSizeBytes: r.fullSizeBytes } : {}),
      ...(r.incrementalSizeBytes !== undefined ? { incrementalSizeBytes: r.incrementalSizeBytes } : {}),
      path: r.path,
    };
    this.pending = null;
    this.lastEndedAt = now;
    this.consecutiveFailures = 0;
    this.completed.push(c);
    this.listener.notifyCheckpointComplete(c);
    this.applyRetention();
    this.tick();
  }

  /**
   * Aborts the pending checkpoint. `failure` (default): it failed (declined, not written, timed out) and counts
   * towards `tolerableFailures`; false: the job aborted it (restart, restore, stop).
   */
  abortPendingCheckpoint(checkpointId: number, reason: string, force = false, failure = true): void {
    const p = this.pending;
    if (!p || p.checkpointId !== checkpointId || (p.finalizing && !force)) return;
    this.pending = null;
    this.lastEndedAt = this.clock.now();
    this.listener.abortCheckpoint(p, reason);
    if (failure && p.kind === 'checkpoint') {
      // (As Flink: a failed savepoint is the caller's to handle; it does not fail the job.)
      this.consecutiveFailures++;
      const tolerable = this.opts.tolerableFailures ?? Number.POSITIVE_INFINITY;
      if (this.consecutiveFailures > tolerable) {
        const n = this.consecutiveFailures;
        this.consecutiveFailures = 0;
        this.queued.length = 0;
        this.listener.failJob?.(
          `${n} checkpoints failed in a row, more than the ${tolerable} tolerated (checkpointing.tolerableFailures); the last: checkpoint ${p.checkpointId} ${reason}`,
        );
        return;
      }
    }
    // A queued (manual) checkpoint goes next.
    const q = this.queued.shift();
    if (q) this.start(q.id, q.kind, q.trigger);
  }

  /** Failed checkpoints in a row so far. */
  get failuresInARow(): number {
    return this.consecutiveFailures;
  }

  /** Forgets the failures counted so far (a new execution attempt starts with a clean count). */
  resetFailureCount(): void {
    this.consecutiveFailures = 0;
  }

  /** Whether checkpoint `id` is in flight or queued. */
  isInFlight(checkpointId: number): boolean {
    return this.pending?.checkpointId === checkpointId || this.queued.some((q) => q.id === checkpointId);
  }

  /** Aborts the pending checkpoint and forgets queued ones (the job is failing over or restoring). */
  abortAll(reason: string): void {
    if (this.pending) this.abortPendingCheckpoint(this.pending.checkpointId, reason, true, false);
    this.queued.length = 0;
  }

  private applyRetention(): void {
    const regular = this.completed.filter((c) => c.kind === 'checkpoint');
    let excess = regular.length - this.opts.retained;
    for (const c of regular) {
      if (excess <= 0) break;
      if (this.pinned.has(c.checkpointId)) continue;
      this.completed.splice(this.completed.indexOf(c), 1);
      excess--;
      this.listener.discardCheckpoint(c);
    }
  }

  /** Forgets a completed checkpoint that turned out to be unusable (e.g. corrupt on restore). */
  forgetCheckpoint(checkpointId: number): void {
    const i = this.completed.findIndex((c) => c.checkpointId === checkpointId);
    if (i >= 0) this.completed.splice(i, 1);
  }
}
