/**
 * The rows of the output panel, without React: the newest `capacity` rows of a collect sink with their
 * sequence numbers, fed by `GET …/output` and `output:rows`, read newest first — live, or frozen at a point
 * (paused) while rows keep arriving underneath.
 */
import type { OutputRowsEvent, Row } from '@flowstate/api';

export type AppendResult = 'appended' | 'nothing-new' | 'reload';

export class OutputRows {
  private rows: Row[] = [];
  /** Index in `rows` of the oldest row kept (older ones are dropped in batches, not one by one). */
  private head = 0;
  /** Sequence number of rows[head]. */
  private fromSeq = 0;
  /** Sequence number the next row will have (= rows the sink has received in this epoch). */
  next = 0;
  epoch: number | null = null;
  /** Increases with every change. */
  version = 0;

  constructor(readonly capacity = 10_000) {}

  /** Rows held. */
  get length(): number {
    return this.rows.length - this.head;
  }

  /** Sequence number of the oldest row held. */
  get from(): number {
    return this.fromSeq;
  }

  /** Replaces everything with a page read from the server (its newest rows). */
  reset(page: { rows: readonly Row[]; from: number; next: number; epoch: number }): void {
    const skip = Math.max(0, page.rows.length - this.capacity);
    this.rows = page.rows.slice(skip);
    this.head = 0;
    this.fromSeq = page.from + skip;
    this.next = page.next;
    this.epoch = page.epoch;
    this.version++;
  }

  /**
   * Adds the rows of an `output:rows` event. `reload` when they cannot be joined to what is held (nothing
   * loaded yet, another epoch — a restore rolled the output back — or rows were missed).
   */
  append(e: Pick<OutputRowsEvent, 'rows' | 'from' | 'next' | 'epoch'>): AppendResult {
    if (this.epoch === null || e.epoch !== this.epoch || e.from > this.next) return 'reload';
    const fresh = e.rows.slice(Math.max(0, this.next - e.from));
    if (fresh.length === 0) return 'nothing-new';
    for (const r of fresh) this.rows.push(r);
    this.next = e.from + e.rows.length;
    const over = this.length - this.capacity;
    if (over > 0) {
      this.head += over;
      this.fromSeq += over;
      // Drop the dead front now and then (amortised O(1) per row).
      if (this.head > this.capacity) {
        this.rows = this.rows.slice(this.head);
        this.head = 0;
      }
    }
    this.version++;
    return 'appended';
  }

  /** The row with sequence number `seq`, if held. */
  bySeq(seq: number): Row | undefined {
    if (seq < this.fromSeq || seq >= this.next) return undefined;
    return this.rows[this.head + (seq - this.fromSeq)];
  }

  /**
   * How many rows a newest-first view shows when it ends at `upTo` (exclusive: the `next` of the moment the
   * view froze, or the current `next` when following): the rows still held from `upTo − 1` down.
   */
  countUpTo(upTo: number): number {
    return Math.max(0, Math.min(upTo, this.next) - this.fromSeq);
  }

  /** Column names of the newest `sample` rows, in first-seen order. */
  columns(sample = 50): string[] {
    const cols: string[] = [];
    const seen = new Set<string>();
    for (let i = Math.max(this.head, this.rows.length - sample); i < this.rows.length; i++)
      for (const k of Object.keys(this.rows[i]!))
        if (!seen.has(k)) {
          seen.add(k);
          cols.push(k);
        }
    return cols;
  }
}
