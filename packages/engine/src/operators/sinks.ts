import type { SinkNode } from '@flowstate/spec';
import { FileSink } from '../connectors/file-sink';
import type { CollectStore } from '../runtime/collect';
import type { RuntimeContext } from '../runtime/context';
import type { Row } from '../runtime/elements';
import type { OperatorSnapshot, StreamOperator } from '../runtime/operator';
import { SinkOperator } from './sink-operator';

/**
 * What a collect sink subtask keeps in a checkpoint: its writer tag and how many rows it had written. (The job
 * adds `frozen`, the counts of earlier attempts' writers, to one subtask's state, and rolls the collected rows
 * back to these counts on a restore.)
 */
export interface CollectSinkState {
  tag: string;
  count: number;
  frozen?: Record<string, number>;
}

/**
 * `collect`: rows kept by the engine for tests and the studio's output view. Its checkpoint state is how many
 * rows each writer had written, so a restore rolls the output back to exactly the checkpoint's rows.
 */
class CollectSink extends SinkOperator<CollectSinkState> {
  private readonly store: CollectStore;
  private readonly tag: string;
  constructor(node: SinkNode, ctx: RuntimeContext) {
    super(node, ctx);
    this.store = ctx.collectStore(node.id);
    this.tag = `${ctx.attempt}.${ctx.subtask}`;
  }
  protected write(rows: Row[]): void {
    this.store.add(rows, this.tag);
  }
  override snapshotState(): OperatorSnapshot<CollectSinkState> {
    return {
      nodeId: this.node.id,
      subtask: this.ctx.subtask,
      operatorState: { tag: this.tag, count: this.store.count(this.tag) },
    };
  }
}

/** `console`: one JSON line per row. */
class ConsoleSink extends SinkOperator {
  protected write(rows: Row[]): void {
    let s = '';
    for (let i = 0; i < rows.length; i++) s += `${JSON.stringify(rows[i])}\n`;
    this.ctx.writeConsole(s);
  }
}

/** `blackhole`: counts rows and drops them (Flink's blackhole connector). */
class BlackholeSink extends SinkOperator {
  protected write(_rows: Row[]): void {}
}

export function createSinkOperator(node: SinkNode, ctx: RuntimeContext): StreamOperator {
  switch (node.connector.type) {
    case 'collect':
      return new CollectSink(node, ctx);
    case 'console':
      return new ConsoleSink(node, ctx);
    case 'blackhole':
      return new BlackholeSink(node, ctx);
    case 'file':
      return new FileSink(node, ctx);
  }
}
