/**
 * Row formatters of the file sink (and anyone else writing rows as text). No Node module here.
 *
 * - jsonl: one JSON object per line with the schema's fields in the schema's order (fields the
 *   schema does not declare are left out; a missing value is `null`; NaN and ±Infinity are `null`,
 *   as JSON.stringify does).
 * - csv: a header line with the field names, then one line per row, fields quoted as RFC 4180 says
 *   (when they hold the delimiter, a quote, a line break or leading/trailing spaces; quotes doubled).
 *   NULL is an empty unquoted field and the empty string is `""`, so both survive a round trip
 *   through the file source. Lines end with `\n`.
 */
import type { Row, RowSchema } from './types';

function jsonValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return JSON.stringify(v);
    case 'bigint':
      return v.toString();
    default:
      return JSON.stringify(v) ?? 'null';
  }
}

/** A function formatting a row as one JSON line (without the newline), fields in schema order. */
export function createJsonlFormatter(fields: readonly string[]): (row: Row) => string {
  const keys = fields.slice();
  const prefixes = keys.map((k, i) => `${i === 0 ? '{' : ','}${JSON.stringify(k)}:`);
  if (keys.length === 0) return () => '{}';
  return (row) => {
    let s = '';
    for (let i = 0; i < keys.length; i++) s += prefixes[i]! + jsonValue(row[keys[i]!]);
    return `${s}}`;
  };
}

/** One row as a JSON line (without the newline), with the schema's fields in order. */
export function formatJsonlRow(row: Row, schema: RowSchema | readonly string[]): string {
  const fields = Array.isArray(schema) ? (schema as readonly string[]) : Object.keys(schema);
  let s = '{';
  for (let i = 0; i < fields.length; i++) {
    const k = fields[i]!;
    s += `${i === 0 ? '' : ','}${JSON.stringify(k)}:${jsonValue(row[k])}`;
  }
  return `${s}}`;
}

/** Quote a csv field when it has to be (RFC 4180). */
export function csvQuote(text: string, delimiter = ','): string {
  if (
    text === '' ||
    text.includes('"') ||
    text.includes(delimiter) ||
    text.includes('\n') ||
    text.includes('\r') ||
    text.trim() !== text
  ) {
    return `"${text.replaceAll('"', '""')}"`;
  }
  return text;
}

function csvValue(v: unknown, delimiter: string): string {
  if (v === null || v === undefined) return '';
  switch (typeof v) {
    case 'number':
      return Number.isFinite(v) ? String(v) : '';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return csvQuote(v, delimiter);
    default:
      return csvQuote(typeof v === 'object' ? JSON.stringify(v) : String(v), delimiter);
  }
}

/** One row as a csv line (without the newline), with the schema's fields in order. */
export function formatCsvRow(row: Row, schema: RowSchema | readonly string[], delimiter = ','): string {
  const fields = Array.isArray(schema) ? (schema as readonly string[]) : Object.keys(schema);
  let s = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) s += delimiter;
    s += csvValue(row[fields[i]!], delimiter);
  }
  return s;
}

/** The csv header line (without the newline). */
export function formatCsvHeader(schema: RowSchema | readonly string[], delimiter = ','): string {
  const fields = Array.isArray(schema) ? (schema as readonly string[]) : Object.keys(schema);
  return fields.map((f) => csvQuote(f, delimiter)).join(delimiter);
}
