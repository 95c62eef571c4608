import { type KeySelector, keySelector } from '../operators/keys';
import type { Partitioning } from '../plan/plan';
import { KeyGroupRangeAssignment } from '../state/index';
import type { Channel } from './channel';
import type { Row, StreamElement } from './elements';

/**
 * Flink's `RecordWriter` for one outgoing physical edge of a subtask: partitions record batches over the
 * consumer subtasks' channels and broadcasts every other element (after flushing, so order is kept).
 */
export class RecordWriter {
  private readonly bufRows: Row[][];
  private readonly bufTs: number[][];
  private readonly keys: KeySelector | null;
  private next = 0;

  constructor(
    readonly partitioning: Partitioning,
    /** One channel per consumer subtask (forward: just the one). */
    readonly channels: Channel[],
    keyFields: readonly string[] | null,
    private readonly maxParallelism: number,
    private readonly batchSize: number,
    /** Forward edges: the producer's subtask index. */
    subtask: number,
  ) {
    this.bufRows = channels.map(() => []);
    this.bufTs = channels.map(() => []);
    this.keys = partitioning === 'hash' ? keySelector(keyFields ?? []) : null;
    this.next = subtask % Math.max(1, channels.length);
  }

  hasCapacity(): boolean {
    for (let i = 0; i < this.channels.length; i++) if (!this.channels[i]!.hasCapacity()) return false;
    return true;
  }

  emit(rows: Row[], ts: number[]): void {
    const n = this.channels.length;
    if (n === 1) {
      this.flushTo(0);
      this.channels[0]!.push({ kind: 'records', rows, ts });
      return;
    }
    if (this.keys) {
      const keys = this.keys;
      const maxP = this.maxParallelism;
      for (let i = 0; i < rows.length; i++) {
        const row = rows[i]!;
        const kg = KeyGroupRangeAssignment.assignToKeyGroup(keys.getKey(row), maxP);
        const target = KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(maxP, n, kg);
        this.bufRows[target]!.push(row);
        this.bufTs[target]!.push(ts[i]!);
      }
    } else {
      // rebalance: round-robin, row by row
      let t = this.next;
      for (let i = 0; i < rows.length; i++) {
        this.bufRows[t]!.push(rows[i]!);
        this.bufTs[t]!.push(ts[i]!);
        if (++t === n) t = 0;
      }
      this.next = t;
    }
    for (let c = 0; c < n; c++) if (this.bufRows[c]!.length >= this.batchSize) this.flushTo(c);
  }

  private flushTo(c: number): void {
    const rows = this.bufRows[c]!;
    if (rows.length === 0) return;
    this.channels[c]!.push({ kind: 'records', rows, ts: this.bufTs[c]! });
    this.bufRows[c] = [];
    this.bufTs[c] = [];
  }

  flush(): void {
    for (let c = 0; c < this.channels.length; c++) this.flushTo(c);
  }

  broadcast(e: StreamElement): void {
    this.flush();
    for (const ch of this.channels) ch.push(e);
  }
}
