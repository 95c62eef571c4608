/**
 * What RE2 does not support, for regex.ts: `findUnsupported` scans a pattern for the constructs of Java's (or
 * JavaScript's) regex syntax that RE2 lacks or reads differently, before RE2 parses it, and
 * `describeCompileError` turns an RE2 syntax error into a problem that says what to write instead.
 */
import { RE2JSSyntaxException } from 're2js';
import type { RegexProblem } from './regex';

export function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

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

export function describeCompileError(e: unknown): RegexProblem {
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
