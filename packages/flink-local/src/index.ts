/**
 * @flowstate/flink-local — a real local Apache Flink for Flowstate's reference runs: one JVM with a
 * MiniCluster (REST API, web dashboard) and Flink's SQL Gateway, built from Maven Central jars, plus a
 * typed client of the gateway's REST API and of the job endpoints of Flink's REST API. See docs/flink.md.
 */
export {
  type EnsureFlinkResult,
  ensureFlinkBuilt,
  type FlinkLauncher,
  type Log,
  parseJavaMajor,
} from './build.ts';
export {
  type FetchAllOptions,
  FlinkGatewayClient,
  FlinkGatewayError,
  type GatewayInfo,
  type OpenSessionOptions,
  OperationStatus,
  type ResultColumn,
  type ResultRow,
  rootCauseOf,
  type StatementResult,
} from './gateway.ts';
export {
  DEFAULT_FLINK_CONFIG,
  DEFAULT_JVM_FLAGS,
  FLINK_JAVA17_FLAGS,
  type LocalFlink,
  type StartLocalFlinkOptions,
  startLocalFlink,
} from './launcher.ts';
export {
  cancelJob,
  findRestUrl,
  getJob,
  getJobRootException,
  type JobDetails,
  type JobOutcome,
  JobStatus,
  type WaitForJobOptions,
  waitForJob,
} from './rest.ts';
export {
  FlinkScriptError,
  type RunScriptOptions,
  runScript,
  type ScriptResult,
  type ScriptStatement,
  type StatementKind,
  type StatementOutcome,
  splitStatements,
} from './script.ts';
