/**
 * Running a planned job on Flink through its SQL Gateway, and reading the output back in Flowstate's form.
 */
import { rmSync } from 'node:fs';
import type { Row } from '@flowstate/engine';
import {
  cancelJob,
  FlinkGatewayClient,
  FlinkScriptError,
  findRestUrl,
  type JobOutcome,
  runScript,
  waitForJob,
} from '@flowstate/flink-local';
import { type MaterializedSource, materializeSource } from './materialize';
import { readFlinkSink } from './output';
import type { FlinkJobPlan, FlinkSinkPlan } from './plan';
import { writeFileSinkRows } from './write';

/** A Flink to run on: its SQL Gateway, and its REST API when known. */
export interface FlinkConnection {
  gateway: FlinkGatewayClient;
  /**
   * Flink's REST API (the JobManager's). With it, the job is submitted and awaited there (`GET /jobs/:id`:
   * its duration and, when it fails, its root cause) and can be cancelled. Without it, the gateway runs the
   * INSERT synchronously (`table.dml-sync`) and a failure comes back as the statement's error.
   */
  restUrl?: string;
}

/**
 * A connection to the SQL Gateway at `url`: checks that it answers (`/v2/info`) and looks for the cluster's
 * REST API in the gateway's session defaults (`rest.address` and `rest.port`, which a gateway deployed with
 * Flink's config — and the local Flink's — has), using it when it answers.
 */
export async function connectGateway(url: string): Promise<FlinkConnection & { version: string }> {
  const gateway = new FlinkGatewayClient(url);
  const info = await gateway.getInfo();
  const restUrl = await findRestUrl(gateway);
  return { gateway, ...(restUrl ? { restUrl } : {}), version: info.version };
}

export interface RunFlinkJobOptions {
  /** The spec file's directory (sources are materialized from paths relative to it). */
  baseDir: string;
  /** For submitting the script and running the job (default 10 minutes). */
  timeoutMs?: number;
  /** Aborting cancels the job. */
  signal?: AbortSignal;
  log?: (message: string) => void;
  /** Called with the job's id once the script submitted it (with a REST API: before the job ends). */
  onSubmitted?: (jobId: string) => void;
}

export interface FlinkSinkOutput extends FlinkSinkPlan {
  /** The rows in Flowstate's form (updates in append form); null for blackhole sinks. */
  rows: Row[] | null;
}

export interface FlinkRunResult {
  status: 'FINISHED' | 'FAILED' | 'CANCELED';
  jobId?: string;
  /** Wall-clock time from submitting the script to the job's end (materializing not included). */
  wallMs: number;
  /** The job's own duration as Flink reports it (with a REST API). */
  jobDurationMs?: number;
  /** Time spent materializing sources. */
  materializeMs: number;
  /** FAILED: the root cause (the innermost "Caused by:"), and the stack trace when Flink's REST API gave one. */
  rootCause?: string;
  stackTrace?: string;
  materialized: MaterializedSource[];
  /** FINISHED: every sink's output. */
  sinks: FlinkSinkOutput[];
}

/**
 * Materializes the plan's sources, runs its script on the Flink of `connection`, waits for the job's end and
 * reads every sink's committed output (updates turned into Flowstate's append form). Throws when the
 * gateway cannot be reached or times out; a statement Flink refuses or a failing job is a FAILED result.
 */
export async function runFlinkJob(
  plan: FlinkJobPlan,
  connection: FlinkConnection,
  options: RunFlinkJobOptions,
): Promise<FlinkRunResult> {
  const log = options.log ?? (() => {});
  const timeoutMs = options.timeoutMs ?? 600_000;
  const strict = plan.analysis.spec.settings.rowErrors === 'fail';
  const tm = performance.now();
  const materialized: MaterializedSource[] = [];
  for (const s of plan.materialize) {
    const m = materializeSource(s.node, s.schema, s.file, { baseDir: options.baseDir, strict });
    log(`source '${s.nodeId}': ${m.rows} rows materialized to ${s.file}`);
    materialized.push(m);
  }
  const materializeMs = performance.now() - tm;
  for (const sink of plan.sinks) if (sink.flinkDir) rmSync(sink.flinkDir, { recursive: true, force: true });

  const { gateway, restUrl } = connection;
  const t0 = performance.now();
  const base = { materialized, materializeMs, sinks: [] as FlinkSinkOutput[] };
  const session = await gateway.openSession({
    properties: restUrl === undefined ? { 'table.dml-sync': 'true' } : {},
  });
  let jobId: string | undefined;
  let cancelled = false;
  const onAbort = (): void => {
    cancelled = true;
    if (restUrl !== undefined && jobId !== undefined) void cancelJob(restUrl, jobId).catch(() => {});
    else void gateway.closeSession(session).catch(() => {});
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  let outcome: JobOutcome | undefined;
  try {
    try {
      const script = await runScript(gateway, plan.sql, { session, timeoutMs });
      jobId = script.jobIds[0];
      if (jobId !== undefined) options.onSubmitted?.(jobId);
    } catch (e) {
      if (cancelled) return { ...base, status: 'CANCELED', wallMs: performance.now() - t0 };
      if (!(e instanceof FlinkScriptError)) throw e;
      // A statement Flink refused, or (dml-sync) the job's failure: the reason is the root cause.
      return {
        ...base,
        status: 'FAILED',
        wallMs: performance.now() - t0,
        rootCause: e.reason,
        stackTrace: e.message,
      };
    }
    if (cancelled && restUrl !== undefined && jobId !== undefined) await cancelJob(restUrl, jobId);
    if (restUrl !== undefined && jobId !== undefined) {
      outcome = await waitForJob(restUrl, jobId, {
        timeoutMs: Math.max(1000, timeoutMs - (performance.now() - t0)),
      });
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    await gateway.closeSession(session).catch(() => {});
  }
  const wallMs = performance.now() - t0;
  const status = outcome?.status ?? (cancelled ? 'CANCELED' : 'FINISHED');
  const result: FlinkRunResult = {
    ...base,
    status,
    wallMs,
    ...(jobId !== undefined ? { jobId } : {}),
    ...(outcome ? { jobDurationMs: outcome.durationMs } : {}),
    ...(outcome?.rootCause !== undefined ? { rootCause: outcome.rootCause } : {}),
    ...(outcome?.stackTrace !== undefined ? { stackTrace: outcome.stackTrace } : {}),
  };
  if (status !== 'FINISHED') return result;
  result.sinks = plan.sinks.map((sink) => {
    if (!sink.flinkDir) return { ...sink, rows: null };
    let rows = readFlinkSink(sink.flinkDir, sink.schema, sink.updating);
    if (sink.maxRows !== undefined && rows.length > sink.maxRows) rows = rows.slice(-sink.maxRows);
    return { ...sink, rows };
  });
  return result;
}

/**
 * Writes every `file` sink's rows into its own directory, as the embedded engine's file sink would
 * (committed part files, the engine's format); returns what was written.
 */
export function writeFileSinks(
  result: FlinkRunResult,
): Array<{ nodeId: string; file: string | null; rows: number }> {
  const written: Array<{ nodeId: string; file: string | null; rows: number }> = [];
  for (const sink of result.sinks) {
    if (!sink.target || sink.rows === null) continue;
    const file = writeFileSinkRows(sink.target.path, sink.target.format, Object.keys(sink.schema), sink.rows);
    written.push({ nodeId: sink.nodeId, file, rows: sink.rows.length });
  }
  return written;
}
