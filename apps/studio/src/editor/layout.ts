/**
 * Auto-layout: left to right, one column per topological depth (the longest path from a source), rows
 * ordered by the mean row of each node's upstream nodes (ties by position in the node list), each column
 * centred on the same middle line. Simple and deterministic: the same graph always gets the same
 * positions, and no two node boxes overlap (measured sizes when React Flow has measured them, else the
 * default node size).
 *
 * With the default node size a straight chain lands on x = 0, 232, 464, … at y = 0 — the layout the
 * bundled examples are written with.
 */
import type { FlowEdge, FlowNode, XYPosition } from './types';

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 72;
export const COLUMN_GAP = 32;
export const ROW_GAP = 40;

export interface LayoutOptions {
  /** Where the first column starts (its left edge) and the middle line of every column's centre. */
  origin?: XYPosition;
}

/** The box React Flow gives a node: its measured size, else the default. */
export function nodeSize(node: Pick<FlowNode, 'measured' | 'width' | 'height'>): {
  width: number;
  height: number;
} {
  return {
    width: node.measured?.width ?? node.width ?? NODE_WIDTH,
    height: node.measured?.height ?? node.height ?? NODE_HEIGHT,
  };
}

/**
 * Topological depth per node: 0 for nodes without input, else 1 + the deepest upstream node. A cycle
 * is broken at its first node in list order (its depth counts only the upstream nodes placed so far).
 */
export function depths(nodes: readonly FlowNode[], edges: readonly FlowEdge[]): Map<string, number> {
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const outs = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  const pending = new Map<string, number>(nodes.map((n) => [n.id, 0]));
  for (const e of edges) {
    if (!index.has(e.source) || !index.has(e.target)) continue;
    outs.get(e.source)!.push(e.target);
    pending.set(e.target, pending.get(e.target)! + 1);
  }
  const depth = new Map<string, number>(nodes.map((n) => [n.id, 0]));
  const done = new Set<string>();
  const ready: string[] = nodes.filter((n) => pending.get(n.id) === 0).map((n) => n.id);
  const byIndex = (a: string, b: string) => index.get(a)! - index.get(b)!;
  while (done.size < nodes.length) {
    if (ready.length === 0) {
      // Only cycles are left: take the first remaining node as if it had no more inputs.
      ready.push(nodes.find((n) => !done.has(n.id))!.id);
    }
    const v = ready.shift()!;
    if (done.has(v)) continue;
    done.add(v);
    for (const w of outs.get(v)!) {
      if (done.has(w)) continue;
      depth.set(w, Math.max(depth.get(w)!, depth.get(v)! + 1));
      const left = pending.get(w)! - 1;
      pending.set(w, left);
      if (left === 0) {
        ready.push(w);
        ready.sort(byIndex);
      }
    }
  }
  return depth;
}

/** Positions for every node (top-left corners, as React Flow's `position`). */
export function layoutPositions(
  nodes: readonly FlowNode[],
  edges: readonly FlowEdge[],
  options: LayoutOptions = {},
): Map<string, XYPosition> {
  const origin = options.origin ?? { x: 0, y: 0 };
  const depth = depths(nodes, edges);
  const index = new Map(nodes.map((n, i) => [n.id, i]));
  const ins = new Map<string, string[]>(nodes.map((n) => [n.id, []]));
  for (const e of edges) if (index.has(e.source) && index.has(e.target)) ins.get(e.target)!.push(e.source);

  const columns: FlowNode[][] = [];
  for (const node of nodes) {
    const d = depth.get(node.id)!;
    (columns[d] ??= []).push(node);
  }

  const row = new Map<string, number>();
  const positions = new Map<string, XYPosition>();
  const middle = origin.y + NODE_HEIGHT / 2;
  let x = origin.x;
  for (let d = 0; d < columns.length; d++) {
    const column = columns[d] ?? [];
    if (column.length === 0) continue;
    const key = (node: FlowNode): number => {
      const upstream = ins
        .get(node.id)!
        .filter((id) => (depth.get(id) ?? d) < d)
        .map((id) => row.get(id)!);
      return upstream.length === 0
        ? Number.POSITIVE_INFINITY
        : upstream.reduce((a, b) => a + b, 0) / upstream.length;
    };
    const keys = new Map(column.map((n) => [n.id, key(n)]));
    column.sort((a, b) => {
      const ka = keys.get(a.id)!;
      const kb = keys.get(b.id)!;
      return ka === kb ? index.get(a.id)! - index.get(b.id)! : ka - kb;
    });
    const sizes = column.map(nodeSize);
    const total = sizes.reduce((sum, s) => sum + s.height, 0) + ROW_GAP * (column.length - 1);
    let y = Math.round(middle - total / 2);
    column.forEach((node, i) => {
      row.set(node.id, i);
      positions.set(node.id, { x, y });
      y += sizes[i]!.height + ROW_GAP;
    });
    x += Math.max(...sizes.map((s) => s.width)) + COLUMN_GAP;
  }
  return positions;
}

/**
 * The smallest zoom the editor fits to. Fitting shows the whole pipeline (a 6-node chain on a laptop's
 * canvas needs about 0.55); only a graph that would need less than this starts at its sources instead.
 */
export const MIN_FIT_ZOOM = 0.3;

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

export interface ViewportOptions {
  /** Space kept free around the graph, in screen pixels. */
  padding?: number;
  /** Never zoom out further than this to fit (default `MIN_FIT_ZOOM`). */
  minZoom?: number;
  /** Never zoom in further than this to fit (default 1: a small graph is shown at its real size). */
  maxZoom?: number;
}

/**
 * The editor's "fit view": the whole graph, centred, at the largest zoom up to 1 at which it fits; only
 * a graph that would need less than the minimum zoom is shown at the minimum, with its left edge (its
 * sources) at the padding and, when it is too tall as well, its top edge at the padding — the rest is a
 * pan away (and on the minimap). `bounds` is in flow coordinates, `view` the canvas size in pixels; the
 * answer is React Flow's viewport.
 */
export function fitViewport(
  bounds: { x: number; y: number; width: number; height: number },
  view: { width: number; height: number },
  options: ViewportOptions = {},
): Viewport {
  const padding = options.padding ?? 40;
  const minZoom = options.minZoom ?? MIN_FIT_ZOOM;
  const maxZoom = Math.max(minZoom, options.maxZoom ?? 1);
  const room = {
    width: Math.max(1, view.width - 2 * padding),
    height: Math.max(1, view.height - 2 * padding),
  };
  const fit = Math.min(room.width / Math.max(1, bounds.width), room.height / Math.max(1, bounds.height));
  const zoom = Math.min(maxZoom, Math.max(minZoom, fit));
  const place = (start: number, size: number, available: number, total: number): number =>
    size * zoom <= available ? (total - size * zoom) / 2 - start * zoom : padding - start * zoom;
  return {
    x: place(bounds.x, bounds.width, room.width, view.width),
    y: place(bounds.y, bounds.height, room.height, view.height),
    zoom,
  };
}

/** The box around every node (measured sizes, else the default), in flow coordinates; null when empty. */
export function graphBounds(
  nodes: readonly Pick<FlowNode, 'position' | 'measured' | 'width' | 'height'>[],
): { x: number; y: number; width: number; height: number } | null {
  if (nodes.length === 0) return null;
  let left = Number.POSITIVE_INFINITY;
  let top = Number.POSITIVE_INFINITY;
  let right = Number.NEGATIVE_INFINITY;
  let bottom = Number.NEGATIVE_INFINITY;
  for (const node of nodes) {
    const { width, height } = nodeSize(node);
    left = Math.min(left, node.position.x);
    top = Math.min(top, node.position.y);
    right = Math.max(right, node.position.x + width);
    bottom = Math.max(bottom, node.position.y + height);
  }
  return { x: left, y: top, width: right - left, height: bottom - top };
}

/**
 * Where a node added by a click goes: right of the anchor — the last selected node, else the rightmost
 * node — at its height, or the first spot below that where its box (with the layout's gaps around it)
 * overlaps no other node. The first node goes to the origin.
 */
export function placeNewNode(
  nodes: readonly Pick<FlowNode, 'id' | 'position' | 'measured' | 'width' | 'height'>[],
  selection: readonly string[] = [],
): XYPosition {
  if (nodes.length === 0) return { x: 0, y: 0 };
  const right = (n: (typeof nodes)[number]) => n.position.x + nodeSize(n).width;
  const selected = [...selection].reverse().map((id) => nodes.find((n) => n.id === id));
  const anchor =
    selected.find((n) => n !== undefined) ?? nodes.reduce((a, b) => (right(b) > right(a) ? b : a));
  const free = (x: number, y: number) =>
    nodes.every((n) => {
      const { width, height } = nodeSize(n);
      return (
        x + NODE_WIDTH + COLUMN_GAP <= n.position.x ||
        n.position.x + width + COLUMN_GAP <= x ||
        y + NODE_HEIGHT + ROW_GAP <= n.position.y ||
        n.position.y + height + ROW_GAP <= y
      );
    });
  const x = right(anchor) + COLUMN_GAP;
  let y = anchor.position.y;
  for (let tries = 0; tries < 100 && !free(x, y); tries++) y += NODE_HEIGHT + ROW_GAP;
  return { x, y };
}
