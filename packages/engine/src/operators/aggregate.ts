import type { AggregateNode } from '@flowstate/spec';
import type { RuntimeContext } from '../runtime/context';
import type { Row } from '../runtime/elements';
import type { Collector } from '../runtime/operator';
import {
  AggregatingStateDescriptor,
  type InternalAggregatingState,
  type Key,
  type StateTable,
  VOID_NAMESPACE,
} from '../state/index';
import type { Acc } from './aggregates';
import { KeyedOperator } from './keyed';

/**
 * `aggregate`: rolling aggregation without windows, like Flink's `keyBy(...).sum(...)` — after every input row
 * it emits the key's updated aggregates. The accumulator lives in keyed `AggregatingState` ('aggregate'),
 * updated per row through Flink's `getInternal`/`updateInternal`: one lookup, the accumulator changed in
 * place (or replaced, when it is a bare number), and it is at hand to emit.
 */
export class RollingAggregateOperator extends KeyedOperator<AggregateNode> {
  private state!: InternalAggregatingState<Row, Acc, Acc>;
  /** The same state, read by key for the state view. */
  private table!: StateTable<Acc>;

  constructor(node: AggregateNode, ctx: RuntimeContext, keyFields: readonly string[]) {
    super(node, ctx, keyFields, node.aggregates);
  }

  override open(): void {
    super.open();
    this.state = this.backend.getPartitionedState(
      VOID_NAMESPACE,
      new AggregatingStateDescriptor<Row, Acc, Acc>('aggregate', this.aggs),
    );
    this.table = this.state.getStateTable();
  }

  stateView(key: Key): unknown {
    const acc = this.table.get(key, VOID_NAMESPACE);
    if (acc === undefined) return undefined;
    const o: Row = {};
    this.aggs.emit(acc, o);
    return o;
  }

  processBatch(rows: Row[], ts: number[], out: Collector): void {
    const { state, aggs, keys, backend } = this;
    this.metrics.recordsIn += rows.length;
    const before = out.rows.length;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const key = keys.getKey(row);
      backend.setCurrentKey(key);
      const acc = state.getInternal();
      let next: Acc;
      try {
        next = aggs.add(row, acc); // may throw: nothing has changed yet
      } catch (e) {
        this.rowFailed(e, row);
        continue;
      }
      if (next !== acc) state.updateInternal(next);
      const o: Row = {};
      keys.writeKeyFields(key, o);
      aggs.emit(next, o);
      out.rows.push(o);
      out.ts.push(ts[i]!);
    }
    this.metrics.recordsOut += out.rows.length - before;
  }
}
