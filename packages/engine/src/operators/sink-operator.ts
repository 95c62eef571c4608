import type { SinkNode } from '@flowstate/spec';
import type { RuntimeContext } from '../runtime/context';
import type { Row } from '../runtime/elements';
import { AbstractStreamOperator, type Collector } from '../runtime/operator';

/** Base of the sinks: counts rows in and hands each batch to `write`. `S` is the sink's checkpointed state. */
export abstract class SinkOperator<S = never> extends AbstractStreamOperator<SinkNode, S> {
  constructor(
    node: SinkNode,
    protected readonly ctx: RuntimeContext,
  ) {
    super(node);
  }

  processBatch(rows: Row[], _ts: number[], _out: Collector): void {
    this.metrics.recordsIn += rows.length;
    this.write(rows);
  }

  protected abstract write(rows: Row[]): void;
}
