import type { IntervalJoinNode } from '@flowstate/spec';
import type { RuntimeContext } from '../../runtime/context';
import type { Row } from '../../runtime/elements';
import type { Key, Namespace } from '../../state/index';
import { TimeBuckets } from '../time-buckets';
import { KeyedTwoInputOperator } from './two-input';

/** One buffered row (Flink's `IntervalJoinOperator.BufferEntry`): whether it has found a partner yet. */
export interface BufferEntry {
  row: Row;
  joined: boolean;
}

const CLEANUP_LEFT = 'cleanup-left';
const CLEANUP_RIGHT = 'cleanup-right';

/**
 * `intervalJoin` — Flink's `IntervalJoinOperator` (DataStream `KeyedStream.intervalJoin`), with the SQL interval
 * join's outer types. A left row l and a right row r with equal keys join when `r.ts ∈ [l.ts + lower,
 * l.ts + upper]`; the pair is emitted as soon as the second of them arrives, at `max(l.ts, r.ts)`.
 *
 * State (keyed, per side): a `MapState` from event timestamp to the rows buffered at it ('left-buffer',
 * 'right-buffer'), exactly Flink's layout. Each row registers a cleanup timer at the end of the interval in
 * which the other side can still match it — a left row at `l.ts + upper` (or `l.ts` when upper ≤ 0), a right row
 * at `r.ts − lower` (or `r.ts` when lower ≥ 0) — and when the watermark reaches it the bucket is dropped; in an
 * outer join its rows that never found a partner are emitted then, padded with NULLs, at their own timestamp.
 * A row behind the watermark (`ts < watermark`, Flink's `isLate`) is dropped and counted.
 *
 * Appending to a bucket is O(1) (`TimeBuckets`); marking a row joined replaces its entry. Only outer sides
 * track that mark.
 */
export class IntervalJoinOperator extends KeyedTwoInputOperator<IntervalJoinNode> {
  private left!: TimeBuckets<BufferEntry>;
  private right!: TimeBuckets<BufferEntry>;
  private readonly lower: number;
  private readonly upper: number;

  constructor(
    node: IntervalJoinNode,
    ctx: RuntimeContext,
    leftKey: readonly string[],
    rightKey: readonly string[],
  ) {
    super(node, ctx, leftKey, rightKey);
    this.lower = node.lowerBoundMs;
    this.upper = node.upperBoundMs;
  }

  override open(): void {
    super.open();
    this.left = new TimeBuckets<BufferEntry>(this.backend, 'left-buffer');
    this.right = new TimeBuckets<BufferEntry>(this.backend, 'right-buffer');
  }

  protected processLeft(row: Row, ts: number, key: Key): void {
    const t = this.eventTime(ts);
    if (this.isLate(t)) {
      this.metrics.lateRowsDropped++;
      return;
    }
    // Right rows in [t + lower, t + upper].
    const joined = this.probe(this.right, key, t + this.lower, t + this.upper, this.rightOuter, (r, rts) =>
      this.emitJoined(row, r, Math.max(t, rts)),
    );
    this.left.add(key, t, { row, joined });
    this.timers.registerEventTimeTimer(CLEANUP_LEFT, this.upper > 0 ? t + this.upper : t);
  }

  protected processRight(row: Row, ts: number, key: Key): void {
    const t = this.eventTime(ts);
    if (this.isLate(t)) {
      this.metrics.lateRowsDropped++;
      return;
    }
    // Left rows l with t ∈ [l.ts + lower, l.ts + upper], i.e. l.ts ∈ [t − upper, t − lower].
    const joined = this.probe(this.left, key, t - this.upper, t - this.lower, this.leftOuter, (l, lts) =>
      this.emitJoined(l, row, Math.max(lts, t)),
    );
    this.right.add(key, t, { row, joined });
    this.timers.registerEventTimeTimer(CLEANUP_RIGHT, this.lower < 0 ? t - this.lower : t);
  }

  /**
   * Calls `emit` for every buffered row of `buffer` with a timestamp in [from, to]; marks them joined when
   * `mark` (their side is outer). Returns whether any matched.
   */
  private probe(
    buffer: TimeBuckets<BufferEntry>,
    key: Key,
    from: number,
    to: number,
    mark: boolean,
    emit: (row: Row, ts: number) => void,
  ): boolean {
    const buckets = buffer.get(key);
    if (buckets === undefined) return false;
    let any = false;
    for (const [bts, bucket] of buckets) {
      if (bts < from || bts > to) continue;
      any = true;
      for (let i = 0; i < bucket.length; i++) {
        const e = bucket[i]!;
        emit(e.row, bts);
        if (mark && !e.joined) buffer.replace(key, bts, i, { row: e.row, joined: true });
      }
    }
    return any;
  }

  protected onTimer(key: Key, namespace: Namespace, time: number): void {
    if (namespace === CLEANUP_LEFT) {
      const bts = this.upper <= 0 ? time : time - this.upper;
      this.expire(this.left, key, bts, this.leftOuter ? 'left' : null);
    } else if (namespace === CLEANUP_RIGHT) {
      const bts = this.lower <= 0 ? time + this.lower : time;
      this.expire(this.right, key, bts, this.rightOuter ? 'right' : null);
    }
  }

  private expire(
    buffer: TimeBuckets<BufferEntry>,
    key: Key,
    bts: number,
    padSide: 'left' | 'right' | null,
  ): void {
    const bucket = buffer.get(key)?.get(bts);
    if (bucket === undefined) return;
    if (padSide !== null) for (const e of bucket) if (!e.joined) this.emitPadded(e.row, bts, padSide);
    buffer.remove(key, bts);
  }

  /** The key's buffered rows on each side, by timestamp. */
  stateView(key: Key): unknown {
    const side = (buffer: TimeBuckets<BufferEntry>) =>
      [...(buffer.get(key) ?? [])]
        .sort((a, b) => a[0] - b[0])
        .flatMap(([ts, bucket]) =>
          bucket.map((e) => ({ ts, row: e.row, ...(e.joined ? { joined: true } : {}) })),
        );
    const left = side(this.left);
    const right = side(this.right);
    if (left.length === 0 && right.length === 0) return undefined;
    return { left, right };
  }
}
