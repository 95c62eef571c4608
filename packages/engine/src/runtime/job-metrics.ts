/**
 * A job's figures, summed per node over its subtasks: records in and out, row errors, late rows dropped, the
 * watermark (minimum over subtasks), keys in state, time backpressured, and rates — from the difference to the
 * previous sample (kept at least 200 ms apart; reset by a new execution attempt, whose counters start at 0).
 * Records in and out are given twice: since the current attempt started (Flink's numRecordsIn/Out), and in total
 * since the job's input began (the restored checkpoint's counts plus the attempt's).
 */
import { type JobMetrics as ContractJobMetrics, isTerminalStatus, type JobStatus } from '@flowstate/spec';
import type { PhysicalPlan } from '../plan/plan';
import type { Clock, Timers } from '../time/index';
import type { Execution } from './execution';
import type { JobMetrics, NodeMetrics } from './job-types';
import { SourceTask } from './task';

export interface MetricsHost {
  readonly plan: PhysicalPlan;
  readonly clock: Clock;
  readonly timers: Timers;
  execution(): Execution;
  attempt(): number;
  status(): JobStatus;
  /** Clock time the job first ran (0 before). */
  startedAt(): number;
  restarts(): number;
  rowErrors(): number;
  /** Per node, what the restored checkpoint counted (empty after a fresh start). */
  counterBase(): ReadonlyMap<string, { recordsIn: number; recordsOut: number }>;
  countersSince(): ContractJobMetrics['countersSince'];
}

export class JobMetricsCollector {
  private sample: { at: number; attempt: number; counts: Map<string, [number, number]> } | null = null;
  private readonly rates = new Map<string, [number, number]>();

  constructor(private readonly host: MetricsHost) {}

  collect(): JobMetrics {
    const { plan } = this.host;
    const byNode = new Map<string, NodeMetrics>();
    for (const [id, lop] of plan.operators) {
      byNode.set(id, {
        nodeId: id,
        kind: lop.node.kind,
        parallelism: lop.parallelism,
        recordsIn: 0,
        recordsOut: 0,
        rowErrors: 0,
        lateRowsDropped: 0,
        watermark: Number.POSITIVE_INFINITY,
        numKeys: 0,
        backpressureMs: 0,
        recordsInPerSec: 0,
        recordsOutPerSec: 0,
        totalRecordsIn: 0,
        totalRecordsOut: 0,
      });
    }
    for (const st of this.host.execution().subtasks) {
      const bp = st.task.metrics.backpressureMs;
      if (st.task instanceof SourceTask) {
        const m = byNode.get(st.task.node.id)!;
        m.recordsOut += st.task.sourceMetrics.recordsOut;
        m.rowErrors += st.task.sourceMetrics.rowErrors;
        m.watermark = Math.min(m.watermark, st.task.sourceMetrics.currentWatermark);
        m.backpressureMs += bp;
      }
      for (const [id, op] of st.operators) {
        const m = byNode.get(id)!;
        m.recordsIn += op.metrics.recordsIn;
        m.recordsOut += op.metrics.recordsOut;
        m.rowErrors += op.metrics.rowErrors;
        m.lateRowsDropped += op.metrics.lateRowsDropped;
        m.watermark = Math.min(m.watermark, op.metrics.currentWatermark);
        m.numKeys += op.numKeys();
        m.backpressureMs += bp;
      }
    }
    const base = this.host.counterBase();
    for (const m of byNode.values()) {
      if (m.watermark === Number.POSITIVE_INFINITY && m.recordsIn === 0 && m.kind !== 'source')
        m.watermark = Number.NEGATIVE_INFINITY;
      const b = base.get(m.nodeId);
      m.totalRecordsIn = (b?.recordsIn ?? 0) + m.recordsIn;
      m.totalRecordsOut = (b?.recordsOut ?? 0) + m.recordsOut;
    }
    // A job that ended moves no rows: its last rates would read as if it still did.
    if (!isTerminalStatus(this.host.status())) this.applyRates(byNode, this.host.timers.elapsed());
    const startedAt = this.host.startedAt();
    return {
      status: this.host.status(),
      startedAt,
      uptimeMs: startedAt ? this.host.clock.now() - startedAt : 0,
      restarts: this.host.restarts(),
      countersSince: { ...this.host.countersSince() },
      nodes: [...byNode.values()],
      rowErrors: this.host.rowErrors(),
    };
  }

  private applyRates(byNode: Map<string, NodeMetrics>, at: number): void {
    const attempt = this.host.attempt();
    const prev = this.sample;
    if (!prev || prev.attempt !== attempt || at - prev.at >= 200) {
      if (prev && prev.attempt === attempt) {
        const secs = (at - prev.at) / 1000;
        for (const [id, m] of byNode) {
          const [pin, pout] = prev.counts.get(id) ?? [0, 0];
          this.rates.set(id, [
            Math.max(0, (m.recordsIn - pin) / secs),
            Math.max(0, (m.recordsOut - pout) / secs),
          ]);
        }
      }
      this.sample = {
        at,
        attempt,
        counts: new Map([...byNode].map(([id, m]) => [id, [m.recordsIn, m.recordsOut] as [number, number]])),
      };
    }
    for (const [id, m] of byNode) {
      const r = this.rates.get(id);
      if (r) {
        m.recordsInPerSec = Math.round(r[0]);
        m.recordsOutPerSec = Math.round(r[1]);
      }
    }
  }
}
