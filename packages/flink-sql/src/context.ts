/**
 * What the translation of one node needs from the exporter: the relations written so far, fresh names, notes
 * and refusals, views, expressions and aggregates. export.ts implements it; the joins (joins.ts) and Flink SQL's
 * stateful operators (over.ts, rank.ts) are written against it so that they live in modules of their own.
 */
import type { Edge, JobNode, NodeInfo, RowSchema, SpecAnalysis } from '@flowstate/spec';
import { type TranslatedExpr, UnsupportedExpression } from './expr';
import type { ExportOptions } from './types';

/** What a node's rows are in SQL: a table or view name, its columns, and what kind of stream it is. */
export interface Relation {
  name: string;
  /** The Flowstate fields, in order. */
  columns: string[];
  types: RowSchema;
  /** The hidden event-time attribute column, when every source upstream has a watermark. */
  rowtime: string | null;
  /**
   * Why the rows have no event-time attribute in the SQL although Flowstate's rows have event time (a regular
   * join's output, …): said when a node downstream needs one.
   */
  rowtimeLost?: string;
  /** The hidden processing-time attribute column (only in jobs that need one). */
  proctime: string | null;
  /**
   * The raw bounds (TIMESTAMP(3) window properties) of the window TVF upstream, as hidden columns, while the
   * rows are still that window's results: what a Window Top-N partitions by (Flink recognizes a window Top-N only
   * on window properties; the visible window_start/window_end are epoch milliseconds).
   */
  windowBounds: { start: string; end: string } | null;
  /** The id of the rolling aggregate upstream whose updates this stream carries, if any. */
  updatingFrom: string | null;
}

export interface ExportContext {
  readonly analysis: SpecAnalysis;
  readonly options: ExportOptions;
  /** The hidden event-time attribute's name (every relation uses the same one). */
  readonly rowtimeCol: string;
  readonly proctimeCol: string;
  /** `table.exec.state.ttl` in ms (0: not set): the deduplications' stateTtlMs. */
  readonly jobStateTtlMs: number;
  /** A name no node, field or other hidden column uses. */
  fresh(base: string): string;
  refuse(code: string, node: JobNode | undefined, path: string, message: string): void;
  /** A `-- note:` before the node's next statement and an entry in `notes`. */
  note(nodeId: string | undefined, message: string): void;
  /** The notes waiting for the next statement, as `-- note:` lines. */
  takeNotes(): string;
  info(id: string): NodeInfo;
  path(info: NodeInfo, ...rest: PropertyKey[]): string;
  /** The relation of a set of edges into a node: the one upstream's, or a union view of several. */
  relationOf(info: NodeInfo, edges: readonly Edge[], viewName: string): Relation;
  inputRelation(info: NodeInfo): Relation;
  /** `CREATE TEMPORARY VIEW <id>` with the node's notes and a comment; registers the node's relation. */
  view(info: NodeInfo, comment: string, body: string, rel: Omit<Relation, 'name'>): void;
  /** Another view (a step of the node's translation), written before the node's own. */
  extraView(info: NodeInfo, name: string, comment: string, body: string): void;
  /** `a, b, __rowtime` — the columns of a relation plus its hidden ones. */
  selectList(rel: Relation, prefix?: string): string[];
  expr(info: NodeInfo, text: string, schema: RowSchema, path: string, what: string): TranslatedExpr;
  /** `AGG(x) AS name` per aggregate (refusals reported; throws when any is refused). */
  aggregates(info: NodeInfo, aggregates: Record<string, string>, schema: RowSchema): string[];
  /** Key fields of a one-input node's keyed input. */
  keyOf(info: NodeInfo): string[];
  /** An interval literal of `ms`, or a `duration-too-long` refusal at `path` (and a throw). */
  duration(info: NodeInfo, ms: number, path: string, what: string): string;
}

/** Thrown after a refusal: nothing of this node (or downstream of it) can be written. */
export function refused(): never {
  throw new UnsupportedExpression('refused', 'refused');
}

export const label = (node: JobNode): string => `${node.kind} '${node.id}'`;

/** The int/timestamp results of an expression stay BIGINT (CHAR_LENGTH, small int literals are INT in Flink). */
export function keepBigint(t: TranslatedExpr, text: string): string {
  const isField = /^`?[A-Za-z_][A-Za-z0-9_.]*`?$/.test(text.trim());
  return (t.type === 'int' || t.type === 'timestamp') && !isField && !/^CAST\(.* AS BIGINT\)$/.test(t.sql)
    ? `CAST(${t.sql} AS BIGINT)`
    : t.sql;
}

/**
 * Refuses a node that reads a rolling aggregate's updates: Flink retracts a key's previous result (-U/+U),
 * where Flowstate's rows are each update as an appended row.
 */
export function refuseUpdates(ctx: ExportContext, info: NodeInfo, rel: Relation, what: string): void {
  if (rel.updatingFrom === null) return;
  ctx.refuse(
    'after-update',
    info.node,
    ctx.path(info),
    `${label(info.node)} reads the updates of rolling aggregate '${rel.updatingFrom}': ${what} in Flink SQL takes insert-only input (Flink retracts a key's previous aggregate before the new one, where Flowstate appends every update as a row); read the original rows instead`,
  );
  refused();
}

/**
 * Refuses a node that needs an event-time attribute its input does not have in the SQL, saying why (a
 * regular join upstream, a processing-time window, …).
 */
export function requireRowtime(ctx: ExportContext, info: NodeInfo, rel: Relation, what: string): string {
  if (rel.rowtime !== null) return rel.rowtime;
  const why =
    rel.rowtimeLost ??
    'a node upstream (a processing-time window) replaces the event time, or a source has no watermark';
  ctx.refuse(
    'no-time-attribute',
    info.node,
    ctx.path(info),
    `${label(info.node)}: ${what} needs an event-time attribute, and its input has none in the exported SQL: ${why}`,
  );
  refused();
}
