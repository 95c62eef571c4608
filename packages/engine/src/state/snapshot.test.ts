import { describe, expect, it } from 'vitest';
import type { HeapKeyedStateBackend } from './HeapKeyedStateBackend';
import {
  AggregatingStateDescriptor,
  type ColumnarEntries,
  type Key,
  type KeyedStateSnapshotData,
  KeyGroupRangeAssignment,
  ListStateDescriptor,
  MapStateDescriptor,
  ValueStateDescriptor,
  VOID_NAMESPACE,
} from './index';
import { entryId, flatten, newBackend, sortedEntries } from './test-support';

const COUNT = new ValueStateDescriptor<number>('count');

function expectSnapshot(data: KeyedStateSnapshotData, expected: Map<string, unknown>): void {
  expect(sortedEntries(flatten(data))).toEqual(sortedEntries(expected));
}

function modelOf(
  name: string,
  m: Map<Key, unknown>,
  ns: string | number = VOID_NAMESPACE,
): Map<string, unknown> {
  return new Map(Array.from(m, ([k, v]) => [entryId(name, k, ns), v]));
}

function drain(
  s: { materializeStep(b: number): boolean },
  budget: number,
  between: () => void = () => {},
): void {
  while (!s.materializeStep(budget)) between();
}

describe('copy-on-write snapshots', () => {
  it('snapshot() is O(states): nothing is copied until a write', () => {
    const { backend } = newBackend();
    const t = backend.getStateTable(COUNT);
    for (let i = 0; i < 200_000; i++) t.put(`key-${i}`, VOID_NAMESPACE, i);
    const start = performance.now();
    const snap = backend.snapshot(1);
    const elapsed = performance.now() - start;
    expect(elapsed).toBeLessThan(20);
    expect(backend.tableOf('count')!.activeOverlays()).toBe(1);
    t.put('key-1', VOID_NAMESPACE, -1);
    expect(flatten(snap.result()).get(entryId('count', 'key-1', VOID_NAMESPACE))).toBe(1);
    expect(backend.tableOf('count')!.activeOverlays()).toBe(0);
  });

  it('materializes the state as of snapshot() under interleaved updates, removes and inserts', () => {
    const { backend } = newBackend();
    const t = backend.getStateTable(COUNT);
    const model = new Map<Key, number>();
    const put = (k: Key, v: number) => {
      t.put(k, VOID_NAMESPACE, v);
      model.set(k, v);
    };
    const remove = (k: Key) => {
      t.remove(k, VOID_NAMESPACE);
      model.delete(k);
    };
    for (let i = 0; i < 1000; i++) put(`k${i}`, i);
    const expected = modelOf('count', model);
    const snap = backend.snapshot(7);
    expect(snap.checkpointId).toBe(7);
    // writes before any materialization
    for (let i = 0; i < 1000; i += 3) put(`k${i}`, -i);
    for (let i = 1; i < 1000; i += 7) remove(`k${i}`);
    for (let i = 0; i < 100; i++) put(`new${i}`, i);
    // remove + re-insert moves a key to the end of a plain Map: must not be emitted twice
    remove('k2');
    put('k2', 2222);
    let round = 0;
    drain(snap, 37, () => {
      round++;
      put(`k${(round * 13) % 1000}`, round);
      remove(`k${(round * 29) % 1000}`);
      put(`k${(round * 29) % 1000}`, -round);
      put(`late${round}`, round);
      remove(`new${round % 100}`);
    });
    expectSnapshot(snap.result(), expected);
    // the live state is the model
    expect(t.size()).toBe(model.size);
    for (const [k, v] of model) expect(t.get(k, VOID_NAMESPACE)).toBe(v);
    expect(backend.numKeys()).toBe(model.size);
  });

  it('keeps mutable values isolated (getForUpdate, value() then update, aggregating add)', () => {
    const { backend } = newBackend();
    const table = backend.getStateTable(new ValueStateDescriptor<{ n: number }>('obj'));
    const vs = backend.getOrCreateKeyedState(new ValueStateDescriptor<{ n: number; tags: string[] }>('val'));
    const agg = backend.getOrCreateKeyedState(
      new AggregatingStateDescriptor<number, { sum: number }, number>('agg', {
        createAccumulator: () => ({ sum: 0 }),
        add: (v, acc) => {
          acc.sum += v;
          return acc;
        },
        getResult: (acc) => acc.sum,
        merge: (a, b) => ({ sum: a.sum + b.sum }),
      }),
    );
    const list = backend.getOrCreateKeyedState(new ListStateDescriptor<{ id: number }>('list'));
    const map = backend.getOrCreateKeyedState(new MapStateDescriptor<string, { x: number }>('map'));
    for (const k of ['a', 'b']) {
      backend.setCurrentKey(k);
      table.put(k, VOID_NAMESPACE, { n: 1 });
      vs.update({ n: 1, tags: ['t'] });
      agg.add(1);
      list.add({ id: 1 });
      map.put('m', { x: 1 });
    }
    const snap = backend.snapshot(1);
    for (const k of ['a', 'b']) {
      backend.setCurrentKey(k);
      table.getForUpdate(k, VOID_NAMESPACE)!.n = 99;
      const v = vs.value()!;
      v.n = 99;
      v.tags.push('mutated');
      vs.update(v);
      agg.add(98);
      list.add({ id: 2 });
      [...list.get()][0]!.id = 99;
      map.get('m')!.x = 99;
    }
    const flat = flatten(snap.result());
    for (const k of ['a', 'b']) {
      expect(flat.get(entryId('obj', k, VOID_NAMESPACE))).toEqual({ n: 1 });
      expect(flat.get(entryId('val', k, VOID_NAMESPACE))).toEqual({ n: 1, tags: ['t'] });
      expect(flat.get(entryId('agg', k, VOID_NAMESPACE))).toEqual({ sum: 1 });
      expect(flat.get(entryId('list', k, VOID_NAMESPACE))).toEqual([{ id: 1 }]);
      expect(flat.get(entryId('map', k, VOID_NAMESPACE))).toEqual([['m', { x: 1 }]]);
    }
    // and the live state has the mutations
    backend.setCurrentKey('a');
    expect(agg.get()).toBe(99);
    expect(map.get('m')).toEqual({ x: 99 });
    // mutating the materialized data does not touch live state
    const again = backend.snapshot(2).result();
    const objEntries = again.states.find((s) => s.name === 'obj')!.byKeyGroup[0]![1] as ColumnarEntries;
    (objEntries.values[0] as { n: number }).n = -5;
    expect(table.get(objEntries.keys[0]!, VOID_NAMESPACE)).toEqual({ n: 99 });
  });

  it('keeps two overlapping snapshots correct', () => {
    const { backend } = newBackend();
    const t = backend.getStateTable(COUNT);
    const model = new Map<Key, number>();
    const put = (k: Key, v: number) => {
      t.put(k, VOID_NAMESPACE, v);
      model.set(k, v);
    };
    const remove = (k: Key) => {
      t.remove(k, VOID_NAMESPACE);
      model.delete(k);
    };
    for (let i = 0; i < 500; i++) put(i, i);
    const s1 = backend.snapshot(1);
    const e1 = modelOf('count', model);
    for (let i = 0; i < 500; i += 2) put(i, i * 10);
    for (let i = 1; i < 100; i += 2) remove(i);
    put('x', 1);
    s1.materializeStep(100);
    const s2 = backend.snapshot(2);
    const e2 = modelOf('count', model);
    expect(backend.snapshotsInFlight()).toBe(2);
    let i = 0;
    for (;;) {
      const d1 = s1.materializeStep(23);
      const d2 = s2.materializeStep(31);
      put(i % 500, -i);
      remove((i * 7) % 500);
      put(`y${i}`, i);
      put((i * 11) % 500, i);
      i++;
      if (d1 && d2) break;
    }
    expectSnapshot(s1.result(), e1);
    expectSnapshot(s2.result(), e2);
    expect(backend.tableOf('count')!.activeOverlays()).toBe(0);
    for (const [k, v] of model) expect(t.get(k, VOID_NAMESPACE)).toBe(v);
    expect(t.size()).toBe(model.size);
  });

  it('handles namespaces: removeNamespace, new namespaces and re-created ones during a snapshot', () => {
    const { backend } = newBackend();
    const t = backend.getStateTable(new ValueStateDescriptor<number>('win'));
    const expected = new Map<string, unknown>();
    for (let w = 0; w < 10; w++) {
      for (let k = 0; k < 20; k++) {
        t.put(`k${k}`, w * 1000, w + k);
        expected.set(entryId('win', `k${k}`, w * 1000), w + k);
      }
    }
    const snap = backend.snapshot(3);
    t.removeNamespace(0); // not yet visited
    t.put('k1', 0, 777); // re-created after removal
    t.put('kx', 0, 778);
    t.put('k5', 50_000, 1); // a new window
    snap.materializeStep(25); // somewhere inside namespace 1000
    t.removeNamespace(1000); // being visited
    t.put('k3', 1000, -1);
    t.remove('k4', 9000);
    t.put('k4', 9000, 9);
    t.removeNamespace(9000);
    t.put('k4', 9000, 10);
    drain(snap, 7, () => t.put('k0', 2000, -2));
    expectSnapshot(snap.result(), expected);
    expect(t.get('k1', 0)).toBe(777);
    expect(t.get('k3', 1000)).toBe(-1);
    expect([...t.keysOf(1000)]).toEqual(['k3']);
    expect(t.get('k4', 9000)).toBe(10);
    expect([...t.namespaces()].sort((a, b) => Number(a) - Number(b))).toEqual([
      0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000, 50_000,
    ]);
    expect(t.size()).toBe(2 + 1 + 20 * 7 + 1 + 1);
  });

  it('release() drops the overlay and purges tombstones', () => {
    const { backend } = newBackend();
    const t = backend.getStateTable(COUNT);
    for (let i = 0; i < 100; i++) t.put(i, VOID_NAMESPACE, i);
    const snap = backend.snapshot(1);
    for (let i = 0; i < 100; i++) t.remove(i, VOID_NAMESPACE);
    t.put('w', 5, 1);
    t.removeNamespace(5);
    expect(t.size()).toBe(0);
    expect([...t.namespaces()]).toEqual([]);
    expect(backend.numKeys()).toBe(0);
    snap.materializeStep(10);
    snap.release();
    expect(backend.tableOf('count')!.activeOverlays()).toBe(0);
    expect(backend.snapshotsInFlight()).toBe(0);
    expect(() => snap.result()).toThrow(/released/);
    t.put(1, VOID_NAMESPACE, 1);
    expect([...t.keysOf(VOID_NAMESPACE)]).toEqual([1]);
    expect(t.size()).toBe(1);
  });

  it('round-trips through JSON for every kind of state', () => {
    const { backend, clock } = newBackend();
    const v = backend.getOrCreateKeyedState(new ValueStateDescriptor<{ a: number }>('v'));
    const l = backend.getOrCreateKeyedState(new ListStateDescriptor<string>('l', { ttl: { ttlMs: 1000 } }));
    const m = backend.getOrCreateKeyedState(new MapStateDescriptor<number, string>('m'));
    for (const k of ['x', 'y', 42, true, null] as Key[]) {
      backend.setCurrentKey(k);
      v.update({ a: 1 });
      l.add(`${k}`);
      m.put(1, 'one');
      m.put(2, 'two');
    }
    const data = JSON.parse(JSON.stringify(backend.snapshot(1).result())) as KeyedStateSnapshotData;
    const { backend: b2 } = newBackend({ clock });
    b2.restore([data]);
    const v2 = b2.getOrCreateKeyedState(new ValueStateDescriptor<{ a: number }>('v'));
    const l2 = b2.getOrCreateKeyedState(new ListStateDescriptor<string>('l', { ttl: { ttlMs: 1000 } }));
    const m2 = b2.getOrCreateKeyedState(new MapStateDescriptor<number, string>('m'));
    for (const k of ['x', 'y', 42, true, null] as Key[]) {
      b2.setCurrentKey(k);
      expect(v2.value()).toEqual({ a: 1 });
      expect([...l2.get()]).toEqual([`${k}`]);
      expect([...m2.entries()]).toEqual([
        [1, 'one'],
        [2, 'two'],
      ]);
    }
    expect(sortedEntries(flatten(b2.snapshot(2).result()))).toEqual(sortedEntries(flatten(data)));
    // TTL timestamps survive the restore
    clock.advance(1000);
    b2.setCurrentKey('x');
    expect([...l2.get()]).toEqual([]);
  });

  it('converts restored values when the TTL setting changed', () => {
    const { backend, clock } = newBackend();
    const withTtl = backend.getOrCreateKeyedState(
      new ValueStateDescriptor<number>('v', { ttl: { ttlMs: 100 } }),
    );
    backend.setCurrentKey('k');
    withTtl.update(5);
    const data = backend.snapshot(1).result();
    const { backend: b2 } = newBackend({ clock });
    b2.restore([data]);
    expect(b2.getKeyView('k')).toEqual({ v: 5 });
    const plain = b2.getOrCreateKeyedState(new ValueStateDescriptor<number>('v'));
    b2.setCurrentKey('k');
    expect(plain.value()).toBe(5);
    clock.advance(1000);
    expect(plain.value()).toBe(5);
    const b3 = newBackend({ clock }).backend;
    b3.restore([b2.snapshot(2).result()]);
    const ttl3 = b3.getOrCreateKeyedState(new ValueStateDescriptor<number>('v', { ttl: { ttlMs: 100 } }));
    b3.setCurrentKey('k');
    expect(ttl3.value()).toBe(5);
    clock.advance(100);
    expect(ttl3.value()).toBeUndefined();
  });

  it('restores a value state into an aggregating state of the same name (one value per key either way)', () => {
    const { backend } = newBackend();
    backend.getStateTable(new ValueStateDescriptor<number>('window-contents')).put('a', 10, 3);
    const data = backend.snapshot(1).result();
    const count = new AggregatingStateDescriptor<unknown, number, number>('window-contents', {
      createAccumulator: () => 0,
      add: (_v, acc) => acc + 1,
      getResult: (acc) => acc,
      merge: (a, b) => a + b,
    });
    // Opened first (the descriptor registered), then restored — as an operator is.
    const b2 = newBackend().backend;
    const s = b2.getPartitionedState(10, count);
    b2.restore([data]);
    b2.setCurrentKey('a');
    s.add('row');
    expect(s.get()).toBe(4);
    expect(
      b2
        .snapshot(2)
        .result()
        .states.map((st) => [st.name, st.kind]),
    ).toEqual([['window-contents', 'aggregating']]);
    // Restored first, claimed later.
    const b3 = newBackend().backend;
    b3.restore([data]);
    b3.setCurrentKey('a');
    expect(b3.getPartitionedState(10, count).get()).toBe(3);
  });

  it('rejects a restore with another maxParallelism or kind', () => {
    const { backend } = newBackend({ maxParallelism: 128 });
    backend.getStateTable(COUNT).put('a', VOID_NAMESPACE, 1);
    const data = backend.snapshot(1).result();
    expect(() => newBackend({ maxParallelism: 256 }).backend.restore([data])).toThrowError(
      expect.objectContaining({ code: 'STATE_MAX_PARALLELISM_MISMATCH' }),
    );
    const b2 = newBackend().backend;
    b2.getOrCreateKeyedState(new ListStateDescriptor<number>('count'));
    expect(() => b2.restore([data])).toThrowError(expect.objectContaining({ code: 'STATE_KIND_MISMATCH' }));
  });
});

describe('restore with rescaling', () => {
  const MAX_P = 128;

  function subtaskBackends(parallelism: number): HeapKeyedStateBackend[] {
    return Array.from(
      { length: parallelism },
      (_, i) =>
        newBackend({
          maxParallelism: MAX_P,
          range: KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(MAX_P, parallelism, i),
        }).backend,
    );
  }

  function populate(backends: HeapKeyedStateBackend[], keys: Key[]): void {
    for (const k of keys) {
      const i = KeyGroupRangeAssignment.assignKeyToParallelOperator(k, MAX_P, backends.length);
      const b = backends[i]!;
      expect(b.keyGroupRange.contains(KeyGroupRangeAssignment.assignToKeyGroup(k, MAX_P))).toBe(true);
      b.setCurrentKey(k);
      b.getOrCreateKeyedState(COUNT).update(String(k).length);
      b.getPartitionedState(7, new ListStateDescriptor<string>('win')).add(`v-${String(k)}`);
    }
  }

  const keys: Key[] = [
    ...Array.from({ length: 2000 }, (_, i) => `user-${i}`),
    1,
    2,
    3,
    -9,
    2 ** 40,
    true,
    null,
  ];

  it.each([
    [4, 1],
    [4, 3],
    [3, 4],
    [2, 7],
  ])('rescales %i → %i: every key lands exactly once, in the subtask owning its key group', (from, to) => {
    const old = subtaskBackends(from);
    populate(old, keys);
    const snapshots = old.map((b, i) => {
      const s = b.snapshot(i);
      drain(s, 100);
      return s.result();
    });
    const restored = subtaskBackends(to);
    for (const b of restored) b.restore(snapshots);
    const seen = new Map<Key, number>();
    restored.forEach((b, i) => {
      const count = b.getOrCreateKeyedState(COUNT);
      const win = b.getPartitionedState(7, new ListStateDescriptor<string>('win'));
      for (const { key } of b.listKeys({ limit: 100_000 }).entries) {
        expect(seen.has(key)).toBe(false);
        seen.set(key, i);
        expect(KeyGroupRangeAssignment.assignKeyToParallelOperator(key, MAX_P, to)).toBe(i);
        b.setCurrentKey(key);
        count.setCurrentNamespace(VOID_NAMESPACE);
        expect(count.value()).toBe(String(key).length);
        expect([...win.get()]).toEqual([`v-${String(key)}`]);
      }
    });
    expect(seen.size).toBe(keys.length);
    expect(restored.reduce((n, b) => n + b.numKeys(), 0)).toBe(keys.length);
  });
});

describe('per-entry copy-on-write (an entry is copied only if written before the snapshot passed it)', () => {
  const ACC = new ValueStateDescriptor<number[]>('acc');

  function filled(n: number) {
    const { backend } = newBackend();
    const t = backend.getStateTable(ACC);
    for (let i = 0; i < n; i++) t.put(`k${i}`, VOID_NAMESPACE, [i, i * 10]);
    return { backend, t, table: backend.tableOf('acc')! };
  }

  const snapshotOf = (data: KeyedStateSnapshotData) => {
    const out = new Map<string, unknown>();
    for (const [id, v] of flatten(data)) out.set(JSON.parse(id)[1] as string, v);
    return out;
  };

  for (const mode of ['materializeStep', 'encodeStep'] as const) {
    it(`a write during a running snapshot is not seen by it (${mode})`, () => {
      const { backend, t, table } = filled(10);
      const snap = backend.snapshot(1);
      t.getForUpdate('k3', VOID_NAMESPACE)![0] = 300; // in place
      t.put('k5', VOID_NAMESPACE, [500, 5000]);
      t.remove('k7', VOID_NAMESPACE);
      t.put('new', VOID_NAMESPACE, [1, 1]);
      expect(table.copies).toBe(3); // k3, k5, k7: one copy each; 'new' did not exist
      while (!snap[mode]!(4)) t.getForUpdate('k3', VOID_NAMESPACE)![1]! += 1;
      const got = snapshotOf(snap.result());
      expect(got.size).toBe(10);
      for (let i = 0; i < 10; i++) expect(got.get(`k${i}`)).toEqual([i, i * 10]);
      expect(got.has('new')).toBe(false);
      expect(table.copies).toBe(3); // k3 again: already saved
      // the live state
      expect(t.get('k3', VOID_NAMESPACE)![0]).toBe(300);
      expect(t.get('k5', VOID_NAMESPACE)).toEqual([500, 5000]);
      expect(t.get('k7', VOID_NAMESPACE)).toBeUndefined();
      expect(t.get('new', VOID_NAMESPACE)).toEqual([1, 1]);
      expect(t.size()).toBe(10);
      expect(table.activeOverlays()).toBe(0);
    });
  }

  it('does not copy keys the snapshot has passed, nor keys added after it began', () => {
    const { backend, t, table } = filled(100);
    const snap = backend.snapshot(1);
    // step budget: 1 for entering the namespace, then one per slot → slots 0..49 passed
    expect(snap.encodeStep!(51)).toBe(false);
    for (let i = 0; i < 50; i++) t.getForUpdate(`k${i}`, VOID_NAMESPACE)![0] = -1;
    for (let i = 0; i < 50; i++) t.put(`k${i}`, VOID_NAMESPACE, [-2, -2]);
    expect(table.copies).toBe(0);
    for (let i = 0; i < 20; i++) t.put(`added${i}`, VOID_NAMESPACE, [i, i]);
    expect(table.copies).toBe(0);
    for (let i = 50; i < 100; i++) t.getForUpdate(`k${i}`, VOID_NAMESPACE)![0] = -3;
    expect(table.copies).toBe(50);
    for (let i = 50; i < 100; i++) t.put(`k${i}`, VOID_NAMESPACE, [-4, -4]);
    expect(table.copies).toBe(50); // each entry is copied once
    const got = snapshotOf(snap.result());
    expect(got.size).toBe(100);
    for (let i = 0; i < 100; i++) expect(got.get(`k${i}`)).toEqual([i, i * 10]);
    // once the snapshot is done, writes copy nothing
    t.put('k1', VOID_NAMESPACE, [7, 7]);
    t.getForUpdate('k99', VOID_NAMESPACE);
    expect(table.copies).toBe(50);
    expect(t.size()).toBe(120);
  });

  it('copies for the overlapping snapshot that has not passed an entry, once for both', () => {
    const { backend, t, table } = filled(10);
    const s1 = backend.snapshot(1);
    expect(s1.encodeStep!(6)).toBe(false); // s1 passed k0..k4
    t.put('k2', VOID_NAMESPACE, [222, 222]); // passed by s1: no copy
    expect(table.copies).toBe(0);
    const s2 = backend.snapshot(2); // sees k2 = [222, 222]
    t.put('k1', VOID_NAMESPACE, [111, 111]); // s2 has not passed it: 1 copy
    t.put('k8', VOID_NAMESPACE, [888, 888]); // neither has: 1 copy shared by both
    expect(table.copies).toBe(2);
    const r1 = snapshotOf(s1.result());
    t.put('k9', VOID_NAMESPACE, [999, 999]); // s1 done, s2 not passed: 1 copy
    expect(table.copies).toBe(3);
    const r2 = snapshotOf(s2.result());
    for (let i = 0; i < 10; i++) {
      expect(r1.get(`k${i}`)).toEqual([i, i * 10]);
      expect(r2.get(`k${i}`)).toEqual(i === 2 ? [222, 222] : [i, i * 10]);
    }
    expect(t.get('k1', VOID_NAMESPACE)).toEqual([111, 111]);
    expect(t.get('k9', VOID_NAMESPACE)).toEqual([999, 999]);
  });

  it('a key removed and written again during a snapshot: the snapshot keeps the old value, the table the new one at the end', () => {
    const { backend, t, table } = filled(5);
    const snap = backend.snapshot(1);
    t.remove('k1', VOID_NAMESPACE);
    t.put('k1', VOID_NAMESPACE, [-1, -1]);
    expect(table.copies).toBe(1);
    expect(snapshotOf(snap.result()).get('k1')).toEqual([1, 10]);
    expect([...t.keysOf(VOID_NAMESPACE)]).toEqual(['k0', 'k2', 'k3', 'k4', 'k1']);
    expect(t.get('k1', VOID_NAMESPACE)).toEqual([-1, -1]);
  });

  it('removing most keys compacts the slots and keeps the order keys entered', () => {
    const { t } = filled(1000);
    for (let i = 0; i < 1000; i++) if (i % 4 !== 3) t.remove(`k${i}`, VOID_NAMESPACE);
    const keys = [...t.keysOf(VOID_NAMESPACE)];
    expect(keys).toHaveLength(250);
    expect(keys.slice(0, 3)).toEqual(['k3', 'k7', 'k11']);
    expect(keys.at(-1)).toBe('k999');
    t.put('k0', VOID_NAMESPACE, [0, 0]);
    expect([...t.keysOf(VOID_NAMESPACE)].at(-1)).toBe('k0');
    for (let i = 3; i < 1000; i += 4) expect(t.get(`k${i}`, VOID_NAMESPACE)).toEqual([i, i * 10]);
    expect(t.size()).toBe(251);
  });
});

describe('encoding snapshots (the checkpoint path)', () => {
  const ACC = new ValueStateDescriptor<number[]>('acc');
  const encodeAll = (
    s: ReturnType<HeapKeyedStateBackend['snapshot']>,
    budget: number,
    between = () => {},
  ) => {
    while (!s.encodeStep!(budget)) between();
    return s;
  };
  const firstBuffer = (s: ReturnType<HeapKeyedStateBackend['snapshot']>) =>
    s.encoded!().states[0]!.byKeyGroup[0]![1].bytes.buffer;

  it('encodes an entry about to be written before the snapshot reached it, instead of copying it', () => {
    const { backend } = newBackend();
    const t = backend.getStateTable(ACC);
    for (let i = 0; i < 1000; i++) t.put(i, VOID_NAMESPACE, [i, 0]);
    const expected = modelOf('acc', new Map(Array.from({ length: 1000 }, (_, i) => [i, [i, 0]])));
    const snap = backend.snapshot(1, { encode: true });
    let round = 0;
    encodeAll(snap, 100, () => {
      round++;
      // in place, as an aggregate updates its accumulator: every key, passed or not
      for (let i = 0; i < 1000; i++) (t.getForUpdate(i, VOID_NAMESPACE) as number[])[1] = round;
    });
    expect(round).toBe(10);
    expect(backend.tableOf('acc')!.copies).toBe(0);
    expectSnapshot(snap.result(), expected);
    expect(t.get(999, VOID_NAMESPACE)).toEqual([999, 10]);
  });

  it('a released snapshot hands its block buffers to the next one; overlapping snapshots get their own', () => {
    const { backend } = newBackend({ maxParallelism: 4 });
    const t = backend.getStateTable(ACC);
    for (let i = 0; i < 400; i++) t.put(i, VOID_NAMESPACE, [i, 1]);
    const s1 = encodeAll(backend.snapshot(1, { encode: true }), 64);
    const buffer = firstBuffer(s1);
    s1.release();
    for (let i = 0; i < 400; i += 2) t.put(i, VOID_NAMESPACE, [i, 2]);
    const s2 = backend.snapshot(2, { encode: true });
    const s3 = backend.snapshot(3, { encode: true });
    const expected = modelOf(
      'acc',
      new Map(Array.from({ length: 400 }, (_, i) => [i, [i, i % 2 === 0 ? 2 : 1]])),
    );
    encodeAll(s2, 50, () => t.put(1, VOID_NAMESPACE, [1, 3]));
    encodeAll(s3, 50);
    expect(firstBuffer(s2)).toBe(buffer);
    expect(firstBuffer(s3)).not.toBe(buffer);
    // both began before key 1 was written: both keep [1, 1] (s3 encoded it when the write came)
    expectSnapshot(s2.result(), expected);
    expectSnapshot(s3.result(), expected);
    expect(t.get(1, VOID_NAMESPACE)).toEqual([1, 3]);
  });
});
