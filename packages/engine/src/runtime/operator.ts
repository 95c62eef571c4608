import type { JobNode } from '@flowstate/spec';
import type { Row } from './elements';

/**
 * Where an operator puts what it emits: two parallel arrays (rows, event timestamps), filled in place — no
 * object per record. `late` is the side output of a window's `late` port when an edge takes it.
 */
export class Collector {
  rows: Row[] = [];
  ts: number[] = [];
  late: Collector | null = null;

  emit(row: Row, timestamp: number): void {
    this.rows.push(row);
    this.ts.push(timestamp);
  }

  get length(): number {
    return this.rows.length;
  }

  /** Hands the buffered batch over and starts a fresh one (the batch may be kept by a channel). */
  take(): { rows: Row[]; ts: number[] } {
    const b = { rows: this.rows, ts: this.ts };
    this.rows = [];
    this.ts = [];
    return b;
  }
}

/** A row that could not be parsed, or whose expression failed: counted and reported, the job goes on. */
export interface RowError {
  nodeId: string;
  subtask: number;
  code: string;
  message: string;
  /** Where the row came from: "data/words.txt:12", or the row itself as JSON (truncated). */
  position: string;
}

export interface OperatorMetrics {
  recordsIn: number;
  recordsOut: number;
  rowErrors: number;
  /** Rows dropped by a window because they were late and no `late` edge takes them. */
  lateRowsDropped: number;
  currentWatermark: number;
}

export function newOperatorMetrics(): OperatorMetrics {
  return {
    recordsIn: 0,
    recordsOut: 0,
    rowErrors: 0,
    lateRowsDropped: 0,
    currentWatermark: Number.NEGATIVE_INFINITY,
  };
}

/** A JSON-compatible snapshot of one operator subtask's state (keyed and operator state). */
export interface OperatorSnapshotData {
  nodeId: string;
  subtask: number;
  keyed?: unknown;
  timers?: unknown;
  operator?: unknown;
}

export interface StreamOperator {
  readonly node: JobNode;
  readonly metrics: OperatorMetrics;
  open(): void;
  processBatch(rows: Row[], ts: number[], out: Collector): void;
  /** Called once the combined input watermark advances; timers up to it fire here. The chain forwards it. */
  processWatermark(watermark: number, out: Collector): void;
  /** Processing-time timers due at `now` fire here. */
  onProcessingTime(now: number, out: Collector): void;
  /** Earliest pending processing-time timer, for the scheduler. */
  nextProcessingTime(): number | undefined;
  /** All inputs have ended (after the final watermark). */
  endInput(out: Collector): void;
  snapshotState(checkpointId: number): OperatorSnapshotData | null;
  restoreState(parts: OperatorSnapshotData[]): void;
  notifyCheckpointComplete(checkpointId: number): void;
  close(): void;
  /** Keyed operators: number of keys held in state. */
  numKeys(): number;
}

/** Defaults for every hook, so an operator implements only what it does (Flink's `AbstractStreamOperator`). */
export abstract class AbstractStreamOperator<N extends JobNode = JobNode> implements StreamOperator {
  readonly metrics: OperatorMetrics = newOperatorMetrics();
  constructor(readonly node: N) {}
  open(): void {}
  abstract processBatch(rows: Row[], ts: number[], out: Collector): void;
  processWatermark(watermark: number, _out: Collector): void {
    this.metrics.currentWatermark = watermark;
  }
  onProcessingTime(_now: number, _out: Collector): void {}
  nextProcessingTime(): number | undefined {
    return undefined;
  }
  endInput(_out: Collector): void {}
  snapshotState(_checkpointId: number): OperatorSnapshotData | null {
    return null;
  }
  restoreState(_parts: OperatorSnapshotData[]): void {}
  notifyCheckpointComplete(_checkpointId: number): void {}
  close(): void {}
  numKeys(): number {
    return 0;
  }
}
