import type { JoinNode, RowSchema } from '@flowstate/spec';
import type { RuntimeContext } from '../../runtime/context';
import type { Row } from '../../runtime/elements';
import type { Collector, TwoInputStreamOperator } from '../../runtime/operator';
import type { Key } from '../../state/index';
import { KeyedProcessOperator, keyHasNull } from '../keyed-process';
import { type KeySelector, keySelector } from '../keys';
import { JoinOutput, type WindowBounds } from './join-output';

export type JoinSide = 'left' | 'right';

/**
 * Base of the joins: a keyed operator with two inputs (Flink's `TwoInputStreamOperator`: `processBatch` takes
 * the left input's rows, `processBatch2` the right's). Both sides are partitioned by their key fields, so a
 * left row and a right row with equal keys reach the same subtask and the same key in the state backend (left
 * key field i against right key field i; one field keys by its value, several by a JSON array of them). A row
 * with a NULL key field joins nothing (SQL equality): an inner side drops it, an outer side pads it at once.
 */
export abstract class KeyedTwoInputOperator<N extends JoinNode>
  extends KeyedProcessOperator<N>
  implements TwoInputStreamOperator
{
  protected readonly rightKeys: KeySelector;
  protected readonly output: JoinOutput;
  protected readonly leftSchema: RowSchema;
  protected readonly rightSchema: RowSchema;
  /** Whether unmatched rows of each side are emitted padded (outer joins). */
  protected readonly leftOuter: boolean;
  protected readonly rightOuter: boolean;

  constructor(node: N, ctx: RuntimeContext, leftKey: readonly string[], rightKey: readonly string[]) {
    super(node, ctx, leftKey);
    this.rightKeys = keySelector(rightKey);
    const sides = ctx.analysis.nodes.get(node.id)?.sides;
    if (sides === undefined) throw new Error(`internal: join '${node.id}' has no analysed sides`);
    this.leftSchema = sides.left.schema;
    this.rightSchema = sides.right.schema;
    this.output = new JoinOutput(node, this.leftSchema, this.rightSchema);
    const type = node.type;
    this.leftOuter = type === 'left' || type === 'full';
    this.rightOuter = type === 'right' || type === 'full';
  }

  processBatch(rows: Row[], ts: number[], out: Collector): void {
    const keys = this.keys;
    this.forEachRow(rows, ts, out, (row, t) => {
      if (keyHasNull(row, keys.fields)) return this.nullKey(row, t, 'left');
      const key = keys.getKey(row);
      this.backend.setCurrentKey(key);
      this.processLeft(row, t, key);
    });
  }

  processBatch2(rows: Row[], ts: number[], out: Collector): void {
    const keys = this.rightKeys;
    this.forEachRow(rows, ts, out, (row, t) => {
      if (keyHasNull(row, keys.fields)) return this.nullKey(row, t, 'right');
      const key = keys.getKey(row);
      this.backend.setCurrentKey(key);
      this.processRight(row, t, key);
    });
  }

  protected abstract processLeft(row: Row, ts: number, key: Key): void;
  protected abstract processRight(row: Row, ts: number, key: Key): void;

  /** A row whose key has a NULL: it matches nothing; an outer side emits it padded now. */
  protected nullKey(row: Row, ts: number, side: JoinSide): void {
    if (side === 'left' ? this.leftOuter : this.rightOuter) this.emitPadded(row, ts, side);
  }

  /** Emits `row` of `side` with the other side's fields NULL. */
  protected emitPadded(row: Row, ts: number, side: JoinSide, window?: WindowBounds): void {
    if (side === 'left') this.emitJoined(row, null, ts, window);
    else this.emitJoined(null, row, ts, window);
  }

  /**
   * Emits the output row of a pair (or a padded row). An expression that fails on it is a row error (counted
   * and reported, or the job fails when strict) — also when it happens in a timer, outside any input row.
   */
  protected emitJoined(l: Row | null, r: Row | null, ts: number, window?: WindowBounds): void {
    let row: Row;
    try {
      row = this.output.build(l, r, window);
    } catch (e) {
      this.rowFailed(e, { left: l, right: r });
      return;
    }
    this.emit(row, ts);
  }
}
