import type { DeduplicateNode } from '@flowstate/spec';
import type { RuntimeContext } from '../runtime/context';
import type { Row } from '../runtime/elements';
import type { Collector } from '../runtime/operator';
import {
  type InternalValueState,
  type Key,
  type Namespace,
  ValueStateDescriptor,
  VOID_NAMESPACE,
} from '../state/index';
import { KeyedProcessOperator } from './keyed-process';

/** The first row seen so far of a key (event time: the one with the smallest timestamp). */
interface Candidate {
  row: Row;
  ts: number;
}

const FIRST = 'first';
const TTL = 'ttl';

/**
 * `deduplicate` (keep first) — Flink SQL's deduplication, `ROW_NUMBER() OVER (PARTITION BY key ORDER BY time
 * ASC) = 1`, append-only: each key's first row is emitted once.
 *
 * - Event time (every source upstream has a watermark): the first row is the one with the smallest timestamp
 *   (the earliest to arrive among equal ones). It is held ('candidate', `ValueState`) with an event-time timer
 *   at its time and emitted when the watermark reaches it — until then an earlier row replaces it. A row behind
 *   the watermark (`ts < watermark`, `isLate`) is late: dropped and counted, even when it is earlier than the
 *   held row or its key has emitted nothing (as Flink's `RowTimeDeduplicateKeepFirstRowFunction`, which emits
 *   only from its timers). A row exactly at the watermark is not late: it is held, and its timer fires at the
 *   next watermark.
 * - Without a watermark: by arrival (Flink's processing-time keep-first): the first row is emitted at once.
 *
 * After the emission the key remembers it ('emitted', `ValueState` holding when), and drops every later row.
 * `stateTtlMs` > 0 forgets that after the TTL (processing time, from the emission; a processing-time timer
 * clears it), so the key's next row is emitted again — Flink's state TTL for deduplication.
 */
export class DeduplicateOperator extends KeyedProcessOperator<DeduplicateNode> {
  private candidate!: InternalValueState<Candidate>;
  private emitted!: InternalValueState<number>;
  private readonly byEventTime: boolean;
  private readonly ttl: number;

  /** `byEventTime`: every source upstream has a watermark (see `hasEventTime` in @flowstate/spec). */
  constructor(
    node: DeduplicateNode,
    ctx: RuntimeContext,
    keyFields: readonly string[],
    byEventTime: boolean,
  ) {
    super(node, ctx, keyFields);
    this.byEventTime = byEventTime;
    this.ttl = node.stateTtlMs;
  }

  override open(): void {
    super.open();
    const same = (c: Candidate) => c;
    this.candidate = this.backend.getPartitionedState(
      VOID_NAMESPACE,
      new ValueStateDescriptor<Candidate>('candidate', { copy: same }),
    );
    this.emitted = this.backend.getPartitionedState(
      VOID_NAMESPACE,
      new ValueStateDescriptor<number>('emitted'),
    );
  }

  processBatch(rows: Row[], ts: number[], out: Collector): void {
    const keys = this.keys;
    this.forEachRow(rows, ts, out, (row, t0) => {
      this.backend.setCurrentKey(keys.getKey(row));
      if (!this.byEventTime) {
        if (this.emitted.value() === undefined) this.emitFirst(row, t0);
        return;
      }
      const t = this.eventTime(t0);
      if (this.isLate(t)) {
        // As Flink's RowTimeDeduplicateKeepFirstRowFunction: checked first, whatever the key holds.
        this.metrics.lateRowsDropped++;
        return;
      }
      if (this.emitted.value() !== undefined) return; // a duplicate
      const held = this.candidate.value();
      if (held !== undefined && t >= held.ts) return; // not earlier than the one held
      if (held !== undefined) this.timers.deleteEventTimeTimer(FIRST, held.ts);
      this.candidate.update({ row, ts: t });
      this.timers.registerEventTimeTimer(FIRST, t);
    });
  }

  private emitFirst(row: Row, ts: number): void {
    this.emit(row, ts);
    const now = this.ctx.clock.now();
    this.emitted.update(now);
    if (this.ttl > 0) this.timers.registerProcessingTimeTimer(TTL, now + this.ttl);
  }

  protected onTimer(_key: Key, namespace: Namespace, _time: number, domain: 'event' | 'processing'): void {
    if (domain === 'event' && namespace === FIRST) {
      const held = this.candidate.value();
      if (held === undefined) return;
      this.candidate.clear();
      this.emitFirst(held.row, held.ts);
    } else if (domain === 'processing' && namespace === TTL) {
      this.emitted.clear();
    }
  }

  /** The key's held first row (event time, before the watermark reaches it), or when it was emitted. */
  stateView(key: Key): unknown {
    this.backend.setCurrentKey(key);
    const held = this.candidate.value();
    const emittedAt = this.emitted.value();
    if (held === undefined && emittedAt === undefined) return undefined;
    return {
      ...(held !== undefined ? { waiting: { ts: held.ts, row: held.row } } : {}),
      ...(emittedAt !== undefined ? { emittedAt } : {}),
    };
  }
}
