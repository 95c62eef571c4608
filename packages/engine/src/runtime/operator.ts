import { type JobNode, LATE_SAMPLE_SIZE, type LateRowSample } from '@flowstate/spec';
import type { KeyedStateSnapshot, KeyedStateSnapshotData } from '../state/index';
import type { TimersSnapshotData } from '../time/index';
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
  /** The newest late rows dropped, oldest first (at most LATE_SAMPLE_SIZE). */
  lateSample: LateRowSample[];
  currentWatermark: number;
  /** Largest event timestamp received (-Infinity before the first). */
  maxEventTime: number;
}

export function newOperatorMetrics(): OperatorMetrics {
  return {
    recordsIn: 0,
    recordsOut: 0,
    rowErrors: 0,
    lateRowsDropped: 0,
    lateSample: [],
    currentWatermark: Number.NEGATIVE_INFINITY,
    maxEventTime: Number.NEGATIVE_INFINITY,
  };
}

/** A late row was dropped: counted, and kept in the sample with the watermark it arrived behind. */
export function noteLateRowDropped(metrics: OperatorMetrics, ts: number, watermark: number): void {
  metrics.lateRowsDropped++;
  const sample = metrics.lateSample;
  if (sample.length >= LATE_SAMPLE_SIZE) sample.shift();
  sample.push({ ts, watermark });
}

/** Raises `maxEventTime` to the largest of a batch's event timestamps (NO_TIMESTAMP, -Infinity, never wins). */
export function noteEventTimes(metrics: OperatorMetrics, ts: readonly number[]): void {
  let max = metrics.maxEventTime;
  for (let i = 0; i < ts.length; i++) if (ts[i]! > max) max = ts[i]!;
  metrics.maxEventTime = max;
}

/** What a window reports besides the common figures. */
export interface WindowFigures {
  /** Windows holding state now. */
  openWindows: number;
  /** The time (`window_end - 1`) at which the earliest open window fires; undefined when none is open. */
  nextFireAt: number | undefined;
}

/**
 * What an operator subtask hands over at a checkpoint barrier: the synchronous part of its snapshot. Keyed
 * state is a copy-on-write handle, materialized and written off the hot path; timers and operator state
 * `S` (a window's watermark, source positions, a sink's pending files) are small plain JSON data, typed by
 * the operator's `OperatorStateType<S>`.
 */
export interface OperatorSnapshot<S = unknown> {
  nodeId: string;
  subtask: number;
  keyed?: KeyedStateSnapshot;
  timers?: TimersSnapshotData;
  operatorState?: S;
}

/** The operator state one old subtask left in a checkpoint. */
export interface OperatorStateEntry<S = unknown> {
  subtask: number;
  parallelism: number;
  state: S;
}

/**
 * What an operator subtask restores from: the keyed state and timers of every old subtask whose key groups
 * overlap its own (already cut to its range), and the operator state of *all* old subtasks (Flink's union
 * redistribution: the operator takes its share). As read from a checkpoint, operator states are `unknown`;
 * `restoreState` checks them against the operator's `OperatorStateType` and hands `initializeState` them
 * typed.
 */
export interface OperatorRestore<S = unknown> {
  /** The checkpoint restored (0: a restart from the beginning, with nothing restored). */
  checkpointId: number;
  keyed: KeyedStateSnapshotData[];
  timers: TimersSnapshotData[];
  operatorStates: Array<OperatorStateEntry<S>>;
}

/**
 * The type of an operator class's non-keyed state in checkpoints (what Flink keeps in an operator's union
 * `ListState`, with its serializer): a name for messages, and `read`, which checks what a checkpoint holds
 * — JSON written by an earlier run — and returns it typed, or throws an `OperatorStateError`.
 */
export interface OperatorStateType<S> {
  readonly name: string;
  read(value: unknown): S;
}

/** A checkpoint's operator state is not what the operator restoring it keeps. */
export class OperatorStateError extends Error {
  readonly code = 'OPERATOR_STATE_INVALID';
  constructor(message: string) {
    super(message);
    this.name = 'OperatorStateError';
  }
}

/** Reads one subtask's operator state with `type`, naming the node and subtask when it is not valid. */
export function readOperatorState<S>(
  type: OperatorStateType<S>,
  nodeId: string,
  entry: OperatorStateEntry,
): OperatorStateEntry<S> {
  try {
    return { subtask: entry.subtask, parallelism: entry.parallelism, state: type.read(entry.state) };
  } catch (e) {
    throw new OperatorStateError(
      `node '${nodeId}': the checkpointed operator state of subtask ${entry.subtask} is not a ${type.name}: ${(e as Error).message}`,
    );
  }
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
  /**
   * The synchronous part of a checkpoint (copy-on-write handles, small data); null when stateless. `savepoint`:
   * the snapshot is of a savepoint (self-contained: see `SnapshotOptions.savepoint`).
   */
  snapshotState(checkpointId: number, savepoint?: boolean): OperatorSnapshot | null;
  restoreState(r: OperatorRestore): void;
  notifyCheckpointComplete(checkpointId: number): void;
  close(): void;
  /** Keyed operators: number of keys held in state. */
  numKeys(): number;
  /** Keyed operators whose state backend keeps files (the disk backend): their bytes on disk. */
  stateBytesOnDisk?(): number | undefined;
  /** Windows: open windows and when the next one fires. */
  windowFigures?(): WindowFigures;
}

/**
 * An operator with two inputs (Flink's `TwoInputStreamOperator`): `processBatch` takes the rows of the first
 * (left) input, `processBatch2` those of the second (right). Watermarks, barriers and the end of input come
 * combined over both (the task's gate: the watermark is the minimum of the two sides, barriers align across all
 * their channels).
 */
export interface TwoInputStreamOperator extends StreamOperator {
  processBatch2(rows: Row[], ts: number[], out: Collector): void;
}

export function isTwoInput(op: StreamOperator): op is TwoInputStreamOperator {
  return typeof (op as Partial<TwoInputStreamOperator>).processBatch2 === 'function';
}

/**
 * Defaults for every hook, so an operator implements only what it does (Flink's `AbstractStreamOperator`).
 * `S` is the operator's non-keyed state (`never` when it keeps none): it snapshots an `OperatorSnapshot<S>`
 * and restores in `initializeState` from the checked states of every old subtask.
 */
export abstract class AbstractStreamOperator<N extends JobNode = JobNode, S = never>
  implements StreamOperator
{
  readonly metrics: OperatorMetrics = newOperatorMetrics();
  /** The type of this operator's non-keyed state; null when it keeps none (a checkpoint's is then ignored). */
  protected readonly operatorStateType: OperatorStateType<S> | null = null;
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
  snapshotState(_checkpointId: number): OperatorSnapshot<S> | null {
    return null;
  }
  /** Checks the checkpoint's operator states against `operatorStateType`, then `initializeState`. */
  restoreState(r: OperatorRestore): void {
    const type = this.operatorStateType;
    const operatorStates = type ? r.operatorStates.map((o) => readOperatorState(type, this.node.id, o)) : [];
    this.initializeState({ checkpointId: r.checkpointId, keyed: r.keyed, timers: r.timers, operatorStates });
  }
  /** Flink's `initializeState`: restores from a checkpoint, with every old subtask's operator state. */
  protected initializeState(_r: OperatorRestore<S>): void {}
  notifyCheckpointComplete(_checkpointId: number): void {}
  close(): void {}
  numKeys(): number {
    return 0;
  }
}
