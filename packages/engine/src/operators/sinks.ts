import type { SinkNode } from '@flowstate/spec';
import { createFileSinkWriter, type FileSinkWriter } from '../connectors/index';
import type { CollectStore } from '../runtime/collect';
import type { RuntimeContext } from '../runtime/context';
import type { Row } from '../runtime/elements';
import { AbstractStreamOperator, type Collector, type StreamOperator } from '../runtime/operator';

abstract class SinkOperator extends AbstractStreamOperator<SinkNode> {
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

/** `collect`: rows kept by the engine for tests and the studio's output view. */
class CollectSink extends SinkOperator {
  private readonly store: CollectStore;
  constructor(node: SinkNode, ctx: RuntimeContext) {
    super(node, ctx);
    this.store = ctx.collectStore(node.id);
  }
  protected write(rows: Row[]): void {
    this.store.add(rows);
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

/** `file`: part files in a directory (plain writes; exactly-once commits come with checkpoints). */
class FileSink extends SinkOperator {
  private writer: FileSinkWriter | null = null;
  override open(): void {
    if (this.node.connector.type !== 'file') throw new Error('not a file sink');
    this.writer = createFileSinkWriter(this.node.connector, this.ctx.inputSchema, {
      subtask: this.ctx.subtask,
      baseDir: this.ctx.baseDir,
      jobName: this.ctx.jobName,
    });
  }
  protected write(rows: Row[]): void {
    this.writer!.write(rows);
  }
  override endInput(): void {
    this.writer?.flush();
  }
  override close(): void {
    this.writer?.close();
    this.writer = null;
  }
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
