/**
 * What a running job reports — its statuses and their legal transitions, its metrics, its checkpoints, its
 * lifecycle events, pages of its state and output — declared once, as zod schemas, for everyone who handles
 * it: the engine produces these shapes, the server's worker protocol, database, REST answers and socket events
 * derive theirs from them, and the studio reads them. (They live beside the job spec because they are the
 * other half of the same contract: the spec says what runs, this says what running reports.)
 *
 * Every shape here is JSON-safe: numbers that the engine holds as ±Infinity (a watermark before the first one,
 * or after the end of input) are `null`.
 */
import { z } from 'zod';
import { type JobNode, NODE_KINDS, type NodeKind } from './schema';

// ------------------------------------------------------------------------------------------ statuses

/** A job's lifecycle (Flink's JobStatus, as Arroyo's controller states): created → running → … → an end. */
export const JOB_STATUSES = ['created', 'running', 'restarting', 'finished', 'failed', 'cancelled'] as const;
export const JobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof JobStatusSchema>;

/** Statuses a job does not leave. */
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['finished', 'failed', 'cancelled'];
/** Statuses of a job that runs (or is about to). */
export const ACTIVE_JOB_STATUSES: readonly JobStatus[] = ['created', 'running', 'restarting'];

/**
 * The legal transitions. `created` may fail or be cancelled before it runs (its checkpoint does not load, a
 * stop arrives first); `running` restarts by its restart strategy, ends, fails or is cancelled; `restarting`
 * runs again, fails (the strategy is exhausted or the restore failed) or is cancelled. The ends are final.
 */
export const JOB_STATUS_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  created: ['running', 'failed', 'cancelled'],
  running: ['restarting', 'finished', 'failed', 'cancelled'],
  restarting: ['running', 'failed', 'cancelled'],
  finished: [],
  failed: [],
  cancelled: [],
};

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return JOB_STATUS_TRANSITIONS[from].includes(to);
}

export const isTerminalStatus = (s: JobStatus): boolean => TERMINAL_JOB_STATUSES.includes(s);

// ------------------------------------------------------------------------------------------ node kinds

/** Node kinds that hold keyed state: what state queries, subscriptions and the state view read. */
export const STATEFUL_NODE_KINDS: readonly NodeKind[] = [
  'window',
  'aggregate',
  'intervalJoin',
  'windowJoin',
  'temporalJoin',
  'join',
  'over',
  'topN',
  'deduplicate',
];

/** Whether a node holds keyed state (see {@link STATEFUL_NODE_KINDS}). */
export function hasKeyedState(node: Pick<JobNode, 'kind'>): boolean {
  return STATEFUL_NODE_KINDS.includes(node.kind);
}

/** Whether a node is a collect sink: its rows are kept, streamed and readable as output. */
export function isCollectSink(node: JobNode): boolean {
  return node.kind === 'sink' && node.connector.type === 'collect';
}

// ------------------------------------------------------------------------------------------ metrics

const count = z.number().int().nonnegative();

/** A row a window dropped because it was late: its event time and the watermark it arrived behind. */
export const LateRowSampleSchema = z.object({ ts: z.number(), watermark: z.number() });
export type LateRowSample = z.infer<typeof LateRowSampleSchema>;

/** The newest row a node could not process (what the event log reports, kept per node). */
export const RowErrorSampleSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** Where the row came from: "data/words.txt:12", or the row itself as JSON (truncated). */
  position: z.string(),
});
export type RowErrorSample = z.infer<typeof RowErrorSampleSchema>;

/** How many late rows a window keeps as its sample (the newest first). */
export const LATE_SAMPLE_SIZE = 5;

/** One node's figures, summed over its subtasks. */
export const NodeMetricsSchema = z.object({
  nodeId: z.string(),
  kind: z.enum(NODE_KINDS),
  parallelism: z.number().int().positive(),
  recordsIn: count,
  recordsOut: count,
  rowErrors: count,
  lateRowsDropped: count,
  /** Minimum over the node's subtasks; null before the first watermark (and for +∞ after the end). */
  watermark: z.number().nullable(),
  /** Keyed nodes: keys in state over all subtasks. */
  numKeys: count,
  /** ms its tasks spent unable to emit because a consumer was full. */
  backpressureMs: z.number().nonnegative(),
  /** Rows per second in and out, over the time since the previous sample. */
  recordsInPerSec: z.number().nonnegative(),
  recordsOutPerSec: z.number().nonnegative(),
  /**
   * The largest event timestamp the node has seen (a source: read; any other node: received), maximum over its
   * subtasks; null before the first row with an event time (and always in processing time). With `watermark`
   * it tells how far event time is held back, and with the wall clock how far behind the data is.
   */
  maxEventTime: z.number().nullable(),
  /**
   * Inputs that do not hold the watermark back because they are idle: a source's subtasks that declared
   * themselves idle (`idleTimeoutMs`), or another node's input channels marked idle, over all its subtasks.
   */
  idleInputs: count,
  /** What `idleInputs` is out of: a source's subtasks, or another node's input channels over all subtasks. */
  inputs: count,
  /** The newest row error of this node (the count is `rowErrors`); null when it has had none. */
  lastRowError: RowErrorSampleSchema.nullable(),
  /** Windows only: windows holding state now (tumbling/sliding: distinct windows; sessions: per key). */
  openWindows: count.optional(),
  /**
   * Windows only: when the next open window fires — the watermark (event time) or clock time (processing
   * time) that fires it, i.e. its `window_end - 1`; null when no window is open.
   */
  nextFireAt: z.number().nullable().optional(),
  /** Windows only: the newest late rows dropped (at most LATE_SAMPLE_SIZE, newest first). */
  lateSample: z.array(LateRowSampleSchema).optional(),
  /**
   * Rows in and out since the job's input began, carried across restarts and restores: what the checkpoint the
   * current attempt restored counted, plus `recordsIn`/`recordsOut` since. Exactly-once, like the state: rows
   * replayed after a restore are not counted twice. (`recordsIn`/`recordsOut` count from the start of the current
   * attempt, as Flink's numRecordsIn/numRecordsOut do; see `JobMetrics.countersSince`.)
   */
  totalRecordsIn: count,
  totalRecordsOut: count,
  /**
   * Stateful nodes on the disk state backend: bytes of the node's state stores on disk (the files of every
   * subtask's LMDB environment, summed), sampled when the figures are taken. Absent on the heap backend and for
   * nodes without keyed state. (LMDB reuses freed pages but does not shrink its file: this is what the store
   * occupies, not how much live state it holds.)
   */
  stateBytesOnDisk: count.optional(),
});
export type NodeMetrics = z.infer<typeof NodeMetricsSchema>;

export const JobMetricsSchema = z.object({
  status: JobStatusSchema,
  /** Epoch ms (the job's clock) when it first ran; 0 before. */
  startedAt: z.number(),
  uptimeMs: z.number(),
  /** Restarts after failures so far. */
  restarts: count,
  rowErrors: count,
  /**
   * Where the nodes' `recordsIn`/`recordsOut` count from: the start of the current execution attempt — the job's
   * start, a restart after a failure, or a restore (then `checkpointId` names the checkpoint) — at clock time `at`.
   */
  countersSince: z.object({
    cause: z.enum(['start', 'restart', 'restore']),
    at: z.number(),
    checkpointId: z.number().int().nonnegative().nullable(),
  }),
  nodes: z.array(NodeMetricsSchema),
});
export type JobMetrics = z.infer<typeof JobMetricsSchema>;

// ------------------------------------------------------------------------------------------ checkpoints

export const CHECKPOINT_KINDS = ['checkpoint', 'savepoint'] as const;
export const CheckpointKindSchema = z.enum(CHECKPOINT_KINDS);
export type CheckpointKind = z.infer<typeof CheckpointKindSchema>;
/** Why a checkpoint was taken: on the interval, by hand, or on the way out (end of input, stop with savepoint). */
export const CHECKPOINT_TRIGGERS = ['periodic', 'manual', 'stop'] as const;
export const CheckpointTriggerSchema = z.enum(CHECKPOINT_TRIGGERS);
export type CheckpointTrigger = z.infer<typeof CheckpointTriggerSchema>;

const checkpointId = z.number().int().nonnegative();

/** A checkpoint that completed (Flink's CompletedCheckpoint). */
export const CompletedCheckpointSchema = z.object({
  checkpointId,
  kind: CheckpointKindSchema,
  trigger: CheckpointTriggerSchema,
  /** Trigger time (the job's clock, epoch ms). */
  timestamp: z.number(),
  durationMs: z.number().nonnegative(),
  /** Bytes of the checkpoint's own directory: its state files and `_metadata`. */
  sizeBytes: count,
  /**
   * Incremental checkpoints (the disk state backend), from `_metadata`'s `fullSize`: bytes of all the state the
   * checkpoint consists of — its own state files and every shared file of its chains (what a restore reads).
   * Absent for a checkpoint that is not incremental (the heap backend's: `sizeBytes` is all of it).
   */
  fullSizeBytes: count.optional(),
  /**
   * Incremental checkpoints, from `_metadata`'s `incrementalSize`: bytes this checkpoint wrote — its own state
   * files and the shared files it created (equal to `fullSizeBytes` when it wrote its state in full).
   */
  incrementalSizeBytes: count.optional(),
  /** Where it is stored (a directory for the file system storage). */
  path: z.string(),
});
export type CompletedCheckpoint = z.infer<typeof CompletedCheckpointSchema>;

/** One operator's part of a completed checkpoint. */
export const CheckpointOperatorStatsSchema = z.object({
  nodeId: z.string(),
  subtasks: count,
  sizeBytes: count,
});
export type CheckpointOperatorStats = z.infer<typeof CheckpointOperatorStatsSchema>;

// ------------------------------------------------------------------------------------------ events

/**
 * What a job says as it runs (the engine's `onEvent`): the server records each and streams it. `at` is the
 * job's clock (epoch ms) when it happened.
 */
export const JobEventSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('status'),
    status: JobStatusSchema,
    cause: z.string().optional(),
    restarts: count,
    at: z.number(),
  }),
  z.object({
    type: z.literal('checkpoint-triggered'),
    checkpointId,
    kind: CheckpointKindSchema,
    trigger: CheckpointTriggerSchema,
    /** Trigger time. */
    timestamp: z.number(),
  }),
  z.object({
    type: z.literal('checkpoint-completed'),
    checkpoint: CompletedCheckpointSchema,
    operators: z.array(CheckpointOperatorStatsSchema),
    /** How long processing paused: the longest synchronous snapshot of a task, and the longest asynchronous step. */
    pauses: z.object({ syncMs: z.number().nonnegative(), longestStepMs: z.number().nonnegative() }),
  }),
  z.object({
    type: z.literal('checkpoint-failed'),
    checkpointId,
    kind: CheckpointKindSchema,
    trigger: CheckpointTriggerSchema,
    /** Trigger time. */
    timestamp: z.number(),
    reason: z.string(),
  }),
  z.object({
    type: z.literal('restarting'),
    attempt: count,
    cause: z.string(),
    delayMs: z.number().nonnegative(),
  }),
  z.object({
    type: z.literal('restored'),
    checkpointId,
    path: z.string(),
    reason: z.string(),
    /** How long loading and rebuilding took. */
    durationMs: z.number().nonnegative(),
  }),
  z.object({ type: z.literal('notice'), message: z.string() }),
]);
export type JobEvent = z.infer<typeof JobEventSchema>;

// ------------------------------------------------------------------------------------------ state, output

/** A state key: what `keyBy` produced (a string, number, boolean or null; several key fields make a JSON array text). */
export const StateKeySchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type StateKey = z.infer<typeof StateKeySchema>;

export const StateEntrySchema = z.object({ key: StateKeySchema, value: z.unknown() });
export type StateEntry = z.infer<typeof StateEntrySchema>;

/** A page of a node's keyed state, ordered by the key's text. */
export const StatePageSchema = z.object({
  entries: z.array(StateEntrySchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type StatePage = z.infer<typeof StatePageSchema>;

/** One delivery of a live state subscription: the keys that changed, each once with its latest value. */
export const StateChangesSchema = z.object({
  /** Changed keys with their current value (null: the key no longer holds state). */
  changes: z.array(StateEntrySchema),
  /** Keys that changed but did not fit in this delivery. */
  dropped: count,
  /** Keys in state now. */
  numKeys: count,
  /** The job restarted or was restored since the last delivery: reload the whole view. */
  reset: z.boolean(),
  /** Clock time of the delivery. */
  at: z.number(),
});
export type StateChanges = z.infer<typeof StateChangesSchema>;

/** Rows a collect sink kept, numbered. */
export const OutputPageSchema = z.object({
  rows: z.array(z.record(z.string(), z.unknown())),
  /** Sequence number of the first row. */
  from: count,
  /** Sequence number the next row will get (ask `since: next` for what comes after). */
  next: count,
  /** Bumped by every rollback (restore): sequence numbers of an older epoch mean nothing any more. */
  epoch: count,
});
export type OutputPage = z.infer<typeof OutputPageSchema>;
