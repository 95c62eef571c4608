/**
 * Connectors: the engine's data edges. Source split readers (datagen, file, nexmark), the two-phase
 * file sink and the row formatters. Readers are synchronous and pull-based; positions are JSON and go
 * into checkpoints. Only `file-source.ts` and `file-sink.ts` use Node's `fs`.
 */
import type { SourceConnector } from '@flowstate/spec';
import { DatagenReader } from './datagen';
import { FileSplitReader } from './file-source';
import { NexmarkReader } from './nexmark';
import type { RowSchema, SplitContext, SplitReader } from './types';

export { parseIsoTimestamp } from './coerce';
export {
  confinedFileAccess,
  type DeniedPath,
  type FileAccess,
  FileAccessError,
  type FileAccessMode,
  type FileRoot,
  openFileAccess,
  specFileProblems,
} from './file-access';
export type { FileSinkConnector, FileSinkState, PendingFile } from './file-sink';
export {
  createFileReader,
  DEFAULT_CHUNK_SIZE,
  DEFAULT_MAX_LINE_BYTES,
  type FileReaderOptions,
} from './file-source';
export { createJsonlFormatter, csvQuote, formatCsvHeader, formatCsvRow, formatJsonlRow } from './formats';
export { NEXMARK_BASE_TIME, NexmarkGenerator } from './nexmark';
export type { Row, RowErrorReport, SourcePosition, SplitContext, SplitReader } from './types';
export { RowParseError } from './types';

/**
 * A reader of split `ctx.subtask` of `ctx.parallelism` of a source. Throws an Error when the
 * source cannot be read at all (a missing file, a generator that does not fit its field).
 * `schema` is the source node's schema (nexmark ignores it: the table fixes the fields; a text
 * file yields `{ line }`).
 */
export function createSplitReader(
  connector: SourceConnector,
  schema: RowSchema,
  ctx: SplitContext,
): SplitReader {
  switch (connector.type) {
    case 'datagen':
      return new DatagenReader(connector, schema, ctx);
    case 'file':
      return new FileSplitReader(connector, schema, ctx);
    case 'nexmark':
      return new NexmarkReader(connector, ctx);
  }
}
