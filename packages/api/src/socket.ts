/**
 * socket.io events (path `/socket.io`, same port as the REST API).
 *
 * A client emits `job:subscribe { jobId }` to join the job's room and receives `job:status`, `job:metrics`
 * (about once a second), `checkpoint:*`, `output:rows` and `job:event`. `state:subscribe { jobId, nodeId }`
 * adds `state:changes` for that node, coalesced per key (at most ~10 deliveries a second, at most
 * `STATE_CHANGES_MAX_KEYS` keys each, the most recent; `dropped` counts the rest).
 *
 * Every client → server message takes an acknowledgement callback and is answered with `Ack`: a malformed
 * message gets `{ ok: false, error: { code, message } }` and the socket stays connected (a message sent
 * without a callback gets a `client:error` event instead, when it fails).
 */
import { CompletedCheckpointSchema, StateChangesSchema } from '@flowstate/spec';
import { z } from 'zod';
import { ApiErrorSchema } from './errors';
import {
  CheckpointKindSchema,
  CheckpointOperatorSchema,
  CheckpointTriggerSchema,
  IdSchema,
  JobEventSchema,
  JobMetricsSchema,
  JobStatusSchema,
  NodeIdSchema,
  RowSchema,
} from './rest';

/** Most keys one `state:changes` message carries. */
export const STATE_CHANGES_MAX_KEYS = 200;
/** Least time between two `state:changes` messages for one node (ms). */
export const STATE_CHANGES_INTERVAL_MS = 100;
/** Rows one `output:rows` message carries at most. */
export const OUTPUT_ROWS_MAX = 500;

// ---------------------------------------------------------------------------------- client → server

export const JobSubscribeSchema = z.strictObject({ jobId: IdSchema });
export type JobSubscribe = z.infer<typeof JobSubscribeSchema>;

export const StateSubscribeSchema = z.strictObject({ jobId: IdSchema, nodeId: NodeIdSchema });
export type StateSubscribe = z.infer<typeof StateSubscribeSchema>;

/** The answer to every client → server message. */
export const AckSchema = z.union([
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), error: ApiErrorSchema }),
]);
export type Ack = z.infer<typeof AckSchema>;

export const CLIENT_MESSAGES = {
  'job:subscribe': JobSubscribeSchema,
  'job:unsubscribe': JobSubscribeSchema,
  'state:subscribe': StateSubscribeSchema,
  'state:unsubscribe': StateSubscribeSchema,
} as const;
export type ClientMessageName = keyof typeof CLIENT_MESSAGES;

// ---------------------------------------------------------------------------------- server → client

export const JobStatusEventSchema = z.object({
  jobId: IdSchema,
  status: JobStatusSchema,
  cause: z.string().nullable(),
  restarts: z.number().int(),
  /** Epoch ms. */
  at: z.number(),
});
export type JobStatusEvent = z.infer<typeof JobStatusEventSchema>;

export const JobMetricsEventSchema = z.object({ jobId: IdSchema, metrics: JobMetricsSchema });
export type JobMetricsEvent = z.infer<typeof JobMetricsEventSchema>;

export const CheckpointTriggeredEventSchema = z.object({
  jobId: IdSchema,
  checkpointId: z.number().int(),
  kind: CheckpointKindSchema,
  trigger: CheckpointTriggerSchema,
  /** Epoch ms. */
  timestamp: z.number(),
});
export type CheckpointTriggeredEvent = z.infer<typeof CheckpointTriggeredEventSchema>;

/** The job contract's `CompletedCheckpoint` (sizes, incremental ones included), with its job and operators. */
export const CheckpointCompletedEventSchema = CompletedCheckpointSchema.extend({
  jobId: IdSchema,
  operators: z.array(CheckpointOperatorSchema),
  pauses: z.object({ syncMs: z.number(), longestStepMs: z.number() }).nullable(),
});
export type CheckpointCompletedEvent = z.infer<typeof CheckpointCompletedEventSchema>;

export const CheckpointFailedEventSchema = z.object({
  jobId: IdSchema,
  checkpointId: z.number().int(),
  kind: CheckpointKindSchema,
  trigger: CheckpointTriggerSchema,
  timestamp: z.number(),
  durationMs: z.number(),
  reason: z.string(),
});
export type CheckpointFailedEvent = z.infer<typeof CheckpointFailedEventSchema>;

export const OutputRowsEventSchema = z.object({
  jobId: IdSchema,
  nodeId: z.string(),
  rows: z.array(RowSchema),
  /** Sequence number of the first row; `next` is the one after the last. */
  from: z.number().int(),
  next: z.number().int(),
  /** Changes when the output rolled back (restore): drop what you hold and take these rows. */
  epoch: z.number().int(),
});
export type OutputRowsEvent = z.infer<typeof OutputRowsEventSchema>;

/** A live state delivery (the job contract's, coalesced by the engine), saying which job and node. */
export const StateChangesEventSchema = StateChangesSchema.extend({ jobId: IdSchema, nodeId: z.string() });
export type StateChangesEvent = z.infer<typeof StateChangesEventSchema>;

export const JobLogEventSchema = JobEventSchema;

/** A client → server message without an acknowledgement callback that could not be done gets this instead. */
export const ClientErrorEventSchema = z.object({
  /** The event the client sent. */
  event: z.string(),
  error: ApiErrorSchema,
});
export type ClientErrorEvent = z.infer<typeof ClientErrorEventSchema>;

export const SERVER_EVENTS = {
  'job:status': JobStatusEventSchema,
  'job:metrics': JobMetricsEventSchema,
  'job:event': JobLogEventSchema,
  'checkpoint:triggered': CheckpointTriggeredEventSchema,
  'checkpoint:completed': CheckpointCompletedEventSchema,
  'checkpoint:failed': CheckpointFailedEventSchema,
  'output:rows': OutputRowsEventSchema,
  'state:changes': StateChangesEventSchema,
  'client:error': ClientErrorEventSchema,
} as const;
export type ServerEventName = keyof typeof SERVER_EVENTS;

type AckFn = (ack: Ack) => void;

/** socket.io's typed-events maps: `new Server<ClientToServerEvents, ServerToClientEvents>()`, `io<ServerToClientEvents, ClientToServerEvents>()`. */
export type ServerToClientEvents = {
  [K in ServerEventName]: (payload: z.infer<(typeof SERVER_EVENTS)[K]>) => void;
};
export type ClientToServerEvents = {
  [K in ClientMessageName]: (payload: z.infer<(typeof CLIENT_MESSAGES)[K]>, ack?: AckFn) => void;
};

/** Room of a job's events. */
export const jobRoom = (jobId: string): string => `job:${jobId}`;
/** Room of one node's state changes. */
export const stateRoom = (jobId: string, nodeId: string): string => `state:${jobId}:${nodeId}`;
