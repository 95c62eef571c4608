/**
 * The checkpoint's I/O side (Arroyo's split: the `CheckpointCoordinator` decides, this writes). For the
 * coordinator's listener it injects barriers at the sources when a checkpoint is triggered; takes each task's
 * synchronous snapshot and materializes, serializes and writes it off the hot path in steps (acknowledging the
 * task when done, declining on an error); writes `_metadata` when every task acknowledged (collect sinks' rows of
 * earlier attempts included, as "frozen" tags); discards what an aborted checkpoint wrote; and on completion
 * notifies the operators (sinks commit) and reports the figures.
 */
import type { CheckpointKind, CheckpointOperatorStats, CheckpointTrigger, JobEvent } from '@flowstate/spec';
import type { PhysicalPlan } from '../plan/plan';
import type { CollectStore } from '../runtime/collect';
import type { CheckpointBarrier } from '../runtime/elements';
import type { Execution } from '../runtime/execution';
import type { OperatorSnapshot } from '../runtime/operator';
import { SourceTask, type Task } from '../runtime/task';
import type { IncrementalKeyedStateSnapshot } from '../state/disk/DiskKeyedStateBackend';
import type { Clock, Timers } from '../time/index';
import type {
  CheckpointCoordinator,
  CompletedCheckpoint,
  FinalizedCheckpoint,
  PendingCheckpoint,
} from './coordinator';
import { writeSharedSnapshot } from './incremental';
import { binaryStateFileContent, type StateFileContent, stateFileContent } from './state-file';
import type {
  CheckpointMetadata,
  CheckpointStorage,
  CheckpointWriter,
  NodeCounters,
  OperatorStateRef,
  SubtaskStateRef,
} from './storage/index';

/** What a task acknowledges: the state refs of its operators. */
export type TaskAck = Array<SubtaskStateRef & { nodeId: string }>;

/** Entries materialized by the first asynchronous step of a snapshot; later steps adapt to STEP_TARGET_MS. */
const MATERIALIZE_STEP = 4096;
/**
 * The most entries one step takes, whatever the pace: a step that runs slower than its pace said (a garbage
 * collection inside it) stays within the pause goal.
 */
const MAX_STEP = 16_384;
/** How long one asynchronous snapshot step may pause processing, roughly (the goal is ≤ 20 ms). */
const STEP_TARGET_MS = 6;

interface InFlight {
  id: number;
  writer: Promise<CheckpointWriter>;
  handles: OperatorSnapshot[];
  aborted: boolean;
  /** Longest synchronous snapshot of a task (ms). */
  syncMs: number;
  /** Longest single asynchronous step (materializing or serializing a piece of state), ms. */
  stepMs: number;
  /** Per node, rows in and out of the current attempt when its subtasks took their snapshots (summed). */
  counts: Map<string, { recordsIn: number; recordsOut: number }>;
}

/** What the checkpoint I/O reads of its job. */
export interface CheckpointHost {
  readonly jobId: string;
  readonly jobName: string;
  readonly spec: unknown;
  readonly plan: PhysicalPlan;
  readonly storage: CheckpointStorage;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly coordinator: CheckpointCoordinator<TaskAck>;
  /** The execution running now (a restart or restore replaces it). */
  execution(): Execution;
  collects(): ReadonlyMap<string, CollectStore>;
  emit(e: JobEvent): void;
  /** Per node, what the checkpoint the current attempt restored had counted (`CheckpointMetadata.counters`). */
  counterBase(): ReadonlyMap<string, { recordsIn: number; recordsOut: number }>;
}

export class CheckpointIO {
  private readonly inflight = new Map<number, InFlight>();
  private readonly stats = new Map<number, CheckpointOperatorStats[]>();
  /** The barrier of the checkpoint in flight (tasks whose input ended take part with it directly). */
  private currentBarrier: CheckpointBarrier | null = null;
  /** Why the last checkpoint failed (for messages about a final checkpoint or a savepoint). */
  lastFailure: string | null = null;

  constructor(private readonly host: CheckpointHost) {}

  /** Whether a checkpoint's state is being written (the scheduler yields instead of sleeping meanwhile). */
  get writing(): boolean {
    return this.inflight.size > 0;
  }

  /**
   * Snapshots between their first and last step. While there are any, the scheduler runs shorter slices
   * between the steps: every write to an entry a snapshot has not passed yet costs an early encode (or a
   * copy), so the sooner a snapshot is through, the less it costs — at the same pause per step.
   */
  materializing = 0;

  // ------------------------------------------------------------------------------------ coordinator listener

  /** Starts writing checkpoint `id` and injects its barrier at every source. */
  trigger(id: number, timestamp: number, kind: CheckpointKind, trigger: CheckpointTrigger): void {
    const writer = this.host.storage.createWriter(this.host.jobId, id, kind);
    writer.catch(() => {}); // a failure surfaces through the tasks' acknowledgements
    this.inflight.set(id, {
      id,
      writer,
      handles: [],
      aborted: false,
      syncMs: 0,
      stepMs: 0,
      counts: new Map(),
    });
    this.host.emit({ type: 'checkpoint-triggered', checkpointId: id, kind, trigger, timestamp });
    const barrier: CheckpointBarrier = {
      kind: 'barrier',
      checkpointId: id,
      timestamp,
      savepoint: kind === 'savepoint',
    };
    this.currentBarrier = barrier;
    // Stop-with-savepoint: the sources stop at the savepoint's barrier, so the stopped job is its savepoint.
    const suspend = kind === 'savepoint' && trigger === 'stop';
    for (const t of this.host.execution().tasks) {
      if (t.finished) t.snapshotFinished(barrier);
      else if (t instanceof SourceTask) t.injectBarrier(barrier, suspend);
    }
  }

  /** Tasks that finished without seeing the pending checkpoint's barrier (their input ended first) snapshot directly. */
  snapshotFinishedTasks(): void {
    const p = this.host.coordinator.pendingCheckpoint;
    const b = this.currentBarrier;
    if (!p || !b || b.checkpointId !== p.checkpointId) return;
    for (const t of this.host.execution().tasks)
      if (t.finished && t.lastCheckpointId < p.checkpointId) t.snapshotFinished(b);
  }

  /** A task took its synchronous snapshot: materialize and write it off the hot path, then acknowledge. */
  onTaskSnapshot(task: Task, barrier: CheckpointBarrier, snaps: OperatorSnapshot[]): void {
    const f = this.inflight.get(barrier.checkpointId);
    if (!f || f.aborted) {
      for (const s of snaps) s.keyed?.release();
      return;
    }
    f.handles.push(...snaps);
    if (task.lastSyncSnapshotMs > f.syncMs) f.syncMs = task.lastSyncSnapshotMs;
    this.countAtBarrier(f, task);
    const coordinator = this.host.coordinator;
    this.persistTaskSnapshot(f, snaps).then(
      (ack) => coordinator.receiveAcknowledgeMessage(barrier.checkpointId, task.id, ack),
      (e: unknown) => coordinator.receiveDeclineMessage(barrier.checkpointId, task.id, (e as Error).message),
    );
  }

  /** What the task's operators have counted at the barrier: the checkpoint's `counters` add them up. */
  private countAtBarrier(f: InFlight, task: Task): void {
    const st = this.host.execution().subtasks.find((s) => s.task === task);
    if (!st) return;
    const add = (nodeId: string, recordsIn: number, recordsOut: number) => {
      const c = f.counts.get(nodeId) ?? { recordsIn: 0, recordsOut: 0 };
      c.recordsIn += recordsIn;
      c.recordsOut += recordsOut;
      f.counts.set(nodeId, c);
    };
    if (task instanceof SourceTask) add(task.node.id, 0, task.sourceMetrics.recordsOut);
    for (const [nodeId, op] of st.operators) add(nodeId, op.metrics.recordsIn, op.metrics.recordsOut);
  }

  private async persistTaskSnapshot(f: InFlight, snaps: OperatorSnapshot[]): Promise<TaskAck> {
    const { timers } = this.host;
    const writer = await f.writer;
    const ack: TaskAck = [];
    for (const s of snaps) {
      const ref: SubtaskStateRef & { nodeId: string } = { nodeId: s.nodeId, subtask: s.subtask };
      if (s.operatorState !== undefined) ref.operatorState = s.operatorState;
      if (s.keyed) {
        const handle = s.keyed;
        // A snapshot that can encode itself goes straight to binary sections (file format 2); any other
        // is materialized to data and written as JSON lines (format 1).
        const encode = handle.encodeStep !== undefined && handle.encoded !== undefined;
        // Steps sized to take ~STEP_TARGET_MS: short enough to keep processing pauses small, long enough
        // that the copy-on-write window (every write pays for it) closes soon.
        let budget = MATERIALIZE_STEP;
        let pace = 0; // entries per ms: the slowest pace seen (the longest pause is what counts)
        this.materializing++;
        try {
          for (;;) {
            const t0 = timers.elapsed();
            const done = encode ? handle.encodeStep!(budget) : handle.materializeStep(budget);
            const ms = timers.elapsed() - t0;
            if (ms > f.stepMs) f.stepMs = ms;
            if (done) break;
            // The next step's size from the pace so far, so that it takes about STEP_TARGET_MS. (Doubling and
            // halving by thresholds swung between too small and twice the target: the cost of an entry varies.)
            const now = budget / Math.max(ms, 0.05);
            pace = pace === 0 ? now : Math.min(pace, now);
            budget = Math.max(1024, Math.min(MAX_STEP, Math.round(pace * STEP_TARGET_MS)));
            await timers.yield();
            if (f.aborted) throw new Error('checkpoint aborted');
          }
        } finally {
          this.materializing--;
        }
        let content: StateFileContent;
        const inc = (handle as Partial<IncrementalKeyedStateSnapshot>).incremental;
        if (inc !== undefined) {
          // Incremental (disk backend): the keyed state goes to a shared file (full or delta) that later
          // checkpoints refer to; this checkpoint's own file keeps the timers and the state names.
          const data = inc.native !== undefined ? undefined : handle.result();
          const sref = await writeSharedSnapshot(writer, s.nodeId, s.subtask, f.id, data, inc);
          inc.written(sref);
          ref.shared = [...inc.base, sref];
          // the own file in binary sections (format 2) like the heap backend's, with no entries: only timers
          const described = data ?? inc.native!.meta;
          const own = {
            maxParallelism: described.maxParallelism,
            keyGroupRange: described.keyGroupRange,
            states: described.states.map(({ name, kind, ttlMs }) => ({
              name,
              kind,
              ...(ttlMs !== undefined ? { ttlMs } : {}),
              byKeyGroup: [],
            })),
          };
          content = binaryStateFileContent(s.nodeId, s.subtask, own, s.timers);
        } else if (encode) content = binaryStateFileContent(s.nodeId, s.subtask, handle.encoded!(), s.timers);
        else content = stateFileContent(s.nodeId, s.subtask, handle.result(), s.timers);
        const keyGroupRange = content.header.keyGroupRange;
        const file = await writer.writeStateFile(`op-${s.nodeId}-${s.subtask}.state`, content.chunks);
        if (content.longestChunkMs > f.stepMs) f.stepMs = content.longestChunkMs;
        handle.release();
        ref.keyGroupRange = keyGroupRange;
        ref.file = { name: file.name, size: file.size, sha256: file.sha256 };
        const starts = content.sectionOffsets ?? file.offsets.slice(1);
        ref.keyGroupIndex = content.keyGroups.map((g, i) => {
          const start = starts[i]!;
          const end = starts[i + 1] ?? file.size;
          return [g, start, end - start] as [number, number, number];
        });
      }
      ack.push(ref);
    }
    return ack;
  }

  /** Every task acknowledged: write the metadata (last, atomically). */
  async finalize(p: PendingCheckpoint<TaskAck>): Promise<FinalizedCheckpoint> {
    const f = this.inflight.get(p.checkpointId);
    if (!f) throw new Error('internal: no writer for the checkpoint');
    const writer = await f.writer;
    const { plan } = this.host;
    const byNode = new Map<string, OperatorStateRef>();
    for (const ack of p.acks.values()) {
      for (const { nodeId, ...ref } of ack) {
        let o = byNode.get(nodeId);
        if (!o) {
          o = { nodeId, parallelism: plan.operators.get(nodeId)?.parallelism ?? 1, subtasks: [] };
          byNode.set(nodeId, o);
        }
        o.subtasks.push(ref);
      }
    }
    // Collect sinks: rows of earlier attempts are frozen; the checkpoint keeps them too.
    for (const [nodeId, store] of this.host.collects()) {
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
    // Incremental checkpoints: what the state consists of (shared files included) vs what this one wrote.
    let fullSize = stateBytes;
    let incrementalSize = stateBytes;
    let incremental = false;
    const seen = new Set<string>();
    for (const o of operators)
      for (const s of o.subtasks)
        for (const sh of s.shared ?? []) {
          incremental = true;
          if (seen.has(sh.name)) continue;
          seen.add(sh.name);
          fullSize += sh.size;
          if (sh.checkpointId === p.checkpointId) incrementalSize += sh.size;
        }
    const metadata: CheckpointMetadata = {
      formatVersion: 1,
      jobId: this.host.jobId,
      jobName: this.host.jobName,
      checkpointId: p.checkpointId,
      kind: p.kind,
      trigger: p.trigger,
      timestamp: p.timestamp,
      durationMs: this.host.clock.now() - p.timestamp,
      maxParallelism: plan.maxParallelism,
      operators,
      counters: this.countersOf(f),
      totalSize: stateBytes,
      ...(incremental ? { fullSize, incrementalSize } : {}),
      spec: this.host.spec,
    };
    const written = await writer.finalize(metadata);
    this.stats.set(
      p.checkpointId,
      operators.map((o) => ({
        nodeId: o.nodeId,
        subtasks: o.subtasks.length,
        sizeBytes: o.subtasks.reduce((a, s) => a + (s.file?.size ?? 0), 0),
      })),
    );
    return {
      path: writer.location.path,
      sizeBytes: written.totalSize,
      ...(written.fullSize !== undefined ? { fullSizeBytes: written.fullSize } : {}),
      ...(written.incrementalSize !== undefined ? { incrementalSizeBytes: written.incrementalSize } : {}),
    };
  }

  /** Per node of the plan: the totals as of the barrier (the restored checkpoint's counts + the attempt's). */
  private countersOf(f: InFlight): NodeCounters[] {
    const base = this.host.counterBase();
    return [...this.host.plan.operators.keys()].map((nodeId) => {
      const b = base.get(nodeId);
      const c = f.counts.get(nodeId);
      return {
        nodeId,
        recordsIn: (b?.recordsIn ?? 0) + (c?.recordsIn ?? 0),
        recordsOut: (b?.recordsOut ?? 0) + (c?.recordsOut ?? 0),
      };
    });
  }

  /** The checkpoint failed or was aborted: stop writing it, discard what it wrote, say so. */
  abort(p: PendingCheckpoint<TaskAck>, reason: string): void {
    this.lastFailure = `checkpoint ${p.checkpointId}: ${reason}`;
    const f = this.inflight.get(p.checkpointId);
    if (f) {
      f.aborted = true;
      for (const h of f.handles) h.keyed?.release();
      this.inflight.delete(p.checkpointId);
      f.writer.then((w) => w.abort()).catch(() => {});
    }
    this.stats.delete(p.checkpointId);
    this.host.emit({
      type: 'checkpoint-failed',
      checkpointId: p.checkpointId,
      kind: p.kind,
      trigger: p.trigger,
      timestamp: p.timestamp,
      reason,
    });
  }

  /** The checkpoint completed: operators are told (sinks commit), and the figures reported. */
  complete(c: CompletedCheckpoint): void {
    const f = this.inflight.get(c.checkpointId);
    const pauses = { syncMs: f?.syncMs ?? 0, longestStepMs: f?.stepMs ?? 0 };
    this.inflight.delete(c.checkpointId);
    for (const op of this.host.execution().operators()) op.notifyCheckpointComplete(c.checkpointId);
    const operators = this.stats.get(c.checkpointId) ?? [];
    this.stats.delete(c.checkpointId);
    this.host.emit({ type: 'checkpoint-completed', checkpoint: c, operators, pauses });
  }

  /** Deletes a checkpoint that fell out of retention (a failure is a notice, not an error). */
  discard(c: CompletedCheckpoint): void {
    this.host.storage
      .delete({ jobId: this.host.jobId, checkpointId: c.checkpointId, kind: c.kind, path: c.path })
      .catch((e) =>
        this.host.emit({
          type: 'notice',
          message: `could not delete checkpoint ${c.checkpointId}: ${(e as Error).message}`,
        }),
      );
  }
}
