import {
  CheckpointCorruptedError,
  CheckpointStorageError,
  JobSpecError,
  RestoreCompatibilityError,
} from '@flowstate/engine';
import { toJsonSafe } from './json-safe';
import type { JobManagerErrorCode, WireError } from './protocol';

export type { JobManagerErrorCode } from './protocol';

/**
 * What the JobManager rejects with. `code` is stable (the HTTP layer maps it to a status); `message` says what
 * happened and what to do. `problems` (INVALID_SPEC) are the spec package's problems, as `validateSpec` gives
 * them (`{ code, message, nodeId?, path }`).
 */
export class JobManagerError extends Error {
  override readonly name = 'JobManagerError';
  readonly problems?: unknown[];

  constructor(
    readonly code: JobManagerErrorCode,
    message: string,
    opts: { problems?: unknown[]; cause?: unknown } = {},
  ) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    if (opts.problems !== undefined) this.problems = opts.problems;
  }

  static fromWire(e: WireError): JobManagerError {
    return new JobManagerError(e.code, e.message, e.problems !== undefined ? { problems: e.problems } : {});
  }

  toWire(): WireError {
    return {
      code: this.code,
      message: this.message,
      ...(this.problems !== undefined ? { problems: this.problems } : {}),
    };
  }
}

/** Any error → what crosses the boundary: a stable code and a message. */
export function toWireError(e: unknown): WireError {
  if (e instanceof JobManagerError) return e.toWire();
  if (e instanceof JobSpecError) {
    return { code: 'INVALID_SPEC', message: e.message, problems: toJsonSafe(e.problems) as unknown[] };
  }
  if (e instanceof RestoreCompatibilityError) return { code: 'INCOMPATIBLE_STATE', message: e.message };
  if (e instanceof CheckpointCorruptedError) {
    return { code: 'NO_SUCH_CHECKPOINT', message: `checkpoint ${e.checkpoint} cannot be used: ${e.message}` };
  }
  if (
    e instanceof CheckpointStorageError &&
    (e.code === 'CHECKPOINT_NOT_FOUND' || e.code === 'CHECKPOINT_AMBIGUOUS' || e.code === 'INVALID_PATH')
  ) {
    return { code: 'NO_SUCH_CHECKPOINT', message: e.message };
  }
  return { code: 'FAILED', message: e instanceof Error ? e.message : String(e) };
}
