import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FileSource } from '@flowstate/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileReader } from './file-source';
import { createSplitReader, RowParseError } from './index';
import { readAll, testContext } from './test-support';
import type { RowSchema, SplitContext } from './types';

const dir = mkdtempSync(join(tmpdir(), 'flowstate-file-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
  return name;
}

const src = (path: string, format: FileSource['format'], delimiter?: string): FileSource => ({
  type: 'file',
  path,
  format,
  ...(delimiter ? { delimiter } : {}),
});

function open(
  path: string,
  format: FileSource['format'],
  schema: RowSchema = { line: 'string' },
  opts: { chunkSize?: number; delimiter?: string; ctx?: Partial<SplitContext> } = {},
) {
  const ctx = testContext({ baseDir: dir, ...opts.ctx });
  const reader = createFileReader(src(path, format, opts.delimiter), schema, ctx, {
    chunkSize: opts.chunkSize,
  });
  return { reader, ctx };
}

describe('file source: text', () => {
  it('reads every line, empty ones too, dropping \\r; a final newline ends the last line', () => {
    file('a.txt', 'one\r\n\r\ntwo\n\nthree\n');
    expect(readAll(open('a.txt', 'text').reader)).toEqual([
      { line: 'one' },
      { line: '' },
      { line: 'two' },
      { line: '' },
      { line: 'three' },
    ]);
    file('b.txt', 'x\ny');
    expect(readAll(open('b.txt', 'text').reader)).toEqual([{ line: 'x' }, { line: 'y' }]);
    file('empty.txt', '');
    const r = open('empty.txt', 'text').reader;
    expect(r.read(10, [])).toBe(0);
    expect(r.ended).toBe(true);
  });

  it('goes through createSplitReader, resolves relative paths, and reads only on subtask 0', () => {
    file('sub/c.txt', 'hello\n');
    const ctx = testContext({ baseDir: dir });
    expect(readAll(createSplitReader(src('sub/c.txt', 'text'), { line: 'string' }, ctx))).toEqual([
      { line: 'hello' },
    ]);
    const other = createSplitReader(
      src('sub/c.txt', 'text'),
      { line: 'string' },
      testContext({ baseDir: dir, subtask: 1, parallelism: 2 }),
    );
    expect(other.ended).toBe(true);
    expect(other.read(10, [])).toBe(0);
    const abs = createSplitReader(
      src(join(dir, 'sub/c.txt'), 'text'),
      { line: 'string' },
      testContext({ baseDir: '/nowhere' }),
    );
    expect(readAll(abs)).toHaveLength(1);
  });

  it('fails with an error naming the resolved path when the file is missing', () => {
    expect(() =>
      createSplitReader(src('no/such.txt', 'text'), { line: 'string' }, testContext({ baseDir: dir })),
    ).toThrow(new RegExp(`${join(dir, 'no/such.txt').replaceAll('/', '\\/')} does not exist`));
  });

  it('decodes UTF-8 characters split across chunk boundaries, whatever the chunk size', () => {
    const lines = ['héllo wörld', '☃ snow ☃☃', '𝄞 clef 😀', '', 'ascii only', 'ñ'.repeat(40)];
    file('utf8.txt', `\uFEFF${lines.join('\n')}\n`); // with a byte-order mark, which is skipped
    for (let chunk = 1; chunk <= 9; chunk++) {
      expect(
        readAll(open('utf8.txt', 'text', undefined, { chunkSize: chunk }).reader).map((r) => r.line),
      ).toEqual(lines);
    }
  });

  it('resumes at a position in the middle of the file', () => {
    const lines = Array.from({ length: 500 }, (_, i) => `line ${i} ✓`);
    file('many.txt', `${lines.join('\r\n')}\r\n`);
    for (const chunkSize of [7, 64, 1 << 20]) {
      const { reader } = open('many.txt', 'text', undefined, { chunkSize });
      readAll(reader, 123, 10);
      const pos = JSON.parse(JSON.stringify(reader.position()));
      expect(pos.line).toBe(124);
      expect(pos.offset).toBe(
        Buffer.byteLength(
          lines
            .slice(0, 123)
            .map((l) => `${l}\r\n`)
            .join(''),
        ),
      );
      const rest = readAll(reader);
      const again = open('many.txt', 'text', undefined, { chunkSize }).reader;
      again.seek(pos);
      expect(readAll(again)).toEqual(rest);
      expect(rest[0]).toEqual({ line: 'line 123 ✓' });
      expect(rest).toHaveLength(377);
    }
  });
});

describe('file source: jsonl', () => {
  const schema: RowSchema = { id: 'int', name: 'string', score: 'float', ok: 'bool', ts: 'timestamp' };

  it('converts values to the schema, skips blank lines, drops extra fields, NULLs missing ones', () => {
    file(
      'a.jsonl',
      [
        '{"id": 1, "name": "ann", "score": 1.5, "ok": true, "ts": 1700000000000, "extra": [1]}',
        '',
        '   ',
        '{"ts": "2024-01-02T03:04:05.678Z", "id": "7", "score": "2e3", "ok": "FALSE", "name": 12}',
        '{"ts": "2024-01-02 03:04:05+02:00"}',
        '{"ts": "2024-01-02", "name": null}',
      ].join('\r\n'),
    );
    const rows = readAll(open('a.jsonl', 'jsonl', schema).reader);
    expect(rows).toEqual([
      { id: 1, name: 'ann', score: 1.5, ok: true, ts: 1_700_000_000_000 },
      { id: 7, name: '12', score: 2000, ok: false, ts: Date.UTC(2024, 0, 2, 3, 4, 5, 678) },
      { id: null, name: null, score: null, ok: null, ts: Date.UTC(2024, 0, 2, 1, 4, 5) },
      { id: null, name: null, score: null, ok: null, ts: Date.UTC(2024, 0, 2) },
    ]);
    expect(Object.keys(rows[1]!)).toEqual(Object.keys(schema));
  });

  it('reports bad lines with path:line and skips them', () => {
    file(
      'bad.jsonl',
      [
        '{"id": 1}',
        '{"id": 1.5}',
        'not json',
        '',
        '[1, 2]',
        '{"id": 2, "ts": "yesterday"}',
        '{"id": 9007199254740993}',
        '{"ok": 1}',
        '{"name": {"a": 1}}',
        '{"id": 3}',
      ].join('\n'),
    );
    const { reader, ctx } = open('bad.jsonl', 'jsonl', schema);
    expect(readAll(reader).map((r) => r.id)).toEqual([1, 3]);
    expect(ctx.errors.map((e) => e.position)).toEqual([
      'bad.jsonl:2',
      'bad.jsonl:3',
      'bad.jsonl:5',
      'bad.jsonl:6',
      'bad.jsonl:7',
      'bad.jsonl:8',
      'bad.jsonl:9',
    ]);
    expect(ctx.errors[0]).toEqual({
      message: 'field "id": expected an integer, got 1.5',
      position: 'bad.jsonl:2',
      raw: '{"id": 1.5}',
    });
    expect(ctx.errors[1]!.message).toMatch(/^invalid JSON/);
    expect(ctx.errors[2]!.message).toBe('expected a JSON object, got an array');
    expect(ctx.errors[3]!.message).toBe(
      'field "ts": expected epoch milliseconds or an ISO-8601 timestamp, got "yesterday"',
    );
    expect(ctx.errors[4]!.message).toMatch(/±2\^53−1/);
    expect(ctx.errors[5]!.message).toBe('field "ok": expected true or false, got 1');
    expect(ctx.errors[6]!.message).toBe('field "name": expected a string, got an object');
  });

  it('throws a RowParseError in strict mode', () => {
    file('strict.jsonl', '{"id": 1}\n{"id": "x"}\n');
    const { reader } = open('strict.jsonl', 'jsonl', schema, { ctx: { strict: true } });
    const out: unknown[] = [];
    let err: unknown;
    try {
      reader.read(10, out as never);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RowParseError);
    expect((err as RowParseError).report.position).toBe('strict.jsonl:2');
    expect((err as RowParseError).message).toBe('strict.jsonl:2: field "id": expected an integer, got "x"');
  });
});

describe('file source: csv', () => {
  const schema: RowSchema = { id: 'int', name: 'string', note: 'string', price: 'float' };

  it('parses RFC 4180: quotes, "" escapes, delimiters and line breaks inside quotes, CRLF', () => {
    file(
      'a.csv',
      'id,price,name,note,unused\r\n' +
        '1,2.5,plain,"a, b",x\r\n' +
        '2,,"say ""hi""","line one\r\nline two",x\r\n' +
        '\r\n' +
        '3,-1e2,,"",x\r\n' +
        ' 4 ,7, spaced ,"multi\nline\nnote",x',
    );
    const { reader, ctx } = open('a.csv', 'csv', schema);
    expect(readAll(reader)).toEqual([
      { id: 1, name: 'plain', note: 'a, b', price: 2.5 },
      { id: 2, name: 'say "hi"', note: 'line one\r\nline two', price: null },
      { id: 3, name: null, note: '', price: -100 },
      { id: 4, name: ' spaced ', note: 'multi\nline\nnote', price: 7 },
    ]);
    expect(ctx.errors).toEqual([]);
  });

  it('takes another delimiter, NULLs columns the header lacks, and reports bad records by line', () => {
    file('semi.csv', 'id;name\n1;"a;b"\n2;x;extra\n"3\n3";y\nfour;z\n"5"x;w\n6;"unterminated\n7;q\n');
    const { reader, ctx } = open('semi.csv', 'csv', schema, { delimiter: ';' });
    expect(readAll(reader)).toEqual([{ id: 1, name: 'a;b', note: null, price: null }]);
    expect(ctx.errors.map((e) => [e.position, e.message])).toEqual([
      ['semi.csv:3', 'expected 2 fields (as the header has), found 3'],
      ['semi.csv:4', 'field "id": expected an integer, got "3\\n3"'],
      ['semi.csv:6', 'field "id": expected an integer, got "four"'],
      ['semi.csv:7', 'unexpected text after a closing quote'],
      ['semi.csv:8', 'unterminated quoted field'],
    ]);
    expect(ctx.errors[0]!.raw).toBe('2;x;extra');
  });

  it('reads quoted line breaks and UTF-8 across chunk boundaries and resumes mid-file', () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({
      id: i,
      name: `n${i} ☃`,
      note: i % 3 === 0 ? `two\nlines "q" ${i}` : `é${i}`,
      price: i / 4,
    }));
    const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
    const text = `id,name,note,price\n${rows.map((r) => `${r.id},${q(r.name)},${q(r.note)},${r.price}`).join('\n')}\n`;
    file('b.csv', text);
    for (const chunkSize of [1, 2, 3, 5, 16, 1 << 20]) {
      const { reader } = open('b.csv', 'csv', schema, { chunkSize });
      expect(readAll(reader, 25, 4)).toEqual(rows.slice(0, 25));
      const pos = JSON.parse(JSON.stringify(reader.position()));
      // 25 records after the header, 9 of them (0, 3, …, 24) spanning two lines
      expect(pos.line).toBe(1 + 25 + 9 + 1);
      const rest = readAll(reader);
      expect(rest).toEqual(rows.slice(25));
      const again = open('b.csv', 'csv', schema, { chunkSize }).reader;
      again.seek(pos);
      expect(readAll(again)).toEqual(rest);
      const fromStart = open('b.csv', 'csv', schema, { chunkSize }).reader;
      fromStart.seek({ offset: 0, line: 1 });
      expect(readAll(fromStart)).toEqual(rows);
    }
  });

  it('reads a directory of part files, skipping in-progress ones, and resumes in the right file', () => {
    file('parts/part-0-0.csv', 'id,name\n1,a\n2,b\n');
    file('parts/part-1-0.csv', 'name,id\nc,3\n');
    file('parts/.part-0-1.csv.inprogress', 'id,name\n99,zz\n');
    file('parts/_tmp.csv', 'id,name\n98,yy\n');
    const { reader } = open('parts', 'csv', { id: 'int', name: 'string' });
    readAll(reader, 2);
    const pos = reader.position();
    expect(pos).toEqual({ file: 'part-0-0.csv', offset: 'id,name\n1,a\n2,b\n'.length, line: 4 });
    expect(readAll(reader)).toEqual([{ id: 3, name: 'c' }]);
    const again = open('parts', 'csv', { id: 'int', name: 'string' }).reader;
    again.seek(pos);
    expect(readAll(again)).toEqual([{ id: 3, name: 'c' }]);
    const end = again.position();
    const done = open('parts', 'csv', { id: 'int', name: 'string' }).reader;
    done.seek(end);
    expect(readAll(done)).toEqual([]);
    expect(done.ended).toBe(true);
  });
});

describe('file source: maxLineBytes', () => {
  const limited = (path: string, format: FileSource['format'], maxLineBytes: number, schema?: RowSchema) => {
    const ctx = testContext({ baseDir: dir });
    const reader = createFileReader(
      { ...src(path, format), maxLineBytes },
      schema ?? { line: 'string' },
      ctx,
      { chunkSize: 16 },
    );
    return { reader, ctx };
  };

  it('reports a line longer than the limit as a row error, skips it without buffering it, and goes on', () => {
    file('long.txt', `short\n${'x'.repeat(5000)}\nafter\n${'y'.repeat(300)}`);
    const { reader, ctx } = limited('long.txt', 'text', 100);
    expect(readAll(reader)).toEqual([{ line: 'short' }, { line: 'after' }]);
    expect(ctx.errors.map((e) => [e.position, e.message])).toEqual([
      [
        'long.txt:2',
        "the line is longer than 100 bytes (5001 bytes up to the next line end): skipped (the limit is the source's maxLineBytes)",
      ],
      [
        'long.txt:4',
        "the line is longer than 100 bytes (300 bytes up to the next line end): skipped (the limit is the source's maxLineBytes)",
      ],
    ]);
    // what was read of it when it crossed the limit, at most 1,000 characters
    expect(ctx.errors[0]!.raw).toMatch(/^x{101,1000}$/);
  });

  it('applies to jsonl lines and csv records too; line numbers stay right', () => {
    file('long.jsonl', `{"a":1}\n{"a":"${'z'.repeat(200)}"}\n{"a":3}\n`);
    const j = limited('long.jsonl', 'jsonl', 64, { a: 'int' });
    expect(readAll(j.reader)).toEqual([{ a: 1 }, { a: 3 }]);
    expect(j.ctx.errors.map((e) => e.position)).toEqual(['long.jsonl:2']);
    file('long.csv', `a,b\n1,2\n"${'q'.repeat(200)}",3\n4,5\n`);
    const c = limited('long.csv', 'csv', 64, { a: 'int', b: 'int' });
    expect(readAll(c.reader)).toEqual([
      { a: 1, b: 2 },
      { a: 4, b: 5 },
    ]);
    expect(c.ctx.errors.map((e) => [e.position, e.message.slice(0, 40)])).toEqual([
      ['long.csv:3', 'the record is longer than 64 bytes (205 '],
    ]);
  });

  it('defaults to 1 MiB', () => {
    file('huge.txt', `${'h'.repeat((1 << 20) + 10)}\nend\n`);
    const ctx = testContext({ baseDir: dir });
    const reader = createFileReader(src('huge.txt', 'text'), { line: 'string' }, ctx);
    const rows = readAll(reader);
    expect(rows.map((r) => String(r.line).length)).toEqual([3]);
    expect(ctx.errors.map((e) => e.message)).toEqual([
      "the line is longer than 1048576 bytes (1048587 bytes up to the next line end): skipped (the limit is the source's maxLineBytes)",
    ]);
  });
});
