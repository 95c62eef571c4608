import type { StreamElement } from './elements';

/**
 * A bounded FIFO between one producing subtask and one consuming subtask. Capacity is counted in rows; other
 * elements are always accepted (they are tiny and must never deadlock a barrier or the end of input).
 * A producer checks `hasCapacity()` before it produces more: that is the engine's backpressure.
 */
export class Channel {
  private queue: StreamElement[] = [];
  private head = 0;
  private queuedRows = 0;
  /** Totals for metrics. */
  rowsWritten = 0;

  constructor(
    readonly id: string,
    readonly capacityRows: number,
  ) {}

  hasCapacity(): boolean {
    return this.queuedRows < this.capacityRows;
  }

  get size(): number {
    return this.queue.length - this.head;
  }

  get rows(): number {
    return this.queuedRows;
  }

  push(e: StreamElement): void {
    if (e.kind === 'records') {
      if (e.rows.length === 0) return;
      this.queuedRows += e.rows.length;
      this.rowsWritten += e.rows.length;
    }
    this.queue.push(e);
  }

  peek(): StreamElement | undefined {
    return this.queue[this.head];
  }

  poll(): StreamElement | undefined {
    if (this.head >= this.queue.length) return undefined;
    const e = this.queue[this.head]!;
    this.queue[this.head] = undefined as unknown as StreamElement;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (e.kind === 'records') this.queuedRows -= e.rows.length;
    return e;
  }

  clear(): void {
    this.queue = [];
    this.head = 0;
    this.queuedRows = 0;
  }
}
