/** Rows as the server reads them, from Prisma's models; JSON text in and out; retries of contended writes. */
import type {
  Checkpoint as CheckpointModel,
  FlinkDeployment as FlinkDeploymentModel,
  JobEvent as JobEventModel,
  Job as JobModel,
  JobOutput as JobOutputModel,
  PipelineVersion as PipelineVersionModel,
} from './generated/client';
import {
  type CheckpointRow,
  DbError,
  type FlinkDeploymentRow,
  type JobEventRow,
  type JobOutputRow,
  type JobRow,
  type PipelineRow,
  type PipelineVersionRow,
} from './types';

export const MAX_EVENTS = 1000;
export const DEFAULT_EVENTS = 100;
const VERSION_RETRIES = 8;

export const jobInclude = { version: { select: { number: true } } } as const;
export type JobWithVersion = JobModel & { version: { number: number } | null };
export type PipelineWithLatest = {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
  versions: { number: number; spec: string }[];
};
export const latestVersion = {
  orderBy: { number: 'desc' },
  take: 1,
  select: { number: true, spec: true },
} as const;

export function pipelineRow(
  p: Omit<PipelineWithLatest, 'versions'> & { versions: { number: number }[] },
): PipelineRow {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    latestVersion: p.versions[0]?.number ?? 0,
  };
}

export function versionRow(v: PipelineVersionModel): PipelineVersionRow {
  return {
    id: v.id,
    pipelineId: v.pipelineId,
    number: v.number,
    spec: parseJson(v.spec),
    message: v.message,
    createdAt: v.createdAt,
  };
}

export function jobRow(j: JobWithVersion): JobRow {
  return {
    id: j.id,
    pipelineId: j.pipelineId,
    versionId: j.versionId,
    versionNumber: j.version?.number ?? null,
    spec: parseJson(j.spec),
    status: j.status,
    failureCause: j.failureCause,
    restarts: j.restarts,
    restoredFromCheckpoint: j.restoredFromCheckpoint,
    restoredFromPath: j.restoredFromPath,
    createdAt: j.createdAt,
    startedAt: j.startedAt,
    endedAt: j.endedAt,
    metrics: j.metrics === null ? null : parseJson(j.metrics),
    metricsAt: j.metricsAt,
  };
}

export function jobOutputRow(o: JobOutputModel): JobOutputRow {
  const rows = parseJson(o.rows);
  return {
    jobId: o.jobId,
    nodeId: o.nodeId,
    rows: Array.isArray(rows) ? rows : [],
    fromSeq: Number(o.fromSeq),
    nextSeq: Number(o.nextSeq),
    epoch: o.epoch,
    updatedAt: o.updatedAt,
  };
}

export function checkpointRow(c: CheckpointModel): CheckpointRow {
  return {
    id: c.id,
    jobId: c.jobId,
    number: c.number,
    kind: c.kind,
    trigger: c.trigger,
    status: c.status,
    startedAt: c.startedAt,
    durationMs: c.durationMs,
    sizeBytes: c.sizeBytes === null ? null : Number(c.sizeBytes),
    fullSizeBytes: c.fullSizeBytes === null ? null : Number(c.fullSizeBytes),
    incrementalSizeBytes: c.incrementalSizeBytes === null ? null : Number(c.incrementalSizeBytes),
    path: c.path,
    failureReason: c.failureReason,
    details: parseJson(c.details),
  };
}

export function eventRow(e: JobEventModel): JobEventRow {
  return {
    id: String(e.id),
    jobId: e.jobId,
    at: e.at,
    level: e.level,
    type: e.type,
    message: e.message,
    data: e.data === null ? null : parseJson(e.data),
  };
}

export function flinkDeploymentRow(d: FlinkDeploymentModel): FlinkDeploymentRow {
  return {
    id: d.id,
    pipelineId: d.pipelineId,
    version: d.version,
    name: d.name,
    gatewayUrl: d.gatewayUrl,
    restUrl: d.restUrl,
    flinkJobId: d.flinkJobId,
    status: d.status,
    error: d.error,
    sql: d.sql,
    notes: parseJson(d.notes),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    endedAt: d.endedAt,
  };
}

// ------------------------------------------------------------------------------------------ helpers

export function toJson(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new DbError('INVALID_INPUT', `${what} cannot be stored as JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (text === undefined) throw new DbError('INVALID_INPUT', `${what} is missing or not a JSON value`);
  return text;
}

export const parseJson = (text: string): unknown => JSON.parse(text);

export function toBigInt(n: number, what = 'sizeBytes', unit = ' of bytes'): bigint {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new DbError('INVALID_INPUT', `${what} must be a whole number${unit}, got ${n}`);
  }
  return BigInt(n);
}

export function prismaCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^P\d{4}$/.test(code) ? code : undefined;
}

/**
 * Retries what another writer can make fail: a unique (pipelineId, number) taken between our read and our
 * insert (P2002), a busy database (P1008: SQLITE_BUSY, as Prisma's adapter reports it), a write conflict (P2034).
 */
export async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const code = prismaCode(e);
      if (attempt + 1 >= VERSION_RETRIES || (code !== 'P2002' && code !== 'P1008' && code !== 'P2034'))
        throw e;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
    }
  }
}
