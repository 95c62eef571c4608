/**
 * The run view's pipeline graph as data: the spec's nodes and edges as the editor draws them (`specToGraph`,
 * `handlesOf`), each node with its input and output handles where they sit, a join's two inputs named as the
 * editor names them (`sideLabel`: left and right, a temporal join's probe side and versioned table) with the
 * nodes that feed each, and every edge attached to the handle of its spec edge's `input` (and `port`).
 * `components/run/job-graph.tsx` renders it; this part is pure, so a test can read exact handle ids.
 */
import type { JobSpecInput } from '@flowstate/spec';
import {
  type FlowNode,
  HANDLE_IN,
  HANDLE_LATE,
  handlesOf,
  handleTop,
  importSpec,
  type JoinInput,
  type SourceHandleId,
  sideLabel,
  specToGraph,
  type TargetHandleId,
} from '../editor';

export interface RunGraphInput {
  /** The handle id edges attach to: `in`, or a join's `left` / `right`. */
  id: TargetHandleId;
  /** CSS `top` of the handle (undefined: the middle). */
  top: string | undefined;
  /** A join's side (`left` / `right`), null for a single input. */
  side: JoinInput | null;
  /** What the editor calls that side ('Left input', 'Probe side (left)', …); null for a single input. */
  name: string | null;
  /** The names of the nodes whose edges end at this handle, in the spec's edge order. */
  from: string[];
}

export interface RunGraphNode {
  id: string;
  kind: FlowNode['type'];
  label: string;
  /** The editor's position (the run view compacts it). */
  position: { x: number; y: number };
  /** A keyBy's key fields. */
  key?: string[];
  inputs: RunGraphInput[];
  outputs: { id: SourceHandleId; top: string | undefined }[];
}

export interface RunGraphEdge {
  id: string;
  source: string;
  target: string;
  sourceHandle: SourceHandleId;
  targetHandle: TargetHandleId;
  /** Shown on the edge: `late` for a window's late rows. */
  label?: string;
}

export interface RunGraph {
  nodes: RunGraphNode[];
  edges: RunGraphEdge[];
}

/** The graph of a run's spec, or null when the spec cannot be drawn. */
export function runGraph(spec: unknown): RunGraph | null {
  const imported = importSpec(spec);
  if (!imported.ok) return null;
  let graph: ReturnType<typeof specToGraph>;
  try {
    graph = specToGraph(imported.spec as JobSpecInput);
  } catch {
    return null;
  }
  const labelOf = new Map(graph.nodes.map((n) => [n.id, (n.data as { name?: string }).name || n.id]));
  const edges: RunGraphEdge[] = graph.edges.map((e) => ({
    id: e.id,
    source: e.source,
    target: e.target,
    sourceHandle: e.sourceHandle,
    targetHandle: e.targetHandle,
    ...(e.sourceHandle === HANDLE_LATE ? { label: 'late' } : {}),
  }));
  const nodes = graph.nodes.map((n): RunGraphNode => {
    const { inputs, outputs } = handlesOf(n.type);
    return {
      id: n.id,
      kind: n.type,
      label: labelOf.get(n.id)!,
      position: n.position,
      ...(n.type === 'keyBy' ? { key: ((n.data as { key?: unknown[] }).key ?? []).map(String) } : {}),
      inputs: inputs.map((h, i) => {
        const side = h === HANDLE_IN ? null : h;
        return {
          id: h,
          top: handleTop(i, inputs.length),
          side,
          name: side === null ? null : sideLabel(n.type, side),
          from: edges
            .filter((e) => e.target === n.id && e.targetHandle === h)
            .map((e) => labelOf.get(e.source)!),
        };
      }),
      outputs: outputs.map((h, i) => ({ id: h, top: handleTop(i, outputs.length) })),
    };
  });
  return { nodes, edges };
}

/**
 * A two-input node's inputs in words, for its accessible name: 'Left input from Key by seller; Right input from
 * Key by person' (a side nothing feeds: 'nothing'). Null for a node with one input or none.
 */
export function inputsSummary(node: Pick<RunGraphNode, 'inputs'>): string | null {
  const sides = node.inputs.filter((i) => i.side !== null);
  if (sides.length === 0) return null;
  return sides
    .map((i) => `${i.name} from ${i.from.length > 0 ? i.from.join(' and ') : 'nothing'}`)
    .join('; ');
}
