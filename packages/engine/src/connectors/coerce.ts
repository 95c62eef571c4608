/**
 * Converting parsed input values to a schema's field types, for the file source.
 *
 * JSON lines (a value from JSON.parse):
 * - `null` or a missing field → NULL. Fields the schema does not declare are dropped.
 * - string: a string; a number or boolean becomes its JSON text; an object or array is an error.
 * - int: a number that is a safe integer, or a string holding one (`"42"`, `" -7 "`); `1.5`,
 *   `"1e3"`, booleans and unsafe integers (beyond ±2^53−1) are errors.
 * - float: a number, or a string holding a decimal number (`"1.5"`, `"-2e3"`); `"NaN"` /
 *   `"Infinity"` are errors.
 * - bool: `true` / `false`, or the strings `"true"` / `"false"` (any case).
 * - timestamp: epoch milliseconds as an integer number or integer string, or an ISO-8601 string
 *   (`2024-01-02`, `2024-01-02T03:04:05.678Z`, `2024-01-02 03:04:05+02:00`; without a zone it is
 *   UTC, like Flink's zone-less TIMESTAMP).
 * CSV (every value is text): an empty unquoted value is NULL; `""` (quoted, empty) is the empty
 * string for a string field and NULL otherwise; other types trim spaces and then follow the string
 * rules above.
 */
import type { FieldTypeName } from '@flowstate/spec';

/** A value that does not fit its field; the message names the field. */
export class FieldError extends Error {}

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const ISO_RE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (Array.isArray(v)) return 'an array';
  if (v !== null && typeof v === 'object') return 'an object';
  return String(v);
}

function bad(field: string, expected: string, v: unknown): never {
  throw new FieldError(`field "${field}": expected ${expected}, got ${show(v)}`);
}

/** Epoch milliseconds of an ISO-8601 date or date-time, or NaN when the text is not one. */
export function parseIsoTimestamp(text: string): number {
  const m = ISO_RE.exec(text.trim());
  if (!m) return Number.NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const ms = m[7] === undefined ? 0 : Math.floor(Number(`0.${m[7]}`) * 1000 + 1e-6);
  if (month < 1 || month > 12 || day < 1 || day > DAYS_IN_MONTH[month - 1]!) return Number.NaN;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (month === 2 && day === 29 && !leap) return Number.NaN;
  if (hour > 23 || minute > 59 || second > 59) return Number.NaN;
  let offsetMin = 0;
  const zone = m[8];
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const zh = Number(digits.slice(0, 2));
    const zm = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (zh > 23 || zm > 59) return Number.NaN;
    offsetMin = sign * (zh * 60 + zm);
  }
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day); // setUTCFullYear: years 0–99 are not mapped to 19xx
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime() - offsetMin * 60_000;
}

/** The value of a plain decimal integer (optional sign, digits, no spaces), else NaN. */
function plainInt(t: string): number {
  const len = t.length;
  let i = 0;
  let neg = false;
  const c0 = t.charCodeAt(0);
  if (c0 === 45 || c0 === 43) {
    neg = c0 === 45;
    i = 1;
  }
  if (i >= len || len - i > 15) return INT_RE.test(t) ? Number(t) : Number.NaN; // long: let Number decide
  let v = 0;
  for (; i < len; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return Number.NaN;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

function intFromString(field: string, s: string, original: unknown): number {
  let n = plainInt(s);
  if (Number.isNaN(n)) {
    const t = s.trim();
    n = t === s ? Number.NaN : plainInt(t);
    if (Number.isNaN(n)) return bad(field, 'an integer', original);
  }
  if (!Number.isSafeInteger(n)) return bad(field, 'an integer within ±2^53−1', original);
  return n;
}

function floatFromString(field: string, s: string, original: unknown): number {
  // Number() accepts more than decimal notation ('0x1f', '', 'Infinity'); check the common plain
  // shape cheaply and fall back to the full pattern otherwise.
  const n = Number(s);
  const c0 = s.charCodeAt(0);
  const c1 = s.charCodeAt(1);
  const plain =
    ((c0 >= 48 && c0 <= 57) || c0 === 45) &&
    !(c0 === 48 && c1 > 57) &&
    Number.isFinite(n) &&
    s.charCodeAt(s.length - 1) <= 57;
  if (plain) return n;
  const t = s.trim();
  if (!FLOAT_RE.test(t)) return bad(field, 'a number', original);
  const m = Number(t);
  if (!Number.isFinite(m)) return bad(field, 'a finite number', original);
  return m;
}

function boolFromString(field: string, s: string, original: unknown): boolean {
  const t = s.trim().toLowerCase();
  if (t === 'true') return true;
  if (t === 'false') return false;
  return bad(field, 'true or false', original);
}

function timestampFromString(field: string, s: string, original: unknown): number {
  const t = s.trim();
  if (INT_RE.test(t)) return intFromString(field, t, original);
  const ms = parseIsoTimestamp(t);
  if (Number.isNaN(ms)) return bad(field, 'epoch milliseconds or an ISO-8601 timestamp', original);
  return ms;
}

/** Converts a value from JSON.parse to the field's type (throws FieldError). */
export type JsonCoercer = (v: unknown) => unknown;

export function jsonCoercer(field: string, type: FieldTypeName): JsonCoercer {
  switch (type) {
    case 'string':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'string') return v;
        if (typeof v === 'number' || typeof v === 'boolean') return String(v);
        return bad(field, 'a string', v);
      };
    case 'int':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'number') {
          if (Number.isSafeInteger(v)) return v;
          return bad(field, Number.isInteger(v) ? 'an integer within ±2^53−1' : 'an integer', v);
        }
        if (typeof v === 'string') return intFromString(field, v, v);
        return bad(field, 'an integer', v);
      };
    case 'float':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'number') return v;
        if (typeof v === 'string') return floatFromString(field, v, v);
        return bad(field, 'a number', v);
      };
    case 'bool':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'boolean') return v;
        if (typeof v === 'string') return boolFromString(field, v, v);
        return bad(field, 'true or false', v);
      };
    case 'timestamp':
      return (v) => {
        if (v === null || v === undefined) return null;
        if (typeof v === 'number') {
          if (Number.isSafeInteger(v)) return v;
          return bad(field, 'epoch milliseconds (an integer) or an ISO-8601 timestamp', v);
        }
        if (typeof v === 'string') return timestampFromString(field, v, v);
        return bad(field, 'epoch milliseconds or an ISO-8601 timestamp', v);
      };
  }
}

/** Converts a CSV value (with whether it was quoted) to the field's type (throws FieldError). */
export type CsvCoercer = (text: string, quoted: boolean) => unknown;

export function csvCoercer(field: string, type: FieldTypeName): CsvCoercer {
  switch (type) {
    case 'string':
      return (s, quoted) => (s === '' && !quoted ? null : s);
    case 'int':
      return (s) => (s === '' || s.trim() === '' ? null : intFromString(field, s, s));
    case 'float':
      return (s) => (s === '' || s.trim() === '' ? null : floatFromString(field, s, s));
    case 'bool':
      return (s) => (s.trim() === '' ? null : boolFromString(field, s, s));
    case 'timestamp':
      return (s) => (s.trim() === '' ? null : timestampFromString(field, s, s));
  }
}
