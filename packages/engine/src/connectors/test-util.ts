/** Helpers shared by the connector tests (not part of the module's API). */
import type { Row, RowErrorReport, SplitContext, SplitReader } from './types';

export class FakeClock {
  constructor(public t = 0) {}
  now = (): number => this.t;
}

export function testContext(over: Partial<SplitContext> = {}): SplitContext & { errors: RowErrorReport[] } {
  const errors: RowErrorReport[] = [];
  return {
    subtask: 0,
    parallelism: 1,
    nowMs: () => 0,
    baseDir: '/',
    strict: false,
    onError: (e) => errors.push(e),
    ...over,
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
