import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileSinkWriter, createSplitReader, formatCsvRow, formatJsonlRow } from './index';
import { readAll, testContext } from './test-util';
import type { Row, RowSchema } from './types';

const base = mkdtempSync(join(tmpdir(), 'flowstate-file-sink-'));
afterAll(() => rmSync(base, { recursive: true, force: true }));

const schema: RowSchema = { id: 'int', name: 'string', score: 'float', ok: 'bool', ts: 'timestamp' };

const rows: Row[] = [
  { id: 1, name: 'plain', score: 1.5, ok: true, ts: 1_700_000_000_000 },
  { id: 2, name: 'with, comma and "quotes"', score: -0.25, ok: false, ts: 0 },
  { id: 3, name: 'two\nlines\r\nand CRLF', score: 1e21, ok: null, ts: null },
  { id: null, name: '', score: null, ok: true, ts: 5 },
  { id: 5, name: null, score: 0, ok: false, ts: 6 },
  { id: 6, name: '  padded  ', score: 3, ok: true, ts: 7 },
  { id: 7, name: 'ünïcödé ☃ 😀', score: 2.5, ok: true, ts: 8 },
];

function roundTrip(format: 'jsonl' | 'csv', dir: string, input: Row[]): Row[] {
  const w = createFileSinkWriter({ type: 'file', path: dir, format }, schema, {
    subtask: 0,
    baseDir: base,
    jobName: 'j',
  });
  w.write(input.slice(0, 3));
  w.flush();
  w.write(input.slice(3));
  w.close();
  return readAll(
    createSplitReader({ type: 'file', path: dir, format }, schema, testContext({ baseDir: base })),
  );
}

describe('file sink writer', () => {
  it('writes jsonl that reads back identically through the file source', () => {
    expect(roundTrip('jsonl', 'out-jsonl', rows)).toEqual(rows);
    expect(readdirSync(join(base, 'out-jsonl'))).toEqual(['part-0-0.jsonl']);
    const first = readFileSync(join(base, 'out-jsonl', 'part-0-0.jsonl'), 'utf8').split('\n')[0];
    expect(first).toBe('{"id":1,"name":"plain","score":1.5,"ok":true,"ts":1700000000000}');
  });

  it('writes csv (header, RFC 4180 quoting, NULL vs empty string) that reads back identically', () => {
    expect(roundTrip('csv', 'out-csv', rows)).toEqual(rows);
    const text = readFileSync(join(base, 'out-csv', 'part-0-0.csv'), 'utf8');
    expect(text.split('\n').slice(0, 3)).toEqual([
      'id,name,score,ok,ts',
      '1,plain,1.5,true,1700000000000',
      '2,"with, comma and ""quotes""",-0.25,false,0',
    ]);
    expect(text).toContain('\n,"",,true,5\n');
  });

  it('numbers part files per subtask and never overwrites an earlier file', () => {
    const ctx = (subtask: number) => ({ subtask, baseDir: base, jobName: 'j' });
    const conn = { type: 'file' as const, path: join(base, 'parts', 'nested'), format: 'jsonl' as const };
    createFileSinkWriter(conn, schema, ctx(0)).close();
    createFileSinkWriter(conn, schema, ctx(0)).close();
    createFileSinkWriter(conn, schema, ctx(3)).close();
    expect(readdirSync(conn.path).sort()).toEqual(['part-0-0.jsonl', 'part-0-1.jsonl', 'part-3-0.jsonl']);
  });

  it('streams large outputs in chunks', () => {
    const many = Array.from({ length: 60_000 }, (_, i) => ({
      id: i,
      name: `row ${i} ${'x'.repeat(i % 50)}`,
      score: i / 3,
      ok: i % 2 === 0,
      ts: i,
    }));
    const back = roundTrip('csv', 'big', many);
    expect(back).toHaveLength(60_000);
    expect(back[59_999]).toEqual(many[59_999]);
  });

  it('formats single rows in schema order, dropping undeclared fields', () => {
    const row = { z: 1, ts: 3, id: 7, name: 'a"b', extra: 'dropped' };
    expect(formatJsonlRow(row, schema)).toBe('{"id":7,"name":"a\\"b","score":null,"ok":null,"ts":3}');
    expect(formatCsvRow(row, schema)).toBe('7,"a""b",,,3');
    expect(formatCsvRow({ id: 1, name: 'a;b' }, ['id', 'name'], ';')).toBe('1;"a;b"');
    expect(formatJsonlRow({ x: Number.NaN, y: Number.POSITIVE_INFINITY }, ['x', 'y'])).toBe(
      '{"x":null,"y":null}',
    );
  });
});
