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
 * Window TopN currently"). A row's rank is ≤ n exactly when it orders no worse than the n-th row by ROW_NUMBER
 * (rank: the rows better than it are then among the n − 1 before); its dense rank is ≤ n exactly when it orders
 * no worse than the n-th distinct ordering value. So: a Window Top-N picks that n-th row (of the distinct values,
 * a cascaded window aggregation, for dense_rank) per window and key, and a left window join of the window's rows
 * with it keeps the rows no worse than it (all rows when the window has fewer than n). The rank itself is not
 * computed there: `rankField` with rank/dense_rank is refused.
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
  if (node.rankField !== undefined && node.function !== 'row_number') {
    ctx.refuse(
      'unsupported-rank',
      node,
      ctx.path(info, 'rankField'),
      `${label(node)}: Flink's Window Top-N supports only ROW_NUMBER; ${node.function} is exported as a window join with the n-th row, which selects the same rows but cannot give their rank: remove rankField or use "function": "row_number"`,
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
  // rank / dense_rank: the n-th row (of the distinct ordering values for dense_rank), then a window join.
  const orderFields = [...new Set(node.orderBy.map((o) => o.field))];
  let candidates = input.name;
  if (node.function === 'dense_rank') {
    candidates = ctx.fresh(`${node.id}_values`);
    const cols = [...partition, ...orderFields.map(ident)];
    ctx.extraView(
      info,
      candidates,
      `the distinct ${orderFields.join(', ')} per window${partition.length > 2 ? ' and key' : ''} (a cascaded window aggregation)`,
      `SELECT ${cols.join(', ')}\nFROM ${ident(input.name)}\nGROUP BY ${cols.join(', ')}`,
    );
  }
  const nth = ctx.fresh(`${node.id}_nth`);
  ctx.extraView(
    info,
    nth,
    `the ${node.n}-th ${node.function === 'dense_rank' ? 'distinct value' : 'row'} by ${orderText} per window${partition.length > 2 ? ' and key' : ''} (Window Top-N, ROW_NUMBER)`,
    `SELECT ${[...partition, ...orderFields.map(ident), ident(rn)].join(', ')}\nFROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY ${partition.join(', ')} ORDER BY ${order.join(', ')}) AS ${ident(rn)}\n  FROM ${ident(candidates)}\n)\nWHERE ${ident(rn)} = ${node.n}`,
  );
  // x orders no worse than y: lexicographically over orderBy, NULL lowest.
  const noWorse = (i: number): string => {
    if (i === node.orderBy.length) return 'TRUE';
    const o = node.orderBy[i]!;
    const x = `x.${ident(o.field)}`;
    const y = `y.${ident(o.field)}`;
    const better =
      o.direction === 'desc'
        ? `(${x} IS NOT NULL AND (${y} IS NULL OR ${x} > ${y}))`
        : `((${x} IS NULL AND ${y} IS NOT NULL) OR ${x} < ${y})`;
    const rest = noWorse(i + 1);
    return rest === 'TRUE'
      ? `(${better} OR ${x} IS NOT DISTINCT FROM ${y})`
      : `(${better} OR (${x} IS NOT DISTINCT FROM ${y} AND ${rest}))`;
  };
  const on = partition.map((p) => `x.${p} = y.${p}`).join(' AND ');
  ctx.view(
    info,
    `Window Top-N by ${node.function}: per window${partition.length > 2 ? ` and ${key.filter((k) => !k.startsWith('window_')).join(', ')}` : ''}, the rows whose ${node.function} by ${orderText} is at most ${node.n} — those ordering no worse than the ${node.n}-th ${node.function === 'dense_rank' ? 'distinct value' : 'row'} (Flink's Window Top-N has only ROW_NUMBER)`,
    `SELECT ${visible('x.').join(', ')}\nFROM ${ident(input.name)} AS x\nLEFT JOIN ${ident(nth)} AS y\nON ${on}\nWHERE y.${ident(rn)} IS NULL OR ${noWorse(0)}`,
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
