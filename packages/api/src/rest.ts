/**
 * REST bodies and answers. Every shape that crosses the HTTP boundary is a zod schema here; the server
 * parses requests with them, the studio parses answers with them, and `openapi.ts` documents them.
 *
 * Timestamps are ISO 8601 strings (UTC). A job spec in a request is accepted as any JSON (`SpecInputSchema`)
 * and checked by `validateSpec` from `@flowstate/spec`, whose problems come back in a 422's `details`.
 *
 * (One file: it is the whole REST contract, one section per resource, kept in one place so that the server,
 * the studio and openapi.ts read the same list of shapes.)
 */
import {
  CheckpointKindSchema,
  CheckpointTriggerSchema,
  CompletedCheckpointSchema,
  OutputPageSchema as ContractOutputPageSchema,
  StatePageSchema as ContractStatePageSchema,
  JOB_STATUSES,
  type JobMetrics,
  JobMetricsSchema,
  type JobStatus,
  JobStatusSchema,
  NodeIdSchema,
  type NodeMetrics,
  NodeMetricsSchema,
  type Problem,
  type RestoreCompatibility,
  RestoreCompatibilitySchema,
  type StateEntry,
  StateEntrySchema,
  type StateKey,
  StateKeySchema,
  TERMINAL_JOB_STATUSES,
} from '@flowstate/spec';
import { z } from 'zod';

// ------------------------------------------------------------------------------------------ building blocks

/** A database id (a cuid: letters and digits; `_` and `-` accepted). */
export const IdSchema = z
  .string()
  .min(1, 'an id must not be empty')
  .max(64, 'an id is at most 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'an id holds only letters, digits, _ and -');

export { NodeIdSchema };

/** ISO 8601 date and time in UTC, as `Date.prototype.toISOString` writes it. */
export const TimestampSchema = z
  .string()
  .meta({ format: 'date-time', description: 'ISO 8601 date and time (UTC)' });

/**
 * A job spec as sent by a client: any JSON, checked by `validateSpec` (schema, graph, types) before it is
 * stored or run. Documented in OpenAPI as `#/components/schemas/JobSpec`.
 */
export const SpecInputSchema = z.unknown().describe('A Flowstate job spec (see components.schemas.JobSpec)');

/** A stored job spec, as it was written. */
export const SpecSchema = z.unknown().describe('A Flowstate job spec (see components.schemas.JobSpec)');

/** One problem found by `validateSpec` (a JSON pointer `path`, the node it is about, a stable `code`). */
export const ProblemSchema = z.object({
  code: z.string().describe('stable: schema/…, expression/…, a graph rule, or warning/…'),
  message: z.string(),
  nodeId: z.string().optional(),
  path: z.string().describe('JSON pointer into the spec ("" = the document)'),
  column: z.number().int().optional().describe('1-based column in an expression'),
});
// The schema and the spec package's `Problem` must describe the same thing.
type _ProblemMatches = [Problem] extends [z.infer<typeof ProblemSchema>]
  ? [z.infer<typeof ProblemSchema>] extends [Problem]
    ? true
    : never
  : never;
const _problemMatches: _ProblemMatches = true;
void _problemMatches;

/** A state key (what `keyBy` produced: a string, number, boolean or null): the job contract's. */
export const KeySchema = StateKeySchema;
export type Key = StateKey;

export const RowSchema = z.record(z.string(), z.unknown()).describe('A row: a flat JSON object');
export type Row = z.infer<typeof RowSchema>;

const limitParam = (max: number, fallback: number) =>
  z.coerce
    .number('limit must be a number')
    .int('limit must be a whole number')
    .min(1, 'limit must be at least 1')
    .max(max, `limit is at most ${max}`)
    .optional()
    .describe(`at most this many (default ${fallback}, max ${max})`);

// ---------------------------------------------------------------------------------------------- pipelines

export const PipelineSchema = z.object({
  id: IdSchema,
  name: z.string(),
  description: z.string().nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  /** Number of the newest version (versions start at 1). */
  latestVersion: z.number().int(),
});
export type Pipeline = z.infer<typeof PipelineSchema>;

export const PipelineVersionSchema = z.object({
  pipelineId: IdSchema,
  version: z.number().int().min(1),
  spec: SpecSchema,
  message: z.string().nullable(),
  createdAt: TimestampSchema,
});
export type PipelineVersion = z.infer<typeof PipelineVersionSchema>;

/** A pipeline with its newest version's spec. */
export const PipelineDetailSchema = PipelineSchema.extend({ spec: SpecSchema });
export type PipelineDetail = z.infer<typeof PipelineDetailSchema>;

const NameSchema = z
  .string()
  .trim()
  .min(1, 'a name must not be empty')
  .max(200, 'a name is at most 200 characters');
const DescriptionSchema = z.string().max(10_000, 'a description is at most 10,000 characters').nullable();
const VersionMessageSchema = z.string().max(1000, 'a version message is at most 1,000 characters');

export const CreatePipelineBodySchema = z.strictObject({
  /** Defaults to the spec's name. */
  name: NameSchema.optional(),
  description: DescriptionSchema.optional(),
  spec: SpecInputSchema,
  /** A note stored with version 1. */
  message: VersionMessageSchema.optional(),
});
export type CreatePipelineBody = z.infer<typeof CreatePipelineBodySchema>;

/** Edit a pipeline: a `spec` stores a new version; name and description are edited in place. */
export const UpdatePipelineBodySchema = z
  .strictObject({
    name: NameSchema.optional(),
    description: DescriptionSchema.optional(),
    spec: SpecInputSchema.optional(),
    message: VersionMessageSchema.optional(),
  })
  .refine((b) => b.name !== undefined || b.description !== undefined || b.spec !== undefined, {
    message: 'give at least one of name, description, spec',
  });
export type UpdatePipelineBody = z.infer<typeof UpdatePipelineBodySchema>;

export const PipelineListSchema = z.object({ pipelines: z.array(PipelineSchema) });
export type PipelineList = z.infer<typeof PipelineListSchema>;

export const PipelineVersionListSchema = z.object({ versions: z.array(PipelineVersionSchema) });
export type PipelineVersionList = z.infer<typeof PipelineVersionListSchema>;

/** `PUT /api/pipelines/:id`: the pipeline, and the version the edit stored (null when the spec did not change). */
export const UpdatePipelineResultSchema = PipelineDetailSchema.extend({
  newVersion: z.number().int().nullable(),
});
export type UpdatePipelineResult = z.infer<typeof UpdatePipelineResultSchema>;

// --------------------------------------------------------------------------------------------- validation

export const ValidateBodySchema = z.strictObject({ spec: SpecInputSchema });
export type ValidateBody = z.infer<typeof ValidateBodySchema>;

export const ValidateResultSchema = z.object({
  ok: z.boolean(),
  /** Errors (when not ok) and warnings (`code` starting with `warning/`). */
  problems: z.array(ProblemSchema),
});
export type ValidateResult = z.infer<typeof ValidateResultSchema>;

// --------------------------------------------------------------------------------------------------- jobs

export type { JobMetrics, JobStatus, NodeMetrics };
// Statuses, metrics, checkpoint kinds and pages of state and output are the job contract's (@flowstate/spec).
export { JOB_STATUSES, JobMetricsSchema, JobStatusSchema, NodeMetricsSchema, TERMINAL_JOB_STATUSES };

export const JobSchema = z.object({
  id: IdSchema,
  /** The spec's name. */
  name: z.string(),
  pipelineId: IdSchema.nullable(),
  /** Version number of the pipeline this run executes (null for an ad-hoc spec or a deleted pipeline). */
  version: z.number().int().nullable(),
  status: JobStatusSchema,
  failureCause: z.string().nullable(),
  restarts: z.number().int(),
  /** The checkpoint this run started from (a restore of a stopped job), when it did. */
  restoredFrom: z
    .object({
      checkpointId: z.number().int(),
      path: z.string(),
      /** The run the checkpoint belongs to, when known. */
      jobId: IdSchema.nullable(),
    })
    .nullable(),
  createdAt: TimestampSchema,
  startedAt: TimestampSchema.nullable(),
  endedAt: TimestampSchema.nullable(),
});
export type Job = z.infer<typeof JobSchema>;

/**
 * `GET /api/jobs/:id`: the row, its spec, and its figures — live while the engine runs it, afterwards the ones
 * the server stored (the final figures of a finished, failed or cancelled job, also after a server restart).
 */
export const JobDetailSchema = JobSchema.extend({
  spec: SpecSchema,
  /** Whether the job manager is running this job now. */
  live: z.boolean(),
  metrics: JobMetricsSchema.nullable(),
  /** true: `metrics` are the running engine's, now; false: stored (the job's last figures, as of `metricsAt`). */
  metricsLive: z.boolean(),
  /** When the stored figures were taken (null for live ones, or when there are none). */
  metricsAt: TimestampSchema.nullable(),
});
export type JobDetail = z.infer<typeof JobDetailSchema>;

export const JobListQuerySchema = z.strictObject({
  pipelineId: IdSchema.optional(),
  status: JobStatusSchema.optional(),
  limit: limitParam(1000, 100),
});
export type JobListQuery = z.infer<typeof JobListQuerySchema>;

export const JobListSchema = z.object({ jobs: z.array(JobSchema) });
export type JobList = z.infer<typeof JobListSchema>;

/** A completed checkpoint or savepoint of a job, by the job and its number there. */
export const CheckpointRefSchema = z.strictObject({
  jobId: IdSchema,
  checkpointId: z.number('checkpointId must be a number').int().min(0),
});
export type CheckpointRef = z.infer<typeof CheckpointRefSchema>;

const restoreOptions = {
  /**
   * Start from this checkpoint or savepoint (Flink's `run -s`): state is matched to the spec's nodes by id; the
   * start is refused (409 `incompatible-state`, with the compatibility report) when state would be lost.
   */
  restoreFrom: CheckpointRefSchema.optional(),
  /** With `restoreFrom`: drop the state no node of the spec can take instead of refusing (Flink's flag). */
  allowNonRestoredState: z.boolean().optional(),
};

/**
 * Run a pipeline (its newest version, or `version`), or an ad-hoc spec — from the beginning of its sources, or
 * from a checkpoint or savepoint of any job (Flink's stop → change → resume: the version may be an edited one).
 */
export const StartJobBodySchema = z.union([
  z.strictObject({
    pipelineId: IdSchema,
    version: z.number().int().min(1).optional(),
    ...restoreOptions,
  }),
  z.strictObject({ spec: SpecInputSchema, ...restoreOptions }),
]);
export type StartJobBody = z.infer<typeof StartJobBodySchema>;

// ----------------------------------------------------------------------------------- upgrade compatibility

export type { RestoreCompatibility };
export { RestoreCompatibilitySchema };

/** `/api/pipelines/:id/versions/:version/…`: a pipeline and one of its version numbers. */
export const VersionParamsSchema = z.strictObject({
  id: IdSchema,
  version: z.coerce.number('version must be a number').int('version must be a whole number').min(1),
});

/** `POST /api/pipelines/:id/versions/:version/compatibility`: restoring which checkpoint into that version. */
export const CompatibilityBodySchema = CheckpointRefSchema.extend({
  /** Report the state that cannot be restored as dropped rather than refused. */
  allowNonRestoredState: z.boolean().optional(),
});
export type CompatibilityBody = z.infer<typeof CompatibilityBodySchema>;

/** What starting the version from the checkpoint would do to each node's state (nothing is started). */
export const CompatibilityResultSchema = z.object({
  pipelineId: IdSchema,
  version: z.number().int(),
  from: CheckpointRefSchema.extend({ kind: CheckpointKindSchema }),
  report: RestoreCompatibilitySchema,
});
export type CompatibilityResult = z.infer<typeof CompatibilityResultSchema>;

export const StopJobBodySchema = z.strictObject({
  /** Take a savepoint first (Flink's stop-with-savepoint); the answer names it. */
  savepoint: z.boolean().optional(),
});
export type StopJobBody = z.infer<typeof StopJobBodySchema>;

// ------------------------------------------------------------------------------------------- checkpoints

export const CHECKPOINT_STATUSES = ['pending', 'completed', 'failed', 'discarded'] as const;
export const CheckpointStatusSchema = z.enum(CHECKPOINT_STATUSES);
export { CheckpointKindSchema, CheckpointTriggerSchema };

/** Per-operator figures of a checkpoint. */
export const CheckpointOperatorSchema = z.object({
  nodeId: z.string(),
  subtasks: z.number().int(),
  sizeBytes: z.number(),
});
export type CheckpointOperator = z.infer<typeof CheckpointOperatorSchema>;

export const CheckpointSchema = z.object({
  jobId: IdSchema,
  /** The checkpoint's number within its job (what the URLs and `restore` take). */
  checkpointId: z.number().int(),
  kind: CheckpointKindSchema,
  trigger: CheckpointTriggerSchema,
  status: CheckpointStatusSchema,
  startedAt: TimestampSchema,
  durationMs: z.number().nullable(),
  /** Bytes of the checkpoint's own directory (its state files and `_metadata`); null until it completed. */
  sizeBytes: z.number().nullable(),
  /**
   * Incremental checkpoints (the disk state backend), as the job contract's `CompletedCheckpoint` has them: the
   * bytes of all the state the checkpoint consists of (shared files of earlier checkpoints included) and the
   * bytes it wrote itself. Null for a checkpoint that is not incremental (heap backend), or not completed.
   */
  fullSizeBytes: CompletedCheckpointSchema.shape.fullSizeBytes.unwrap().nullable(),
  incrementalSizeBytes: CompletedCheckpointSchema.shape.incrementalSizeBytes.unwrap().nullable(),
  /** The checkpoint's directory under the data directory. */
  path: z.string().nullable(),
  failureReason: z.string().nullable(),
  operators: z.array(CheckpointOperatorSchema),
  /** How long processing paused for it (completed checkpoints, when the engine reports it). */
  pauses: z.object({ syncMs: z.number(), longestStepMs: z.number() }).nullable(),
});
export type Checkpoint = z.infer<typeof CheckpointSchema>;

export const CheckpointListSchema = z.object({ checkpoints: z.array(CheckpointSchema) });
export type CheckpointList = z.infer<typeof CheckpointListSchema>;

export const TriggerCheckpointBodySchema = z.strictObject({
  kind: CheckpointKindSchema.optional().describe('default: checkpoint'),
});
export type TriggerCheckpointBody = z.infer<typeof TriggerCheckpointBodySchema>;

export const TriggerCheckpointResultSchema = z.object({
  checkpointId: z.number().int(),
});
export type TriggerCheckpointResult = z.infer<typeof TriggerCheckpointResultSchema>;

export const RestoreBodySchema = z.strictObject({
  checkpointId: z.number('checkpointId must be a number').int().min(0),
});
export type RestoreBody = z.infer<typeof RestoreBodySchema>;

/**
 * `in-place`: the running job rolled back to the checkpoint (`job` is the same job).
 * `new-run`: the job was not running, so a new run (a new job) started from the checkpoint.
 */
export const RestoreResultSchema = z.object({
  mode: z.enum(['in-place', 'new-run']),
  checkpointId: z.number().int(),
  job: JobSchema,
});
export type RestoreResult = z.infer<typeof RestoreResultSchema>;

export const StopJobResultSchema = z.object({
  job: JobSchema,
  /** The savepoint taken on the way out (stop with `savepoint: true`). */
  savepoint: CheckpointSchema.nullable(),
});
export type StopJobResult = z.infer<typeof StopJobResultSchema>;

// ------------------------------------------------------------------------------------------ state, output

export const IdParamsSchema = z.strictObject({ id: IdSchema });
export const NodeParamsSchema = z.strictObject({ id: IdSchema, nodeId: NodeIdSchema });
export const CheckpointParamsSchema = z.strictObject({
  id: IdSchema,
  checkpointId: z.coerce.number('checkpointId must be a number').int().min(0),
});
export const CheckpointNodeParamsSchema = CheckpointParamsSchema.extend({ nodeId: NodeIdSchema });

export const StateQuerySchema = z.strictObject({
  prefix: z.string().max(1000).optional().describe('only keys whose text starts with this'),
  limit: limitParam(10_000, 100),
  cursor: z.string().max(2000).optional().describe('nextCursor of the previous page'),
});
export type StateQuery = z.infer<typeof StateQuerySchema>;

export type { StateEntry };
export { StateEntrySchema };

/**
 * A page of a node's keyed state (the contract's), saying which node and where it came from: the job's engine
 * (`live`), or a checkpoint (`checkpointId`) — asked for, or, for the live route of a job that no longer runs on
 * this server, its newest retained checkpoint (for a finished job, the final one).
 */
export const StatePageSchema = ContractStatePageSchema.extend({
  nodeId: z.string(),
  /** Set when the page was read from a checkpoint. */
  checkpointId: z.number().int().nullable(),
  /** true: from the job's engine (running, or ended and still held by the server); false: from a checkpoint. */
  live: z.boolean(),
});
export type StatePage = z.infer<typeof StatePageSchema>;

export const OutputQuerySchema = z.strictObject({
  limit: limitParam(10_000, 1000),
  /** Only rows with a sequence number ≥ since (default: the newest `limit` rows). */
  since: z.coerce.number().int().min(0).optional(),
});
export type OutputQuery = z.infer<typeof OutputQuerySchema>;

/**
 * Rows a collect sink kept (the contract's page), saying which node and where they came from: the job's engine
 * (`live`), or what the server stored of them — the newest FLOWSTATE_OUTPUT_KEEP_ROWS rows, written as the job
 * ran and when it ended — for a job that no longer runs on this server.
 */
export const OutputPageSchema = ContractOutputPageSchema.extend({
  nodeId: z.string(),
  /** true: from the job's engine; false: the rows the server stored (as of `storedAt`). */
  live: z.boolean(),
  storedAt: TimestampSchema.nullable(),
});
export type OutputPage = z.infer<typeof OutputPageSchema>;

// ------------------------------------------------------------------------------------------ events, health

export const JobEventLevelSchema = z.enum(['info', 'warn', 'error']);

/** One line of a job's log, for a person to read. */
export const JobEventSchema = z.object({
  /** Increases with every event of the server's database (orders events of the same millisecond). */
  id: z.string(),
  jobId: IdSchema,
  at: TimestampSchema,
  level: JobEventLevelSchema,
  /** status | checkpoint | restore | restart | notice */
  type: z.string(),
  message: z.string(),
  data: z.unknown().optional(),
});
export type JobEvent = z.infer<typeof JobEventSchema>;

export const JobEventListSchema = z.object({ events: z.array(JobEventSchema) });
export type JobEventList = z.infer<typeof JobEventListSchema>;

export const JobEventQuerySchema = z.strictObject({ limit: limitParam(1000, 200) });

export const HealthSchema = z.object({
  ok: z.literal(true),
  uptimeMs: z.number(),
  /** Jobs the manager is running now. */
  jobsRunning: z.number().int(),
  /** Connected socket.io clients, and the engine state subscriptions they share. */
  sockets: z.number().int(),
  stateSubscriptions: z.number().int(),
  /** The server process (`process.memoryUsage()`): RSS covers the job workers too, the heap is the main thread's. */
  memory: z.object({ rssBytes: z.number(), heapUsedBytes: z.number(), heapTotalBytes: z.number() }),
});
export type Health = z.infer<typeof HealthSchema>;

// ------------------------------------------------------------------------------------------ files

/**
 * The name of an uploaded data file: letters, digits, `.`, `_` and `-`, not starting with `.` or `_` (those mark
 * files in progress for the file source) — no directories, so a name can never leave the upload directory.
 */
export const FileNameSchema = z
  .string()
  .min(1, 'a file name must not be empty')
  .max(128, 'a file name is at most 128 characters')
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    'a file name starts with a letter or digit and holds only letters, digits, ".", "_" and "-"',
  );
export const FileParamsSchema = z.strictObject({ name: FileNameSchema });

/** A data file in the server's upload directory. */
export const DataFileSchema = z.object({
  name: z.string(),
  /** What a file source's `path` says to read it (relative to the data directory). */
  path: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  modifiedAt: TimestampSchema,
});
export type DataFile = z.infer<typeof DataFileSchema>;

export const DataFileListSchema = z.object({
  files: z.array(DataFileSchema),
  /** Bytes all uploaded files take, and the most they may take. */
  usedBytes: z.number().int().nonnegative(),
  quotaBytes: z.number().int().positive(),
  /** The largest single upload. */
  maxFileBytes: z.number().int().positive(),
});
export type DataFileList = z.infer<typeof DataFileListSchema>;

// ------------------------------------------------------------------------------------------ flink

/**
 * Something the exported script does not do exactly as Flowstate does (`@flowstate/flink-sql`'s notes; also a
 * `-- note:` line in the script). `nodeId` is absent for job-wide notes.
 */
export const FlinkExportNoteSchema = z.object({
  nodeId: z.string().optional(),
  message: z.string(),
});
export type FlinkExportNote = z.infer<typeof FlinkExportNoteSchema>;

/**
 * `GET /api/pipelines/:id/versions/:version/flink-sql`: the version exported to a Flink SQL script. File paths are
 * the absolute paths the server's file policy resolves them to (the Flink cluster must see the same files).
 */
export const FlinkSqlExportSchema = z.object({
  pipelineId: IdSchema,
  version: z.number().int(),
  /** The spec's name. */
  name: z.string(),
  sql: z.string(),
  notes: z.array(FlinkExportNoteSchema),
});
export type FlinkSqlExport = z.infer<typeof FlinkSqlExportSchema>;

/** Flink's job states (org.apache.flink.api.common.JobStatus), as Flink's REST API names them. */
export const FLINK_JOB_STATUSES = [
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
] as const;

/**
 * A deployment's status: `SUBMITTING` while the script goes through the SQL Gateway, `SUBMIT_FAILED` when Flink
 * (or the way to it) refused it — `error` says why — and then the Flink job's own status.
 */
export const FLINK_DEPLOYMENT_STATUSES = ['SUBMITTING', 'SUBMIT_FAILED', ...FLINK_JOB_STATUSES] as const;
export const FlinkDeploymentStatusSchema = z.enum(FLINK_DEPLOYMENT_STATUSES);
export type FlinkDeploymentStatus = z.infer<typeof FlinkDeploymentStatusSchema>;
/** Statuses after which nothing changes any more (Flink's globally terminal job states, and a refused submit). */
export const TERMINAL_FLINK_DEPLOYMENT_STATUSES: readonly FlinkDeploymentStatus[] = [
  'SUBMIT_FAILED',
  'FINISHED',
  'FAILED',
  'CANCELED',
];

/** A pipeline version deployed to a Flink cluster through its SQL Gateway. */
export const FlinkDeploymentSchema = z.object({
  id: IdSchema,
  /** null once the pipeline is deleted (the deployment, and the job on Flink, stay). */
  pipelineId: IdSchema.nullable(),
  version: z.number().int(),
  /** The spec's name. */
  name: z.string(),
  /** The SQL Gateway the script was submitted through. */
  gatewayUrl: z.string(),
  /** Flink's REST API (and web dashboard) the job's status is read from; null when none was found. */
  restUrl: z.string().nullable(),
  /** The Flink job the script submitted (the export writes one INSERT or one statement set: one job). */
  flinkJobId: z.string().nullable(),
  status: FlinkDeploymentStatusSchema,
  /** Whether the status is final (FINISHED, FAILED, CANCELED, SUBMIT_FAILED). */
  terminal: z.boolean(),
  /** Why the submit failed, or the root cause of a FAILED job. */
  error: z.string().nullable(),
  /** The export's notes about the deployed script. */
  notes: z.array(FlinkExportNoteSchema),
  /** The job's page on Flink's web dashboard. */
  dashboardUrl: z.string().nullable(),
  /** Set when the status could not be read from Flink just now (the last known one is shown). */
  statusError: z.string().nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  endedAt: TimestampSchema.nullable(),
});
export type FlinkDeployment = z.infer<typeof FlinkDeploymentSchema>;

/** One deployment with the script it submitted. */
export const FlinkDeploymentDetailSchema = FlinkDeploymentSchema.extend({ sql: z.string() });
export type FlinkDeploymentDetail = z.infer<typeof FlinkDeploymentDetailSchema>;

export const FlinkDeploymentListSchema = z.object({ deployments: z.array(FlinkDeploymentSchema) });
export type FlinkDeploymentList = z.infer<typeof FlinkDeploymentListSchema>;

export const FlinkDeploymentListQuerySchema = z.strictObject({
  pipelineId: IdSchema.optional(),
  limit: limitParam(1000, 50),
});
export type FlinkDeploymentListQuery = z.infer<typeof FlinkDeploymentListQuerySchema>;

/** Deploy a pipeline's saved version (its newest by default). */
export const DeployBodySchema = z.strictObject({
  pipelineId: IdSchema,
  version: z.number('version must be a number').int().min(1).optional(),
});
export type DeployBody = z.infer<typeof DeployBodySchema>;

/** `GET /api/flink`: whether this server deploys to a Flink, and where. */
export const FlinkInfoSchema = z.object({
  /** FLOWSTATE_FLINK_GATEWAY is set. */
  configured: z.boolean(),
  gatewayUrl: z.string().nullable(),
  /** FLOWSTATE_FLINK_DASHBOARD, else the REST API the gateway's configuration names (when it answers). */
  dashboardUrl: z.string().nullable(),
  /** The gateway's Flink version, when it answered just now. */
  flinkVersion: z.string().nullable(),
  /** Why the gateway did not answer just now. */
  error: z.string().nullable(),
});
export type FlinkInfo = z.infer<typeof FlinkInfoSchema>;
