/** Options, notes, problems and the result of `exportFlinkSql`. */

/** A source replaced by a file of JSON lines (how conformance runs give both engines the same input). */
export interface SourceOverride {
  /** The file (absolute, or relative to `baseDir`); one JSON object per line, timestamps as epoch-ms integers. */
  path: string;
  format: 'jsonl';
}

export interface ExportOptions {
  /** Directory relative paths in the spec resolve against (the spec file's directory on the command line). */
  baseDir?: string;
  /** node id → a JSONL file that replaces that source (a filesystem JSON table reading it). */
  sourceOverrides?: Readonly<Record<string, SourceOverride>>;
  /**
   * The format of filesystem sinks that receive an updating result (a rolling aggregate upstream): Flink's
   * filesystem sink takes only insert-only rows in plain `json`/`csv`. Default `debezium-json`.
   */
  changelogFormat?: string;
  /** `collect` sinks: Flink's `print` connector (default) or a filesystem JSON table at `collectDir/<nodeId>`. */
  collectAs?: 'print' | 'filesystem';
  /** Directory of the `collect` tables when `collectAs` is `filesystem` (absolute, or relative to `baseDir`). */
  collectDir?: string;
}

/** Something the script does not do exactly as Flowstate does; also written as a `-- note:` line. */
export interface ExportNote {
  /** The node it is about; absent for job-wide notes (settings). */
  nodeId?: string;
  message: string;
}

/**
 * Why a spec cannot be exported: an invalid spec's validation problems as they are, or a construct Flink SQL
 * cannot express (`code`s below). `path` is a JSON pointer into the spec; `message` says what to change.
 */
export interface ExportProblem {
  code: string;
  nodeId?: string;
  path: string;
  message: string;
  column?: number;
}

/** Codes of the refusals (besides the validation problems of an invalid spec). */
export const EXPORT_PROBLEM_CODES = [
  'late-port',
  'nexmark-source',
  'csv-source',
  'unbounded-sequence',
  'unsupported-function',
  'unsupported-operator',
  'unsupported-cast',
  'unsupported-aggregate',
  'window-after-update',
  'aggregate-after-update',
  'hop-size-not-multiple',
  'no-time-attribute',
  'duration-too-long',
  'relative-path',
  'invalid-option',
  'unsupported-node',
  'after-update',
  'topn-not-window',
  'unsupported-rank',
  'state-ttl',
] as const;

export type ExportResult =
  | { ok: true; sql: string; notes: ExportNote[] }
  | { ok: false; problems: ExportProblem[] };
