/**
 * The message protocol between the JobManager (main thread) and a job worker, and the shapes of the events the
 * manager hands out. Zod schemas are the single source of truth: every type here is inferred from them, and
 * both sides validate every message they receive.
 *
 * - main → worker: `workerData` ({@link WorkerInitSchema}) when the worker starts, then `request`s
 *   ({@link RequestSchema}): a command with an id.
 * - worker → main ({@link WorkerMessageSchema}): `ready` / `init-failed` once, a `response` per request (same
 *   id; `result` is validated against the command's result schema in {@link ResultSchemas}), and `event`s
 *   pushed whenever the job has something to say.
 *
 * Everything that crosses is JSON-safe (see `json-safe.ts`): non-finite numbers (watermarks of ±Infinity)
 * and `undefined` travel as `null`, so the events can go to a socket as they are.
 */

import {
  JobEventSchema,
  JobMetricsSchema,
  OutputPageSchema,
  StateChangesSchema,
  StateKeySchema,
  StatePageSchema,
} from '@flowstate/spec';
import { z } from 'zod';

// ------------------------------------------------------------------------------------------ errors

export const JOB_MANAGER_ERROR_CODES = [
  'UNKNOWN_JOB',
  'NOT_RUNNING',
  'ALREADY_RUNNING',
  'NO_SUCH_NODE',
  'NO_KEYED_STATE',
  'NO_SUCH_CHECKPOINT',
  'WORKER_CRASHED',
  'TIMEOUT',
  'INVALID_SPEC',
  /** The job's worker reached its heap limit (`resourceLimits`) and was stopped. */
  'OUT_OF_MEMORY',
  /** The engine refused or could not do what was asked (a savepoint failed, a restore is already running…). */
  'FAILED',
  /** A restore would lose state no node of the spec can take (the engine's RestoreCompatibilityError). */
  'INCOMPATIBLE_STATE',
] as const;
export const JobManagerErrorCodeSchema = z.enum(JOB_MANAGER_ERROR_CODES);
export type JobManagerErrorCode = z.infer<typeof JobManagerErrorCodeSchema>;

/** An error as it crosses the thread boundary. */
export const WireErrorSchema = z.object({
  code: JobManagerErrorCodeSchema,
  message: z.string(),
  problems: z.array(z.unknown()).optional(),
});
export type WireError = z.infer<typeof WireErrorSchema>;

// ------------------------------------------------------------------------------------------ shapes

export type {
  JobMetrics as ManagedJobMetrics,
  JobStatus as ManagedStatus,
  OutputPage,
  StatePage,
} from '@flowstate/spec';
// What a job reports is the job contract of @flowstate/spec (statuses, metrics, events, pages of state and
// output): the worker passes the engine's shapes through, made JSON-safe; nothing is redeclared here.
export {
  JobMetricsSchema,
  JobStatusSchema as ManagedStatusSchema,
  OutputPageSchema,
  StateKeySchema,
  StatePageSchema,
} from '@flowstate/spec';

const count = z.number().int().nonnegative();
const checkpointId = z.number().int().nonnegative();

export const StateQuerySchema = z.object({
  prefix: z.string().optional(),
  cursor: z.string().optional(),
  limit: z.number().int().positive().optional(),
});
export type StateQuery = z.infer<typeof StateQuerySchema>;

// ------------------------------------------------------------------------------------------ events

const jobId = z.string();

/**
 * What the manager hands its listeners: every event of the engine (the job contract's `JobEvent`, with the job
 * id), and what the worker adds — metrics every second, new collect-sink rows, live state changes, row errors.
 */
const [
  statusEvent,
  checkpointTriggered,
  checkpointCompleted,
  checkpointFailed,
  restarting,
  restored,
  notice,
] = JobEventSchema.options;

export const ManagerEventSchema = z.discriminatedUnion('type', [
  statusEvent.extend({ jobId }),
  checkpointTriggered.extend({ jobId }),
  checkpointCompleted.extend({ jobId }),
  checkpointFailed.extend({ jobId }),
  restarting.extend({ jobId }),
  restored.extend({ jobId }),
  /** The engine's notices, and the server's own (with `data` for the log). */
  notice.extend({ jobId, data: z.unknown().optional() }),
  z.object({ type: z.literal('metrics'), jobId, metrics: JobMetricsSchema }),
  z.object({ type: z.literal('output'), jobId, nodeId: z.string(), ...OutputPageSchema.shape }),
  z.object({ type: z.literal('state'), jobId, nodeId: z.string(), ...StateChangesSchema.shape }),
  /** At most 10 a second per job; `data.suppressedBefore` counts the ones left out since the previous. */
  z.object({ type: z.literal('row-error'), jobId, message: z.string(), data: z.unknown().optional() }),
  /**
   * What the server stores of a job so that it outlives the job and the server: its figures and the newest rows
   * of each collect sink (those whose rows changed since the last one), every `archiveIntervalMs` while it runs,
   * and once more, complete (`final`), right before the status that ends it.
   */
  z.object({
    type: z.literal('archive'),
    jobId,
    final: z.boolean(),
    metrics: JobMetricsSchema,
    outputs: z.array(z.object({ nodeId: z.string(), ...OutputPageSchema.shape })),
  }),
]);
export type ManagerEvent = z.infer<typeof ManagerEventSchema>;

// ------------------------------------------------------------------------------------------ worker start

/** `workerData` is `{ [WORKER_DATA_KEY]: WorkerInit }`: a thread without the key is not a job worker. */
export const WORKER_DATA_KEY = 'flowstateWorker';

const intervalMs = z.number().int().positive();

/** Which files a job's connectors may use (see the engine's `confinedFileAccess`). */
export const FilePolicySchema = z.object({
  roots: z.array(z.object({ dir: z.string(), writable: z.boolean(), label: z.string().optional() })),
  deny: z.array(z.object({ path: z.string(), what: z.string() })),
});
export type FilePolicy = z.infer<typeof FilePolicySchema>;

export const WorkerInitSchema = z.discriminatedUnion('mode', [
  /** Host one job: run it, stream its events, answer commands. */
  z.object({
    mode: z.literal('job'),
    jobId: z.string(),
    spec: z.unknown(),
    /** Absolute. Checkpoints go to `<dataDir>/checkpoints/<jobId>/`; relative connector paths resolve here. */
    dataDir: z.string(),
    /** A checkpoint directory, or `latest`: the newest valid checkpoint of the job id (from the start if none). */
    restoreFrom: z.union([z.object({ path: z.string() }), z.literal('latest')]).optional(),
    /** Why it restores (the `restored` event says so). */
    restoreReason: z.string().optional(),
    /** Drop the state of `restoreFrom` that no node of the spec can take (Flink's allowNonRestoredState). */
    allowNonRestoredState: z.boolean().optional(),
    /** Newest rows of each collect sink the `archive` events carry (0: none). */
    archiveRows: z.number().int().nonnegative(),
    archiveIntervalMs: intervalMs,
    /** Relative paths resolve against `dataDir`; only these files may be read or written. */
    files: FilePolicySchema,
    /** Console sinks print at most this many lines a second (the rest are counted in a notice). */
    consoleLinesPerSecond: z.number().int().nonnegative(),
    metricsIntervalMs: intervalMs,
    outputIntervalMs: intervalMs,
    /** Rows an `output` event carries at most. */
    outputRowsPerEvent: z.number().int().positive(),
    /** Rows pushed per collect sink and output interval at most; when more are new, the oldest are skipped. */
    outputMaxRowsPerTick: z.number().int().positive(),
    stateIntervalMs: intervalMs,
    stateMaxKeys: z.number().int().positive(),
    /** Accept test-only commands (`crash`). */
    testHooks: z.boolean(),
    /** Nice value of the worker thread (Linux): above the main thread's, so the API wins the CPU. */
    nice: z.number().int().min(0).max(19),
  }),
  /** Load one checkpoint into a job that never runs, and answer state queries about it. */
  z.object({
    mode: z.literal('inspect'),
    /** The checkpoint (or savepoint) directory, absolute. */
    path: z.string(),
    /** The spec to read the state with; null: the one stored in the checkpoint. */
    spec: z.unknown(),
    dataDir: z.string(),
    nice: z.number().int().min(0).max(19),
  }),
]);
export type WorkerInit = z.infer<typeof WorkerInitSchema>;

// ------------------------------------------------------------------------------------------ commands

const nodeId = z.string();

export const CommandSchema = z.discriminatedUnion('cmd', [
  z.object({ cmd: z.literal('stop'), savepoint: z.boolean() }),
  z.object({ cmd: z.literal('triggerCheckpoint') }),
  z.object({ cmd: z.literal('restore'), checkpointId }),
  z.object({ cmd: z.literal('queryState'), nodeId, query: StateQuerySchema }),
  z.object({ cmd: z.literal('stateOfKey'), nodeId, key: StateKeySchema }),
  z.object({
    cmd: z.literal('output'),
    nodeId,
    limit: z.number().int().positive(),
    since: count.optional(),
  }),
  z.object({ cmd: z.literal('metrics') }),
  z.object({ cmd: z.literal('subscribeState'), nodeId }),
  z.object({ cmd: z.literal('unsubscribeState'), nodeId }),
  /** Diagnostics (tests): what the worker holds. */
  z.object({ cmd: z.literal('stats') }),
  /** Test hook (only with `testHooks`): throw an uncaught exception in the worker. */
  z.object({ cmd: z.literal('crash'), message: z.string() }),
  /** Test hook (only with `testHooks`): a request that is never answered. */
  z.object({ cmd: z.literal('hang') }),
  /** Test hook (only with `testHooks`): keep the worker's thread busy (no event loop) for `ms`. */
  z.object({ cmd: z.literal('block'), ms: z.number().int().positive().max(120_000) }),
]);
export type Command = z.infer<typeof CommandSchema>;
export type CommandName = Command['cmd'];

export const WorkerStatsSchema = z.object({
  /** Nodes the worker holds an engine state subscription for (one each, however many subscribers). */
  stateSubscriptions: z.array(z.string()),
  /** Calls the worker made to the engine's `subscribeState` so far. */
  engineSubscribeCalls: count,
  /** State deliveries pushed so far, per node. */
  stateEventsSent: z.record(z.string(), count),
});

/** What each command answers with. */
export const ResultSchemas = {
  stop: z.object({ savepoint: z.object({ checkpointId, path: z.string() }).optional() }),
  triggerCheckpoint: z.object({ checkpointId }),
  restore: z.object({ checkpointId, path: z.string() }),
  queryState: StatePageSchema,
  stateOfKey: z.object({ value: z.unknown() }),
  output: OutputPageSchema,
  metrics: JobMetricsSchema,
  subscribeState: z.object({}),
  unsubscribeState: z.object({}),
  stats: WorkerStatsSchema,
  crash: z.object({}),
  hang: z.object({}),
  block: z.object({}),
} satisfies Record<CommandName, z.ZodType>;
export type CommandResult<C extends CommandName> = z.infer<(typeof ResultSchemas)[C]>;

export const RequestSchema = z.object({ kind: z.literal('request'), id: count, command: CommandSchema });
export type Request = z.infer<typeof RequestSchema>;

// ------------------------------------------------------------------------------------------ worker → main

/** The checkpoint a job started from (null: from the beginning). */
export const RestoredFromSchema = z.object({ checkpointId, path: z.string() }).nullable();
export type RestoredFrom = z.infer<typeof RestoredFromSchema>;

export const WorkerMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ready'), restoredFrom: RestoredFromSchema.optional() }),
  z.object({ kind: z.literal('init-failed'), error: WireErrorSchema }),
  z.discriminatedUnion('ok', [
    z.object({ kind: z.literal('response'), id: count, ok: z.literal(true), result: z.unknown() }),
    z.object({ kind: z.literal('response'), id: count, ok: z.literal(false), error: WireErrorSchema }),
  ]),
  z.object({ kind: z.literal('event'), event: ManagerEventSchema }),
]);
export type WorkerMessage = z.infer<typeof WorkerMessageSchema>;
