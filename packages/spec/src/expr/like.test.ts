import { describe, expect, it } from 'vitest';
import { likeMatcher } from './compile';
import { type LikePattern, likeLiteral, matchLike, matchLikeReference, parseLike } from './like';

function parsed(pattern: string, escapeChar: string | null = null): LikePattern {
  const like = parseLike(pattern, escapeChar);
  if (typeof like === 'string') throw new Error(like);
  return like;
}

/** The answer of both matchers, which must agree. */
function like(s: string, pattern: string, escapeChar: string | null = null): boolean {
  const p = parsed(pattern, escapeChar);
  const fast = matchLike(p, s);
  expect(matchLikeReference(p, s), `reference: '${s}' LIKE '${pattern}'`).toBe(fast);
  return fast;
}

describe('LIKE patterns', () => {
  it('match % and _ and take everything else literally', () => {
    expect(like('abc', 'a%')).toBe(true);
    expect(like('abc', 'a_c')).toBe(true);
    expect(like('a^c', 'a^c')).toBe(true);
    expect(like('a$c', 'a$_')).toBe(true);
    expect(like('[x]', '[x]')).toBe(true);
    expect(like('x', '[x]')).toBe(false);
    expect(like('a|b', 'a|b')).toBe(true);
    expect(like('a', 'a|b')).toBe(false);
    expect(like('a{2}', 'a{2}')).toBe(true);
    expect(like('aa', 'a{2}')).toBe(false);
    expect(like('a\\b', 'a\\b')).toBe(true);
    expect(like('a.b', 'a.b')).toBe(true);
    expect(like('axb', 'a.b')).toBe(false);
    expect(like('a\nb', 'a%b')).toBe(true);
    expect(like('a\nb', 'a_b')).toBe(true);
  });

  it('count code points: _ is one code point, a surrogate pair included', () => {
    expect(like('😀', '_')).toBe(true);
    expect(like('😀', '__')).toBe(false);
    expect(like('a😀b', 'a_b')).toBe(true);
    expect(like('a😀b', '%😀%')).toBe(true);
    expect(like('a😀b', '%😀_')).toBe(true);
    expect(like('😀😀', '_😀')).toBe(true);
    expect(like('😀x😀', '%x_')).toBe(true);
    expect(like('\ud83d', '_')).toBe(true); // a lone surrogate is a code point too
  });

  it('take %, _ and the escape character literally after the escape character', () => {
    expect(like('a%', 'a\\%', '\\')).toBe(true);
    expect(like('ab', 'a\\%', '\\')).toBe(false);
    expect(like('a%b', 'a%%b', '%')).toBe(true);
    expect(like('axb', 'a%%b', '%')).toBe(false);
    expect(like('100%', '100!%', '!')).toBe(true);
    expect(like('1000', '100!%', '!')).toBe(false);
    expect(like('a_b', '%!_%', '!')).toBe(true);
    expect(like('a!b', 'a!!b', '!')).toBe(true);
    expect(likeLiteral(parsed('100!%', '!'))).toBe('100%');
    expect(likeLiteral(parsed('1_0'))).toBe(null);
  });

  it('report invalid escapes and escape characters', () => {
    expect(parseLike('a', 'xy')).toMatch(/exactly one character/);
    expect(parseLike('a!b', '!')).toMatch(/invalid escape sequence '!b'/);
    expect(parseLike('a!', '!')).toMatch(/ends with the escape character/);
  });

  it('agree with the reference on every short pattern and string over a small alphabet', () => {
    const words = (alphabet: string[], max: number): string[] => {
      let level = [''];
      const all = [''];
      for (let n = 1; n <= max; n++) {
        level = level.flatMap((w) => alphabet.map((c) => w + c));
        all.push(...level);
      }
      return all;
    };
    const patterns = words(['a', 'b', '%', '_', '😀'], 4);
    const inputs = words(['a', 'b', '😀'], 4);
    let matched = 0;
    for (const pattern of patterns) {
      const p = parsed(pattern);
      // a third opinion, for these few fixed test patterns only: the old translation to a RegExp
      const oracle = new RegExp(`^${pattern.replaceAll('%', '.*').replaceAll('_', '.')}$`, 'su');
      for (const s of inputs) {
        const expected = oracle.test(s);
        const fast = matchLike(p, s);
        const reference = matchLikeReference(p, s);
        if (fast !== expected || reference !== expected) {
          throw new Error(`'${s}' LIKE '${pattern}': expected ${expected}, got ${fast} and ${reference}`);
        }
        if (expected) matched++;
      }
    }
    expect(patterns.length * inputs.length).toBe(781 * 121);
    expect(matched).toBe(13_127); // counted by the RegExp oracle
  });

  it('answer many-% patterns over long strings without backtracking', () => {
    const long = 'a'.repeat(100_000);
    expect(like(long, '%a%a%a%a%a%a%a%a%b')).toBe(false);
    expect(like(`${long}b`, '%a%a%a%a%a%a%a%a%b')).toBe(true);
    expect(like(long, '%a_a%a_a%a_a%a_a%b')).toBe(false);
    expect(like(long, '%a%a%a%a%a%a%a%a%')).toBe(true);
    expect(like(`${'ab'.repeat(50_000)}c`, '%a%b%a%b%a%b%a%b%c')).toBe(true);
  });
});

describe('likeMatcher (the compiler’s)', () => {
  it('uses string tests for simple patterns with the same answers as the reference', () => {
    const patterns = ['abc', 'ab%', '%bc', '%b%', '%', '%%', '', 'a%c', 'a_c', '%a%b%', '_%', 'a.c%', '%%%'];
    const inputs = ['', 'a', 'abc', 'xabcx', 'ab', 'bc', 'a.cd', 'aXc'];
    for (const pattern of patterns) {
      const fast = likeMatcher(pattern, null);
      if (typeof fast === 'string') throw new Error(fast);
      const p = parsed(pattern);
      for (const s of inputs) {
        expect(fast(s), `'${s}' LIKE '${pattern}'`).toBe(matchLikeReference(p, s));
      }
    }
  });

  it('reports invalid patterns', () => {
    expect(likeMatcher('a!', '!')).toMatch(/ends with the escape character/);
  });
});
