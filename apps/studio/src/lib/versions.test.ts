import type { PipelineVersion } from '@flowstate/api';
import { describe, expect, it } from 'vitest';
import { diffSpecs, summarizeChanges, versionRows } from './versions';

const node = (id: string, extra: Record<string, unknown> = {}) => ({ id, kind: 'map', fields: {}, ...extra });
const spec = (nodes: unknown[], edges: unknown[] = [], more: Record<string, unknown> = {}) => ({
  specVersion: 1,
  name: 'p',
  nodes,
  edges,
  ...more,
});
const version = (n: number, s: unknown): PipelineVersion => ({
  pipelineId: 'p1',
  version: n,
  spec: s,
  message: null,
  createdAt: `2026-01-0${n}T10:00:00.000Z`,
});

describe('diffSpecs', () => {
  it('finds added, removed and changed nodes and edges, key order aside', () => {
    const a = spec([node('a'), node('b', { name: 'B' }), node('c')], [{ from: 'a', to: 'b' }]);
    const b = spec(
      [{ name: 'B', fields: {}, kind: 'map', id: 'b' }, node('a', { name: 'A' }), node('d')],
      [{ from: 'a', to: 'd' }],
    );
    expect(diffSpecs(a, b)).toEqual({
      added: ['d'],
      removed: ['c'],
      changed: ['a'],
      edgesAdded: 1,
      edgesRemoved: 1,
      job: [],
      layoutOnly: false,
    });
  });

  it('tells layout-only and job changes', () => {
    const a = spec([node('a')], [], { layout: { a: { x: 0, y: 0 } } });
    expect(diffSpecs(a, { ...a, layout: { a: { x: 10, y: 0 } } }).layoutOnly).toBe(true);
    expect(diffSpecs(a, { ...a, settings: { parallelism: 2 } }).job).toEqual(['settings']);
    expect(summarizeChanges(diffSpecs(a, a))).toBe('no changes');
  });
});

describe('summarizeChanges', () => {
  it('is short', () => {
    expect(
      summarizeChanges({
        added: ['m'],
        removed: [],
        changed: ['a', 'b', 'c'],
        edgesAdded: 2,
        edgesRemoved: 1,
        job: ['name'],
        layoutOnly: false,
      }),
    ).toBe('+1 node (m), 3 nodes changed, +2 edges, −1 edge, name changed');
  });
});

describe('versionRows', () => {
  it('lists newest first with node counts and the change from the version before', () => {
    const rows = versionRows([
      version(1, spec([node('a')])),
      version(3, spec([node('a', { name: 'x' }), node('b')], [{ from: 'a', to: 'b' }])),
      version(2, spec([node('a'), node('b')])),
    ]);
    expect(rows.map((r) => [r.version, r.nodeCount, r.edgeCount, r.summary, r.latest])).toEqual([
      [3, 2, 1, '1 node changed (a), +1 edge', true],
      [2, 2, 0, '+1 node (b)', false],
      [1, 1, 0, 'first version', false],
    ]);
  });

  it('is empty without versions', () => {
    expect(versionRows([])).toEqual([]);
  });
});
