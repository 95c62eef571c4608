/**
 * The studio's REST client: same-origin `fetch` to `/api/*` (proxied to the server by next.config.ts). Every
 * answer is parsed with its schema from `@flowstate/api`; every failure becomes an `ApiRequestError` carrying
 * the server's stable `code` and readable `message` (`{ error: { code, message, details } }`).
 */
import {
  type CheckpointList,
  CheckpointListSchema,
  type CompatibilityBody,
  type CompatibilityResult,
  CompatibilityResultSchema,
  type CreatePipelineBody,
  type DataFile,
  type DataFileList,
  DataFileListSchema,
  DataFileSchema,
  ErrorBodySchema,
  type JobDetail,
  JobDetailSchema,
  type JobEventList,
  JobEventListSchema,
  type JobList,
  JobListSchema,
  type OutputPage,
  OutputPageSchema,
  type PipelineDetail,
  PipelineDetailSchema,
  type PipelineList,
  PipelineListSchema,
  type PipelineVersionList,
  PipelineVersionListSchema,
  type RestoreResult,
  RestoreResultSchema,
  type StartJobBody,
  type StatePage,
  StatePageSchema,
  type StopJobResult,
  StopJobResultSchema,
  type TriggerCheckpointResult,
  TriggerCheckpointResultSchema,
  type UpdatePipelineBody,
  type UpdatePipelineResult,
  UpdatePipelineResultSchema,
} from '@flowstate/api';

/** Codes of failures that happen before the server answers (not in the API's table). */
export type ClientErrorCode = 'network' | 'bad-answer';

export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    /** The API's stable code, or `network` / `bad-answer` when there was no usable answer. */
    readonly code: string,
    message: string,
    /** HTTP status (0 when the request did not get an answer). */
    readonly status: number,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

interface Parser<T> {
  safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } };
}

type Query = Record<string, string | number | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

/** Turns a non-2xx answer into an ApiRequestError (exported for tests). */
export function errorFromAnswer(status: number, statusText: string, text: string): ApiRequestError {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = ErrorBodySchema.safeParse(json);
  if (parsed.success) {
    const { code, message, details } = parsed.data.error;
    return new ApiRequestError(code, message, status, details);
  }
  if (status >= 500) {
    return new ApiRequestError(
      'network',
      `The Flowstate server did not answer (HTTP ${status}${statusText ? ` ${statusText}` : ''}). Is it running? \`npm start\` starts it with the studio.`,
      status,
    );
  }
  return new ApiRequestError(
    'bad-answer',
    `Unexpected answer from the server: HTTP ${status} ${statusText}`,
    status,
  );
}

async function call<T>(
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  opts: {
    body?: unknown;
    /** Raw bytes (an upload) with their media type, instead of a JSON body. */
    raw?: { data: Blob; type: string };
    query?: Query;
    schema?: Parser<T>;
    signal?: AbortSignal;
  } = {},
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(withQuery(path, opts.query), {
      method,
      headers: opts.raw
        ? { 'content-type': opts.raw.type }
        : opts.body !== undefined
          ? { 'content-type': 'application/json' }
          : {},
      body: opts.raw ? opts.raw.data : opts.body !== undefined ? JSON.stringify(opts.body) : null,
      signal: opts.signal ?? null,
      cache: 'no-store',
    });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiRequestError(
      'network',
      `Could not reach the studio's server (${(e as Error)?.message ?? String(e)}). Check that Flowstate is running.`,
      0,
    );
  }
  const text = await res.text();
  if (!res.ok) throw errorFromAnswer(res.status, res.statusText, text);
  if (!opts.schema) return undefined as T;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ApiRequestError(
      'bad-answer',
      `The server answered ${method} ${path} with something that is not JSON`,
      res.status,
    );
  }
  const parsed = opts.schema.safeParse(json);
  if (!parsed.success) {
    throw new ApiRequestError(
      'bad-answer',
      `The server's answer to ${method} ${path} does not match the API contract: ${parsed.error.message}`,
      res.status,
    );
  }
  return parsed.data;
}

const enc = encodeURIComponent;

export const api = {
  listPipelines: (signal?: AbortSignal): Promise<PipelineList> =>
    call('GET', '/api/pipelines', { schema: PipelineListSchema, ...(signal ? { signal } : {}) }),
  getPipeline: (id: string): Promise<PipelineDetail> =>
    call('GET', `/api/pipelines/${enc(id)}`, { schema: PipelineDetailSchema }),
  createPipeline: (body: CreatePipelineBody): Promise<PipelineDetail> =>
    call('POST', '/api/pipelines', { body, schema: PipelineDetailSchema }),
  updatePipeline: (id: string, body: UpdatePipelineBody): Promise<UpdatePipelineResult> =>
    call('PUT', `/api/pipelines/${enc(id)}`, { body, schema: UpdatePipelineResultSchema }),
  deletePipeline: (id: string): Promise<void> => call('DELETE', `/api/pipelines/${enc(id)}`),
  /** A pipeline's versions, newest first. */
  listPipelineVersions: (id: string): Promise<PipelineVersionList> =>
    call('GET', `/api/pipelines/${enc(id)}/versions`, { schema: PipelineVersionListSchema }),

  /** What starting version `version` from a job's checkpoint or savepoint would do to each node's state. */
  checkCompatibility: (
    pipelineId: string,
    version: number,
    body: CompatibilityBody,
  ): Promise<CompatibilityResult> =>
    call('POST', `/api/pipelines/${enc(pipelineId)}/versions/${version}/compatibility`, {
      body,
      schema: CompatibilityResultSchema,
    }),

  listJobs: (query: { pipelineId?: string; limit?: number } = {}): Promise<JobList> =>
    call('GET', '/api/jobs', { query, schema: JobListSchema }),
  startJob: (body: StartJobBody): Promise<JobDetail> =>
    call('POST', '/api/jobs', { body, schema: JobDetailSchema }),
  getJob: (id: string): Promise<JobDetail> =>
    call('GET', `/api/jobs/${enc(id)}`, { schema: JobDetailSchema }),
  listJobEvents: (id: string, query: { limit?: number } = {}): Promise<JobEventList> =>
    call('GET', `/api/jobs/${enc(id)}/events`, { query, schema: JobEventListSchema }),
  stopJob: (id: string, savepoint: boolean): Promise<StopJobResult> =>
    call('POST', `/api/jobs/${enc(id)}/stop`, { body: { savepoint }, schema: StopJobResultSchema }),

  listCheckpoints: (jobId: string): Promise<CheckpointList> =>
    call('GET', `/api/jobs/${enc(jobId)}/checkpoints`, { schema: CheckpointListSchema }),
  triggerCheckpoint: (jobId: string): Promise<TriggerCheckpointResult> =>
    call('POST', `/api/jobs/${enc(jobId)}/checkpoints`, { body: {}, schema: TriggerCheckpointResultSchema }),
  restore: (jobId: string, checkpointId: number): Promise<RestoreResult> =>
    call('POST', `/api/jobs/${enc(jobId)}/restore`, { body: { checkpointId }, schema: RestoreResultSchema }),

  /** Live keyed state of a window/aggregate node (or, with `checkpointId`, as it was in that checkpoint). */
  getState: (
    jobId: string,
    nodeId: string,
    query: { prefix?: string; limit?: number; cursor?: string; checkpointId?: number } = {},
  ): Promise<StatePage> => {
    const { checkpointId, ...q } = query;
    const path =
      checkpointId === undefined
        ? `/api/jobs/${enc(jobId)}/state/${enc(nodeId)}`
        : `/api/jobs/${enc(jobId)}/checkpoints/${checkpointId}/state/${enc(nodeId)}`;
    return call('GET', path, { query: q, schema: StatePageSchema });
  },
  /** Data files uploaded to the server's data directory (a file source reads `files/<name>`). */
  listFiles: (): Promise<DataFileList> => call('GET', '/api/files', { schema: DataFileListSchema }),
  /** Uploads (or replaces) a data file; `name` as `uploadName` makes it. */
  uploadFile: (name: string, data: Blob): Promise<DataFile> =>
    call('PUT', `/api/files/${enc(name)}`, {
      raw: { data, type: uploadMediaType(name) },
      schema: DataFileSchema,
    }),

  getOutput: (
    jobId: string,
    nodeId: string,
    query: { limit?: number; since?: number } = {},
  ): Promise<OutputPage> =>
    call('GET', `/api/jobs/${enc(jobId)}/output/${enc(nodeId)}`, { query, schema: OutputPageSchema }),
};

/** The media type an upload is sent as (one the server takes), from the file name's extension. */
export function uploadMediaType(name: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(name)?.[1]?.toLowerCase();
  if (ext === 'csv') return 'text/csv';
  if (ext === 'jsonl' || ext === 'ndjson') return 'application/x-ndjson';
  if (ext === 'txt' || ext === 'text' || ext === 'log') return 'text/plain';
  return 'application/octet-stream';
}

/**
 * The name a local file is uploaded under: what the server allows (letters, digits, `.`, `_` and `-`,
 * starting with a letter or digit, at most 128 characters) — other characters become `-`.
 */
export function uploadName(fileName: string): string {
  const base = fileName.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[._-]+/, '')
    .slice(0, 128);
  return cleaned === '' ? 'data.txt' : cleaned;
}

/** A failure as a person should read it: the server's message, plus the spec problems or request issues it lists. */
export function describeError(e: unknown): {
  title: string;
  message: string;
  items: string[];
  code?: string;
} {
  if (e instanceof ApiRequestError) {
    const items: string[] = [];
    const details = e.details as { problems?: unknown; length?: number } | unknown[] | undefined;
    if (e.code === 'invalid-spec' && details && !Array.isArray(details) && Array.isArray(details.problems)) {
      for (const p of details.problems as { message?: string; nodeId?: string; path?: string }[]) {
        items.push(`${p.nodeId ? `${p.nodeId}: ` : p.path ? `${p.path}: ` : ''}${p.message ?? ''}`);
      }
    } else if (e.code === 'invalid-request' && Array.isArray(details)) {
      for (const i of details as { path?: string; message?: string }[])
        items.push(`${i.path ?? ''}: ${i.message ?? ''}`);
    }
    const title =
      e.code === 'network'
        ? 'Server unreachable'
        : e.code === 'bad-answer'
          ? 'Unexpected answer'
          : e.status >= 500
            ? 'Server error'
            : 'Request refused';
    return { title, message: e.message, items, code: e.code };
  }
  return { title: 'Something went wrong', message: (e as Error)?.message ?? String(e), items: [] };
}

/** The request function behind `api`, for the studio's other REST clients (lib/flink.ts). */
export { call as apiCall };
