import { type JobSpecInput, validateSpec } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { createNode, newNodeId, PALETTE, PALETTE_ITEMS, type PaletteItem, paletteItem } from './palette';
import { wiredSpec } from './test-support';
import { nodeToSpec, type SpecNodeInput } from './types';

const node = (item: PaletteItem, id: string): SpecNodeInput => ({
  ...nodeToSpec(createNode(item.id, { x: 0, y: 0 }, [])),
  id,
});

/** The default datagen source → (keyBy →) item → the default sink (a join: a keyed source each side). */
const wired = (item: PaletteItem): JobSpecInput => ({
  ...wiredSpec(node(item, 'item')),
  name: `palette-${item.id}`,
});

describe('palette', () => {
  it('groups the node kinds as Sources, Transforms, Keyed, Windows, Joins, Sinks', () => {
    expect(PALETTE.map((g) => g.label)).toEqual([
      'Sources',
      'Transforms',
      'Keyed',
      'Windows',
      'Joins',
      'Sinks',
    ]);
    expect(PALETTE.map((g) => [g.id, g.items.map((i) => i.kind)])).toEqual([
      ['sources', ['source', 'source', 'source']],
      ['transforms', ['map', 'filter', 'flatMap']],
      ['keyed', ['keyBy', 'aggregate', 'over', 'topN', 'deduplicate']],
      ['windows', ['window', 'window', 'window']],
      ['joins', ['intervalJoin', 'windowJoin', 'temporalJoin', 'join']],
      ['sinks', ['sink', 'sink', 'sink', 'sink']],
    ]);
    expect(
      PALETTE_ITEMS.filter(
        (i) => i.group === 'joins' || ['over', 'topN', 'deduplicate'].includes(i.kind),
      ).map((i) => i.label),
    ).toEqual([
      'Over aggregate',
      'Top-N',
      'Deduplicate',
      'Interval join',
      'Window join',
      'Temporal join',
      'Regular join',
    ]);
    for (const item of PALETTE_ITEMS) {
      expect(item.label.length).toBeGreaterThan(0);
      expect(item.description.length).toBeGreaterThan(0);
    }
    expect(new Set(PALETTE_ITEMS.map((i) => i.id)).size).toBe(PALETTE_ITEMS.length);
  });

  it.each(PALETTE_ITEMS.filter((i) => i.kind !== 'keyBy').map((i) => [i.id, i] as const))(
    '%s: its default node is a valid spec when wired source → sink',
    (_, item) => {
      const result = validateSpec(wired(item));
      expect(result.problems.filter((p) => !p.code.startsWith('warning/'))).toEqual([]);
      expect(result.ok).toBe(true);
    },
  );

  it('has the defaults the studio promises', () => {
    expect(paletteItem('window')!.defaults()).toEqual({
      assigner: { type: 'tumbling', sizeMs: 10_000 },
      aggregates: { count: 'COUNT(*)' },
    });
    const datagen = paletteItem('source')!.defaults();
    expect(datagen).toMatchObject({ connector: { type: 'datagen' }, watermark: { timestampField: 'ts' } });
    expect(Object.keys((datagen as { schema: object }).schema)).toEqual(['id', 'category', 'amount', 'ts']);
  });

  it('starts a keyBy with no key: the only problem of the wired default asks for one', () => {
    expect(paletteItem('keyBy')!.defaults()).toEqual({ key: [] });
    const result = validateSpec(wired(paletteItem('keyBy')!));
    expect(result.problems.filter((p) => !p.code.startsWith('warning/'))).toEqual([
      expect.objectContaining({ path: '/nodes/1/key', message: expect.stringMatching(/at least one key/) }),
    ]);
  });

  it('gives a fresh default each time', () => {
    const a = paletteItem('map')!.defaults() as { fields: Record<string, string> };
    a.fields.extra = 'x';
    expect(paletteItem('map')!.defaults()).toEqual({
      fields: { category: 'category', doubled: 'amount * 2' },
    });
  });

  it('looks items up by id or by kind', () => {
    expect(paletteItem('sink')!.id).toBe('sink.collect');
    expect(paletteItem('window.session')!.kind).toBe('window');
    expect(paletteItem('nope')).toBeUndefined();
  });
});

describe('newNodeId', () => {
  it('makes readable ids: the kind and the smallest free number', () => {
    expect(newNodeId('window', [])).toBe('window1');
    expect(newNodeId('window', ['window1', 'window2'])).toBe('window3');
    expect(newNodeId('window', ['window1', 'window3'])).toBe('window2');
    expect(newNodeId('keyBy', new Set(['window1']))).toBe('keyBy1');
    expect(newNodeId('flatMap', ['flatMap1'])).toBe('flatMap2');
  });

  it('is used by createNode', () => {
    const node = createNode('window.sliding', { x: 5, y: 6 }, ['window1']);
    expect(node).toMatchObject({
      id: 'window2',
      type: 'window',
      position: { x: 5, y: 6 },
      data: { assigner: { type: 'sliding', sizeMs: 10_000, slideMs: 2_000 } },
    });
    expect(() => createNode('nope', { x: 0, y: 0 }, [])).toThrow(/no palette item/);
  });
});
