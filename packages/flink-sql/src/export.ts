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
  type SpecAnalysis,
  validateSpec,
  type WindowNode,
} from '@flowstate/spec';
import { type ExportContext, keepBigint, label, oneLine, type Relation, refused } from './context';
import { translateAggregate, translateExpr, UnsupportedExpression } from './expr';
import { writeIntervalJoin, writeRegularJoin, writeTemporalJoin, writeWindowJoin } from './joins';
import { writeOver } from './over';
import { writeDeduplicate, writeTopN } from './rank';
import { writeSettings } from './settings';
import { writeSink } from './sinks';
import { writeSource } from './sources';
import { ident, interval } from './sql';
import { versionedSources } from './temporal';
import type { ExportNote, ExportOptions, ExportProblem, ExportResult } from './types';
import { writeWindow } from './windows';

const pointer = (...segments: PropertyKey[]): string =>
  segments.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');

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
  readonly rowIndexCol: string;
  /** Whether the sources get a processing-time attribute (a processing-time window, a deduplication by arrival). */
  readonly needsProctime: boolean;
  /** Sources declared with a PRIMARY KEY: the versioned tables of temporal joins (temporal.ts). */
  readonly primaryKeys: Map<string, string[]>;

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
    writeSettings(this);
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
        writeSource(this, info, node);
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
        writeWindow(this, info, node);
        break;
      case 'aggregate':
        this.writeAggregate(info, node);
        break;
      case 'sink':
        writeSink(this, info, node);
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

  setRelation(id: string, rel: Relation): void {
    this.relations.set(id, rel);
  }

  statement(section: 'settings' | 'sources' | 'views' | 'sinks' | 'inserts', text: string): void {
    this[section].push(text);
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
    window?: WindowNode,
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
