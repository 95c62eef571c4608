/**
 * What the spec package says about the canvas: validation problems mapped onto nodes and edges, and
 * the schema flowing into and out of every node (for field pickers and inline expression errors).
 *
 * Both come from `validateSpec`, which also analyses a spec that is not valid — a canvas being edited
 * rarely is (a sink is missing, a form is half filled): it reports every problem at once and gives each
 * node the schemas it can know, derived (`exact`) or inferred from the node's kind (`exact: false`).
 * What is left here is the canvas's side: memoizing, placing problems on nodes and edges, the fields a
 * form offers, and an expression's first problem positioned for inline display.
 */
import {
  checkExpression,
  type FieldType,
  type NodeSchemas,
  type Problem,
  parseAggregate,
  parseExpression,
  type RowSchema,
  type SpecAnalysis,
  validateSpec,
} from '@flowstate/spec';
import { specWithoutLayout } from './convert';
import { type FlowGraph, HANDLE_LATE, isJoinKind, isRecord, type JoinInput } from './types';

export type { NodeSchemas };

export interface GraphAnalysis {
  /** True when the canvas is a valid spec (warnings allowed). */
  ok: boolean;
  /** Every problem `validateSpec` reports, in document order. */
  problems: Problem[];
  /** Problems per node id (a problem on an edge is also listed under the node it names). */
  byNode: Map<string, Problem[]>;
  /** Problems at an edge's path (`/edges/N…`), per edge id. */
  byEdge: Map<string, Problem[]>;
  /** Problems about no node in particular (settings, "no sink", …). */
  general: Problem[];
  schemas: Map<string, NodeSchemas>;
  /** The spec package's analysis when `ok`. */
  analysis?: SpecAnalysis;
}

export const isWarning = (problem: Problem): boolean => problem.code.startsWith('warning/');

/** Severity for display: warnings do not make a spec invalid. */
export const problemSeverity = (problem: Problem): 'error' | 'warning' =>
  isWarning(problem) ? 'warning' : 'error';

// ------------------------------------------------------------------------------------------ memo

interface MemoEntry {
  graph: FlowGraph;
  analysis: GraphAnalysis;
}
let last: MemoEntry | null = null;
const byGraph = new WeakMap<FlowGraph, GraphAnalysis>();

/** Same analysis: positions and measured sizes do not matter, only what the spec holds. */
function sameContent(a: FlowGraph, b: FlowGraph): boolean {
  if (a.name !== b.name || a.description !== b.description || a.settings !== b.settings) return false;
  if (a.nodes.length !== b.nodes.length || a.edges.length !== b.edges.length) return false;
  for (let i = 0; i < a.nodes.length; i++) {
    const x = a.nodes[i]!;
    const y = b.nodes[i]!;
    if (x.id !== y.id || x.type !== y.type || x.data !== y.data) return false;
  }
  for (let i = 0; i < a.edges.length; i++) {
    const x = a.edges[i]!;
    const y = b.edges[i]!;
    if (x !== y && (x.id !== y.id || x.source !== y.source || x.target !== y.target)) return false;
  }
  return true;
}

/**
 * Validates the canvas and maps the problems onto nodes and edges; derives every node's schemas.
 * Memoized: the same graph object (or one that differs only in positions) is analysed once.
 */
export function analyzeGraph(graph: FlowGraph): GraphAnalysis {
  const cached = byGraph.get(graph);
  if (cached !== undefined) return cached;
  const analysis = last !== null && sameContent(last.graph, graph) ? last.analysis : computeAnalysis(graph);
  byGraph.set(graph, analysis);
  last = { graph, analysis };
  return analysis;
}

function computeAnalysis(graph: FlowGraph): GraphAnalysis {
  const result = validateSpec(specWithoutLayout(graph));
  const byNode = new Map<string, Problem[]>();
  const byEdge = new Map<string, Problem[]>();
  const general: Problem[] = [];
  const push = <K>(map: Map<K, Problem[]>, key: K, p: Problem) => {
    const list = map.get(key);
    if (list === undefined) map.set(key, [p]);
    else list.push(p);
  };
  for (const problem of result.problems) {
    const { nodeId, edgeId } = locateProblem(graph, problem);
    if (edgeId !== undefined) push(byEdge, edgeId, problem);
    if (nodeId !== undefined) push(byNode, nodeId, problem);
    else if (edgeId === undefined) general.push(problem);
  }
  return {
    ok: result.ok,
    problems: result.problems,
    byNode,
    byEdge,
    general,
    schemas: result.schemas,
    ...(result.ok ? { analysis: result.analysis } : {}),
  };
}

/**
 * Where a problem is on the canvas: the node it names (or whose path it has), and the edge whose path
 * it has — what a problems list selects on click.
 */
export function locateProblem(graph: FlowGraph, problem: Problem): { nodeId?: string; edgeId?: string } {
  const match = /^\/(nodes|edges)\/(\d+)(?:\/|$)/.exec(problem.path);
  const edgeId = match?.[1] === 'edges' ? graph.edges[Number(match[2])]?.id : undefined;
  const named = problem.nodeId ?? (match?.[1] === 'nodes' ? graph.nodes[Number(match[2])]?.id : undefined);
  const nodeId = named !== undefined && graph.nodes.some((n) => n.id === named) ? named : undefined;
  return { ...(nodeId === undefined ? {} : { nodeId }), ...(edgeId === undefined ? {} : { edgeId }) };
}

// ------------------------------------------------------------------------------- pickers and errors

export interface AvailableField {
  name: string;
  type: FieldType;
}

const toOptions = (schema: RowSchema | null | undefined): AvailableField[] =>
  schema == null ? [] : Object.entries(schema).map(([name, type]) => ({ name, type }));

/**
 * The fields a node's form can refer to: its input schema's fields (for a source, the fields it
 * emits, which its watermark refers to). Best effort when the upstream is not valid; empty when
 * nothing is known.
 */
export function fieldsAvailableTo(graph: FlowGraph, nodeId: string): AvailableField[] {
  const node = graph.nodes.find((n) => n.id === nodeId);
  const schemas = analyzeGraph(graph).schemas.get(nodeId);
  if (node === undefined || schemas === undefined) return [];
  return toOptions(node.type === 'source' ? schemas.output : schemas.input);
}

/** What one input of a join brings, as far as it is known. */
export interface JoinSide {
  /** The side's fields; `null` when nothing is connected to it or its schema is not known. */
  fields: AvailableField[] | null;
  /** Its key fields (left key field i joins right key field i); `null` when not keyed or not known. */
  key: string[] | null;
  /** The nodes feeding it. */
  from: string[];
}

/** The fields a window join adds itself (after `window_start`, `window_end` of its window). */
export const WINDOW_JOIN_FIELDS: readonly AvailableField[] = [
  { name: 'window_start', type: 'timestamp' },
  { name: 'window_end', type: 'timestamp' },
];

/**
 * A join's two inputs: what the edges into its `left` and `right` handles bring. From the spec package's
 * analysis when the canvas is valid (`sides`), else from what flows out of the nodes feeding each side
 * (the first one whose schema is known; a union's inputs have the same schema when valid).
 */
export function joinSidesOf(graph: FlowGraph, nodeId: string): Record<JoinInput, JoinSide> {
  const analysis = analyzeGraph(graph);
  const from = (side: JoinInput) =>
    graph.edges.filter((e) => e.target === nodeId && e.targetHandle === side).map((e) => e.source);
  const exact = analysis.analysis?.nodes.get(nodeId)?.sides;
  if (exact !== undefined) {
    return {
      left: { fields: toOptions(exact.left.schema), key: exact.left.keyFields, from: from('left') },
      right: { fields: toOptions(exact.right.schema), key: exact.right.keyFields, from: from('right') },
    };
  }
  const side = (which: JoinInput): JoinSide => {
    const edges = graph.edges.filter((e) => e.target === nodeId && e.targetHandle === which);
    let fields: AvailableField[] | null = null;
    let key: string[] | null = null;
    for (const e of edges) {
      const up = analysis.schemas.get(e.source);
      const schema = e.sourceHandle === HANDLE_LATE ? (up?.late ?? null) : (up?.output ?? null);
      if (schema != null && fields === null) {
        fields = toOptions(schema);
        key = e.sourceHandle === HANDLE_LATE ? null : (up?.key ?? null);
      }
    }
    return { fields, key, from: edges.map((e) => e.source) };
  };
  return { left: side('left'), right: side('right') };
}

/** The fields a node emits on its main output. */
export function outputFieldsOf(graph: FlowGraph, nodeId: string): AvailableField[] {
  return toOptions(analyzeGraph(graph).schemas.get(nodeId)?.output);
}

export interface ExpressionProblem {
  message: string;
  /** 1-based column in the expression text. */
  column: number;
  /** 0-based offsets of the offending text (`end` exclusive). */
  start: number;
  end: number;
  code: string;
}

/** The value at a JSON path inside an object. */
export function valueAtPath(root: unknown, path: readonly (string | number)[]): unknown {
  let value = root;
  for (const segment of path) {
    if (!isRecord(value) && !Array.isArray(value)) return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** `['fields', 'a/b']` → `/fields/a~1b` (RFC 6901). */
export function toPointer(path: readonly (string | number)[]): string {
  return path.map((s) => `/${String(s).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('');
}

/**
 * The first error in the expression at `fieldPath` of a node's data (`['where']`, `['explode']`,
 * `['fields', 'total']`, `['aggregates', 'count']`), positioned for inline display; `null` when it
 * is fine. Checked against the node's input schema (best effort upstream); when that is unknown, only
 * the syntax is checked. Also reports what the spec says about the expression as a whole (a condition
 * that is not true/false, an explode that is not an array), spanning the whole text.
 */
export function expressionProblem(
  graph: FlowGraph,
  nodeId: string,
  fieldPath: readonly string[],
): ExpressionProblem | null {
  const index = graph.nodes.findIndex((n) => n.id === nodeId);
  const node = graph.nodes[index];
  if (node === undefined) return null;
  const text = valueAtPath(node.data, fieldPath);
  if (typeof text !== 'string') return null;
  const analysis = analyzeGraph(graph);
  const input = analysis.schemas.get(nodeId)?.input ?? null;
  const isAggregate = fieldPath[0] === 'aggregates';
  const join = isJoinKind(node.type) && fieldPath[0] === 'fields' ? joinScope(graph, nodeId) : undefined;
  const checked =
    join !== undefined
      ? join === null
        ? parseExpression(text)
        : checkExpression(text, {}, { join })
      : input === null
        ? parseExpression(text)
        : isAggregate
          ? parseAggregate(text, input)
          : checkExpression(text, input);
  if (!checked.ok) {
    const e = checked.errors[0]!;
    return { message: e.message, column: e.column, start: e.start, end: e.end, code: e.code };
  }
  const pointer = `/nodes/${index}${toPointer(fieldPath)}`;
  const problem = analysis.problems.find((p) => p.path === pointer && !isWarning(p));
  if (problem === undefined) return null;
  const column = problem.column ?? 1;
  return {
    message: problem.message,
    column,
    start: column - 1,
    end: problem.column === undefined ? text.length : column,
    code: problem.code,
  };
}

/** A join's expression scope (each side's schema, a window join's bounds), or null while a side is unknown. */
function joinScope(
  graph: FlowGraph,
  nodeId: string,
): { left: RowSchema; right: RowSchema; extra?: RowSchema } | null {
  const sides = joinSidesOf(graph, nodeId);
  if (sides.left.fields === null || sides.right.fields === null) return null;
  const schema = (fields: readonly AvailableField[]): RowSchema =>
    Object.fromEntries(fields.map((f) => [f.name, f.type]));
  const windowJoin = graph.nodes.find((n) => n.id === nodeId)?.type === 'windowJoin';
  return {
    left: schema(sides.left.fields),
    right: schema(sides.right.fields),
    ...(windowJoin ? { extra: schema(WINDOW_JOIN_FIELDS) } : {}),
  };
}

/** The problems at a path inside a node (a form field), e.g. `['connector', 'path']`. */
export function fieldProblems(graph: FlowGraph, nodeId: string, fieldPath: readonly string[]): Problem[] {
  const index = graph.nodes.findIndex((n) => n.id === nodeId);
  if (index === -1) return [];
  const pointer = `/nodes/${index}${toPointer(fieldPath)}`;
  return analyzeGraph(graph).problems.filter((p) => p.path === pointer || p.path.startsWith(`${pointer}/`));
}
