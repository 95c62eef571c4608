import type { WindowJoinNode } from '@flowstate/spec';
import type { RuntimeContext } from '../../runtime/context';
import type { Row } from '../../runtime/elements';
import type { Collector, OperatorRestore } from '../../runtime/operator';
import { type InternalListState, type Key, ListStateDescriptor, type StateTable } from '../../state/index';
import type { ProcessOperatorState } from '../keyed-process';
import type { WindowBounds } from './join-output';
import { type JoinSide, KeyedTwoInputOperator } from './two-input';

/** The start of the window of `size` (offset `offset`) that holds `ts` (Flink's `TimeWindow.getWindowStartWithOffset`). */
export function windowStart(ts: number, offset: number, size: number): number {
  const r = (ts - offset) % size;
  return ts - (r < 0 ? r + size : r);
}

/** Rows are never changed in place: a copy of a list (for a snapshot) may share them. */
const sameRow = (row: Row): Row => row;

/**
 * `windowJoin` — Flink SQL's window join (`WindowJoinOperator`): both sides are assigned to tumbling or sliding
 * windows by event time; when the watermark reaches a window's `window_end - 1`, every pair of its rows with
 * equal keys is emitted (left × right, in arrival order), at `window_end - 1`; in an outer join a side whose
 * window holds no row of the other pads its rows. A row all of whose windows have fired is late: dropped and
 * counted (Flink drops them too).
 *
 * State (keyed): a `ListState` per side, namespaced by window start ('left-rows', 'right-rows' — Flink's
 * `WindowListState`s), used through their state tables: a row is appended in place, and a window fires for
 * all its keys at once — every key of a window ends at the same time, so, as the window operator does for
 * tumbling and sliding windows, there is no timer per key: the open windows are the tables' namespaces, and the
 * watermark fires those it has passed (keys in the order they entered the window) and drops them. Nothing about
 * timers goes into a checkpoint; a restore finds the open windows in the restored state.
 */
export class WindowJoinOperator extends KeyedTwoInputOperator<WindowJoinNode> {
  private left!: StateTable<Row[]>;
  private right!: StateTable<Row[]>;
  /** Starts of the windows holding rows (the tables' namespaces), not yet fired. */
  private readonly openWindows = new Set<number>();
  private readonly size: number;
  private readonly slide: number;
  private readonly offset: number;
  /** The starts of the last row's windows, reused while rows fall in the same ones. */
  private lastStarts: number[] = [];
  private lastFrom = Number.NaN;
  private lastTo = Number.NaN;

  constructor(
    node: WindowJoinNode,
    ctx: RuntimeContext,
    leftKey: readonly string[],
    rightKey: readonly string[],
  ) {
    super(node, ctx, leftKey, rightKey);
    const a = node.assigner;
    this.size = a.sizeMs;
    this.slide = a.type === 'sliding' ? a.slideMs : a.sizeMs;
    this.offset = a.offsetMs ?? 0;
  }

  override open(): void {
    super.open();
    const left: InternalListState<Row> = this.backend.getOrCreateKeyedState(
      new ListStateDescriptor<Row>('left-rows', { copy: sameRow }),
    );
    const right: InternalListState<Row> = this.backend.getOrCreateKeyedState(
      new ListStateDescriptor<Row>('right-rows', { copy: sameRow }),
    );
    this.left = left.getStateTable();
    this.right = right.getStateTable();
  }

  /** The starts of the windows that hold `ts`, oldest first (the same array for a run of rows in them). */
  private windowsOf(ts: number): number[] {
    if (ts >= this.lastFrom && ts < this.lastTo) return this.lastStarts;
    const starts: number[] = [];
    const last = windowStart(ts, this.offset, this.slide);
    for (let start = last - this.size + this.slide; start <= last; start += this.slide) {
      if (start + this.size > ts) starts.push(start); // (all of them unless size is not a multiple of slide)
    }
    // Every ts in [last, last + slide) ∩ [.., first end) falls in exactly these windows.
    this.lastStarts = starts;
    this.lastFrom = last;
    this.lastTo = Math.min(last + this.slide, starts[0]! + this.size);
    return starts;
  }

  protected processLeft(row: Row, ts: number, key: Key): void {
    this.assign(row, ts, key, this.left);
  }

  protected processRight(row: Row, ts: number, key: Key): void {
    this.assign(row, ts, key, this.right);
  }

  private assign(row: Row, ts: number, key: Key, table: StateTable<Row[]>): void {
    const t = this.eventTime(ts);
    const starts = this.windowsOf(t);
    let assigned = false;
    for (let i = 0; i < starts.length; i++) {
      const start = starts[i]!;
      if (start + this.size - 1 <= this.watermark) continue; // fired already
      assigned = true;
      const rows = table.getForUpdate(key, start);
      if (rows === undefined) {
        table.put(key, start, [row]);
        this.openWindows.add(start);
      } else rows.push(row);
    }
    if (!assigned) this.metrics.lateRowsDropped++;
  }

  protected override nullKey(row: Row, ts: number, side: JoinSide): void {
    if (!(side === 'left' ? this.leftOuter : this.rightOuter)) return;
    const t = this.eventTime(ts);
    let assigned = false;
    for (const start of this.windowsOf(t)) {
      if (start + this.size - 1 <= this.watermark) continue;
      assigned = true;
      const end = start + this.size;
      this.emitPadded(row, end - 1, side, { start, end });
    }
    if (!assigned) this.metrics.lateRowsDropped++;
  }

  override processWatermark(watermark: number, out: Collector): void {
    if (watermark <= this.watermark) return;
    super.processWatermark(watermark, out);
    const due = [...this.openWindows]
      .filter((start) => start + this.size - 1 <= watermark)
      .sort((a, b) => a - b);
    if (due.length === 0) return;
    this.out = out;
    try {
      for (const start of due) this.fire(start);
    } finally {
      this.out = null;
    }
  }

  private fire(start: number): void {
    const window: WindowBounds = { start, end: start + this.size };
    const time = window.end - 1;
    this.left.forEachIn(start, (key, ls) => {
      const rs = this.right.get(key, start);
      if (rs !== undefined && rs.length > 0) {
        for (const l of ls) for (const r of rs) this.emitJoined(l, r, time, window);
      } else if (this.leftOuter) {
        for (const l of ls) this.emitPadded(l, time, 'left', window);
      }
    });
    if (this.rightOuter) {
      this.right.forEachIn(start, (key, rs) => {
        if (this.left.get(key, start) !== undefined) return;
        for (const r of rs) this.emitPadded(r, time, 'right', window);
      });
    }
    this.left.removeNamespace(start);
    this.right.removeNamespace(start);
    this.openWindows.delete(start);
  }

  protected onTimer(): void {
    // No timers: windows fire from processWatermark.
  }

  protected override initializeState(r: OperatorRestore<ProcessOperatorState>): void {
    super.initializeState(r);
    this.openWindows.clear();
    for (const ns of this.left.namespaces()) this.openWindows.add(ns as number);
    for (const ns of this.right.namespaces()) this.openWindows.add(ns as number);
  }

  /** The key's open windows with the rows each side has put in them. */
  stateView(key: Key): unknown {
    const windows: Array<{ window_start: number; window_end: number; left: Row[]; right: Row[] }> = [];
    for (const start of [...this.openWindows].sort((a, b) => a - b)) {
      const left = this.left.get(key, start);
      const right = this.right.get(key, start);
      if (left === undefined && right === undefined) continue;
      windows.push({
        window_start: start,
        window_end: start + this.size,
        left: [...(left ?? [])],
        right: [...(right ?? [])],
      });
    }
    return windows.length === 0 ? undefined : windows;
  }
}
