/**
 * Sources → `CREATE TABLE` statements: JSON lines or raw text files (the filesystem connector), datagen, or a
 * JSON lines file that replaces the source (sourceOverrides). A source with a watermark gets the hidden
 * event-time attribute `__rowtime AS TO_TIMESTAMP_LTZ(<timestampField>, 3)` and its WATERMARK; the versioned
 * table of a temporal join gets its PRIMARY KEY (temporal.ts).
 */
import type { NodeInfo, RowSchema, SourceNode } from '@flowstate/spec';
import { sourceSchema } from '@flowstate/spec';
import { type ExportContext, label, oneLine } from './context';
import { sqlType } from './expr';
import { ident, interval, option, resolvePath, str } from './sql';

/** datagen `rows-per-second` for Flowstate's 0 (as fast as possible); Flink's default would be 10,000. */
const UNLIMITED_ROWS_PER_SECOND = 1_000_000_000;

export function sourcePath(ctx: ExportContext, info: NodeInfo, path: string, at: string): string | undefined {
  const resolved = resolvePath(ctx.options.baseDir, path);
  if (resolved === undefined) {
    ctx.refuse(
      'relative-path',
      info.node,
      at,
      `${label(info.node)}: the path '${path}' is relative and no base directory was given: pass options.baseDir (the CLI passes the spec file's directory) or use an absolute path`,
    );
  }
  return resolved;
}

export function writeSource(ctx: ExportContext, info: NodeInfo, node: SourceNode): void {
  const schema = sourceSchema(node) ?? info.outputSchema;
  const fields = Object.keys(schema);
  const override = ctx.options.sourceOverrides?.[node.id];
  const columns: string[] = [];
  const withOptions: string[] = [];
  /** field → SQL of its value (computed columns are inlined into the rowtime expression). */
  const valueSql = new Map<string, string>(fields.map((f) => [f, ident(f)]));
  let comment: string;
  const c = node.connector;
  if (override !== undefined) {
    const path = sourcePath(ctx, info, override.path, ctx.path(info, 'connector'));
    if (path === undefined) return;
    comment = `replaced by the JSON lines file ${override.path} (sourceOverrides)`;
    for (const f of fields) columns.push(`${ident(f)} ${sqlType(schema[f]!)}`);
    withOptions.push(option('connector', 'filesystem'), option('path', path), option('format', 'json'));
  } else if (c.type === 'nexmark') {
    ctx.refuse(
      'nexmark-source',
      node,
      ctx.path(info, 'connector'),
      `${label(node)}: there is no Nexmark connector for Flink SQL in Maven Central (and its generator is not seeded), so the source cannot be exported as it is: materialize the rows to a JSON lines file and pass it in options.sourceOverrides (flowstate export: --source ${node.id}=FILE)`,
    );
    return;
  } else if (c.type === 'file') {
    const path = sourcePath(ctx, info, c.path, ctx.path(info, 'connector', 'path'));
    if (path === undefined) return;
    if (c.format === 'csv') {
      ctx.refuse(
        'csv-source',
        node,
        ctx.path(info, 'connector', 'format'),
        `${label(node)}: Flink's csv format reads every line as a row and maps columns by position, so the header line of the file would be read as data: convert the file to jsonl (format "jsonl") or pass a JSON lines file in options.sourceOverrides`,
      );
      return;
    }
    for (const f of fields) columns.push(`${ident(f)} ${sqlType(schema[f]!)}`);
    withOptions.push(option('connector', 'filesystem'), option('path', path));
    if (c.format === 'text') {
      comment = `the lines of ${c.path} (raw format: one STRING column per line)`;
      withOptions.push(option('format', 'raw'));
      ctx.note(node.id, "a line ending in \\r\\n keeps its \\r in Flink's raw format; Flowstate drops it");
    } else {
      comment = `JSON lines from ${c.path}`;
      withOptions.push(option('format', 'json'));
    }
  } else {
    comment = 'generated rows (datagen)';
    if (!datagen(ctx, info, node, c, schema, columns, withOptions, valueSql)) return;
  }

  let proctime: string | null = null;
  if (ctx.needsProctime) {
    proctime = ctx.proctimeCol;
    columns.push(`${ident(proctime)} AS PROCTIME()`);
  }
  const wm = node.watermark;
  let rowtime: string | null = null;
  if (wm) {
    rowtime = ctx.rowtimeCol;
    const delayMs = wm.maxOutOfOrdernessMs + 1;
    const delay = interval(delayMs);
    if (delay === undefined) {
      ctx.refuse(
        'duration-too-long',
        node,
        ctx.path(info, 'watermark', 'maxOutOfOrdernessMs'),
        `${label(node)}: maxOutOfOrdernessMs ${wm.maxOutOfOrdernessMs} is 100 days or longer, which a Flink SQL interval literal cannot hold here; lower it`,
      );
      return;
    }
    columns.push(
      `-- the event time: ${wm.timestampField} (epoch milliseconds) as a TIMESTAMP_LTZ(3) time attribute\n  ${ident(rowtime)} AS TO_TIMESTAMP_LTZ(${valueSql.get(wm.timestampField)}, 3)`,
    );
    // Flowstate's watermark is max - maxOutOfOrdernessMs - 1 (WatermarkStrategy.forBoundedOutOfOrderness,
    // BoundedOutOfOrdernessWatermarks.onPeriodicEmit). A SQL WATERMARK expression is evaluated per row and
    // the operator emits the largest value seen (WatermarkAssignerOperator / GeneratedWatermarkGeneratorSupplier
    // take max(expression) and emit it as is), so `rowtime - INTERVAL` gives max - delay: the delay is
    // maxOutOfOrdernessMs + 1 ms to fire windows at exactly the same watermark.
    columns.push(
      `-- watermark = largest timestamp - ${wm.maxOutOfOrdernessMs} ms - 1 ms, as Flowstate's (and forBoundedOutOfOrderness)\n  WATERMARK FOR ${ident(rowtime)} AS ${ident(rowtime)} - ${delay}`,
    );
  }
  const pk = ctx.primaryKeys.get(node.id);
  if (pk !== undefined) {
    columns.push(
      `-- the versioned table of a temporal join: one version per key and time (insert-only rows, NOT ENFORCED)\n  PRIMARY KEY (${pk.map(ident).join(', ')}) NOT ENFORCED`,
    );
  }
  ctx.statement(
    'sources',
    `${ctx.takeNotes()}-- ${label(node)}: ${oneLine(comment)}\nCREATE TABLE ${ident(node.id)} (\n  ${columns.join(',\n  ')}\n) WITH (\n  ${withOptions.join(',\n  ')}\n);`,
  );
  ctx.setRelation(node.id, {
    name: node.id,
    columns: fields,
    types: schema,
    rowtime,
    proctime,
    windowBounds: null,
    updatingFrom: null,
  });
}

/**
 * datagen: Flink's connector has `sequence` and `random` generators per field, unseeded. Flowstate's
 * sequence and timestamp generators are computed columns over one hidden row index (a Flink sequence
 * 0..count-1), so they are exact; `choice` is a CASE over a hidden random column with the same
 * distribution; random values, the seed and the timestamp jitter cannot be reproduced (notes).
 */
function datagen(
  ctx: ExportContext,
  info: NodeInfo,
  node: SourceNode,
  c: Extract<SourceNode['connector'], { type: 'datagen' }>,
  schema: RowSchema,
  columns: string[],
  withOptions: string[],
  valueSql: Map<string, string>,
): boolean {
  const row = ident(ctx.rowIndexCol);
  withOptions.push(option('connector', 'datagen'));
  const rate = c.rowsPerSecond === 0 ? UNLIMITED_ROWS_PER_SECOND : Math.ceil(c.rowsPerSecond);
  if (c.rowsPerSecond === 0) {
    withOptions.push(
      `-- Flowstate's rowsPerSecond 0: as fast as possible\n  ${option('rows-per-second', String(rate))}`,
    );
  } else {
    if (rate !== c.rowsPerSecond)
      ctx.note(
        node.id,
        `rowsPerSecond ${c.rowsPerSecond} is rounded up to ${rate} (Flink takes whole rows per second)`,
      );
    withOptions.push(option('rows-per-second', String(rate)));
  }
  if (c.count !== undefined) withOptions.push(option('number-of-rows', String(c.count)));
  const needsIndex = Object.values(c.fields).some((g) => g.kind === 'sequence' || g.kind === 'timestamp');
  if (needsIndex) {
    if (c.count === undefined) {
      ctx.refuse(
        'unbounded-sequence',
        node,
        ctx.path(info, 'connector', 'count'),
        `${label(node)}: its sequence/timestamp generators are computed from a Flink sequence generator, which needs an end (and materializes its range); set "count" to export an unbounded datagen, or use sourceOverrides`,
      );
      return false;
    }
    columns.push(
      `-- row index i = 0, 1, 2, ... (Flowstate's row number, the generators below are computed from it)\n  ${row} BIGINT`,
    );
    withOptions.push(
      option(`fields.${ctx.rowIndexCol}.kind`, 'sequence'),
      option(`fields.${ctx.rowIndexCol}.start`, '0'),
      option(`fields.${ctx.rowIndexCol}.end`, String(Math.max(c.count - 1, 0))),
    );
  }
  let random = false;
  let choiceIndex = 0;
  for (const [field, type] of Object.entries(schema)) {
    const g = c.fields[field];
    if (g === undefined) continue;
    const f = ident(field);
    const sqlT = sqlType(type);
    switch (g.kind) {
      case 'sequence': {
        const span = g.end !== undefined ? `MOD(${row}, ${g.end - g.start + 1})` : row;
        const sql = `CAST(${g.start} + ${span} AS ${sqlT})`;
        columns.push(`${f} AS ${sql}`);
        valueSql.set(field, sql);
        break;
      }
      case 'timestamp': {
        const sql = `CAST(${g.startMs} + ${row} * ${g.stepMs} AS BIGINT)`;
        columns.push(`${f} AS ${sql}`);
        valueSql.set(field, sql);
        if (g.maxJitterMs > 0) {
          ctx.note(
            node.id,
            `field '${field}': the timestamp generator's random jitter (maxJitterMs ${g.maxJitterMs}) is not reproduced: Flink's rows are start + i × ${g.stepMs} ms, in order`,
          );
        }
        break;
      }
      case 'random': {
        random = true;
        columns.push(`${f} ${sqlT}`);
        const key = (k: string) => `fields.${field}.${k}`;
        withOptions.push(option(key('kind'), 'random'));
        if (type === 'string') {
          withOptions.push(option(key('length'), String(g.length ?? 8)));
          ctx.note(node.id, `field '${field}': Flink's random strings use other characters than Flowstate's`);
        } else if (type === 'int') {
          withOptions.push(
            option(key('min'), String(Math.ceil(g.min))),
            option(key('max'), String(Math.floor(g.max))),
          );
        } else {
          withOptions.push(option(key('min'), String(g.min)), option(key('max'), String(g.max)));
        }
        if (g.nullRate !== undefined && g.nullRate > 0)
          withOptions.push(option(key('null-rate'), String(g.nullRate)));
        break;
      }
      case 'choice': {
        random = true;
        const hidden = ctx.fresh(`__choice${choiceIndex++}`);
        const h = ident(hidden);
        const value = (v: string | number | boolean): string =>
          typeof v === 'string' ? str(v) : typeof v === 'boolean' ? (v ? 'TRUE' : 'FALSE') : String(v);
        let sql: string;
        if (g.weights === undefined) {
          columns.push(`${h} BIGINT`);
          withOptions.push(
            option(`fields.${hidden}.kind`, 'random'),
            option(`fields.${hidden}.min`, '0'),
            option(`fields.${hidden}.max`, String(g.values.length - 1)),
          );
          const whens = g.values.slice(0, -1).map((v, i) => `WHEN ${i} THEN ${value(v)}`);
          sql = `CASE ${h} ${whens.join(' ')} ELSE ${value(g.values[g.values.length - 1]!)} END`;
        } else {
          // Weighted: a uniform DOUBLE in [0, total) picks the value whose cumulative weight range holds it.
          const total = g.weights.reduce((s, w) => s + w, 0);
          columns.push(`${h} DOUBLE`);
          withOptions.push(
            option(`fields.${hidden}.kind`, 'random'),
            option(`fields.${hidden}.min`, '0'),
            option(`fields.${hidden}.max`, String(total)),
          );
          let cumulative = 0;
          const whens: string[] = [];
          g.values.forEach((v, i) => {
            const w = g.weights![i] ?? 0;
            if (w <= 0) return;
            cumulative += w;
            whens.push(`WHEN ${h} < ${cumulative} THEN ${value(v)}`);
          });
          const lastIndex = g.weights.reduce((last, w, i) => (w > 0 ? i : last), 0);
          sql = `CASE ${whens.slice(0, -1).join(' ')} ELSE ${value(g.values[lastIndex]!)} END`;
          if (whens.length === 1) sql = value(g.values[lastIndex]!);
        }
        if (type !== 'string' && type !== 'bool') sql = `CAST(${sql} AS ${sqlT})`;
        columns.push(`${f} AS ${sql}`);
        valueSql.set(field, sql);
        break;
      }
    }
  }
  if (random) {
    ctx.note(
      node.id,
      `random and choice values are Flink's own (unseeded random generators): the same distributions as Flowstate's, not the same rows (seed ${c.seed} is not applied)`,
    );
  }
  if (ctx.analysis.spec.settings.parallelism > 1 && needsIndex) {
    ctx.note(
      node.id,
      "with parallelism > 1 Flink's sequence generator gives each subtask a contiguous part of the row indexes, so rows arrive in another order than Flowstate's",
    );
  }
  return true;
}
