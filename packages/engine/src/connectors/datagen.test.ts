import type { DatagenSource } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { createSplitReader } from './index';
import { FakeClock, readAll, testContext } from './test-support';
import type { Row } from './types';

const schema = {
  id: 'int',
  v: 'int',
  f: 'float',
  s: 'string',
  b: 'bool',
  c: 'string',
  ts: 'timestamp',
} as const;

function source(over: Partial<DatagenSource> = {}): DatagenSource {
  return {
    type: 'datagen',
    fields: {
      id: { kind: 'sequence', start: 100 },
      v: { kind: 'random', min: -5, max: 5 },
      f: { kind: 'random', min: 1.5, max: 2.5 },
      s: { kind: 'random', min: 0, max: 0, length: 12 },
      b: { kind: 'random', min: 0, max: 100 },
      c: { kind: 'choice', values: ['red', 'green', 'blue'] },
      ts: { kind: 'timestamp', startMs: 1_000_000, stepMs: 10, maxJitterMs: 25 },
    },
    rowsPerSecond: 0,
    count: 3000,
    seed: 7,
    ...over,
  };
}

const reader = (over: Partial<DatagenSource> = {}, subtask = 0, parallelism = 1, s: object = schema) =>
  createSplitReader(source(over), s as never, testContext({ subtask, parallelism }));

describe('datagen', () => {
  it('is deterministic: the same seed gives the same rows, another seed other rows', () => {
    const a = readAll(reader());
    const b = readAll(reader());
    const c = readAll(reader({ seed: 8 }));
    expect(a).toHaveLength(3000);
    expect(b).toEqual(a);
    expect(c.map((r) => r.v)).not.toEqual(a.map((r) => r.v));
    expect(c.map((r) => r.id)).toEqual(a.map((r) => r.id)); // sequences do not depend on the seed
  });

  it('row i does not depend on the split or the parallelism', () => {
    const single = readAll(reader());
    const byIndex = new Map<number, Row>();
    for (let s = 0; s < 3; s++) {
      const rows = readAll(reader({}, s, 3), Number.POSITIVE_INFINITY, 37);
      for (const [k, row] of rows.entries()) byIndex.set(s + 3 * k, row);
    }
    expect(byIndex.size).toBe(3000);
    for (let i = 0; i < 3000; i++) expect(byIndex.get(i)).toEqual(single[i]);
    const key = (r: Row) => JSON.stringify(r);
    expect([...byIndex.values()].map(key).sort()).toEqual(single.map(key).sort());
  });

  it('fills each field with values of its type and range, in schema order', () => {
    const rows = readAll(reader({ count: 5000 }));
    const choices = new Set<unknown>();
    rows.forEach((r, i) => {
      expect(Object.keys(r)).toEqual(Object.keys(schema));
      expect(r.id).toBe(100 + i);
      expect(Number.isInteger(r.v)).toBe(true);
      expect(r.v).toBeGreaterThanOrEqual(-5);
      expect(r.v).toBeLessThanOrEqual(5);
      expect(typeof r.f).toBe('number');
      expect(r.f).toBeGreaterThanOrEqual(1.5);
      expect(r.f).toBeLessThan(2.5);
      expect(r.s).toMatch(/^[a-z0-9]{12}$/);
      expect(typeof r.b).toBe('boolean');
      choices.add(r.c);
      const ts = r.ts as number;
      expect(Number.isInteger(ts)).toBe(true);
      expect(ts).toBeLessThanOrEqual(1_000_000 + i * 10);
      expect(ts).toBeGreaterThanOrEqual(1_000_000 + i * 10 - 25);
    });
    expect(choices).toEqual(new Set(['red', 'green', 'blue']));
    // Every value of the int range shows up, and both ends are reached.
    expect(new Set(rows.map((r) => r.v)).size).toBe(11);
    const trues = rows.filter((r) => r.b).length;
    expect(trues / rows.length).toBeGreaterThan(0.45);
    expect(trues / rows.length).toBeLessThan(0.55);
    const jitters = new Set(rows.map((r, i) => 1_000_000 + i * 10 - (r.ts as number)));
    expect(jitters.has(0)).toBe(true);
    expect(jitters.has(25)).toBe(true);
  });

  it('wraps a sequence with an end, turns it into text for a string field, and applies nullRate', () => {
    const rows = readAll(
      createSplitReader(
        {
          type: 'datagen',
          fields: {
            n: { kind: 'sequence', start: 3, end: 5 },
            t: { kind: 'sequence', start: 0 },
            x: { kind: 'random', min: 0, max: 10, nullRate: 0.25 },
          },
          rowsPerSecond: 0,
          count: 8000,
          seed: 1,
        },
        { n: 'int', t: 'string', x: 'float' },
        testContext(),
      ),
    );
    expect(rows.slice(0, 7).map((r) => r.n)).toEqual([3, 4, 5, 3, 4, 5, 3]);
    expect(rows[12]!.t).toBe('12');
    const nulls = rows.filter((r) => r.x === null).length / rows.length;
    expect(nulls).toBeGreaterThan(0.22);
    expect(nulls).toBeLessThan(0.28);
  });

  it('gives a field without a generator the default one', () => {
    const rows = readAll(
      createSplitReader(
        { type: 'datagen', fields: {}, rowsPerSecond: 0, count: 100, seed: 0 },
        { a: 'int', t: 'timestamp' },
        testContext(),
      ),
    );
    for (const [i, r] of rows.entries()) {
      expect(r.a).toBeGreaterThanOrEqual(0);
      expect(r.a).toBeLessThanOrEqual(100);
      expect(r.t).toBe(1_700_000_000_000 + 10 * i);
    }
  });

  it('picks choices by weight and never a value of weight 0', () => {
    const rows = readAll(
      createSplitReader(
        {
          type: 'datagen',
          fields: { k: { kind: 'choice', values: [1, 2, 3], weights: [1, 0, 3] } },
          rowsPerSecond: 0,
          count: 40_000,
          seed: 3,
        },
        { k: 'int' },
        testContext(),
      ),
    );
    const ones = rows.filter((r) => r.k === 1).length;
    const threes = rows.filter((r) => r.k === 3).length;
    expect(rows.some((r) => r.k === 2)).toBe(false);
    expect(ones + threes).toBe(40_000);
    expect(threes / ones).toBeGreaterThan(2.8);
    expect(threes / ones).toBeLessThan(3.2);
  });

  it('rejects generators that do not fit their field', () => {
    const make = (fields: DatagenSource['fields'], s: Record<string, string>) => () =>
      createSplitReader({ type: 'datagen', fields, rowsPerSecond: 0, seed: 0 }, s as never, testContext());
    expect(make({ a: { kind: 'choice', values: ['x'] } }, { a: 'int' })).toThrow(
      /datagen field "a".*not an integer/,
    );
    expect(make({ a: { kind: 'choice', values: [1.5] } }, { a: 'int' })).toThrow(/not an integer/);
    expect(make({ a: { kind: 'sequence', start: 0 } }, { a: 'bool' })).toThrow(/bool/);
    expect(make({ a: { kind: 'random', min: 0.2, max: 0.8 } }, { a: 'int' })).toThrow(/no integer/);
    expect(make({ a: { kind: 'choice', values: [1, 2], weights: [0, 0] } }, { a: 'int' })).toThrow(/zero/);
    expect(make({ a: { kind: 'choice', values: [1, 2], weights: [1] } }, { a: 'int' })).toThrow(/weights/);
    expect(make({ a: { kind: 'choice', values: [1, true] } }, { a: 'string' })).not.toThrow();
  });

  it('resumes exactly at a position, also after a JSON round trip', () => {
    const r1 = reader({}, 1, 2);
    readAll(r1, 400, 33);
    const pos = JSON.parse(JSON.stringify(r1.position()));
    expect(pos).toEqual({ index: 1 + 2 * 400 });
    const rest1 = readAll(r1);
    const r2 = reader({}, 1, 2);
    r2.seek(pos);
    expect(readAll(r2)).toEqual(rest1);
    expect(rest1).toHaveLength(1500 - 400);
  });

  it('ends after count rows; unbounded without a count', () => {
    const r = reader({ count: 10 }, 0, 4);
    expect(r.bounded).toBe(true);
    expect(readAll(r).map((x) => x.id)).toEqual([100, 104, 108]);
    expect(r.ended).toBe(true);
    expect(r.read(10, [])).toBe(0);
    expect(reader({ count: 2 }, 3, 4).ended).toBe(true);
    expect(reader({ count: 0 }).ended).toBe(true);
    const u = reader({ count: undefined });
    expect(u.bounded).toBe(false);
    expect(readAll(u, 10_000, 1000)).toHaveLength(10_000);
    expect(u.ended).toBe(false);
  });

  it('limits the rate with the injected clock, sharing it among splits', () => {
    const clock = new FakeClock(1000);
    const ctx = testContext({ subtask: 1, parallelism: 2, nowMs: clock.now });
    const r = createSplitReader(source({ rowsPerSecond: 100, count: undefined }), schema as never, ctx);
    const out: Row[] = [];
    expect(r.read(100, out)).toBe(0); // the clock starts at the first read: 50 rows/s for this split
    expect(r.ended).toBe(false);
    expect(r.availableAt(1000)).toBe(1020);
    clock.t = 1019;
    expect(r.read(100, out)).toBe(0);
    clock.t = 1020;
    expect(r.availableAt(1020)).toBe(0);
    expect(r.read(100, out)).toBe(1);
    expect(r.availableAt(1020)).toBe(1040);
    for (let t = 1020; t <= 3000; t += 7) {
      clock.t = t;
      r.read(1000, out);
      expect(out.length).toBeLessThanOrEqual(Math.floor(((t - 1000) * 50) / 1000));
      expect(out.length).toBeGreaterThanOrEqual(Math.floor(((t - 1000) * 50) / 1000) - 1);
    }
    clock.t = 3000;
    r.read(1000, out);
    expect(out).toHaveLength(100);
    expect(out.map((x) => x.id)).toEqual(Array.from({ length: 100 }, (_, k) => 101 + 2 * k));
    // After a seek (restore) the reader starts its clock again: no burst to catch up.
    r.seek({ index: 1 });
    clock.t = 100_000;
    expect(r.read(1000, out)).toBe(0);
    clock.t = 100_100;
    expect(r.read(1000, out)).toBe(5);
  });
});
