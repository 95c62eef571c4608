/** Helpers for the editor's tests: the bundled examples and small graphs written tersely. */
import { readdirSync, readFileSync } from 'node:fs';
import type { JobSpecInput } from '@flowstate/spec';
import { specToGraph } from './convert';
import type { FlowGraph, SpecNodeInput } from './types';

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

/** A graph from nodes and edges written as `'a>b'` (or `['w', 'x', 'late']`). */
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
      const [from, to] = e.split('>') as [string, string];
      return { from, to };
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
};
