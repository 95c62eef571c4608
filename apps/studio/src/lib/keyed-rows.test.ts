import { describe, expect, it } from 'vitest';
import { KeyedRows } from './keyed-rows';
import { collectSinks, statefulNodes } from './spec-nodes';

describe('KeyedRows', () => {
  it('loads a snapshot, applies live changes, deletes keys whose state is gone', () => {
    const rows = new KeyedRows();
    rows.beginLoad();
    rows.addSnapshot([
      { key: 'the', value: { count: 21 } },
      { key: 'to', value: { count: 15 } },
      { key: 'be', value: { count: 3 } },
    ]);
    rows.endLoad();
    rows.applyChanges(
      [
        { key: 'the', value: { count: 22 } },
        { key: 'be', value: null },
      ],
      1000,
    );
    const view = rows.view('', { by: 'key', dir: 'asc' });
    expect(view.map((r) => [r.id, r.value, r.changedAt])).toEqual([
      ['the', { count: 22 }, 1000],
      ['to', { count: 15 }, 0],
    ]);
  });

  it('keeps a change that arrived while the snapshot loaded over the older snapshot value', () => {
    const rows = new KeyedRows();
    rows.beginLoad();
    rows.applyChanges([{ key: 'the', value: { count: 30 } }], 5);
    rows.addSnapshot([{ key: 'the', value: { count: 22 } }]);
    rows.endLoad();
    rows.addSnapshot([{ key: 'x', value: 1 }]);
    expect(rows.view('the', { by: 'key', dir: 'asc' })[0]?.value).toEqual({ count: 30 });
  });

  it('filters by key text and sorts by key or a value field', () => {
    const rows = new KeyedRows();
    rows.beginLoad();
    rows.addSnapshot([
      { key: 'the', value: { count: 22 } },
      { key: 'then', value: { count: 1 } },
      { key: 'other', value: { count: 5 } },
      { key: 'a', value: { count: 9 } },
      { key: 10, value: { count: 2 } },
      { key: 9, value: { count: 2 } },
    ]);
    expect(rows.view('THE', { by: 'key', dir: 'asc' }).map((r) => r.id)).toEqual(['other', 'the', 'then']);
    expect(rows.view('', { by: 'count', dir: 'desc' }).map((r) => r.id)).toEqual([
      'the',
      'a',
      'other',
      '9',
      '10',
      'then',
    ]);
    expect(
      rows
        .view('', { by: 'key', dir: 'asc' })
        .map((r) => r.id)
        .slice(0, 2),
    ).toEqual(['9', '10']);
  });
});

describe('spec nodes', () => {
  const spec = {
    nodes: [
      { id: 'src', kind: 'source' },
      { id: 'counts', kind: 'aggregate', name: 'Count per word' },
      { id: 'win', kind: 'window' },
      { id: 'out', kind: 'sink', connector: { type: 'collect' } },
      { id: 'bh', kind: 'sink', connector: { type: 'blackhole' } },
    ],
  };
  it('finds the stateful nodes and the collect sinks', () => {
    expect(statefulNodes(spec)).toEqual([
      { id: 'counts', name: 'Count per word', kind: 'aggregate' },
      { id: 'win', name: 'win', kind: 'window' },
    ]);
    expect(collectSinks(spec).map((n) => n.id)).toEqual(['out']);
    expect(statefulNodes(null)).toEqual([]);
  });
});
