/**
 * A fast path for the simplest regular expressions, which are also the most common in specs (`,`, `\s+`,
 * `[^a-z0-9]+`, `[0-9]+`, `, *`): literal text, optionally followed by ONE single-character atom — a
 * character, `.`, `\d \D \s \S \w \W`, or a bracket class of characters and ranges — with an optional greedy
 * quantifier (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`). Such a pattern is matched here by a plain scan instead of
 * re2js's engines (5 to 15 times slower on short strings, and tens of microseconds to compile), with the
 * same answers. The parser accepts only patterns that RE2 accepts with the same meaning and declines
 * everything else, errors included; the tests compile what it accepts with re2js and compare the matches
 * on random patterns and strings.
 *
 * Linear time, by construction: a search tries candidate starts left to right. At a candidate it compares
 * the literal (m characters), then counts the atom's run. A run that reaches the minimum is the match (the
 * longest run up to the maximum, as RE2's leftmost-first greedy match, since nothing follows it). A run
 * that falls short counted fewer than the minimum (≤ 1000) characters. So each candidate costs at most
 * O(m + minimum), and a run that matches is consumed by the match. Without a literal, a run that falls
 * short also rules out every start inside it, so the search skips past it: O(n) in all.
 *
 * No JavaScript RegExp is involved; anything outside this shape (groups, alternation, anchors, flags, lazy
 * quantifiers, two quantified atoms, `\p{..}`, astral characters...) goes to RE2.
 */

/** The highest code point. */
const MAX_CP = 0x10ffff;

/** Literal text, then optionally an atom repeated `min` to `max` times. */
export interface SimplePattern {
  readonly literal: string;
  readonly atom: CharSet | null;
  readonly min: number;
  readonly max: number;
}

/** A set of code points as sorted, disjoint, non-adjacent [lo, hi] ranges, with an ASCII table. */
export class CharSet {
  /** 1 for the ASCII members: the scans read it directly. */
  readonly ascii = new Uint8Array(128);
  private readonly ranges: readonly (readonly [number, number])[];

  constructor(ranges: readonly (readonly [number, number])[], negated: boolean) {
    const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
    const merged: [number, number][] = [];
    for (const [lo, hi] of sorted) {
      const last = merged[merged.length - 1];
      if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
      else merged.push([lo, hi]);
    }
    this.ranges = negated ? complement(merged) : merged;
    for (let c = 0; c < 128; c++) this.ascii[c] = this.lookup(c) ? 1 : 0;
  }

  has(cp: number): boolean {
    return cp < 128 ? this.ascii[cp] === 1 : this.lookup(cp);
  }

  private lookup(cp: number): boolean {
    for (const [lo, hi] of this.ranges) {
      if (cp < lo) return false;
      if (cp <= hi) return true;
    }
    return false;
  }
}

function complement(ranges: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of ranges) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

type Ranges = [number, number][];

const DIGIT: Ranges = [[0x30, 0x39]];
const WORD: Ranges = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
/** RE2's \s: tab, newline, form feed, carriage return, space (not \v, unlike Java and JavaScript). */
const SPACE: Ranges = [
  [0x09, 0x0a],
  [0x0c, 0x0d],
  [0x20, 0x20],
];

/** `\d \D \s \S \w \W` as ranges, or null. */
function perlClass(e: string): Ranges | null {
  switch (e) {
    case 'd':
      return DIGIT;
    case 'D':
      return complement(DIGIT);
    case 's':
      return SPACE;
    case 'S':
      return complement(SPACE);
    case 'w':
      return WORD;
    case 'W':
      return complement(WORD);
    default:
      return null;
  }
}

const CONTROL_ESCAPES: Readonly<Record<string, number>> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };

/** `\e` for an ASCII punctuation character or one of `\a \f \n \r \t \v`: its code point, else null. */
function escapedChar(e: string | undefined): number | null {
  if (e === undefined) return null;
  const code = e.charCodeAt(0);
  const punctuation =
    (code >= 0x21 && code <= 0x2f) ||
    (code >= 0x3a && code <= 0x40) ||
    (code >= 0x5b && code <= 0x60) ||
    (code >= 0x7b && code <= 0x7e);
  if (punctuation) return code;
  return CONTROL_ESCAPES[e] ?? null;
}

/** A character this fast path takes literally: BMP, no surrogate, not U+FFFD (what RE2 reads a lone surrogate as). */
function plainChar(c: string | undefined): number | null {
  if (c === undefined) return null;
  const code = c.charCodeAt(0);
  if ((code >= 0xd800 && code <= 0xdfff) || code === 0xfffd) return null;
  return code;
}

/** `[...]` starting at `i`: the set and the index after `]`, or null when outside this fast path's subset. */
function parseBracket(p: string, i: number): { set: CharSet; end: number } | null {
  let j = i + 1;
  const negated = p[j] === '^';
  if (negated) j++;
  const ranges: Ranges = [];
  let first = true;
  for (;;) {
    const c = p[j];
    if (c === undefined) return null;
    if (c === ']' && !first) break;
    first = false;
    if (c === '[') return null; // [:alpha:] and friends go to RE2
    let lo: number | null;
    if (c === '\\') {
      const e = p[j + 1];
      const cls = e === undefined ? null : perlClass(e);
      if (cls !== null) {
        if (p[j + 2] === '-' && p[j + 3] !== ']') return null; // a class cannot start a range
        ranges.push(...cls);
        j += 2;
        continue;
      }
      lo = escapedChar(e);
      j += 2;
    } else {
      lo = plainChar(c);
      j += 1;
    }
    if (lo === null) return null;
    let hi = lo;
    if (p[j] === '-' && p[j + 1] !== undefined && p[j + 1] !== ']') {
      const d = p[j + 1];
      if (d === '\\') {
        hi = escapedChar(p[j + 2]) ?? -1;
        j += 3;
      } else {
        hi = plainChar(d) ?? -1;
        j += 2;
      }
      if (hi < lo) return null; // RE2 refused it already; never reached
    }
    ranges.push([lo, hi]);
  }
  return { set: new CharSet(ranges, negated), end: j + 1 };
}

const REJECT = null;

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** A quantifier at `i`: its bounds and end, `undefined` when there is none, REJECT for lazy or odd ones. */
function parseQuantifier(p: string, i: number): { min: number; max: number; end: number } | undefined | null {
  const c = p[i];
  let min: number;
  let max: number;
  let end: number;
  if (c === '*' || c === '+' || c === '?') {
    min = c === '+' ? 1 : 0;
    max = c === '?' ? 1 : Number.POSITIVE_INFINITY;
    end = i + 1;
  } else if (c === '{') {
    let j = i + 1;
    while (isDigit(p[j])) j++;
    if (j === i + 1) return REJECT; // RE2 reads a lone { as a literal: leave that to RE2
    min = Number(p.slice(i + 1, j));
    max = min;
    if (p[j] === ',') {
      const from = ++j;
      while (isDigit(p[j])) j++;
      max = j === from ? Number.POSITIVE_INFINITY : Number(p.slice(from, j));
    }
    if (p[j] !== '}') return REJECT;
    if (min > 1000 || max < min || (max !== Number.POSITIVE_INFINITY && max > 1000)) return REJECT; // RE2's error
    end = j + 1;
  } else {
    return undefined;
  }
  const after = p[end];
  if (after === '?' || after === '*' || after === '+' || after === '{') return REJECT; // lazy (or invalid)
  return { min, max, end };
}

/**
 * The pattern as a SimplePattern when it has that shape, else null (also for every pattern RE2 rejects:
 * this parser reports no errors, it declines, and RE2 reports them).
 */
export function parseSimplePattern(p: string): SimplePattern | null {
  let literal = '';
  let i = 0;
  while (i < p.length) {
    const c = p[i] as string;
    let code: number | null = null;
    let set: CharSet | null = null;
    if (c === '\\') {
      const cls = perlClass(p[i + 1] ?? '');
      if (cls !== null) set = new CharSet(cls, false);
      else code = escapedChar(p[i + 1]);
      if (code === null && set === null) return null;
      i += 2;
    } else if (c === '[') {
      const bracket = parseBracket(p, i);
      if (bracket === null) return null;
      set = bracket.set;
      i = bracket.end;
    } else if (c === '.') {
      set = new CharSet([[0x0a, 0x0a]], true); // any character but \n
      i++;
    } else if ('()|*+?{}^$]'.includes(c)) {
      return null;
    } else {
      code = plainChar(c);
      if (code === null) return null;
      i++;
    }
    const q = parseQuantifier(p, i);
    if (q === REJECT) return null;
    if (q === undefined && set === null) {
      literal += String.fromCharCode(code as number);
      continue;
    }
    // the one atom: it must end the pattern
    const end = q === undefined ? i : q.end;
    if (end !== p.length) return null;
    return {
      literal,
      atom: set ?? new CharSet([[code as number, code as number]], false),
      min: q?.min ?? 1,
      max: q?.max ?? 1,
    };
  }
  return { literal, atom: null, min: 0, max: 0 };
}

/** Finds leftmost-first matches of a SimplePattern, as RE2's `find(from)` would. */
export class SimpleFinder {
  /** No groups: `$1` in a replacement stays as written, REGEXP_EXTRACT's groups ≥ 1 are NULL. */
  readonly groupCount = 0;
  readonly names = null;
  /** Bounds of the last match found. */
  start = 0;
  end = 0;

  constructor(private readonly pattern: SimplePattern) {}

  test(s: string): boolean {
    return this.find(s, 0);
  }

  /** The scan is as cheap as any pre-check. */
  mayMatch(): boolean {
    return true;
  }

  group(): string | null {
    return null;
  }

  find(s: string, from: number): boolean {
    const { literal, atom, min } = this.pattern;
    const n = s.length;
    if (from > n) return false;
    if (atom === null) {
      const at = s.indexOf(literal, from);
      if (at < 0) return false;
      this.start = at;
      this.end = at + literal.length;
      return true;
    }
    if (literal === '') return this.findRun(s, from, atom);
    for (let i = from; ; ) {
      const at = s.indexOf(literal, i);
      if (at < 0) return false;
      const end = this.runEnd(s, at + literal.length, atom, min);
      if (end >= 0) {
        this.start = at;
        this.end = end;
        return true;
      }
      i = at + 1;
    }
  }

  /** Without a literal: the first run of at least `min` members at or after `from`. */
  private findRun(s: string, from: number, atom: CharSet): boolean {
    const { min } = this.pattern;
    if (min === 0) {
      // the run at `from`, even an empty one, is the leftmost match
      this.start = from;
      this.end = this.runEnd(s, from, atom, 0);
      return true;
    }
    const n = s.length;
    const ascii = atom.ascii;
    let j = from;
    for (;;) {
      // skip non-members: a run that falls short rules out every start inside it
      while (j < n) {
        const c = s.charCodeAt(j);
        if (c < 128) {
          if (ascii[c] === 1) break;
          j++;
        } else {
          const cp = codePointAt(s, j, c);
          if (atom.has(cp)) break;
          j += cp > 0xffff ? 2 : 1;
        }
      }
      if (j >= n) return false;
      const end = this.runEnd(s, j, atom, min);
      if (end >= 0) {
        this.start = j;
        this.end = end;
        return true;
      }
      j = -end - 1; // where the short run stopped
    }
  }

  /**
   * The end of the atom's run from `j` (by code points, at most `max` of them) when it has at least `min`
   * members; else `-(where it stopped) - 1`.
   */
  private runEnd(s: string, j: number, atom: CharSet, min: number): number {
    const { max } = this.pattern;
    const n = s.length;
    const ascii = atom.ascii;
    let count = 0;
    while (count < max && j < n) {
      const c = s.charCodeAt(j);
      if (c < 128) {
        if (ascii[c] === 0) break;
        j++;
      } else {
        const cp = codePointAt(s, j, c);
        if (!atom.has(cp)) break;
        j += cp > 0xffff ? 2 : 1;
      }
      count++;
    }
    return count >= min ? j : -j - 1;
  }
}

/** The code point at `j`, whose first code unit `c` is not ASCII (a lone surrogate stands for itself). */
function codePointAt(s: string, j: number, c: number): number {
  if (c >= 0xd800 && c <= 0xdbff && j + 1 < s.length) {
    const d = s.charCodeAt(j + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
  }
  return c;
}
