import type { JobNode } from '@flowstate/spec';
import type { RuntimeContext } from '../runtime/context';
import { NO_TIMESTAMP, type Row } from '../runtime/elements';
import type { Collector, OperatorRestore, OperatorSnapshot, OperatorStateType } from '../runtime/operator';
import type { Key, Namespace } from '../state/index';
import { InternalTimerServiceImpl, type TimersSnapshotData } from '../time/index';
import { KeyedOperator } from './keyed';
import { RowProblem } from './row-errors';

/** A keyed process operator's non-keyed state: its watermark (null before the first). */
export interface ProcessOperatorState {
  watermark: number | null;
}

const PROCESS_OPERATOR_STATE: OperatorStateType<ProcessOperatorState> = {
  name: "keyed process operator's state ({ watermark })",
  read(value) {
    if (typeof value !== 'object' || value === null) throw new Error('expected an object');
    const wm = 'watermark' in value ? value.watermark : undefined;
    if (wm === undefined || wm === null) return { watermark: null };
    if (typeof wm !== 'number')
      throw new Error(`watermark: expected a number or null, got ${JSON.stringify(wm)}`);
    return { watermark: wm };
  },
};

/**
 * Base of the keyed operators that run on Flink's `InternalTimerService` (what Flink's `KeyedProcessOperator`
 * and the SQL runtime's keyed functions do): per (key, namespace) event-time and processing-time timers, fired
 * with the backend's current key set, checkpointed by key group with the keyed state and redistributed with it
 * on a rescale. The operator's watermark goes into its operator state, so a restored subtask knows which rows
 * are late before the first watermark after the restore arrives (as the window operator does).
 */
export abstract class KeyedProcessOperator<N extends JobNode> extends KeyedOperator<N, ProcessOperatorState> {
  protected override readonly operatorStateType = PROCESS_OPERATOR_STATE;
  protected timers!: InternalTimerServiceImpl<Namespace>;
  protected watermark = Number.NEGATIVE_INFINITY;
  /** The collector of the call in progress (rows, watermark, processing time): where timers emit. */
  protected out: Collector | null = null;

  constructor(
    node: N,
    ctx: RuntimeContext,
    keyFields: readonly string[],
    aggregates: Readonly<Record<string, string>> = {},
  ) {
    super(node, ctx, keyFields, aggregates);
  }

  override open(): void {
    super.open();
    this.timers = new InternalTimerServiceImpl<Namespace>(this.backend, this.ctx.clock, {
      onEventTime: (key, ns, time) => this.onTimer(key, ns, time, 'event'),
      onProcessingTime: (key, ns, time) => this.onTimer(key, ns, time, 'processing'),
    });
  }

  /** A timer fired; the backend's current key is `key`. Emit with `emit`. */
  protected abstract onTimer(
    key: Key,
    namespace: Namespace,
    time: number,
    domain: 'event' | 'processing',
  ): void;

  protected emit(row: Row, ts: number): void {
    const out = this.out!;
    out.rows.push(row);
    out.ts.push(ts);
    this.metrics.recordsOut++;
  }

  /** The row's event timestamp, or a row problem when it has none (no watermark upstream). */
  protected eventTime(ts: number): number {
    if (ts === NO_TIMESTAMP || !Number.isFinite(ts)) {
      throw new RowProblem(
        'NO_EVENT_TIME',
        `${this.node.kind} '${this.node.id}' works in event time, but the row has no event timestamp: declare a watermark on its source`,
      );
    }
    return ts;
  }

  /** True when `ts` is behind the watermark (Flink's `isLate`: `ts < watermark`). */
  protected isLate(ts: number): boolean {
    return ts < this.watermark;
  }

  override processWatermark(watermark: number, out: Collector): void {
    if (watermark <= this.watermark) return;
    this.watermark = watermark;
    this.metrics.currentWatermark = watermark;
    this.out = out;
    try {
      this.timers.advanceWatermark(watermark);
    } finally {
      this.out = null;
    }
  }

  override onProcessingTime(now: number, out: Collector): void {
    this.out = out;
    try {
      this.timers.advanceProcessingTime(now);
    } finally {
      this.out = null;
    }
  }

  override nextProcessingTime(): number | undefined {
    return this.timers?.nextProcessingTime();
  }

  protected override snapshotTimers(): TimersSnapshotData | undefined {
    return this.timers.snapshot();
  }

  protected override restoreTimers(timers: TimersSnapshotData[]): void {
    this.timers.restore(timers, this.ctx.keyGroupRange, this.ctx.maxParallelism);
  }

  override snapshotState(checkpointId: number): OperatorSnapshot<ProcessOperatorState> | null {
    const s = super.snapshotState(checkpointId);
    const state: ProcessOperatorState = {
      watermark: Number.isFinite(this.watermark) ? this.watermark : null,
    };
    return s ? { ...s, operatorState: state } : s;
  }

  /** Restores keyed state and timers; the watermark is the lowest of the old subtasks' (checked by type). */
  protected override initializeState(r: OperatorRestore<ProcessOperatorState>): void {
    super.initializeState(r);
    // Every subtask holds the same watermark at an aligned barrier; after a rescale take the lowest.
    let wm = Number.POSITIVE_INFINITY;
    for (const o of r.operatorStates) wm = Math.min(wm, o.state.watermark ?? Number.NEGATIVE_INFINITY);
    this.watermark = r.operatorStates.length === 0 ? Number.NEGATIVE_INFINITY : wm;
    if (Number.isFinite(this.watermark)) this.metrics.currentWatermark = this.watermark;
  }

  /** Runs `fn` per row with the key set and `out` in place; a row error is reported and the row skipped. */
  protected forEachRow(rows: Row[], ts: number[], out: Collector, fn: (row: Row, ts: number) => void): void {
    this.metrics.recordsIn += rows.length;
    this.out = out;
    try {
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        try {
          fn(row, ts[i]!);
        } catch (e) {
          this.rowFailed(e, row);
        }
      }
    } finally {
      this.out = null;
    }
  }
}

/** True when a key field of `row` is NULL: such a row equals no other row's key (SQL's `NULL = NULL` is unknown). */
export function keyHasNull(row: Row, fields: readonly string[]): boolean {
  for (let i = 0; i < fields.length; i++) {
    const v = row[fields[i]!];
    if (v === null || v === undefined) return true;
  }
  return false;
}
