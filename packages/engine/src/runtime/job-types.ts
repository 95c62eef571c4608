/**
 * The Job's public types: how it is built (`JobOptions`), what it reports (`JobEvent`, `JobMetrics`,
 * `NodeMetrics`, `StateChanges` — derived from the job contract in `@flowstate/spec`), what `run()` answers, and
 * the errors a caller can meet.
 */
import type {
  JobMetrics as ContractJobMetrics,
  NodeMetrics as ContractNodeMetrics,
  StateChanges as ContractStateChanges,
  JobEvent,
  JobStatus,
  Problem,
} from '@flowstate/spec';
import type { CheckpointStorage } from '../checkpoint/storage/index';
import type { FileAccess } from '../connectors/file-access';
import type { Key } from '../state/index';
import type { Clock, Timers } from '../time/index';
import type { RowError } from './operator';

export type { CheckpointOperatorStats, JobEvent, JobStatus } from '@flowstate/spec';

/** Where a restore reads from: the newest valid checkpoint, a checkpoint id of this job, or a path. */
export type RestoreTarget = 'latest' | { checkpointId: number } | { path: string };

export interface JobOptions {
  /** Processing time and rate limits come from this clock (tests pass a ManualClock). */
  clock?: Clock;
  /** How the runtime sleeps, yields and runs periodic work (tests pass ManualTimers); default: real time. */
  timers?: Timers;
  /** Relative connector paths resolve against this directory (with unrestricted access unless `fileAccess`). */
  baseDir?: string;
  /** Which files the spec's connectors may use (the server confines them); default: any, from `baseDir`. */
  fileAccess?: FileAccess;
  /** Overrides every node's parallelism (`flowstate run --parallelism N`). */
  parallelism?: number;
  /** Rows per batch (default 1024). */
  batchSize?: number;
  /** Rows a channel holds before its producer is backpressured (default 4 × batchSize). */
  channelCapacity?: number;
  /** Console sinks write here (default: process.stdout when it exists). */
  writeConsole?: (text: string) => void;
  onRowError?: (e: RowError) => void;
  /** Work done between two yields to the event loop, in ms (default 8). */
  sliceMs?: number;
  /** Identifies the job's checkpoints in the storage (default: the spec's name, made safe). */
  jobId?: string;
  /**
   * Where checkpoints go. Given explicitly, checkpoints are on (a final one at the end of input commits the
   * sinks); otherwise an in-memory storage is used, and checkpoints are on when the spec sets an interval.
   */
  checkpointStorage?: CheckpointStorage;
  /** Overrides `settings.stateBackend`: 'heap' (default) or 'disk' (an embedded LMDB store per keyed subtask). */
  stateBackend?: 'heap' | 'disk';
  /**
   * Disk state backend: the directory its stores go in (one subdirectory per keyed operator subtask, deleted when
   * the job is disposed or the process exits). Default: `<os tmpdir>/flowstate-state/<jobId>`.
   */
  stateDir?: string;
  /** Disk state backend: cache entries per state (default: a share of the heap, `state/disk/cacheBudget.ts`). */
  stateCacheEntries?: number;
  /**
   * Disk backend: a full checkpoint of at least this many entries per subtask is the store as an LMDB file
   * (restored by taking the file); smaller ones are JSON-lines sections (default 100 000).
   */
  stateNativeMinEntries?: number;
  /** Start from a checkpoint instead of from scratch. */
  restoreFrom?: RestoreTarget;
  /** Why the job starts from `restoreFrom`, as its `restored` event says (default "restored on start"). */
  restoreReason?: string;
  /**
   * Restores drop the state of nodes the spec no longer has, or whose state layout changed, instead of failing
   * (Flink's `--allowNonRestoredState`); see `checkRestoreCompatibility`.
   */
  allowNonRestoredState?: boolean;
  /** Job lifecycle and checkpoint events (what the server persists and streams). */
  onEvent?: (e: JobEvent) => void;
  /**
   * Test hook: operator `nodeId` throws once the job-wide count of rows it received reaches `afterRecords` — and,
   * with `afterCheckpoints`, once that many checkpoints completed (a failure with older checkpoints to fall back
   * to, however slow the machine).
   */
  failures?: Array<{ nodeId: string; afterRecords: number; afterCheckpoints?: number }>;
}

/** One node's figures (the contract's, with the watermark as the engine holds it: ±Infinity, not null). */
export type NodeMetrics = Omit<ContractNodeMetrics, 'watermark'> & {
  /** Minimum over the node's subtasks; -Infinity before the first watermark, +Infinity after the end. */
  watermark: number;
};

export type JobMetrics = Omit<ContractJobMetrics, 'nodes'> & { nodes: NodeMetrics[] };

/** One delivery of a state subscription (the contract's, with the node it is about). */
export type StateChanges = Omit<ContractStateChanges, 'changes'> & {
  nodeId: string;
  changes: Array<{ key: Key; value: unknown }>;
};

export interface JobResult {
  status: JobStatus;
  error?: Error;
  metrics: JobMetrics;
}

/** A spec that did not validate: the job cannot be created. */
export class JobSpecError extends Error {
  constructor(readonly problems: Problem[]) {
    super(
      `the job spec is not valid:\n${problems.map((p) => `  ${p.path || '/'}: ${p.message}`).join('\n')}`,
    );
    this.name = 'JobSpecError';
  }
}

/** A state query named a node that holds no keyed state. */
export class StateQueryError extends Error {
  override readonly name = 'StateQueryError';
  constructor(
    readonly code: 'NO_SUCH_NODE' | 'NO_KEYED_STATE' | 'NOT_A_COLLECT_SINK',
    message: string,
  ) {
    super(message);
  }
}

/** The failure a test asked for (JobOptions.failures). */
export class InjectedFailure extends Error {
  override readonly name = 'InjectedFailure';
}
