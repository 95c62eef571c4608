import { z } from 'zod';
import { type FlinkGatewayClient, rootCauseOf } from './gateway.ts';

/** Flink's job states (org.apache.flink.api.common.JobStatus). */
export const JobStatus = z.enum([
  'INITIALIZING',
  'CREATED',
  'RUNNING',
  'FAILING',
  'FAILED',
  'CANCELLING',
  'CANCELED',
  'FINISHED',
  'RESTARTING',
  'SUSPENDED',
  'RECONCILING',
]);
export type JobStatus = z.infer<typeof JobStatus>;

/** Globally terminal: the job will not run again. (SUSPENDED is only locally terminal.) */
const TERMINAL: ReadonlySet<JobStatus> = new Set(['FINISHED', 'FAILED', 'CANCELED']);

/** The part of `GET /jobs/:id` we read. */
export const JobDetails = z.looseObject({
  jid: z.string(),
  name: z.string(),
  state: JobStatus,
  'start-time': z.number(),
  'end-time': z.number(),
  duration: z.number(),
});
export type JobDetails = z.infer<typeof JobDetails>;

const ExceptionEntry = z.looseObject({
  exceptionName: z.string().nullable().optional(),
  stacktrace: z.string().nullable().optional(),
  timestamp: z.number().optional(),
  taskName: z.string().nullable().optional(),
});

/** `GET /jobs/:id/exceptions` (the history form; `root-exception` is the pre-2.0 field). */
export const JobExceptions = z.looseObject({
  'root-exception': z.string().nullable().optional(),
  exceptionHistory: z.looseObject({ entries: z.array(ExceptionEntry).default([]) }).optional(),
});

export interface JobOutcome {
  jobId: string;
  name: string;
  status: 'FINISHED' | 'FAILED' | 'CANCELED';
  durationMs: number;
  /** For FAILED: the root cause ("Caused by:" innermost) and the full stack trace of Flink's root exception. */
  rootCause?: string;
  stackTrace?: string;
}

export interface WaitForJobOptions {
  timeoutMs?: number;
  pollMs?: number;
}

async function getJson<T extends z.ZodType>(
  url: string,
  schema: T,
): Promise<{ status: number; body?: z.infer<T> }> {
  const res = await fetch(url);
  if (!res.ok) return { status: res.status };
  const parsed = schema.safeParse(await res.json());
  if (!parsed.success) throw new Error(`unexpected answer of GET ${url}: ${parsed.error.message}`);
  return { status: res.status, body: parsed.data };
}

/** `GET /jobs/:id` of Flink's REST API; undefined when the cluster does not know the job (404). */
export async function getJob(restUrl: string, jobId: string): Promise<JobDetails | undefined> {
  const r = await getJson(`${restUrl.replace(/\/+$/, '')}/jobs/${jobId}`, JobDetails);
  if (r.status === 404) return undefined;
  if (!r.body) throw new Error(`GET /jobs/${jobId}: HTTP ${r.status}`);
  return r.body;
}

/** The root exception of a job from `GET /jobs/:id/exceptions` (newest history entry, else root-exception). */
export async function getJobRootException(restUrl: string, jobId: string): Promise<string | undefined> {
  const r = await getJson(`${restUrl.replace(/\/+$/, '')}/jobs/${jobId}/exceptions`, JobExceptions);
  const entry = r.body?.exceptionHistory?.entries[0];
  return entry?.stacktrace ?? r.body?.['root-exception'] ?? undefined;
}

/** Cancels a job (`PATCH /jobs/:id?mode=cancel`); a job that already ended (or is unknown) is left as it is. */
export async function cancelJob(restUrl: string, jobId: string): Promise<void> {
  const res = await fetch(`${restUrl.replace(/\/+$/, '')}/jobs/${jobId}?mode=cancel`, { method: 'PATCH' });
  if (!res.ok && res.status !== 404 && res.status !== 409) {
    throw new Error(
      `PATCH /jobs/${jobId}?mode=cancel: HTTP ${res.status}: ${(await res.text()).slice(0, 200)}`,
    );
  }
}

/**
 * Polls `GET /jobs/:id` until the job is FINISHED, FAILED or CANCELED (a FAILED job comes with its root
 * exception). Throws when the timeout passes first.
 */
export async function waitForJob(
  restUrl: string,
  jobId: string,
  options: WaitForJobOptions = {},
): Promise<JobOutcome> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const deadline = Date.now() + timeoutMs;
  let last: JobDetails | undefined;
  while (Date.now() <= deadline) {
    last = await getJob(restUrl, jobId);
    if (last && TERMINAL.has(last.state)) {
      const outcome: JobOutcome = {
        jobId,
        name: last.name,
        status: last.state as JobOutcome['status'],
        durationMs: last.duration,
      };
      if (last.state === 'FAILED') {
        const trace = await getJobRootException(restUrl, jobId);
        if (trace) {
          outcome.stackTrace = trace;
          outcome.rootCause = rootCauseOf(trace) ?? trace.split('\n')[0];
        }
      }
      return outcome;
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
  }
  throw new Error(
    `job ${jobId} not finished within ${timeoutMs} ms (last state: ${last?.state ?? 'unknown to the cluster'})`,
  );
}

/**
 * The REST API of the cluster behind a SQL Gateway, from the gateway's session defaults (`rest.address` and
 * `rest.port`, which a gateway deployed with Flink's configuration — and the local Flink's — has), when it answers
 * `GET /config` within `timeoutMs` (default 3 s); undefined otherwise. Opens and closes a session to read them.
 */
export async function findRestUrl(
  gateway: FlinkGatewayClient,
  options: { timeoutMs?: number } = {},
): Promise<string | undefined> {
  const session = await gateway.openSession();
  try {
    const config = await gateway.getSessionConfig(session);
    const address = config['rest.address'];
    const port = config['rest.port'];
    if (!address || !port) return undefined;
    const candidate = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
    const res = await fetch(`${candidate}/config`, {
      signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
    }).catch(() => null);
    return res?.ok ? candidate : undefined;
  } finally {
    await gateway.closeSession(session).catch(() => {});
  }
}
