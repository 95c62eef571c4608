import type { AggregateNode } from '@flowstate/spec';
import type { RuntimeContext } from '../runtime/context';
import type { Row } from '../runtime/elements';
import type { Collector } from '../runtime/operator';
import { type Key, type StateTable, ValueStateDescriptor, VOID_NAMESPACE } from '../state/index';
import type { Acc } from './aggregates';
import { KeyedOperator } from './keyed';

/**
 * `aggregate`: rolling aggregation without windows, like Flink's `keyBy(...).sum(...)` — after every input row
 * it emits the key's updated aggregates. The accumulator lives in keyed ValueState.
 */
export class RollingAggregateOperator extends KeyedOperator<AggregateNode> {
  private table!: StateTable<Acc>;

  constructor(node: AggregateNode, ctx: RuntimeContext, keyFields: readonly string[]) {
    super(node, ctx, keyFields, node.aggregates);
  }

  override open(): void {
    super.open();
    const aggs = this.aggs;
    this.table = this.backend.getStateTable(new ValueStateDescriptor<Acc>('aggregate', { copy: aggs.copy }));
  }

  stateView(key: Key): unknown {
    const acc = this.table.get(key, VOID_NAMESPACE);
    if (acc === undefined) return undefined;
    const o: Row = {};
    this.aggs.emit(acc, o);
    return o;
  }

  processBatch(rows: Row[], ts: number[], out: Collector): void {
    const { table, aggs, keys } = this;
    this.metrics.recordsIn += rows.length;
    const before = out.rows.length;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const key = keys.getKey(row);
      const acc = table.getForUpdate(key, VOID_NAMESPACE);
      let next: Acc;
      try {
        next = aggs.add(acc, row);
      } catch (e) {
        this.rowFailed(e, row);
        continue;
      }
      if (next !== acc) table.put(key, VOID_NAMESPACE, next);
      const o: Row = {};
      keys.writeKeyFields(key, o);
      aggs.emit(next, o);
      out.rows.push(o);
      out.ts.push(ts[i]!);
    }
    this.metrics.recordsOut += out.rows.length - before;
  }
}
