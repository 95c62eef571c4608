/**
 * @flowstate/flink-run — runs a Flowstate job spec on Apache Flink and reads its output back in Flowstate's
 * form: sources Flink cannot read as they are are materialized by Flowstate's own readers, the spec is
 * exported to Flink SQL (@flowstate/flink-sql) and run through a SQL Gateway (@flowstate/flink-local's
 * client; the local Flink or any other), and each sink's committed rows are read back — a rolling
 * aggregate's changelog in append form — and written as the embedded engine writes them.
 * Used by `flowstate run --engine flink`, the conformance suite and `pnpm bench flink`. See docs/flink.md.
 */
export {
  type MaterializedSource,
  type MaterializeOptions,
  materializeSource,
  needsMaterializing,
} from './materialize';
export { committedFiles, readFlinkSink, toRow } from './output';
export {
  type FlinkJobPlan,
  type FlinkSinkPlan,
  type FlinkSourcePlan,
  type PlanOptions,
  type PlanResult,
  planFlinkJob,
  type SinkKind,
} from './plan';
export {
  connectGateway,
  type FlinkConnection,
  type FlinkRunResult,
  type FlinkSinkOutput,
  type RunFlinkJobOptions,
  runFlinkJob,
  writeFileSinks,
} from './run';
export { writeFileSinkRows } from './write';
