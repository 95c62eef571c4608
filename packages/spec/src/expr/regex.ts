/**
 * Regular expressions from specs, with RE2 syntax and semantics (re2js, a pure JavaScript port of RE2).
 *
 * Matching takes time linear in the input, whatever the pattern, so a hostile pattern such as `^(a+)+$`
 * cannot pin a core. JavaScript's own RegExp backtracks and is never used on a spec's pattern.
 *
 * `compileRegex(pattern)` checks and compiles a pattern once; a `SpecRegex` offers exactly what the
 * expression functions need: `test` (REGEXP), `split` (REGEXP_SPLIT), `replaceAll` (REGEXP_REPLACE) and
 * `extract` (REGEXP_EXTRACT). The compiler and the reference interpreter both go through it.
 *
 * Flink compiles these functions' patterns with Java's regex. Constructs Java (or JavaScript) has and RE2
 * lacks — lookaround, backreferences, possessive quantifiers, atomic groups, `\uXXXX`, `\Z`, nested classes
 * and class intersection `&&` — are reported as UNSUPPORTED_REGEX with what to write instead;
 * `findUnsupported` (regex-unsupported.ts) looks for them before RE2 parses the pattern, because some (`\12`,
 * `[a-c[x-z]]`) are valid RE2 with another meaning. README.md lists the differences that remain (`.`, `$`,
 * `\s`, `\b`, `(?i)`).
 *
 * The simplest patterns (literal text and at most one repeated character class, such as `[^a-z0-9]+`) skip
 * re2js for a plain linear scan with the same answers (`regex-simple.ts`).
 */
import { type Matcher, RE2JS } from 're2js';
import { parseSimplePattern, SimpleFinder } from './regex-simple';
import { describeCompileError, findUnsupported, isDigit } from './regex-unsupported';
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
