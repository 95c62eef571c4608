/**
 * Reading what a Flink filesystem sink committed, as Flowstate rows.
 *
 * Flink's filesystem sink writes part files `part-<uuid>-<subtask>-<counter>[.ext]` and in-progress files
 * whose names start with `.` (readers skip names starting with `.` or `_`). One subtask's files, in counter
 * order, hold its rows in the order it wrote them; every key's rows go through one subtask, so reading the
 * files by (subtask, counter) keeps each key's order — the commit order of its updates.
 *
 * A rolling aggregate's result is a changelog in debezium-json: an insert or update-after is
 * `{"before":null,"after":{…},"op":"c"}`, an update-before or delete `{"before":{…},"after":null,"op":"d"}`
 * (flink-json `DebeziumJsonSerializationSchema`). Flowstate's append form is one row per update, the new
 * value: the `after` images, in order.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Row } from '@flowstate/engine';
import type { RowSchema } from '@flowstate/spec';

/** Committed part files under `dir` (recursively; none when it does not exist), by (subtask, counter). */
export function committedFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string): void => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw e;
    }
    for (const name of names) {
      if (name.startsWith('.') || name.startsWith('_')) continue;
      const p = path.join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dir);
  const order = (f: string): [number, number] => {
    const m = /-(\d+)-(\d+)(?:\.[A-Za-z0-9]+)?$/.exec(path.basename(f));
    return m ? [Number(m[1]), Number(m[2])] : [Number.MAX_SAFE_INTEGER, 0];
  };
  return files.sort((a, b) => {
    const [sa, ca] = order(a);
    const [sb, cb] = order(b);
    return sa - sb || ca - cb || a.localeCompare(b);
  });
}

/** A value read from Flink's JSON as the Flowstate type of its field. */
function fromFlink(value: unknown, type: string, field: string): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'int':
    case 'float':
    case 'timestamp':
      if (typeof value === 'number') return value;
      // Flink's JSON writes NaN and ±Infinity of a DOUBLE as strings.
      if (value === 'NaN') return Number.NaN;
      if (value === 'Infinity') return Number.POSITIVE_INFINITY;
      if (value === '-Infinity') return Number.NEGATIVE_INFINITY;
      break;
    case 'bool':
      if (typeof value === 'boolean') return value;
      break;
    case 'string':
      if (typeof value === 'string') return value;
      break;
    default:
      return value;
  }
  throw new Error(`field '${field}': Flink wrote ${JSON.stringify(value)} for a ${type}`);
}

/** A Flink JSON object as a Flowstate row: the schema's fields, in order. */
export function toRow(json: Record<string, unknown>, schema: RowSchema): Row {
  const row: Row = {};
  for (const [field, type] of Object.entries(schema)) row[field] = fromFlink(json[field], type, field);
  return row;
}

interface DebeziumRecord {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  op: string;
}

/**
 * The rows of a Flink filesystem sink in Flowstate's form: plain JSON rows as they are; a debezium-json
 * changelog (`updating`) as its `after` images, in commit order.
 */
export function readFlinkSink(dir: string, schema: RowSchema, updating: boolean): Row[] {
  const rows: Row[] = [];
  for (const file of committedFiles(dir)) {
    const text = readFileSync(file, 'utf8');
    let lineNo = 0;
    for (const line of text.split('\n')) {
      lineNo++;
      if (line.trim() === '') continue;
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch (e) {
        throw new Error(`${file}:${lineNo}: not JSON: ${(e as Error).message}`);
      }
      if (!updating) {
        rows.push(toRow(json as Record<string, unknown>, schema));
        continue;
      }
      const change = json as DebeziumRecord;
      if (change.after !== null && change.after !== undefined) rows.push(toRow(change.after, schema));
    }
  }
  return rows;
}
