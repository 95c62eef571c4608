/**
 * The two-input joins (JOB-SPEC "v1 additions") as Flink SQL joins. Each side is the relation of the edges with
 * its `input` (a union view when several); the join's SQL names them `l` and `r`, which is how a join's `fields`
 * expressions print (`l.name`, `r.name`), and joins them on the key fields (left key field i = right key field
 * i) plus what the kind adds:
 *
 * - `intervalJoin` → `l [LEFT|RIGHT|FULL] JOIN r ON keys AND r.rowtime BETWEEN l.rowtime + lower AND l.rowtime +
 *   upper` (Flink's interval join, `RowTimeIntervalJoin`);
 * - `windowJoin` → both sides through the window TVF (TUMBLE/HOP), joined on keys, `window_start` and
 *   `window_end` (`WindowJoinOperator`);
 * - `temporalJoin` → `l [LEFT] JOIN versioned FOR SYSTEM_TIME AS OF l.rowtime AS r ON keys` (temporal.ts: the
 *   versioned table);
 * - `join` → `l JOIN r ON keys`, the STATE_TTL hint for `stateTtlMs` (`StreamingJoinOperator`).
 *
 * Event time: Flowstate stamps an interval join's pair with max(l.ts, r.ts), a window join's rows with
 * window_end - 1, a temporal join's with the left row's time, a regular join's with the later of the two. In
 * Flink SQL a join's output keeps its inputs' time attributes only as they are (an interval or window join; a
 * regular join's output has none), so the output's event time is kept where one input's attribute is exactly
 * Flowstate's timestamp, and a node downstream that needs event time is refused with the reason otherwise.
 */
import type {
  Expr,
  IntervalJoinNode,
  JoinNode,
  NodeInfo,
  RegularJoinNode,
  RowSchema,
  TemporalJoinNode,
  WindowJoinNode,
} from '@flowstate/spec';
import {
  type ExportContext,
  keepBigint,
  label,
  type Relation,
  refused,
  refuseUpdates,
  requireRowtime,
} from './context';
import { type FieldReplacer, translateJoinExpr, UnsupportedExpression } from './expr';
import { epochMillis, ident } from './sql';
import { versionedPath } from './temporal';

type Side = 'l' | 'r';

interface Sides {
  left: Relation;
  right: Relation;
  leftKey: string[];
  rightKey: string[];
  leftSchema: RowSchema;
  rightSchema: RowSchema;
}

function sides(ctx: ExportContext, info: NodeInfo): Sides {
  const s = info.sides;
  if (s === undefined) throw new Error(`join '${info.id}' has no analysed sides although the spec validated`);
  const left = ctx.relationOf(
    info,
    info.inputs.filter((e) => e.input === 'left'),
    `${info.id}_left_union`,
  );
  const right = ctx.relationOf(
    info,
    info.inputs.filter((e) => e.input === 'right'),
    `${info.id}_right_union`,
  );
  const what = `${info.node.kind === 'join' ? 'a join' : `an ${info.node.kind}`}`;
  refuseUpdates(ctx, info, left, what);
  refuseUpdates(ctx, info, right, what);
  return {
    left,
    right,
    leftKey: s.left.keyFields,
    rightKey: s.right.keyFields,
    leftSchema: s.left.schema,
    rightSchema: s.right.schema,
  };
}

/** `l.a = r.b AND …` over the key fields (columns named by `col`). */
function keyCondition(s: Sides, col: (side: Side, field: string) => string = (_, f) => ident(f)): string {
  return s.leftKey.map((lk, i) => `l.${col('l', lk)} = r.${col('r', s.rightKey[i]!)}`).join(' AND ');
}

const fieldRef = (side: Side, column: string): Expr => ({
  kind: 'field',
  name: `${side}.${column}`,
  qualifier: side,
  field: column,
  start: 0,
  end: 0,
});

interface OutputOptions {
  /** A window join's bounds: what `window_start` / `window_end` are (epoch milliseconds). */
  extra?: { schema: RowSchema; sql: Record<string, string>; ast: Record<string, Expr> };
  /** The SQL column of a side's field, when a side's columns were renamed. */
  column?: (side: Side, field: string) => string;
}

/** The join's output columns: `fields` translated over `l` and `r`, or every left field, then every right field. */
function outputColumns(
  ctx: ExportContext,
  info: NodeInfo,
  node: JoinNode,
  s: Sides,
  o: OutputOptions = {},
): string[] {
  const col = o.column ?? ((_: Side, f: string) => ident(f));
  if (node.fields === undefined) {
    return [
      ...Object.keys(s.leftSchema).map((f) => `l.${col('l', f)} AS ${ident(f)}`),
      ...Object.keys(s.rightSchema).map((f) => `r.${col('r', f)} AS ${ident(f)}`),
      ...Object.entries(o.extra?.sql ?? {}).map(([f, sql]) => `${sql} AS ${ident(f)}`),
    ];
  }
  const replace: FieldReplacer = (f) => {
    if (f.qualifier === 'l' || f.qualifier === 'r') {
      const c = col(f.qualifier, f.field ?? f.name);
      return c === ident(f.field ?? f.name) ? undefined : { ...f, field: c.replaceAll('`', '') };
    }
    return o.extra?.ast[f.name];
  };
  const scope = {
    left: s.leftSchema,
    right: s.rightSchema,
    ...(o.extra ? { extra: o.extra.schema } : {}),
  };
  const items: string[] = [];
  let failed = false;
  for (const [field, text] of Object.entries(node.fields)) {
    const what = `field '${field}'`;
    try {
      const t = translateJoinExpr(text, scope, replace);
      for (const n of t.notes) ctx.note(info.id, `${what}: ${n}`);
      items.push(`${keepBigint(t, text)} AS ${ident(field)}`);
    } catch (e) {
      if (!(e instanceof UnsupportedExpression)) throw e;
      ctx.refuse(e.code, node, ctx.path(info, 'fields', field), `${label(node)}, ${what}: ${e.message}`);
      failed = true;
    }
  }
  if (failed) refused();
  return items;
}

const JOIN_SQL = { inner: 'JOIN', left: 'LEFT JOIN', right: 'RIGHT JOIN', full: 'FULL JOIN' } as const;

function output(info: NodeInfo, rowtime: string | null, rowtimeLost?: string): Omit<Relation, 'name'> {
  return {
    columns: Object.keys(info.outputSchema),
    types: info.outputSchema,
    rowtime,
    ...(rowtime === null && rowtimeLost !== undefined ? { rowtimeLost } : {}),
    proctime: null,
    windowBounds: null,
    updatingFrom: null,
  };
}

/** `+ INTERVAL '1' SECOND`, `- INTERVAL …`, or nothing for 0. */
function offset(ctx: ExportContext, info: NodeInfo, ms: number, field: string): string {
  if (ms === 0) return '';
  return ` ${ms < 0 ? '-' : '+'} ${ctx.duration(info, Math.abs(ms), ctx.path(info, field), field)}`;
}

// ---------------------------------------------------------------------------------------------- interval join

export function writeIntervalJoin(ctx: ExportContext, info: NodeInfo, node: IntervalJoinNode): void {
  const s = sides(ctx, info);
  const lt = requireRowtime(ctx, info, s.left, 'an interval join (its left input)');
  const rt = requireRowtime(ctx, info, s.right, 'an interval join (its right input)');
  const lower = offset(ctx, info, node.lowerBoundMs, 'lowerBoundMs');
  const upper = offset(ctx, info, node.upperBoundMs, 'upperBoundMs');
  const cols = outputColumns(ctx, info, node, s);
  // Flowstate's timestamp of a pair is max(l.ts, r.ts), of a padded row its own: one input's time attribute
  // is exactly that when the bounds order the two (r.ts >= l.ts when lower >= 0, r.ts <= l.ts when upper <= 0)
  // and the padded rows are that input's.
  const type = node.type;
  const rIsMax = node.lowerBoundMs >= 0 && (type === 'inner' || type === 'right');
  const lIsMax = node.upperBoundMs <= 0 && (type === 'inner' || type === 'left');
  const keep: Side | null = lIsMax ? 'l' : rIsMax ? 'r' : null;
  if (keep !== null) cols.push(`${keep}.${ident(keep === 'l' ? lt : rt)} AS ${ident(ctx.rowtimeCol)}`);
  ctx.note(
    node.id,
    "a row that arrives behind the watermark is dropped by Flowstate (as DataStream's IntervalJoinOperator), while Flink SQL's interval join (TimeIntervalJoin) still joins it with the other side's rows it keeps",
  );
  ctx.view(
    info,
    `interval join (${type}): r.ts within [l.ts ${node.lowerBoundMs >= 0 ? '+' : '-'} ${Math.abs(node.lowerBoundMs)} ms, l.ts ${node.upperBoundMs >= 0 ? '+' : '-'} ${Math.abs(node.upperBoundMs)} ms]${keep ? `; the ${keep === 'l' ? 'left' : 'right'} row's time is the output's event time (max(l.ts, r.ts) here)` : ''}`,
    `SELECT\n  ${cols.join(',\n  ')}\nFROM ${ident(s.left.name)} AS l\n${JOIN_SQL[type]} ${ident(s.right.name)} AS r\nON ${keyCondition(s)}\n  AND r.${ident(rt)} BETWEEN l.${ident(lt)}${lower} AND l.${ident(lt)}${upper}`,
    output(
      info,
      keep ? ctx.rowtimeCol : null,
      `${label(node)} stamps a pair with max(l.ts, r.ts) and a padded row with its own time, which is no input's time attribute in Flink SQL (exact only for inner or right joins with lowerBoundMs >= 0, and inner or left joins with upperBoundMs <= 0)`,
    ),
  );
}

// ---------------------------------------------------------------------------------------------- window join

const TVF_COLUMNS = new Set(['window_start', 'window_end', 'window_time']);

export function writeWindowJoin(ctx: ExportContext, info: NodeInfo, node: WindowJoinNode): void {
  const s = sides(ctx, info);
  const a = node.assigner;
  const lt = requireRowtime(ctx, info, s.left, 'a window join (its left input)');
  const rt = requireRowtime(ctx, info, s.right, 'a window join (its right input)');
  if (a.type === 'sliding' && a.sizeMs % a.slideMs !== 0) {
    ctx.refuse(
      'hop-size-not-multiple',
      node,
      ctx.path(info, 'assigner', 'sizeMs'),
      `${label(node)}: sizeMs ${a.sizeMs} is not a multiple of slideMs ${a.slideMs}; Flink's HOP window TVF requires it ("HOP table function based aggregate requires size must be an integral multiple of slide"), and a window join needs the TVF on both sides: make sizeMs a multiple of slideMs`,
    );
    refused();
  }
  const dur = (ms: number, field: string) => ctx.duration(info, ms, ctx.path(info, 'assigner', field), field);
  const off = a.offsetMs > 0 ? `, ${dur(a.offsetMs, 'offsetMs')}` : '';
  // The window's bounds as epoch milliseconds, computed on each side when the output has them.
  const usesBounds =
    node.fields === undefined || Object.values(node.fields).some((t) => /window_(start|end)/i.test(t));
  const windowStart = ctx.fresh('__wstart');
  const windowEnd = ctx.fresh('__wend');
  // A side's fields named like the TVF's own columns (the bounds of a window upstream) are renamed first.
  const renamed: Record<Side, Map<string, string>> = { l: new Map(), r: new Map() };
  const sideSql = (side: Side, rel: Relation, time: string): string => {
    let input = rel.name;
    if (rel.columns.some((c) => TVF_COLUMNS.has(c.toLowerCase()))) {
      input = ctx.fresh(`${node.id}_${side === 'l' ? 'left' : 'right'}`);
      const cols = rel.columns.map((c) => {
        if (!TVF_COLUMNS.has(c.toLowerCase())) return ident(c);
        const to = ctx.fresh(`__${side}_${c}`);
        renamed[side].set(c, to);
        return `${ident(c)} AS ${ident(to)}`;
      });
      ctx.extraView(
        info,
        input,
        `its ${side === 'l' ? 'left' : 'right'} input with the fields the window TVF adds itself renamed`,
        `SELECT ${[...cols, ident(time)].join(', ')}\nFROM ${ident(rel.name)}`,
      );
    }
    const tvf =
      a.type === 'tumbling'
        ? `TUMBLE(TABLE ${ident(input)}, DESCRIPTOR(${ident(time)}), ${dur(a.sizeMs, 'sizeMs')}${off})`
        : `HOP(TABLE ${ident(input)}, DESCRIPTOR(${ident(time)}), ${dur(a.slideMs, 'slideMs')}, ${dur(a.sizeMs, 'sizeMs')}${off})`;
    const bounds = usesBounds
      ? `, ${epochMillis('window_start')} AS ${ident(windowStart)}, ${epochMillis('window_start')} + ${a.sizeMs} AS ${ident(windowEnd)}`
      : '';
    return `(\n  SELECT *${bounds}\n  FROM TABLE(${tvf})\n)`;
  };
  const left = sideSql('l', s.left, lt);
  const right = sideSql('r', s.right, rt);
  const column = (side: Side, f: string) => ident(renamed[side].get(f) ?? f);
  const type = node.type;
  // The window's bounds: from a side that is there (both in a full join: COALESCE).
  const bound = (c: string): { sql: string; ast: Expr } => {
    if (type === 'full') {
      return {
        sql: `COALESCE(l.${ident(c)}, r.${ident(c)})`,
        ast: {
          kind: 'call',
          name: 'COALESCE',
          nameEnd: 0,
          args: [fieldRef('l', c), fieldRef('r', c)],
          star: false,
          distinct: false,
          start: 0,
          end: 0,
        },
      };
    }
    const side: Side = type === 'right' ? 'r' : 'l';
    return { sql: `${side}.${ident(c)}`, ast: fieldRef(side, c) };
  };
  const ws = bound(windowStart);
  const we = bound(windowEnd);
  const cols = outputColumns(ctx, info, node, s, {
    column,
    extra: {
      schema: { window_start: 'timestamp', window_end: 'timestamp' },
      sql: { window_start: ws.sql, window_end: we.sql },
      ast: { window_start: ws.ast, window_end: we.ast },
    },
  });
  // window_time (window_end - 1 ms), Flowstate's timestamp of every row of the window join, is a time
  // attribute of the side that is always there.
  const keep: Side | null = type === 'full' ? null : type === 'right' ? 'r' : 'l';
  if (keep !== null) cols.push(`${keep}.window_time AS ${ident(ctx.rowtimeCol)}`);
  const windowText =
    a.type === 'tumbling'
      ? `tumbling windows of ${a.sizeMs} ms`
      : `sliding windows of ${a.sizeMs} ms every ${a.slideMs} ms`;
  ctx.view(
    info,
    `window join (${type}) in ${windowText}: both inputs through the window TVF, joined on the key and the window`,
    `SELECT\n  ${cols.join(',\n  ')}\nFROM ${left} AS l\n${JOIN_SQL[type]} ${right} AS r\nON ${keyCondition(s, column)}\n  AND l.window_start = r.window_start AND l.window_end = r.window_end`,
    output(
      info,
      keep ? ctx.rowtimeCol : null,
      `${label(node)} is a full outer window join: each side's window_time may be NULL in Flink SQL, so its rows have no time attribute`,
    ),
  );
}

// ---------------------------------------------------------------------------------------------- temporal join

export function writeTemporalJoin(ctx: ExportContext, info: NodeInfo, node: TemporalJoinNode): void {
  const s = sides(ctx, info);
  const lt = requireRowtime(ctx, info, s.left, 'a temporal join (its left input)');
  const rt = requireRowtime(ctx, info, s.right, 'a temporal join (its right input, the versioned table)');
  let versioned = s.right.name;
  // With the primary key declared on the source (temporal.ts), the right input is a versioned table as it is.
  const byKey = versionedPath(ctx.analysis, info, ctx.options) !== null;
  if (!byKey) {
    versioned = ctx.fresh(`${node.id}_versions`);
    ctx.note(
      node.id,
      "the right input is made a versioned table by deduplication (ROW_NUMBER() OVER (PARTITION BY key ORDER BY rowtime DESC) = 1), Flink's pattern when the source cannot carry the key as its PRIMARY KEY: Flink's RowTimeDeduplicateFunction drops a row that is older than the key's newest row so far, so a version that arrives after a newer one of its key is not a version in Flink, while Flowstate keeps it",
    );
    const rn = ctx.fresh('__rn');
    ctx.extraView(
      info,
      versioned,
      `its right input as a versioned view: the newest row per key (primary key ${s.rightKey.join(', ')}) by event time`,
      `SELECT ${[...s.right.columns.map(ident), ident(rt)].join(', ')}\nFROM (\n  SELECT *, ROW_NUMBER() OVER (PARTITION BY ${s.rightKey.map(ident).join(', ')} ORDER BY ${ident(rt)} DESC) AS ${ident(rn)}\n  FROM ${ident(s.right.name)}\n)\nWHERE ${ident(rn)} = 1`,
    );
  }
  const cols = outputColumns(ctx, info, node, s);
  cols.push(`l.${ident(lt)} AS ${ident(ctx.rowtimeCol)}`);
  ctx.view(
    info,
    `temporal join (${node.type}): each left row with the version of its key at its event time`,
    `SELECT\n  ${cols.join(',\n  ')}\nFROM ${ident(s.left.name)} AS l\n${node.type === 'left' ? 'LEFT JOIN' : 'JOIN'} ${ident(versioned)} FOR SYSTEM_TIME AS OF l.${ident(lt)} AS r\nON ${keyCondition(s)}`,
    output(info, ctx.rowtimeCol),
  );
}

// ---------------------------------------------------------------------------------------------- regular join

export function writeRegularJoin(ctx: ExportContext, info: NodeInfo, node: RegularJoinNode): void {
  const jobStateTtlMs = ctx.jobStateTtlMs;
  const s = sides(ctx, info);
  const cols = outputColumns(ctx, info, node, s);
  let hint = '';
  if (node.stateTtlMs > 0 || jobStateTtlMs > 0) {
    // Per join (Flink 1.18+), also to keep this join's own TTL where table.exec.state.ttl is set for the job.
    const ttl = `${node.stateTtlMs} ms`;
    hint = ` /*+ STATE_TTL('l' = '${ttl}', 'r' = '${ttl}') */`;
  }
  if (node.stateTtlMs > 0) {
    ctx.note(
      node.id,
      `stateTtlMs ${node.stateTtlMs}: a processing-time TTL in both engines (Flink's state TTL, refreshed when a row is written), so which pairs are emitted depends on when the rows arrive`,
    );
  }
  ctx.view(
    info,
    `regular inner join: every pair with equal keys${node.stateTtlMs > 0 ? `, rows kept ${node.stateTtlMs} ms` : ''}`,
    `SELECT${hint}\n  ${cols.join(',\n  ')}\nFROM ${ident(s.left.name)} AS l\nJOIN ${ident(s.right.name)} AS r\nON ${keyCondition(s)}`,
    output(
      info,
      null,
      `${label(node)} is a regular join, whose output has no time attribute in Flink SQL (its inputs' time attributes become plain timestamps); Flowstate stamps its rows with the later of the two rows' times`,
    ),
  );
}
