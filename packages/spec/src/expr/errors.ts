import type { ExprError } from './types';

/**
 * Stable codes of the positioned errors reported by parsing and checking. Each message says what is wrong
 * and ends with `at column N`.
 */
export type ExprErrorCode =
  | 'SYNTAX_ERROR'
  | 'INVALID_LITERAL'
  | 'UNKNOWN_TYPE'
  | 'TOO_COMPLEX'
  | 'UNKNOWN_FIELD'
  /** In a join: a name on both inputs, written without `l.` or `r.`. */
  | 'AMBIGUOUS_FIELD'
  /** `x.y` outside a join, or with a qualifier other than `l` and `r`. */
  | 'QUALIFIED_NAME'
  | 'UNKNOWN_FUNCTION'
  | 'WRONG_ARITY'
  | 'TYPE_MISMATCH'
  | 'INVALID_ARGUMENT'
  | 'INVALID_REGEX'
  | 'UNSUPPORTED_REGEX'
  | 'INVALID_LIKE_PATTERN'
  | 'AGGREGATE_NOT_ALLOWED'
  | 'NOT_AN_AGGREGATE'
  | 'UNSUPPORTED';

export function exprError(code: ExprErrorCode, text: string, start: number, end: number): ExprError {
  return {
    code,
    message: `${text} at column ${start + 1}`,
    column: start + 1,
    start,
    end: Math.max(start, end),
  };
}

/** Thrown inside the parser to unwind to `parseExpression`; never escapes this module. */
export class ParseFailure {
  constructor(readonly error: ExprError) {}
}

/** Quotes a piece of source text for a message, shortening long text. */
export function quoteSnippet(text: string): string {
  const short = text.length > 30 ? `${text.slice(0, 27)}...` : text;
  return `'${short}'`;
}

/** Damerau-free Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
    }
    [prev, cur] = [cur, prev];
  }
  return prev[b.length] ?? 0;
}

/** Names close to `name` (case-insensitive edit distance ≤ 2, or one contains the other), best first. */
export function nearNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const upper = name.toUpperCase();
  const scored: { name: string; score: number }[] = [];
  for (const candidate of candidates) {
    const c = candidate.toUpperCase();
    const distance = editDistance(upper, c);
    const threshold = upper.length <= 3 ? 1 : 2;
    if (distance <= threshold) scored.push({ name: candidate, score: distance });
    else if (upper.length >= 3 && (c.includes(upper) || upper.includes(c)))
      scored.push({ name: candidate, score: 3 });
  }
  scored.sort((x, y) => x.score - y.score || x.name.localeCompare(y.name));
  return scored.slice(0, limit).map((s) => s.name);
}
