import { describe, expect, it } from 'vitest';
import { rateLimitedConsole } from './console';

describe('rateLimitedConsole', () => {
  it('prints at most N lines a second and reports the rest at most every 10 s', () => {
    let t = 0;
    const out: string[] = [];
    const reports: number[] = [];
    const write = rateLimitedConsole(
      3,
      (s) => out.push(s),
      (n) => reports.push(n),
      () => t,
    );
    write('a\nb\n');
    write('c\nd\ne\n');
    expect(out).toEqual(['a\nb\n', 'c\n']);
    expect(reports).toEqual([2]); // the first report goes out at once
    t = 1000;
    write('f\ng\nh\ni\n');
    expect(out).toEqual(['a\nb\n', 'c\n', 'f\ng\nh\n']);
    expect(reports).toEqual([2]); // one more suppressed, reported no sooner than 10 s after the last report
    t = 10_000;
    write('j\n');
    expect(out.at(-1)).toBe('j\n');
    expect(reports).toEqual([2, 1]);
  });
});
