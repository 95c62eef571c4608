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
