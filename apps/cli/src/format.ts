/**
 * Text rendering shared by the commands: problems as `path: message`, with the offending expression
 * and a caret under the column when a problem has one (like a compiler), and CLI errors.
 */
import type { Problem } from '@flowstate/spec';
import type { CliError } from './exit';

const ansi = (code: number) => (text: string) => `\u001b[${code}m${text}\u001b[0m`;
const identity = (text: string) => text;

export interface Paint {
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

export function paint(color: boolean): Paint {
  return color
    ? { red: ansi(31), green: ansi(32), yellow: ansi(33), dim: ansi(2), bold: ansi(1) }
    : { red: identity, green: identity, yellow: identity, dim: identity, bold: identity };
}

/** `n thing` / `n things`. */
export function plural(n: number, thing: string): string {
  return `${n} ${thing}${n === 1 ? '' : 's'}`;
}

/** The value a JSON pointer (RFC 6901) names inside `doc`, or `undefined` when there is none. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  if (!pointer.startsWith('/')) return undefined;
  let current: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current)) {
      if (!/^(0|[1-9]\d*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (current !== null && typeof current === 'object' && Object.hasOwn(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}

/** How a JSON pointer is shown: as is, or `(spec)` for the whole document (as `problemsToText` does). */
export function displayPath(pointer: string): string {
  return pointer === '' ? '(spec)' : pointer;
}

/**
 * The line of `source` holding the 1-based `column`, and a caret line under it. A long line is cut to a
 * window around the column; tabs before the column are kept so the caret lines up.
 */
export function caretLines(source: string, column: number, width = 100): [string, string] {
  // The column counts through the whole text; find the line it falls on.
  let start = 0;
  let offset = Math.max(0, Math.min(column - 1, source.length));
  for (const line of source.split('\n')) {
    if (offset <= line.length) break;
    offset -= line.length + 1;
    start += line.length + 1;
  }
  let line = source.slice(start).split('\n')[0] ?? '';
  line = line.replace(/\r$/, '');
  let prefix = '';
  let suffix = '';
  if (line.length > width) {
    const from = Math.max(0, Math.min(offset - Math.floor(width / 2), line.length - width));
    if (from > 0) prefix = '…';
    if (from + width < line.length) suffix = '…';
    line = line.slice(from, from + width);
    offset -= from;
  }
  const pad = (prefix + line.slice(0, offset)).replace(/[^\t]/g, ' ');
  return [prefix + line + suffix, `${pad}^`];
}

export interface FormatProblemOptions {
  /** The document the problem's path points into, to show the expression a column refers to. */
  document?: unknown;
  paint: Paint;
  /** A warning is marked `warning:` and coloured yellow; an error's code is red. */
  severity: 'error' | 'warning';
  indent?: string;
}

/**
 * One problem, compiler style:
 *
 * ```
 * /nodes/2/where: unknown field 'wrod' … at column 1 [expression/UNKNOWN_FIELD]
 *     wrod <> ''
 *     ^
 * ```
 *
 * Warnings read `path: warning: message [code]`, as `problemsToText` writes them. The node is named
 * when the message does not name it already.
 *
 * ```
 * ```
 */
export function formatProblem(problem: Problem, options: FormatProblemOptions): string {
  const { paint: p, severity } = options;
  const indent = options.indent ?? '';
  const warning = severity === 'warning';
  const mark = warning ? `${p.yellow('warning:')} ` : '';
  const code = `[${problem.code}]`;
  const mentionsNode = problem.nodeId === undefined || problem.message.includes(`'${problem.nodeId}'`);
  const where = mentionsNode ? '' : ` (node '${problem.nodeId}')`;
  const path = p.bold(displayPath(problem.path));
  let text = `${indent}${path}: ${mark}${problem.message}${where} ${warning ? p.yellow(code) : p.red(code)}\n`;
  if (problem.column !== undefined && options.document !== undefined) {
    const source = resolvePointer(options.document, problem.path);
    if (typeof source === 'string') {
      const [line, caret] = caretLines(source, problem.column);
      text += `${indent}    ${line}\n${indent}    ${p.red(caret)}\n`;
    }
  }
  return text;
}

/** A CLI error (exit code 2) as text: `flowstate: [<file>:<line>:<column>: ]<message>`, plus the line and a caret. */
export function formatCliError(error: CliError, p: Paint): string {
  const { path, line, column, sourceLine } = error.details;
  // `file:line:column:` like a compiler when there is a position; otherwise the message names the file.
  const location = path === undefined || line === undefined ? '' : `${path}:${line}:${column ?? 1}: `;
  let text = `${p.red('flowstate:')} ${location}${error.message}\n`;
  if (sourceLine !== undefined && column !== undefined) {
    const [shown, caret] = caretLines(sourceLine, column);
    text += `    ${shown}\n    ${p.red(caret)}\n`;
  }
  return text;
}

export function fmtBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * A checkpoint's size: an incremental one (disk state backend) as what it wrote / what the state consists of —
 * its own directory (`sizeBytes`) holds only timers and `_metadata`.
 */
export function fmtCheckpointSize(c: {
  sizeBytes: number;
  fullSizeBytes?: number;
  incrementalSizeBytes?: number;
}): string {
  return c.incrementalSizeBytes !== undefined && c.fullSizeBytes !== undefined
    ? `${fmtBytes(c.incrementalSizeBytes)} incremental / ${fmtBytes(c.fullSizeBytes)} full`
    : fmtBytes(c.sizeBytes);
}
