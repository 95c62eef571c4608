import type { Row } from './elements';

/**
 * Rows kept by a `collect` sink (all its subtasks), what tests read and the studio's output view shows.
 * A bounded buffer: past `maxRows` the oldest rows go first. Every row gets a sequence number, so a reader can
 * ask for what came after the last row it saw.
 */
export class CollectStore {
  private buf: Row[] = [];
  private firstSeq = 0;
  /** Sequence number the next row gets. */
  nextSeq = 0;

  constructor(readonly maxRows: number) {}

  add(rows: readonly Row[]): void {
    for (let i = 0; i < rows.length; i++) this.buf.push(rows[i]!);
    this.nextSeq += rows.length;
    const over = this.buf.length - this.maxRows;
    if (over > this.maxRows / 4 || (over > 0 && this.buf.length > 4096)) {
      this.buf = this.buf.slice(over);
      this.firstSeq += over;
    }
  }

  /** All rows kept (at most maxRows). */
  rows(): Row[] {
    const over = this.buf.length - this.maxRows;
    return over > 0 ? this.buf.slice(over) : this.buf.slice();
  }

  /** Rows with sequence number ≥ seq (what a live view has not seen yet), at most `limit`. */
  since(seq: number, limit = Number.POSITIVE_INFINITY): { rows: Row[]; from: number; next: number } {
    const kept = Math.max(this.firstSeq, this.nextSeq - this.maxRows);
    const from = Math.max(seq, kept);
    const start = from - this.firstSeq;
    const rows = this.buf.slice(start, start + Math.min(limit, this.nextSeq - from));
    return { rows, from, next: from + rows.length };
  }

  /** Keep only the first `seq` rows ever added (a restore rolls the output back to its checkpoint). */
  truncateTo(seq: number): void {
    if (seq >= this.nextSeq) return;
    const keep = Math.max(0, seq - this.firstSeq);
    this.buf.length = keep;
    this.nextSeq = Math.max(seq, this.firstSeq);
  }

  clear(): void {
    this.buf = [];
    this.firstSeq = this.nextSeq;
  }
}
