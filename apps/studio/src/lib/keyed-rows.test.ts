import { describe, expect, it } from 'vitest';
import { KeyedRows, type SortSpec, sortKeyOf } from './keyed-rows';
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

describe('KeyedRows, kept sorted between views', () => {
  /** The order the table must show, computed from scratch. */
  function reference(rows: KeyedRows, query: string, sort: SortSpec): string[] {
    const all = [...rows.values()].filter((r) => r.id.toLowerCase().includes(query.toLowerCase()));
    const fresh = new KeyedRows();
    fresh.beginLoad();
    fresh.addSnapshot(all.map((r) => ({ key: r.key, value: r.value })));
    return fresh.view('', sort).map((r) => r.id);
  }

  it('matches a from-scratch sort after pages, changes, new and deleted keys, under every sort', () => {
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const keyOf = (i: number) => (i % 3 === 0 ? i : `k${i}`);
    for (const sort of [
      { by: 'key', dir: 'asc' },
      { by: 'key', dir: 'desc' },
      { by: 'count', dir: 'desc' },
      { by: 'count', dir: 'asc' },
    ] as SortSpec[]) {
      for (const query of ['', '1']) {
        const rows = new KeyedRows();
        rows.beginLoad();
        for (let page = 0; page < 3; page++) {
          rows.addSnapshot(
            Array.from({ length: 50 }, (_, i) => ({ key: keyOf(page * 50 + i), value: { count: rnd(20) } })),
          );
          expect(rows.view(query, sort).map((r) => r.id)).toEqual(reference(rows, query, sort));
        }
        rows.endLoad();
        for (let round = 0; round < 20; round++) {
          const changes = Array.from({ length: 10 }, () => {
            const i = rnd(200);
            return { key: keyOf(i), value: rnd(10) === 0 ? null : { count: rnd(20) } };
          });
          rows.applyChanges(changes, 1000 + round);
          expect(rows.view(query, sort).map((r) => r.id)).toEqual(reference(rows, query, sort));
        }
      }
    }
  });

  it('keeps the same array while only values change under the key sort, and a new one when the order changes', () => {
    const rows = new KeyedRows();
    rows.beginLoad();
    rows.addSnapshot([
      { key: 'a', value: { count: 1 } },
      { key: 'b', value: { count: 2 } },
    ]);
    rows.endLoad();
    const byKey = { by: 'key', dir: 'asc' } as const;
    const v1 = rows.view('', byKey);
    const order1 = rows.orderVersion;
    rows.applyChanges([{ key: 'a', value: { count: 5 } }], 10);
    expect(rows.view('', byKey)).toBe(v1);
    expect(rows.orderVersion).toBe(order1);
    expect(v1[0]).toMatchObject({ id: 'a', value: { count: 5 }, changedAt: 10 });
    rows.applyChanges([{ key: 'aa', value: { count: 0 } }], 11);
    expect(rows.orderVersion).toBe(order1 + 1);
    expect(rows.view('', byKey).map((r) => r.id)).toEqual(['a', 'aa', 'b']);

    const byCount = { by: 'count', dir: 'desc' } as const;
    expect(rows.view('', byCount).map((r) => r.id)).toEqual(['a', 'b', 'aa']);
    rows.applyChanges([{ key: 'aa', value: { count: 9 } }], 12);
    expect(rows.view('', byCount).map((r) => r.id)).toEqual(['aa', 'a', 'b']);
    // A search is cached until the order changes.
    const found = rows.view('a', byCount);
    expect(rows.view('a', byCount)).toBe(found);
    expect(found.map((r) => r.id)).toEqual(['aa', 'a']);
  });

  it('orders string keys with numbers in them naturally and case-insensitively', () => {
    expect(sortKeyOf('K9') < sortKeyOf('k10')).toBe(true);
    const rows = new KeyedRows();
    rows.beginLoad();
    rows.addSnapshot(['k10', 'K9', 'k1', 'b', 'A', -5, 3].map((key) => ({ key, value: 1 })));
    expect(rows.view('', { by: 'key', dir: 'asc' }).map((r) => r.id)).toEqual([
      '-5',
      '3',
      'A',
      'b',
      'k1',
      'K9',
      'k10',
    ]);
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
