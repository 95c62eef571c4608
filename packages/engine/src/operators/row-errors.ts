import type { JobNode } from '@flowstate/spec';
import { ExpressionRuntimeError } from '@flowstate/spec';
import { describeRow, type RuntimeContext } from '../runtime/context';
import type { Row } from '../runtime/elements';
import type { OperatorMetrics } from '../runtime/operator';

/** The error that fails a job with `rowErrors: 'fail'`: which node, what, and the row. */
export function strictFailure(node: Pick<JobNode, 'kind' | 'id'>, err: Error, row: Row): Error {
  return new Error(`${node.kind} '${node.id}': ${err.message} (row ${describeRow(row)})`, { cause: err });
}

/**
 * A row an operator could not process: counted and reported (the job goes on), or — with
 * `settings.rowErrors: 'fail'` — the job fails naming the node and the row. Anything but a row-level error
 * (an expression's runtime error, or a `code`d row problem) is a bug and is rethrown as it is.
 */
export function rowFailed(
  op: { readonly node: Pick<JobNode, 'kind' | 'id'>; readonly metrics: OperatorMetrics },
  ctx: RuntimeContext,
  err: unknown,
  row: Row,
): void {
  const rowError = err instanceof ExpressionRuntimeError || err instanceof RowProblem;
  if (!rowError) throw err;
  if (ctx.strict) throw strictFailure(op.node, err, row);
  op.metrics.rowErrors++;
  ctx.reportRowError({
    nodeId: op.node.id,
    subtask: ctx.subtask,
    code: err.code,
    message: err.message,
    position: describeRow(row),
  });
}

/** A problem with one row that is not an expression's (e.g. no event timestamp). */
export class RowProblem extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
