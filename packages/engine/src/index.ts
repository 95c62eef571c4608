/**
 * @flowstate/engine — runs a Flowstate job spec with Apache Flink's semantics: keyed state, event time and
 * watermarks, windows, in-band barriers. No UI, HTTP or database code lives here.
 */

export * from './connectors/index';
export type { JobVertex, Partitioning, PhysicalEdge, PhysicalPlan } from './plan/plan';
export { buildPlan, explainPlan } from './plan/plan';
export { CollectStore } from './runtime/collect';
export type { CheckpointBarrier, RecordBatch, Row, StreamElement } from './runtime/elements';
export { MAX_WATERMARK, NO_TIMESTAMP } from './runtime/elements';
export type { JobMetrics, JobOptions, JobResult, JobStatus, NodeMetrics } from './runtime/job';
export { Job, JobSpecError } from './runtime/job';
export type { OperatorSnapshotData, RowError, StreamOperator } from './runtime/operator';
export * from './state/index';
export * from './time/index';
