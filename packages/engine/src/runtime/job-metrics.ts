/**
 * A job's figures, summed per node over its subtasks: records in and out, row errors (and the newest one), late
 * rows dropped (and the newest few), the watermark (minimum over subtasks), the largest event time seen
 * (maximum), idle inputs, keys in state (and, on the disk backend, the bytes its stores take on disk: a few
 * `stat`s per subtask each time the figures are collected), a window's open windows and next firing, time backpressured, and
 * rates — from the difference to the previous sample (kept at least 200 ms apart; reset by a new execution
 * attempt, whose counters start at 0). Records in and out are given twice: since the current attempt started
 * (Flink's numRecordsIn/Out), and in total since the job's input began (the restored checkpoint's counts plus
 * the attempt's).
 */
import {
  type JobMetrics as ContractJobMetrics,
  isTerminalStatus,
  type JobStatus,
  LATE_SAMPLE_SIZE,
  type LateRowSample,
} from '@flowstate/spec';
import type { PhysicalPlan } from '../plan/plan';
import type { Clock, Timers } from '../time/index';
import type { Execution } from './execution';
import type { JobMetrics, NodeMetrics } from './job-types';
import type { RowError } from './operator';
import { SourceTask, StreamTask } from './task';

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
  /** The newest row errors, oldest first. */
  recentRowErrors(): readonly RowError[];
  /** Per node, what the restored checkpoint counted (empty after a fresh start). */
  counterBase(): ReadonlyMap<string, { recordsIn: number; recordsOut: number }>;
  countersSince(): ContractJobMetrics['countersSince'];
}

const finiteOrNull = (n: number): number | null => (Number.isFinite(n) ? n : null);

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
        maxEventTime: null,
        idleInputs: 0,
        inputs: 0,
        lastRowError: null,
        ...(lop.node.kind === 'window' ? { openWindows: 0, nextFireAt: null, lateSample: [] } : {}),
        totalRecordsIn: 0,
        totalRecordsOut: 0,
      });
    }
    const maxEventTime = new Map<string, number>();
    const raise = (id: string, t: number) => {
      if (t > (maxEventTime.get(id) ?? Number.NEGATIVE_INFINITY)) maxEventTime.set(id, t);
    };
    const lateSamples = new Map<string, LateRowSample[]>();
    for (const st of this.host.execution().subtasks) {
      const bp = st.task.metrics.backpressureMs;
      if (st.task instanceof SourceTask) {
        const m = byNode.get(st.task.node.id)!;
        m.recordsOut += st.task.sourceMetrics.recordsOut;
        m.rowErrors += st.task.sourceMetrics.rowErrors;
        m.watermark = Math.min(m.watermark, st.task.sourceMetrics.currentWatermark);
        m.backpressureMs += bp;
        m.inputs++;
        if (st.task.isIdle) m.idleInputs++;
        for (const split of st.task.splits) raise(m.nodeId, split.maxTs);
      }
      const gate = st.task instanceof StreamTask ? st.task.gate : null;
      st.operators.forEach((op, id) => {
        const m = byNode.get(id)!;
        m.recordsIn += op.metrics.recordsIn;
        m.recordsOut += op.metrics.recordsOut;
        m.rowErrors += op.metrics.rowErrors;
        m.lateRowsDropped += op.metrics.lateRowsDropped;
        m.watermark = Math.min(m.watermark, op.metrics.currentWatermark);
        m.numKeys += op.numKeys();
        const onDisk = op.stateBytesOnDisk?.();
        if (onDisk !== undefined) m.stateBytesOnDisk = (m.stateBytesOnDisk ?? 0) + onDisk;
        m.backpressureMs += bp;
        raise(id, op.metrics.maxEventTime);
        if (gate !== null && m.kind !== 'source') {
          // Every operator of a chain reads through its task's gate.
          m.inputs += gate.channels.length;
          m.idleInputs += gate.idleChannels;
        }
        const figures = op.windowFigures?.();
        if (figures !== undefined) {
          m.openWindows = (m.openWindows ?? 0) + figures.openWindows;
          const next = figures.nextFireAt;
          if (next !== undefined && (m.nextFireAt == null || next < m.nextFireAt)) m.nextFireAt = next;
        }
        if (op.metrics.lateSample.length > 0) {
          const newestFirst = op.metrics.lateSample.slice().reverse();
          lateSamples.set(id, [...(lateSamples.get(id) ?? []), ...newestFirst]);
        }
      });
    }
    const base = this.host.counterBase();
    for (const m of byNode.values()) {
      if (m.watermark === Number.POSITIVE_INFINITY && m.recordsIn === 0 && m.kind !== 'source')
        m.watermark = Number.NEGATIVE_INFINITY;
      m.maxEventTime = finiteOrNull(maxEventTime.get(m.nodeId) ?? Number.NEGATIVE_INFINITY);
      const late = lateSamples.get(m.nodeId);
      if (late !== undefined) {
        // Newest first: each subtask's in arrival order, merged by the watermark they missed (a stable sort).
        m.lateSample = late.sort((a, b) => b.watermark - a.watermark).slice(0, LATE_SAMPLE_SIZE);
      }
      const b = base.get(m.nodeId);
      m.totalRecordsIn = (b?.recordsIn ?? 0) + m.recordsIn;
      m.totalRecordsOut = (b?.recordsOut ?? 0) + m.recordsOut;
    }
    const errors = this.host.recentRowErrors();
    for (let i = errors.length - 1; i >= 0; i--) {
      const e = errors[i]!;
      const m = byNode.get(e.nodeId);
      if (m !== undefined && m.lastRowError === null)
        m.lastRowError = { code: e.code, message: e.message, position: e.position };
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
