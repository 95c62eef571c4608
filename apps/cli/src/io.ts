/**
 * Everything a command touches outside itself — output streams, the directory user paths are relative
 * to, the environment — in one object, so commands can be run in-process by tests with fakes.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface CliIo {
  /** Writes to standard output (the command's result: text or `--json`). */
  stdout(text: string): void;
  /** Writes to standard error (usage, errors that stop a command, progress). */
  stderr(text: string): void;
  /** The directory that relative paths the user typed are resolved against (see `userDirectory`). */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether text output may use ANSI colours. */
  readonly color: boolean;
  /** Reads all of standard input (for the path `-`). */
  readStdin(): string;
}

/**
 * The directory the user typed their command in.
 *
 * `pnpm flowstate …` runs the root package's `flowstate` script, and pnpm runs a script with the
 * package's directory (the repo root) as the working directory, whatever directory the user is in;
 * it passes the user's directory in `INIT_CWD` (as npm does). So when we are that script
 * (`npm_lifecycle_event` is `flowstate`), paths resolve against `INIT_CWD`; otherwise (the bin entry,
 * `tsx apps/cli/src/main.ts`, a spawned child of some other script) against the working directory.
 * Only the `flowstate` script is trusted: another package script that calls the CLI wrote its paths
 * relative to its own package directory, which is then the working directory.
 */
export function userDirectory(env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  const initCwd = env.INIT_CWD;
  if (env.npm_lifecycle_event === 'flowstate' && initCwd && path.isAbsolute(initCwd)) return initCwd;
  return cwd;
}

/** Whether to colour output written to a stream: a TTY, unless NO_COLOR is set; FORCE_COLOR forces it. */
export function wantsColor(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false';
  return isTTY && env.TERM !== 'dumb';
}

/** The real process: `process.stdout`, `process.stderr`, the user's directory. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: userDirectory(process.env, process.cwd()),
    env: process.env,
    color: wantsColor(process.env, process.stdout.isTTY === true),
    readStdin: () => readFileSync(0, 'utf8'),
  };
}
