/**
 * Lexer: text → tokens. Never throws: a lexical problem becomes a single `error` token (followed by `eof`), so
 * that the parser reports whichever problem comes first in the text.
 */
import { type ExprErrorCode, quoteSnippet } from './errors';

/** Reserved words: keywords of the language, matched case-insensitively. A field with such a name is backquoted. */
export const RESERVED_WORDS: ReadonlySet<string> = new Set([
  'AND',
  'OR',
  'NOT',
  'IS',
  'NULL',
  'TRUE',
  'FALSE',
  'LIKE',
  'ESCAPE',
  'IN',
  'BETWEEN',
  'CASE',
  'WHEN',
  'THEN',
  'ELSE',
  'END',
  'CAST',
  'TRY_CAST',
  'AS',
  'DISTINCT',
  'FROM',
  'FOR',
]);

export type TokenKind =
  | 'int'
  | 'float'
  | 'string'
  | 'ident'
  | 'quoted'
  | 'keyword'
  | 'punct'
  | 'eof'
  | 'error';

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  /**
   * keyword: upper-cased word; ident/quoted: the field or function name; string: the unescaped content;
   * punct: the symbol (`!=` stays `!=`); int/float: the source text; error: the message; eof: ''.
   */
  value: string;
  /** The numeric value of an int/float token. */
  num: number;
  /** For error tokens: the error code. */
  code?: ExprErrorCode;
}

const PUNCT_2 = new Set(['<>', '<=', '>=', '!=', '||']);
const PUNCT_1 = new Set(['(', ')', ',', '+', '-', '*', '/', '%', '=', '<', '>', '.']);

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

const UNICODE_ID_START = /[\p{L}\p{Nl}]/u;
const UNICODE_ID_PART = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u;

function isIdentStart(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95) return true;
  if (c < 128) return false;
  const cp = text.codePointAt(i);
  return cp !== undefined && UNICODE_ID_START.test(String.fromCodePoint(cp));
}

/** Length in UTF-16 units of the identifier character at `i`, or 0 if there is none. */
function identPartLength(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36 || isDigit(c)) return 1;
  if (c < 128 || Number.isNaN(c)) return 0;
  const cp = text.codePointAt(i);
  if (cp === undefined) return 0;
  const ch = String.fromCodePoint(cp);
  return UNICODE_ID_PART.test(ch) ? ch.length : 0;
}

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const n = text.length;
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, value: string, num = 0): void => {
    tokens.push({ kind, start, end, value, num });
  };
  const fail = (code: ExprErrorCode, message: string, start: number, end: number): Token[] => {
    tokens.push({ kind: 'error', start, end, value: message, num: 0, code });
    tokens.push({ kind: 'eof', start: n, end: n, value: '', num: 0 });
    return tokens;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    // whitespace
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) {
      i++;
      continue;
    }
    // comments
    if (c === 45 && text.charCodeAt(i + 1) === 45) {
      while (i < n && text.charCodeAt(i) !== 10) i++;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return fail('SYNTAX_ERROR', "unterminated comment (expected '*/')", i, n);
      i = close + 2;
      continue;
    }
    const start = i;
    // numbers: 12, 1.5, .5, 1., 1e3, 1.5E-7
    if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      let isFloat = false;
      while (isDigit(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) === 46) {
        isFloat = true;
        i++;
        while (isDigit(text.charCodeAt(i))) i++;
      }
      const e = text.charCodeAt(i);
      if (e === 101 || e === 69) {
        isFloat = true;
        let j = i + 1;
        const sign = text.charCodeAt(j);
        if (sign === 43 || sign === 45) j++;
        if (!isDigit(text.charCodeAt(j))) {
          let k = j;
          while (k < n && identPartLength(text, k) > 0) k += identPartLength(text, k);
          return fail(
            'INVALID_LITERAL',
            `invalid number ${quoteSnippet(text.slice(start, Math.max(k, i + 1)))} (an exponent needs digits, e.g. 1e3)`,
            start,
            Math.max(k, i + 1),
          );
        }
        i = j;
        while (isDigit(text.charCodeAt(i))) i++;
      }
      if (i < n && (identPartLength(text, i) > 0 || text.charCodeAt(i) === 46)) {
        let k = i;
        while (k < n && (identPartLength(text, k) > 0 || text.charCodeAt(k) === 46)) {
          k += identPartLength(text, k) || 1;
        }
        return fail('INVALID_LITERAL', `invalid number ${quoteSnippet(text.slice(start, k))}`, start, k);
      }
      const raw = text.slice(start, i);
      const num = Number(raw);
      if (!isFloat && !Number.isSafeInteger(num)) {
        return fail(
          'INVALID_LITERAL',
          `integer literal ${quoteSnippet(raw)} is out of range (ints are exact up to ±9007199254740991; write ${raw}.0 for a float)`,
          start,
          i,
        );
      }
      if (isFloat && !Number.isFinite(num)) {
        return fail('INVALID_LITERAL', `float literal ${quoteSnippet(raw)} is out of range`, start, i);
      }
      push(isFloat ? 'float' : 'int', start, i, raw, num);
      continue;
    }
    // 'string' with '' escape
    if (c === 39) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf("'", j);
        if (q < 0) {
          return fail('SYNTAX_ERROR', "unterminated string literal (expected a closing ')", start, n);
        }
        value += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 39) {
          value += "'";
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      push('string', start, i, value);
      continue;
    }
    // `quoted identifier` with `` escape
    if (c === 96) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('`', j);
        if (q < 0) {
          return fail('SYNTAX_ERROR', 'unterminated quoted identifier (expected a closing `)', start, n);
        }
        value += text.slice(j, q);
        if (text.charCodeAt(q + 1) === 96) {
          value += '`';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      if (value === '') return fail('SYNTAX_ERROR', 'empty quoted identifier ``', start, i);
      push('quoted', start, i, value);
      continue;
    }
    // identifiers and keywords
    if (isIdentStart(text, i)) {
      i += identPartLength(text, i) || 1;
      for (;;) {
        const len = identPartLength(text, i);
        if (len === 0) break;
        i += len;
      }
      const word = text.slice(start, i);
      const upper = word.toUpperCase();
      if (RESERVED_WORDS.has(upper)) push('keyword', start, i, upper);
      else push('ident', start, i, word);
      continue;
    }
    // punctuation
    const two = text.slice(i, i + 2);
    if (PUNCT_2.has(two)) {
      push('punct', start, i + 2, two);
      i += 2;
      continue;
    }
    const one = text[i] ?? '';
    if (PUNCT_1.has(one)) {
      push('punct', start, i + 1, one);
      i += 1;
      continue;
    }
    // something we do not understand: explain the common mistakes
    const cp = text.codePointAt(i) ?? c;
    const ch = String.fromCodePoint(cp);
    let hint = '';
    if (ch === '"') {
      hint = " (write text in single quotes: 'text'; quote odd field names with backquotes: `my field`)";
    } else if (ch === '|') hint = " (the concatenation operator is '||')";
    else if (ch === '!') hint = " (write '<>' or '!=' for not equal, NOT for negation)";
    else if (ch === ';') hint = ' (an expression has no terminating semicolon)';
    else if (ch === '&') hint = ' (write AND)';
    return fail('SYNTAX_ERROR', `unexpected character '${ch}'${hint}`, start, start + ch.length);
  }
  push('eof', n, n, '');
  return tokens;
}
