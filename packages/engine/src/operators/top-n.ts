import type { TopNNode } from '@flowstate/spec';
import type { RuntimeContext } from '../runtime/context';
import type { Row } from '../runtime/elements';
import type { Collector } from '../runtime/operator';
import { type InternalValueState, type Key, ValueStateDescriptor, VOID_NAMESPACE } from '../state/index';
import { KeyedProcessOperator } from './keyed-process';
import { RowProblem } from './row-errors';

const FIRE = 'fire';

/** SQL ordering of one field's values: NULL first ascending (last descending), numbers, strings, bools. */
function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

/**
 * `topN` — Flink SQL's Window Top-N (`WindowRankOperator`): the input is keyed by `window_start`, `window_end`
 * and any partition fields; when the watermark reaches `window_end - 1` it emits the key's rows whose rank by
 * `orderBy` is ≤ n, best first, at `window_end - 1`, with the rank in `rankField` when asked. `row_number`
 * numbers rows 1, 2, 3 … (ties in arrival order); `rank` gives ties one rank and skips the ranks they take
 * (1, 1, 3); `dense_rank` does not skip (1, 1, 2). A row for a window that has fired is late: dropped and
 * counted.
 *
 * State (keyed, `ValueState` 'top-rows'): the key's candidates, sorted, kept to what can still rank ≤ n — n
 * rows for row_number, plus the ties at the n-th rank for rank and dense_rank — so a window holds O(n) rows
 * whatever its input (Flink's `TopNBuffer`). Replaced, never changed in place, and only when a row gets in.
 */
export class TopNOperator extends KeyedProcessOperator<TopNNode> {
  private top!: InternalValueState<Row[]>;
  private readonly n: number;
  private readonly fn: TopNNode['function'];
  private readonly order: Array<{ field: string; sign: 1 | -1 }>;

  constructor(node: TopNNode, ctx: RuntimeContext, keyFields: readonly string[]) {
    super(node, ctx, keyFields);
    this.n = node.n;
    this.fn = node.function;
    this.order = node.orderBy.map((o) => ({ field: o.field, sign: o.direction === 'desc' ? -1 : 1 }));
  }

  override open(): void {
    super.open();
    this.top = this.backend.getPartitionedState(
      VOID_NAMESPACE,
      new ValueStateDescriptor<Row[]>('top-rows', { copy: (rows) => rows }),
    );
  }

  private compare(a: Row, b: Row): number {
    for (const { field, sign } of this.order) {
      const c = compareValues(a[field], b[field]);
      if (c !== 0) return c * sign;
    }
    return 0;
  }

  processBatch(rows: Row[], ts: number[], out: Collector): void {
    const keys = this.keys;
    this.forEachRow(rows, ts, out, (row) => {
      const end = row.window_end;
      if (typeof end !== 'number') {
        throw new RowProblem(
          'NO_WINDOW_END',
          `topN '${this.node.id}': the row's window_end is NULL or not a timestamp`,
        );
      }
      const fireAt = end - 1;
      if (fireAt <= this.watermark) {
        this.metrics.lateRowsDropped++;
        return;
      }
      this.backend.setCurrentKey(keys.getKey(row));
      const current = this.top.value() ?? [];
      const next = this.insert(current, row);
      if (next !== current) this.top.update(next);
      this.timers.registerEventTimeTimer(FIRE, fireAt);
    });
  }

  /** The candidates with `row` in its place (after its ties), trimmed; the same array when it does not get in. */
  private insert(rows: Row[], row: Row): Row[] {
    // First position whose row is worse than `row` (ties stay before it: arrival order).
    let lo = 0;
    let hi = rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(rows[mid]!, row) <= 0) lo = mid + 1;
      else hi = mid;
    }
    const pos = lo;
    if (this.fn === 'row_number' && pos >= this.n) return rows;
    const next = rows.slice(0, pos);
    next.push(row);
    for (let i = pos; i < rows.length; i++) next.push(rows[i]!);
    return this.trim(next);
  }

  /** Drops the rows whose rank is beyond n. */
  private trim(rows: Row[]): Row[] {
    const ranks = this.ranks(rows);
    let keep = rows.length;
    while (keep > 0 && ranks[keep - 1]! > this.n) keep--;
    return keep === rows.length ? rows : rows.slice(0, keep);
  }

  private ranks(rows: Row[]): number[] {
    const out = new Array<number>(rows.length);
    let rank = 0;
    let dense = 0;
    for (let i = 0; i < rows.length; i++) {
      const tie = i > 0 && this.compare(rows[i - 1]!, rows[i]!) === 0;
      if (!tie) {
        rank = i + 1;
        dense++;
      }
      out[i] = this.fn === 'row_number' ? i + 1 : this.fn === 'rank' ? rank : dense;
    }
    return out;
  }

  protected onTimer(_key: Key, _ns: unknown, time: number): void {
    const rows = this.top.value();
    if (rows === undefined) return;
    const ranks = this.ranks(rows);
    const field = this.node.rankField;
    for (let i = 0; i < rows.length; i++) {
      if (ranks[i]! > this.n) break;
      this.emit(field === undefined ? rows[i]! : { ...rows[i]!, [field]: ranks[i]! }, time);
    }
    this.top.clear();
  }

  /** The key's current top rows with their ranks. */
  stateView(key: Key): unknown {
    this.backend.setCurrentKey(key);
    const rows = this.top.value();
    if (rows === undefined) return undefined;
    const ranks = this.ranks(rows);
    return rows.map((row, i) => ({ rank: ranks[i]!, row }));
  }
}
