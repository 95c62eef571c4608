/**
 * exportFlinkSql: a job spec → one Flink SQL script (Flink 2.x, written against 2.3.0) that runs the same
 * pipeline: SET statements, a CREATE TABLE per source and sink, a CREATE TEMPORARY VIEW per transform, and
 * the INSERTs (in an EXECUTE STATEMENT SET when there are several sinks).
 *
 * Never silently different: whatever the script cannot do exactly as Flowstate does is a `-- note:` line
 * before the statement concerned plus an entry in `notes`, or a refusal in `problems` whose message says
 * what to change. Pure and deterministic: no I/O, the same spec and options give the same text.
 *
 * How rows are represented (the one decision everything else follows from):
 * - Flowstate `int` → BIGINT, `float` → DOUBLE, `string` → STRING, `bool` → BOOLEAN.
 * - Flowstate `timestamp` → BIGINT epoch milliseconds, as in Flowstate itself. Timestamp arithmetic and
 *   comparisons (`ts + 1000`, `ts - ts`, `ts > 1700000000000`) then mean the same in both, and files hold
 *   the same epoch-millisecond integers. A window TVF needs a time attribute, which must be TIMESTAMP(3) or
 *   TIMESTAMP_LTZ(3), so every source with a watermark gets one hidden computed column
 *   `__rowtime AS TO_TIMESTAMP_LTZ(<timestampField>, 3)` carrying the WATERMARK; every view passes it on
 *   (it is Flowstate's per-record event timestamp, which also survives a map that drops the field), and a
 *   window's output carries `window_time` (window_end - 1 ms, the timestamp Flink's WindowOperator gives a
 *   window result) as its `__rowtime`. Window bounds go back to epoch milliseconds with `epochMillis`.
 */
import {
  type Edge,
  hasEventTime,
  type JobNode,
  type NodeInfo,
  type RowSchema,
  type SourceNode,
  type SpecAnalysis,
  sourceSchema,
  validateSpec,
} from '@flowstate/spec';
import { type ExportContext, keepBigint, label, type Relation, refused } from './context';
import { sqlType, translateAggregate, translateExpr, UnsupportedExpression } from './expr';
import { writeIntervalJoin, writeRegularJoin, writeTemporalJoin, writeWindowJoin } from './joins';
import { writeOver } from './over';
import { writeDeduplicate, writeTopN } from './rank';
import { epochMillis, ident, interval, option, resolvePath, str } from './sql';
import { versionedSources } from './temporal';
import type { ExportNote, ExportOptions, ExportProblem, ExportResult } from './types';

/** Text that goes into a `--` comment: one line. */
// Also no ';' in comments: a SQL client that splits a script on ';' must not end a statement inside one.
const oneLine = (text: string): string => text.replaceAll(/\s*[\r\n]+\s*/g, ' ').replaceAll(';', ',');
const pointer = (...segments: PropertyKey[]): string =>
  segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

const DEFAULT_CHANGELOG_FORMAT = 'debezium-json';
/** datagen `rows-per-second` for Flowstate's 0 (as fast as possible); Flink's default would be 10,000. */
const UNLIMITED_ROWS_PER_SECOND = 1_000_000_000;

class Exporter implements ExportContext {
  readonly problems: ExportProblem[] = [];
  readonly notes: ExportNote[] = [];
  private readonly noteKeys = new Set<string>();
  /** Statement blocks per section, in order. */
  private readonly settings: string[] = [];
  private readonly sources: string[] = [];
  private readonly views: string[] = [];
  private readonly sinks: string[] = [];
  private readonly inserts: string[] = [];
  /** Notes waiting to be written before the next statement of their node. */
  private pending: string[] = [];
  private readonly relations = new Map<string, Relation>();
  private readonly taken: Set<string>;
  readonly rowtimeCol: string;
  readonly proctimeCol: string;
  private readonly rowIndexCol: string;
  /** Whether the sources get a processing-time attribute (a processing-time window, a deduplication by arrival). */
  private readonly needsProctime: boolean;
  /** Sources declared with a PRIMARY KEY: the versioned tables of temporal joins (temporal.ts). */
  private readonly primaryKeys: Map<string, string[]>;

  constructor(
    readonly analysis: SpecAnalysis,
    readonly options: ExportOptions,
  ) {
    const names = new Set<string>();
    for (const info of analysis.nodes.values()) {
      names.add(info.id.toLowerCase());
      for (const f of Object.keys(info.outputSchema)) names.add(f.toLowerCase());
      for (const f of Object.keys(info.inputSchema ?? {})) names.add(f.toLowerCase());
    }
    this.taken = names;
    this.rowtimeCol = this.fresh('__rowtime');
    this.proctimeCol = this.fresh('__proctime');
    this.rowIndexCol = this.fresh('__row');
    this.needsProctime = analysis.spec.nodes.some(
      (n) =>
        (n.kind === 'window' && n.time === 'processing') ||
        (n.kind === 'deduplicate' && !hasEventTime(analysis, n.id)),
    );
    this.primaryKeys = versionedSources(analysis, options);
    const ttls = [
      ...new Set(
        analysis.spec.nodes.flatMap((n) =>
          n.kind === 'deduplicate' && n.stateTtlMs > 0 ? [n.stateTtlMs] : [],
        ),
      ),
    ];
    this.jobStateTtlMs = ttls[0] ?? 0;
  }

  /**
   * `table.exec.state.ttl` (0: not set): a deduplication's stateTtlMs — Flink SQL has no per-query TTL for a
   * deduplication (the STATE_TTL hint is for joins and group aggregations), so it is the job's.
   */
  readonly jobStateTtlMs: number;

  /** A name no node or field uses (Flink identifiers are case-insensitive). */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.taken.has(name.toLowerCase()); i++) name = `${base}${i}`;
    this.taken.add(name.toLowerCase());
    return name;
  }

  refuse(code: string, node: JobNode | undefined, path: string, message: string): void {
    this.problems.push({ code, ...(node ? { nodeId: node.id } : {}), path, message });
  }

  /** Records a note (once per node and text) and queues its `-- note:` line for the next statement. */
  note(nodeId: string | undefined, message: string): void {
    const key = `${nodeId ?? ''}\u0000${message}`;
    if (this.noteKeys.has(key)) return;
    this.noteKeys.add(key);
    this.notes.push({ ...(nodeId !== undefined ? { nodeId } : {}), message });
    this.pending.push(`-- note: ${nodeId !== undefined ? `${nodeId}: ` : ''}${oneLine(message)}`);
  }

  takeNotes(): string {
    const lines = this.pending;
    this.pending = [];
    return lines.length > 0 ? `${lines.join('\n')}\n` : '';
  }

  info(id: string): NodeInfo {
    return this.analysis.nodes.get(id)!;
  }

  path(info: NodeInfo, ...rest: PropertyKey[]): string {
    return pointer('nodes', info.index, ...rest);
  }

  run(): string {
    this.writeSettings();
    for (const id of this.analysis.order) {
      const info = this.info(id);
      this.checkEdges(info);
      try {
        this.writeNode(info);
      } catch (e) {
        if (!(e instanceof UnsupportedExpression)) throw e;
        // Reported where the expression is; nothing downstream of this node can be written.
      }
    }
    return this.assemble();
  }

  // ------------------------------------------------------------------------------------------ settings

  private writeSettings(): void {
    const { settings } = this.analysis.spec;
    const set = (key: string, value: string, comment?: string): void => {
      this.settings.push(
        `${this.takeNotes()}${comment ? `-- ${oneLine(comment)}\n` : ''}SET ${option(key, value)};`,
      );
    };
    set('execution.runtime-mode', 'streaming');
    set('parallelism.default', String(settings.parallelism));
    set('pipeline.max-parallelism', String(settings.maxParallelism));
    set(
      'table.local-time-zone',
      'UTC',
      'Flowstate timestamps are UTC epoch milliseconds; window bounds are read back in UTC.',
    );
    set(
      'table.exec.mini-batch.enabled',
      'false',
      'Every input row updates a rolling aggregate at once, as in Flowstate (no mini-batch buffering).',
    );
    const sources = this.analysis.spec.nodes.filter((n): n is SourceNode => n.kind === 'source');
    const watermarked = sources.filter((s) => s.watermark !== undefined);
    if (watermarked.length > 0) {
      const rows = [...new Set(watermarked.map((s) => s.watermark!.emitEveryRows))];
      if (rows.some((r) => r !== 1)) {
        this.note(
          undefined,
          `Flowstate emits a source's watermark every ${rows.join('/')} rows (emitEveryRows); Flink's watermark assigner emits it on every increase (pipeline.auto-watermark-interval 0), as emitEveryRows 1 would, so a row that is on time in Flowstate because the watermark lagged can be late in Flink`,
        );
      }
      // WatermarkAssignerOperator (flink-table-runtime) emits as soon as `currentWatermark - lastWatermark >
      // watermarkInterval`: with 0 that is every increase, deterministic instead of every 200 ms.
      set(
        'pipeline.auto-watermark-interval',
        '0 ms',
        'Emit the watermark on every increase (WatermarkAssignerOperator), not every 200 ms of wall-clock time.',
      );
      const idle = [...new Set(watermarked.map((s) => s.watermark!.idleTimeoutMs).filter((ms) => ms > 0))];
      if (idle.length > 0) {
        const ms = Math.min(...idle);
        if (idle.length > 1 || watermarked.some((s) => s.watermark!.idleTimeoutMs === 0)) {
          this.note(
            undefined,
            `Flink SQL has one idle timeout for all sources (table.exec.source.idle-timeout); the sources' idleTimeoutMs differ (${[...new Set(watermarked.map((s) => s.watermark!.idleTimeoutMs))].join(', ')}), ${ms} ms is used for all`,
          );
        }
        set('table.exec.source.idle-timeout', `${ms} ms`);
      }
    }
    set(
      'state.backend.type',
      settings.stateBackend === 'disk' ? 'rocksdb' : 'hashmap',
      settings.stateBackend === 'disk'
        ? 'stateBackend "disk": RocksDB (needs flink-statebackend-rocksdb).'
        : undefined,
    );
    const cp = settings.checkpointing;
    if (cp.intervalMs > 0) {
      set('execution.checkpointing.interval', `${cp.intervalMs} ms`);
      set('execution.checkpointing.timeout', `${cp.timeoutMs} ms`);
      set('execution.checkpointing.min-pause', `${cp.minPauseMs} ms`);
      set('execution.checkpointing.num-retained', String(cp.retained));
      set('execution.checkpointing.tolerable-failed-checkpoints', String(cp.tolerableFailures));
    }
    const restart = settings.restart;
    switch (restart.strategy) {
      case 'none':
        set('restart-strategy.type', 'none');
        break;
      case 'fixed-delay':
        set('restart-strategy.type', 'fixed-delay');
        set('restart-strategy.fixed-delay.attempts', String(restart.maxAttempts));
        set('restart-strategy.fixed-delay.delay', `${restart.delayMs} ms`);
        break;
      case 'exponential-backoff':
        this.note(
          undefined,
          "Flink's exponential-delay strategy fails the job after attempts-before-reset-backoff restarts without a stable period between them (reset-backoff-threshold, default 1 h); Flowstate after maxAttempts restarts in all",
        );
        set('restart-strategy.type', 'exponential-delay');
        set('restart-strategy.exponential-delay.initial-backoff', `${restart.delayMs} ms`);
        if (restart.maxDelayMs !== undefined)
          set('restart-strategy.exponential-delay.max-backoff', `${restart.maxDelayMs} ms`);
        if (restart.backoffMultiplier !== undefined)
          set('restart-strategy.exponential-delay.backoff-multiplier', String(restart.backoffMultiplier));
        set('restart-strategy.exponential-delay.jitter-factor', '0.0');
        set('restart-strategy.exponential-delay.attempts-before-reset-backoff', String(restart.maxAttempts));
        break;
    }
    if (this.jobStateTtlMs > 0) {
      const affected = this.analysis.spec.nodes.filter(
        (n) => n.kind === 'aggregate' || n.kind === 'temporalJoin',
      );
      if (affected.length > 0) {
        this.note(
          undefined,
          `table.exec.state.ttl (${this.jobStateTtlMs} ms, the deduplication's stateTtlMs) applies to every stateful operator of the Flink job: the state of ${affected.map((n) => label(n)).join(', ')} expires after ${this.jobStateTtlMs} ms without an update too, where Flowstate keeps it`,
        );
      }
      set(
        'table.exec.state.ttl',
        `${this.jobStateTtlMs} ms`,
        "The deduplication's stateTtlMs (processing time, as Flowstate's): Flink SQL has no per-query TTL for a deduplication.",
      );
    }
    if (settings.rowErrors === 'skip') {
      this.note(
        undefined,
        'settings.rowErrors is "skip": Flowstate skips and counts a row that does not parse or whose expression fails at run time (division by zero, a failed CAST); Flink fails the job (then the restart strategy applies)',
      );
    }
    const pending = this.takeNotes();
    if (pending) this.settings.push(pending.trimEnd());
  }

  // ------------------------------------------------------------------------------------------ edges

  private checkEdges(info: NodeInfo): void {
    const { spec } = this.analysis;
    for (const edge of info.outputs) {
      if (edge.port !== 'late') continue;
      const index = spec.edges.indexOf(edge);
      this.refuse(
        'late-port',
        info.node,
        pointer('edges', index, 'port'),
        `${label(info.node)}: a window's late rows (the edge to '${edge.to}' on port "late") cannot be expressed in Flink SQL: window TVF aggregation drops late rows and has no side output; remove the edge (and set allowedLatenessMs if the rows should still count) to export`,
      );
    }
  }

  // ------------------------------------------------------------------------------------------ nodes

  private writeNode(info: NodeInfo): void {
    const node = info.node;
    if (node.parallelism !== undefined && node.kind !== 'keyBy') {
      this.note(
        node.id,
        `parallelism ${node.parallelism} for this node is not applied: Flink SQL sets one parallelism for the job (parallelism.default = ${this.analysis.spec.settings.parallelism})`,
      );
    }
    switch (node.kind) {
      case 'source':
        this.writeSource(info, node);
        break;
      case 'keyBy':
        if (info.inputs.length > 1) this.relations.set(node.id, this.unionView(info, info.inputs, node.id));
        else this.relations.set(node.id, this.inputRelation(info));
        break;
      case 'filter':
        this.writeFilter(info, node);
        break;
      case 'map':
        this.writeMap(info, node);
        break;
      case 'flatMap':
        this.writeFlatMap(info, node);
        break;
      case 'window':
        this.writeWindow(info, node);
        break;
      case 'aggregate':
        this.writeAggregate(info, node);
        break;
      case 'sink':
        this.writeSink(info, node);
        break;
      case 'intervalJoin':
        writeIntervalJoin(this, info, node);
        break;
      case 'windowJoin':
        writeWindowJoin(this, info, node);
        break;
      case 'temporalJoin':
        writeTemporalJoin(this, info, node);
        break;
      case 'join':
        writeRegularJoin(this, info, node);
        break;
      case 'over':
        writeOver(this, info, node);
        break;
      case 'topN':
        writeTopN(this, info, node);
        break;
      case 'deduplicate':
        writeDeduplicate(this, info, node);
        break;
      default: {
        const unknown: never = node;
        this.refuse(
          'unsupported-node',
          unknown,
          this.path(info),
          `${label(unknown)}: the Flink SQL export does not know this node kind`,
        );
        refused();
      }
    }
  }

  /** The relation of a node's input: its one upstream's, or a union view of several. */
  inputRelation(info: NodeInfo): Relation {
    return this.relationOf(info, info.inputs, `${info.id}_union`);
  }

  relationOf(info: NodeInfo, edges: readonly Edge[], viewName: string): Relation {
    if (edges.length === 1) {
      const rel = this.relations.get(edges[0]!.from);
      if (rel === undefined) throw new UnsupportedExpression('upstream', 'upstream refused');
      return rel;
    }
    return this.unionView(info, edges, this.fresh(viewName));
  }

  /** A view of several inputs' rows (UNION ALL, columns in the first input's order). */
  private unionView(info: NodeInfo, edges: readonly Edge[], name: string): Relation {
    const inputs = edges.map((e: Edge) => {
      const rel = this.relations.get(e.from);
      if (rel === undefined) throw new UnsupportedExpression('upstream', 'upstream refused');
      return rel;
    });
    const first = inputs[0]!;
    const rowtime = inputs.every((r) => r.rowtime !== null) ? this.rowtimeCol : null;
    const proctime = inputs.every((r) => r.proctime !== null) ? this.proctimeCol : null;
    const updatingFrom = inputs.find((r) => r.updatingFrom !== null)?.updatingFrom ?? null;
    const rowtimeLost = inputs.find((r) => r.rowtimeLost !== undefined)?.rowtimeLost;
    const selects = inputs.map((rel) => {
      const cols = [...first.columns.map(ident)];
      if (rowtime) cols.push(ident(rel.rowtime!));
      if (proctime) cols.push(ident(rel.proctime!));
      return `SELECT ${cols.join(', ')} FROM ${ident(rel.name)}`;
    });
    const rel: Relation = {
      name,
      columns: first.columns,
      types: first.types,
      rowtime,
      ...(rowtime === null && rowtimeLost !== undefined ? { rowtimeLost } : {}),
      proctime,
      windowBounds: null,
      updatingFrom,
    };
    this.views.push(
      `${this.takeNotes()}-- ${label(info.node)}: the union of ${inputs.length} inputs\nCREATE TEMPORARY VIEW ${ident(name)} AS\n${selects.join('\nUNION ALL\n')};`,
    );
    return rel;
  }

  /** `a, b, __rowtime` — the columns of a relation plus its hidden columns. */
  selectList(rel: Relation, prefix = ''): string[] {
    const cols = rel.columns.map((c) => prefix + ident(c));
    if (rel.rowtime) cols.push(prefix + ident(rel.rowtime));
    if (rel.proctime) cols.push(prefix + ident(rel.proctime));
    if (rel.windowBounds) {
      cols.push(prefix + ident(rel.windowBounds.start), prefix + ident(rel.windowBounds.end));
    }
    return cols;
  }

  view(info: NodeInfo, comment: string, body: string, rel: Omit<Relation, 'name'>): void {
    const name = info.id;
    this.views.push(
      `${this.takeNotes()}-- ${label(info.node)}: ${oneLine(comment)}\nCREATE TEMPORARY VIEW ${ident(name)} AS\n${body};`,
    );
    this.relations.set(info.id, { ...rel, name });
  }

  extraView(info: NodeInfo, name: string, comment: string, body: string): void {
    this.views.push(
      `${this.takeNotes()}-- ${label(info.node)}: ${oneLine(comment)}\nCREATE TEMPORARY VIEW ${ident(name)} AS\n${body};`,
    );
  }

  expr(info: NodeInfo, text: string, schema: RowSchema, path: string, what: string) {
    try {
      const translated = translateExpr(text, schema);
      for (const n of translated.notes) this.note(info.id, `${what}: ${n}`);
      return translated;
    } catch (e) {
      if (e instanceof UnsupportedExpression) {
        this.refuse(e.code, info.node, path, `${label(info.node)}, ${what}: ${e.message}`);
      }
      throw e;
    }
  }

  duration(info: NodeInfo, ms: number, path: string, what: string): string {
    const text = interval(ms);
    if (text === undefined) {
      this.refuse(
        'duration-too-long',
        info.node,
        path,
        `${label(info.node)}: ${what} ${ms} is 100 days or longer, which a Flink SQL interval literal cannot hold here; use a shorter one`,
      );
      refused();
    }
    return text;
  }

  // ------------------------------------------------------------------------------------------ transforms

  private writeFilter(info: NodeInfo, node: Extract<JobNode, { kind: 'filter' }>): void {
    const input = this.inputRelation(info);
    const where = this.expr(info, node.where, input.types, this.path(info, 'where'), 'where');
    this.view(
      info,
      'filter',
      `SELECT ${this.selectList(input).join(', ')}\nFROM ${ident(input.name)}\nWHERE ${where.sql}`,
      { ...input },
    );
  }

  private writeMap(info: NodeInfo, node: Extract<JobNode, { kind: 'map' }>): void {
    const input = this.inputRelation(info);
    const items: string[] = [];
    let failed = false;
    for (const [field, text] of Object.entries(node.fields)) {
      try {
        const t = this.expr(info, text, input.types, this.path(info, 'fields', field), `field '${field}'`);
        // CHAR_LENGTH, POSITION and small int literals are INT in Flink: keep Flowstate's int as BIGINT.
        const sql = keepBigint(t, text);
        items.push(`${sql} AS ${ident(field)}`);
      } catch (e) {
        if (!(e instanceof UnsupportedExpression)) throw e;
        failed = true;
      }
    }
    if (failed) throw new UnsupportedExpression('refused', 'refused');
    if (input.rowtime) items.push(ident(input.rowtime));
    if (input.proctime) items.push(ident(input.proctime));
    // A window's bounds stay its bounds (for a Window Top-N downstream) when the map copies them as they are.
    const copied = (f: string) => node.fields[f]?.trim() === f;
    const windowBounds =
      input.windowBounds && copied('window_start') && copied('window_end') ? input.windowBounds : null;
    if (windowBounds) items.push(ident(windowBounds.start), ident(windowBounds.end));
    this.view(info, 'map', `SELECT\n  ${items.join(',\n  ')}\nFROM ${ident(input.name)}`, {
      ...input,
      columns: Object.keys(info.outputSchema),
      types: info.outputSchema,
      windowBounds,
    });
  }

  private writeFlatMap(info: NodeInfo, node: Extract<JobNode, { kind: 'flatMap' }>): void {
    const input = this.inputRelation(info);
    const explode = this.expr(info, node.explode, input.types, this.path(info, 'explode'), 'explode');
    const inAlias = this.fresh('__in');
    const outAlias = this.fresh('__x');
    const cols = input.columns.map((c) => `${ident(inAlias)}.${ident(c)}`);
    cols.push(`${ident(outAlias)}.${ident(node.as)}`);
    if (input.rowtime) cols.push(`${ident(inAlias)}.${ident(input.rowtime)}`);
    if (input.proctime) cols.push(`${ident(inAlias)}.${ident(input.proctime)}`);
    if (input.windowBounds) {
      cols.push(`${ident(inAlias)}.${ident(input.windowBounds.start)}`);
      cols.push(`${ident(inAlias)}.${ident(input.windowBounds.end)}`);
    }
    this.view(
      info,
      `one row per element of ${node.explode}`,
      `SELECT ${cols.join(', ')}\nFROM ${ident(input.name)} AS ${ident(inAlias)}\nCROSS JOIN UNNEST(${explode.sql}) AS ${ident(outAlias)} (${ident(node.as)})`,
      { ...input, columns: Object.keys(info.outputSchema), types: info.outputSchema },
    );
  }

  /** Key fields of a window's or aggregate's input (validation guarantees a keyed stream). */
  keyOf(info: NodeInfo): string[] {
    const up = this.info(info.inputs[0]!.from);
    return up.keyFields ?? [];
  }

  aggregates(
    info: NodeInfo,
    aggregates: Record<string, string>,
    schema: RowSchema,
    window?: Extract<JobNode, { kind: 'window' }>,
  ): string[] {
    const out: string[] = [];
    let failed = false;
    for (const [name, text] of Object.entries(aggregates)) {
      const path = this.path(info, 'aggregates', name);
      try {
        const t = translateAggregate(text, schema);
        for (const n of t.notes) this.note(info.id, `aggregate '${name}': ${n}`);
        const fn = t.agg.fn;
        if (window && (fn === 'FIRST_VALUE' || fn === 'LAST_VALUE') && window.assigner.type !== 'tumbling') {
          this.refuse(
            'unsupported-aggregate',
            info.node,
            path,
            `${label(info.node)}, aggregate '${name}': ${fn} in a ${window.assigner.type} window: Flink's ${fn} cannot merge partial results (FirstValueAggFunction/LastValueAggFunction have no merge method), which ${window.assigner.type === 'sliding' ? 'HOP windows (shared slices)' : 'SESSION windows (merging)'} need; use a tumbling window or MIN/MAX of a timestamped value`,
          );
          failed = true;
          continue;
        }
        out.push(`${t.sql} AS ${ident(name)}`);
      } catch (e) {
        if (!(e instanceof UnsupportedExpression)) throw e;
        this.refuse(e.code, info.node, path, `${label(info.node)}, aggregate '${name}': ${e.message}`);
        failed = true;
      }
    }
    if (failed) throw new UnsupportedExpression('refused', 'refused');
    return out;
  }

  private writeAggregate(info: NodeInfo, node: Extract<JobNode, { kind: 'aggregate' }>): void {
    const input = this.inputRelation(info);
    if (input.updatingFrom !== null) {
      this.refuse(
        'aggregate-after-update',
        node,
        this.path(info),
        `${label(node)} aggregates the updates of rolling aggregate '${input.updatingFrom}': Flowstate aggregates every update row, but Flink SQL retracts the previous result of a key before adding the new one, so the results differ; aggregate the original rows instead`,
      );
      throw new UnsupportedExpression('refused', 'refused');
    }
    const key = this.keyOf(info);
    const aggs = this.aggregates(info, node.aggregates, input.types);
    this.note(
      node.id,
      "a rolling aggregate is an updating result in Flink SQL: a key's new row retracts its previous one (-U/+U), where Flowstate emits each update as a new row; and Flink emits nothing for an input row that leaves the key's aggregates unchanged (GroupAggFunction), where Flowstate emits the unchanged row again; the last row per key is the same",
    );
    this.view(
      info,
      'rolling aggregate (GROUP BY the key; every input row updates its key)',
      `SELECT ${[...key.map(ident), ...aggs].join(', ')}\nFROM ${ident(input.name)}\nGROUP BY ${key.map(ident).join(', ')}`,
      {
        columns: Object.keys(info.outputSchema),
        types: info.outputSchema,
        rowtime: null,
        rowtimeLost: `rolling aggregate '${node.id}' is an updating result, which has no event time in Flink SQL`,
        proctime: null,
        windowBounds: null,
        updatingFrom: node.id,
      },
    );
  }

  private writeWindow(info: NodeInfo, node: Extract<JobNode, { kind: 'window' }>): void {
    let input = this.inputRelation(info);
    if (input.updatingFrom !== null) {
      this.refuse(
        'window-after-update',
        node,
        this.path(info),
        `${label(node)} reads the updates of rolling aggregate '${input.updatingFrom}': Flink's window TVFs take insert-only input; window the original rows instead`,
      );
      throw new UnsupportedExpression('refused', 'refused');
    }
    const event = node.time === 'event';
    const timeCol = event ? input.rowtime : input.proctime;
    if (timeCol === null) {
      this.refuse(
        'no-time-attribute',
        node,
        this.path(info, 'time'),
        event && input.rowtimeLost !== undefined
          ? `${label(node)}: a window needs an event-time attribute, and its input has none in the exported SQL: ${input.rowtimeLost}`
          : `${label(node)}: its input has no ${event ? 'event-time' : 'processing-time'} attribute in the exported SQL (a ${event ? 'processing-time window' : 'window'} upstream replaces it); window the rows before that window`,
      );
      throw new UnsupportedExpression('refused', 'refused');
    }
    if (info.inputs.length > 1) {
      // The TVF's TABLE argument must name a table or view: inputRelation made the union view already.
    }
    const key = this.keyOf(info);
    const a = node.assigner;
    const dur = (ms: number, field: string): string => {
      const text = interval(ms);
      if (text === undefined) {
        this.refuse(
          'duration-too-long',
          node,
          this.path(info, 'assigner', field),
          `${label(node)}: ${field} ${ms} is 100 days or longer, which a Flink SQL interval literal cannot hold here; use a shorter window`,
        );
        throw new UnsupportedExpression('refused', 'refused');
      }
      return text;
    };
    let tvf: string;
    /** Sessions keyed by several fields: the ROW column that holds the key, and the view that adds it. */
    let sessionKey: string | null = null;
    let tvfInput = input.name;
    /** A sliding window whose size is not a multiple of its slide: the group-window `HOP(rowtime, slide, size)`. */
    let groupWindow: string | null = null;
    switch (a.type) {
      case 'tumbling':
        tvf = `TUMBLE(TABLE ${ident(input.name)}, DESCRIPTOR(${ident(timeCol)}), ${dur(a.sizeMs, 'sizeMs')}${a.offsetMs > 0 ? `, ${dur(a.offsetMs, 'offsetMs')}` : ''})`;
        break;
      case 'sliding':
        if (a.sizeMs % a.slideMs !== 0) {
          // The HOP window TVF requires size = k × slide. Flink's group-window HOP (GROUP BY HOP(…), the
          // table runtime's WindowOperator) does not, and fires and drops late rows per window as the TVF
          // does, but it has neither an offset ("HOP window with alignment is not supported yet") nor a
          // processing-time variant here: only an event-time window without offset can take that road.
          if (a.offsetMs > 0 || !event) {
            this.refuse(
              'hop-size-not-multiple',
              node,
              this.path(info, 'assigner', 'sizeMs'),
              `${label(node)}: sizeMs ${a.sizeMs} is not a multiple of slideMs ${a.slideMs}; Flink's HOP window TVF requires it ("HOP table function based aggregate requires size must be an integral multiple of slide"), and its group-window HOP, which does not, has no ${a.offsetMs > 0 ? 'offset ("HOP window with alignment is not supported yet")' : 'processing-time form in this export'}: make sizeMs a multiple of slideMs${a.offsetMs > 0 ? ' or drop the offset' : ''}`,
            );
            throw new UnsupportedExpression('refused', 'refused');
          }
          groupWindow = `HOP(${ident(timeCol)}, ${dur(a.slideMs, 'slideMs')}, ${dur(a.sizeMs, 'sizeMs')})`;
        }
        tvf = `HOP(TABLE ${ident(input.name)}, DESCRIPTOR(${ident(timeCol)}), ${dur(a.slideMs, 'slideMs')}, ${dur(a.sizeMs, 'sizeMs')}${a.offsetMs > 0 ? `, ${dur(a.offsetMs, 'offsetMs')}` : ''})`;
        break;
      case 'session': {
        // Flink 1.19+ session TVF: the key partitions the sessions (set semantics), as Flowstate's keyed sessions.
        let partition = ident(key[0]!);
        if (key.length > 1) {
          // A key of several fields partitions by one ROW column instead of `PARTITION BY (a, b)`: a view over
          // a session TVF with a parenthesized PARTITION BY list fails when another statement expands it
          // (Flink 2.3: "SqlValidatorException: Column 'b' not found in any table"), and the planner only
          // makes a window aggregate of it when the GROUP BY keys are exactly the partition keys.
          sessionKey = this.fresh('__session_key');
          const keyed = this.fresh(`${info.id}_keyed`);
          const rowType = key.map((k) => `${ident(k)} ${sqlType(input.types[k]!)}`).join(', ');
          this.views.push(
            `${this.takeNotes()}-- ${label(node)}: its input with the key (${key.join(', ')}) as one ROW column to partition the sessions by\nCREATE TEMPORARY VIEW ${ident(keyed)} AS\nSELECT ${[...this.selectList(input), `CAST(ROW(${key.map(ident).join(', ')}) AS ROW<${rowType}>) AS ${ident(sessionKey)}`].join(', ')}\nFROM ${ident(input.name)};`,
          );
          partition = ident(sessionKey);
          tvfInput = keyed;
        }
        tvf = `SESSION(TABLE ${ident(tvfInput)} PARTITION BY ${partition}, DESCRIPTOR(${ident(timeCol)}), ${dur(a.gapMs, 'gapMs')})`;
        break;
      }
    }
    const aggs = this.aggregates(info, node.aggregates, input.types, node);
    if (!event) {
      this.note(
        node.id,
        'processing-time window (PROCTIME()): which rows share a window depends on when they arrive, in Flink as in Flowstate, so results of the two engines are not comparable row for row',
      );
    } else if (node.allowedLatenessMs > 0) {
      this.note(
        node.id,
        `allowedLatenessMs ${node.allowedLatenessMs} is not applied: Flink's window TVF aggregation fires each window once when the watermark passes window_end - 1 and drops rows that arrive after that; Flowstate updates and re-fires the window for rows up to ${node.allowedLatenessMs} ms late`,
      );
    }
    if (event) {
      // Flowstate's window fires when the watermark reaches window_end - 1, and rows whose windows all have
      // window_end - 1 <= watermark are late. Flink's slicing window operator fires a window when
      // currentProgress >= windowEnd - 1 (TimeWindowUtil.isWindowFired) and drops a row when the last
      // window of its slice has fired (SliceAssigner.getLastWindowEnd): the same rule.
    }
    const keyCols = key.map(ident);
    const groupKey = sessionKey !== null ? [ident(sessionKey)] : keyCols;
    const inner = [
      ...groupKey,
      'window_start',
      'window_end',
      ...(event ? [`window_time AS ${ident(this.rowtimeCol)}`] : []),
      ...aggs,
    ];
    const outer = [
      ...(sessionKey !== null ? key.map((k) => `${ident(sessionKey!)}.${ident(k)} AS ${ident(k)}`) : keyCols),
      `${epochMillis('window_start')} AS window_start`,
      a.type === 'session'
        ? `${epochMillis('window_end')} AS window_end`
        : `${epochMillis('window_start')} + ${a.sizeMs} AS window_end`,
      ...Object.keys(node.aggregates).map(ident),
      ...(event ? [ident(this.rowtimeCol)] : []),
    ];
    // The raw bounds, hidden: window properties a Window Top-N downstream partitions by.
    const windowBounds =
      event && groupWindow === null && this.analysis.spec.nodes.some((n) => n.kind === 'topN')
        ? { start: this.fresh('__window_start'), end: this.fresh('__window_end') }
        : null;
    if (windowBounds)
      outer.push(`window_start AS ${ident(windowBounds.start)}`, `window_end AS ${ident(windowBounds.end)}`);
    const groupBy = [...groupKey, 'window_start', 'window_end', ...(event ? ['window_time'] : [])];
    const windowText =
      a.type === 'session'
        ? `session window, gap ${a.gapMs} ms`
        : a.type === 'tumbling'
          ? `tumbling window of ${a.sizeMs} ms${a.offsetMs ? `, offset ${a.offsetMs} ms` : ''}`
          : `sliding window of ${a.sizeMs} ms every ${a.slideMs} ms${a.offsetMs ? `, offset ${a.offsetMs} ms` : ''}`;
    input = { ...input };
    if (groupWindow !== null) {
      // HOP_START is the window's start (TIMESTAMP(3)), HOP_ROWTIME its window_end - 1 ms as a rowtime.
      const args = groupWindow.slice('HOP('.length, -1);
      const legacyInner = [
        ...keyCols,
        `HOP_START(${args}) AS window_start`,
        `HOP_ROWTIME(${args}) AS ${ident(this.rowtimeCol)}`,
        ...aggs,
      ];
      this.view(
        info,
        `${windowText} (event time) as a group window, GROUP BY HOP(…) (the HOP window TVF needs the size to be a multiple of the slide); window bounds as epoch milliseconds, window_end - 1 ms carried on as the rows' event time`,
        `SELECT\n  ${outer.join(',\n  ')}\nFROM (\n  SELECT ${legacyInner.join(', ')}\n  FROM ${ident(input.name)}\n  GROUP BY ${[...keyCols, groupWindow].join(', ')}\n)`,
        {
          columns: Object.keys(info.outputSchema),
          types: info.outputSchema,
          rowtime: this.rowtimeCol,
          proctime: null,
          windowBounds: null,
          updatingFrom: null,
        },
      );
      return;
    }
    this.view(
      info,
      `${windowText} (${node.time} time); window bounds as epoch milliseconds, window_time (window_end - 1 ms) carried on as the rows' event time`,
      `SELECT\n  ${outer.join(',\n  ')}\nFROM (\n  SELECT ${inner.join(', ')}\n  FROM TABLE(\n    ${tvf}\n  )\n  GROUP BY ${groupBy.join(', ')}\n)`,
      {
        columns: Object.keys(info.outputSchema),
        types: info.outputSchema,
        rowtime: event ? this.rowtimeCol : null,
        ...(event ? {} : { rowtimeLost: `processing-time window '${node.id}' replaces the event time` }),
        proctime: null,
        windowBounds,
        updatingFrom: null,
      },
    );
  }

  // ------------------------------------------------------------------------------------------ sources

  private sourcePath(info: NodeInfo, path: string, at: string): string | undefined {
    const resolved = resolvePath(this.options.baseDir, path);
    if (resolved === undefined) {
      this.refuse(
        'relative-path',
        info.node,
        at,
        `${label(info.node)}: the path '${path}' is relative and no base directory was given: pass options.baseDir (the CLI passes the spec file's directory) or use an absolute path`,
      );
    }
    return resolved;
  }

  private writeSource(info: NodeInfo, node: SourceNode): void {
    const schema = sourceSchema(node) ?? info.outputSchema;
    const fields = Object.keys(schema);
    const override = this.options.sourceOverrides?.[node.id];
    const columns: string[] = [];
    const withOptions: string[] = [];
    /** field → SQL of its value (computed columns are inlined into the rowtime expression). */
    const valueSql = new Map<string, string>(fields.map((f) => [f, ident(f)]));
    let comment: string;
    const c = node.connector;
    if (override !== undefined) {
      const path = this.sourcePath(info, override.path, pointer('nodes', info.index, 'connector'));
      if (path === undefined) return;
      comment = `replaced by the JSON lines file ${override.path} (sourceOverrides)`;
      for (const f of fields) columns.push(`${ident(f)} ${sqlType(schema[f]!)}`);
      withOptions.push(option('connector', 'filesystem'), option('path', path), option('format', 'json'));
    } else if (c.type === 'nexmark') {
      this.refuse(
        'nexmark-source',
        node,
        this.path(info, 'connector'),
        `${label(node)}: there is no Nexmark connector for Flink SQL in Maven Central (and its generator is not seeded), so the source cannot be exported as it is: materialize the rows to a JSON lines file and pass it in options.sourceOverrides (flowstate export: --source ${node.id}=FILE)`,
      );
      return;
    } else if (c.type === 'file') {
      const path = this.sourcePath(info, c.path, this.path(info, 'connector', 'path'));
      if (path === undefined) return;
      if (c.format === 'csv') {
        this.refuse(
          'csv-source',
          node,
          this.path(info, 'connector', 'format'),
          `${label(node)}: Flink's csv format reads every line as a row and maps columns by position, so the header line of the file would be read as data: convert the file to jsonl (format "jsonl") or pass a JSON lines file in options.sourceOverrides`,
        );
        return;
      }
      for (const f of fields) columns.push(`${ident(f)} ${sqlType(schema[f]!)}`);
      withOptions.push(option('connector', 'filesystem'), option('path', path));
      if (c.format === 'text') {
        comment = `the lines of ${c.path} (raw format: one STRING column per line)`;
        withOptions.push(option('format', 'raw'));
        this.note(node.id, "a line ending in \\r\\n keeps its \\r in Flink's raw format; Flowstate drops it");
      } else {
        comment = `JSON lines from ${c.path}`;
        withOptions.push(option('format', 'json'));
      }
    } else {
      comment = 'generated rows (datagen)';
      if (!this.datagen(info, node, c, schema, columns, withOptions, valueSql)) return;
    }

    let proctime: string | null = null;
    if (this.needsProctime) {
      proctime = this.proctimeCol;
      columns.push(`${ident(proctime)} AS PROCTIME()`);
    }
    const wm = node.watermark;
    let rowtime: string | null = null;
    if (wm) {
      rowtime = this.rowtimeCol;
      const delayMs = wm.maxOutOfOrdernessMs + 1;
      const delay = interval(delayMs);
      if (delay === undefined) {
        this.refuse(
          'duration-too-long',
          node,
          this.path(info, 'watermark', 'maxOutOfOrdernessMs'),
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
    const pk = this.primaryKeys.get(node.id);
    if (pk !== undefined) {
      columns.push(
        `-- the versioned table of a temporal join: one version per key and time (insert-only rows, NOT ENFORCED)\n  PRIMARY KEY (${pk.map(ident).join(', ')}) NOT ENFORCED`,
      );
    }
    this.sources.push(
      `${this.takeNotes()}-- ${label(node)}: ${oneLine(comment)}\nCREATE TABLE ${ident(node.id)} (\n  ${columns.join(',\n  ')}\n) WITH (\n  ${withOptions.join(',\n  ')}\n);`,
    );
    this.relations.set(node.id, {
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
  private datagen(
    info: NodeInfo,
    node: SourceNode,
    c: Extract<SourceNode['connector'], { type: 'datagen' }>,
    schema: RowSchema,
    columns: string[],
    withOptions: string[],
    valueSql: Map<string, string>,
  ): boolean {
    const row = ident(this.rowIndexCol);
    withOptions.push(option('connector', 'datagen'));
    const rate = c.rowsPerSecond === 0 ? UNLIMITED_ROWS_PER_SECOND : Math.ceil(c.rowsPerSecond);
    if (c.rowsPerSecond === 0) {
      withOptions.push(
        `-- Flowstate's rowsPerSecond 0: as fast as possible\n  ${option('rows-per-second', String(rate))}`,
      );
    } else {
      if (rate !== c.rowsPerSecond)
        this.note(
          node.id,
          `rowsPerSecond ${c.rowsPerSecond} is rounded up to ${rate} (Flink takes whole rows per second)`,
        );
      withOptions.push(option('rows-per-second', String(rate)));
    }
    if (c.count !== undefined) withOptions.push(option('number-of-rows', String(c.count)));
    const needsIndex = Object.values(c.fields).some((g) => g.kind === 'sequence' || g.kind === 'timestamp');
    if (needsIndex) {
      if (c.count === undefined) {
        this.refuse(
          'unbounded-sequence',
          node,
          this.path(info, 'connector', 'count'),
          `${label(node)}: its sequence/timestamp generators are computed from a Flink sequence generator, which needs an end (and materializes its range); set "count" to export an unbounded datagen, or use sourceOverrides`,
        );
        return false;
      }
      columns.push(
        `-- row index i = 0, 1, 2, ... (Flowstate's row number, the generators below are computed from it)\n  ${row} BIGINT`,
      );
      withOptions.push(
        option(`fields.${this.rowIndexCol}.kind`, 'sequence'),
        option(`fields.${this.rowIndexCol}.start`, '0'),
        option(`fields.${this.rowIndexCol}.end`, String(Math.max(c.count - 1, 0))),
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
            this.note(
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
            this.note(
              node.id,
              `field '${field}': Flink's random strings use other characters than Flowstate's`,
            );
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
          const hidden = this.fresh(`__choice${choiceIndex++}`);
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
      this.note(
        node.id,
        `random and choice values are Flink's own (unseeded random generators): the same distributions as Flowstate's, not the same rows (seed ${c.seed} is not applied)`,
      );
    }
    if (this.analysis.spec.settings.parallelism > 1 && needsIndex) {
      this.note(
        node.id,
        "with parallelism > 1 Flink's sequence generator gives each subtask a contiguous part of the row indexes, so rows arrive in another order than Flowstate's",
      );
    }
    return true;
  }

  // ------------------------------------------------------------------------------------------ sinks

  private writeSink(info: NodeInfo, node: Extract<JobNode, { kind: 'sink' }>): void {
    const input = this.inputRelation(info);
    const schema = input.types;
    const columns = input.columns.map((f) => `${ident(f)} ${sqlType(schema[f]!)}`);
    const withOptions: string[] = [];
    const updating = input.updatingFrom !== null;
    const c = node.connector;
    const changelog = this.options.changelogFormat ?? DEFAULT_CHANGELOG_FORMAT;
    let comment = '';
    const filesystem = (path: string, format: 'json' | 'csv'): void => {
      withOptions.push(option('connector', 'filesystem'), option('path', path));
      if (updating) {
        comment = `${comment}, the rows are updates of rolling aggregate '${input.updatingFrom}', and Flink's filesystem sink takes only insert-only rows in plain ${format}, so they are written as a changelog (${changelog})`;
        withOptions.push(option('format', changelog));
        this.note(
          node.id,
          `an updating result (rolling aggregate '${input.updatingFrom}') is written in the ${changelog} changelog format (each update as a retraction of the key's previous row and the new row), where Flowstate writes each update as a plain ${format === 'json' ? 'JSON line' : 'CSV row'}`,
        );
      } else {
        withOptions.push(option('format', format));
      }
    };
    switch (c.type) {
      case 'collect': {
        if (this.options.collectAs === 'filesystem') {
          const dir = resolvePath(this.options.baseDir, this.options.collectDir ?? '.');
          if (dir === undefined) {
            this.refuse(
              'invalid-option',
              node,
              this.path(info, 'connector'),
              `${label(node)}: collectAs "filesystem" needs an absolute collectDir (or a baseDir)`,
            );
            return;
          }
          comment = `collected rows, as JSON lines in ${dir}/${node.id}`;
          filesystem(`${dir.replace(/\/$/, '')}/${node.id}`, 'json');
        } else {
          comment = "collected rows, printed (Flink's print connector)";
          withOptions.push(option('connector', 'print'), option('print-identifier', node.id));
          if (updating) this.updatesPrinted(node.id, input.updatingFrom!);
        }
        break;
      }
      case 'console':
        comment = "one line per row on standard output (Flink's print connector)";
        withOptions.push(option('connector', 'print'), option('print-identifier', node.id));
        this.note(
          node.id,
          "Flink's print connector writes rows as '<id>> +I[v1, v2]', not as Flowstate's JSON lines",
        );
        if (updating) this.updatesPrinted(node.id, input.updatingFrom!);
        break;
      case 'blackhole':
        comment = 'rows are counted and dropped';
        withOptions.push(option('connector', 'blackhole'));
        break;
      case 'file': {
        const path = this.sourcePath(info, c.path, this.path(info, 'connector', 'path'));
        if (path === undefined) return;
        comment = `${c.format === 'csv' ? 'CSV' : 'JSON lines'} files in ${c.path} (part files become visible when a checkpoint completes, or at the end of input)`;
        if (c.format === 'csv')
          this.note(
            node.id,
            "Flink's csv format writes no header line; Flowstate's csv files start with one",
          );
        filesystem(path, c.format === 'csv' ? 'csv' : 'json');
        break;
      }
    }
    this.sinks.push(
      `${this.takeNotes()}-- ${label(node)}: ${oneLine(comment.replace(/^; /, ''))}\nCREATE TABLE ${ident(node.id)} (\n  ${columns.join(',\n  ')}\n) WITH (\n  ${withOptions.join(',\n  ')}\n);`,
    );
    this.inserts.push(
      `INSERT INTO ${ident(node.id)}\nSELECT ${input.columns.map(ident).join(', ')} FROM ${ident(input.name)};`,
    );
  }

  private updatesPrinted(nodeId: string, from: string): void {
    this.note(
      nodeId,
      `the rows are updates of rolling aggregate '${from}': Flink prints a key's previous row as -U and the new one as +U, where Flowstate emits each update as a row; the last row per key is the same`,
    );
  }

  // ------------------------------------------------------------------------------------------ output

  private assemble(): string {
    const spec = this.analysis.spec;
    const header = [
      `-- Flink SQL for job '${spec.name.replaceAll('\n', ' ')}', exported by Flowstate (flowstate export --to flink-sql).`,
      '-- Written for Flink 2.x (2.3.0). Run it as one script (SQL client, or TableEnvironment.executeSql per statement).',
      '-- Timestamps are BIGINT epoch milliseconds, as in Flowstate. The __rowtime columns are the event-time attributes.',
    ].join('\n');
    const sections: string[] = [header];
    const section = (title: string, items: string[]): void => {
      if (items.length > 0) sections.push(`-- ${title}\n\n${items.join('\n\n')}`);
    };
    if (this.settings.length > 0) sections.push(`-- Settings\n\n${this.settings.join('\n')}`);
    section('Sources', this.sources);
    section('Transformations', this.views);
    section('Sinks', this.sinks);
    if (this.inserts.length === 1) sections.push(`-- Run\n\n${this.inserts[0]!}`);
    else if (this.inserts.length > 1) {
      const body = this.inserts.map((s) => s.replaceAll(/^/gm, '  ')).join('\n');
      sections.push(`-- Run (one job for all sinks)\n\nEXECUTE STATEMENT SET\nBEGIN\n${body}\nEND;`);
    }
    return `${sections.join('\n\n')}\n`;
  }
}

/**
 * Translates a job spec into a runnable Flink SQL script, or says why it cannot. An invalid spec gives its
 * validation problems as they are.
 */
export function exportFlinkSql(spec: unknown, options: ExportOptions = {}): ExportResult {
  const validation = validateSpec(spec);
  if (!validation.ok) {
    return { ok: false, problems: validation.problems.filter((p) => !p.code.startsWith('warning/')) };
  }
  const exporter = new Exporter(validation.analysis, options);
  for (const id of Object.keys(options.sourceOverrides ?? {})) {
    const node = validation.analysis.nodes.get(id)?.node;
    if (node?.kind !== 'source') {
      exporter.problems.push({
        code: 'invalid-option',
        path: '',
        message: `sourceOverrides names '${id}', which is not a source of this spec: name a source node`,
      });
    }
  }
  const sql = exporter.run();
  if (exporter.problems.length > 0) return { ok: false, problems: exporter.problems };
  return { ok: true, sql, notes: exporter.notes };
}
