import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { Prng } from '../prng';
import { compileRegex, isRegexProblem, type SpecRegex } from './regex';
import { parseSimplePattern, SimpleFinder } from './regex-simple';

function compiled(pattern: string, fastPath: boolean): SpecRegex {
  const re = compileRegex(pattern, { fastPath });
  if (isRegexProblem(re)) throw new Error(`${pattern}: ${re.reason}`);
  return re;
}

describe('parseSimplePattern', () => {
  it.each([
    [',', ',', false, 0, 0],
    ['', '', false, 0, 0],
    ['abc', 'abc', false, 0, 0],
    ['a\\.b', 'a.b', false, 0, 0],
    ['\\t', '\t', false, 0, 0],
    ['\\s+', '', true, 1, Number.POSITIVE_INFINITY],
    ['[^a-z0-9]+', '', true, 1, Number.POSITIVE_INFINITY],
    [', *', ',', true, 0, Number.POSITIVE_INFINITY],
    ['ab?', 'a', true, 0, 1],
    ['x[0-9]{2,4}', 'x', true, 2, 4],
    ['.', '', true, 1, 1],
    ['[]a]{3}', '', true, 3, 3],
  ])(
    'takes %s as literal %j then an atom (%s) repeated %i to %i times',
    (pattern, literal, atom, min, max) => {
      const simple = parseSimplePattern(pattern);
      expect(simple?.literal).toBe(literal);
      expect(simple?.atom !== null).toBe(atom);
      expect(simple?.min).toBe(min);
      expect(simple?.max).toBe(max);
    },
  );

  it('leaves everything else to RE2', () => {
    const others = [
      '(a)',
      '(?:a)',
      'a|b',
      '^a',
      'a$',
      '(?i)a',
      'a+?',
      'a*b', // two atoms after the literal
      '[0-9]x',
      'a+b+',
      '[[:alpha:]]',
      '\\p{L}',
      '\\x{41}',
      '\\bword',
      '😀+',
      'a{',
      'a{,2}',
      '[\\d-z]',
      '\\Qa\\E',
    ];
    for (const pattern of others) {
      expect(parseSimplePattern(pattern), pattern).toBe(null);
      expect(compiled(pattern, true).scans, pattern).toBe(false);
    }
    expect(compiled('[0-9]+', true).scans).toBe(true);
    expect(compiled('[0-9]+', false).scans).toBe(false);
  });
});

describe('the plain scan', () => {
  it('finds the same matches as RE2 on random simple patterns and strings (seed 1)', () => {
    const prng = new Prng(1);
    const random = () => prng.next();
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const literals = ['a', 'b', '\\.', ' ', '\\t', '-', ',', 'é', '\\-', '\\]'];
    const atoms = [
      'a',
      '.',
      '\\.',
      'é',
      '\\d',
      '\\D',
      '\\s',
      '\\S',
      '\\w',
      '\\W',
      '[ab]',
      '[^ab]',
      '[a-c]',
      '[-a]',
      '[a-]',
      '[]a]',
      '[^]a]',
      '[\\d,]',
      '[^\\s]',
      '[\\t-\\r]',
      '[--/]',
      '[a-b-c]',
      '[é-ü]',
      '[^é]',
      '[\\]\\\\]',
    ];
    const quantifiers = ['', '*', '+', '?', '{2}', '{0,}', '{1,3}', '{0}', '{2,}', '{0,1}'];
    const chars = [
      'a',
      'b',
      'c',
      '.',
      ' ',
      '\t',
      '\n',
      '\r',
      '-',
      ',',
      ']',
      '\\',
      '1',
      'é',
      'ü',
      '😀',
      '\ud800',
    ];
    let scanned = 0;
    let compared = 0;
    for (let k = 0; k < 1500; k++) {
      let pattern = '';
      for (let n = Math.floor(random() * 3); n > 0; n--) pattern += pick(literals);
      if (random() < 0.85) pattern += pick(atoms) + pick(quantifiers);
      const simple = parseSimplePattern(pattern);
      if (simple === null) throw new Error(`${pattern} should take the plain scan`);
      scanned++;
      const finder = new SimpleFinder(simple);
      const matcher = RE2JS.compile(pattern).matcher('');
      const fast = compiled(pattern, true);
      const slow = compiled(pattern, false);
      for (let t = 0; t < 8; t++) {
        let s = '';
        for (let n = Math.floor(random() * 9); n > 0; n--) s += pick(chars);
        matcher.resetMatcherInput(s);
        for (let from = 0; from <= s.length; from++) {
          const found = finder.find(s, from);
          const expected = matcher.find(from);
          const where = `/${pattern}/ in ${JSON.stringify(s)} from ${from}`;
          expect(found, where).toBe(expected);
          if (expected) expect([finder.start, finder.end], where).toEqual([matcher.start(), matcher.end()]);
          compared++;
        }
        const where = `/${pattern}/ on ${JSON.stringify(s)}`;
        expect(fast.test(s), where).toBe(slow.test(s));
        expect(fast.split(s), where).toEqual(slow.split(s));
        expect(fast.replaceAll(s, '<$&>'), where).toBe(slow.replaceAll(s, '<$&>'));
        expect(fast.extract(s, 0), where).toBe(slow.extract(s, 0));
      }
    }
    expect(scanned).toBe(1500);
    expect(compared).toBe(62_148); // (pattern, string, start) triples
  });

  it('stays linear on long strings', () => {
    const digits = '1'.repeat(200_000);
    // native backtracking takes O(n²) for these; the scan answers in one pass
    expect(compiled('1[0-9]{1000}x', true).test(digits)).toBe(false); // not simple: RE2
    expect(compiled('x[0-9]+', true).test(digits)).toBe(false);
    expect(compiled('1{1000}', true).scans).toBe(true);
    expect(compiled('1{1000}', true).split(digits)).toEqual(new Array<string>(201).fill(''));
    expect(compiled('[0-9]{3,}', true).replaceAll(`${'12 '.repeat(50_000)}1`, '#')).toBe(
      `${'12 '.repeat(50_000)}1`,
    );
    expect(compiled('a[a]{999}', true).test('a'.repeat(999))).toBe(false);
  });
});
