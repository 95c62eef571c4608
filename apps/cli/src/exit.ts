/**
 * Exit codes of every `flowstate` command, and the errors that carry them to `main`.
 *
 * 0 — success (for `validate`: the spec is valid; warnings may have been printed).
 * 1 — the input was read and understood, and it is wrong (an invalid spec; later: a failed job).
 * 2 — the command could not do its work: a usage error, an unreadable file, a file that is not JSON.
 * 3 — a bug in flowstate itself (an exception nobody expected); the stack trace is printed.
 */
export const ExitCode = {
  Ok: 0,
  Invalid: 1,
  Usage: 2,
  Internal: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Stable codes of the errors that end a command with exit code 2 (shown in `--json` output). */
export type CliErrorCode = 'usage' | 'file-unreadable' | 'not-json' | 'flink-unavailable';

/** An error a person can fix: printed as a one-line message (plus details), never with a stack trace. */
export class CliError extends Error {
  override readonly name: string = 'CliError';
  constructor(
    readonly code: CliErrorCode,
    message: string,
    /** Extra fields for `--json` output and text rendering (e.g. the line and column of a JSON error). */
    readonly details: CliErrorDetails = {},
    readonly exitCode: ExitCode = ExitCode.Usage,
  ) {
    super(message);
  }
}

/** A usage error: the message is printed followed by the command's usage, on stderr. */
export class UsageError extends CliError {
  constructor(
    message: string,
    /** The command whose usage to print; absent means the top-level usage. */
    readonly command?: string,
  ) {
    super('usage', message);
  }
}

export interface CliErrorDetails {
  /** The path as the user gave it. */
  path?: string;
  /** 1-based line and column of a JSON syntax error. */
  line?: number;
  column?: number;
  /** The OS error code of an unreadable file (`ENOENT`, `EACCES`, `EISDIR`, …). */
  reason?: string;
  /** The text of the line the error is on, for a caret display. */
  sourceLine?: string;
}
