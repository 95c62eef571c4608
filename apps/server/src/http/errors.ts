/**
 * Errors a request can meet, each with a stable code (`@flowstate/api` ERROR_CODES) and a message that says
 * what to do. Handlers throw `HttpError`; the error handler (safety.ts) turns anything into the error body.
 */
import { ERROR_STATUS, type ErrorBody, type ErrorCode, type Issue } from '@flowstate/api';
import type { Problem } from '@flowstate/spec';
import type { z } from 'zod';

export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.status = ERROR_STATUS[code];
  }

  body(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details !== undefined ? { details: this.details } : {}),
      },
    };
  }
}

/** zod issues as `{ path, message }` with the part of the request in front (`body.spec`, `query.limit`). */
export function issuesOf(error: z.ZodError, where: string): Issue[] {
  return error.issues.map((i) => ({
    path: [where, ...i.path.map(String)].join('.'),
    message: i.message,
  }));
}

export function invalidRequest(error: z.ZodError, where: 'params' | 'query' | 'body'): HttpError {
  const issues = issuesOf(error, where);
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return new HttpError(
    'invalid-request',
    first ? `${first.path}: ${first.message}${more}` : `the request's ${where} is not valid`,
    issues,
  );
}

export function invalidSpec(problems: Problem[]): HttpError {
  const errors = problems.filter((p) => !p.code.startsWith('warning/'));
  const first = errors[0];
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more problems)` : '';
  return new HttpError(
    'invalid-spec',
    first
      ? `the job spec is not valid: ${first.path || '(spec)'}: ${first.message}${more}`
      : 'the job spec is not valid',
    { problems },
  );
}

export const notFound = {
  pipeline: (id: string) =>
    new HttpError('pipeline-not-found', `there is no pipeline '${id}' (GET /api/pipelines lists them)`),
  version: (id: string, version: number) =>
    new HttpError(
      'version-not-found',
      `pipeline '${id}' has no version ${version} (GET /api/pipelines/${id}/versions lists them)`,
    ),
  job: (id: string) => new HttpError('job-not-found', `there is no job '${id}' (GET /api/jobs lists them)`),
  checkpoint: (jobId: string, checkpointId: number) =>
    new HttpError(
      'checkpoint-not-found',
      `job '${jobId}' has no checkpoint ${checkpointId} (GET /api/jobs/${jobId}/checkpoints lists them)`,
    ),
};
