import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KeyedRows } from './keyed-rows';
import { timestampColumns, WindowEntries } from './state-rows';

const w = (start: number, count: number) => ({ window_start: start, window_end: start + 10_000, count });

describe('WindowEntries', () => {
  it('makes one row per key and window, and removes a window the key no longer has', () => {
    const windows = new WindowEntries();
    const rows = new KeyedRows();
    rows.beginLoad();
    rows.addSnapshot(
      windows.snapshot([
        { key: 'the', value: { windows: [w(0, 2), w(10_000, 1)] } },
        { key: 'to', value: { windows: [w(10_000, 5)] } },
      ]),
    );
    rows.endLoad();
    const shown = () => rows.view('', { by: 'key', dir: 'asc' }).map((r) => [r.key, r.value]);
    expect(shown()).toEqual([
      ['the', w(0, 2)],
      ['the', w(10_000, 1)],
      ['to', w(10_000, 5)],
    ]);
    // [0, 10 000) of 'the' fired and was purged; its next window counted one more; 'to' has no state left.
    rows.applyChanges(
      windows.changes([
        { key: 'the', value: { windows: [w(10_000, 2)] } },
        { key: 'to', value: null },
      ]),
      1,
    );
    expect(shown()).toEqual([['the', w(10_000, 2)]]);
    expect(rows.view('th', { by: 'key', dir: 'asc' })).toHaveLength(1);
  });

  it('keeps number keys in number order, and a key’s windows in time order', () => {
    const windows = new WindowEntries();
    const rows = new KeyedRows();
    rows.applyChanges(
      windows.changes([
        { key: 10, value: { windows: [w(20_000, 1), w(0, 3)] } },
        { key: 9, value: { windows: [w(0, 1)] } },
      ]),
      1,
    );
    expect(
      rows
        .view('', { by: 'key', dir: 'asc' })
        .map((r) => [r.key, (r.value as { window_start: number }).window_start]),
    ).toEqual([
      [9, 0],
      [10, 0],
      [10, 20_000],
    ]);
  });
});

describe('timestampColumns', () => {
  it('is the timestamp fields of the node’s output', () => {
    const spec = JSON.parse(
      readFileSync(new URL('../../../../examples/recommendations/job.json', import.meta.url), 'utf8'),
    );
    expect([...timestampColumns(spec, 'sessions')]).toEqual([
      'window_start',
      'window_end',
      'firstView',
      'lastView',
    ]);
    expect([...timestampColumns(spec, 'nope')]).toEqual([]);
  });
});
