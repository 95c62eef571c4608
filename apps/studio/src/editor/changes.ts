/**
 * Edits as small change objects, applied by one pure function (as React Flow's `applyNodeChanges`).
 * Applying a list of changes also yields the list that undoes it, which is all undo/redo needs: the
 * store keeps the inverse of each step, and applying an inverse yields the redo.
 *
 * - `remove` deletes a node and, first, every edge into or out of it (the inverse brings both back,
 *   at their old places in the lists, so a spec round trip through undo is exact).
 * - `update` replaces a node's whole `data` (the store builds it from a patch), which keeps key order.
 * - `dimensions` records React Flow's measured size; it is not an edit and has no inverse.
 *
 * Changes that name something missing are ignored (like React Flow's); adding a node or edge whose id
 * is taken, or an edge to a missing node, is a bug in the caller and throws.
 */
import {
  type FlowEdge,
  type FlowGraph,
  type FlowNode,
  type FlowNodeData,
  type JobMeta,
  makeEdge,
  type XYPosition,
} from './types';

export type GraphChange =
  | { type: 'add'; node: FlowNode; index?: number }
  | { type: 'remove'; id: string }
  | { type: 'update'; id: string; data: FlowNodeData }
  | { type: 'position'; id: string; position: XYPosition; dragging?: boolean }
  | { type: 'addEdge'; edge: FlowEdge; index?: number }
  | { type: 'removeEdge'; id: string }
  | { type: 'job'; job: JobMeta }
  | { type: 'dimensions'; id: string; measured: { width?: number; height?: number } };

export interface AppliedChanges {
  graph: FlowGraph;
  /** Applying these to `graph` gives back the graph that was passed in (modulo `dimensions`). */
  inverse: GraphChange[];
}

/** Applies `changes` in order; returns the new graph (the same object when nothing changed). */
export function applyGraphChanges(graph: FlowGraph, changes: readonly GraphChange[]): FlowGraph {
  return applyGraphChangesWithInverse(graph, changes).graph;
}

/** As `applyGraphChanges`, and the changes that undo it (already in the order to apply them). */
export function applyGraphChangesWithInverse(
  graph: FlowGraph,
  changes: readonly GraphChange[],
): AppliedChanges {
  let nodes: FlowNode[] | null = null;
  let edges: FlowEdge[] | null = null;
  let meta: JobMeta | null = null;
  const nodesW = (): FlowNode[] => (nodes ??= [...graph.nodes]);
  const edgesW = (): FlowEdge[] => (edges ??= [...graph.edges]);
  const curNodes = (): readonly FlowNode[] => nodes ?? graph.nodes;
  const curEdges = (): readonly FlowEdge[] => edges ?? graph.edges;
  const nodeIndex = (id: string) => curNodes().findIndex((n) => n.id === id);
  const edgeIndex = (id: string) => curEdges().findIndex((e) => e.id === id);
  const inverse: GraphChange[] = [];

  const removeEdgeAt = (i: number): void => {
    const [edge] = edgesW().splice(i, 1);
    inverse.push({ type: 'addEdge', edge: edge!, index: i });
  };

  for (const change of changes) {
    switch (change.type) {
      case 'add': {
        if (nodeIndex(change.node.id) !== -1) {
          throw new Error(`applyGraphChanges: a node with id '${change.node.id}' already exists`);
        }
        const list = nodesW();
        const at = clampIndex(change.index, list.length);
        list.splice(at, 0, change.node);
        inverse.push({ type: 'remove', id: change.node.id });
        break;
      }
      case 'remove': {
        const i = nodeIndex(change.id);
        if (i === -1) break;
        for (let j = curEdges().length - 1; j >= 0; j--) {
          const e = curEdges()[j]!;
          if (e.source === change.id || e.target === change.id) removeEdgeAt(j);
        }
        const [node] = nodesW().splice(i, 1);
        inverse.push({ type: 'add', node: node!, index: i });
        break;
      }
      case 'update': {
        const i = nodeIndex(change.id);
        if (i === -1) break;
        const node = curNodes()[i]!;
        if (node.data === change.data) break;
        nodesW()[i] = { ...node, data: change.data } as FlowNode;
        inverse.push({ type: 'update', id: node.id, data: node.data });
        break;
      }
      case 'position': {
        const i = nodeIndex(change.id);
        if (i === -1) break;
        const node = curNodes()[i]!;
        const { x, y } = change.position;
        if (node.position.x === x && node.position.y === y) break;
        nodesW()[i] = { ...node, position: { x, y } };
        inverse.push({ type: 'position', id: node.id, position: node.position });
        break;
      }
      case 'dimensions': {
        const i = nodeIndex(change.id);
        if (i === -1) break;
        const node = curNodes()[i]!;
        const { width, height } = change.measured;
        if (node.measured?.width === width && node.measured?.height === height) break;
        nodesW()[i] = { ...node, measured: { width, height } };
        break;
      }
      case 'addEdge': {
        const { edge } = change;
        if (edgeIndex(edge.id) !== -1) {
          throw new Error(`applyGraphChanges: an edge with id '${edge.id}' already exists`);
        }
        for (const end of [edge.source, edge.target]) {
          if (nodeIndex(end) === -1) {
            throw new Error(`applyGraphChanges: edge '${edge.id}' joins '${end}', which does not exist`);
          }
        }
        const list = edgesW();
        list.splice(clampIndex(change.index, list.length), 0, edge);
        inverse.push({ type: 'removeEdge', id: edge.id });
        break;
      }
      case 'removeEdge': {
        const i = edgeIndex(change.id);
        if (i !== -1) removeEdgeAt(i);
        break;
      }
      case 'job': {
        const before = meta ?? jobMeta(graph);
        const after = change.job;
        if (
          before.name === after.name &&
          before.description === after.description &&
          before.settings === after.settings
        ) {
          break;
        }
        inverse.push({ type: 'job', job: before });
        meta = { ...change.job };
        break;
      }
    }
  }

  if (nodes === null && edges === null && meta === null) return { graph, inverse };
  const next: FlowGraph = {
    ...(meta ?? jobMeta(graph)),
    nodes: nodes ?? graph.nodes,
    edges: edges ?? graph.edges,
  };
  return { graph: next, inverse: inverse.reverse() };
}

/** The job's own fields of a graph (name, description, settings), absent ones left out. */
export function jobMeta(graph: JobMeta): JobMeta {
  const meta: JobMeta = { name: graph.name };
  if (graph.description !== undefined) meta.description = graph.description;
  if (graph.settings !== undefined) meta.settings = graph.settings;
  return meta;
}

function clampIndex(index: number | undefined, length: number): number {
  return index === undefined ? length : Math.max(0, Math.min(length, index));
}

/**
 * The changes that rename node `id` to `newId`: its edges are removed, the node is re-added under the
 * new id at the same place, and the edges come back (renamed) at their old places.
 */
export function renameChanges(graph: FlowGraph, id: string, newId: string): GraphChange[] {
  const at = graph.nodes.findIndex((n) => n.id === id);
  if (at === -1 || id === newId) return [];
  const node = graph.nodes[at]!;
  const touched = graph.edges
    .map((edge, index) => ({ edge, index }))
    .filter(({ edge }) => edge.source === id || edge.target === id);
  const rename = (end: string) => (end === id ? newId : end);
  const renamed = { ...node, id: newId } as FlowNode;
  return [
    ...touched.map(({ edge }) => ({ type: 'removeEdge', id: edge.id }) as const),
    { type: 'remove', id },
    { type: 'add', node: renamed, index: at },
    ...touched.map(
      ({ edge, index }): GraphChange => ({
        type: 'addEdge',
        edge: makeEdge(rename(edge.source), rename(edge.target), edge.sourceHandle, edge.targetHandle),
        index,
      }),
    ),
  ];
}
