/**
 * A test hook (JobOptions.failures): operator `nodeId` throws `InjectedFailure` once the job-wide count of rows it
 * received reaches `afterRecords` — the rows before that point are processed, so a failure lands exactly there.
 * With `afterCheckpoints`, it also waits until that many checkpoints completed (`checkpointCompleted`).
 * Counters live across execution attempts: each failure fires once.
 */
import { InjectedFailure } from './job-types';
import { isTwoInput, type StreamOperator } from './operator';

export class FailureInjector {
  private readonly counters: Map<
    string,
    { afterRecords: number; afterCheckpoints: number; seen: number; fired: boolean }
  >;
  private checkpoints = 0;

  constructor(failures: ReadonlyArray<{ nodeId: string; afterRecords: number; afterCheckpoints?: number }>) {
    this.counters = new Map(
      failures.map((f) => [
        f.nodeId,
        { afterRecords: f.afterRecords, afterCheckpoints: f.afterCheckpoints ?? 0, seen: 0, fired: false },
      ]),
    );
  }

  /** A checkpoint completed (failures with `afterCheckpoints` wait for them). */
  checkpointCompleted(): void {
    this.checkpoints++;
  }

  get active(): boolean {
    return this.counters.size > 0;
  }

  wrap(op: StreamOperator): StreamOperator {
    const c = this.counters.get(op.node.id);
    if (!c) return op;
    type Process = StreamOperator['processBatch'];
    // Rows of both inputs of a two-input operator count together.
    const counted =
      (inner: Process): Process =>
      (rows, ts, out) => {
        if (!c.fired && c.seen + rows.length >= c.afterRecords && this.checkpoints >= c.afterCheckpoints) {
          const take = Math.max(0, c.afterRecords - c.seen);
          c.seen += take;
          c.fired = true;
          if (take > 0) inner(rows.slice(0, take), ts.slice(0, take), out);
          throw new InjectedFailure(`injected failure in '${op.node.id}' after ${c.afterRecords} rows`);
        }
        c.seen += rows.length;
        inner(rows, ts, out);
      };
    op.processBatch = counted(op.processBatch.bind(op));
    if (isTwoInput(op)) op.processBatch2 = counted(op.processBatch2.bind(op));
    return op;
  }
}
