/**
 * Regular expressions from specs, with RE2 syntax and semantics (re2js, a pure JavaScript port of RE2).
 * (One file: the syntax check, the compile cache and the four operations share the pattern's scanner.)
 *
 * matching takes time linear in the input, whatever the pattern, so a hostile pattern such as `^(a+)+$`
 * cannot pin a core. JavaScript's own RegExp backtracks and is never used on a spec's pattern.
 *
 * `compileRegex(pattern)` checks and compiles a pattern once; a `SpecRegex` offers exactly what the
 * expression functions need: `test` (REGEXP), `split` (REGEXP_SPLIT), `replaceAll` (REGEXP_REPLACE) and
 * `extract` (REGEXP_EXTRACT). The compiler and the reference interpreter both go through it.
 *
 * Flink compiles these functions' patterns with Java's regex. Constructs Java (or JavaScript) has and RE2
 * lacks — lookaround, backreferences, possessive quantifiers, atomic groups, `\uXXXX`, `\Z`, nested classes
 * and class intersection `&&` — are reported as UNSUPPORTED_REGEX with what to write instead;
 * `findUnsupported` looks for them before RE2 parses the pattern, because some (`\12`, `[a-c[x-z]]`) are
 * valid RE2 with another meaning. README.md lists the differences that remain (`.`, `$`, `\s`, `\b`, `(?i)`).
 *
 * The simplest patterns (literal text and at most one repeated character class, such as `[^a-z0-9]+`) skip
 * re2js for a plain linear scan with the same answers (`regex-simple.ts`).
 */
import { type Matcher, RE2JS, RE2JSSyntaxException } from 're2js';
import { parseSimplePattern, SimpleFinder } from './regex-simple';
import { describeValue, ExpressionRuntimeError } from './runtime';

/** Why a pattern cannot be used: malformed (INVALID_REGEX), or valid Java/JavaScript that RE2 lacks. */
export interface RegexProblem {
  readonly code: 'INVALID_REGEX' | 'UNSUPPORTED_REGEX';
  /** What is wrong (and, for UNSUPPORTED_REGEX, what to write instead), without the pattern itself. */
  readonly reason: string;
}

/** The message of a problem, given the pattern as it should be quoted. */
export function regexProblemMessage(problem: RegexProblem, quotedPattern: string): string {
  const what = problem.code === 'UNSUPPORTED_REGEX' ? 'unsupported' : 'invalid';
  return `${what} regular expression ${quotedPattern}: ${problem.reason}`;
}

/** The runtime error for a pattern computed per row that cannot be compiled. */
export function regexError(pattern: string, problem: RegexProblem): ExpressionRuntimeError {
  return new ExpressionRuntimeError(problem.code, regexProblemMessage(problem, describeValue(pattern)));
}

/**
 * Compiles a pattern with RE2 syntax (no flags: `.` stops at `\n`, `^`/`$` match at the text's ends). The
 * simplest patterns (`regex-simple.ts`: literal text and at most one repeated character class) are matched
 * by a plain scan and never reach re2js; `fastPath: false` (for tests) sends them to RE2 too.
 */
export function compileRegex(
  pattern: string,
  options: { fastPath?: boolean } = {},
): SpecRegex | RegexProblem {
  const unsupported = findUnsupported(pattern);
  if (unsupported !== null) return unsupported;
  const simple = options.fastPath === false ? null : parseSimplePattern(pattern);
  if (simple !== null) return new SpecRegex(pattern, new SimpleFinder(simple));
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    return describeCompileError(e);
  }
  return new SpecRegex(pattern, new Re2Engine(re));
}

export function isRegexProblem(r: SpecRegex | RegexProblem): r is RegexProblem {
  return !(r instanceof SpecRegex);
}

/**
 * What SpecRegex needs from a matching engine: RE2's (re2js), or the plain scan of `regex-simple.ts`. Both
 * find leftmost-first matches, as RE2 defines them.
 */
export interface RegexEngine {
  readonly groupCount: number;
  /** Group names and numbers, or null when the pattern names none. */
  readonly names: ReadonlyMap<string, number> | null;
  /** Bounds of the last match `find` found. */
  readonly start: number;
  readonly end: number;
  /** Does the pattern match anywhere in `s`? */
  test(s: string): boolean;
  /** The leftmost match starting at or after `from` in `s` (the same `s` until the next call with another). */
  find(s: string, from: number): boolean;
  /** Group `g` (≥ 1) of the last match, null when it did not take part. */
  group(g: number): string | null;
  /**
   * False only when the pattern surely matches nowhere in `s`, for an engine whose `test` is much cheaper
   * than `find`: RE2's test (a lazy DFA, after a literal prefilter) costs a fraction of finding a match's
   * bounds (a bit-state backtracker or the NFA), so a string without matches is answered at that price.
   */
  mayMatch(s: string): boolean;
}

/** RE2's engines through re2js: one reused matcher. */
class Re2Engine implements RegexEngine {
  readonly groupCount: number;
  readonly names: ReadonlyMap<string, number> | null;
  start = 0;
  end = 0;
  private readonly matcher: Matcher;
  private input: string | null = null;

  constructor(private readonly re: RE2JS) {
    this.groupCount = re.groupCount();
    this.matcher = re.matcher('');
    const names = Object.entries(re.namedGroups());
    this.names = names.length > 0 ? new Map(names) : null;
  }

  test(s: string): boolean {
    return this.re.test(s);
  }

  mayMatch(s: string): boolean {
    return this.re.test(s);
  }

  find(s: string, from: number): boolean {
    const m = this.matcher;
    if (s !== this.input) {
      m.resetMatcherInput(s);
      this.input = s;
    }
    if (!m.find(from)) return false;
    this.start = m.start();
    this.end = m.end();
    return true;
  }

  group(g: number): string | null {
    return this.matcher.group(g);
  }
}

/** A compiled pattern. Not reentrant (its engine keeps the last match), which synchronous callers never notice. */
export class SpecRegex {
  private lastReplacement: string | null = null;
  private lastTemplate: Template = [];

  constructor(
    readonly source: string,
    private readonly engine: RegexEngine,
  ) {}

  /** Number of capturing groups. */
  get groupCount(): number {
    return this.engine.groupCount;
  }

  /** Is the plain scan in use rather than RE2's engines? (For tests.) */
  get scans(): boolean {
    return this.engine instanceof SimpleFinder;
  }

  /** REGEXP: does the pattern match anywhere in `s`? */
  test(s: string): boolean {
    return this.engine.test(s);
  }

  /** REGEXP_EXTRACT: group `group` (0: the whole match) of the first match; null without a match or such a group. */
  extract(s: string, group: number): string | null {
    const e = this.engine;
    if (!Number.isInteger(group) || group < 0 || group > e.groupCount) return null;
    if (!e.mayMatch(s) || !e.find(s, 0)) return null;
    return group === 0 ? s.slice(e.start, e.end) : e.group(group);
  }

  /**
   * REGEXP_SPLIT: the pieces of `s` between matches, as JavaScript's `split` (and Java's, except that trailing
   * empty pieces are kept): an empty match splits between code points, never at the start or end; capture
   * groups are not spliced in.
   */
  split(s: string): string[] {
    const e = this.engine;
    const size = s.length;
    if (!e.mayMatch(s)) return [s];
    if (size === 0) return e.find(s, 0) ? [] : [''];
    const out: string[] = [];
    let p = 0; // start of the current piece
    let q = 0; // where the next search starts
    while (q < size && e.find(s, q)) {
      const at = e.start;
      if (at >= size) break;
      if (e.end === p) {
        q = advance(s, at); // an empty match where the piece starts: move on one code point
        continue;
      }
      out.push(s.slice(p, at));
      p = e.end;
      q = p;
    }
    out.push(s.slice(p));
    return out;
  }

  /**
   * REGEXP_REPLACE: every match replaced, as JavaScript's `replace` with a global regex: `$1`..`$99`, `$<name>`,
   * `$&` (the match), `` $` `` and `$'` (the text before and after it), `$$` (a `$`); after an empty match the
   * search moves on one code point, and an empty match right after a match is replaced too (as Java does).
   */
  replaceAll(s: string, replacement: string): string {
    const e = this.engine;
    const template = this.template(replacement);
    if (!e.mayMatch(s)) return s;
    const size = s.length;
    let out = '';
    let last = 0;
    let pos = 0;
    while (pos <= size && e.find(s, pos)) {
      const a = e.start;
      const b = e.end;
      out += s.slice(last, a);
      for (const part of template) {
        if (typeof part === 'string') out += part;
        else if (part === 0) out += s.slice(a, b);
        else if (part === BEFORE) out += s.slice(0, a);
        else if (part === AFTER) out += s.slice(b);
        else out += e.group(part) ?? '';
      }
      last = b;
      pos = b > a ? b : advance(s, b);
    }
    return last === 0 && out === '' ? s : out + s.slice(last);
  }

  private template(replacement: string): Template {
    if (replacement !== this.lastReplacement) {
      this.lastTemplate = parseTemplate(replacement, this.engine.groupCount, this.engine.names);
      this.lastReplacement = replacement;
    }
    return this.lastTemplate;
  }
}

/** The index after the code point at `i` (a surrogate pair counts as one). */
function advance(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const d = s.charCodeAt(i + 1);
    if (d >= 0xdc00 && d <= 0xdfff) return i + 2;
  }
  return i + 1;
}

/**
 * Compiled patterns by text, for patterns computed per row (and the interpreter): at most `capacity`, the
 * oldest dropped first. Problems are remembered too.
 */
export class RegexCache {
  private readonly entries = new Map<string, SpecRegex | RegexProblem>();
  constructor(
    private readonly capacity: number,
    private readonly options: { fastPath?: boolean } = {},
  ) {}

  get(pattern: string): SpecRegex | RegexProblem {
    let entry = this.entries.get(pattern);
    if (entry === undefined) {
      entry = compileRegex(pattern, this.options);
      if (this.entries.size >= this.capacity) {
        const oldest = this.entries.keys().next();
        if (!oldest.done) this.entries.delete(oldest.value);
      }
      this.entries.set(pattern, entry);
    }
    return entry;
  }
}

// ── replacement templates ────────────────────────────────────────────────────────────────────────────

const BEFORE = -1;
const AFTER = -2;
/** Literal text, a group number (0: the whole match), BEFORE (`` $` ``) or AFTER (`$'`). */
type Template = (string | number)[];

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

/** A replacement string as JavaScript's GetSubstitution reads it (ECMAScript 2023, 22.1.3.19.1). */
function parseTemplate(
  replacement: string,
  groupCount: number,
  names: ReadonlyMap<string, number> | null,
): Template {
  const parts: Template = [];
  let text = '';
  const push = (group: number): void => {
    if (text !== '') parts.push(text);
    text = '';
    parts.push(group);
  };
  for (let i = 0; i < replacement.length; i++) {
    const c = replacement[i] as string;
    const d = replacement[i + 1];
    if (c !== '$' || d === undefined) {
      text += c;
    } else if (d === '$') {
      text += '$';
      i++;
    } else if (d === '&') {
      push(0);
      i++;
    } else if (d === '`') {
      push(BEFORE);
      i++;
    } else if (d === "'") {
      push(AFTER);
      i++;
    } else if (isDigit(d)) {
      // two digits when they name a group, else one digit; a number that is no group stays as written
      const two = replacement[i + 2];
      let digits = isDigit(two) ? d + (two as string) : d;
      if (digits.length === 2 && Number(digits) > groupCount) digits = d;
      const index = Number(digits);
      if (index >= 1 && index <= groupCount) push(index);
      else text += `$${digits}`;
      i += digits.length;
    } else if (d === '<' && names !== null && replacement.indexOf('>', i + 2) >= 0) {
      const close = replacement.indexOf('>', i + 2);
      const group = names.get(replacement.slice(i + 2, close));
      if (group !== undefined) push(group); // an unknown name inserts nothing
      i = close;
    } else {
      text += '$';
    }
  }
  if (text !== '') parts.push(text);
  return parts;
}

// ── what RE2 does not support ────────────────────────────────────────────────────────────────────────

function unsupported(what: string, token: string, at: number, advice: string): RegexProblem {
  return { code: 'UNSUPPORTED_REGEX', reason: `${token} at character ${at + 1}: ${what}; ${advice}` };
}

const FLAGS_RE2 = 'imsU';

/**
 * The first construct of Java's (or JavaScript's) regex syntax that RE2 lacks or reads differently, or null.
 * A plain scan (no RegExp) that skips escapes, `\Q...\E` and character classes as RE2's parser does.
 */
export function findUnsupported(p: string): RegexProblem | null {
  const n = p.length;
  let inClass = false;
  let classBody = 0; // where the current class's members start (a `]` there is a member)
  let i = 0;
  while (i < n) {
    const c = p[i] as string;
    if (c === '\\') {
      if (i + 1 >= n) return null; // RE2 reports the trailing backslash
      if (p[i + 1] === 'Q') {
        const close = p.indexOf('\\E', i + 2);
        if (close < 0) return null;
        i = close + 2;
        continue;
      }
      const problem = unsupportedEscape(p, i, inClass);
      if (problem !== null) return problem;
      i += 2;
      continue;
    }
    if (inClass) {
      if (c === ']' && i > classBody) inClass = false;
      else if (c === '[' && p[i + 1] === ':') {
        const close = p.indexOf(':]', i + 2);
        if (close >= 0) i = close + 1;
      } else if (c === '[') {
        return unsupported(
          'RE2 has no nested character classes (it would read this [ as a character)',
          '[',
          i,
          'put the members in one class, e.g. [a-cx-z] for [a-c[x-z]], and write a literal [ as \\[',
        );
      } else if (c === '&' && p[i + 1] === '&') {
        return unsupported(
          'RE2 has no character class intersection',
          '&&',
          i,
          'list the characters that remain, e.g. [b-df-hj-np-tv-z] for [a-z&&[^aeiou]]',
        );
      }
      i++;
      continue;
    }
    if (c === '[') {
      inClass = true;
      i++;
      if (p[i] === '^') i++;
      classBody = i;
      continue;
    }
    if (c === '(' && p[i + 1] === '?') {
      const problem = unsupportedGroup(p, i);
      if (problem !== null) return problem;
      i += 2;
      continue;
    }
    if (c === '*' || c === '+' || c === '?') {
      if (p[i + 1] === '+') return possessive(`${c}+`, i);
      i++;
      continue;
    }
    if (c === '{') {
      // a counted repeat {n}, {n,} or {n,m} followed by + is possessive
      let j = i + 1;
      while (isDigit(p[j])) j++;
      if (j > i + 1) {
        if (p[j] === ',') {
          j++;
          while (isDigit(p[j])) j++;
        }
        if (p[j] === '}' && p[j + 1] === '+') return possessive(`${p.slice(i, j + 1)}+`, i);
      }
    }
    i++;
  }
  return null;
}

function possessive(token: string, at: number): RegexProblem {
  return unsupported(
    'RE2 has no possessive quantifiers (it never backtracks, so they are not needed)',
    token,
    at,
    `drop the final + (write ${token.slice(0, -1)} instead of ${token})`,
  );
}

/** `(?` at `i`: lookaround, atomic groups and flags RE2 does not know. */
function unsupportedGroup(p: string, i: number): RegexProblem | null {
  const a = p[i + 2];
  const b = p[i + 3];
  if (a === '=' || a === '!') {
    return unsupported(
      'RE2 has no lookahead',
      `(?${a}`,
      i,
      "match the text itself, or combine two conditions, e.g. REGEXP(s, 'a') AND NOT REGEXP(s, 'ab')",
    );
  }
  if (a === '<' && (b === '=' || b === '!')) {
    return unsupported(
      'RE2 has no lookbehind',
      `(?<${b}`,
      i,
      "capture what follows instead, e.g. REGEXP_EXTRACT(s, 'USD([0-9]+)', 1), or combine two conditions with AND NOT",
    );
  }
  if (a === '>') {
    return unsupported(
      'RE2 has no atomic groups (it never backtracks, so they are not needed)',
      '(?>',
      i,
      'write a plain group (?:...)',
    );
  }
  // inline flags: (?flags) or (?flags:...)
  let j = i + 2;
  while (j < p.length && isFlagChar(p[j] as string)) j++;
  if (j > i + 2 && (p[j] === ')' || p[j] === ':')) {
    for (let k = i + 2; k < j; k++) {
      const f = p[k] as string;
      if (f !== '-' && !FLAGS_RE2.includes(f)) {
        return unsupported(
          `RE2 has no flag ${f} (it has i, m, s and U)`,
          p.slice(i, j + 1),
          i,
          f === 'x'
            ? 'remove the flag, and the spaces and comments it allowed'
            : 'remove the flag (RE2 is always Unicode-aware and treats only \\n as a line break)',
        );
      }
    }
  }
  return null;
}

function isHexDigit(c: string | undefined): boolean {
  return isDigit(c) || (c !== undefined && ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')));
}

function isFlagChar(c: string): boolean {
  return c === '-' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function hex(code: number): string {
  return code.toString(16).toUpperCase().padStart(2, '0');
}

/** The escape `\x` at `i`. */
function unsupportedEscape(p: string, i: number, inClass: boolean): RegexProblem | null {
  const e = p[i + 1] as string;
  if (!inClass && e >= '1' && e <= '9') {
    let j = i + 2;
    while (isDigit(p[j])) j++;
    return unsupported(
      'RE2 has no backreferences',
      p.slice(i, j),
      i,
      'extract the groups with REGEXP_EXTRACT and compare them with =; for a character by its code write \\x{hh}',
    );
  }
  if (!inClass && e === 'k' && p[i + 2] === '<') {
    const close = p.indexOf('>', i + 3);
    return unsupported(
      'RE2 has no backreferences',
      close >= 0 ? p.slice(i, close + 1) : '\\k<',
      i,
      'extract the groups with REGEXP_EXTRACT and compare them with =',
    );
  }
  switch (e) {
    case 'u': {
      let j = i + 2;
      if (p[j] === '{') {
        const close = p.indexOf('}', j);
        j = close >= 0 ? close + 1 : j + 1;
      } else {
        while (j < i + 6 && isHexDigit(p[j])) j++;
      }
      const token = p.slice(i, j);
      const digits = token.slice(token[2] === '{' ? 3 : 2, token.endsWith('}') ? -1 : undefined);
      return unsupported('RE2 has no \\u escape', token, i, `write \\x{${digits === '' ? 'hhhh' : digits}}`);
    }
    case 'Z':
      if (inClass) return null;
      return unsupported(
        'RE2 has no \\Z',
        '\\Z',
        i,
        'write $ or \\z (both match only at the very end of the text), or \\n?$ to allow a final line break',
      );
    case 'G':
      if (inClass) return null;
      return unsupported('RE2 has no \\G', '\\G', i, 'anchor at the start of the text with ^ or \\A');
    case 'c': {
      const x = p[i + 2];
      const code = x === undefined ? 'hh' : hex(x.charCodeAt(0) & 31);
      return unsupported(
        'RE2 has no control-character escapes',
        `\\c${x ?? ''}`,
        i,
        `write the character by its code, \\x{${code}}`,
      );
    }
    case 'e':
      return unsupported('RE2 has no \\e', '\\e', i, 'write the escape character as \\x{1B}');
    case 'h':
    case 'H':
      return unsupported(
        `RE2 has no \\${e} (horizontal whitespace)`,
        `\\${e}`,
        i,
        `list the characters, e.g. ${e === 'h' ? '[\\t ]' : '[^\\t ]'} or ${e === 'h' ? '[[:blank:]]' : '[[:^blank:]]'}`,
      );
    case 'R':
      return unsupported(
        'RE2 has no \\R (line break)',
        '\\R',
        i,
        'write (?:\\r\\n|[\\n\\v\\f\\r\\x{85}\\x{2028}\\x{2029}])',
      );
    case 'X':
      return unsupported(
        'RE2 has no \\X (grapheme cluster)',
        '\\X',
        i,
        'match code points instead: . is one code point',
      );
    case 'N':
      return unsupported(
        'RE2 has no named characters',
        '\\N',
        i,
        'write the character by its code, \\x{hhhh}',
      );
    default:
      return null;
  }
}

// ── RE2's own errors ─────────────────────────────────────────────────────────────────────────────────

/** Java's \p{...} names RE2 does not know, and what to write instead. */
const JAVA_CLASSES: Readonly<Record<string, string>> = {
  Lower: '[[:lower:]]',
  Upper: '[[:upper:]]',
  ASCII: '[[:ascii:]]',
  Alpha: '[[:alpha:]]',
  Digit: '[[:digit:]]',
  Alnum: '[[:alnum:]]',
  Punct: '[[:punct:]]',
  Graph: '[[:graph:]]',
  Print: '[[:print:]]',
  Blank: '[[:blank:]]',
  Cntrl: '[[:cntrl:]]',
  XDigit: '[[:xdigit:]]',
  Space: '[[:space:]]',
  javaLowerCase: '\\p{Ll}',
  javaUpperCase: '\\p{Lu}',
  javaWhitespace: '\\s',
  javaMirrored: 'a list of the characters',
};

function describeCompileError(e: unknown): RegexProblem {
  if (!(e instanceof RE2JSSyntaxException)) {
    return { code: 'INVALID_REGEX', reason: e instanceof Error ? e.message : String(e) };
  }
  const description = e.getDescription();
  const fragment = e.getPattern();
  if (
    fragment !== null &&
    description === 'invalid character class range' &&
    (fragment.startsWith('\\p') || fragment.startsWith('\\P'))
  ) {
    const name = fragment.startsWith('{', 2)
      ? fragment.slice(3, fragment.indexOf('}'))
      : fragment.slice(2, 3);
    const instead =
      JAVA_CLASSES[name] ??
      (name.startsWith('Is')
        ? `\\p{${name.slice(2)}}`
        : name.startsWith('In')
          ? `a range of code points such as [\\x{0370}-\\x{03FF}] (RE2 has no Unicode blocks), or a script such as \\p{${name.slice(2)}}`
          : null);
    return {
      code: 'UNSUPPORTED_REGEX',
      reason: `RE2 does not know the character class ${fragment}; it knows Unicode categories and scripts (\\p{L}, \\p{Lu}, \\p{Nd}, \\p{Greek}) and POSIX classes inside brackets ([[:alpha:]])${instead === null ? '' : `: write ${instead}`}`,
    };
  }
  if (description === 'invalid repeat count' && fragment !== null && repeatWithinJava(fragment)) {
    return {
      code: 'UNSUPPORTED_REGEX',
      reason: `RE2 allows at most 1000 repetitions, nested counts multiplied (${fragment}); use a smaller count, or + or *`,
    };
  }
  if (description === 'expression too large' || description === 'expression nests too deeply') {
    return { code: 'UNSUPPORTED_REGEX', reason: `${description} for RE2; simplify the pattern` };
  }
  return {
    code: 'INVALID_REGEX',
    reason: fragment === null ? description : `${description} in '${fragment}'`,
  };
}

/** `{n}`, `{n,}` or `{n,m}` with n ≤ m: a count Java accepts, refused by RE2 for its size. */
function repeatWithinJava(fragment: string): boolean {
  const close = fragment.indexOf('}');
  const inner = fragment.slice(fragment.indexOf('{') + 1, close);
  const [min = '', max, extra] = inner.split(',');
  const number = (t: string): boolean => t !== '' && Array.from(t).every(isDigit);
  if (extra !== undefined || !number(min) || (max !== undefined && max !== '' && !number(max))) return false;
  return max === undefined || max === '' || Number(min) <= Number(max);
}
