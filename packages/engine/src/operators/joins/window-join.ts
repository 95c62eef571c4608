import type { WindowJoinNode } from '@flowstate/spec';
import type { RuntimeContext } from '../../runtime/context';
import type { Row } from '../../runtime/elements';
import { type InternalListState, type Key, ListStateDescriptor, type Namespace } from '../../state/index';
import type { WindowBounds } from './join-output';
import { type JoinSide, KeyedTwoInputOperator } from './two-input';

/** The start of the window of `size` (offset `offset`) that holds `ts` (Flink's `TimeWindow.getWindowStartWithOffset`). */
export function windowStart(ts: number, offset: number, size: number): number {
  const r = (ts - offset) % size;
  return ts - (r < 0 ? r + size : r);
}

/**
 * `windowJoin` — Flink SQL's window join (`WindowJoinOperator`): both sides are assigned to tumbling or sliding
 * windows by event time; when the watermark reaches a window's `window_end - 1`, every pair of its rows with
 * equal keys is emitted (left × right, in arrival order), at `window_end - 1`; in an outer join a side whose
 * window holds no row of the other pads its rows. A row all of whose windows have fired is late: dropped and
 * counted (Flink drops them too).
 *
 * State (keyed): a `ListState` per side, namespaced by window start ('left-rows', 'right-rows' — Flink's
 * `WindowListState`s), and one event-time timer per key and window; firing clears both lists.
 */
export class WindowJoinOperator extends KeyedTwoInputOperator<WindowJoinNode> {
  private left!: InternalListState<Row>;
  private right!: InternalListState<Row>;
  private readonly leftDesc = new ListStateDescriptor<Row>('left-rows');
  private readonly rightDesc = new ListStateDescriptor<Row>('right-rows');
  private readonly size: number;
  private readonly slide: number;
  private readonly offset: number;

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
    this.left = this.backend.getOrCreateKeyedState(this.leftDesc);
    this.right = this.backend.getOrCreateKeyedState(this.rightDesc);
  }

  /** The starts of the windows that hold `ts` and have not fired, oldest first. */
  private openWindows(ts: number): number[] {
    const starts: number[] = [];
    const last = windowStart(ts, this.offset, this.slide);
    for (let start = last - this.size + this.slide; start <= last; start += this.slide) {
      if (start + this.size <= ts) continue; // (only when size is not a multiple of slide)
      if (start + this.size - 1 <= this.watermark) continue; // fired already
      starts.push(start);
    }
    return starts;
  }

  protected processLeft(row: Row, ts: number): void {
    this.assign(row, ts, this.left);
  }

  protected processRight(row: Row, ts: number): void {
    this.assign(row, ts, this.right);
  }

  private assign(row: Row, ts: number, state: InternalListState<Row>): void {
    const t = this.eventTime(ts);
    const starts = this.openWindows(t);
    if (starts.length === 0) {
      this.metrics.lateRowsDropped++;
      return;
    }
    for (const start of starts) {
      state.setCurrentNamespace(start);
      state.add(row);
      this.timers.registerEventTimeTimer(start, start + this.size - 1);
    }
  }

  protected override nullKey(row: Row, ts: number, side: JoinSide): void {
    if (!(side === 'left' ? this.leftOuter : this.rightOuter)) return;
    const t = this.eventTime(ts);
    const starts = this.openWindows(t);
    if (starts.length === 0) this.metrics.lateRowsDropped++;
    for (const start of starts) {
      const end = start + this.size;
      this.emitPadded(row, end - 1, side, { start, end });
    }
  }

  protected onTimer(_key: Key, namespace: Namespace, time: number): void {
    const start = namespace as number;
    const window: WindowBounds = { start, end: start + this.size };
    this.left.setCurrentNamespace(start);
    this.right.setCurrentNamespace(start);
    const ls = [...this.left.get()];
    const rs = [...this.right.get()];
    if (ls.length > 0 && rs.length > 0) {
      for (const l of ls) for (const r of rs) this.emitJoined(l, r, time, window);
    } else if (ls.length > 0 && this.leftOuter) {
      for (const l of ls) this.emitPadded(l, time, 'left', window);
    } else if (rs.length > 0 && this.rightOuter) {
      for (const r of rs) this.emitPadded(r, time, 'right', window);
    }
    this.left.clear();
    this.right.clear();
  }

  /** The key's open windows with the rows each side has put in them. */
  stateView(key: Key): unknown {
    const windows = new Map<number, { left: Row[]; right: Row[] }>();
    for (const side of ['left', 'right'] as const) {
      const table = this.backend.getStateTable(side === 'left' ? this.leftDesc : this.rightDesc);
      for (const ns of table.namespaces()) {
        const rows = table.get(key, ns);
        if (rows === undefined || rows.length === 0) continue;
        const start = ns as number;
        let w = windows.get(start);
        if (w === undefined) windows.set(start, (w = { left: [], right: [] }));
        w[side] = [...rows];
      }
    }
    if (windows.size === 0) return undefined;
    return [...windows]
      .sort((a, b) => a[0] - b[0])
      .map(([start, w]) => ({ window_start: start, window_end: start + this.size, ...w }));
  }
}
