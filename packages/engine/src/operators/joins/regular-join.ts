import type { RegularJoinNode } from '@flowstate/spec';
import type { RuntimeContext } from '../../runtime/context';
import { NO_TIMESTAMP, type Row } from '../../runtime/elements';
import {
  type InternalListState,
  type InternalValueState,
  type Key,
  ListStateDescriptor,
  type Namespace,
  ValueStateDescriptor,
  VOID_NAMESPACE,
} from '../../state/index';
import { KeyedTwoInputOperator } from './two-input';

/** A kept row: the row, its event timestamp (or NO_TIMESTAMP as null) and when it was stored (processing time). */
export type KeptRow = [row: Row, ts: number | null, storedAt: number];

const TTL = 'ttl';

/**
 * `join` — Flink SQL's regular inner join (`StreamingJoinOperator`) of two append-only inputs: every row is kept
 * per key on its side, and each arriving row is emitted joined with every kept row of the other side with the
 * same key — so every pair is emitted exactly once, as soon as both rows have arrived. The output is append-only
 * (inner join of append-only inputs), stamped with the later of the two event timestamps (none when either
 * row has none).
 *
 * State (keyed, void namespace): a `ListState` per side ('left-rows', 'right-rows'). `stateTtlMs` is Flink's
 * state TTL (processing time, set on write, expired rows never returned): a kept row no longer joins once
 * `stateTtlMs` has passed since it was stored, and a processing-time timer per key ('ttl', at the oldest
 * row's expiry) removes expired rows, so a key's state is freed even when no row of it arrives again.
 */
export class RegularJoinOperator extends KeyedTwoInputOperator<RegularJoinNode> {
  private left!: InternalListState<KeptRow>;
  private right!: InternalListState<KeptRow>;
  /** The key's pending TTL timer (processing time), if any. */
  private cleanupAt!: InternalValueState<number>;
  private readonly ttl: number;

  constructor(
    node: RegularJoinNode,
    ctx: RuntimeContext,
    leftKey: readonly string[],
    rightKey: readonly string[],
  ) {
    super(node, ctx, leftKey, rightKey);
    this.ttl = node.stateTtlMs;
  }

  override open(): void {
    super.open();
    const keep = (r: KeptRow) => r; // kept rows are never changed in place
    this.left = this.backend.getPartitionedState(
      VOID_NAMESPACE,
      new ListStateDescriptor<KeptRow>('left-rows', { copy: keep }),
    );
    this.right = this.backend.getPartitionedState(
      VOID_NAMESPACE,
      new ListStateDescriptor<KeptRow>('right-rows', { copy: keep }),
    );
    this.cleanupAt = this.backend.getPartitionedState(
      VOID_NAMESPACE,
      new ValueStateDescriptor<number>('ttl-timer'),
    );
  }

  protected processLeft(row: Row, ts: number): void {
    const t = ts === NO_TIMESTAMP ? null : ts;
    const now = this.ttl > 0 ? this.ctx.clock.now() : 0;
    for (const [r, rts, storedAt] of this.right.get()) {
      if (this.ttl > 0 && storedAt + this.ttl <= now) continue;
      this.emitJoined(row, r, later(t, rts));
    }
    this.left.add([row, t, now]);
    this.scheduleCleanup(now);
  }

  protected processRight(row: Row, ts: number): void {
    const t = ts === NO_TIMESTAMP ? null : ts;
    const now = this.ttl > 0 ? this.ctx.clock.now() : 0;
    for (const [l, lts, storedAt] of this.left.get()) {
      if (this.ttl > 0 && storedAt + this.ttl <= now) continue;
      this.emitJoined(l, row, later(lts, t));
    }
    this.right.add([row, t, now]);
    this.scheduleCleanup(now);
  }

  private scheduleCleanup(now: number): void {
    if (this.ttl <= 0 || this.cleanupAt.value() !== undefined) return;
    const at = now + this.ttl;
    this.cleanupAt.update(at);
    this.timers.registerProcessingTimeTimer(TTL, at);
  }

  protected onTimer(_key: Key, namespace: Namespace, time: number, domain: 'event' | 'processing'): void {
    if (domain !== 'processing' || namespace !== TTL) return;
    this.cleanupAt.clear();
    let oldest = Number.POSITIVE_INFINITY;
    for (const state of [this.left, this.right]) {
      const kept = [...state.get()].filter(([, , storedAt]) => storedAt + this.ttl > time);
      state.update(kept);
      for (const [, , storedAt] of kept) oldest = Math.min(oldest, storedAt);
    }
    if (oldest !== Number.POSITIVE_INFINITY) {
      const at = oldest + this.ttl;
      this.cleanupAt.update(at);
      this.timers.registerProcessingTimeTimer(TTL, at);
    }
  }

  /** The key's kept rows on each side. */
  stateView(key: Key): unknown {
    this.backend.setCurrentKey(key);
    const side = (s: InternalListState<KeptRow>) =>
      [...s.get()].map(([row, ts, storedAt]) => ({
        row,
        ts,
        ...(this.ttl > 0 ? { expiresAt: storedAt + this.ttl } : {}),
      }));
    const left = side(this.left);
    const right = side(this.right);
    if (left.length === 0 && right.length === 0) return undefined;
    return { left, right };
  }
}

function later(a: number | null, b: number | null): number {
  return a === null || b === null ? NO_TIMESTAMP : Math.max(a, b);
}
