import { describe, expect, it } from 'vitest';
import { closest, orList } from './text';

describe('closest', () => {
  const keys = ['type', 'table', 'eventsPerSecond', 'count', 'seed', 'sizeMs', 'slideMs'];

  it('finds typos, swapped letters, other case and a missing suffix', () => {
    expect(closest('tabel', keys)).toBe('table');
    expect(closest('Count', keys)).toBe('count');
    expect(closest('seeds', keys)).toBe('seed');
    expect(closest('size', keys)).toBe('sizeMs');
    expect(closest('eventsPerSec', keys)).toBe('eventsPerSecond');
  });

  it('suggests nothing for names that are not close', () => {
    expect(closest('x', keys)).toBeUndefined();
    expect(closest('parallelism', keys)).toBeUndefined();
    expect(closest('ts', [])).toBeUndefined();
  });
});

describe('orList', () => {
  it('joins names with commas and a final "or"', () => {
    expect(orList([])).toBe('');
    expect(orList(['a'])).toBe("'a'");
    expect(orList(['a', 'b', 'c'])).toBe("'a', 'b' or 'c'");
  });
});
