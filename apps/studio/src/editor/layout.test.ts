import { describe, expect, it } from 'vitest';
import { applyGraphChanges } from './changes';
import {
  depths,
  graphBounds,
  layoutPositions,
  NODE_HEIGHT,
  NODE_WIDTH,
  nodeSize,
  READABLE_ZOOM,
  readableViewport,
} from './layout';
import { graphOf, n } from './test-support';
import { type FlowEdge, type FlowGraph, makeEdge, nodeFromSpec } from './types';

/** A seeded random DAG: nodes in a random order, edges only from earlier to later in a hidden order. */
function randomDag(seed: number, size: number): FlowGraph {
  let state = seed >>> 0;
  const random = () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const ids = Array.from({ length: size }, (_, i) => `n${i}`);
  const nodes = ids.map((id) => {
    const node = nodeFromSpec({ id, kind: 'filter', where: 'TRUE' }, { x: 0, y: 0 });
    if (random() < 0.3)
      node.measured = { width: 150 + Math.floor(random() * 200), height: 50 + Math.floor(random() * 90) };
    return node;
  });
  const edges: FlowEdge[] = [];
  for (let j = 1; j < size; j++) {
    const parents = 1 + Math.floor(random() * 2);
    for (let p = 0; p < parents; p++) {
      const i = Math.floor(random() * j);
      const edge = makeEdge(ids[i]!, ids[j]!);
      if (!edges.some((e) => e.id === edge.id)) edges.push(edge);
    }
  }
  // Shuffle the node list so that list order is not the topological order.
  for (let i = nodes.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [nodes[i], nodes[j]] = [nodes[j]!, nodes[i]!];
  }
  return { name: 'random', nodes, edges };
}

function overlaps(graph: FlowGraph, positions: Map<string, { x: number; y: number }>): string[] {
  const boxes = graph.nodes.map((node) => ({ id: node.id, ...positions.get(node.id)!, ...nodeSize(node) }));
  const hits: string[] = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      if (a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height) {
        hits.push(`${a.id}/${b.id}`);
      }
    }
  }
  return hits;
}

describe('auto-layout', () => {
  it('puts each node one column right of its deepest upstream node', () => {
    const graph = graphOf(
      [n.lines(), n.lines('more'), n.filter('f', 'TRUE'), n.filter('g', 'TRUE'), n.sink()],
      ['lines>f', 'f>g', 'more>g', 'g>out'],
    );
    expect(Object.fromEntries(depths(graph.nodes, graph.edges))).toEqual({
      lines: 0,
      more: 0,
      f: 1,
      g: 2,
      out: 3,
    });
    const positions = layoutPositions(graph.nodes, graph.edges);
    expect(positions.get('g')!.x).toBe(2 * (NODE_WIDTH + 40));
    // Two sources in the first column, centred on the middle line, one row apart.
    expect(positions.get('lines')).toEqual({ x: 0, y: -56 });
    expect(positions.get('more')).toEqual({ x: 0, y: 56 });
    expect(positions.get('f')).toEqual({ x: 260, y: 0 });
  });

  it('orders a column by the rows of the upstream nodes', () => {
    const graph = graphOf(
      [n.lines('a'), n.lines('b'), n.filter('fromB', 'TRUE'), n.filter('fromA', 'TRUE')],
      ['a>fromA', 'b>fromB'],
    );
    const positions = layoutPositions(graph.nodes, graph.edges);
    expect(positions.get('fromA')!.y).toBeLessThan(positions.get('fromB')!.y);
  });

  it.each([1, 2, 3, 42, 128383])('is deterministic and non-overlapping (seed %i)', (seed) => {
    const graph = randomDag(seed, 40);
    const positions = layoutPositions(graph.nodes, graph.edges);
    expect(layoutPositions(structuredClone(graph.nodes), structuredClone(graph.edges))).toEqual(positions);
    expect(overlaps(graph, positions)).toEqual([]);
    for (const e of graph.edges) expect(positions.get(e.source)!.x).toBeLessThan(positions.get(e.target)!.x);
  });

  it('uses measured sizes: a wide node pushes the next column right', () => {
    const graph = graphOf([n.lines(), n.sink()], ['lines>out']);
    const wide = applyGraphChanges(graph, [
      { type: 'dimensions', id: 'lines', measured: { width: 400, height: NODE_HEIGHT } },
    ]);
    expect(layoutPositions(wide.nodes, wide.edges).get('out')).toEqual({ x: 440, y: 0 });
  });

  it('lays out a graph with a cycle without looping forever', () => {
    const graph = graphOf(
      [n.lines(), n.filter('a', 'TRUE'), n.filter('b', 'TRUE'), n.sink()],
      ['lines>a', 'a>b', 'b>a', 'b>out'],
    );
    const positions = layoutPositions(graph.nodes, graph.edges);
    expect(positions.size).toBe(4);
    expect(overlaps(graph, positions)).toEqual([]);
  });
});

describe('readableViewport', () => {
  const view = { width: 900, height: 600 };

  it('centres a graph that fits at a readable zoom, never above 1', () => {
    expect(readableViewport({ x: 0, y: 0, width: 400, height: 100 }, view)).toEqual({
      x: 250,
      y: 250,
      zoom: 1,
    });
    const v = readableViewport({ x: 100, y: 0, width: 900, height: 100 }, view, { padding: 0 });
    expect(v.zoom).toBe(1);
    expect(v.x).toBe(-100);
  });

  it('zooms out to fit, but not below the readable zoom', () => {
    const fit = readableViewport({ x: 0, y: 0, width: 1000, height: 100 }, view, { padding: 50 });
    expect(fit.zoom).toBeCloseTo(0.8);
    expect(fit.x).toBeCloseTo(50);
    // The six-node word count chain (1520 wide) in an 880 px canvas: readable, sources at the left.
    const wide = readableViewport({ x: 0, y: 0, width: 1520, height: 76 }, { width: 880, height: 700 });
    expect(wide.zoom).toBe(READABLE_ZOOM);
    expect(wide.x).toBe(40);
    expect(wide.y).toBeCloseTo((700 - 76 * READABLE_ZOOM) / 2);
  });

  it('puts the top left corner at the padding when the graph is too big both ways', () => {
    expect(
      readableViewport({ x: -100, y: -50, width: 5000, height: 5000 }, view, { padding: 20, minZoom: 0.5 }),
    ).toEqual({ x: 70, y: 45, zoom: 0.5 });
  });
});

describe('graphBounds', () => {
  it('spans every node box, measured or default', () => {
    const at = (x: number, y: number, measured?: { width: number; height: number }) => ({
      position: { x, y },
      ...(measured ? { measured } : {}),
    });
    expect(graphBounds([])).toBeNull();
    expect(graphBounds([at(0, 0), at(260, -10, { width: 300, height: 100 })])).toEqual({
      x: 0,
      y: -10,
      width: 560,
      height: 100,
    });
    expect(graphBounds([at(5, 5)])).toEqual({ x: 5, y: 5, width: NODE_WIDTH, height: NODE_HEIGHT });
  });
});
