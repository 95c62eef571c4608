import type { TemporalJoinNode } from '@flowstate/spec';
import type { RuntimeContext } from '../../runtime/context';
import type { Row } from '../../runtime/elements';
import { type InternalMapState, type Key, MapStateDescriptor, VOID_NAMESPACE } from '../../state/index';
import { TimeBuckets } from '../time-buckets';
import { KeyedTwoInputOperator } from './two-input';

const LEFT = 'left';
const RIGHT = 'right';

/** Versions are replaced, never changed in place: a snapshot may share them. */
const same = <T>(v: T): T => v;

/**
 * `temporalJoin` — Flink SQL's event-time temporal join (`FOR SYSTEM_TIME AS OF`, `TemporalRowTimeJoinOperator`).
 * The right side is a versioned table: a right row is the version of its key from its event time until the
 * next one (a later row at the same time replaces it). A left row joins the version of its key current at its
 * own event time — the right row with the largest time ≤ the left row's — and is emitted, at its own time, once
 * the watermark reaches that time (so every version that can still apply has arrived); with `type: left`, a
 * left row with no version yet is emitted padded.
 *
 * State (keyed): the left rows waiting for the watermark ('left-rows', `MapState` time → rows) and the right
 * versions ('right-versions', `MapState` time → row), with an event-time timer at each row's time. When the
 * watermark fires them, the waiting left rows up to it are emitted in time order and every version older than
 * the newest one at or before the watermark is dropped (no left row can need it any more).
 */
export class TemporalJoinOperator extends KeyedTwoInputOperator<TemporalJoinNode> {
  private left!: TimeBuckets<Row>;
  private right!: InternalMapState<number, Row>;

  constructor(
    node: TemporalJoinNode,
    ctx: RuntimeContext,
    leftKey: readonly string[],
    rightKey: readonly string[],
  ) {
    super(node, ctx, leftKey, rightKey);
  }

  override open(): void {
    super.open();
    this.left = new TimeBuckets<Row>(this.backend, 'left-rows');
    this.right = this.backend.getPartitionedState(
      VOID_NAMESPACE,
      new MapStateDescriptor<number, Row>('right-versions', { copy: same }),
    );
  }

  protected processLeft(row: Row, ts: number, key: Key): void {
    const t = this.eventTime(ts);
    this.left.add(key, t, row);
    this.timers.registerEventTimeTimer(LEFT, t);
  }

  protected processRight(row: Row, ts: number): void {
    const t = this.eventTime(ts);
    this.right.put(t, row);
    this.timers.registerEventTimeTimer(RIGHT, t);
  }

  protected onTimer(key: Key): void {
    const wm = this.watermark;
    const waiting = this.left.get(key);
    const due = waiting === undefined ? [] : [...waiting.keys()].filter((t) => t <= wm).sort((a, b) => a - b);
    const versions = [...this.right.keys()].sort((a, b) => a - b);
    let v = -1; // index of the version current at the left row's time
    for (const t of due) {
      while (v + 1 < versions.length && versions[v + 1]! <= t) v++;
      const version = v >= 0 ? this.right.get(versions[v]!)! : null;
      for (const l of waiting!.get(t)!) {
        if (version !== null) this.emitJoined(l, version, t);
        else if (this.leftOuter) this.emitPadded(l, t, 'left');
      }
      this.left.remove(key, t);
    }
    // Keep the newest version at or before the watermark and every later one.
    let newest = -1;
    for (let i = 0; i < versions.length && versions[i]! <= wm; i++) newest = i;
    for (let i = 0; i < newest; i++) this.right.remove(versions[i]!);
  }

  /** The key's versions (time → row) and the left rows waiting for the watermark. */
  stateView(key: Key): unknown {
    this.backend.setCurrentKey(key);
    const versions = [...this.right.entries()].sort((a, b) => a[0] - b[0]).map(([ts, row]) => ({ ts, row }));
    const waiting = [...(this.left.get(key) ?? [])]
      .sort((a, b) => a[0] - b[0])
      .flatMap(([ts, rows]) => rows.map((row) => ({ ts, row })));
    if (versions.length === 0 && waiting.length === 0) return undefined;
    return { versions, waiting };
  }
}
