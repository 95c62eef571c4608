import type { OverNode } from '@flowstate/spec';
import type { RuntimeContext } from '../runtime/context';
import type { Row } from '../runtime/elements';
import type { Collector } from '../runtime/operator';
import { type InternalValueState, type Key, ValueStateDescriptor, VOID_NAMESPACE } from '../state/index';
import type { Acc } from './aggregates';
import { KeyedProcessOperator } from './keyed-process';
import { TimeBuckets } from './time-buckets';

const ROWS = 'rows';

/**
 * `over` — Flink SQL's event-time bounded OVER aggregation, `OVER (PARTITION BY key ORDER BY rowtime RANGE|ROWS
 * BETWEEN … PRECEDING AND CURRENT ROW)` (`RowTimeRangeBoundedPrecedingFunction`,
 * `RowTimeRowsBoundedPrecedingFunction`). Every input row gives one output row — its own fields, then the
 * aggregates over its frame — emitted in event-time order once the watermark reaches the row's time (rows
 * arrive out of order; their frames are defined in order).
 *
 * - RANGE (`precedingMs`): the frame of a row at time t is the key's rows with time in [t − precedingMs, t]
 *   (rows at the same time share it, all of them included).
 * - ROWS (`precedingRows` = N): the row and the N before it, ordered by time, then arrival.
 *
 * State (keyed, as Flink's): the rows by time ('rows', `MapState` time → rows) — those waiting for the
 * watermark and those still inside some future frame — and the time of the last rows emitted
 * ('last-emitted', `ValueState`). A row at or before that time can no longer be placed in order: it is late,
 * dropped and counted (Flink's `lastTriggeringTs` rule). An event-time timer at each row's time emits it; then
 * rows no future frame can reach are removed. A frame's aggregates are computed from its rows (MIN and MAX
 * have no retraction), in time order.
 */
export class OverOperator extends KeyedProcessOperator<OverNode> {
  private rows!: TimeBuckets<Row>;
  private lastEmitted!: InternalValueState<number>;
  private readonly range: number | null;
  private readonly count: number | null;

  constructor(node: OverNode, ctx: RuntimeContext, keyFields: readonly string[]) {
    super(node, ctx, keyFields, node.aggregates);
    this.range = node.precedingMs ?? null;
    this.count = node.precedingMs === undefined ? (node.precedingRows ?? 0) : null;
  }

  override open(): void {
    super.open();
    this.rows = new TimeBuckets<Row>(this.backend, 'rows');
    this.lastEmitted = this.backend.getPartitionedState(
      VOID_NAMESPACE,
      new ValueStateDescriptor<number>('last-emitted'),
    );
  }

  processBatch(rows: Row[], ts: number[], out: Collector): void {
    const keys = this.keys;
    this.forEachRow(rows, ts, out, (row, t0) => {
      const t = this.eventTime(t0);
      const key = keys.getKey(row);
      this.backend.setCurrentKey(key);
      const last = this.lastEmitted.value();
      if (last !== undefined && t <= last) {
        this.metrics.lateRowsDropped++;
        return;
      }
      this.rows.add(key, t, row);
      this.timers.registerEventTimeTimer(ROWS, t);
    });
  }

  protected onTimer(key: Key, _ns: unknown, time: number): void {
    const buckets = this.rows.get(key);
    const current = buckets?.get(time);
    if (buckets === undefined || current === undefined) return;
    const times = [...buckets.keys()].filter((t) => t <= time).sort((a, b) => a - b);
    if (this.range !== null) {
      // One frame for every row at `time`: the rows in [time − range, time].
      let acc: Acc | undefined;
      for (const t of times) {
        if (t < time - this.range) continue;
        for (const r of buckets.get(t)!) acc = this.add(acc, r);
      }
      for (const r of current) this.emitWith(r, acc, time);
      // Future frames start after `time − range`.
      for (const t of times) if (t < time - this.range) this.rows.remove(key, t);
    } else {
      const n = this.count!;
      const before: Row[] = [];
      for (const t of times) if (t < time) before.push(...buckets.get(t)!);
      const frame = before.slice(Math.max(0, before.length - n));
      for (const r of current) {
        frame.push(r);
        if (frame.length > n + 1) frame.shift();
        let acc: Acc | undefined;
        for (const f of frame) acc = this.add(acc, f);
        this.emitWith(r, acc, time);
      }
      // Keep the buckets holding the last n rows up to `time` (a bucket is kept whole).
      let keep = 0;
      for (let i = times.length - 1; i >= 0; i--) {
        if (keep >= n) this.rows.remove(key, times[i]!);
        else keep += buckets.get(times[i]!)!.length;
      }
    }
    this.lastEmitted.update(time);
  }

  private add(acc: Acc | undefined, row: Row): Acc | undefined {
    try {
      return this.aggs.add(row, acc);
    } catch (e) {
      this.rowFailed(e, row);
      return acc;
    }
  }

  private emitWith(row: Row, acc: Acc | undefined, ts: number): void {
    const o: Row = { ...row };
    if (acc === undefined) {
      for (const name of this.aggs.names) o[name] = null;
    } else this.aggs.emit(acc, o);
    this.emit(o, ts);
  }

  /** The key's kept rows by time, and the time of the last rows emitted. */
  stateView(key: Key): unknown {
    this.backend.setCurrentKey(key);
    const last = this.lastEmitted.value();
    const rows = [...(this.rows.get(key) ?? [])]
      .sort((a, b) => a[0] - b[0])
      .flatMap(([ts, rs]) => rs.map((row) => ({ ts, row, emitted: last !== undefined && ts <= last })));
    if (rows.length === 0 && last === undefined) return undefined;
    return { rows, lastEmitted: last ?? null };
  }
}
