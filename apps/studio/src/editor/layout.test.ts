import { describe, expect, it } from 'vitest';
import { applyGraphChanges } from './changes';
import {
  depths,
  fitViewport,
  graphBounds,
  layoutPositions,
  MIN_FIT_ZOOM,
  NODE_HEIGHT,
  NODE_WIDTH,
  nodeSize,
  placeNewNode,
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
    expect(positions.get('g')!.x).toBe(2 * (NODE_WIDTH + 32));
    // Two sources in the first column, centred on the middle line, one row apart.
    expect(positions.get('lines')).toEqual({ x: 0, y: -56 });
    expect(positions.get('more')).toEqual({ x: 0, y: 56 });
    expect(positions.get('f')).toEqual({ x: 232, y: 0 });
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
    expect(layoutPositions(wide.nodes, wide.edges).get('out')).toEqual({ x: 432, y: 0 });
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

describe('fitViewport', () => {
  const view = { width: 900, height: 600 };

  it('centres a graph that fits, never above 1', () => {
    expect(fitViewport({ x: 0, y: 0, width: 400, height: 100 }, view)).toEqual({
      x: 250,
      y: 250,
      zoom: 1,
    });
    const v = fitViewport({ x: 100, y: 0, width: 900, height: 100 }, view, { padding: 0 });
    expect(v.zoom).toBe(1);
    expect(v.x).toBe(-100);
  });

  it('zooms out to show the whole pipeline: the six-node word count chain in an 880 px canvas', () => {
    const fit = fitViewport({ x: 0, y: 0, width: 1000, height: 100 }, view, { padding: 50 });
    expect(fit).toEqual({ x: 50, y: 260, zoom: 0.8 });
    // 1360 wide (6 × 200 + 5 × 32), 76 high, 40 px of padding each side: (880 − 80) / 1360.
    const wide = fitViewport({ x: 0, y: 0, width: 1360, height: 76 }, { width: 880, height: 700 });
    expect(wide.zoom).toBeCloseTo(800 / 1360, 12);
    expect(wide.x).toBeCloseTo(40, 9);
    expect(wide.y).toBeCloseTo((700 - 76 * (800 / 1360)) / 2, 9);
  });

  it('stops at the minimum zoom, sources at the left, for a graph too big even for that', () => {
    const huge = fitViewport({ x: 0, y: 0, width: 6000, height: 76 }, { width: 880, height: 700 });
    expect(huge.zoom).toBe(MIN_FIT_ZOOM);
    expect(huge.x).toBe(40);
    expect(
      fitViewport({ x: -100, y: -50, width: 5000, height: 5000 }, view, { padding: 20, minZoom: 0.5 }),
    ).toEqual({ x: 70, y: 45, zoom: 0.5 });
  });
});

describe('placeNewNode', () => {
  const node = (id: string, x: number, y: number) => ({ id, position: { x, y } });

  it('puts the first node at the origin, the next right of the selected one (else the rightmost)', () => {
    expect(placeNewNode([])).toEqual({ x: 0, y: 0 });
    const nodes = [node('a', 0, 0), node('b', 232, 0)];
    expect(placeNewNode(nodes)).toEqual({ x: 464, y: 0 });
    expect(placeNewNode(nodes, ['a'])).toEqual({ x: 232, y: 112 });
    expect(placeNewNode(nodes, ['b'])).toEqual({ x: 464, y: 0 });
  });

  it('clicks in a row never put a node on another', () => {
    const nodes: ReturnType<typeof node>[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) {
      const at = placeNewNode(nodes, ids.slice(-1));
      nodes.push(node(`n${i}`, at.x, at.y));
      ids.push(`n${i}`);
    }
    expect(nodes.map((n) => n.position.x)).toEqual([0, 232, 464, 696, 928, 1160, 1392, 1624]);
    // Eight clicks with the first node selected each time: a column below the second place.
    const column: ReturnType<typeof node>[] = [node('first', 0, 0)];
    for (let i = 0; i < 3; i++) column.push({ id: `c${i}`, position: placeNewNode(column, ['first']) });
    expect(column.map((n) => n.position)).toEqual([
      { x: 0, y: 0 },
      { x: 232, y: 0 },
      { x: 232, y: 112 },
      { x: 232, y: 224 },
    ]);
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
