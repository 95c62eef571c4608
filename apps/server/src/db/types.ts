/** The database's rows, the `Db` interface the server uses, and its errors. */
import type { JobStatus } from '@flowstate/spec';

export type { JobStatus };

export interface PipelineRow {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
  latestVersion: number;
}

export interface PipelineVersionRow {
  id: string;
  pipelineId: string;
  number: number;
  spec: unknown;
  message: string | null;
  createdAt: Date;
}

export interface JobRow {
  id: string;
  pipelineId: string | null;
  versionId: string | null;
  versionNumber: number | null;
  spec: unknown;
  status: JobStatus;
  failureCause: string | null;
  restarts: number;
  restoredFromCheckpoint: number | null;
  restoredFromPath: string | null;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  /** The job's last stored figures (JobMetrics, as written), and when they were written. */
  metrics: unknown;
  metricsAt: Date | null;
}

/** The newest rows of one collect sink of a job, as last stored. */
export interface JobOutputRow {
  jobId: string;
  nodeId: string;
  /** Oldest first. */
  rows: unknown[];
  /** Sequence number of the first row, and the one the next row would get (= rows the sink received). */
  fromSeq: number;
  nextSeq: number;
  epoch: number;
  updatedAt: Date;
}

export interface CheckpointRow {
  id: string;
  jobId: string;
  number: number;
  kind: 'checkpoint' | 'savepoint';
  trigger: 'periodic' | 'manual' | 'stop';
  status: 'pending' | 'completed' | 'failed' | 'discarded';
  startedAt: Date;
  durationMs: number | null;
  sizeBytes: number | null;
  /** Incremental checkpoints (disk state backend): all the state it consists of, and what it wrote itself. */
  fullSizeBytes: number | null;
  incrementalSizeBytes: number | null;
  path: string | null;
  failureReason: string | null;
  details: unknown;
}

export interface JobEventRow {
  id: string;
  jobId: string;
  at: Date;
  level: 'info' | 'warn' | 'error';
  type: string;
  message: string;
  data: unknown;
}

/** `SUBMITTING`, `SUBMIT_FAILED`, or a Flink JobStatus name (@flowstate/api FLINK_DEPLOYMENT_STATUSES). */
export type FlinkDeploymentStatus =
  | 'SUBMITTING'
  | 'SUBMIT_FAILED'
  | 'INITIALIZING'
  | 'CREATED'
  | 'RUNNING'
  | 'FAILING'
  | 'FAILED'
  | 'CANCELLING'
  | 'CANCELED'
  | 'FINISHED'
  | 'RESTARTING'
  | 'SUSPENDED'
  | 'RECONCILING';

export interface FlinkDeploymentRow {
  id: string;
  pipelineId: string | null;
  version: number;
  name: string;
  gatewayUrl: string;
  restUrl: string | null;
  flinkJobId: string | null;
  status: FlinkDeploymentStatus;
  error: string | null;
  sql: string;
  notes: unknown;
  createdAt: Date;
  updatedAt: Date;
  endedAt: Date | null;
}

export interface Db {
  pipelines: {
    list(): Promise<PipelineRow[]>;
    /** `spec` is the latest version's. */
    get(id: string): Promise<(PipelineRow & { spec: unknown }) | null>;
    /** Creates the pipeline and its version 1. */
    create(input: {
      name: string;
      description?: string;
      spec: unknown;
      message?: string;
    }): Promise<PipelineRow & { spec: unknown }>;
    /** A `spec` stores a new version (latest + 1), in the same transaction as the other changes. */
    update(
      id: string,
      input: { name?: string; description?: string | null; spec?: unknown; message?: string },
    ): Promise<(PipelineRow & { spec: unknown }) | null>;
    /** Deletes the pipeline and its versions; its jobs stay, with pipelineId and versionId set to null. */
    delete(id: string): Promise<boolean>;
    /** Newest first; null if there is no such pipeline. */
    versions(id: string): Promise<PipelineVersionRow[] | null>;
    version(id: string, number: number): Promise<PipelineVersionRow | null>;
  };
  jobs: {
    /** A `versionId` alone also sets `pipelineId` (the version's pipeline). Unknown ids: DbError INVALID_REFERENCE. */
    create(input: {
      pipelineId?: string;
      versionId?: string;
      spec: unknown;
      restoredFromCheckpoint?: number;
      restoredFromPath?: string;
    }): Promise<JobRow>;
    get(id: string): Promise<JobRow | null>;
    /** Newest first. */
    list(filter?: { pipelineId?: string; status?: JobStatus[] }): Promise<JobRow[]>;
    update(
      id: string,
      patch: Partial<
        Pick<
          JobRow,
          | 'status'
          | 'failureCause'
          | 'restarts'
          | 'startedAt'
          | 'endedAt'
          | 'restoredFromCheckpoint'
          | 'restoredFromPath'
        >
      >,
    ): Promise<JobRow | null>;
    /** Stores the job's figures (as they are now, or final); false when there is no such job. */
    saveMetrics(id: string, metrics: unknown, at: Date): Promise<boolean>;
    /**
     * At server start: the jobs a previous server process left created, running or restarting (to be resumed);
     * their pending checkpoints are marked failed ({@link INTERRUPTED_CHECKPOINT_REASON}). Oldest first.
     */
    interrupted(): Promise<JobRow[]>;
  };
  checkpoints: {
    /** Inserts or replaces the checkpoint (jobId, number). */
    upsert(input: Omit<CheckpointRow, 'id'>): Promise<CheckpointRow>;
    /** Newest first. */
    list(jobId: string): Promise<CheckpointRow[]>;
    get(jobId: string, number: number): Promise<CheckpointRow | null>;
  };
  outputs: {
    /** Inserts or replaces the stored rows of (jobId, nodeId); false when there is no such job. */
    save(input: Omit<JobOutputRow, 'updatedAt'> & { updatedAt?: Date }): Promise<boolean>;
    get(jobId: string, nodeId: string): Promise<JobOutputRow | null>;
  };
  events: {
    add(input: {
      jobId: string;
      level: JobEventRow['level'];
      type: string;
      message: string;
      data?: unknown;
    }): Promise<JobEventRow>;
    /** Newest first; `limit` defaults to 100 and is capped at 1000; `before` keeps events strictly older. */
    list(jobId: string, opts?: { limit?: number; before?: Date }): Promise<JobEventRow[]>;
  };
  flinkDeployments: {
    /** A new deployment in status SUBMITTING. An unknown pipeline: DbError INVALID_REFERENCE. */
    create(input: {
      pipelineId: string;
      version: number;
      name: string;
      gatewayUrl: string;
      restUrl: string | null;
      sql: string;
      notes: unknown;
    }): Promise<FlinkDeploymentRow>;
    get(id: string): Promise<FlinkDeploymentRow | null>;
    /** Newest first. */
    list(filter?: { pipelineId?: string; limit?: number }): Promise<FlinkDeploymentRow[]>;
    update(
      id: string,
      patch: Partial<Pick<FlinkDeploymentRow, 'status' | 'flinkJobId' | 'restUrl' | 'error' | 'endedAt'>>,
    ): Promise<FlinkDeploymentRow | null>;
    /**
     * At server start: deployments a previous server process left SUBMITTING become SUBMIT_FAILED with `reason`
     * (the submit was cut off; whether Flink got the job is unknown). Answers how many.
     */
    failInterrupted(reason: string): Promise<number>;
  };
  close(): Promise<void>;
}

/** The failure reason `interrupted` writes on the pending checkpoints of the jobs a previous server left running. */
export const INTERRUPTED_CHECKPOINT_REASON = 'the server stopped before the checkpoint completed';

export type DbErrorCode =
  /** DATABASE_URL names a database this build cannot use (PostgreSQL, a remote libSQL server, :memory:). */
  | 'UNSUPPORTED_DATABASE'
  /** The data directory cannot be created or is not a writable directory. */
  | 'DATA_DIR_UNUSABLE'
  /** The database file cannot be opened or read (not a SQLite database, damaged, unreadable). */
  | 'DATABASE_UNUSABLE'
  /** A migration failed or the migration history does not match prisma/migrations. */
  | 'MIGRATION_FAILED'
  /** The generated Prisma client is missing (run `pnpm --filter @flowstate/server db:generate`). */
  | 'CLIENT_NOT_GENERATED'
  /** An id in the input names no row (pipeline, version, job) or the ids do not belong together. */
  | 'INVALID_REFERENCE'
  /** A value cannot be stored (a spec or data that is not JSON-serializable). */
  | 'INVALID_INPUT';

/** What this module rejects with: a stable `code` and a message that says what to do. */
export class DbError extends Error {
  override readonly name = 'DbError';
  constructor(
    readonly code: DbErrorCode,
    message: string,
    opts: { cause?: unknown } = {},
  ) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
  }
}
