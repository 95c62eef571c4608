import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sourceRows } from '@flowstate/engine/testing';
import { NEXMARK_SCHEMAS, type SourceNode } from '@flowstate/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { materializeSource, needsMaterializing } from './materialize';

const dir = mkdtempSync(path.join(tmpdir(), 'flowstate-materialize-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const datagen = (rowsPerSecond: number): SourceNode =>
  ({
    id: 'src',
    kind: 'source',
    connector: {
      type: 'datagen',
      rowsPerSecond,
      count: 300,
      seed: 5,
      fields: {
        v: { kind: 'random', min: 0, max: 9, nullRate: 0.2 },
        ts: { kind: 'timestamp', startMs: 1_700_000_000_000, stepMs: 7, maxJitterMs: 50 },
        s: { kind: 'choice', values: ['x', 'y'] },
      },
    },
    schema: { ts: 'timestamp', v: 'float', s: 'string' },
  }) as SourceNode;
const schema = { ts: 'timestamp', v: 'float', s: 'string' } as const;
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').slice(0, -1);

describe('materializeSource', () => {
  it("writes the engine reader's rows, in order, as JSON lines with the schema's fields in order", () => {
    const file = path.join(dir, 'a.jsonl');
    const m = materializeSource(datagen(0), schema, file, { baseDir: dir });
    expect(m).toEqual({ nodeId: 'src', path: file, rows: 300, rowErrors: [] });
    const expected = sourceRows(datagen(0).connector, schema);
    expect(lines(file)).toEqual(
      expected.map((r) => `{"ts":${r.ts},"v":${r.v === null ? 'null' : r.v},"s":${JSON.stringify(r.s)}}`),
    );
    expect(lines(file).filter((l) => l.includes('"v":null')).length).toBe(
      expected.filter((r) => r.v === null).length,
    );
  });

  it('reads a rate-limited source at once: the same rows as unlimited', () => {
    const a = path.join(dir, 'limited.jsonl');
    const b = path.join(dir, 'unlimited.jsonl');
    materializeSource(datagen(10), schema, a, { baseDir: dir });
    materializeSource(datagen(0), schema, b, { baseDir: dir });
    expect(readFileSync(a, 'utf8')).toBe(readFileSync(b, 'utf8'));
  });

  it('writes nexmark bids with the fixed schema, dateTime as epoch milliseconds', () => {
    const node = {
      id: 'bids',
      kind: 'source',
      connector: { type: 'nexmark', table: 'bid', eventsPerSecond: 0, count: 10, seed: 42 },
    } as SourceNode;
    const file = path.join(dir, 'bids.jsonl');
    expect(materializeSource(node, NEXMARK_SCHEMAS.bid, file, { baseDir: dir }).rows).toBe(10);
    const first = JSON.parse(lines(file)[0]!) as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(['auction', 'bidder', 'price', 'channel', 'url', 'dateTime', 'extra']);
    expect(first.dateTime).toBe(1_700_000_000_000);
  });

  it('skips and reports csv rows that do not parse; refuses an unbounded source', () => {
    const csv = path.join(dir, 'in.csv');
    writeFileSync(csv, 'n,s\n1,a\nx,b\n3,c\n');
    const node = {
      id: 'c',
      kind: 'source',
      connector: { type: 'file', path: 'in.csv', format: 'csv' },
      schema: { n: 'int', s: 'string' },
    } as SourceNode;
    expect(needsMaterializing(node)).toBe(true);
    const m = materializeSource(node, { n: 'int', s: 'string' }, path.join(dir, 'c.jsonl'), { baseDir: dir });
    expect(m.rows).toBe(2);
    expect(m.rowErrors.map((e) => e.position)).toEqual(['in.csv:3']);
    expect(lines(path.join(dir, 'c.jsonl'))).toEqual(['{"n":1,"s":"a"}', '{"n":3,"s":"c"}']);
    const unbounded = datagen(0);
    delete (unbounded.connector as { count?: number }).count;
    expect(() => materializeSource(unbounded, schema, path.join(dir, 'u.jsonl'), { baseDir: dir })).toThrow(
      "source 'src' is unbounded",
    );
  });

  it('materializes datagen, nexmark and csv sources; jsonl and text files are shared as they are', () => {
    const file = (format: 'jsonl' | 'text') =>
      ({ id: 'f', kind: 'source', connector: { type: 'file', path: 'x', format } }) as SourceNode;
    expect([
      needsMaterializing(datagen(0)),
      needsMaterializing(file('jsonl')),
      needsMaterializing(file('text')),
    ]).toEqual([true, false, false]);
  });
});
