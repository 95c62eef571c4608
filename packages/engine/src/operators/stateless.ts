import {
  type CompiledExpression,
  checkExpression,
  compileExpression,
  type FilterNode,
  type FlatMapNode,
  type MapNode,
  type RowSchema,
} from '@flowstate/spec';
import type { RuntimeContext } from '../runtime/context';
import type { Row } from '../runtime/elements';
import { AbstractStreamOperator, type Collector } from '../runtime/operator';
import { rowBuilder } from '../runtime/rowBuilder';
import { rowFailed } from './row-errors';

/** Compiles one expression of a validated spec; a failure here means validation and engine disagree. */
export function compileChecked(text: string, schema: RowSchema, where: string): CompiledExpression {
  const r = checkExpression(text, schema);
  if (!r.ok) {
    throw new Error(
      `${where}: ${r.errors.map((e) => e.message).join('; ')} (the spec should have been validated)`,
    );
  }
  return compileExpression(r.expr);
}

/** Shared handling of a row whose expression fails: count and report it, or fail the job when strict. */
abstract class ExpressionOperator<
  N extends MapNode | FilterNode | FlatMapNode,
> extends AbstractStreamOperator<N> {
  constructor(
    node: N,
    protected readonly ctx: RuntimeContext,
  ) {
    super(node);
  }

  protected rowFailed(err: unknown, row: Row): void {
    rowFailed(this, this.ctx, err, row);
  }
}

/** `map`: exactly the declared output fields, each an expression over the input row. */
export class MapOperator extends ExpressionOperator<MapNode> {
  private readonly names: string[];
  private readonly fns: CompiledExpression[];
  private readonly build: (row: Row, aux: number) => Row;

  constructor(node: MapNode, ctx: RuntimeContext) {
    super(node, ctx);
    this.names = Object.keys(node.fields);
    this.fns = this.names.map((f) =>
      compileChecked(node.fields[f]!, ctx.inputSchema, `map '${node.id}' field '${f}'`),
    );
    this.build = rowBuilder(this.names, this.fns);
  }

  processBatch(rows: Row[], ts: number[], out: Collector): void {
    const build = this.build;
    this.metrics.recordsIn += rows.length;
    const before = out.rows.length;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      try {
        out.rows.push(build(row, 0));
        out.ts.push(ts[i]!);
      } catch (e) {
        this.rowFailed(e, row);
      }
    }
    this.metrics.recordsOut += out.rows.length - before;
  }
}

/** `filter`: keeps the rows whose condition is TRUE (NULL and FALSE drop the row, as in SQL). */
export class FilterOperator extends ExpressionOperator<FilterNode> {
  private readonly fn: CompiledExpression;

  constructor(node: FilterNode, ctx: RuntimeContext) {
    super(node, ctx);
    this.fn = compileChecked(node.where, ctx.inputSchema, `filter '${node.id}'`);
  }

  processBatch(rows: Row[], ts: number[], out: Collector): void {
    const fn = this.fn;
    this.metrics.recordsIn += rows.length;
    const before = out.rows.length;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      try {
        if (fn(row) === true) {
          out.rows.push(row);
          out.ts.push(ts[i]!);
        }
      } catch (e) {
        this.rowFailed(e, row);
      }
    }
    this.metrics.recordsOut += out.rows.length - before;
  }
}

/** `flatMap`: each input row once per element of the `explode` array, with the element in field `as`. */
export class FlatMapOperator extends ExpressionOperator<FlatMapNode> {
  private readonly fn: CompiledExpression;

  constructor(node: FlatMapNode, ctx: RuntimeContext) {
    super(node, ctx);
    this.fn = compileChecked(node.explode, ctx.inputSchema, `flatMap '${node.id}'`);
  }

  processBatch(rows: Row[], ts: number[], out: Collector): void {
    const fn = this.fn;
    const as = this.node.as;
    this.metrics.recordsIn += rows.length;
    const before = out.rows.length;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      let arr: unknown;
      try {
        arr = fn(row);
      } catch (e) {
        this.rowFailed(e, row);
        continue;
      }
      if (!Array.isArray(arr)) continue; // NULL explodes to nothing
      const t = ts[i]!;
      for (let k = 0; k < arr.length; k++) {
        const o: Row = { ...row };
        o[as] = arr[k];
        out.rows.push(o);
        out.ts.push(t);
      }
    }
    this.metrics.recordsOut += out.rows.length - before;
  }
}
