/**
 * Reading a job spec file the user named: resolve the path against the user's directory, read it, parse
 * it as JSON. Failures become `CliError`s (exit code 2) that say the path and the reason.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { lineText, parseJson, stripBom } from '@flowstate/spec';
import { CliError } from './exit';
import type { CliIo } from './io';

export interface SpecFile {
  /** The path as the user typed it (`-` for standard input). */
  displayPath: string;
  /** The absolute path, or `undefined` for standard input. */
  absolutePath: string | undefined;
  /** The directory relative paths inside the spec resolve against (the spec file's directory). */
  directory: string;
  text: string;
  /** The parsed JSON document (not yet validated). */
  document: unknown;
}

/** An absolute path for a path the user typed, relative to the directory they typed it in. */
export function resolveUserPath(io: Pick<CliIo, 'cwd'>, userPath: string): string {
  return path.resolve(io.cwd, userPath);
}

/** Reads and parses a spec file; `-` reads standard input. Throws `CliError` (exit 2) when it cannot. */
export function readSpecFile(io: CliIo, userPath: string): SpecFile {
  const fromStdin = userPath === '-';
  const absolutePath = fromStdin ? undefined : resolveUserPath(io, userPath);
  const displayPath = fromStdin ? '<stdin>' : userPath;
  let text: string;
  try {
    text = fromStdin ? io.readStdin() : readFileSync(absolutePath!, 'utf8');
  } catch (e) {
    const { code, reason } = describeFsError(e);
    throw new CliError('file-unreadable', `cannot read ${displayPath}: ${reason}`, {
      path: displayPath,
      ...(code ? { reason: code } : {}),
    });
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    const { message, line, column } = parsed.error;
    throw new CliError('not-json', `not valid JSON: ${message}`, {
      path: displayPath,
      line,
      column,
      sourceLine: lineText(stripBom(text), line),
    });
  }
  return {
    displayPath,
    absolutePath,
    directory: absolutePath ? path.dirname(absolutePath) : io.cwd,
    text,
    document: parsed.value,
  };
}

const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
};

/** The OS error code and a human reason, e.g. `ENOENT` → `no such file or directory (ENOENT)`. */
function describeFsError(e: unknown): { code: string | undefined; reason: string } {
  const err = e as NodeJS.ErrnoException;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  if (code && FS_REASONS[code]) return { code, reason: `${FS_REASONS[code]} (${code})` };
  // Node's message is `CODE: reason, syscall 'path'`; keep the reason.
  const message = err instanceof Error ? err.message : String(e);
  const reason = /^[A-Z]+: ([^,]+)/.exec(message)?.[1] ?? message;
  return { code, reason: code ? `${reason} (${code})` : reason };
}
