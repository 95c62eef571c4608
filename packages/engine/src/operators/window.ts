import type { WindowNode } from '@flowstate/spec';
import type { RuntimeContext } from '../runtime/context';
import { NO_TIMESTAMP, type Row } from '../runtime/elements';
import type { Collector, OperatorRestore, OperatorSnapshot, OperatorStateType } from '../runtime/operator';
import { type Key, type StateTable, ValueStateDescriptor, VOID_NAMESPACE } from '../state/index';
import { InternalTimerServiceImpl, TimerQueue, type Triggerable } from '../time/index';
import type { Acc } from './aggregates';
import { KeyedOperator } from './keyed';
import { RowProblem } from './row-errors';

/** One session window of a key with its accumulator (session windows merge, so they are kept per key). */
interface Session {
  start: number;
  end: number;
  acc: Acc;
}

/** A window operator's non-keyed state: its watermark (null before the first), from which its timers follow. */
export interface WindowOperatorState {
  watermark: number | null;
}

const WINDOW_OPERATOR_STATE: OperatorStateType<WindowOperatorState> = {
  name: "window's state ({ watermark })",
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
 * Flink's `WindowOperator` with the default trigger (`EventTimeTrigger` / `ProcessingTimeTrigger`) and an
 * incremental aggregate, for tumbling, sliding and (merging) session windows.
 *
 * - Window contents are accumulators in keyed state: tumbling/sliding windows in a table namespaced by the
 *   window's start (end = start + size), sessions as a per-key list (they merge, so their bounds change).
 * - A window fires when the watermark reaches `end - 1` (its `maxTimestamp`). Tumbling and sliding windows have
 *   one timer per window (not per key and window, as Flink's trigger registers them): every key of a window
 *   fires at the same time, so the timer walks the window's namespace in the state table, in the order the keys
 *   entered it — the order per-key timers would fire in. Sessions keep a timer per key and session, as their
 *   bounds are the key's own. A row that arrives after that but within
 *   `allowedLatenessMs` updates the window, which fires again at once (Flink's trigger returns FIRE when
 *   `maxTimestamp <= watermark`). State is purged by a cleanup timer at `maxTimestamp + allowedLateness`
 *   (a whole window at once: `removeNamespace`).
 * - A row is late when every window it belongs to has `maxTimestamp + allowedLateness <= watermark`: it goes to
 *   the `late` side output when an edge takes it, else it is dropped and counted.
 * - Results carry `window_end - 1` as their event timestamp, so windows can be cascaded.
 * - Processing-time windows fire on processing-time timers; at the end of input the open ones fire (a bounded
 *   job should show every result it computed).
 */
export class WindowOperator extends KeyedOperator<WindowNode, WindowOperatorState> {
  protected override readonly operatorStateType = WINDOW_OPERATOR_STATE;
  private readonly eventTime: boolean;
  private readonly lateness: number;
  private readonly kind: 'tumbling' | 'sliding' | 'session';
  private readonly size: number;
  private readonly slide: number;
  private readonly offset: number;
  private readonly gap: number;
  private windows!: StateTable<Acc>;
  private sessions!: StateTable<Session[]>;
  /** Session windows: timers per (key, session). */
  private timers!: InternalTimerServiceImpl<number>;
  /** Tumbling and sliding windows: timers per window (namespace = window start; the key is always null). */
  private readonly windowTimers = new TimerQueue<number>();
  /** The window whose timers were registered last: most new keys go into the same window. */
  private lastTimerWindow = Number.NaN;
  private watermark = Number.NEGATIVE_INFINITY;
  /** The collector of the call that is firing timers. */
  private out: Collector | null = null;

  constructor(node: WindowNode, ctx: RuntimeContext, keyFields: readonly string[]) {
    super(node, ctx, keyFields, node.aggregates);
    this.eventTime = node.time === 'event';
    this.lateness = this.eventTime ? node.allowedLatenessMs : 0;
    const a = node.assigner;
    this.kind = a.type;
    this.size = a.type === 'session' ? 0 : a.sizeMs;
    this.slide = a.type === 'sliding' ? a.slideMs : this.size;
    this.offset = a.type === 'session' ? 0 : a.offsetMs;
    this.gap = a.type === 'session' ? a.gapMs : 0;
  }

  override open(): void {
    super.open();
    const aggs = this.aggs;
    this.windows = this.backend.getStateTable(
      new ValueStateDescriptor<Acc>('window-contents', { copy: aggs.copy }),
    );
    this.sessions = this.backend.getStateTable(
      new ValueStateDescriptor<Session[]>('session-windows', {
        copy: (list) => list.map((s) => ({ start: s.start, end: s.end, acc: aggs.copy(s.acc) })),
      }),
    );
    const fire: Triggerable<number> = {
      onEventTime: (key, ns, time) => this.onTimer(key, ns, time),
      onProcessingTime: (key, ns, time) => this.onTimer(key, ns, time),
    };
    this.timers = new InternalTimerServiceImpl<number>(this.backend, this.ctx.clock, fire);
  }

  stateView(key: Key): unknown {
    const windows: Row[] = [];
    const add = (start: number, end: number, acc: Acc) => {
      const o: Row = { window_start: start, window_end: end };
      this.aggs.emit(acc, o);
      windows.push(o);
    };
    if (this.kind === 'session') {
      for (const s of this.sessions.get(key, VOID_NAMESPACE) ?? []) add(s.start, s.end, s.acc);
    } else {
      for (const ns of this.windows.namespaces()) {
        const acc = this.windows.get(key, ns);
        if (acc !== undefined) add(ns as number, (ns as number) + this.size, acc);
      }
      windows.sort((a, b) => (a.window_start as number) - (b.window_start as number));
    }
    return windows.length > 0 ? { windows } : undefined;
  }

  /** Flink's `TimeWindow.getWindowStartWithOffset`. */
  private windowStart(ts: number, size: number): number {
    const rem = (ts - this.offset) % size;
    return rem < 0 ? ts - (rem + size) : ts - rem;
  }

  processBatch(rows: Row[], ts: number[], out: Collector): void {
    this.out = out;
    this.metrics.recordsIn += rows.length;
    const before = out.rows.length;
    const now = this.eventTime ? 0 : this.ctx.clock.now();
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const t = this.eventTime ? ts[i]! : now;
      if (t === NO_TIMESTAMP) {
        this.missingTimestamp(row);
        continue;
      }
      const key = this.keys.getKey(row);
      try {
        const assigned =
          this.kind === 'session' ? this.addToSession(key, row, t) : this.addToWindows(key, row, t);
        if (!assigned) this.lateRow(row, t);
      } catch (e) {
        this.rowFailed(e, row);
      }
    }
    this.metrics.recordsOut += out.rows.length - before;
  }

  private missingTimestamp(row: Row): void {
    this.rowFailed(
      new RowProblem(
        'NO_TIMESTAMP',
        'the row has no event timestamp: declare a watermark on its source, or use processing time',
      ),
      row,
    );
  }

  private lateRow(row: Row, t: number): void {
    const late = this.out!.late;
    if (late) late.emit(row, t);
    else this.metrics.lateRowsDropped++;
  }

  /** Tumbling and sliding windows; false when the row was late for every window it belongs to. */
  private addToWindows(key: Key, row: Row, t: number): boolean {
    const { size, slide, windows, aggs } = this;
    const wm = this.watermark;
    let assigned = false;
    // The argument expressions may throw: evaluate into a fresh accumulator first, so nothing half-changes.
    let single: Acc | undefined;
    let singleUsed = false;
    for (let start = this.windowStart(t, slide); start > t - size; start -= slide) {
      const maxTs = start + size - 1;
      if (this.eventTime && maxTs + this.lateness <= wm) continue; // this window is late
      assigned = true;
      if (single === undefined) single = aggs.add(undefined, row);
      const acc = windows.getForUpdate(key, start);
      let next: Acc;
      if (acc === undefined) {
        // A fresh accumulator serves one window; a bare number can be shared.
        next = aggs.scalar || !singleUsed ? single : aggs.add(undefined, row);
        singleUsed = true;
        windows.put(key, start, next);
        this.registerWindowTimers(start, maxTs);
      } else {
        next = aggs.add(acc, row);
        if (next !== acc) windows.put(key, start, next);
      }
      if (this.eventTime && maxTs <= wm) this.emit(key, start, start + size, next);
    }
    return assigned;
  }

  /** Tumbling and sliding windows: the end-of-window and cleanup timers of window `ns` (idempotent). */
  private registerWindowTimers(ns: number, maxTs: number): void {
    if (ns === this.lastTimerWindow) return;
    this.lastTimerWindow = ns;
    const q = this.windowTimers;
    if (!this.eventTime) {
      q.add(null, ns, maxTs);
      return;
    }
    if (maxTs > this.watermark) q.add(null, ns, maxTs);
    if (this.lateness > 0) q.add(null, ns, maxTs + this.lateness);
  }

  /** Session windows: the timers of the current key's session `ns`. */
  private registerTimers(ns: number, maxTs: number): void {
    if (!this.eventTime) {
      this.timers.registerProcessingTimeTimer(ns, maxTs);
      return;
    }
    if (maxTs > this.watermark) this.timers.registerEventTimeTimer(ns, maxTs);
    if (this.lateness > 0) this.timers.registerEventTimeTimer(ns, maxTs + this.lateness);
  }

  private deleteTimers(ns: number, maxTs: number): void {
    if (!this.eventTime) {
      this.timers.deleteProcessingTimeTimer(ns, maxTs);
      return;
    }
    this.timers.deleteEventTimeTimer(ns, maxTs);
    if (this.lateness > 0) this.timers.deleteEventTimeTimer(ns, maxTs + this.lateness);
  }

  /** Session windows `[t, t + gap)`, merged with every window of the key they overlap or touch. */
  private addToSession(key: Key, row: Row, t: number): boolean {
    const { aggs, sessions } = this;
    const list = sessions.getForUpdate(key, VOID_NAMESPACE);
    let start = t;
    let end = t + this.gap;
    let first = -1;
    let count = 0;
    if (list) {
      for (let i = 0; i < list.length; i++) {
        const s = list[i]!;
        // Flink's TimeWindow.intersects: this.start <= other.end && this.end >= other.start
        if (s.start <= t + this.gap && s.end >= t) {
          if (first < 0) first = i;
          count++;
          if (s.start < start) start = s.start;
          if (s.end > end) end = s.end;
        }
      }
    }
    const maxTs = end - 1;
    if (this.eventTime && maxTs + this.lateness <= this.watermark) return false;
    let acc = aggs.add(undefined, row); // may throw: nothing has changed yet
    this.backend.setCurrentKey(key);
    const merged: Session = { start, end, acc };
    if (list && count > 0) {
      for (let i = first; i < first + count; i++) {
        const s = list[i]!;
        acc = aggs.merge(s.acc, acc);
        this.deleteTimers(s.start, s.end - 1);
      }
      merged.acc = acc;
      list.splice(first, count, merged);
    } else if (list) {
      let at = 0;
      while (at < list.length && list[at]!.start < start) at++;
      list.splice(at, 0, merged);
    } else {
      sessions.put(key, VOID_NAMESPACE, [merged]);
    }
    this.registerTimers(start, maxTs);
    if (this.eventTime && maxTs <= this.watermark) this.emit(key, start, end, merged.acc);
    return true;
  }

  private emit(key: Key, start: number, end: number, acc: Acc): void {
    const o: Row = {};
    this.keys.writeKeyFields(key, o);
    o.window_start = start;
    o.window_end = end;
    this.aggs.emit(acc, o);
    this.out!.emit(o, end - 1);
  }

  /** The timer of tumbling/sliding window `ns` fired: emit every key's row at its end, purge it at cleanup time. */
  private onWindowTimer(ns: number, time: number): void {
    if (ns === this.lastTimerWindow) this.lastTimerWindow = Number.NaN; // a later key re-registers (processing time)
    const maxTs = ns + this.size - 1;
    const end = ns + this.size;
    if (time === maxTs) this.windows.forEachIn(ns, (key, acc) => this.emit(key, ns, end, acc));
    if (time === maxTs + this.lateness) this.windows.removeNamespace(ns);
  }

  /** A timer of (key, session start) fired: emit the session at its end, purge it at its cleanup time. */
  private onTimer(key: Key, ns: number, time: number): void {
    const list = this.sessions.get(key, VOID_NAMESPACE);
    if (!list) return;
    const idx = list.findIndex((s) => s.start === ns);
    if (idx < 0) return;
    const s = list[idx]!;
    const maxTs = s.end - 1;
    if (time === maxTs) this.emit(key, s.start, s.end, s.acc);
    if (time === maxTs + this.lateness) {
      const l = this.sessions.getForUpdate(key, VOID_NAMESPACE)!;
      l.splice(idx, 1);
      if (l.length === 0) this.sessions.remove(key, VOID_NAMESPACE);
    }
  }

  /** Fires the tumbling/sliding window timers up to `time`. */
  private fireWindows(time: number): void {
    const q = this.windowTimers;
    while (q.poll(time)) this.onWindowTimer(q.polledNamespace, q.polledTime);
  }

  override onProcessingTime(now: number, out: Collector): void {
    this.out = out;
    const before = out.rows.length;
    if (this.kind === 'session') this.timers.advanceProcessingTime(now);
    else this.fireWindows(now);
    this.metrics.recordsOut += out.rows.length - before;
  }

  override nextProcessingTime(): number | undefined {
    if (this.eventTime) return undefined;
    return this.kind === 'session' ? this.timers.nextProcessingTime() : this.windowTimers.peekTime();
  }

  override processWatermark(watermark: number, out: Collector): void {
    if (watermark <= this.watermark) return;
    this.watermark = watermark;
    this.metrics.currentWatermark = watermark;
    this.out = out;
    const before = out.rows.length;
    if (this.kind !== 'session') {
      if (this.eventTime) this.fireWindows(watermark);
    } else this.timers.advanceWatermark(watermark);
    this.metrics.recordsOut += out.rows.length - before;
  }

  override endInput(out: Collector): void {
    if (this.eventTime) return; // the final watermark (+∞) has fired every window
    this.out = out;
    const before = out.rows.length;
    if (this.kind === 'session') this.timers.advanceProcessingTime(Number.POSITIVE_INFINITY);
    else this.fireWindows(Number.POSITIVE_INFINITY);
    this.metrics.recordsOut += out.rows.length - before;
  }

  /**
   * Timers are not snapshotted: they follow from the window state (every window has its end-of-window timer
   * until it fires, and its cleanup timer). The snapshot carries the operator's watermark instead, so a
   * restore re-registers exactly the timers that had not fired — and late rows are judged as before. This
   * keeps the synchronous part of a checkpoint O(1) however many windows are open.
   */
  override snapshotState(checkpointId: number): OperatorSnapshot<WindowOperatorState> | null {
    const s = super.snapshotState(checkpointId);
    return s
      ? { ...s, operatorState: { watermark: Number.isFinite(this.watermark) ? this.watermark : null } }
      : s;
  }

  protected override initializeState(r: OperatorRestore<WindowOperatorState>): void {
    super.initializeState(r);
    // Every subtask of an operator holds the same watermark at an aligned barrier; take the lowest.
    let wm = Number.POSITIVE_INFINITY;
    for (const o of r.operatorStates) wm = Math.min(wm, o.state.watermark ?? Number.NEGATIVE_INFINITY);
    if (r.operatorStates.length === 0) wm = Number.NEGATIVE_INFINITY;
    this.watermark = wm;
    this.metrics.currentWatermark = wm;
    const register = (key: Key, start: number, end: number) => {
      this.backend.setCurrentKey(key);
      this.registerTimers(start, end - 1);
    };
    if (this.kind === 'session') {
      for (const key of this.sessions.keysOf(VOID_NAMESPACE)) {
        for (const s of this.sessions.get(key, VOID_NAMESPACE) ?? []) register(key, s.start, s.end);
      }
    } else {
      // One pair of timers per open window, whatever the number of keys in it.
      for (const ns of this.windows.namespaces())
        this.registerWindowTimers(ns as number, (ns as number) + this.size - 1);
    }
  }
}
