/**
 * The data layer's contracts: rows, split readers and their positions, row errors. No Node module
 * is imported here, so the engine core can depend on these types from a browser worker too.
 */
import type { RowSchema } from '@flowstate/spec';
import type { FileAccess } from './file-access';

export type Row = Record<string, unknown>;

/** Ordered object of field name → type, as a source node declares it (the spec's RowSchema). */
export type { RowSchema };

/**
 * JSON-serializable position of a source split; stored in checkpoints; `seek()` resumes exactly there.
 * - datagen / nexmark: `{ index }` — the next global row index this split will emit.
 * - file: `{ offset, line }` — byte offset and 1-based line number of the next unread line (csv:
 *   record). When the source path is a directory, `file` names the part file being read (relative
 *   to the directory); it is absent for a single-file source.
 */
export type SourcePosition = { index: number } | { offset: number; line: number; file?: string };

export interface RowErrorReport {
  /** What is wrong, without the position, e.g. `field "n": expected an integer, got "abc"`. */
  message: string;
  /** Where: `"data/words.txt:12"` for files (path as written in the spec), `"row 17"` otherwise. */
  position: string;
  /** The offending input (a line or csv record), cut to 1,000 characters. */
  raw?: string;
}

/** A row that cannot be parsed while `strict` is on (the job's `rowErrors: 'fail'`). */
export class RowParseError extends Error {
  readonly report: RowErrorReport;
  constructor(report: RowErrorReport) {
    super(`${report.position}: ${report.message}`);
    this.name = 'RowParseError';
    this.report = report;
  }
}

/** A replayable, pull-based reader of one split (subtask) of a source. Synchronous: no promises. */
export interface SplitReader {
  readonly bounded: boolean;
  /**
   * Append up to `max` rows to `out`; return how many were appended. Returns 0 only at end of input
   * (then `ended` is true) or when it has nothing right now (rate-limited: see `availableAt`). Parse
   * errors go to the `onError` given at creation and the row is skipped (or, with `strict`, a
   * `RowParseError` is thrown).
   */
  read(max: number, out: Row[]): number;
  readonly ended: boolean;
  position(): SourcePosition;
  seek(pos: SourcePosition): void;
  /**
   * Rate-limited sources: the clock time (ms) at which the next row becomes available, when it is
   * not available at `nowMs`; otherwise (not rate-limited, a row is due now, or ended) 0.
   */
  availableAt(nowMs: number): number;
  close(): void;
}

export interface SplitContext {
  subtask: number;
  parallelism: number;
  nowMs: () => number;
  /** Resolves and checks the paths a spec names (relative ones against its base directory). */
  files: FileAccess;
  onError: (e: RowErrorReport) => void;
  /** Throw `RowParseError` instead of reporting and skipping. */
  strict: boolean;
}

/** Cut a raw input to a size fit for an error report. */
export function clipRaw(raw: string): string {
  return raw.length > 1000 ? `${raw.slice(0, 1000)}…` : raw;
}

export function reportRowError(ctx: SplitContext, report: RowErrorReport): void {
  if (ctx.strict) throw new RowParseError(report);
  ctx.onError(report);
}
