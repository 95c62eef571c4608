/** Helpers for the editor's tests: the bundled examples and small graphs written tersely. */
import { readdirSync, readFileSync } from 'node:fs';
import type { JobSpecInput, NodeKind } from '@flowstate/spec';
import { specToGraph } from './convert';
import { createNode } from './palette';
import { type FlowGraph, isJoinKind, nodeToSpec, type SpecNodeInput } from './types';

const EXAMPLES_DIR = new URL('../../../../examples/', import.meta.url);

/** Every `examples/<name>/job.json`, as written. */
export function loadExamples(): { name: string; text: string; spec: JobSpecInput }[] {
  return readdirSync(EXAMPLES_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const text = readFileSync(new URL(`${name}/job.json`, EXAMPLES_DIR), 'utf8');
      return { name, text, spec: JSON.parse(text) as JobSpecInput };
    });
}

export type EdgeSpec = `${string}>${string}` | [string, string, 'late'];

/** A graph from nodes and edges written as `'a>b'`, `'a>j:left'` (into a join's side) or `['w', 'x', 'late']`. */
export function graphOf(nodes: SpecNodeInput[], edges: EdgeSpec[] = [], name = 'test'): FlowGraph {
  return specToGraph(specOf(nodes, edges, name));
}

export function specOf(nodes: SpecNodeInput[], edges: EdgeSpec[] = [], name = 'test'): JobSpecInput {
  return {
    specVersion: 1,
    name,
    nodes,
    edges: edges.map((e) => {
      if (Array.isArray(e)) return { from: e[0], to: e[1], port: e[2] };
      const [from, target] = e.split('>') as [string, string];
      const [to, input] = target.split(':') as [string, 'left' | 'right' | undefined];
      return input === undefined ? { from, to } : { from, to, input };
    }),
  };
}

/** Node shorthands. */
export const n = {
  lines: (id = 'lines'): SpecNodeInput => ({
    id,
    kind: 'source',
    connector: { type: 'file', path: 'data/words.txt', format: 'text' },
    schema: { line: 'string' },
  }),
  events: (id = 'events'): SpecNodeInput => ({
    id,
    kind: 'source',
    connector: {
      type: 'datagen',
      fields: {
        ts: { kind: 'timestamp' },
        user: { kind: 'choice', values: ['a', 'b'] },
        amount: { kind: 'random', min: 0, max: 10 },
      },
    },
    schema: { ts: 'timestamp', user: 'string', amount: 'int' },
    watermark: { timestampField: 'ts' },
  }),
  map: (id: string, fields: Record<string, string>): SpecNodeInput => ({ id, kind: 'map', fields }),
  filter: (id: string, where: string): SpecNodeInput => ({ id, kind: 'filter', where }),
  flatMap: (id: string, explode: string, as: string): SpecNodeInput => ({ id, kind: 'flatMap', explode, as }),
  keyBy: (id: string, ...key: string[]): SpecNodeInput => ({ id, kind: 'keyBy', key }),
  window: (id: string, aggregates: Record<string, string> = { count: 'COUNT(*)' }): SpecNodeInput => ({
    id,
    kind: 'window',
    assigner: { type: 'tumbling', sizeMs: 10_000 },
    aggregates,
  }),
  aggregate: (id: string, aggregates: Record<string, string> = { count: 'COUNT(*)' }): SpecNodeInput => ({
    id,
    kind: 'aggregate',
    aggregates,
  }),
  sink: (id = 'out'): SpecNodeInput => ({ id, kind: 'sink', connector: { type: 'collect' } }),
  intervalJoin: (id: string, lowerBoundMs = -5000, upperBoundMs = 5000): SpecNodeInput => ({
    id,
    kind: 'intervalJoin',
    lowerBoundMs,
    upperBoundMs,
  }),
  join: (id: string, fields?: Record<string, string>): SpecNodeInput => ({
    id,
    kind: 'join',
    ...(fields === undefined ? {} : { fields }),
  }),
};

/**
 * `self` where a person would put it: after the default datagen source (keyed by `category` for a keyed
 * kind; a Top-N after a tumbling window keyed again by its bounds; a join with a keyed default source on
 * each side), before the default collect sink.
 */
export function wiredSpec(self: SpecNodeInput): JobSpecInput {
  const make = (item: string, id: string, extra: Record<string, unknown> = {}): SpecNodeInput =>
    ({ ...nodeToSpec(createNode(item, { x: 0, y: 0 }, [])), id, ...extra }) as SpecNodeInput;
  const keyBy = (id: string, key = ['category']) => make('keyBy', id, { key });
  const source = make('source.datagen', 'source1');
  const sink = make('sink.collect', 'sink1');
  const chain = (nodes: SpecNodeInput[]): JobSpecInput => ({
    specVersion: 1,
    name: 'wired',
    nodes,
    edges: nodes.slice(1).map((to, i) => ({ from: nodes[i]!.id, to: to.id })),
  });
  const kind = self.kind as NodeKind;
  if (kind === 'source') return chain([self, sink]);
  if (kind === 'sink') return chain([source, self]);
  if (['window', 'aggregate', 'over', 'deduplicate'].includes(kind)) {
    return chain([source, keyBy('keyBy1'), self, sink]);
  }
  if (kind === 'topN') {
    return chain([
      source,
      keyBy('keyBy1'),
      make('window.tumbling', 'window1'),
      keyBy('keyBy2', ['window_start', 'window_end']),
      self,
      sink,
    ]);
  }
  if (isJoinKind(kind)) {
    return {
      specVersion: 1,
      name: 'wired',
      nodes: [source, make('source.datagen', 'source2'), keyBy('keyBy1'), keyBy('keyBy2'), self, sink],
      edges: [
        { from: 'source1', to: 'keyBy1' },
        { from: 'source2', to: 'keyBy2' },
        { from: 'keyBy1', to: self.id, input: 'left' },
        { from: 'keyBy2', to: self.id, input: 'right' },
        { from: self.id, to: 'sink1' },
      ],
    };
  }
  return chain([source, self, sink]);
}
