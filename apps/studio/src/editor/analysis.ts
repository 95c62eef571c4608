/**
 * What the spec package says about the canvas: validation problems mapped onto nodes and edges, and
 * the schema flowing into and out of every node (for field pickers and inline expression errors).
 *
 * Schemas come from `validateSpec`'s analysis. A canvas being edited is rarely a valid spec (a sink is
 * missing, a form is half filled), so when the whole graph is not valid each node is analysed on its
 * own by the spec package too: the node, fed by stand-in sources that emit the rows (and keys) its
 * upstream nodes were found to emit, and drained by a stand-in sink. Only when even that is not valid
 * (the node itself has a problem) does a small best-effort fallback guess the node's output from the
 * spec's table of node kinds, so that the fields after a half-written map are still offered. Such
 * schemas are marked `exact: false`.
 */
import {
  checkExpression,
  type FieldType,
  type JobSpecInput,
  type NodeKind,
  type Problem,
  parseAggregate,
  parseExpression,
  type RowSchema,
  SourceNodeSchema,
  type SpecAnalysis,
  sourceSchema,
  validateSpec,
} from '@flowstate/spec';
import { specWithoutLayout } from './convert';
import { defaultGenerator } from './palette';
import { type FlowGraph, type FlowNode, isRecord, nodeToSpec, type SpecNodeInput } from './types';

export interface NodeSchemas {
  /** The rows the node receives (several inputs merged); `null` for sources and when unknown. */
  input: RowSchema | null;
  /** The rows on its main output (for a sink, its input); `null` when unknown. */
  output: RowSchema | null;
  /** Windows: the rows on the `late` port (the window's input). */
  late?: RowSchema | null;
  /** Key fields of the output stream, or `null` when it is not keyed. */
  key: string[] | null;
  /** True when the spec package derived these schemas; false for the best-effort fallback. */
  exact: boolean;
}

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
  const schemas = result.ok ? schemasFromAnalysis(result.analysis) : deriveSchemasNodeByNode(graph);
  return {
    ok: result.ok,
    problems: result.problems,
    byNode,
    byEdge,
    general,
    schemas,
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

function schemasFromAnalysis(analysis: SpecAnalysis): Map<string, NodeSchemas> {
  const schemas = new Map<string, NodeSchemas>();
  for (const [id, info] of analysis.nodes) {
    schemas.set(id, {
      input: info.inputSchema,
      output: info.outputSchema,
      ...(info.node.kind === 'window' ? { late: info.lateSchema ?? info.inputSchema } : {}),
      key: info.keyFields,
      exact: true,
    });
  }
  return schemas;
}

// ------------------------------------------------------------------------ node-by-node derivation

interface Incoming {
  schema: RowSchema | null;
  key: string[] | null;
  exact: boolean;
}

/** Topological order of the graph's nodes (ties by list order); nodes on or after a cycle last. */
function topologicalOrder(graph: FlowGraph): { order: FlowNode[]; cyclic: Set<string> } {
  const pending = new Map(graph.nodes.map((n) => [n.id, 0]));
  for (const e of graph.edges) pending.set(e.target, (pending.get(e.target) ?? 0) + 1);
  const index = new Map(graph.nodes.map((n, i) => [n.id, i]));
  const ready = graph.nodes.filter((n) => pending.get(n.id) === 0);
  const order: FlowNode[] = [];
  while (ready.length > 0) {
    const node = ready.shift()!;
    order.push(node);
    for (const e of graph.edges) {
      if (e.source !== node.id) continue;
      const left = pending.get(e.target)! - 1;
      pending.set(e.target, left);
      if (left === 0) {
        ready.push(graph.nodes[index.get(e.target)!]!);
        ready.sort((a, b) => index.get(a.id)! - index.get(b.id)!);
      }
    }
  }
  const done = new Set(order.map((n) => n.id));
  const cyclic = new Set(graph.nodes.filter((n) => !done.has(n.id)).map((n) => n.id));
  return { order: [...order, ...graph.nodes.filter((n) => cyclic.has(n.id))], cyclic };
}

function deriveSchemasNodeByNode(graph: FlowGraph): Map<string, NodeSchemas> {
  const schemas = new Map<string, NodeSchemas>();
  const { order, cyclic } = topologicalOrder(graph);
  for (const node of order) {
    if (cyclic.has(node.id)) {
      schemas.set(node.id, { input: null, output: null, key: null, exact: false });
      continue;
    }
    const incoming: Incoming[] = graph.edges
      .filter((e) => e.target === node.id)
      .map((e) => {
        const up = schemas.get(e.source);
        if (up === undefined) return { schema: null, key: null, exact: false };
        if (e.sourceHandle === 'late') return { schema: up.late ?? null, key: null, exact: up.exact };
        return { schema: up.output, key: up.key, exact: up.exact };
      });
    schemas.set(node.id, deriveOne(node, incoming));
  }
  return schemas;
}

const PROBE_GENERATOR_KIND = {
  string: 'choice',
  int: 'sequence',
  float: 'random',
  bool: 'choice',
  timestamp: 'timestamp',
} as const;

/** A stand-in source that emits rows of `schema`. */
function probeSource(id: string, schema: RowSchema): SpecNodeInput {
  const fields = Object.fromEntries(
    Object.entries(schema).map(([f, t]) => [f, defaultGenerator(t, PROBE_GENERATOR_KIND[t])]),
  );
  return { id, kind: 'source', connector: { type: 'datagen', fields }, schema: { ...schema } };
}

/** The node's schemas, from the spec package's analysis of the node between stand-ins. */
function deriveOne(node: FlowNode, incoming: readonly Incoming[]): NodeSchemas {
  const spec = nodeToSpec(node);
  const free = (base: string) => (base === node.id ? `${base}_` : base);
  const nodes: SpecNodeInput[] = [];
  const edges: { from: string; to: string }[] = [];
  const known = incoming.filter((i) => i.schema !== null);
  known.forEach((input, i) => {
    const sourceId = free(`__in${i}`);
    nodes.push(probeSource(sourceId, input.schema!));
    let from = sourceId;
    if (input.key !== null) {
      const keyId = free(`__key${i}`);
      nodes.push({ id: keyId, kind: 'keyBy', key: [...input.key] });
      edges.push({ from, to: keyId });
      from = keyId;
    }
    edges.push({ from, to: node.id });
  });
  // Output schemas do not depend on time: processing time spares the stand-ins a watermark.
  nodes.push(spec.kind === 'window' ? { ...spec, time: 'processing' } : spec);
  if (spec.kind !== 'sink') {
    const sinkId = free('__out');
    nodes.push({ id: sinkId, kind: 'sink', connector: { type: 'blackhole' } });
    edges.push({ from: node.id, to: sinkId });
  }
  const allKnown = known.length === incoming.length;
  const exactInputs = allKnown && incoming.every((i) => i.exact);
  if (spec.kind === 'source' || known.length > 0) {
    const probe: JobSpecInput = { specVersion: 1, name: 'probe', nodes, edges };
    const result = validateSpec(probe);
    const info = result.ok ? result.analysis.nodes.get(node.id) : undefined;
    if (info !== undefined) {
      return {
        input: info.inputSchema,
        output: info.outputSchema,
        ...(info.node.kind === 'window' ? { late: info.lateSchema ?? info.inputSchema } : {}),
        key: info.keyFields,
        exact: exactInputs,
      };
    }
  }
  return bestEffort(node, known);
}

/** The output the spec's table of node kinds gives, for a node the spec package could not analyse. */
function bestEffort(node: FlowNode, known: readonly Incoming[]): NodeSchemas {
  const input = known[0]?.schema ?? null;
  const firstKey = known[0]?.key ?? null;
  const inputKey =
    firstKey !== null &&
    known.every((i) => i.key !== null && i.key.join('\u0000') === firstKey.join('\u0000'))
      ? firstKey
      : null;
  const result = (output: RowSchema | null, key: string[] | null, extra: Partial<NodeSchemas> = {}) => ({
    input: node.type === 'source' ? null : input,
    output,
    key,
    exact: false,
    ...extra,
  });
  const data = node.data as Record<string, unknown>;
  switch (node.type as NodeKind) {
    case 'source': {
      const parsed = SourceNodeSchema.safeParse(nodeToSpec(node));
      if (parsed.success) return result(sourceSchema(parsed.data), null);
      return result(isRowSchema(data.schema) ? data.schema : null, null);
    }
    case 'filter':
    case 'sink':
      return result(input, inputKey);
    case 'keyBy': {
      const key = Array.isArray(data.key) ? data.key.filter((k): k is string => typeof k === 'string') : [];
      return result(input, key.length > 0 ? key : null);
    }
    case 'flatMap': {
      if (input === null) return result(null, null);
      const as = typeof data.as === 'string' && data.as !== '' ? data.as : undefined;
      return result(as === undefined ? { ...input } : { ...input, [as]: 'string' }, null);
    }
    case 'map': {
      if (input === null || !isRecord(data.fields)) return result(null, null);
      const output: Record<string, FieldType> = {};
      for (const [field, text] of Object.entries(data.fields)) {
        if (typeof text !== 'string') continue;
        const checked = checkExpression(text, input);
        if (checked.ok && checked.expr.type !== 'null' && checked.expr.type !== 'string[]') {
          output[field] = checked.expr.type;
        }
      }
      return result(output, null);
    }
    case 'window':
    case 'aggregate': {
      if (input === null) return result(null, null, node.type === 'window' ? { late: null } : {});
      const output: Record<string, FieldType> = {};
      for (const field of inputKey ?? []) {
        const type = input[field];
        if (type !== undefined) output[field] = type;
      }
      if (node.type === 'window') {
        output.window_start = 'timestamp';
        output.window_end = 'timestamp';
      }
      if (isRecord(data.aggregates)) {
        for (const [name, text] of Object.entries(data.aggregates)) {
          if (typeof text !== 'string' || Object.hasOwn(output, name)) continue;
          const parsed = parseAggregate(text, input);
          if (parsed.ok) output[name] = parsed.agg.resultType;
        }
      }
      return result(output, null, node.type === 'window' ? { late: input } : {});
    }
  }
}

const FIELD_TYPE_NAMES = new Set(['string', 'int', 'float', 'bool', 'timestamp']);
function isRowSchema(value: unknown): value is RowSchema {
  return (
    isRecord(value) && Object.values(value).every((t) => typeof t === 'string' && FIELD_TYPE_NAMES.has(t))
  );
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
  const checked =
    input === null
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

/** The problems at a path inside a node (a form field), e.g. `['connector', 'path']`. */
export function fieldProblems(graph: FlowGraph, nodeId: string, fieldPath: readonly string[]): Problem[] {
  const index = graph.nodes.findIndex((n) => n.id === nodeId);
  if (index === -1) return [];
  const pointer = `/nodes/${index}${toPointer(fieldPath)}`;
  return analyzeGraph(graph).problems.filter((p) => p.path === pointer || p.path.startsWith(`${pointer}/`));
}
