import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { absolutizeSourcePaths, loadTemplates, templateMode } from './templates';

const examples = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../examples');

describe('templates', () => {
  it('makes relative file source paths absolute and leaves everything else alone', () => {
    const spec = {
      name: 'x',
      nodes: [
        { id: 'a', kind: 'source', connector: { type: 'file', path: 'data/in.txt', format: 'text' } },
        { id: 'b', kind: 'source', connector: { type: 'file', path: '/abs/in.txt' } },
        { id: 'c', kind: 'sink', connector: { type: 'file', path: 'out' } },
      ],
    };
    const out = absolutizeSourcePaths(spec, '/repo/examples/x') as typeof spec;
    expect(out.nodes[0]?.connector.path).toBe('/repo/examples/x/data/in.txt');
    expect(out.nodes[1]?.connector.path).toBe('/abs/in.txt');
    expect(out.nodes[2]?.connector.path).toBe('out');
    expect(spec.nodes[0]?.connector.path).toBe('data/in.txt');
  });

  it('loads every example, word count first, with data paths that exist', async () => {
    const templates = await loadTemplates(examples);
    expect(templates.map((t) => t.id)).toEqual([
      'word-count',
      'word-count-windowed',
      'ad-clicks',
      'iot-temperature',
      'nexmark-q1',
      'nexmark-q3',
      'nexmark-q5',
      'nexmark-q7',
      'nexmark-q8',
      'recommendations',
      'risk-control',
      'stock-monitoring',
    ]);
    const wc = templates[0]?.spec as { nodes: { connector?: { path?: string } }[] };
    expect(wc.nodes[0]?.connector?.path).toBe(path.join(examples, 'word-count/data/words.txt'));
    expect(templates[0]?.kinds).toEqual(['source', 'flatMap', 'filter', 'keyBy', 'aggregate', 'sink']);
  });

  it('says which templates stream and which finish', async () => {
    const modes = Object.fromEntries((await loadTemplates(examples)).map((t) => [t.id, t.mode]));
    expect(modes).toEqual({
      'ad-clicks': { kind: 'live', rowsPerSecond: 500, checkpointEveryMs: 3000 },
      'iot-temperature': { kind: 'live', rowsPerSecond: 100, checkpointEveryMs: 3000 },
      'nexmark-q1': { kind: 'live', rowsPerSecond: 200, checkpointEveryMs: 3000 },
      // The join examples: their Nexmark sources' rates, no periodic checkpoints.
      'nexmark-q3': { kind: 'live', rowsPerSecond: 2000, checkpointEveryMs: 3000 },
      'nexmark-q5': { kind: 'live', rowsPerSecond: 1000, checkpointEveryMs: 3000 },
      'nexmark-q7': { kind: 'live', rowsPerSecond: 1000, checkpointEveryMs: 3000 },
      'nexmark-q8': { kind: 'live', rowsPerSecond: 2000, checkpointEveryMs: 3000 },
      recommendations: { kind: 'live', rowsPerSecond: 200, checkpointEveryMs: 3000 },
      'risk-control': { kind: 'live', rowsPerSecond: 200, checkpointEveryMs: 3000 },
      'stock-monitoring': { kind: 'live', rowsPerSecond: 50, checkpointEveryMs: 3000 },
      'word-count': { kind: 'bounded' },
      'word-count-windowed': { kind: 'bounded' },
    });
    expect(
      templateMode({ nodes: [{ kind: 'source', connector: { type: 'datagen', count: 10, fields: {} } }] }),
    ).toEqual({ kind: 'bounded' });
  });

  it('answers no templates for a missing directory', async () => {
    expect(await loadTemplates('/no/such/dir')).toEqual([]);
  });
});
