/**
 * Every row of a bounded source as the engine's own reader produces it (one split, in order): what the
 * reference model, the fuzz cases and the Flink conformance runs start from.
 */
import type { RowSchema, SourceConnector } from '@flowstate/spec';
import { openFileAccess } from '../connectors/file-access';
import { createSplitReader } from '../connectors/index';
import type { Row } from '../runtime/elements';

/** Every row of a bounded source, read as one split (parallelism 1), in order. */
export function sourceRows(connector: SourceConnector, schema: RowSchema, baseDir = '.'): Row[] {
  const reader = createSplitReader(connector, schema, {
    subtask: 0,
    parallelism: 1,
    nowMs: () => 0,
    files: openFileAccess(baseDir),
    strict: false,
    onError: () => {},
  });
  const out: Row[] = [];
  try {
    while (!reader.ended) {
      if (reader.read(4096, out) === 0 && !reader.ended)
        throw new Error('sourceRows: the source is not bounded');
    }
  } finally {
    reader.close();
  }
  return out;
}
