/**
 * Sources the two engines cannot share are materialized once, by Flowstate: the engine's own split reader
 * reads the source as one split, in order (as `flowstate run` does at parallelism 1), and every row is
 * written as a JSON line with the schema's fields in order, timestamps as epoch-millisecond integers — the
 * engine's file sink format. Flink then reads that file (`sourceOverrides` of the export), and a conformance
 * run gives Flowstate the same file.
 *
 * - `datagen`: Flink's datagen connector has its own unseeded random generators (the export can only match
 *   the distributions), so the rows must come from Flowstate's generator.
 * - `nexmark`: there is no Nexmark connector for Flink SQL in Maven Central.
 * - `file` with `csv`: Flink's csv format has no header handling.
 * `file` sources in `jsonl` or `text` are shared as they are.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import {
  createJsonlFormatter,
  createSplitReader,
  openFileAccess,
  type Row,
  type RowErrorReport,
} from '@flowstate/engine';
import type { RowSchema, SourceNode } from '@flowstate/spec';

/** Whether Flink cannot read this source as it is (so it is materialized to a JSON lines file). */
export function needsMaterializing(node: SourceNode): boolean {
  const c = node.connector;
  return c.type === 'datagen' || c.type === 'nexmark' || (c.type === 'file' && c.format === 'csv');
}

export interface MaterializeOptions {
  /** Relative paths in the spec resolve against this directory (the spec file's directory). */
  baseDir: string;
  /** Throw on the first row that does not parse (the spec's `rowErrors: "fail"`); else skip and count it. */
  strict?: boolean;
  /** Rows per read (default 4,096). */
  batchSize?: number;
}

export interface MaterializedSource {
  nodeId: string;
  /** The JSON lines file (absolute). */
  path: string;
  rows: number;
  /** Rows the reader skipped because they did not parse (csv sources). */
  rowErrors: RowErrorReport[];
}

const FLUSH_CHARS = 1 << 20;

/**
 * Writes every row of a bounded source to `file` as JSON lines (the schema's fields in order). The source's
 * reader is the engine's, read as one split in order, so the file holds exactly the rows `flowstate run`
 * reads at parallelism 1, in the same order.
 */
export function materializeSource(
  node: SourceNode,
  schema: RowSchema,
  file: string,
  options: MaterializeOptions,
): MaterializedSource {
  const rowErrors: RowErrorReport[] = [];
  // Virtual time: a rate-limited source (rowsPerSecond > 0) is read at once by moving this clock to when
  // its next row is due. Its rows do not depend on when they are read (datagen row i is a function of the
  // seed and i; a Nexmark event's dateTime of its number).
  let now = 0;
  const reader = createSplitReader(node.connector, schema, {
    subtask: 0,
    parallelism: 1,
    nowMs: () => now,
    files: openFileAccess(options.baseDir),
    strict: options.strict ?? false,
    onError: (e) => rowErrors.push(e),
  });
  if (!reader.bounded) {
    reader.close();
    throw new Error(
      `source '${node.id}' is unbounded: set "count" on its connector to run it on Flink (its rows are materialized to a file first)`,
    );
  }
  mkdirSync(path.dirname(file), { recursive: true });
  const fd = openSync(file, 'w');
  const format = createJsonlFormatter(Object.keys(schema));
  const batch: Row[] = [];
  const max = options.batchSize ?? 4096;
  let rows = 0;
  let text = '';
  try {
    for (;;) {
      batch.length = 0;
      const n = reader.read(max, batch);
      if (n === 0) {
        if (reader.ended) break;
        const due = reader.availableAt(now);
        if (due <= now) throw new Error(`source '${node.id}': its reader returned no row and did not end`);
        now = due;
        continue;
      }
      for (let i = 0; i < n; i++) text += `${format(batch[i]!)}\n`;
      rows += n;
      if (text.length >= FLUSH_CHARS) {
        writeSync(fd, text);
        text = '';
      }
    }
    if (text.length > 0) writeSync(fd, text);
  } finally {
    closeSync(fd);
    reader.close();
  }
  return { nodeId: node.id, path: file, rows, rowErrors };
}
