import type { SourceNode } from '@flowstate/spec';
import type { SplitReader } from '../connectors/index';
import type { Clock } from '../time/index';
import {
  type CheckpointBarrier,
  END_OF_INPUT,
  MAX_WATERMARK,
  NO_TIMESTAMP,
  type Row,
  type StreamElement,
} from './elements';
import type { InputGate } from './gate';
import {
  Collector,
  isTwoInput,
  noteEventTimes,
  type OperatorSnapshot,
  type StreamOperator,
} from './operator';
import type { SourceSplitState, SourceState } from './source-state';
import type { RecordWriter } from './writer';

/**
 * The operators of one chain, run synchronously over a batch: operator i's collector feeds operator i + 1;
 * the last one feeds the record writers of the vertex's outgoing edges (by port).
 */
export class OperatorChain {
  private readonly cols: Collector[];

  constructor(
    readonly operators: StreamOperator[],
    private readonly mainWriters: RecordWriter[],
    private readonly lateWriters: RecordWriter[],
  ) {
    this.cols = operators.map(() => new Collector());
    if (lateWriters.length > 0 && this.cols.length > 0)
      this.cols[this.cols.length - 1]!.late = new Collector();
  }

  /** Rows of a two-input head operator's second input (the first's go through `pushRecords(0, …)`). */
  pushRecords2(rows: Row[], ts: number[]): void {
    const head = this.operators[0];
    if (head === undefined || !isTwoInput(head))
      throw new Error('internal: records for a second input of a one-input chain');
    head.processBatch2(rows, ts, this.cols[0]!);
    this.drain(0);
  }

  pushRecords(i: number, rows: Row[], ts: number[]): void {
    if (i === this.operators.length) {
      for (let w = 0; w < this.mainWriters.length; w++) this.mainWriters[w]!.emit(rows, ts);
      return;
    }
    const op = this.operators[i]!;
    noteEventTimes(op.metrics, ts);
    op.processBatch(rows, ts, this.cols[i]!);
    this.drain(i);
  }

  private drain(i: number): void {
    const col = this.cols[i]!;
    if (col.late && col.late.length > 0) {
      const b = col.late.take();
      for (const w of this.lateWriters) w.emit(b.rows, b.ts);
    }
    if (col.length > 0) {
      const b = col.take();
      this.pushRecords(i + 1, b.rows, b.ts);
    }
  }

  pushWatermark(i: number, watermark: number): void {
    for (; i < this.operators.length; i++) {
      this.operators[i]!.processWatermark(watermark, this.cols[i]!);
      this.drain(i);
    }
    this.broadcast({ kind: 'watermark', timestamp: watermark });
  }

  processingTime(now: number): void {
    for (let i = 0; i < this.operators.length; i++) {
      const op = this.operators[i]!;
      const next = op.nextProcessingTime();
      if (next !== undefined && next <= now) {
        op.onProcessingTime(now, this.cols[i]!);
        this.drain(i);
      }
    }
  }

  nextProcessingTime(): number | undefined {
    let min: number | undefined;
    for (const op of this.operators) {
      const t = op.nextProcessingTime();
      if (t !== undefined && (min === undefined || t < min)) min = t;
    }
    return min;
  }

  endInput(): void {
    for (let i = 0; i < this.operators.length; i++) {
      this.operators[i]!.endInput(this.cols[i]!);
      this.drain(i);
    }
  }

  broadcast(e: StreamElement): void {
    for (const w of this.mainWriters) w.broadcast(e);
    if (e.kind !== 'records') for (const w of this.lateWriters) w.broadcast(e);
  }

  flush(): void {
    for (const w of this.mainWriters) w.flush();
    for (const w of this.lateWriters) w.flush();
  }

  hasCapacity(): boolean {
    for (const w of this.mainWriters) if (!w.hasCapacity()) return false;
    for (const w of this.lateWriters) if (!w.hasCapacity()) return false;
    return true;
  }

  snapshot(checkpointId: number, savepoint = false): OperatorSnapshot[] {
    const out: OperatorSnapshot[] = [];
    for (const op of this.operators) {
      const s = op.snapshotState(checkpointId, savepoint);
      if (s) out.push(s);
    }
    return out;
  }
}

/** What a task reports to the job when it takes part in a checkpoint. */
export type SnapshotListener = (task: Task, barrier: CheckpointBarrier, state: OperatorSnapshot[]) => void;

export interface TaskMetrics {
  /** ms the task could not run because a consumer's channel was full. */
  backpressureMs: number;
}

export abstract class Task {
  finished = false;
  readonly metrics: TaskMetrics = { backpressureMs: 0 };
  private blockedSince = 0;

  constructor(
    readonly vertexId: string,
    readonly subtask: number,
    readonly chain: OperatorChain,
    protected readonly clock: Clock,
    protected readonly onSnapshot: SnapshotListener,
  ) {}

  /** Runs up to `budget` rows of work; returns true when it did anything. */
  abstract step(budget: number): boolean;

  /** Earliest time (clock ms) at which this task has timed work (processing-time timers, rate limits, idleness). */
  abstract wakeAt(): number | undefined;

  protected outputBlocked(): boolean {
    if (this.chain.hasCapacity()) {
      if (this.blockedSince) {
        this.metrics.backpressureMs += performance.now() - this.blockedSince;
        this.blockedSince = 0;
      }
      return false;
    }
    if (!this.blockedSince) this.blockedSince = performance.now();
    return true;
  }

  /** The last checkpoint this task took part in. */
  lastCheckpointId = 0;

  /**
   * A task that has finished (its input ended) takes part in a checkpoint directly: its state already
   * includes everything its inputs will ever send, so that snapshot is consistent with the sources' end.
   */
  snapshotFinished(barrier: CheckpointBarrier): void {
    if (!this.finished || barrier.checkpointId <= this.lastCheckpointId) return;
    this.takeSnapshot(barrier);
  }

  /** How long the last synchronous snapshot paused this task (ms). */
  lastSyncSnapshotMs = 0;

  private takeSnapshot(barrier: CheckpointBarrier): void {
    const t0 = performance.now();
    this.lastCheckpointId = barrier.checkpointId;
    const state = this.chain.snapshot(barrier.checkpointId, barrier.savepoint === true);
    const own = this.snapshotOwnState();
    if (own) state.unshift(own);
    this.lastSyncSnapshotMs = performance.now() - t0;
    this.onSnapshot(this, barrier, state);
  }

  /** The synchronous part of a checkpoint: snapshot the chain, hand it over, forward the barrier. */
  protected checkpoint(barrier: CheckpointBarrier): void {
    this.takeSnapshot(barrier);
    this.chain.broadcast(barrier);
  }

  /** Sources: their split positions. */
  protected snapshotOwnState(): OperatorSnapshot | null {
    return null;
  }

  /** A task id, unique in the job: `<vertex>#<subtask>`. */
  get id(): string {
    return `${this.vertexId}#${this.subtask}`;
  }
}

/** A subtask of a vertex with inputs: reads its gate, runs its chain. */
export class StreamTask extends Task {
  constructor(
    vertexId: string,
    subtask: number,
    chain: OperatorChain,
    clock: Clock,
    onSnapshot: SnapshotListener,
    readonly gate: InputGate,
  ) {
    super(vertexId, subtask, chain, clock, onSnapshot);
  }

  step(budget: number): boolean {
    if (this.finished) return false;
    let did = false;
    const due = this.chain.nextProcessingTime();
    if (due !== undefined && due <= this.clock.now()) {
      this.chain.processingTime(this.clock.now());
      did = true;
    }
    let rows = 0;
    while (rows < budget && !this.outputBlocked()) {
      const ev = this.gate.poll();
      if (!ev) break;
      did = true;
      switch (ev.kind) {
        case 'records':
          rows += ev.rows.length;
          if (this.gate.lastInput === 1) this.chain.pushRecords2(ev.rows, ev.ts);
          else this.chain.pushRecords(0, ev.rows, ev.ts);
          break;
        case 'watermark':
          this.chain.pushWatermark(0, ev.timestamp);
          break;
        case 'status':
          this.chain.broadcast(ev);
          break;
        case 'aligned':
          this.checkpoint(ev.barrier);
          break;
        case 'allEnded':
          this.chain.endInput();
          this.chain.broadcast(END_OF_INPUT);
          this.finished = true;
          return true;
        case 'barrier':
        case 'end':
          break; // handled inside the gate
      }
    }
    this.chain.flush();
    return did;
  }

  wakeAt(): number | undefined {
    return this.finished ? undefined : this.chain.nextProcessingTime();
  }
}

/** Event-time settings of a source (Flink's `WatermarkStrategy.forBoundedOutOfOrderness`). */
interface WatermarkGen {
  field: string;
  delay: number;
  every: number;
  idleTimeoutMs: number;
}

export interface SourceMetrics {
  recordsOut: number;
  rowErrors: number;
  currentWatermark: number;
}

/**
 * One split of a source read by a subtask (FLIP-27's split): split `split` of `of` (datagen row i belongs to
 * split i mod of), with its own watermark generator state, so reassigning splits on a restore at another
 * parallelism keeps every split's event-time progress.
 */
export interface SourceSplit {
  split: number;
  of: number;
  reader: SplitReader;
  /** Largest event timestamp seen in this split. */
  maxTs: number;
  sinceWm: number;
}

/**
 * A subtask of a source vertex: reads its splits (round-robin), stamps event time, generates watermarks
 * (per split; the subtask's watermark is the minimum over its splits that have not ended), runs the chain.
 * Checkpoint barriers are injected here, between batches, and the splits' positions go into the checkpoint.
 */
export class SourceTask extends Task {
  private emittedWm = Number.NEGATIVE_INFINITY;
  private idle = false;
  /** Declared idle (no rows for `idleTimeoutMs`): downstream watermarks do not wait for it. */
  get isIdle(): boolean {
    return this.idle;
  }
  private lastDataAt: number;
  private readonly wmGen: WatermarkGen | null;
  private readonly buf: Row[] = [];
  private next = 0;
  private pendingBarriers: CheckpointBarrier[] = [];
  private announced = false;

  constructor(
    vertexId: string,
    subtask: number,
    chain: OperatorChain,
    clock: Clock,
    onSnapshot: SnapshotListener,
    readonly node: SourceNode,
    readonly splits: SourceSplit[],
    private readonly reportBadTimestamp: (row: Row) => void,
    /** Shared with the split readers, which count the rows they could not parse. */
    readonly sourceMetrics: SourceMetrics = {
      recordsOut: 0,
      rowErrors: 0,
      currentWatermark: Number.NEGATIVE_INFINITY,
    },
  ) {
    super(vertexId, subtask, chain, clock, onSnapshot);
    const wm = node.watermark;
    this.wmGen = wm
      ? {
          field: wm.timestampField,
          delay: wm.maxOutOfOrdernessMs,
          every: wm.emitEveryRows,
          idleTimeoutMs: wm.idleTimeoutMs,
        }
      : null;
    this.lastDataAt = clock.now();
  }

  /** The coordinator asks this source to take part in checkpoint n: the barrier goes out before the next batch. */
  injectBarrier(b: CheckpointBarrier, thenSuspend = false): void {
    this.pendingBarriers.push(b);
    if (thenSuspend) this.suspendAfter = b.checkpointId;
  }

  /** Stop-with-savepoint: after this barrier the source emits nothing more (Flink's stop without drain). */
  private suspendAfter = 0;
  private suspended = false;

  /** Reading resumes (the savepoint failed, the job goes on). */
  resume(): void {
    this.suspended = false;
    this.suspendAfter = 0;
  }

  protected override snapshotOwnState(): OperatorSnapshot<SourceState> {
    const splits: SourceSplitState[] = this.splits.map((s) => ({
      split: s.split,
      of: s.of,
      position: s.reader.position(),
      maxTs: Number.isFinite(s.maxTs) ? s.maxTs : null,
    }));
    return { nodeId: this.node.id, subtask: this.subtask, operatorState: { splits } };
  }

  step(budget: number): boolean {
    if (this.finished) return false;
    let did = false;
    if (!this.announced) {
      // After a restore the splits know how far event time got: say so before any record.
      this.announced = true;
      this.updateWatermark();
    }
    while (this.pendingBarriers.length > 0) {
      const b = this.pendingBarriers.shift()!;
      this.checkpoint(b);
      if (b.checkpointId === this.suspendAfter) this.suspended = true;
      did = true;
    }
    if (this.suspended) {
      this.chain.flush();
      return did;
    }
    const now = this.clock.now();
    const due = this.chain.nextProcessingTime();
    if (due !== undefined && due <= now) {
      this.chain.processingTime(now);
      did = true;
    }
    if (this.outputBlocked()) return did;
    const live = this.splits.filter((s) => !s.reader.ended);
    if (live.length === 0) {
      this.finish();
      return true;
    }
    const buf = this.buf;
    let produced = 0;
    for (let k = 0; k < live.length && produced === 0; k++) {
      const sp = live[(this.next + k) % live.length]!;
      buf.length = 0;
      const n = sp.reader.read(budget, buf);
      if (n > 0) {
        this.next = (this.next + k + 1) % live.length;
        produced = n;
        if (this.idle) {
          this.idle = false;
          this.chain.broadcast({ kind: 'status', idle: false });
        }
        this.lastDataAt = now;
        this.emit(sp, buf);
      } else if (sp.reader.ended) {
        // a split ended: it no longer holds the watermark back
        this.updateWatermark();
        did = true;
      }
    }
    if (produced === 0) {
      if (this.splits.every((s) => s.reader.ended)) {
        this.finish();
        return true;
      }
      this.maybeIdle(now);
      this.chain.flush();
      return did;
    }
    this.chain.flush();
    return true;
  }

  private emit(sp: SourceSplit, rows: Row[]): void {
    this.sourceMetrics.recordsOut += rows.length;
    const gen = this.wmGen;
    if (!gen) {
      const ts = new Array<number>(rows.length).fill(NO_TIMESTAMP);
      this.chain.pushRecords(0, rows.slice(), ts);
      return;
    }
    const field = gen.field;
    let outRows: Row[] = [];
    let outTs: number[] = [];
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const t = row[field];
      if (typeof t !== 'number' || !Number.isFinite(t)) {
        this.sourceMetrics.rowErrors++;
        this.reportBadTimestamp(row);
        continue;
      }
      outRows.push(row);
      outTs.push(t);
      if (t > sp.maxTs) sp.maxTs = t;
      if (++sp.sinceWm >= gen.every) {
        sp.sinceWm = 0;
        const wm = this.candidateWatermark(sp);
        if (wm > this.emittedWm) {
          if (outRows.length > 0) this.chain.pushRecords(0, outRows, outTs);
          outRows = [];
          outTs = [];
          this.emitWatermark(wm);
        }
      }
    }
    if (outRows.length > 0) this.chain.pushRecords(0, outRows, outTs);
  }

  /**
   * max timestamp − out-of-orderness − 1, minimum over the splits that have not ended (and the split whose
   * rows are being emitted: its reader may already know it has ended while its last batch goes out).
   */
  private candidateWatermark(emitting?: SourceSplit): number {
    const gen = this.wmGen;
    if (!gen) return Number.NEGATIVE_INFINITY;
    let min = Number.POSITIVE_INFINITY;
    for (const s of this.splits) {
      if (s.reader.ended && s !== emitting) continue;
      const wm = s.maxTs - gen.delay - 1;
      if (wm < min) min = wm;
    }
    return min === Number.POSITIVE_INFINITY ? Number.NEGATIVE_INFINITY : min;
  }

  private updateWatermark(): void {
    const wm = this.candidateWatermark();
    if (wm > this.emittedWm) this.emitWatermark(wm);
  }

  private emitWatermark(wm: number): void {
    this.emittedWm = wm;
    this.sourceMetrics.currentWatermark = wm;
    this.chain.pushWatermark(0, wm);
  }

  /** No data right now: bring the watermark up to date; after idleTimeoutMs, declare the subtask idle. */
  private maybeIdle(now: number): void {
    const gen = this.wmGen;
    if (!gen) return;
    this.updateWatermark();
    if (!this.idle && gen.idleTimeoutMs > 0 && now - this.lastDataAt >= gen.idleTimeoutMs) {
      this.idle = true;
      this.chain.broadcast({ kind: 'status', idle: true });
    }
  }

  private finish(): void {
    if (this.idle) {
      this.idle = false;
      this.chain.broadcast({ kind: 'status', idle: false });
    }
    this.emitWatermark(MAX_WATERMARK);
    this.chain.endInput();
    this.chain.broadcast(END_OF_INPUT);
    for (const s of this.splits) s.reader.close();
    this.finished = true;
  }

  wakeAt(): number | undefined {
    if (this.finished || this.suspended) return undefined;
    const now = this.clock.now();
    let t: number | undefined;
    for (const s of this.splits) {
      if (s.reader.ended) continue;
      const a = s.reader.availableAt(now);
      if (a && (t === undefined || a < t)) t = a;
    }
    const p = this.chain.nextProcessingTime();
    if (p !== undefined && (t === undefined || p < t)) t = p;
    if (this.wmGen && !this.idle && this.wmGen.idleTimeoutMs > 0) {
      const idleAt = this.lastDataAt + this.wmGen.idleTimeoutMs;
      if (t === undefined || idleAt < t) t = idleAt;
    }
    return t;
  }
}
