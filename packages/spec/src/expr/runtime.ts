/**
 * Runtime primitives shared by the compiler (`compile.ts`) and the reference interpreter (`evaluate.ts`):
 * the runtime error, integer arithmetic rules, string functions with SQL semantics, ROUND, and the
 * conversions behind CAST. Each is small and unit-tested on its own. LIKE is in `like.ts`, regular
 * expressions in `regex.ts`.
 */

/** Codes of runtime failures. */
export type RuntimeErrorCode =
  | 'CAST_FAILED'
  | 'DIVISION_BY_ZERO'
  | 'INT_OVERFLOW'
  | 'INVALID_REGEX'
  | 'UNSUPPORTED_REGEX'
  | 'INVALID_LIKE_PATTERN';

/** A failure while evaluating an expression on a row, e.g. `CAST('abc' AS INT)` or an integer division by 0. */
export class ExpressionRuntimeError extends Error {
  readonly code: string;
  constructor(code: RuntimeErrorCode, message: string) {
    super(message);
    this.name = 'ExpressionRuntimeError';
    this.code = code;
  }
}

/** Ints are JavaScript numbers and exact within ±MAX_INT (2^53 - 1). */
export const MAX_INT = Number.MAX_SAFE_INTEGER;
export const MIN_INT = -Number.MAX_SAFE_INTEGER;

// ── values in messages ───────────────────────────────────────────────────────────────────────────────

export function describeValue(v: unknown): string {
  if (typeof v === 'string') {
    const s = v.length > 50 ? `${v.slice(0, 47)}...` : v;
    return `'${s.replaceAll("'", "''")}'`;
  }
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v === null || v === undefined) return 'NULL';
  return String(v);
}

// ── integer arithmetic ───────────────────────────────────────────────────────────────────────────────

export function intOverflow(a: number, op: string, b: number): never {
  throw new ExpressionRuntimeError(
    'INT_OVERFLOW',
    `integer overflow: ${a} ${op} ${b} is outside the exact int range ±${MAX_INT}; CAST an operand to DOUBLE for approximate arithmetic`,
  );
}

export function divisionByZero(a: number, op: string): never {
  throw new ExpressionRuntimeError(
    'DIVISION_BY_ZERO',
    `division by zero: ${a} ${op} 0 (integer ${op === '/' ? 'division' : 'remainder'}); use NULLIF(divisor, 0) to get NULL instead`,
  );
}

/** INT / INT: truncates toward zero (Java and Flink); `+ 0` turns -0 into 0. */
export function intDiv(a: number, b: number): number {
  if (b === 0) divisionByZero(a, '/');
  return Math.trunc(a / b) + 0;
}

/** INT % INT and MOD(INT, INT): Java's remainder, whose sign is the dividend's. */
export function intMod(a: number, b: number): number {
  if (b === 0) divisionByZero(a, '%');
  return (a % b) + 0;
}

export function intAdd(a: number, b: number): number {
  const r = a + b;
  if (r > MAX_INT || r < MIN_INT) intOverflow(a, '+', b);
  return r;
}

export function intSub(a: number, b: number): number {
  const r = a - b;
  if (r > MAX_INT || r < MIN_INT) intOverflow(a, '-', b);
  return r;
}

export function intMul(a: number, b: number): number {
  const r = a * b + 0;
  if (r > MAX_INT || r < MIN_INT) intOverflow(a, '*', b);
  return r;
}

// ── ROUND ────────────────────────────────────────────────────────────────────────────────────────────

/**
 * ROUND(float, d): half-up (away from zero) on the shortest decimal representation of `x`, like Java's
 * `BigDecimal.valueOf(x).setScale(d, HALF_UP)`: ROUND(1.005, 2) = 1.01, ROUND(-2.5) = -3.
 */
export function roundFloat(x: number, d: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const [mantissa = '0', exponent = '0'] = Math.abs(x).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exp = Number(exponent);
  const keep = exp + d + 1; // how many significant digits survive
  if (keep >= digits.length) return x;
  if (keep < 0) return 0;
  const sign = x < 0 ? -1 : 1;
  const next = digits.charCodeAt(keep) - 48;
  if (keep === 0) return next >= 5 ? sign * Number(`1e${-d}`) : 0;
  let kept = digits.slice(0, keep);
  if (next >= 5) kept = incrementDecimal(kept);
  return sign * Number(`${kept}e${exp - keep + 1}`);
}

function incrementDecimal(digits: string): string {
  let i = digits.length - 1;
  let out = '';
  while (i >= 0 && digits[i] === '9') {
    out = `0${out}`;
    i--;
  }
  if (i < 0) return `1${out}`;
  return `${digits.slice(0, i)}${String.fromCharCode(digits.charCodeAt(i) + 1)}${out}`;
}

/** ROUND(int, d): ints are unchanged for d >= 0; for d < 0, half-up to a multiple of 10^-d. */
export function roundInt(x: number, d: number): number {
  if (d >= 0) return x;
  if (d < -16) return 0;
  const p = 10 ** -d;
  const r = x % p;
  let q = x - r;
  if (Math.abs(r) * 2 >= p) q += x < 0 ? -p : p;
  if (q > MAX_INT || q < MIN_INT) intOverflow(x, 'rounded to', p);
  return q + 0;
}

// ── strings (lengths and positions count Unicode code points, as Flink does) ────────────────────────

/** A fixed one-character class (no quantifier, so linear): several times faster than a charCodeAt loop. */
const SURROGATE = /[\uD800-\uDFFF]/;

export function hasSurrogates(s: string): boolean {
  return SURROGATE.test(s);
}

export function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/**
 * SUBSTRING(s, pos[, len]), Flink's rules: 1-based; pos 0 acts as 1; a negative pos counts from the end; a
 * start past the end gives ''; a negative len gives NULL.
 */
export function substringSql(s: string, pos: number, len?: number): string | null {
  if (len !== undefined && len < 0) return null;
  if (s === '') return '';
  const cps = hasSurrogates(s) ? Array.from(s) : null;
  const n = cps ? cps.length : s.length;
  let start: number;
  if (pos > 0) {
    start = pos - 1;
    if (start >= n) return '';
  } else if (pos < 0) {
    start = n + pos;
    if (start < 0) return '';
  } else {
    start = 0;
  }
  const end = len === undefined || n - start < len ? n : start + len;
  return cps ? cps.slice(start, end).join('') : s.slice(start, end);
}

/** POSITION(needle IN haystack): 1-based position of the first occurrence, 0 when absent. */
export function positionSql(needle: string, haystack: string): number {
  const i = haystack.indexOf(needle);
  if (i < 0) return 0;
  return (hasSurrogates(haystack) ? charLength(haystack.slice(0, i)) : i) + 1;
}

/** TRIM / LTRIM / RTRIM: removes the characters of `chars` (default: the space character only) from the ends. */
export function trimSql(s: string, chars: string, leading: boolean, trailing: boolean): string {
  let start = 0;
  let end = s.length;
  if (chars === ' ') {
    if (leading) while (start < end && s.charCodeAt(start) === 32) start++;
    if (trailing) while (end > start && s.charCodeAt(end - 1) === 32) end--;
    return start === 0 && end === s.length ? s : s.slice(start, end);
  }
  if (chars === '') return s;
  const set = new Set(Array.from(chars));
  if (leading) {
    while (start < end) {
      const cp = s.codePointAt(start) as number;
      const ch = String.fromCodePoint(cp);
      if (!set.has(ch)) break;
      start += ch.length;
    }
  }
  if (trailing) {
    while (end > start) {
      let len = 1;
      const c = s.charCodeAt(end - 1);
      if (c >= 0xdc00 && c <= 0xdfff && end - 2 >= start) {
        const h = s.charCodeAt(end - 2);
        if (h >= 0xd800 && h <= 0xdbff) len = 2;
      }
      if (!set.has(s.slice(end - len, end))) break;
      end -= len;
    }
  }
  return s.slice(start, end);
}

/** REPLACE(s, search, replacement): every occurrence, literally (Java's String.replace). */
export function replaceLiteral(s: string, search: string, replacement: string): string {
  if (search === '') {
    if (s === '') return replacement;
    return replacement + s.split('').join(replacement) + replacement;
  }
  let i = s.indexOf(search);
  if (i < 0) return s;
  let out = '';
  let from = 0;
  while (i >= 0) {
    out += s.slice(from, i) + replacement;
    from = i + search.length;
    i = s.indexOf(search, from);
  }
  return out + s.slice(from);
}

// ── LIKE patterns (matching is in like.ts) ───────────────────────────────────────────────────────────

export function invalidLike(reason: string): ExpressionRuntimeError {
  return new ExpressionRuntimeError('INVALID_LIKE_PATTERN', `invalid LIKE pattern: ${reason}`);
}

// ── CAST conversions: each returns undefined when the value cannot be converted ─────────────────────

const INT_TEXT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)$/;
// `\d+(?:\.\d*)?`, not `\d+\.?\d*`: the latter splits a run of digits in every way before failing, which
// made a long digit string with a stray character take quadratic time.
const FLOAT_TEXT = /^[+-]?(?:\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|NaN|Infinity)$/;

/** STRING → INT as Flink: surrounding whitespace ignored; a fraction is allowed and truncated ('1.9' → 1). */
export function stringToInt(s: string): number | undefined {
  const t = s.trim();
  if (!INT_TEXT.test(t)) return undefined;
  const dot = t.indexOf('.');
  const whole = dot < 0 ? t : t.slice(0, dot);
  const n = whole === '' || whole === '+' || whole === '-' ? 0 : Number(whole);
  return Number.isSafeInteger(n) ? n + 0 : undefined;
}

/** STRING → DOUBLE: decimal or scientific notation, NaN, Infinity; surrounding whitespace ignored. */
export function stringToFloat(s: string): number | undefined {
  const t = s.trim();
  if (!FLOAT_TEXT.test(t)) return undefined;
  return Number(t);
}

const TRUE_TEXT = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_TEXT = new Set(['false', 'f', 'no', 'n', '0']);

/** STRING → BOOLEAN as Flink: true/t/yes/y/1 and false/f/no/n/0, case-insensitive, whitespace ignored. */
export function stringToBool(s: string): boolean | undefined {
  const t = s.trim().toLowerCase();
  if (TRUE_TEXT.has(t)) return true;
  if (FALSE_TEXT.has(t)) return false;
  return undefined;
}

/** DOUBLE → INT: truncates toward zero; NaN, ±Infinity and values outside the int range fail. */
export function floatToInt(x: number): number | undefined {
  if (!Number.isFinite(x)) return undefined;
  const t = Math.trunc(x);
  return Number.isSafeInteger(t) ? t + 0 : undefined;
}

export function boolToString(b: boolean): string {
  return b ? 'TRUE' : 'FALSE';
}

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

const TIMESTAMP_TEXT =
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?Z?$/;

/**
 * STRING → TIMESTAMP: 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM[:SS[.fff]]' (or with a 'T', optionally ending in 'Z'),
 * read as UTC; digits beyond milliseconds are dropped.
 */
export function stringToTimestamp(s: string): number | undefined {
  const m = TIMESTAMP_TEXT.exec(s.trim());
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4] ?? 0);
  const minute = Number(m[5] ?? 0);
  const second = Number(m[6] ?? 0);
  const millis = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return undefined;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const monthDays = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 31;
  if (day > monthDays) return undefined;
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + millis;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** TIMESTAMP → STRING: 'YYYY-MM-DD HH:MM:SS.mmm' in UTC, as Flink prints a TIMESTAMP(3). */
export function timestampToString(ms: number): string {
  const days = Math.floor(ms / MS_PER_DAY);
  let rest = ms - days * MS_PER_DAY;
  const [year, month, day] = civilFromDays(days);
  const millis = rest % 1000;
  rest = (rest - millis) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  const y = year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
  return `${y}-${pad(month, 2)}-${pad(day, 2)} ${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}.${pad(Math.floor(millis), 3)}`;
}

export function castFailed(value: unknown, typeName: string, hint = ''): ExpressionRuntimeError {
  return new ExpressionRuntimeError(
    'CAST_FAILED',
    `cannot cast ${describeValue(value)} to ${typeName}${hint}; use TRY_CAST to get NULL instead`,
  );
}

/** Why a conversion from `from` to `to` failed, for the CAST_FAILED message. */
export function castHint(from: string, to: string): string {
  if (from === 'string' && to === 'timestamp') return " (expected 'YYYY-MM-DD HH:MM:SS.fff')";
  if (from === 'string' && to === 'bool') return ' (expected true/false, t/f, yes/no, y/n or 1/0)';
  if (from === 'string') return ' (not a number)';
  if (from === 'float' && to === 'int') return ' (not a finite number within the int range)';
  return '';
}
