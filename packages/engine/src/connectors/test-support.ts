/** Helpers shared by the connector tests (not part of the module's API). */
import { openFileAccess } from './file-access';
import type { Row, RowErrorReport, SplitContext, SplitReader } from './types';

export class FakeClock {
  constructor(public t = 0) {}
  now = (): number => this.t;
}

/** A split context; `baseDir` (default `/`) gives it unrestricted file access from there. */
export function testContext(
  over: Partial<SplitContext> & { baseDir?: string } = {},
): SplitContext & { errors: RowErrorReport[] } {
  const errors: RowErrorReport[] = [];
  const { baseDir = '/', ...rest } = over;
  return {
    subtask: 0,
    parallelism: 1,
    nowMs: () => 0,
    files: openFileAccess(baseDir),
    strict: false,
    onError: (e) => errors.push(e),
    ...rest,
    errors,
  };
}

/** Read until the reader ends (or `limit` rows), in batches of `batch`. */
export function readAll(reader: SplitReader, limit = Number.POSITIVE_INFINITY, batch = 100): Row[] {
  const out: Row[] = [];
  while (out.length < limit) {
    const n = reader.read(Math.min(batch, limit - out.length), out);
    if (n === 0) {
      if (reader.ended) break;
      throw new Error('reader returned 0 rows without ending');
    }
  }
  return out;
}
