/**
 * Stream elements — one tagged union, as Flink's `StreamElement` and Arroyo's `SignalMessage`. Records travel
 * in batches (arrays), never one promise or object per record; watermarks, watermark status, checkpoint
 * barriers and end-of-input travel in-band on the same channels, in order.
 *
 * Every element is plain data (structured-cloneable), so a channel can later cross a worker-thread boundary.
 */
export type Row = Record<string, unknown>;

/** Flink's `Long.MIN_VALUE` timestamp: the record carries no event time. */
export const NO_TIMESTAMP = Number.NEGATIVE_INFINITY;
/** Flink's `Watermark.MAX_WATERMARK`: emitted when a bounded source ends; fires every open window. */
export const MAX_WATERMARK = Number.POSITIVE_INFINITY;
export const MIN_WATERMARK = Number.NEGATIVE_INFINITY;

export interface RecordBatch {
  readonly kind: 'records';
  /** Rows are immutable once emitted: operators build new rows, never change the ones they receive. */
  readonly rows: Row[];
  /** Event timestamp per row (epoch ms), or NO_TIMESTAMP. */
  readonly ts: number[];
}
export interface WatermarkElement {
  readonly kind: 'watermark';
  readonly timestamp: number;
}
/** Flink's `WatermarkStatus`: an idle input is left out of the minimum until it becomes active again. */
export interface WatermarkStatusElement {
  readonly kind: 'status';
  readonly idle: boolean;
}
export interface CheckpointBarrier {
  readonly kind: 'barrier';
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly savepoint: boolean;
}
export interface EndOfInput {
  readonly kind: 'end';
}
export type StreamElement =
  | RecordBatch
  | WatermarkElement
  | WatermarkStatusElement
  | CheckpointBarrier
  | EndOfInput;

export const END_OF_INPUT: EndOfInput = Object.freeze({ kind: 'end' });
