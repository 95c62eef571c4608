import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SinkNodeSchema } from '@flowstate/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { sinkHarness } from '../testing/harness';
import { createSplitReader, formatCsvRow, formatJsonlRow } from './index';
import { readAll, testContext } from './test-support';
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

/** A part file committed without checkpoints (at the end of input): `part-<subtask>-end-<uid>.<ext>`. */
const PART = (subtask: number, ext: string) =>
  new RegExp(`^part-${subtask}-end-[0-9a-z]{9}-[0-9a-z]{4}\\.${ext}$`);

/**
 * Runs the file sink (the two-phase `FileSink`) over `batches` in subtask `subtask` and commits its files as a
 * job without checkpoints does at the end of input.
 */
function runSink(format: 'jsonl' | 'csv', dir: string, batches: Row[][], subtask = 0): void {
  const node = SinkNodeSchema.parse({
    id: 'out',
    kind: 'sink',
    connector: { type: 'file', path: dir, format },
  });
  const h = sinkHarness(node, schema, { baseDir: base, subtask, parallelism: subtask + 1 });
  for (const b of batches) h.processElements(b.map((r) => [r, 0]));
  h.endInput();
  const endOfInput = Number.MAX_SAFE_INTEGER;
  h.operator.snapshotState(endOfInput);
  h.operator.notifyCheckpointComplete(endOfInput);
  h.operator.close();
}

function roundTrip(format: 'jsonl' | 'csv', dir: string, input: Row[]): Row[] {
  runSink(format, dir, [input.slice(0, 3), input.slice(3)]);
  return readAll(
    createSplitReader({ type: 'file', path: dir, format }, schema, testContext({ baseDir: base })),
  );
}

/** The only file in `dir`. */
function onlyFile(dir: string): string {
  const files = readdirSync(join(base, dir));
  expect(files).toHaveLength(1);
  return files[0]!;
}

describe('file sink', () => {
  it('writes jsonl that reads back identically through the file source', () => {
    expect(roundTrip('jsonl', 'out-jsonl', rows)).toEqual(rows);
    const file = onlyFile('out-jsonl');
    expect(file).toMatch(PART(0, 'jsonl'));
    const first = readFileSync(join(base, 'out-jsonl', file), 'utf8').split('\n')[0];
    expect(first).toBe('{"id":1,"name":"plain","score":1.5,"ok":true,"ts":1700000000000}');
  });

  it('writes csv (header, RFC 4180 quoting, NULL vs empty string) that reads back identically', () => {
    expect(roundTrip('csv', 'out-csv', rows)).toEqual(rows);
    const file = onlyFile('out-csv');
    expect(file).toMatch(PART(0, 'csv'));
    const text = readFileSync(join(base, 'out-csv', file), 'utf8');
    expect(text.split('\n').slice(0, 3)).toEqual([
      'id,name,score,ok,ts',
      '1,plain,1.5,true,1700000000000',
      '2,"with, comma and ""quotes""",-0.25,false,0',
    ]);
    expect(text).toContain('\n,"",,true,5\n');
  });

  it('names part files per subtask and never overwrites an earlier file', () => {
    const dir = join(base, 'parts', 'nested');
    runSink('jsonl', dir, [rows.slice(0, 1)], 0);
    runSink('jsonl', dir, [rows.slice(1, 2)], 0);
    runSink('jsonl', dir, [rows.slice(2, 3)], 3);
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(3);
    expect(files[0]).toMatch(PART(0, 'jsonl'));
    expect(files[1]).toMatch(PART(0, 'jsonl'));
    expect(files[2]).toMatch(PART(3, 'jsonl'));
    expect(files.map((f) => readFileSync(join(dir, f), 'utf8'))).toEqual([
      `${formatJsonlRow(rows[0]!, schema)}\n`,
      `${formatJsonlRow(rows[1]!, schema)}\n`,
      `${formatJsonlRow(rows[2]!, schema)}\n`,
    ]);
  });

  it('refuses a checkpoint whose operator state is not a file sink state, naming the node and subtask', () => {
    const node = SinkNodeSchema.parse({ id: 'out', kind: 'sink', connector: { type: 'file', path: 'x' } });
    const h = sinkHarness(node, schema, { baseDir: base });
    const restore = (state: unknown) =>
      h.operator.restoreState({
        checkpointId: 3,
        keyed: [],
        timers: [],
        operatorStates: [{ subtask: 1, parallelism: 2, state }],
      });
    expect(() => restore({ watermark: 5 })).toThrowError(
      "node 'out': the checkpointed operator state of subtask 1 is not a file sink's state ({ pending }): expected { pending: [...] }",
    );
    expect(() =>
      restore({ pending: [{ tmp: '.part-0-a.inprogress', final: 7, checkpointId: 3, uid: 'a' }] }),
    ).toThrowError(
      `node 'out': the checkpointed operator state of subtask 1 is not a file sink's state ({ pending }): pending[0]: expected { tmp, final, checkpointId, uid }, got {"tmp":".part-0-a.inprogress","final":7,"checkpointId":3,"uid":"a"}`,
    );
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
