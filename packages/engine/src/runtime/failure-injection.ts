/**
 * A test hook (JobOptions.failures): operator `nodeId` throws `InjectedFailure` once the job-wide count of rows it
 * received reaches `afterRecords` — the rows before that point are processed, so a failure lands exactly there.
 * Counters live across execution attempts: each failure fires once.
 */
import { InjectedFailure } from './job-types';
import { isTwoInput, type StreamOperator } from './operator';

export class FailureInjector {
  private readonly counters: Map<string, { afterRecords: number; seen: number; fired: boolean }>;

  constructor(failures: ReadonlyArray<{ nodeId: string; afterRecords: number }>) {
    this.counters = new Map(
      failures.map((f) => [f.nodeId, { afterRecords: f.afterRecords, seen: 0, fired: false }]),
    );
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
        if (!c.fired && c.seen + rows.length >= c.afterRecords) {
          const take = c.afterRecords - c.seen;
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
