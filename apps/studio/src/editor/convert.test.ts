import { validateSpec } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { graphToSpec, importSpec, specToGraph } from './convert';
import { loadExamples, n, specOf } from './test-support';
import { HANDLE_LATE } from './types';

const examples = loadExamples();

describe('spec ⇄ graph', () => {
  it('finds all twelve examples', () => {
    expect(examples.map((e) => e.name)).toHaveLength(12);
  });

  it.each(examples.map((e) => [e.name, e] as const))(
    'round-trips examples/%s/job.json exactly',
    (_, example) => {
      const graph = specToGraph(example.spec);
      const back = graphToSpec(graph);
      expect(back).toEqual(example.spec);
      // Key order too: the serialized text is the same as the file's, modulo formatting.
      expect(JSON.stringify(back)).toBe(JSON.stringify(JSON.parse(example.text)));
      expect(validateSpec(back).ok).toBe(true);
    },
  );

  it('makes React Flow nodes: type = kind, data = the other fields, position from layout', () => {
    const graph = specToGraph(examples.find((e) => e.name === 'word-count')!.spec);
    const words = graph.nodes.find((node) => node.id === 'words')!;
    expect(words).toEqual({
      id: 'words',
      type: 'flatMap',
      position: { x: 232, y: 0 },
      data: {
        name: 'Split into words',
        explode: "REGEXP_SPLIT(LOWER(line), '[^a-z0-9]+')",
        as: 'word',
      },
    });
    expect(graph.edges[0]).toEqual({
      id: 'lines->words',
      source: 'lines',
      target: 'words',
      sourceHandle: 'main',
      targetHandle: 'in',
    });
    expect(graph.name).toBe('word-count');
    expect(graph.settings?.parallelism).toBe(1);
  });

  // The join examples are laid out by hand: each join's two inputs in rows 200 px apart, left above right
  // (ad-clicks: the impressions' other branch, to the window, in a row above).
  const handLaid = new Set(['ad-clicks', 'nexmark-q3', 'nexmark-q7', 'nexmark-q8']);
  it.each(examples.filter((e) => !handLaid.has(e.name)).map((e) => [e.name, e] as const))(
    'auto-lays out examples/%s without a layout as its layout was written',
    (_, example) => {
      const { layout, ...withoutLayout } = example.spec;
      const graph = specToGraph(withoutLayout);
      expect(Object.fromEntries(graph.nodes.map((node) => [node.id, node.position]))).toEqual(layout);
    },
  );

  it('places nodes missing from a partial layout below the placed ones', () => {
    const spec = { ...specOf([n.lines(), n.filter('f', "line <> ''"), n.sink()], ['lines>f', 'f>out']) };
    spec.layout = { lines: { x: 100, y: 300 } };
    const graph = specToGraph(spec);
    const at = Object.fromEntries(graph.nodes.map((node) => [node.id, node.position]));
    expect(at.lines).toEqual({ x: 100, y: 300 });
    // Laid out on their own, one row (80 px) below the placed node's bottom edge (300 + 72).
    expect(at.f).toEqual({ x: 232, y: 452 });
    expect(at.out).toEqual({ x: 464, y: 452 });
  });

  it('keeps the late port', () => {
    const spec = specOf(
      [n.events(), n.keyBy('k', 'user'), n.window('w'), n.sink('main'), n.sink('late')],
      ['events>k', 'k>w', 'w>main', ['w', 'late', 'late']],
    );
    const graph = specToGraph(spec);
    expect(graph.edges[3]).toMatchObject({ id: 'w:late->late', sourceHandle: HANDLE_LATE });
    expect(graphToSpec(graph).edges).toEqual(spec.edges);
  });

  it('writes no description or settings that the spec did not have', () => {
    const spec = specOf([n.lines(), n.sink()], ['lines>out']);
    const back = graphToSpec(specToGraph(spec));
    expect(Object.keys(back)).toEqual(['specVersion', 'name', 'nodes', 'edges', 'layout']);
  });
});

describe('importSpec', () => {
  it('accepts a spec the canvas can hold, even with problems for validation to show', () => {
    const spec = specOf([n.lines(), n.filter('f', 'nope > 1'), n.sink()], ['lines>f', 'f>out']);
    expect(importSpec(spec)).toEqual({ ok: true, spec });
    expect(importSpec(examples[0]!.spec).ok).toBe(true);
  });

  it.each([
    ['not an object', [], 'a job spec is a JSON object'],
    ['no nodes', { name: 'x' }, 'no "nodes" array'],
    ['unknown kind', { name: 'x', nodes: [{ id: 'a', kind: 'union' }] }, 'kind "union"'],
    [
      'duplicate id',
      {
        name: 'x',
        nodes: [
          { id: 'a', kind: 'map' },
          { id: 'a', kind: 'sink' },
        ],
      },
      "node id 'a' is used twice",
    ],
    [
      'edge to nowhere',
      { name: 'x', nodes: [{ id: 'a', kind: 'map' }], edges: [{ from: 'a', to: 'b' }] },
      "joins 'b'",
    ],
    [
      'repeated edge',
      {
        name: 'x',
        nodes: [
          { id: 'a', kind: 'map' },
          { id: 'b', kind: 'sink' },
        ],
        edges: [
          { from: 'a', to: 'b' },
          { from: 'a', to: 'b' },
        ],
      },
      'repeats',
    ],
  ])('refuses %s with a reason', (_, value, reason) => {
    const result = importSpec(value);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toContain(reason);
  });
});
