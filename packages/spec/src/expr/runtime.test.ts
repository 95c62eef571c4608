import { describe, expect, it } from 'vitest';
import {
  charLength,
  intDiv,
  intMod,
  roundFloat,
  roundInt,
  stringToFloat,
  stringToInt,
  stringToTimestamp,
  substringSql,
  timestampToString,
  trimSql,
} from './runtime';

describe('integer division and remainder', () => {
  it('truncate toward zero and follow the dividend sign, never giving -0', () => {
    for (const [a, b, q, r] of [
      [7, 2, 3, 1],
      [-7, 2, -3, -1],
      [7, -2, -3, 1],
      [-7, -2, 3, -1],
      [-1, 2, 0, -1],
      [-4, 2, -2, 0],
      [9007199254740991, 2, 4503599627370495, 1],
      [-9007199254740991, 3, -3002399751580330, -1],
    ] as const) {
      expect(Object.is(intDiv(a, b), q), `${a} / ${b}`).toBe(true);
      expect(Object.is(intMod(a, b), r), `${a} % ${b}`).toBe(true);
    }
    expect(Object.is(intDiv(-1, 5), 0)).toBe(true);
    expect(Object.is(intMod(-5, 5), 0)).toBe(true);
  });

  it('matches BigInt division over the whole int range', () => {
    let seed = 12345;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed;
    };
    for (let k = 0; k < 2000; k++) {
      const a = ((next() * 2 ** 22 + next()) % Number.MAX_SAFE_INTEGER) * (next() % 2 ? 1 : -1);
      const b = (next() % 1000) + 1;
      expect(intDiv(a, b)).toBe(Number(BigInt(a) / BigInt(b)));
      expect(intMod(a, b)).toBe(Number(BigInt(a) % BigInt(b)));
    }
  });
});

describe('ROUND', () => {
  it('rounds floats half away from zero on their decimal value', () => {
    expect(roundFloat(2.5, 0)).toBe(3);
    expect(roundFloat(-2.5, 0)).toBe(-3);
    expect(roundFloat(1.005, 2)).toBe(1.01);
    expect(roundFloat(1.045, 2)).toBe(1.05);
    expect(roundFloat(0.285, 2)).toBe(0.29);
    expect(roundFloat(999.9996, 3)).toBe(1000);
    expect(roundFloat(0.05, 1)).toBe(0.1);
    expect(roundFloat(0.04, 1)).toBe(0);
    expect(roundFloat(0.5, -1)).toBe(0);
    expect(roundFloat(5, -1)).toBe(10);
    expect(roundFloat(4.9, -1)).toBe(0);
    expect(roundFloat(1e300, 2)).toBe(1e300);
    expect(roundFloat(1.5e-300, 300)).toBe(2e-300);
    expect(roundFloat(Number.NaN, 2)).toBeNaN();
    expect(roundFloat(Number.POSITIVE_INFINITY, 2)).toBe(Number.POSITIVE_INFINITY);
    expect(Object.is(roundFloat(-0, 2), -0)).toBe(true);
  });

  it('rounds ints to tens, hundreds... for negative digits', () => {
    expect(roundInt(1234, 2)).toBe(1234);
    expect(roundInt(1250, -2)).toBe(1300);
    expect(roundInt(-1250, -2)).toBe(-1300);
    expect(roundInt(1249, -2)).toBe(1200);
    expect(roundInt(9007199254740991, -17)).toBe(0);
    expect(roundInt(4999999999999999, -16)).toBe(0);
    expect(() => roundInt(9007199254740991, -2)).toThrow(/integer overflow/);
  });
});

describe('strings', () => {
  it('count code points', () => {
    expect(charLength('abc')).toBe(3);
    expect(charLength('😀😀')).toBe(2);
    expect(charLength('\ud800')).toBe(1);
    expect(substringSql('a😀b', 2, 1)).toBe('😀');
    expect(substringSql('a😀b', -1)).toBe('b');
  });

  it('trim only the given characters', () => {
    expect(trimSql('  a  ', ' ', true, true)).toBe('a');
    expect(trimSql('\t a \n', ' ', true, true)).toBe('\t a \n');
    expect(trimSql('xyaxy', 'yx', true, false)).toBe('axy');
    expect(trimSql('😀a😀', '😀', false, true)).toBe('😀a');
    expect(trimSql('aaa', 'a', true, true)).toBe('');
  });
});

describe('CAST conversions', () => {
  it('parse ints as Flink does', () => {
    expect(stringToInt('42')).toBe(42);
    expect(stringToInt(' -42 ')).toBe(-42);
    expect(stringToInt('4.99')).toBe(4);
    expect(stringToInt('.5')).toBe(0);
    expect(stringToInt('5.')).toBe(5);
    expect(stringToInt('9007199254740991')).toBe(9007199254740991);
    for (const bad of ['', ' ', '+', '-', '1e3', '0x10', '1 2', '4.9x', '9007199254740992', 'NaN']) {
      expect(stringToInt(bad), bad).toBeUndefined();
    }
  });

  it('parse floats strictly', () => {
    expect(stringToFloat('1.5')).toBe(1.5);
    expect(stringToFloat(' -1e-3 ')).toBe(-0.001);
    expect(stringToFloat('Infinity')).toBe(Number.POSITIVE_INFINITY);
    for (const bad of ['', '1,5', '0x1', '1e', 'inf', '1.5f'])
      expect(stringToFloat(bad), bad).toBeUndefined();
    expect(stringToFloat('15.')).toBe(15);
    expect(stringToFloat('1.5e3')).toBe(1500);
    // minutes with a quadratic pattern; vitest's timeout would catch that
    expect(stringToFloat(`${'1'.repeat(200_000)}x`)).toBeUndefined();
    expect(stringToFloat(`${'1'.repeat(200_000)}.5e`)).toBeUndefined();
  });

  it('parse and print timestamps in UTC', () => {
    expect(stringToTimestamp('1970-01-01')).toBe(0);
    expect(stringToTimestamp('2000-02-29 12:00:00')).toBe(951825600000);
    expect(stringToTimestamp('1900-02-29')).toBeUndefined();
    expect(stringToTimestamp('2023-04-31')).toBeUndefined();
    expect(stringToTimestamp('2023-1-2 3:04')).toBe(Date.UTC(2023, 0, 2, 3, 4));
    expect(stringToTimestamp('0001-01-01 00:00:00')).toBe(-62135596800000);
    expect(timestampToString(-62135596800000)).toBe('0001-01-01 00:00:00.000');
    expect(timestampToString(951825600123)).toBe('2000-02-29 12:00:00.123');
    let ms = -86_400_000 * 366 * 400;
    for (let k = 0; k < 3000; k++) {
      ms += 86_400_000 * 97 + 3_600_000 * 7 + 61_001;
      const text = timestampToString(ms);
      expect(text).toBe(new Date(ms).toISOString().replace('T', ' ').replace('Z', ''));
      expect(stringToTimestamp(text)).toBe(ms);
    }
  });
});
