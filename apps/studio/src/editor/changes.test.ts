import { describe, expect, it } from 'vitest';
import { applyGraphChanges, applyGraphChangesWithInverse, type GraphChange, renameChanges } from './changes';
import { graphToSpec, specToGraph } from './convert';
import { graphOf, loadExamples, n } from './test-support';
import { makeEdge } from './types';

const wordCount = () => specToGraph(loadExamples().find((e) => e.name === 'word-count')!.spec);

/** Applies `changes`, then their inverse, and checks that the spec is back exactly. */
function roundTrip(changes: GraphChange[]) {
  const graph = wordCount();
  const before = JSON.stringify(graphToSpec(graph));
  const { graph: after, inverse } = applyGraphChangesWithInverse(graph, changes);
  const restored = applyGraphChanges(after, inverse);
  expect(JSON.stringify(graphToSpec(restored))).toBe(before);
  return { graph, after, restored };
}

describe('applyGraphChanges', () => {
  it('is pure: the graph passed in is not changed, untouched nodes keep their identity', () => {
    const graph = wordCount();
    const snapshot = structuredClone(graph);
    const next = applyGraphChanges(graph, [
      { type: 'position', id: 'words', position: { x: 1, y: 2 } },
      { type: 'update', id: 'nonEmpty', data: { where: 'TRUE' } },
    ]);
    expect(graph).toEqual(snapshot);
    expect(next.nodes[0]).toBe(graph.nodes[0]);
    expect(next.nodes[1]).not.toBe(graph.nodes[1]);
    expect(next.edges).toBe(graph.edges);
    expect(next.nodes[1]!.position).toEqual({ x: 1, y: 2 });
  });

  it('gives back the same graph when nothing changes', () => {
    const graph = wordCount();
    expect(applyGraphChanges(graph, [])).toBe(graph);
    expect(applyGraphChanges(graph, [{ type: 'remove', id: 'ghost' }])).toBe(graph);
    expect(applyGraphChanges(graph, [{ type: 'position', id: 'words', position: { x: 232, y: 0 } }])).toBe(
      graph,
    );
  });

  it('deletes a node with its edges; the inverse brings both back in place', () => {
    const { after } = roundTrip([{ type: 'remove', id: 'nonEmpty' }]);
    expect(after.nodes.map((x) => x.id)).not.toContain('nonEmpty');
    expect(after.edges.map((e) => e.id)).toEqual(['lines->words', 'byWord->counts', 'counts->out']);
  });

  it('inverts every kind of change', () => {
    roundTrip([
      { type: 'add', node: { id: 'x', type: 'filter', position: { x: 0, y: 0 }, data: { where: 'TRUE' } } },
    ]);
    roundTrip([
      {
        type: 'add',
        node: { id: 'x', type: 'filter', position: { x: 0, y: 0 }, data: { where: 'TRUE' } },
        index: 0,
      },
    ]);
    roundTrip([{ type: 'update', id: 'nonEmpty', data: { name: 'x', where: 'TRUE' } }]);
    roundTrip([{ type: 'position', id: 'out', position: { x: -5, y: 7.5 } }]);
    roundTrip([{ type: 'addEdge', edge: makeEdge('words', 'out') }]);
    roundTrip([{ type: 'removeEdge', id: 'byWord->counts' }]);
    roundTrip([{ type: 'job', job: { name: 'renamed', description: 'new' } }]);
    roundTrip([
      { type: 'remove', id: 'words' },
      { type: 'remove', id: 'out' },
      { type: 'job', job: { name: 'a' } },
      { type: 'job', job: { name: 'b' } },
      {
        type: 'add',
        node: { id: 'words', type: 'map', position: { x: 0, y: 0 }, data: { fields: { a: '1' } } },
      },
      { type: 'addEdge', edge: makeEdge('lines', 'words') },
    ]);
  });

  it('records measured sizes without an inverse (not an edit)', () => {
    const graph = wordCount();
    const { graph: next, inverse } = applyGraphChangesWithInverse(graph, [
      { type: 'dimensions', id: 'words', measured: { width: 200, height: 60 } },
    ]);
    expect(next.nodes[1]!.measured).toEqual({ width: 200, height: 60 });
    expect(inverse).toEqual([]);
  });

  it('throws on a bug in the caller: a taken id, an edge to nowhere', () => {
    const graph = wordCount();
    const words = graph.nodes[1]!;
    expect(() => applyGraphChanges(graph, [{ type: 'add', node: words }])).toThrow(/already exists/);
    expect(() => applyGraphChanges(graph, [{ type: 'addEdge', edge: makeEdge('lines', 'words') }])).toThrow(
      /already exists/,
    );
    expect(() => applyGraphChanges(graph, [{ type: 'addEdge', edge: makeEdge('lines', 'ghost') }])).toThrow(
      /does not exist/,
    );
  });
});

describe('renameChanges', () => {
  it('renames a node and its edges in place; the inverse undoes it', () => {
    const { after } = roundTrip(renameChanges(wordCount(), 'nonEmpty', 'kept'));
    const spec = graphToSpec(after);
    expect(spec.nodes.map((x) => x.id)).toEqual(['lines', 'words', 'kept', 'byWord', 'counts', 'out']);
    expect(spec.edges).toContainEqual({ from: 'words', to: 'kept' });
    expect(spec.edges).toContainEqual({ from: 'kept', to: 'byWord' });
    expect(spec.edges?.map((e) => `${e.from}>${e.to}`)).toEqual([
      'lines>words',
      'words>kept',
      'kept>byWord',
      'byWord>counts',
      'counts>out',
    ]);
    expect(Object.keys(spec.layout!)).toContain('kept');
  });

  it('keeps the late port', () => {
    const graph = graphOf(
      [n.events(), n.keyBy('k', 'user'), n.window('w'), n.sink()],
      ['events>k', 'k>w', ['w', 'out', 'late']],
    );
    const next = applyGraphChanges(graph, renameChanges(graph, 'w', 'win'));
    expect(next.edges.map((e) => e.id)).toEqual(['events->k', 'k->win', 'win:late->out']);
  });
});
