/**
 * `over` → Flink SQL's bounded OVER aggregation in event time:
 *
 *   SELECT <input fields>, AGG(x) OVER w AS name, … FROM in
 *   WINDOW w AS (PARTITION BY key ORDER BY rowtime RANGE BETWEEN INTERVAL 'n' … PRECEDING AND CURRENT ROW)
 *
 * (`ROWS BETWEEN n PRECEDING AND CURRENT ROW` for `precedingRows`): `RowTimeRangeBoundedPrecedingFunction` /
 * `RowTimeRowsBoundedPrecedingFunction`, which emit each row with its frame's aggregates when the watermark
 * passes its time and drop late rows (for ROWS frames as Flowstate's `over`; for RANGE frames, see the note: their
 * cleanup timers move the late bound).
 * The output keeps the input's event-time attribute (Flowstate emits each row at its own time).
 */
import type { NodeInfo, OverNode } from '@flowstate/spec';
import { type ExportContext, label, refused, refuseUpdates, requireRowtime } from './context';
import { translateAggregate, UnsupportedExpression } from './expr';
import { ident } from './sql';

export function writeOver(ctx: ExportContext, info: NodeInfo, node: OverNode): void {
  const input = ctx.inputRelation(info);
  refuseUpdates(ctx, info, input, 'an OVER aggregation');
  const rowtime = requireRowtime(ctx, info, input, 'an OVER aggregation (ordered by event time)');
  const key = ctx.keyOf(info);
  const aggs: string[] = [];
  let failed = false;
  for (const [name, text] of Object.entries(node.aggregates)) {
    try {
      const t = translateAggregate(text, input.types);
      for (const n of t.notes) ctx.note(node.id, `aggregate '${name}': ${n}`);
      aggs.push(`${t.sql} OVER w AS ${ident(name)}`);
    } catch (e) {
      if (!(e instanceof UnsupportedExpression)) throw e;
      ctx.refuse(
        e.code,
        node,
        ctx.path(info, 'aggregates', name),
        `${label(node)}, aggregate '${name}': ${e.message}`,
      );
      failed = true;
    }
  }
  if (failed) refused();
  const frame =
    node.precedingMs !== undefined
      ? `RANGE BETWEEN ${ctx.duration(info, node.precedingMs, ctx.path(info, 'precedingMs'), 'precedingMs')} PRECEDING AND CURRENT ROW`
      : `ROWS BETWEEN ${node.precedingRows ?? 0} PRECEDING AND CURRENT ROW`;
  if (node.precedingMs !== undefined) {
    ctx.note(
      node.id,
      "rows that arrive behind the watermark: Flowstate drops a row at or before the last time it emitted for the key; Flink's RowTimeRangeBoundedPrecedingFunction compares with a last-triggered time that its state-cleanup timers also set and reset, so it drops some late rows Flowstate keeps and keeps some that Flowstate drops (rows on time get the same frames)",
    );
  }
  const cols = [...input.columns.map(ident), ...aggs, ident(rowtime)];
  if (input.proctime) cols.push(ident(input.proctime));
  ctx.view(
    info,
    node.precedingMs !== undefined
      ? `OVER aggregation: per key, each row with the aggregates of the rows of the last ${node.precedingMs} ms (RANGE frame, by event time)`
      : `OVER aggregation: per key, each row with the aggregates of itself and the ${node.precedingRows ?? 0} rows before it (ROWS frame, by event time)`,
    `SELECT\n  ${cols.join(',\n  ')}\nFROM ${ident(input.name)}\nWINDOW w AS (PARTITION BY ${key.map(ident).join(', ')} ORDER BY ${ident(rowtime)} ${frame})`,
    {
      columns: Object.keys(info.outputSchema),
      types: info.outputSchema,
      rowtime,
      proctime: input.proctime,
      windowBounds: null,
      updatingFrom: null,
    },
  );
}
