import type { Row } from './elements';

/**
 * Rows kept by a `collect` sink (all its subtasks, across restarts), what tests read and the studio's
 * output view shows. A bounded buffer: past `maxRows` the oldest rows go first. Every row gets a sequence
 * number, so a live reader asks for what came after the last row it saw.
 *
 * Exactly-once: each writer (one sink subtask of one execution attempt) has a tag, and every row records its
 * tag and its position among that tag's rows. A checkpoint records each tag's count; restoring it keeps
 * exactly those rows and drops everything written after — the output never shows rows that "didn't happen".
 * A rollback bumps `epoch`, which tells live readers to start over.
 */
export class CollectStore {
  private buf: Row[] = [];
  private bufTag: number[] = [];
  private bufTagSeq: number[] = [];
  private readonly tagNames: string[] = [];
  private readonly tagIds = new Map<string, number>();
  private readonly tagCounts: number[] = [];
  private firstSeq = 0;
  /** Sequence number the next row gets. */
  nextSeq = 0;
  /** Bumped by every rollback: sequence numbers of an older epoch mean nothing any more. */
  epoch = 0;

  constructor(readonly maxRows: number) {}

  private tagId(tag: string): number {
    let id = this.tagIds.get(tag);
    if (id === undefined) {
      id = this.tagNames.length;
      this.tagNames.push(tag);
      this.tagIds.set(tag, id);
      this.tagCounts.push(0);
    }
    return id;
  }

  add(rows: readonly Row[], tag = ''): void {
    const id = this.tagId(tag);
    let c = this.tagCounts[id]!;
    for (let i = 0; i < rows.length; i++) {
      this.buf.push(rows[i]!);
      this.bufTag.push(id);
      this.bufTagSeq.push(c++);
    }
    this.tagCounts[id] = c;
    this.nextSeq += rows.length;
    const over = this.buf.length - this.maxRows;
    if (over > 0 && (over > this.maxRows / 4 || this.buf.length > 4096)) {
      this.buf = this.buf.slice(over);
      this.bufTag = this.bufTag.slice(over);
      this.bufTagSeq = this.bufTagSeq.slice(over);
      this.firstSeq += over;
    }
  }

  /** Rows written so far per writer tag (what a checkpoint records). */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    this.tagNames.forEach((t, i) => {
      out[t] = this.tagCounts[i]!;
    });
    return out;
  }

  /** Count of one tag. */
  count(tag: string): number {
    const id = this.tagIds.get(tag);
    return id === undefined ? 0 : this.tagCounts[id]!;
  }

  /** Keeps, per tag, the rows a checkpoint recorded (`keep`); tags it does not name lose all their rows. */
  rollback(keep: Readonly<Record<string, number>>): void {
    const rows: Row[] = [];
    const tags: number[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < this.buf.length; i++) {
      const t = this.bufTag[i]!;
      if (this.bufTagSeq[i]! < (keep[this.tagNames[t]!] ?? 0)) {
        rows.push(this.buf[i]!);
        tags.push(t);
        seqs.push(this.bufTagSeq[i]!);
      }
    }
    this.tagNames.forEach((name, i) => {
      this.tagCounts[i] = Math.min(this.tagCounts[i]!, keep[name] ?? 0);
    });
    this.buf = rows;
    this.bufTag = tags;
    this.bufTagSeq = seqs;
    this.nextSeq = this.firstSeq + rows.length;
    this.epoch++;
  }

  /** All rows kept (at most maxRows). */
  rows(): Row[] {
    const over = this.buf.length - this.maxRows;
    return over > 0 ? this.buf.slice(over) : this.buf.slice();
  }

  /** Rows with sequence number ≥ seq (what a live view has not seen yet), at most `limit`. */
  since(
    seq: number,
    limit = Number.POSITIVE_INFINITY,
  ): { rows: Row[]; from: number; next: number; epoch: number } {
    const kept = Math.max(this.firstSeq, this.nextSeq - this.maxRows);
    const from = Math.min(Math.max(seq, kept), this.nextSeq);
    const start = from - this.firstSeq;
    const rows = this.buf.slice(start, start + Math.min(limit, this.nextSeq - from));
    return { rows, from, next: from + rows.length, epoch: this.epoch };
  }

  clear(): void {
    this.rollback({});
  }
}
