/**
 * Flink SQL's ranking constructs: `topN` (Window Top-N) and `deduplicate` (keep the first row per key).
 *
 * **topN**, `row_number`: Flink's Window Top-N,
 *
 *   SELECT … FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end[, k] ORDER BY …) AS rn
 *                  FROM <window results>) WHERE rn <= n
 *
 * partitioned by the raw bounds of the window TVF upstream (`Relation.windowBounds`: Flink recognizes a Window
 * Top-N only on window properties; the visible bounds are epoch milliseconds), which `WindowRankOperator` runs:
 * it emits a window's top rows when the watermark passes window_end - 1, as Flowstate's topN.
 *
 * `rank` and `dense_rank`: Flink 2.3's Window Top-N takes only ROW_NUMBER ("RANK() function is not supported on
 * Window TopN currently"). The dense rank of a row is the ROW_NUMBER of its ordering value among the window's
 * distinct values (a cascaded window aggregation, then a Window Top-N); its rank is the ROW_NUMBER of the first
 * row of its tie (a Window Top-N of the first n rows, then per tie the first of them, a Window Top-N of that).
 * A window join of the window's rows with those ranked values (on the partition and the ordering values, NULL
 * equal to NULL) keeps the rows whose rank is at most n, with their rank. (All of it found to run on Flink 2.3.)
 *
 * NULLs: Flowstate ranks NULL lowest (first ascending, last descending); the ORDER BY says so (`NULLS FIRST` /
 * `NULLS LAST`).
 *
 * **deduplicate**: `ROW_NUMBER() OVER (PARTITION BY key ORDER BY rowtime ASC) = 1` — with mini-batch off and
 * insert-only input Flink 2.x plans it as the insert-only `RowTimeDeduplicateKeepFirstRowFunction` (the row with
 * the smallest time, emitted when the watermark passes it); without event time `ORDER BY` a `PROCTIME()` column:
 * `ProcTimeDeduplicateKeepFirstRowFunction`, the first row to arrive, at once.
 */
import type { DeduplicateNode, NodeInfo, TopNNode } from '@flowstate/spec';
import { type ExportContext, label, type Relation, refused, refuseUpdates } from './context';
import { ident } from './sql';

// ---------------------------------------------------------------------------------------------- top-N

export function writeTopN(ctx: ExportContext, info: NodeInfo, node: TopNNode): void {
  const input = ctx.inputRelation(info);
  refuseUpdates(ctx, info, input, 'a Window Top-N');
  const bounds = input.windowBounds;
  if (bounds === null) {
    ctx.refuse(
      'topn-not-window',
      node,
      ctx.path(info),
      `${label(node)}: Flink SQL runs a Top-N per window (Window Top-N, emitted once when the window ends) only directly on a window TVF's results, with their window_start and window_end as they are; here the input is not (a session or sliding group window, a union, a map that computes the bounds, or no event-time window) — a Top-N on other rows would be Flink's updating Top-N, which retracts rows: rank the results of a tumbling or sliding event-time window`,
    );
    refused();
  }
  const key = ctx.keyOf(info);
  const partition = [
    ident(bounds.start),
    ident(bounds.end),
    ...key.filter((k) => k !== 'window_start' && k !== 'window_end').map(ident),
  ];
  const order = node.orderBy.map(
    (o) => `${ident(o.field)} ${o.direction === 'desc' ? 'DESC NULLS LAST' : 'ASC NULLS FIRST'}`,
  );
  const rn = ctx.fresh('__rn');
  const visible = (prefix = '') => {
    const cols = input.columns.map((c) => `${prefix}${ident(c)}`);
    if (input.rowtime) cols.push(`${prefix}${ident(input.rowtime)}`);
    cols.push(`${prefix}${ident(bounds.start)}`, `${prefix}${ident(bounds.end)}`);
    return cols;
  };
  const out: Omit<Relation, 'name'> = {
    columns: Object.keys(info.outputSchema),
    types: info.outputSchema,
    rowtime: input.rowtime,
    ...(input.rowtimeLost !== undefined ? { rowtimeLost: input.rowtimeLost } : {}),
    proctime: null,
    windowBounds: bounds,
    updatingFrom: null,
  };
  const orderText = node.orderBy.map((o) => `${o.field} ${o.direction}`).join(', ');
  if (node.function === 'row_number') {
    const cols = visible();
    if (node.rankField !== undefined)
      cols.splice(input.columns.length, 0, `${ident(rn)} AS ${ident(node.rankField)}`);
    ctx.note(
      node.id,
      'row_number numbers tied rows in the order they reach the Top-N, which is the order the window emits its keys in — not the same in Flink as in Flowstate: with ties at the n-th place, the engines may keep different rows',
    );
    ctx.view(
      info,
      `Window Top-N: per window${partition.length > 2 ? ` and ${key.filter((k) => !k.startsWith('window_')).join(', ')}` : ''}, the first ${node.n} rows by ${orderText} (ROW_NUMBER)`,
      `SELECT ${cols.join(', ')}\nFROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY ${partition.join(', ')} ORDER BY ${order.join(', ')}) AS ${ident(rn)}\n  FROM ${ident(input.name)}\n)\nWHERE ${ident(rn)} <= ${node.n}`,
      out,
    );
    return;
  }
  // rank / dense_rank: the ranked values, then a window join of the window's rows with them.
  const orderFields = [...new Set(node.orderBy.map((o) => o.field))];
  const groupKey = [...partition, ...orderFields.map(ident)];
  const ranked = ctx.fresh(`${node.id}_ranked`);
  if (node.function === 'dense_rank') {
    // The dense rank of a value is its ROW_NUMBER among the distinct values.
    const values = ctx.fresh(`${node.id}_values`);
    ctx.extraView(
      info,
      values,
      `the distinct ${orderFields.join(', ')} per window${partition.length > 2 ? ' and key' : ''} (a cascaded window aggregation)`,
      `SELECT ${groupKey.join(', ')}\nFROM ${ident(input.name)}\nGROUP BY ${groupKey.join(', ')}`,
    );
    ctx.extraView(
      info,
      ranked,
      `the first ${node.n} distinct value${node.n === 1 ? '' : 's'} by ${orderText} per window${partition.length > 2 ? ' and key' : ''}, numbered: their dense rank (Window Top-N, ROW_NUMBER)`,
      `SELECT ${[...groupKey, ident(rn)].join(', ')}\nFROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY ${partition.join(', ')} ORDER BY ${order.join(', ')}) AS ${ident(rn)}\n  FROM ${ident(values)}\n)\nWHERE ${ident(rn)} <= ${node.n}`,
    );
  } else {
    // The rank of a row is the ROW_NUMBER of the first row of its tie: the first n rows, then per tie the first.
    const top = ctx.fresh(`${node.id}_rows`);
    const first = ctx.fresh('__first');
    ctx.extraView(
      info,
      top,
      `the first ${node.n} row${node.n === 1 ? '' : 's'} by ${orderText} per window${partition.length > 2 ? ' and key' : ''}, numbered (Window Top-N, ROW_NUMBER)`,
      `SELECT ${[...groupKey, ident(rn)].join(', ')}\nFROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY ${partition.join(', ')} ORDER BY ${order.join(', ')}) AS ${ident(rn)}\n  FROM ${ident(input.name)}\n)\nWHERE ${ident(rn)} <= ${node.n}`,
    );
    ctx.extraView(
      info,
      ranked,
      `per tie among them (equal ${orderFields.join(', ')}), the first: its number is the tie's rank (Window Top-N of the Top-N)`,
      `SELECT ${[...groupKey, ident(rn)].join(', ')}\nFROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY ${groupKey.join(', ')} ORDER BY ${ident(rn)} ASC) AS ${ident(first)}\n  FROM ${ident(top)}\n)\nWHERE ${ident(first)} = 1`,
    );
  }
  // Window bounds are never NULL; partition and ordering values may be (NULL is a value here, as in Flowstate).
  const on = [
    ...partition.slice(0, 2).map((p) => `x.${p} = y.${p}`),
    ...[...partition.slice(2), ...orderFields.map(ident)].map((p) => `x.${p} IS NOT DISTINCT FROM y.${p}`),
  ].join(' AND ');
  const cols = visible('x.');
  if (node.rankField !== undefined)
    cols.splice(input.columns.length, 0, `y.${ident(rn)} AS ${ident(node.rankField)}`);
  ctx.view(
    info,
    `Window Top-N by ${node.function}: per window${partition.length > 2 ? ` and ${key.filter((k) => !k.startsWith('window_')).join(', ')}` : ''}, the rows whose ${node.function} by ${orderText} is at most ${node.n}, with it (Flink's Window Top-N has only ROW_NUMBER: a window join of the rows with their ranked values)`,
    `SELECT ${cols.join(', ')}\nFROM ${ident(input.name)} AS x\nJOIN ${ident(ranked)} AS y\nON ${on}`,
    out,
  );
}

// ---------------------------------------------------------------------------------------------- deduplicate

export function writeDeduplicate(ctx: ExportContext, info: NodeInfo, node: DeduplicateNode): void {
  const input = ctx.inputRelation(info);
  refuseUpdates(ctx, info, input, 'a deduplication');
  const key = ctx.keyOf(info);
  const byEventTime = input.rowtime !== null;
  if (!byEventTime && input.rowtimeLost !== undefined) {
    // Flowstate deduplicates by event time (every source has a watermark), Flink's rows have no time attribute.
    ctx.refuse(
      'no-time-attribute',
      node,
      ctx.path(info),
      `${label(node)}: the rows have event time in Flowstate, so it keeps each key's earliest row by event time, which needs an event-time attribute, and its input has none in the exported SQL: ${input.rowtimeLost}`,
    );
    refused();
  }
  const time = byEventTime ? input.rowtime! : input.proctime;
  if (time === null) {
    ctx.refuse(
      'no-time-attribute',
      node,
      ctx.path(info),
      `${label(node)}: a deduplication by arrival needs a processing-time attribute, which its input does not carry in the exported SQL`,
    );
    refused();
  }
  if (node.stateTtlMs > 0 && node.stateTtlMs !== ctx.jobStateTtlMs) {
    ctx.refuse(
      'state-ttl',
      node,
      ctx.path(info, 'stateTtlMs'),
      `${label(node)}: stateTtlMs ${node.stateTtlMs} becomes the job's table.exec.state.ttl in Flink SQL (a deduplication has no TTL of its own), which another deduplication already sets to ${ctx.jobStateTtlMs} ms: give every deduplication the same stateTtlMs`,
    );
    refused();
  }
  if (node.stateTtlMs > 0) {
    ctx.note(
      node.id,
      `stateTtlMs ${node.stateTtlMs}: the job's table.exec.state.ttl in Flink SQL, processing time in both engines: when a key's first row is forgotten, and so whether a later row of it is emitted again, depends on when the rows arrive`,
    );
  }
  const rn = ctx.fresh('__rn');
  ctx.view(
    info,
    byEventTime
      ? `deduplication: each key's first row by event time, emitted when the watermark passes it`
      : `deduplication: each key's first row to arrive (processing time)`,
    `SELECT ${ctx.selectList({ ...input, windowBounds: null }).join(', ')}\nFROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY ${key.map(ident).join(', ')} ORDER BY ${ident(time)} ASC) AS ${ident(rn)}\n  FROM ${ident(input.name)}\n)\nWHERE ${ident(rn)} = 1`,
    { ...input, windowBounds: null },
  );
}
