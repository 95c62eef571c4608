/**
 * The `file` source: `text`, `jsonl` or `csv`, read synchronously in chunks (1 MiB by default) so
 * a file of any size streams through a bounded buffer. (One file: the three formats share the byte window,
 * the line and record scanners and the positions a checkpoint records.)
 *
 * - Parallelism: only subtask 0 reads; the other subtasks of a file source end at once (a file is
 *   one split — the rows reach other subtasks through the job's repartitioning).
 * - Path: resolved by `ctx.files` (relative paths against its base directory; a confined access refuses
 *   paths outside its roots, devices and FIFOs — see file-access.ts). A directory is read as the file sink's
 *   output: every regular file in it whose name does not start with `.` or `_` (those are in
 *   progress), in name order. A path that does not exist fails with an Error naming it.
 * - Lines end with `\n` or `\r\n` (the `\r` is dropped); a UTF-8 byte-order mark is skipped. Bytes
 *   are decoded as UTF-8 only as whole lines / records, so a character split across two chunks is
 *   read correctly.
 * - `text`: one row `{ line }` per line, empty lines included (a final newline does not start
 *   another line).
 * - `jsonl`: one JSON object per line; blank lines are skipped; values are converted to the
 *   schema's types as `coerce.ts` describes (missing → NULL, undeclared fields dropped).
 * - `csv` (RFC 4180): the first record is a header naming the columns; fields may be quoted with
 *   `"` (`""` is a quote inside) and then hold delimiters and line breaks; `delimiter` defaults to
 *   `,`. Columns are matched to schema fields by name (a schema field without a column is NULL;
 *   extra columns are ignored); a record with a different number of fields than the header is an
 *   error; blank lines are skipped; values are converted as `coerce.ts` describes.
 * - A row that cannot be read is reported (`position` "path:line", the path as written in the
 *   spec, `raw` the line or record) and skipped; with `strict` a RowParseError is thrown instead.
 * - Position: `{ offset, line }` — byte offset and 1-based line number of the next unread line
 *   (csv: record); plus `file` (the file's name) when the path is a directory. `seek` reopens the
 *   file there (csv re-reads the header first).
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FileSource } from '@flowstate/spec';
import { type CsvCoercer, csvCoercer, FieldError, type JsonCoercer, jsonCoercer } from './coerce';
import {
  clipRaw,
  type Row,
  type RowSchema,
  reportRowError,
  type SourcePosition,
  type SplitContext,
  type SplitReader,
} from './types';

export const DEFAULT_CHUNK_SIZE = 1 << 20;
/** Default of a file source's `maxLineBytes`: the longest line or csv record it reads (1 MiB). */
export const DEFAULT_MAX_LINE_BYTES = 1 << 20;

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;

export interface FileReaderOptions {
  /** Bytes per read (tests use a few bytes to exercise chunk boundaries). */
  chunkSize?: number;
}

/** One open file: a byte window [start, end) over it, refilled by chunks. */
class ByteWindow {
  readonly fd: number;
  buf: Buffer;
  /** `buf` cut to the valid bytes, so searches never see stale bytes past `end`. */
  view: Buffer;
  start = 0;
  end = 0;
  /** File offset of buf[0]. */
  bufOffset: number;
  eof = false;
  /** Line number of the byte at `start`. */
  line: number;

  constructor(path: string, chunkSize: number, offset: number, line: number) {
    this.fd = openSync(path, 'r');
    this.buf = Buffer.allocUnsafe(chunkSize);
    this.view = this.buf.subarray(0, 0);
    this.bufOffset = offset;
    this.line = line;
    if (offset === 0) {
      // Skip a UTF-8 byte-order mark.
      while (this.end < 3 && this.fillMore()) {}
      if (this.end >= 3 && this.buf[0] === 0xef && this.buf[1] === 0xbb && this.buf[2] === 0xbf)
        this.start = 3;
    }
  }

  /** Offset in the file of the next unread byte. */
  get offset(): number {
    return this.bufOffset + this.start;
  }

  /** Read more bytes after `end` (moving the unread bytes to the front first). False at end of file. */
  fillMore(): boolean {
    if (this.eof) return false;
    if (this.start > 0) {
      if (this.start < this.end) this.buf.copy(this.buf, 0, this.start, this.end);
      this.bufOffset += this.start;
      this.end -= this.start;
      this.start = 0;
      this.view = this.buf.subarray(0, this.end);
    }
    if (this.end === this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.buf.length * 2);
      this.buf.copy(bigger, 0, 0, this.end);
      this.buf = bigger;
    }
    const n = readSync(this.fd, this.buf, this.end, this.buf.length - this.end, this.bufOffset + this.end);
    if (n === 0) {
      this.eof = true;
      return false;
    }
    this.end += n;
    this.view = this.buf.subarray(0, this.end);
    return true;
  }

  close(): void {
    closeSync(this.fd);
  }
}

enum Csv {
  Ok,
  Blank,
  More,
  End,
}

interface CsvRecord {
  /** Number of fields (the arrays are reused and may be longer). */
  count: number;
  /** Byte range of each field's text in the window's buffer (without the quotes). */
  starts: number[];
  ends: number[];
  quoted: boolean[];
  /** The field holds `""` escapes to undo. */
  escaped: boolean[];
  /** The decoded fields, after `materialize()`. */
  fields: string[];
  error: string | null;
}

export class FileSplitReader implements SplitReader {
  readonly bounded = true;
  private readonly format: FileSource['format'];
  private readonly chunkSize: number;
  /** Longest line (csv: record) read; a longer one is a row error and skipped. */
  private readonly maxLine: number;
  private readonly resolved: string;
  /** Names of the files to read when the path is a directory, else null. */
  private readonly files: string[] | null;
  private fileIndex = 0;
  private win: ByteWindow | null = null;
  private _ended = false;
  private readonly names: string[];
  private readonly jsonCoercers: JsonCoercer[];
  private readonly csvCoercers: CsvCoercer[];
  private readonly delim: Buffer;
  /** Schema field i ← csv column columnOf[i] (−1: no such column) for the current file. */
  private columnOf: number[] = [];
  private headerLength = 0;
  /** File offset just after the current file's csv header. */
  private dataOffset = 0;
  private lineA = 0;
  private lineB = 0;
  private lineNo = 0;
  private readonly rec: CsvRecord = {
    count: 0,
    starts: [],
    ends: [],
    quoted: [],
    escaped: [],
    fields: [],
    error: null,
  };
  private recEnd = 0;
  private recLines = 1;
  /** The position once ended (the window is closed then). */
  private endPos: { offset: number; line: number; file?: string } = { offset: 0, line: 1 };

  constructor(
    private readonly connector: FileSource,
    schema: RowSchema,
    private readonly ctx: SplitContext,
    options: FileReaderOptions = {},
  ) {
    this.format = connector.format;
    this.chunkSize = Math.max(1, options.chunkSize ?? DEFAULT_CHUNK_SIZE);
    this.maxLine = connector.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.resolved = ctx.files.resolve(connector.path, 'read');
    const fields: RowSchema = this.format === 'text' ? {} : (schema ?? {});
    this.names = this.format === 'text' ? ['line'] : Object.keys(fields);
    this.jsonCoercers = this.format === 'jsonl' ? this.names.map((n) => jsonCoercer(n, fields[n]!)) : [];
    this.csvCoercers = this.format === 'csv' ? this.names.map((n) => csvCoercer(n, fields[n]!)) : [];
    this.delim = Buffer.from(connector.delimiter ?? ',', 'utf8');
    if (
      this.format === 'csv' &&
      (this.delim.includes(QUOTE) || this.delim.includes(LF) || this.delim.includes(CR))
    ) {
      throw new Error(`file source: the csv delimiter ${JSON.stringify(connector.delimiter)} is not allowed`);
    }
    this.files = null;
    if (ctx.subtask !== 0) {
      this._ended = true;
      return;
    }
    let isDir: boolean;
    try {
      isDir = statSync(this.resolved).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(
        code === 'ENOENT'
          ? `file source: ${this.resolved} does not exist (path "${connector.path}")`
          : `file source: cannot read ${this.resolved}: ${(e as Error).message}`,
      );
    }
    if (isDir) {
      this.files = readdirSync(this.resolved, { withFileTypes: true })
        .filter((d) => d.isFile() && !d.name.startsWith('.') && !d.name.startsWith('_'))
        .map((d) => d.name)
        .sort();
    }
    this.openAt(0, 0, 1);
  }

  get ended(): boolean {
    return this._ended;
  }

  private pathOf(index: number): string {
    return this.files ? join(this.resolved, this.files[index]!) : this.resolved;
  }

  private displayPath(): string {
    return this.files ? join(this.connector.path, this.files[this.fileIndex]!) : this.connector.path;
  }

  /** Open file `index` (of a directory; 0 for a single file) at (offset, line). */
  private openAt(index: number, offset: number, line: number): void {
    this.win?.close();
    this.win = null;
    if (this.files && index >= this.files.length) {
      this._ended = true;
      return;
    }
    this.fileIndex = index;
    let win: ByteWindow;
    try {
      // Checked again at open (a directory's files too): a symlink swapped in since the job started is refused.
      win = new ByteWindow(this.ctx.files.resolve(this.pathOf(index), 'read'), this.chunkSize, 0, 1);
    } catch (e) {
      throw new Error(`file source: cannot open ${this.pathOf(index)}: ${(e as Error).message}`);
    }
    this.win = win;
    this._ended = false;
    if (this.format === 'csv') {
      this.readHeader();
      if (offset > this.dataOffset) this.reposition(offset, line);
    } else if (offset > 0) {
      this.reposition(offset, line);
    }
  }

  private reposition(offset: number, line: number): void {
    const win = this.win!;
    win.bufOffset = offset;
    win.start = 0;
    win.end = 0;
    win.view = win.buf.subarray(0, 0);
    win.eof = false;
    win.line = line;
  }

  private readHeader(): void {
    const names = this.names;
    this.columnOf = names.map(() => -1);
    this.headerLength = 0;
    let st: Csv;
    for (;;) {
      st = this.parseCsvRecord();
      if (st === Csv.More) {
        const w = this.win!;
        if (w.end - w.start > this.maxLine) this.skipLongRecord(w.line, 'record');
        else w.fillMore();
        continue;
      }
      if (st === Csv.Blank) {
        this.consumeRecord();
        continue;
      }
      break;
    }
    if (st === Csv.Ok) {
      this.materialize();
      const header = this.rec.fields.slice(0, this.rec.count).map((h) => h.trim());
      this.headerLength = header.length;
      for (let i = 0; i < names.length; i++) this.columnOf[i] = header.indexOf(names[i]!);
      this.consumeRecord();
    }
    this.dataOffset = this.win!.offset;
  }

  read(max: number, out: Row[]): number {
    let n = 0;
    while (n < max && !this._ended) {
      const got =
        this.format === 'text'
          ? this.readText(max - n, out)
          : this.format === 'jsonl'
            ? this.readJsonl(max - n, out)
            : this.readCsv(max - n, out);
      n += got;
      if (n < max && this.win && this.atEnd()) this.nextFile();
    }
    return n;
  }

  private atEnd(): boolean {
    const w = this.win!;
    return w.start >= w.end && (w.eof || !w.fillMore());
  }

  private nextFile(): void {
    if (this.files && this.fileIndex + 1 < this.files.length) {
      this.openAt(this.fileIndex + 1, 0, 1);
    } else {
      const w = this.win!;
      this.endPos = { offset: w.offset, line: w.line };
      if (this.files) this.endPos.file = this.files[this.fileIndex]!;
      w.close();
      this.win = null;
      this._ended = true;
    }
  }

  /** Next line into [lineA, lineB) of the window's buffer (\r stripped); false at end of file. */
  private nextLine(): boolean {
    const w = this.win!;
    let scan = w.start;
    for (;;) {
      const nl = w.view.indexOf(LF, scan);
      if (nl !== -1 && nl - w.start > this.maxLine) {
        this.skipLongRecord(w.line, 'line');
        scan = w.start;
        continue;
      }
      if (nl !== -1) {
        this.lineA = w.start;
        this.lineB = nl > w.start && w.buf[nl - 1] === CR ? nl - 1 : nl;
        this.lineNo = w.line++;
        w.start = nl + 1;
        return true;
      }
      if (w.end - w.start > this.maxLine) {
        this.skipLongRecord(w.line, 'line');
        scan = w.start;
        continue;
      }
      const consumed = w.start;
      const scanned = w.end;
      if (!w.fillMore()) {
        if (w.start < w.end) {
          this.lineA = w.start;
          this.lineB = w.buf[w.end - 1] === CR ? w.end - 1 : w.end;
          this.lineNo = w.line++;
          w.start = w.end;
          return true;
        }
        return false;
      }
      scan = scanned - (consumed - w.start); // the bytes already searched moved to the front
    }
  }

  /**
   * The unread bytes from the window's start hold no line end within `maxLineBytes`: report the line (or csv
   * record) as a row error and skip to the next line feed without buffering it — a file with no newlines (or a
   * device) cannot grow the buffer past the limit.
   */
  private skipLongRecord(line: number, what: 'line' | 'record'): void {
    const w = this.win!;
    const raw = w.buf.toString('utf8', w.start, Math.min(w.end, w.start + 1000));
    let skipped = 0;
    for (;;) {
      const nl = w.view.indexOf(LF, w.start);
      if (nl !== -1) {
        skipped += nl + 1 - w.start;
        w.start = nl + 1;
        break;
      }
      skipped += w.end - w.start;
      w.start = w.end;
      if (!w.fillMore()) break;
    }
    w.line++;
    this.report(
      `the ${what} is longer than ${this.maxLine} bytes (${skipped} bytes up to the next line end): skipped (the limit is the source's maxLineBytes)`,
      line,
      raw,
    );
  }

  private readText(max: number, out: Row[]): number {
    let n = 0;
    while (n < max && this.nextLine()) {
      out.push({ line: this.win!.buf.toString('utf8', this.lineA, this.lineB) });
      n++;
    }
    return n;
  }

  private report(message: string, line: number, raw: string): void {
    reportRowError(this.ctx, { message, position: `${this.displayPath()}:${line}`, raw: clipRaw(raw) });
  }

  private readJsonl(max: number, out: Row[]): number {
    const names = this.names;
    const coercers = this.jsonCoercers;
    let n = 0;
    while (n < max && this.nextLine()) {
      const buf = this.win!.buf;
      let a = this.lineA;
      const b = this.lineB;
      while (a < b && (buf[a] === 0x20 || buf[a] === 0x09)) a++;
      if (a === b) continue; // blank line
      const text = buf.toString('utf8', this.lineA, b);
      let obj: unknown;
      try {
        obj = JSON.parse(text);
      } catch (e) {
        this.report(`invalid JSON: ${(e as Error).message}`, this.lineNo, text);
        continue;
      }
      if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
        this.report(
          `expected a JSON object, got ${Array.isArray(obj) ? 'an array' : JSON.stringify(obj)}`,
          this.lineNo,
          text,
        );
        continue;
      }
      const src = obj as Record<string, unknown>;
      const row: Row = {};
      try {
        for (let i = 0; i < names.length; i++) row[names[i]!] = coercers[i]!(src[names[i]!]);
      } catch (e) {
        if (!(e instanceof FieldError)) throw e;
        this.report(e.message, this.lineNo, text);
        continue;
      }
      out.push(row);
      n++;
    }
    return n;
  }

  private isDelim(k: number, end: number): boolean {
    const d = this.delim;
    const buf = this.win!.buf;
    if (buf[k] !== d[0]) return false;
    if (d.length === 1) return true;
    if (k + d.length > end) return false;
    for (let x = 1; x < d.length; x++) if (buf[k + x] !== d[x]) return false;
    return true;
  }

  /**
   * Parse the record at the window's start into `rec` (not consuming it: `recEnd`, `recLines`).
   * Returns More when the window ends inside the record and the file has more bytes.
   */
  private parseCsvRecord(): Csv {
    const w = this.win!;
    const buf = w.buf;
    const view = w.view;
    const end = w.end;
    const eof = w.eof;
    const dlen = this.delim.length;
    const d0 = this.delim[0];
    const rec = this.rec;
    rec.count = 0;
    rec.error = null;
    let i = w.start;
    if (i >= end) return eof ? Csv.End : Csv.More;
    let newlines = 0;
    for (;;) {
      if (i < end && buf[i] === QUOTE) {
        let j = i + 1;
        let escapes = false;
        let close: number;
        for (;;) {
          const q = view.indexOf(QUOTE, j);
          if (q === -1) {
            if (!eof) return Csv.More;
            rec.error = 'unterminated quoted field';
            newlines += countLf(buf, i, end);
            i = end;
            close = -1;
            break;
          }
          if (q + 1 < end) {
            if (buf[q + 1] === QUOTE) {
              escapes = true;
              j = q + 2;
              continue;
            }
          } else if (!eof) {
            return Csv.More; // a quote at the window's end: closing, or the first of ""?
          }
          close = q;
          break;
        }
        if (close < 0) break;
        newlines += countLf(buf, i + 1, close);
        const k = rec.count++;
        rec.starts[k] = i + 1;
        rec.ends[k] = close;
        rec.quoted[k] = true;
        rec.escaped[k] = escapes;
        i = close + 1;
        if (i >= end) {
          if (!eof) return Csv.More;
          break;
        }
        if (buf[i] === d0 && i + dlen > end && !eof) return Csv.More;
        if (this.isDelim(i, end)) {
          i += dlen;
          continue;
        }
        if (buf[i] === LF) {
          i++;
          break;
        }
        if (buf[i] === CR) {
          if (i + 1 >= end) {
            if (!eof) return Csv.More;
            i++;
            break;
          }
          if (buf[i + 1] === LF) {
            i += 2;
            break;
          }
        }
        rec.error = 'unexpected text after a closing quote';
        const nl = view.indexOf(LF, i);
        if (nl === -1) {
          if (!eof) return Csv.More;
          i = end;
        } else {
          i = nl + 1;
        }
        break;
      }
      // An unquoted field: up to the next delimiter or line break.
      let k = i;
      let stop = 0; // 0: end of window, 1: delimiter, 2: line feed
      while (k < end) {
        const c = buf[k];
        if (c === LF) {
          stop = 2;
          break;
        }
        if (c === d0 && this.isDelim(k, end)) {
          stop = 1;
          break;
        }
        k++;
      }
      if (stop === 0 && !eof) return Csv.More;
      let fe = k;
      if (stop !== 1 && fe > i && buf[fe - 1] === CR) fe--;
      const x = rec.count++;
      rec.starts[x] = i;
      rec.ends[x] = fe;
      rec.quoted[x] = false;
      rec.escaped[x] = false;
      if (stop === 1) {
        i = k + dlen;
        continue;
      }
      i = stop === 2 ? k + 1 : k;
      break;
    }
    this.recEnd = i;
    this.recLines = newlines + 1;
    if (rec.error === null && rec.count === 1 && !rec.quoted[0] && rec.starts[0] === rec.ends[0]) {
      return Csv.Blank;
    }
    return Csv.Ok;
  }

  /** Decode the parsed record's fields into `rec.fields`. */
  private materialize(): void {
    const rec = this.rec;
    const buf = this.win!.buf;
    const { starts, ends, escaped, fields } = rec;
    const n = rec.count;
    if (n === 0) return;
    // One decode for the whole record; when it is ASCII (most csv), bytes and characters coincide
    // and the fields are slices of it.
    const a = starts[0]!;
    const b = ends[n - 1]!;
    const whole = buf.toString('utf8', a, b);
    const ascii = whole.length === b - a;
    for (let f = 0; f < n; f++) {
      const s = starts[f]!;
      const e = ends[f]!;
      let v = e <= s ? '' : ascii ? whole.slice(s - a, e - a) : buf.toString('utf8', s, e);
      if (escaped[f]) v = v.replaceAll('""', '"');
      fields[f] = v;
    }
  }

  private consumeRecord(): void {
    const w = this.win!;
    w.start = this.recEnd;
    w.line += this.recLines;
  }

  private readCsv(max: number, out: Row[]): number {
    const names = this.names;
    const coercers = this.csvCoercers;
    const rec = this.rec;
    let n = 0;
    while (n < max) {
      const st = this.parseCsvRecord();
      if (st === Csv.More) {
        const w = this.win!;
        if (w.end - w.start > this.maxLine) this.skipLongRecord(w.line, 'record');
        else w.fillMore();
        continue;
      }
      if (st === Csv.End) break;
      const w = this.win!;
      const line = w.line;
      const recStart = w.start;
      this.consumeRecord();
      if (st === Csv.Blank) continue;
      if (rec.error !== null) {
        this.report(rec.error, line, this.rawRecord(recStart));
        continue;
      }
      if (rec.count !== this.headerLength) {
        this.report(
          `expected ${this.headerLength} fields (as the header has), found ${rec.count}`,
          line,
          this.rawRecord(recStart),
        );
        continue;
      }
      this.materialize();
      const row: Row = {};
      const columnOf = this.columnOf;
      try {
        for (let f = 0; f < names.length; f++) {
          const c = columnOf[f]!;
          row[names[f]!] = c < 0 ? null : coercers[f]!(rec.fields[c]!, rec.quoted[c]!);
        }
      } catch (e) {
        if (!(e instanceof FieldError)) throw e;
        this.report(e.message, line, this.rawRecord(recStart));
        continue;
      }
      out.push(row);
      n++;
    }
    return n;
  }

  /** The text of the record that starts at `recStart` and was just consumed, for an error report. */
  private rawRecord(recStart: number): string {
    const end = Math.min(this.recEnd, recStart + 4000);
    return this.win!.buf.toString('utf8', recStart, end).replace(/\r?\n$/, '');
  }

  position(): SourcePosition {
    const w = this.win;
    if (!w) return { ...this.endPos };
    const pos: { offset: number; line: number; file?: string } = { offset: w.offset, line: w.line };
    if (this.files) pos.file = this.files[this.fileIndex]!;
    return pos;
  }

  seek(pos: SourcePosition): void {
    if (
      !('offset' in pos) ||
      !Number.isSafeInteger(pos.offset) ||
      pos.offset < 0 ||
      !Number.isSafeInteger(pos.line)
    ) {
      throw new Error(`file source: cannot seek to ${JSON.stringify(pos)}`);
    }
    if (this.ctx.subtask !== 0) return;
    let index = 0;
    if (this.files && pos.file !== undefined) {
      index = this.files.indexOf(pos.file);
      if (index < 0)
        throw new Error(`file source: cannot resume in ${join(this.resolved, pos.file)}: it is gone`);
    }
    this.openAt(index, pos.offset, pos.line);
  }

  availableAt(): number {
    return 0;
  }

  close(): void {
    this.win?.close();
    this.win = null;
  }
}

function countLf(buf: Buffer, a: number, b: number): number {
  let n = 0;
  for (let i = buf.indexOf(LF, a); i !== -1 && i < b; i = buf.indexOf(LF, i + 1)) n++;
  return n;
}

export function createFileReader(
  connector: FileSource,
  schema: RowSchema,
  ctx: SplitContext,
  options?: FileReaderOptions,
): FileSplitReader {
  return new FileSplitReader(connector, schema, ctx, options);
}
