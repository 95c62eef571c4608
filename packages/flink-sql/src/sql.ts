/**
 * Small pieces of Flink SQL text: identifiers, literals, intervals, paths, and the one conversion the
 * export needs from a Flink TIMESTAMP(3) back to Flowstate's epoch milliseconds.
 */
import { formatIdentifier } from '@flowstate/spec';
import { GRAMMAR_KEYWORDS } from './keywords';

/** An identifier (table, view, column) as Flink SQL: bare when safe, else backquoted (Flink's reserved words). */
export const ident = (name: string): string => formatIdentifier(name, alsoQuote);

/** Words backquoted besides Flink's reserved words (see keywords.ts). */
export const alsoQuote = (upperName: string): boolean => GRAMMAR_KEYWORDS.has(upperName);

/** A SQL string literal ('' doubles a quote). */
export const str = (value: string): string => `'${value.replaceAll("'", "''")}'`;

/** `'key' = 'value'` for a WITH clause or a SET statement. */
export const option = (key: string, value: string): string => `${str(key)} = ${str(value)}`;

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A day-time interval literal of exactly `ms` milliseconds, or `undefined` when it does not fit.
 *
 * Calcite (Flink's SQL parser) gives interval fields a default leading precision of 2 digits, so
 * `INTERVAL '100' SECOND` is rejected ("exceeds precision of SECOND(2) field"). The literal therefore uses
 * the largest unit that divides `ms` and keeps the value below 100, then seconds with a fraction
 * (`'2.001' SECOND`), and falls back to `'d hh:mm:ss.fff' DAY TO SECOND` (dt-sql-parser, our syntax check,
 * does not accept an explicit precision such as `SECOND(3)`). Durations of 100 days or more do not fit.
 */
export function interval(ms: number): string | undefined {
  if (!Number.isInteger(ms) || ms < 0) return undefined;
  for (const [unit, size] of [
    ['DAY', DAY],
    ['HOUR', HOUR],
    ['MINUTE', MINUTE],
    ['SECOND', SECOND],
  ] as const) {
    if (ms % size === 0 && ms / size < 100) return `INTERVAL '${ms / size}' ${unit}`;
  }
  if (ms < 100 * SECOND) {
    return `INTERVAL '${Math.floor(ms / SECOND)}.${pad(ms % SECOND, 3)}' SECOND`;
  }
  const days = Math.floor(ms / DAY);
  if (days >= 100) return undefined;
  let rest = ms % DAY;
  const h = Math.floor(rest / HOUR);
  rest %= HOUR;
  const m = Math.floor(rest / MINUTE);
  rest %= MINUTE;
  const s = Math.floor(rest / SECOND);
  return `INTERVAL '${days} ${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(rest % SECOND, 3)}' DAY TO SECOND`;
}

const pad = (n: number, width: number): string => String(n).padStart(width, '0');

/**
 * Epoch milliseconds (BIGINT) of a `TIMESTAMP(3)` expression such as a window TVF's `window_start`.
 *
 * Flink refuses `CAST(timestamp AS BIGINT)` (flink-table-planner `TimestampToNumericCastRule`: "It's
 * recommended to use UNIX_TIMESTAMP(CAST(timestamp_col AS STRING))"), and has no function giving epoch
 * milliseconds of a timestamp. `UNIX_TIMESTAMP(string)` parses 'yyyy-MM-dd HH:mm:ss' in the session time
 * zone and returns whole seconds as BIGINT (flink-table-common `DateTimeUtils.unixTimestamp`), so: the
 * seconds of the timestamp's wall-clock text, times 1000, plus its milliseconds (`DATE_FORMAT` 'SSS').
 * Exact because the script pins `table.local-time-zone` to UTC, so a window TVF's TIMESTAMP(3) bounds are
 * UTC wall-clock times of the epoch-millisecond rowtime.
 */
export function epochMillis(timestampSql: string): string {
  return `(UNIX_TIMESTAMP(DATE_FORMAT(${timestampSql}, 'yyyy-MM-dd HH:mm:ss')) * 1000 + CAST(DATE_FORMAT(${timestampSql}, 'SSS') AS BIGINT))`;
}

/**
 * `target` made absolute against `base` (POSIX separators, `.` and `..` resolved), without touching the
 * file system; `undefined` when `target` is relative and there is no `base`.
 */
export function resolvePath(base: string | undefined, target: string): string | undefined {
  const absolute =
    target.startsWith('/') || /^[A-Za-z]:[\\/]/.test(target) || /^[a-z][a-z0-9+.-]*:\/\//i.test(target);
  if (absolute) return target;
  if (base === undefined) return undefined;
  const parts: string[] = [];
  for (const part of `${base}/${target}`.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  const prefix = base.startsWith('/') ? '/' : '';
  return prefix + parts.join('/');
}
