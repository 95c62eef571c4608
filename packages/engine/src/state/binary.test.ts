import { describe, expect, it } from 'vitest';
import { BinaryFormatError, ByteWriter, decodeEntries, decodeValue, encodeValue } from './binary';

const viaJson = (v: unknown) => JSON.parse(JSON.stringify(v)) as unknown;

describe('binary values (checkpoint sections)', () => {
  it('round-trips JSON values exactly', () => {
    const values: unknown[] = [
      0,
      1,
      -1,
      127,
      -128,
      128,
      -129,
      2 ** 31 - 1,
      -(2 ** 31),
      2 ** 31,
      2 ** 53,
      0.1,
      -1.5e-300,
      Number.MAX_VALUE,
      '',
      'a',
      'x'.repeat(127),
      'x'.repeat(128),
      'y'.repeat(100_000),
      'grüße, 東京 🚀',
      true,
      false,
      null,
      [],
      [1, [2, [3, []]]],
      { a: 1, b: 'two', c: [true, null], d: {} },
      { 'ü-key': { nested: [{ deep: 1.25 }] } },
      [10, 556],
    ];
    for (const v of values) expect(decodeValue(encodeValue(v))).toEqual(v);
    expect(decodeValue(encodeValue([10, 556]))).toEqual([10, 556]);
    // property names, ASCII (written without the text encoder) or not, around the fast path's length limit
    for (const name of ['a'.repeat(63), 'b'.repeat(64), 'é', `${'c'.repeat(62)}é`, 'x'.repeat(200)])
      expect(decodeValue(encodeValue({ [name]: 1, z: 2 }))).toEqual({ [name]: 1, z: 2 });
    // the layout of a property name: u32 byte length (little-endian), then its UTF-8 bytes
    const bytes = [...encodeValue({ ab: 1 })];
    expect(bytes.slice(5, 11)).toEqual([2, 0, 0, 0, 0x61, 0x62]);
    expect([...encodeValue({ é: 1 })].slice(5, 11)).toEqual([2, 0, 0, 0, 0xc3, 0xa9]);
    // a small-int pair: tag + u32 length + two 2-byte ints
    expect(encodeValue([10, 56]).length).toBe(9);
  });

  it('reads back what JSON.parse(JSON.stringify(v)) gives for values JSON changes', () => {
    const date = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
    const values: unknown[] = [
      Number.NaN,
      Number.POSITIVE_INFINITY,
      -0,
      [undefined, () => 1, Symbol('s'), Number.NaN],
      { keep: 1, drop: undefined, fn: () => 1 },
      date,
      { at: date },
      new Map([[1, 2]]),
      new Set([1]),
      { toJSON: () => ({ replaced: true }) },
      'lone \ud800 surrogate',
      { __proto__: null, x: 1 },
    ];
    for (const v of values) expect(decodeValue(encodeValue(v))).toEqual(viaJson(v));
    expect(decodeValue(encodeValue(date))).toBe('2026-01-02T03:04:05.000Z');
    expect(Object.is(decodeValue(encodeValue(-0)), 0)).toBe(true);
    // a "__proto__" property stays a property, as JSON.parse keeps it
    const o = decodeValue(encodeValue(JSON.parse('{"__proto__":{"x":1}}'))) as Record<string, unknown>;
    expect(Object.keys(o)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(() => encodeValue(10n)).toThrow(TypeError);
  });

  it('decodes (key, value) pairs and rejects truncated, trailing and unknown bytes', () => {
    const w = new ByteWriter(4);
    for (let i = 0; i < 1000; i++) {
      w.value(i % 2 === 0 ? i : `k${i}`);
      w.value([i, i * 1.5]);
    }
    const bytes = w.buf.slice(0, w.pos);
    const { keys, values } = decodeEntries(bytes, 1000);
    expect(keys[998]).toBe(998);
    expect(keys[999]).toBe('k999');
    expect(values[999]).toEqual([999, 1498.5]);
    expect(() => decodeEntries(bytes.subarray(0, bytes.length - 1), 1000)).toThrow(BinaryFormatError);
    expect(() => decodeEntries(bytes, 999)).toThrow(/bytes after 999 entries/);
    expect(() => decodeValue(new Uint8Array([42]))).toThrow(/unknown tag 42/);
    expect(() => decodeValue(new Uint8Array([7, 255, 255, 255, 255]))).toThrow(BinaryFormatError);
    expect(() => decodeValue(new Uint8Array([6, 2, 0, 0, 0, 0xff, 0xfe]))).toThrow(/invalid UTF-8/);
  });
});
