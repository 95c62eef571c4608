/**
 * LIKE without regular expressions: `%` matches any sequence of code points (newlines included), `_` exactly
 * one code point, everything else itself; an ESCAPE character makes the next `%`, `_` or escape character
 * literal. Matching never backtracks, so a pattern with many `%` (`'%a%a%a%a%b'`) costs at most
 * O(length of the string × length of the pattern), however the string is made.
 *
 * - `LikePattern.matches` (the compiler's): the pattern is cut at each `%` into pieces. The first piece must
 *   match at the start, the last at the end, and each middle piece is placed at its leftmost occurrence after
 *   the previous one. Taking the leftmost occurrence is never wrong: any later placement that works leaves
 *   less room for the pieces after it. Pieces without `_` are found with `startsWith`/`indexOf`/`endsWith`.
 * - `matchLikeReference` (the interpreter's): the textbook dynamic program over code points, row by row.
 *   The fuzz tests hold the two to the same answers.
 */
import { describeValue, hasSurrogates } from './runtime';

/** Stands for `_` in a piece's code points. */
const ANY = -1;

/** The text between two `%` of a pattern. */
interface LikePiece {
  /** Code points, ANY for `_`. */
  readonly cps: readonly number[];
  /** The piece as a string (`_` included as a character): used only when `plain`. */
  readonly text: string;
  /** No `_` and no surrogate code units: the piece can be matched as a plain substring. */
  readonly plain: boolean;
}

/** A parsed LIKE pattern. */
export interface LikePattern {
  /** The pieces between `%`s: one more than the number of (unescaped) `%`. Empty pieces are kept. */
  readonly pieces: readonly LikePiece[];
  /** Every piece is plain: the whole match can work on UTF-16 strings. */
  readonly plain: boolean;
}

/**
 * Parses a LIKE pattern. With an escape character, it must be followed by `%`, `_` or itself. Returns the
 * reason as a string when the pattern is invalid.
 */
export function parseLike(pattern: string, escapeChar: string | null): LikePattern | string {
  if (escapeChar !== null && Array.from(escapeChar).length !== 1) {
    return `the ESCAPE character must be exactly one character, not ${describeValue(escapeChar)}`;
  }
  const pieces: LikePiece[] = [];
  let cps: number[] = [];
  let text = '';
  let hasAny = false;
  const endPiece = (): void => {
    pieces.push({ cps, text, plain: !hasAny && !hasSurrogates(text) });
    cps = [];
    text = '';
    hasAny = false;
  };
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (escapeChar !== null && ch === escapeChar) {
      const next = chars[i + 1];
      if (next === undefined) return `the pattern ${describeValue(pattern)} ends with the escape character`;
      if (next !== '%' && next !== '_' && next !== escapeChar) {
        return `invalid escape sequence '${ch}${next}' in ${describeValue(pattern)} (the escape character must precede %, _ or itself)`;
      }
      cps.push(next.codePointAt(0) as number);
      text += next;
      i++;
    } else if (ch === '%') {
      endPiece();
    } else if (ch === '_') {
      cps.push(ANY);
      text += ch;
      hasAny = true;
    } else {
      cps.push(ch.codePointAt(0) as number);
      text += ch;
    }
  }
  endPiece();
  return { pieces, plain: pieces.every((p) => p.plain) };
}

/** The pattern's literal text when it has no `%` and no `_` (after escapes), else null. */
export function likeLiteral(like: LikePattern): string | null {
  const only = like.pieces.length === 1 ? like.pieces[0] : undefined;
  return only?.plain ? only.text : null;
}

/** Does `s` match? Linear in `s` for plain pieces (substring search), at most O(|s| × |pattern|) otherwise. */
export function matchLike(like: LikePattern, s: string): boolean {
  if (like.plain) return matchPlain(like.pieces, s);
  // Without surrogates in `s`, code units are code points; otherwise work on the code points.
  return matchPieces(like.pieces, hasSurrogates(s) ? codePoints(s) : s);
}

function codePoints(s: string): number[] {
  const out: number[] = [];
  for (const ch of s) out.push(ch.codePointAt(0) as number);
  return out;
}

/** Pieces without `_` or surrogates, on UTF-16 code units (a match can then never split a surrogate pair). */
function matchPlain(pieces: readonly LikePiece[], s: string): boolean {
  const last = pieces.length - 1;
  const first = (pieces[0] as LikePiece).text;
  if (last === 0) return s === first;
  const tail = (pieces[last] as LikePiece).text;
  const end = s.length - tail.length; // where the last piece starts
  if (end < first.length || !s.startsWith(first) || !s.endsWith(tail)) return false;
  let pos = first.length;
  for (let k = 1; k < last; k++) {
    const text = (pieces[k] as LikePiece).text;
    if (text === '') continue;
    const at = s.indexOf(text, pos);
    if (at < 0 || at + text.length > end) return false;
    pos = at + text.length;
  }
  return true;
}

/** Does the piece match `text` (code units of a string without surrogates, or code points) at `at`? */
function pieceAt(cps: readonly number[], text: string | readonly number[], at: number): boolean {
  if (typeof text === 'string') {
    for (let j = 0; j < cps.length; j++) {
      const c = cps[j] as number;
      if (c !== ANY && c !== text.charCodeAt(at + j)) return false;
    }
  } else {
    for (let j = 0; j < cps.length; j++) {
      const c = cps[j] as number;
      if (c !== ANY && c !== text[at + j]) return false;
    }
  }
  return true;
}

/** The general case: first piece at the start, last at the end, the others leftmost in between. */
function matchPieces(pieces: readonly LikePiece[], text: string | readonly number[]): boolean {
  const n = text.length;
  const last = pieces.length - 1;
  const first = (pieces[0] as LikePiece).cps;
  if (last === 0) return first.length === n && pieceAt(first, text, 0);
  const tail = (pieces[last] as LikePiece).cps;
  const end = n - tail.length;
  if (end < first.length || !pieceAt(first, text, 0) || !pieceAt(tail, text, end)) return false;
  let pos = first.length;
  for (let k = 1; k < last; k++) {
    const cps = (pieces[k] as LikePiece).cps;
    const limit = end - cps.length; // the last start that leaves room for the last piece
    let at = pos;
    while (at <= limit && !pieceAt(cps, text, at)) at++;
    if (at > limit) return false;
    pos = at + cps.length;
  }
  return true;
}

/**
 * The reference matcher: `row[j]` says whether the first j pattern elements match the code points read so
 * far. O(|s| × |pattern|) time, O(|pattern|) space; no search strategy to get wrong.
 */
export function matchLikeReference(like: LikePattern, s: string): boolean {
  // the pattern as elements: a code point, ANY (`_`), or PERCENT
  const PERCENT = -2;
  const elements: number[] = [];
  like.pieces.forEach((piece, k) => {
    if (k > 0) elements.push(PERCENT);
    elements.push(...piece.cps);
  });
  const m = elements.length;
  let row: boolean[] = new Array<boolean>(m + 1).fill(false);
  row[0] = true;
  for (let j = 1; j <= m && elements[j - 1] === PERCENT; j++) row[j] = true;
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    const next: boolean[] = new Array<boolean>(m + 1).fill(false);
    for (let j = 1; j <= m; j++) {
      const e = elements[j - 1] as number;
      if (e === PERCENT) next[j] = (next[j - 1] as boolean) || (row[j] as boolean);
      else next[j] = (row[j - 1] as boolean) && (e === ANY || e === c);
    }
    row = next;
  }
  return row[m] as boolean;
}
