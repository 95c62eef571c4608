import { describe, expect, it } from 'vitest';
import { createOperatorStateBackend, evenSplitRange, type OperatorStateSnapshotData } from './index';

function snapshotsOf(parallelism: number, perSubtask: (i: number) => unknown[]): OperatorStateSnapshotData[] {
  return Array.from({ length: parallelism }, (_, i) => {
    const b = createOperatorStateBackend();
    b.getListState<unknown>('offsets').update(perSubtask(i));
    b.getUnionListState<string>('config').add(`cfg-${i}`);
    return b.snapshot();
  });
}

describe('OperatorStateBackend', () => {
  it('stores named lists and snapshots copies', () => {
    const b = createOperatorStateBackend();
    const s = b.getListState<{ p: number }>('offsets');
    s.add({ p: 1 });
    s.update([{ p: 2 }, { p: 3 }]);
    s.add({ p: 4 });
    const snap = b.snapshot();
    s.get()[0]!.p = 99;
    expect(snap.states).toEqual([
      { name: 'offsets', mode: 'split', entries: [{ p: 2 }, { p: 3 }, { p: 4 }] },
    ]);
  });

  it('splits evenly like Flink: the first `total % parallelism` subtasks get one more', () => {
    expect([0, 1, 2].map((i) => evenSplitRange(10, i, 3))).toEqual([
      [0, 4],
      [4, 7],
      [7, 10],
    ]);
    expect([0, 1, 2, 3].map((i) => evenSplitRange(2, i, 4))).toEqual([
      [0, 1],
      [1, 2],
      [2, 2],
      [2, 2],
    ]);
  });

  it('redistributes split lists on rescale 2 → 3 and 3 → 1, union lists to everyone', () => {
    const parts = snapshotsOf(2, (i) => [0, 1, 2, 3].map((j) => `p${i}-${j}`)); // 8 entries
    const restored = [0, 1, 2].map((i) => {
      const b = createOperatorStateBackend();
      b.restore(parts, i, 3);
      return b;
    });
    expect(restored.map((b) => b.getListState<string>('offsets').get())).toEqual([
      ['p0-0', 'p0-1', 'p0-2'],
      ['p0-3', 'p1-0', 'p1-1'],
      ['p1-2', 'p1-3'],
    ]);
    for (const b of restored) expect(b.getUnionListState<string>('config').get()).toEqual(['cfg-0', 'cfg-1']);
    const down = createOperatorStateBackend();
    down.restore(
      restored.map((b) => b.snapshot()),
      0,
      1,
    );
    expect(down.getListState<string>('offsets').get()).toHaveLength(8);
    expect(down.getUnionListState<string>('config').get()).toHaveLength(6);
  });

  it('keeps each subtask its own split entries at unchanged parallelism', () => {
    const parts = snapshotsOf(3, (i) => (i === 1 ? [] : [`only-${i}`, `also-${i}`]));
    const got = [0, 1, 2].map((i) => {
      const b = createOperatorStateBackend();
      b.restore(parts, i, 3);
      return b.getListState<string>('offsets').get();
    });
    expect(got).toEqual([['only-0', 'also-0'], [], ['only-2', 'also-2']]);
  });
});
