import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { committedFiles, readFlinkSink, toRow } from './output';

const dir = mkdtempSync(path.join(tmpdir(), 'flowstate-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function files(sub: string, content: Record<string, string>): string {
  const d = path.join(dir, sub);
  for (const [name, text] of Object.entries(content)) {
    mkdirSync(path.dirname(path.join(d, name)), { recursive: true });
    writeFileSync(path.join(d, name), text);
  }
  return d;
}

describe('committed files of a Flink filesystem sink', () => {
  it('skips in-progress files (. and _), orders by subtask then counter', () => {
    const d = files('order', {
      'part-aaa-1-0': '',
      'part-aaa-0-10': '',
      'part-aaa-0-2': '',
      '.part-aaa-0-11.inprogress': '',
      _SUCCESS: '',
      'dt=1/part-bbb-0-3': '',
    });
    expect(committedFiles(d).map((f) => path.relative(d, f))).toEqual([
      'part-aaa-0-2',
      'dt=1/part-bbb-0-3',
      'part-aaa-0-10',
      'part-aaa-1-0',
    ]);
    expect(committedFiles(path.join(dir, 'missing'))).toEqual([]);
  });
});

describe('rows from Flink JSON', () => {
  const schema = { k: 'string', n: 'int', x: 'float', ok: 'bool', ts: 'timestamp' } as const;

  it("takes the schema's fields in order, missing ones as null, DOUBLE NaN/Infinity from Flink's strings", () => {
    expect(Object.entries(toRow({ ts: 5, x: 1.5, k: 'a', n: 2, extra: 1 }, schema))).toEqual([
      ['k', 'a'],
      ['n', 2],
      ['x', 1.5],
      ['ok', null],
      ['ts', 5],
    ]);
    expect(toRow({ x: 'NaN' }, { x: 'float' }).x).toBeNaN();
    expect(toRow({ x: '-Infinity' }, { x: 'float' }).x).toBe(Number.NEGATIVE_INFINITY);
    expect(() => toRow({ n: 'seven' }, { n: 'int' })).toThrow(`field 'n': Flink wrote "seven" for a int`);
  });

  it('reads plain JSON lines as they are', () => {
    const d = files('plain', {
      'part-x-0-0': '{"k":"a","n":1,"x":2.0,"ok":true,"ts":3}\n\n{"k":"b","n":null}\n',
    });
    expect(readFlinkSink(d, schema, false)).toEqual([
      { k: 'a', n: 1, x: 2, ok: true, ts: 3 },
      { k: 'b', n: null, x: null, ok: null, ts: null },
    ]);
  });

  it('turns a debezium-json changelog into one row per update, the after images in commit order', () => {
    const c = (before: unknown, after: unknown, op: string) => JSON.stringify({ before, after, op });
    const d = files('changelog', {
      'part-y-0-0': [
        c(null, { k: 'a', n: 1 }, 'c'),
        c(null, { k: 'b', n: 1 }, 'c'),
        c({ k: 'a', n: 1 }, null, 'd'),
        c(null, { k: 'a', n: 2 }, 'c'),
      ].join('\n'),
      'part-y-0-1': `${c({ k: 'a', n: 2 }, null, 'd')}\n${c(null, { k: 'a', n: 3 }, 'c')}\n`,
    });
    expect(readFlinkSink(d, { k: 'string', n: 'int' }, true)).toEqual([
      { k: 'a', n: 1 },
      { k: 'b', n: 1 },
      { k: 'a', n: 2 },
      { k: 'a', n: 3 },
    ]);
  });

  it('says which file and line is not JSON', () => {
    const d = files('broken', { 'part-z-0-0': '{"k":"a"}\n{"k":\n' });
    expect(() => readFlinkSink(d, { k: 'string' }, false)).toThrow(
      `${path.join(d, 'part-z-0-0')}:2: not JSON`,
    );
  });
});
