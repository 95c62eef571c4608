import { describe, expect, it } from 'vitest';
import { compileRegex, isRegexProblem, RegexCache, type RegexProblem, type SpecRegex } from './regex';

function compiled(pattern: string): SpecRegex {
  const re = compileRegex(pattern);
  if (isRegexProblem(re)) throw new Error(`${pattern}: ${re.reason}`);
  return re;
}

function problem(pattern: string): RegexProblem {
  const re = compileRegex(pattern);
  if (!isRegexProblem(re)) throw new Error(`${pattern} compiled`);
  return re;
}

// Patterns on which RE2 and JavaScript's RegExp (u flag) agree, so JavaScript can serve as the oracle.
const INPUTS = ['', 'a', 'a,b', ',a,,b,', 'abc', '  hello   world  ', 'a1b22c333', '😀x😀', 'xx', 'baaac'];

describe('REGEXP_SPLIT (split)', () => {
  it('splits as String.prototype.split for patterns without groups', () => {
    const patterns = [',', '[^a-z]+', '', 'x*', '\\s+', '[0-9]', '(?:)', 'b|', '^', '$', 'a*', '.'];
    for (const pattern of patterns) {
      const re = compiled(pattern);
      const js = new RegExp(pattern, 'gu');
      for (const s of INPUTS) {
        expect(re.split(s), `${JSON.stringify(s)} split by /${pattern}/`).toEqual(s.split(js));
      }
    }
  });

  it('does not splice capture groups into the result', () => {
    expect(compiled('([0-9])').split('a1b2c')).toEqual(['a', 'b', 'c']);
    expect('a1b2c'.split(/([0-9])/)).toEqual(['a', '1', 'b', '2', 'c']);
  });

  it('splits between code points on an empty match, and keeps trailing empty pieces', () => {
    expect(compiled('').split('😀a')).toEqual(['😀', 'a']);
    expect(compiled(',').split('a,b,,')).toEqual(['a', 'b', '', '']);
    expect(compiled(',').split('')).toEqual(['']);
    expect(compiled('x*').split('')).toEqual([]);
  });
});

describe('REGEXP_REPLACE (replaceAll)', () => {
  it('replaces as String.prototype.replace with a global regex, $ references included', () => {
    const patterns = ['[0-9]+', '(\\w+) (\\w+)', 'x*', '', 'a*', '(a)|(b)', '(?<w>\\w)(\\w)', '(\\d)(\\d)?'];
    const replacements = [
      '#',
      '',
      '$1',
      '$2$1',
      '$&$&',
      '$$',
      '$0',
      '$00',
      '$01',
      '$10',
      '$12',
      '$3',
      '$`',
      "$'",
      '$<w>',
      '$<nope>',
      '$<w',
      '$',
      'a$',
    ];
    const inputs = [...INPUTS, 'john smith', 'ab ba'];
    for (const pattern of patterns) {
      const re = compiled(pattern);
      const js = new RegExp(pattern, 'gu');
      for (const replacement of replacements) {
        for (const s of inputs) {
          expect(
            re.replaceAll(s, replacement),
            `${JSON.stringify(s)} /${pattern}/ → ${JSON.stringify(replacement)}`,
          ).toBe(s.replace(js, replacement));
        }
      }
    }
  });

  it('gives the examples of the docs', () => {
    expect(compiled('[0-9]+').replaceAll('a1b22', '#')).toBe('a#b#');
    expect(compiled('(\\w+) (\\w+)').replaceAll('john smith', '$2 $1')).toBe('smith john');
    expect(compiled('a*').replaceAll('baaac', '-')).toBe('-b--c-'); // as Java and JavaScript, not Go
    expect(compiled('(?P<first>\\w+) (?P<last>\\w+)').replaceAll('john smith', '$<last>')).toBe('smith');
  });
});

describe('REGEXP_EXTRACT (extract)', () => {
  it('gives a group of the first match, or null', () => {
    const re = compiled('(\\w+)=(\\w+)');
    expect(re.groupCount).toBe(2);
    expect(re.extract('x foo=bar a=b', 0)).toBe('foo=bar');
    expect(re.extract('x foo=bar a=b', 1)).toBe('foo');
    expect(re.extract('x foo=bar a=b', 2)).toBe('bar');
    expect(re.extract('x foo=bar', 3)).toBe(null);
    expect(re.extract('x foo=bar', -1)).toBe(null);
    expect(re.extract('x foo=bar', 1.5)).toBe(null);
    expect(re.extract('nothing', 0)).toBe(null);
    expect(compiled('(a)?b').extract('b', 1)).toBe(null);
    expect(compiled('(a|ab)(c|bcd)(d*)').extract('abcd', 2)).toBe('bcd'); // leftmost-first, as Java
  });
});

describe('linear time', () => {
  // These take minutes with a backtracking engine; vitest's timeout would catch a hang.
  const hostile = `${'a'.repeat(5000)}b`;

  it('answers catastrophic patterns', () => {
    expect(compiled('^(a+)+$').test(hostile)).toBe(false);
    expect(compiled('^(a|a)*$').test(hostile)).toBe(false);
    expect(compiled('(a*)*c').extract(hostile, 0)).toBe(null);
    expect(compiled('(x+x+)+y').split('x'.repeat(5000))).toEqual(['x'.repeat(5000)]);
    expect(compiled('\\d+\\d+x').replaceAll('1'.repeat(10_000), '#')).toBe('1'.repeat(10_000));
  });
});

describe('compileRegex', () => {
  it('compiles RE2 syntax', () => {
    const valid = [
      '\\p{L}+',
      '\\pL',
      '\\p{Greek}',
      'a\\_b',
      '\\\\1', // an escaped backslash, then 1
      '\\Q(?=a)\\E',
      '[(?=]',
      '(?i)a',
      '(?s:.)',
      '(?P<n>a)',
      '(?<n>a)',
      'a+?',
      'a{2}?',
      '[[:alpha:]]',
      '[]a]',
      '[^]a]',
      '\\x{1F600}',
      '\\A\\z',
    ];
    for (const pattern of valid) expect(isRegexProblem(compileRegex(pattern)), pattern).toBe(false);
    expect(compiled('\\p{L}+').test('é')).toBe(true);
    expect(compiled('a\\_b').test('a_b')).toBe(true);
    expect(compiled('\\\\1').test('\\1')).toBe(true);
    expect(compiled('\\Q(?=a)\\E').test('(?=a)')).toBe(true);
  });

  it.each([
    ['(', "missing closing ) in '('"],
    ['[b-a]', "invalid character class range in 'b-a'"],
    ['*', "missing argument to repetition operator in '*'"],
    ['a{2,1}', "invalid repeat count in '{2,1}'"],
    ['\\y', "invalid escape sequence in '\\y'"],
    ['\\', 'trailing backslash at end of expression'],
  ])('reports the malformed %s as INVALID_REGEX', (pattern, reason) => {
    expect(problem(pattern)).toEqual({ code: 'INVALID_REGEX', reason });
  });

  it.each([
    ['(?=a)', '(?= at character 1: RE2 has no lookahead;'],
    ['a(?!b)', '(?! at character 2: RE2 has no lookahead;'],
    ['(?<=a)b', '(?<= at character 1: RE2 has no lookbehind;'],
    ['(?<!a)b', '(?<! at character 1: RE2 has no lookbehind;'],
    ['(a)\\1', '\\1 at character 4: RE2 has no backreferences;'],
    ['(a)(b)\\12', '\\12 at character 7: RE2 has no backreferences;'], // RE2 would read \12 as octal
    ['(?<n>a)\\k<n>', '\\k<n> at character 8: RE2 has no backreferences;'],
    ['a*+', '*+ at character 2: RE2 has no possessive quantifiers'],
    ['a++', '++ at character 2: RE2 has no possessive quantifiers'],
    ['a{2,}+', '{2,}+ at character 2: RE2 has no possessive quantifiers'],
    ['(?>a)', '(?> at character 1: RE2 has no atomic groups'],
    ['\\u0041', '\\u0041 at character 1: RE2 has no \\u escape; write \\x{0041}'],
    ['\\Z', '\\Z at character 1: RE2 has no \\Z;'],
    ['\\G', '\\G at character 1: RE2 has no \\G;'],
    [
      '\\cA',
      '\\cA at character 1: RE2 has no control-character escapes; write the character by its code, \\x{01}',
    ],
    ['\\e', '\\e at character 1: RE2 has no \\e; write the escape character as \\x{1B}'],
    ['[\\h]', '\\h at character 2: RE2 has no \\h (horizontal whitespace)'],
    ['\\R', '\\R at character 1: RE2 has no \\R (line break)'],
    ['\\X', '\\X at character 1: RE2 has no \\X (grapheme cluster)'],
    ['(?x)a b', '(?x) at character 1: RE2 has no flag x (it has i, m, s and U)'],
    ['[a-z&&[^aeiou]]', '&& at character 5: RE2 has no character class intersection;'],
    ['[a-c[x-z]]', '[ at character 5: RE2 has no nested character classes'],
    ['[[]', '[ at character 2: RE2 has no nested character classes'],
    ['\\p{Alpha}', 'RE2 does not know the character class \\p{Alpha};'],
    ['\\p{IsLatin}', 'write \\p{Latin}'],
    ['a{1001}', 'RE2 allows at most 1000 repetitions, nested counts multiplied ({1001})'],
    ['(a{100}){100}', 'RE2 allows at most 1000 repetitions, nested counts multiplied ({100})'],
  ])('reports %s as UNSUPPORTED_REGEX, saying what to write instead', (pattern, reason) => {
    const p = problem(pattern);
    expect(p.code).toBe('UNSUPPORTED_REGEX');
    expect(p.reason).toContain(reason);
  });

  it('gives the whole message of an unsupported construct', () => {
    expect(problem('a*+').reason).toBe(
      '*+ at character 2: RE2 has no possessive quantifiers (it never backtracks, so they are not needed); drop the final + (write * instead of *+)',
    );
    expect(problem('\\p{Alpha}').reason).toBe(
      'RE2 does not know the character class \\p{Alpha}; it knows Unicode categories and scripts (\\p{L}, \\p{Lu}, \\p{Nd}, \\p{Greek}) and POSIX classes inside brackets ([[:alpha:]]): write [[:alpha:]]',
    );
  });
});

describe('RegexCache', () => {
  it('compiles a pattern once, problems included, and drops the oldest beyond its capacity', () => {
    const cache = new RegexCache(2);
    const a = cache.get('a+');
    expect(cache.get('a+')).toBe(a);
    const bad = cache.get('(');
    expect(cache.get('(')).toBe(bad);
    expect(isRegexProblem(bad)).toBe(true);
    cache.get('b+'); // drops 'a+'
    expect(cache.get('a+')).not.toBe(a);
    expect(cache.get('b+')).toBe(cache.get('b+'));
  });
});
