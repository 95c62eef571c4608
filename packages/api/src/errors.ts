import { z } from 'zod';

/**
 * Stable error codes of the REST API and of socket acknowledgements. A client branches on `code`, never on
 * `message` (which says, for a person, what went wrong and what to do).
 */
export const ERROR_CODES = {
  /** The body is not JSON (the message names the parse error). 400. */
  invalidJson: 'invalid-json',
  /** Params, query or body do not have the right shape; `details` lists zod issues `{ path, message }`. 400. */
  invalidRequest: 'invalid-request',
  /** A job spec does not validate; `details` holds the spec package's problems. 422. */
  invalidSpec: 'invalid-spec',
  /** `Authorization: Bearer <token>` missing or wrong (FLOWSTATE_TOKEN is set). 401. */
  unauthorized: 'unauthorized',
  /** The request's origin is not the studio's (CORS / socket.io). 403. */
  forbiddenOrigin: 'forbidden-origin',
  /** No route for this method and path. 404. */
  routeNotFound: 'route-not-found',
  pipelineNotFound: 'pipeline-not-found',
  versionNotFound: 'version-not-found',
  jobNotFound: 'job-not-found',
  checkpointNotFound: 'checkpoint-not-found',
  /** The node does not exist in the job's spec, or holds no keyed state / is not a collect sink. 404. */
  nodeNotFound: 'node-not-found',
  /** The operation needs a running job (trigger a checkpoint, read live state or output). 409. */
  jobNotRunning: 'job-not-running',
  /** The checkpoint exists but cannot be restored or read (pending, failed, discarded, or its files are damaged). 409. */
  checkpointUnavailable: 'checkpoint-unavailable',
  /** The engine could not do it now (a savepoint failed, a restore is already under way); the message says why. 409. */
  operationFailed: 'operation-failed',
  /** A pipeline with running jobs cannot be deleted. 409. */
  pipelineInUse: 'pipeline-in-use',
  /**
   * A start from a checkpoint would lose state: the checkpoint holds state for nodes the spec no longer has, or
   * whose state layout changed. `details.report` is the compatibility report; `allowNonRestoredState: true`
   * drops that state. Also a checkpoint that cannot be restored into the spec at all (another maxParallelism). 409.
   */
  incompatibleState: 'incompatible-state',
  /**
   * Another operation on the same job (stop, stop with savepoint, restore, trigger) is under way; the message
   * says which and since when. 409.
   */
  operationInProgress: 'operation-in-progress',
  /** No uploaded file of that name. 404. */
  fileNotFound: 'file-not-found',
  /** No Flink deployment with that id. 404. */
  deploymentNotFound: 'deployment-not-found',
  /**
   * The pipeline version cannot be exported to Flink SQL (a construct Flink SQL cannot express, a source with no
   * Flink connector, a file path jobs may not use); `details.problems` name each node and what to change. 422.
   */
  flinkExportRefused: 'flink-export-refused',
  /**
   * No Flink SQL Gateway is configured (FLOWSTATE_FLINK_GATEWAY is unset), so nothing can be deployed to Flink or
   * cancelled there; the message says how to configure one. 409.
   */
  flinkNotConfigured: 'flink-not-configured',
  /** The Host header is not one this server answers to (DNS rebinding guard; FLOWSTATE_ALLOWED_HOSTS). 421. */
  misdirectedRequest: 'misdirected-request',
  /** As many jobs as the server allows already run (FLOWSTATE_MAX_RUNNING_JOBS); the message says the limit. 429. */
  tooManyJobs: 'too-many-jobs',
  /** The upload would take the data directory's files past their quota (FLOWSTATE_FILES_MAX_BYTES). 507. */
  storageFull: 'storage-full',
  /** Body larger than the limit. 413. */
  bodyTooLarge: 'body-too-large',
  /** Body is not of the route's media type (`application/json`, or a file upload's). 415. */
  unsupportedMediaType: 'unsupported-media-type',
  /** The server failed; the message says what it was doing. 500. */
  internal: 'internal',
  /** The server is shutting down, or a job's worker did not answer in time. 503. */
  unavailable: 'unavailable',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

const codes = Object.values(ERROR_CODES) as [ErrorCode, ...ErrorCode[]];
export const ErrorCodeSchema = z.enum(codes);

/** One zod issue of an `invalid-request` error. */
export const IssueSchema = z.object({
  /** Dotted path into the part of the request (`body.spec.nodes.0`, `query.limit`). */
  path: z.string(),
  message: z.string(),
});
export type Issue = z.infer<typeof IssueSchema>;

export const ApiErrorSchema = z.object({
  code: ErrorCodeSchema,
  message: z.string(),
  details: z.unknown().optional(),
});
export type ApiError = z.infer<typeof ApiErrorSchema>;

/** Every 4xx/5xx answer of the REST API. */
export const ErrorBodySchema = z.object({ error: ApiErrorSchema });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

/** HTTP status of each code (what the server answers; tools may rely on it). */
export const ERROR_STATUS: Record<ErrorCode, number> = {
  'invalid-json': 400,
  'invalid-request': 400,
  'invalid-spec': 422,
  unauthorized: 401,
  'forbidden-origin': 403,
  'route-not-found': 404,
  'pipeline-not-found': 404,
  'version-not-found': 404,
  'job-not-found': 404,
  'checkpoint-not-found': 404,
  'node-not-found': 404,
  'job-not-running': 409,
  'checkpoint-unavailable': 409,
  'operation-failed': 409,
  'pipeline-in-use': 409,
  'incompatible-state': 409,
  'operation-in-progress': 409,
  'file-not-found': 404,
  'deployment-not-found': 404,
  'flink-export-refused': 422,
  'flink-not-configured': 409,
  'misdirected-request': 421,
  'too-many-jobs': 429,
  'storage-full': 507,
  'body-too-large': 413,
  'unsupported-media-type': 415,
  internal: 500,
  unavailable: 503,
};
