/** Fixtures shared by the lib tests: the server's metrics shapes with every field filled in. */
import type { JobMetrics, NodeMetrics } from '@flowstate/api';

/** One node's metrics: zeros, overridden by `over`. */
export const nodeMetrics = (over: Partial<NodeMetrics> = {}): NodeMetrics => ({
  nodeId: 'n',
  kind: 'map',
  parallelism: 1,
  recordsIn: 0,
  recordsOut: 0,
  rowErrors: 0,
  lateRowsDropped: 0,
  watermark: null,
  numKeys: 0,
  backpressureMs: 0,
  recordsInPerSec: 0,
  recordsOutPerSec: 0,
  maxEventTime: null,
  idleInputs: 0,
  inputs: 1,
  lastRowError: null,
  totalRecordsIn: over.recordsIn ?? 0,
  totalRecordsOut: over.recordsOut ?? 0,
  ...over,
});

/** A running job's metrics sample. */
export const jobMetrics = (uptimeMs: number, nodes: NodeMetrics[], startedAt = 1000): JobMetrics => ({
  status: 'running',
  startedAt,
  uptimeMs,
  restarts: 0,
  rowErrors: 0,
  countersSince: { cause: 'start', at: startedAt, checkpointId: null },
  nodes,
});
