/**
 * @flowstate/engine — runs a Flowstate job spec with Apache Flink's semantics: keyed state, event time and
 * watermarks, windows, in-band barriers. No UI, HTTP or database code lives here.
 */

export {
  checkRestoreCompatibility,
  RestoreCompatibilityError,
  type RestoreCompatibilityOptions,
} from './checkpoint/compatibility';
export type {
  CheckpointTriggerResult,
  CompletedCheckpoint,
  PendingCheckpoint,
} from './checkpoint/coordinator';
export { CheckpointCoordinator } from './checkpoint/coordinator';
export {
  CheckpointInspectionError,
  type InspectedCheckpoint,
  openCheckpointForInspection,
} from './checkpoint/inspect';
export * from './checkpoint/storage/index';
export * from './connectors/index';
export {
  AlignedWindowAssigner,
  createWindowAssigner,
  EventTimeSessionWindows,
  MergingWindowAssigner,
  ProcessingTimeSessionWindows,
  SlidingEventTimeWindows,
  SlidingProcessingTimeWindows,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  WindowAssigner,
  type WindowAssignerContext,
} from './operators/windowing/assigners';
export { type MergeCallback, TimeWindow } from './operators/windowing/time-window';
export {
  EventTimeTrigger,
  ProcessingTimeTrigger,
  Trigger,
  type TriggerContext,
  TriggerResult,
} from './operators/windowing/triggers';
export type { JobVertex, Partitioning, PhysicalEdge, PhysicalPlan } from './plan/plan';
export { buildPlan, explainPlan } from './plan/plan';
export {
  type BarrierHandlerState,
  CheckpointBarrierHandler,
} from './runtime/barrier-handler';
export { CollectStore } from './runtime/collect';
export type { CheckpointBarrier, RecordBatch, Row, StreamElement } from './runtime/elements';
export { MAX_WATERMARK, NO_TIMESTAMP } from './runtime/elements';
export type {
  CheckpointOperatorStats,
  JobEvent,
  JobMetrics,
  JobOptions,
  JobResult,
  JobStatus,
  NodeMetrics,
  RestoreTarget,
  StateChanges,
} from './runtime/job';
export { InjectedFailure, Job, JobSpecError, StateQueryError } from './runtime/job';
export type {
  OperatorRestore,
  OperatorSnapshot,
  OperatorStateEntry,
  OperatorStateType,
  RowError,
  StreamOperator,
} from './runtime/operator';
export { OperatorStateError } from './runtime/operator';
export * from './state/index';
export * from './time/index';
