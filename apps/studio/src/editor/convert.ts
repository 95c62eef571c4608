/**
 * Spec ⇄ canvas. `graphToSpec(specToGraph(spec))` gives back the spec as written, key order included
 * (nodes as `{ id, kind, …fields }`, edges as `{ from, to, port?, input? }`, top-level keys in the order of
 * JOB-SPEC.md), with `layout` written from the node positions.
 */
import { type JobSpecInput, NODE_KINDS, type NodeKind } from '@flowstate/spec';
import { layoutPositions, NODE_HEIGHT, ROW_GAP } from './layout';
import {
  type FlowEdge,
  type FlowGraph,
  HANDLE_IN,
  HANDLE_LATE,
  HANDLE_MAIN,
  isRecord,
  makeEdge,
  nodeFromSpec,
  nodeToSpec,
  type SpecEdgeInput,
} from './types';

/**
 * The canvas for a spec. Positions come from `layout`; when no node has one the graph is auto-laid
 * out, and nodes missing from a partial layout are laid out below the ones that have a position.
 * Throws on what a canvas cannot hold (duplicate node ids, edges to missing nodes, repeated edges):
 * `importSpec` checks for those first and says what is wrong.
 */
export function specToGraph(spec: JobSpecInput): FlowGraph {
  const layout = spec.layout ?? {};
  const ids = new Set<string>();
  for (const node of spec.nodes) {
    if (ids.has(node.id)) throw new Error(`specToGraph: node id '${node.id}' is used twice`);
    ids.add(node.id);
  }
  const edges: FlowEdge[] = [];
  const edgeIds = new Set<string>();
  for (const edge of spec.edges ?? []) {
    if (!ids.has(edge.from) || !ids.has(edge.to)) {
      throw new Error(`specToGraph: edge ${edge.from} → ${edge.to} joins a node that does not exist`);
    }
    const e = makeEdge(
      edge.from,
      edge.to,
      edge.port === 'late' ? HANDLE_LATE : HANDLE_MAIN,
      edge.input ?? HANDLE_IN,
    );
    if (edgeIds.has(e.id)) throw new Error(`specToGraph: edge ${edge.from} → ${edge.to} is repeated`);
    edgeIds.add(e.id);
    edges.push(e);
  }

  const origin = { x: 0, y: 0 };
  let nodes = spec.nodes.map((node) => nodeFromSpec(node, layout[node.id] ?? origin));
  const missing = spec.nodes.filter((n) => layout[n.id] === undefined).map((n) => n.id);
  if (missing.length > 0) {
    const placed = spec.nodes.filter((n) => layout[n.id] !== undefined).map((n) => layout[n.id]!);
    const below = placed.length === 0 ? 0 : Math.max(...placed.map((p) => p.y)) + NODE_HEIGHT + 2 * ROW_GAP;
    const auto = layoutPositions(nodes, edges);
    const top = Math.min(...missing.map((id) => auto.get(id)!.y));
    const set = new Set(missing);
    nodes = nodes.map((node) => {
      if (!set.has(node.id)) return node;
      const p = auto.get(node.id)!;
      return { ...node, position: placed.length === 0 ? p : { x: p.x, y: below + p.y - top } };
    });
  }

  const graph: FlowGraph = { name: spec.name, nodes, edges };
  if (spec.description !== undefined) graph.description = spec.description;
  if (spec.settings !== undefined) graph.settings = spec.settings;
  return graph;
}

/** The spec the canvas serializes to; `layout` holds every node's position. */
export function graphToSpec(graph: FlowGraph): JobSpecInput {
  return {
    ...specWithoutLayout(graph),
    layout: Object.fromEntries(graph.nodes.map((n) => [n.id, { x: n.position.x, y: n.position.y }])),
  };
}

/** The spec without `layout`: what validation and analysis look at (positions do not matter there). */
export function specWithoutLayout(graph: FlowGraph): JobSpecInput {
  // Keys are inserted in the documented order: specVersion, name, description, settings, nodes, edges.
  const spec = { specVersion: 1, name: graph.name } as JobSpecInput;
  if (graph.description !== undefined) spec.description = graph.description;
  if (graph.settings !== undefined) spec.settings = graph.settings;
  spec.nodes = graph.nodes.map(nodeToSpec);
  spec.edges = graph.edges.map(edgeToSpec);
  return spec;
}

export function edgeToSpec(edge: FlowEdge): SpecEdgeInput {
  const spec: SpecEdgeInput = { from: edge.source, to: edge.target };
  if (edge.sourceHandle === HANDLE_LATE) spec.port = 'late';
  if (edge.targetHandle !== HANDLE_IN) spec.input = edge.targetHandle;
  return spec;
}

export type ImportResult = { ok: true; spec: JobSpecInput } | { ok: false; reason: string };

/**
 * Checks that a value (e.g. parsed from an imported file) is a spec the canvas can hold: an object with
 * `nodes` (each with a unique string `id` and a known `kind`) and `edges` between existing nodes, none
 * repeated. Everything else — a bad expression, a missing field — is left for validation to report on
 * the canvas, where the person can fix it.
 */
export function importSpec(value: unknown): ImportResult {
  const fail = (reason: string): ImportResult => ({ ok: false, reason });
  if (!isRecord(value)) return fail('a job spec is a JSON object');
  if (!Array.isArray(value.nodes)) return fail('the spec has no "nodes" array');
  if (value.edges !== undefined && !Array.isArray(value.edges)) return fail('"edges" must be an array');
  const ids = new Set<string>();
  for (const [i, node] of value.nodes.entries()) {
    if (!isRecord(node)) return fail(`node ${i} is not an object`);
    if (typeof node.id !== 'string' || node.id === '') return fail(`node ${i} has no "id"`);
    if (!NODE_KINDS.includes(node.kind as NodeKind)) {
      return fail(
        `node '${node.id}' has kind ${JSON.stringify(node.kind)}; use one of ${NODE_KINDS.join(', ')}`,
      );
    }
    if (ids.has(node.id)) return fail(`node id '${node.id}' is used twice: give every node its own id`);
    ids.add(node.id);
  }
  const seen = new Set<string>();
  for (const [i, edge] of ((value.edges ?? []) as unknown[]).entries()) {
    if (!isRecord(edge) || typeof edge.from !== 'string' || typeof edge.to !== 'string') {
      return fail(`edge ${i} needs "from" and "to" node ids`);
    }
    for (const end of [edge.from, edge.to]) {
      if (!ids.has(end)) return fail(`edge ${i} joins '${end}', but there is no node with that id`);
    }
    if (edge.port !== undefined && edge.port !== 'late') return fail(`edge ${i} has an unknown port`);
    if (edge.input !== undefined && edge.input !== 'left' && edge.input !== 'right') {
      return fail(`edge ${i} has "input" ${JSON.stringify(edge.input)}; use "left" or "right"`);
    }
    const key = JSON.stringify([edge.from, edge.to, edge.port ?? null, edge.input ?? null]);
    if (seen.has(key)) return fail(`edge ${i} repeats an earlier edge ${edge.from} → ${edge.to}`);
    seen.add(key);
  }
  if (value.layout !== undefined) {
    if (!isRecord(value.layout)) return fail('"layout" must be an object of node id → { x, y }');
    for (const [id, p] of Object.entries(value.layout)) {
      if (!isRecord(p) || typeof p.x !== 'number' || typeof p.y !== 'number') {
        return fail(`layout of '${id}' must be { "x": number, "y": number }`);
      }
    }
  }
  if (typeof value.name !== 'string') return fail('the spec has no "name"');
  return { ok: true, spec: value as unknown as JobSpecInput };
}
