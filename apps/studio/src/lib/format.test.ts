import { describe, expect, it } from 'vitest';
import {
  eventTimeTitle,
  formatBytes,
  formatDuration,
  formatEventTime,
  formatRate,
  formatWindow,
  keyLabel,
  keyText,
  valueColumns,
  valueText,
} from './format';

describe('format', () => {
  it('formats durations from milliseconds to years: the largest two units', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
    expect(formatDuration(0.4)).toBe('0.4 ms');
    expect(formatDuration(250)).toBe('250 ms');
    expect(formatDuration(950)).toBe('950 ms');
    expect(formatDuration(1234)).toBe('1.2 s');
    expect(formatDuration(1500)).toBe('1.5 s');
    expect(formatDuration(10_000)).toBe('10 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(60_000)).toBe('1 min');
    expect(formatDuration(90_000)).toBe('1 min 30 s');
    expect(formatDuration(245_000)).toBe('4 min 5 s');
    expect(formatDuration(3_600_000)).toBe('1 h');
    expect(formatDuration(2 * 3600_000 + 3 * 60_000)).toBe('2 h 3 min');
    expect(formatDuration(3 * 86400_000 + 4 * 3600_000)).toBe('3 d 4 h');
    expect(formatDuration((2 * 365 + 40) * 86400_000)).toBe('2 y 40 d');
    expect(formatDuration(-1500)).toBe('−1.5 s');
  });

  it('formats event times in UTC, with milliseconds when there are any', () => {
    expect(formatEventTime(1_700_000_000_000)).toBe('2023-11-14 22:13:20Z');
    expect(formatEventTime(1_700_000_059_999)).toBe('2023-11-14 22:14:19.999Z');
    expect(formatEventTime(0)).toBe('1970-01-01 00:00:00Z');
    expect(formatEventTime(null)).toBe('—');
    expect(formatEventTime(1_700_000_059_999, { seconds: true })).toBe('2023-11-14 22:14:19');
    expect(formatWindow(1_700_000_000_000, 1_700_000_060_000)).toBe('2023-11-14 22:13:20 – 22:14:20Z');
    expect(formatWindow(1_699_999_990_000, 1_700_086_400_500)).toBe(
      '2023-11-14 22:13:10 – 2023-11-15 22:13:20.500Z',
    );
    expect(formatWindow(Number.NaN, 1)).toBe('—');
    expect(eventTimeTitle(1_700_000_000_000)).toBe(
      '1700000000000 ms since the epoch (2023-11-14T22:13:20.000Z)',
    );
  });

  it('formats sizes in binary units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(3277)).toBe('3.2 KiB');
    expect(formatBytes(14 * 1024 * 1024)).toBe('14.0 MiB');
    expect(formatBytes(null)).toBe('—');
  });

  it('formats rates compactly', () => {
    expect(formatRate(0)).toBe('0');
    expect(formatRate(2.0)).toBe('2');
    expect(formatRate(2.5)).toBe('2.5');
    expect(formatRate(1234)).toBe('1.2k');
    expect(formatRate(3_400_000)).toBe('3.4M');
  });

  it('shows keys and values as text', () => {
    expect(keyText('the')).toBe('the');
    expect(keyText(7)).toBe('7');
    expect(keyText(null)).toBe('null');
    expect(keyLabel('[1,1008]')).toBe('1 · 1008');
    expect(keyLabel('["a","b"]')).toBe('a · b');
    expect(keyLabel('[oops')).toBe('[oops');
    expect(keyLabel(7)).toBe('7');
    expect(valueText(1234)).toBe('1,234');
    expect(valueText(0.1 + 0.2)).toBe('0.3');
    expect(valueText({ a: 1 })).toBe('{"a":1}');
  });

  it('derives value columns from object values, or none for scalars', () => {
    expect(valueColumns([{ count: 1 }, { count: 2, max: 3 }])).toEqual(['count', 'max']);
    expect(valueColumns([1, 2])).toBeNull();
    expect(valueColumns([])).toEqual([]);
  });
});
