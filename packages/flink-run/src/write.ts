/**
 * Writing a sink's rows as the embedded engine's `file` sink writes them (packages/engine
 * operators/sinks.ts `FileSink`, connectors/file-sink.ts formatting): JSON lines with the schema's fields in
 * order (a missing value and NaN/±Infinity as null), or csv with a header line; first into an in-progress
 * file whose name starts with `.` (readers skip it), then renamed to a committed part file
 * `part-0-end-<uid>.<ext>` — the name the engine gives files committed at the end of input. No rows, no
 * file (the engine opens a part file with its first row).
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { createJsonlFormatter, formatCsvHeader, formatCsvRow, type Row } from '@flowstate/engine';

let counter = 0;

/** Writes `rows` into the directory of a file sink; returns the committed file, or null for no rows. */
export function writeFileSinkRows(
  dir: string,
  format: 'jsonl' | 'csv',
  fields: readonly string[],
  rows: readonly Row[],
): string | null {
  if (rows.length === 0) return null;
  mkdirSync(dir, { recursive: true });
  const uid = `${Date.now().toString(36).padStart(9, '0')}-${(counter++).toString(36).padStart(4, '0')}`;
  const tmp = path.join(dir, `.part-0-${uid}.inprogress`);
  const final = path.join(dir, `part-0-end-${uid}.${format}`);
  const line = format === 'csv' ? (r: Row) => formatCsvRow(r, fields) : createJsonlFormatter(fields);
  const fd = openSync(tmp, 'w');
  try {
    let text = format === 'csv' ? `${formatCsvHeader(fields)}\n` : '';
    for (const row of rows) {
      text += `${line(row)}\n`;
      if (text.length >= 1 << 20) {
        writeSync(fd, text);
        text = '';
      }
    }
    if (text.length > 0) writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, final);
  return final;
}
