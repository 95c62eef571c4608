/** Database rows → the contract's shapes (`@flowstate/api`). */
import path from 'node:path';
import type {
  Checkpoint,
  CheckpointOperator,
  Job,
  JobEvent,
  JobStatus,
  Pipeline,
  PipelineDetail,
  PipelineVersion,
} from '@flowstate/api';
import type { CheckpointRow, JobEventRow, JobRow, PipelineRow, PipelineVersionRow } from '../db/index';

const iso = (d: Date): string => d.toISOString();
const isoOrNull = (d: Date | null): string | null => (d ? d.toISOString() : null);

export function toPipeline(p: PipelineRow): Pipeline {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    createdAt: iso(p.createdAt),
    updatedAt: iso(p.updatedAt),
    latestVersion: p.latestVersion,
  };
}

export function toPipelineDetail(p: PipelineRow & { spec: unknown }): PipelineDetail {
  return { ...toPipeline(p), spec: p.spec };
}

export function toVersion(v: PipelineVersionRow): PipelineVersion {
  return {
    pipelineId: v.pipelineId,
    version: v.number,
    spec: v.spec,
    message: v.message,
    createdAt: iso(v.createdAt),
  };
}

/** The `name` of a spec (any JSON), or a stand-in. */
export function specName(spec: unknown): string {
  const name = (spec as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : '(unnamed)';
}

/**
 * The job a checkpoint directory belongs to: checkpoints live at `<dataDir>/checkpoints/<jobId>/<chk-n>`,
 * and the storage's job id is the job's id.
 */
export function jobIdOfCheckpointPath(p: string): string | null {
  const id = path.basename(path.dirname(p));
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : null;
}

export function toJob(j: JobRow, live?: { status: JobStatus; restarts: number; cause?: string }): Job {
  return {
    id: j.id,
    name: specName(j.spec),
    pipelineId: j.pipelineId,
    version: j.versionNumber,
    status: live?.status ?? j.status,
    failureCause: live?.cause ?? j.failureCause,
    restarts: live?.restarts ?? j.restarts,
    restoredFrom:
      j.restoredFromCheckpoint !== null && j.restoredFromPath !== null
        ? {
            checkpointId: j.restoredFromCheckpoint,
            path: j.restoredFromPath,
            jobId: jobIdOfCheckpointPath(j.restoredFromPath),
          }
        : null,
    createdAt: iso(j.createdAt),
    startedAt: isoOrNull(j.startedAt),
    endedAt: isoOrNull(j.endedAt),
  };
}

/** What the recorder stores in a checkpoint row's `details`. */
export interface CheckpointDetails {
  operators?: CheckpointOperator[];
  pauses?: { syncMs: number; longestStepMs: number };
}

export function toCheckpoint(c: CheckpointRow): Checkpoint {
  const d = (c.details ?? {}) as CheckpointDetails;
  return {
    jobId: c.jobId,
    checkpointId: c.number,
    kind: c.kind,
    trigger: c.trigger,
    status: c.status,
    startedAt: iso(c.startedAt),
    durationMs: c.durationMs,
    sizeBytes: c.sizeBytes,
    fullSizeBytes: c.fullSizeBytes,
    incrementalSizeBytes: c.incrementalSizeBytes,
    path: c.path,
    failureReason: c.failureReason,
    operators: Array.isArray(d.operators) ? d.operators : [],
    pauses: d.pauses ?? null,
  };
}

export function toJobEvent(e: JobEventRow): JobEvent {
  return {
    id: e.id,
    jobId: e.jobId,
    at: iso(e.at),
    level: e.level,
    type: e.type,
    message: e.message,
    ...(e.data !== null && e.data !== undefined ? { data: e.data } : {}),
  };
}
