/**
 * The `file` sink's writer (plain, not yet transactional) and the row formatters the console sink
 * shares.
 *
 * Each subtask writes `<dir>/part-<subtask>-<n>.<jsonl|csv>` (the directory is created; n is the
 * first number not already used by that subtask in the directory, so an earlier run's files are
 * never overwritten). Rows are buffered in memory and written with fs.writeSync in chunks of about
 * 1 MiB; `flush()` hands the buffer to the OS, `close()` flushes and closes the file.
 *
 * - jsonl: one JSON object per line with the schema's fields in the schema's order (fields the
 *   schema does not declare are left out; a missing value is `null`; NaN and ±Infinity are `null`,
 *   as JSON.stringify does).
 * - csv: a header line with the field names, then one line per row, fields quoted as RFC 4180 says
 *   (when they hold the delimiter, a quote, a line break or leading/trailing spaces; quotes doubled).
 *   NULL is an empty unquoted field and the empty string is `""`, so both survive a round trip
 *   through the file source. Lines end with `\n`.
 */
import { closeSync, mkdirSync, openSync, readdirSync, writeSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { SinkConnector } from '@flowstate/spec';
import type { Row, RowSchema } from './types';

export type FileSinkConnector = Extract<SinkConnector, { type: 'file' }>;

export interface FileSinkWriter {
  write(rows: Row[]): void;
  flush(): void;
  close(): void;
}

export interface FileSinkContext {
  subtask: number;
  baseDir: string;
  jobName: string;
}

const FLUSH_CHARS = 1 << 20;

function jsonValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return JSON.stringify(v);
    case 'bigint':
      return v.toString();
    default:
      return JSON.stringify(v) ?? 'null';
  }
}

/** A function formatting a row as one JSON line (without the newline), fields in schema order. */
export function createJsonlFormatter(fields: readonly string[]): (row: Row) => string {
  const keys = fields.slice();
  const prefixes = keys.map((k, i) => `${i === 0 ? '{' : ','}${JSON.stringify(k)}:`);
  if (keys.length === 0) return () => '{}';
  return (row) => {
    let s = '';
    for (let i = 0; i < keys.length; i++) s += prefixes[i]! + jsonValue(row[keys[i]!]);
    return `${s}}`;
  };
}

/** One row as a JSON line (without the newline), with the schema's fields in order. */
export function formatJsonlRow(row: Row, schema: RowSchema | readonly string[]): string {
  const fields = Array.isArray(schema) ? (schema as readonly string[]) : Object.keys(schema);
  let s = '{';
  for (let i = 0; i < fields.length; i++) {
    const k = fields[i]!;
    s += `${i === 0 ? '' : ','}${JSON.stringify(k)}:${jsonValue(row[k])}`;
  }
  return `${s}}`;
}

/** Quote a csv field when it has to be (RFC 4180). */
export function csvQuote(text: string, delimiter = ','): string {
  if (
    text === '' ||
    text.includes('"') ||
    text.includes(delimiter) ||
    text.includes('\n') ||
    text.includes('\r') ||
    text.trim() !== text
  ) {
    return `"${text.replaceAll('"', '""')}"`;
  }
  return text;
}

function csvValue(v: unknown, delimiter: string): string {
  if (v === null || v === undefined) return '';
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? String(v) : '';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return csvQuote(v, delimiter);
    default:
      return csvQuote(typeof v === 'object' ? JSON.stringify(v) : String(v), delimiter);
  }
}

/** One row as a csv line (without the newline), with the schema's fields in order. */
export function formatCsvRow(row: Row, schema: RowSchema | readonly string[], delimiter = ','): string {
  const fields = Array.isArray(schema) ? (schema as readonly string[]) : Object.keys(schema);
  let s = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) s += delimiter;
    s += csvValue(row[fields[i]!], delimiter);
  }
  return s;
}

/** The csv header line (without the newline). */
export function formatCsvHeader(schema: RowSchema | readonly string[], delimiter = ','): string {
  const fields = Array.isArray(schema) ? (schema as readonly string[]) : Object.keys(schema);
  return fields.map((f) => csvQuote(f, delimiter)).join(delimiter);
}

function nextPartNumber(dir: string, subtask: number, ext: string): number {
  const re = new RegExp(`^part-${subtask}-(\\d+)\\.${ext}$`);
  let next = 0;
  for (const name of readdirSync(dir)) {
    const m = re.exec(name);
    if (m) next = Math.max(next, Number(m[1]) + 1);
  }
  return next;
}

class PlainFileSinkWriter implements FileSinkWriter {
  readonly path: string;
  private fd: number;
  private chunks: string[] = [];
  private size = 0;
  private readonly format: (row: Row) => string;

  constructor(connector: FileSinkConnector, schema: RowSchema, ctx: FileSinkContext) {
    const dir = isAbsolute(connector.path) ? connector.path : resolve(ctx.baseDir, connector.path);
    mkdirSync(dir, { recursive: true });
    const ext = connector.format;
    this.path = join(dir, `part-${ctx.subtask}-${nextPartNumber(dir, ctx.subtask, ext)}.${ext}`);
    this.fd = openSync(this.path, 'wx');
    const fields = Object.keys(schema);
    if (connector.format === 'csv') {
      this.format = (row) => formatCsvRow(row, fields);
      this.push(`${formatCsvHeader(fields)}\n`);
    } else {
      this.format = createJsonlFormatter(fields);
    }
  }

  private push(text: string): void {
    this.chunks.push(text);
    this.size += text.length;
    if (this.size >= FLUSH_CHARS) this.flush();
  }

  write(rows: Row[]): void {
    if (this.fd < 0) throw new Error(`file sink: ${this.path} is closed`);
    const format = this.format;
    let part = '';
    for (let i = 0; i < rows.length; i++) {
      part += `${format(rows[i]!)}\n`;
      if (part.length >= 65536) {
        this.push(part);
        part = '';
      }
    }
    if (part.length > 0) this.push(part);
  }

  flush(): void {
    if (this.chunks.length === 0 || this.fd < 0) return;
    const data = Buffer.from(this.chunks.length === 1 ? this.chunks[0]! : this.chunks.join(''), 'utf8');
    this.chunks = [];
    this.size = 0;
    let off = 0;
    while (off < data.length) off += writeSync(this.fd, data, off, data.length - off);
  }

  close(): void {
    if (this.fd < 0) return;
    this.flush();
    closeSync(this.fd);
    this.fd = -1;
  }
}

export function createFileSinkWriter(
  connector: FileSinkConnector,
  schema: RowSchema,
  ctx: FileSinkContext,
): FileSinkWriter & { readonly path: string } {
  return new PlainFileSinkWriter(connector, schema, ctx);
}
