import { describe, expect, it } from 'vitest';
import {
  type AggregateFunction,
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateBackendError,
  ValueStateDescriptor,
  VOID_NAMESPACE,
} from './index';
import { entryTriples, newBackend } from './test-support';

const countFn: AggregateFunction<number, { n: number; sum: number }, number> = {
  createAccumulator: () => ({ n: 0, sum: 0 }),
  add: (v, acc) => {
    acc.n++;
    acc.sum += v;
    return acc;
  },
  getResult: (acc) => acc.sum / acc.n,
  merge: (a, b) => ({ n: a.n + b.n, sum: a.sum + b.sum }),
};

describe('ValueState', () => {
  it('is per key and per namespace, with default value', () => {
    const { backend } = newBackend();
    const d = new ValueStateDescriptor<number>('count', { defaultValue: 0 });
    const s = backend.getPartitionedState(VOID_NAMESPACE, d);
    backend.setCurrentKey('a');
    expect(s.value()).toBe(0);
    s.update(1);
    backend.setCurrentKey('b');
    expect(s.value()).toBe(0);
    s.update(5);
    backend.setCurrentKey('a');
    expect(s.value()).toBe(1);
    s.setCurrentNamespace(100);
    expect(s.value()).toBe(0);
    s.update(7);
    expect(backend.getPartitionedState(100, d).value()).toBe(7);
    expect(backend.getPartitionedState(VOID_NAMESPACE, d).value()).toBe(1);
    // the state object is shared: the call above moved it back to the void namespace
    s.update(undefined);
    expect(s.value()).toBe(0);
    expect(backend.numKeys()).toBe(2);
    s.setCurrentNamespace(100);
    s.clear();
    expect(s.value()).toBe(0);
    expect(backend.numKeys()).toBe(1);
  });

  it('returns the same state object per descriptor name', () => {
    const { backend } = newBackend();
    const d = new ValueStateDescriptor<string>('v');
    expect(backend.getOrCreateKeyedState(d)).toBe(backend.getPartitionedState(VOID_NAMESPACE, d));
    expect(backend.getOrCreateKeyedState(new ValueStateDescriptor<string>('v'))).toBe(
      backend.getOrCreateKeyedState(d),
    );
  });

  it('rejects a name reused with another kind', () => {
    const { backend } = newBackend();
    backend.getOrCreateKeyedState(new ValueStateDescriptor<string>('x'));
    expect(() => backend.getOrCreateKeyedState(new ListStateDescriptor<string>('x'))).toThrowError(
      expect.objectContaining({ code: 'STATE_KIND_MISMATCH' }),
    );
    expect(() =>
      backend.getOrCreateKeyedState(new ValueStateDescriptor<string>('x', { ttl: { ttlMs: 5 } })),
    ).toThrow(StateBackendError);
  });

  it('copies an object default value', () => {
    const { backend } = newBackend();
    const s = backend.getOrCreateKeyedState(new ValueStateDescriptor('o', { defaultValue: { n: 0 } }));
    backend.setCurrentKey(1);
    const v = s.value()!;
    v.n = 42;
    expect(s.value()).toEqual({ n: 0 });
  });
});

describe('ListState', () => {
  it('adds, updates, clears', () => {
    const { backend } = newBackend();
    const s = backend.getOrCreateKeyedState(new ListStateDescriptor<string>('l'));
    backend.setCurrentKey('k');
    expect([...s.get()]).toEqual([]);
    s.add('a');
    s.addAll(['b', 'c']);
    s.addAll([]);
    expect([...s.get()]).toEqual(['a', 'b', 'c']);
    const input = ['x', 'y'];
    s.update(input);
    input.push('z');
    expect([...s.get()]).toEqual(['x', 'y']);
    s.update([]);
    expect([...s.get()]).toEqual([]);
    expect(backend.numKeys()).toBe(0);
    expect(() => s.add(undefined as unknown as string)).toThrow(StateBackendError);
  });

  it('merges namespaces: target first, then sources in order', () => {
    const { backend } = newBackend();
    const s = backend.getOrCreateKeyedState(new ListStateDescriptor<number>('l'));
    backend.setCurrentKey('k');
    s.setCurrentNamespace(1);
    s.add(1);
    s.setCurrentNamespace(2);
    s.add(2);
    s.setCurrentNamespace(3);
    s.add(3);
    s.mergeNamespaces(3, [1, 2]);
    expect([...s.get()]).toEqual([3, 1, 2]);
    s.setCurrentNamespace(1);
    expect([...s.get()]).toEqual([]);
  });
});

describe('MapState', () => {
  it('supports the map operations', () => {
    const { backend } = newBackend();
    const s = backend.getOrCreateKeyedState(new MapStateDescriptor<string, number>('m'));
    backend.setCurrentKey('k');
    expect(s.isEmpty()).toBe(true);
    s.put('a', 1);
    s.putAll(
      new Map([
        ['b', 2],
        ['c', 3],
      ]),
    );
    s.putAll([['d', 4]]);
    expect(s.get('a')).toBe(1);
    expect(s.contains('b')).toBe(true);
    expect(s.contains('z')).toBe(false);
    expect([...s.keys()]).toEqual(['a', 'b', 'c', 'd']);
    expect([...s.values()]).toEqual([1, 2, 3, 4]);
    expect([...s.entries()]).toEqual([
      ['a', 1],
      ['b', 2],
      ['c', 3],
      ['d', 4],
    ]);
    s.remove('a');
    s.remove('zz');
    expect(s.get('a')).toBeUndefined();
    expect(s.isEmpty()).toBe(false);
    backend.setCurrentKey('other');
    expect(s.isEmpty()).toBe(true);
    backend.setCurrentKey('k');
    for (const k of ['b', 'c', 'd']) s.remove(k);
    expect(s.isEmpty()).toBe(true);
    expect(backend.numKeys()).toBe(0);
    s.put('x', 9);
    s.clear();
    expect(s.get('x')).toBeUndefined();
  });
});

describe('ReducingState', () => {
  it('reduces and merges', () => {
    const { backend } = newBackend();
    const s = backend.getOrCreateKeyedState(new ReducingStateDescriptor<number>('sum', (a, b) => a + b));
    backend.setCurrentKey('k');
    expect(s.get()).toBeUndefined();
    s.add(1);
    s.add(2);
    expect(s.get()).toBe(3);
    s.setCurrentNamespace('w1');
    s.add(10);
    s.setCurrentNamespace('w2');
    s.add(20);
    s.mergeNamespaces(VOID_NAMESPACE, ['w1', 'w2']);
    s.setCurrentNamespace(VOID_NAMESPACE);
    expect(s.get()).toBe(33);
    s.clear();
    expect(s.get()).toBeUndefined();
  });
});

describe('AggregatingState', () => {
  it('aggregates with a mutable accumulator and merges', () => {
    const { backend } = newBackend();
    const s = backend.getOrCreateKeyedState(new AggregatingStateDescriptor('avg', countFn));
    backend.setCurrentKey('k');
    expect(s.get()).toBeUndefined();
    s.add(2);
    s.add(4);
    expect(s.get()).toBe(3);
    s.setCurrentNamespace(1);
    s.add(9);
    s.mergeNamespaces(VOID_NAMESPACE, [1]);
    s.setCurrentNamespace(VOID_NAMESPACE);
    expect(s.get()).toBe(5);
  });

  it('counts with a number accumulator', () => {
    const { backend } = newBackend();
    const s = backend.getOrCreateKeyedState(
      new AggregatingStateDescriptor<unknown, number, number>('count', {
        createAccumulator: () => 0,
        add: (_v, acc) => acc + 1,
        getResult: (acc) => acc,
        merge: (a, b) => a + b,
      }),
    );
    for (let i = 0; i < 100; i++) {
      backend.setCurrentKey(`key-${i % 10}`);
      s.add(i);
    }
    backend.setCurrentKey('key-3');
    expect(s.get()).toBe(10);
    expect(backend.numKeys()).toBe(10);
  });
});

describe('internal access of the state objects (what the operators use)', () => {
  const sumFn: AggregateFunction<number, number[], number> = {
    createAccumulator: () => [0, 0],
    add: (v, acc) => {
      acc[0]! += v;
      acc[1]! += 1;
      return acc;
    },
    getResult: (acc) => acc[0]!,
    merge: (a, b) => [a[0]! + b[0]!, a[1]! + b[1]!],
  };

  it('getInternal hands out the stored accumulator for an update in place; updateInternal replaces it', () => {
    const { backend } = newBackend();
    const s = backend.getPartitionedState(VOID_NAMESPACE, new AggregatingStateDescriptor('sum', sumFn));
    backend.setCurrentKey('k');
    expect(s.getInternal()).toBeUndefined();
    s.add(5);
    const acc = s.getInternal()!;
    expect(acc).toEqual([5, 1]);
    acc[0] = 40;
    expect(s.get()).toBe(40);
    s.updateInternal([7, 3]);
    expect(s.getInternal()).toEqual([7, 3]);
    expect(s.get()).toBe(7);
    s.updateInternal(undefined);
    expect(s.get()).toBeUndefined();
    expect(backend.numKeys()).toBe(0);
  });

  it('add and getInternal mark the key changed, also when the accumulator changes in place', () => {
    const { backend } = newBackend();
    const s = backend.getPartitionedState(VOID_NAMESPACE, new AggregatingStateDescriptor('sum', sumFn));
    backend.setCurrentKey('a');
    s.add(1);
    backend.setChangeTracking(true);
    s.add(2); // in place: no put
    backend.setCurrentKey('b');
    s.getInternal(); // nothing stored: nothing changed
    expect(backend.drainChanges(10)).toEqual({ keys: ['a'], dropped: 0 });
  });

  it("getStateTable is the state's table: a whole namespace (window) at once", () => {
    const { backend } = newBackend();
    const s = backend.getOrCreateKeyedState(new AggregatingStateDescriptor('w', sumFn));
    const t = s.getStateTable();
    for (const [key, ns, v] of [
      ['b', 10, 1],
      ['a', 10, 2],
      ['a', 20, 3],
      ['b', 10, 4],
    ] as const) {
      backend.setCurrentKey(key);
      s.setCurrentNamespace(ns);
      s.add(v);
    }
    const seen: Array<[unknown, unknown]> = [];
    t.forEachIn(10, (k, acc) => seen.push([k, acc]));
    expect(seen).toEqual([
      ['b', [5, 2]],
      ['a', [2, 1]],
    ]);
    expect([...t.namespaces()]).toEqual([10, 20]);
    t.removeNamespace(10);
    backend.setCurrentKey('b');
    s.setCurrentNamespace(10);
    expect(s.get()).toBeUndefined();
    expect(t.size()).toBe(1);
    expect(backend.getStateTable(new AggregatingStateDescriptor('w', sumFn))).toBe(t);
  });

  it('list state: getInternal is the stored array, updateInternal stores one as it is', () => {
    const { backend } = newBackend();
    const s = backend.getPartitionedState(VOID_NAMESPACE, new ListStateDescriptor<number>('l'));
    backend.setCurrentKey('k');
    s.add(1);
    s.getInternal()!.push(2);
    expect([...s.get()]).toEqual([1, 2]);
    const mine = [9];
    s.updateInternal(mine);
    expect(s.getInternal()).toBe(mine);
    s.updateInternal([]);
    expect([...s.get()]).toEqual([]);
  });

  it("with TTL, the table and a list's stored array are not reachable; a value's is", () => {
    const { backend, clock } = newBackend();
    const ttl = { ttlMs: 10 };
    const list = backend.getOrCreateKeyedState(new ListStateDescriptor<number>('tl', { ttl }));
    const agg = backend.getOrCreateKeyedState(new AggregatingStateDescriptor('ta', sumFn, { ttl }));
    backend.setCurrentKey('k');
    for (const f of [() => list.getStateTable(), () => agg.getStateTable(), () => list.getInternal()])
      expect(f).toThrowError(expect.objectContaining({ code: 'STATE_TTL_UNSUPPORTED' }));
    agg.add(3);
    expect(agg.getInternal()).toEqual([3, 1]);
    clock.advance(10);
    expect(agg.getInternal()).toBeUndefined();
  });
});

describe('StateTable (fast path)', () => {
  it('reads and writes by (key, namespace) and iterates namespaces', () => {
    const { backend } = newBackend();
    const t = backend.getStateTable(new ValueStateDescriptor<number>('w'));
    t.put('a', 10, 1);
    t.put('b', 10, 2);
    t.put('a', 20, 3);
    expect(t.get('a', 10)).toBe(1);
    expect(t.get('a', 30)).toBeUndefined();
    expect([...t.namespaces()]).toEqual([10, 20]);
    expect([...t.keysOf(10)]).toEqual(['a', 'b']);
    expect(t.size()).toBe(3);
    t.removeNamespace(10);
    expect([...t.namespaces()]).toEqual([20]);
    expect(t.size()).toBe(1);
    t.remove('a', 20);
    expect(t.size()).toBe(0);
    expect([...t.namespaces()]).toEqual([]);
    // the value state object sees the same data
    t.put('z', VOID_NAMESPACE, 5);
    backend.setCurrentKey('z');
    expect(backend.getOrCreateKeyedState(new ValueStateDescriptor<number>('w')).value()).toBe(5);
  });

  it('getForUpdate hands out the live value', () => {
    const { backend } = newBackend();
    const t = backend.getStateTable(new ValueStateDescriptor<{ n: number }>('o'));
    t.put('a', VOID_NAMESPACE, { n: 1 });
    t.getForUpdate('a', VOID_NAMESPACE)!.n++;
    expect(t.get('a', VOID_NAMESPACE)).toEqual({ n: 2 });
    expect(t.getForUpdate('missing', VOID_NAMESPACE)).toBeUndefined();
  });

  it('is not available for TTL states', () => {
    const { backend } = newBackend();
    expect(() =>
      backend.getStateTable(new ValueStateDescriptor<number>('t', { ttl: { ttlMs: 10 } })),
    ).toThrowError(expect.objectContaining({ code: 'STATE_TTL_UNSUPPORTED' }));
  });
});

describe('TTL (processing time)', () => {
  it('hides expired values and cleans them up on access (OnCreateAndWrite, NeverReturnExpired)', () => {
    const { backend, clock } = newBackend();
    const s = backend.getOrCreateKeyedState(new ValueStateDescriptor<number>('v', { ttl: { ttlMs: 100 } }));
    backend.setCurrentKey('k');
    s.update(1);
    clock.advance(99);
    expect(s.value()).toBe(1);
    clock.advance(1);
    expect(backend.tableOf('v')!.size()).toBe(1);
    expect(s.value()).toBeUndefined();
    expect(backend.tableOf('v')!.size()).toBe(0);
  });

  it('reads do not refresh with OnCreateAndWrite; writes do', () => {
    const { backend, clock } = newBackend();
    const s = backend.getOrCreateKeyedState(new ValueStateDescriptor<number>('v', { ttl: { ttlMs: 100 } }));
    backend.setCurrentKey('k');
    s.update(1);
    clock.advance(60);
    expect(s.value()).toBe(1);
    clock.advance(60);
    expect(s.value()).toBeUndefined();
    s.update(2);
    clock.advance(60);
    s.update(3);
    clock.advance(60);
    expect(s.value()).toBe(3);
  });

  it('OnReadAndWrite refreshes on read', () => {
    const { backend, clock } = newBackend();
    const s = backend.getOrCreateKeyedState(
      new ValueStateDescriptor<number>('v', { ttl: { ttlMs: 100, updateType: 'OnReadAndWrite' } }),
    );
    backend.setCurrentKey('k');
    s.update(1);
    for (let i = 0; i < 5; i++) {
      clock.advance(60);
      expect(s.value()).toBe(1);
    }
    clock.advance(100);
    expect(s.value()).toBeUndefined();
  });

  it('ReturnExpiredIfNotCleanedUp returns the expired value once, then it is gone', () => {
    const { backend, clock } = newBackend();
    const s = backend.getOrCreateKeyedState(
      new ValueStateDescriptor<number>('v', {
        ttl: { ttlMs: 10, visibility: 'ReturnExpiredIfNotCleanedUp' },
      }),
    );
    backend.setCurrentKey('k');
    s.update(7);
    clock.advance(20);
    expect(s.value()).toBe(7);
    expect(s.value()).toBeUndefined();
  });

  it('expires list elements individually', () => {
    const { backend, clock } = newBackend();
    const s = backend.getOrCreateKeyedState(new ListStateDescriptor<string>('l', { ttl: { ttlMs: 100 } }));
    backend.setCurrentKey('k');
    s.add('old');
    clock.advance(50);
    s.add('new');
    clock.advance(60);
    expect([...s.get()]).toEqual(['new']);
    clock.advance(50);
    expect([...s.get()]).toEqual([]);
    expect(backend.numKeys()).toBe(0);
  });

  it('expires map entries individually', () => {
    const { backend, clock } = newBackend();
    const s = backend.getOrCreateKeyedState(
      new MapStateDescriptor<string, number>('m', { ttl: { ttlMs: 100 } }),
    );
    backend.setCurrentKey('k');
    s.put('a', 1);
    clock.advance(50);
    s.put('b', 2);
    clock.advance(60);
    expect(s.get('a')).toBeUndefined();
    expect(s.contains('b')).toBe(true);
    expect([...s.entries()]).toEqual([['b', 2]]);
    expect([...s.keys()]).toEqual(['b']);
    clock.advance(50);
    expect(s.isEmpty()).toBe(true);
  });

  it('treats an expired reducing/aggregating value as absent when adding', () => {
    const { backend, clock } = newBackend();
    const r = backend.getOrCreateKeyedState(
      new ReducingStateDescriptor<number>('r', (a, b) => a + b, { ttl: { ttlMs: 100 } }),
    );
    const a = backend.getOrCreateKeyedState(
      new AggregatingStateDescriptor('a', countFn, { ttl: { ttlMs: 100 } }),
    );
    backend.setCurrentKey('k');
    r.add(5);
    a.add(5);
    clock.advance(100);
    r.add(1);
    a.add(1);
    expect(r.get()).toBe(1);
    expect(a.get()).toBe(1);
  });

  it('is invisible in key views and skipped in snapshots', () => {
    const { backend, clock } = newBackend();
    const s = backend.getOrCreateKeyedState(new ValueStateDescriptor<number>('v', { ttl: { ttlMs: 100 } }));
    backend.setCurrentKey('old');
    s.update(1);
    clock.advance(50);
    backend.setCurrentKey('new');
    s.update(2);
    clock.advance(60);
    expect(backend.getKeyView('old')).toBeUndefined();
    expect(backend.getKeyView('new')).toEqual({ v: 2 });
    const data = backend.snapshot(1).result();
    const entries = data.states[0]!.byKeyGroup.flatMap(([, e]) => entryTriples(e));
    expect(entries).toEqual([['new', VOID_NAMESPACE, { v: 2, ts: 1050 }]]);
    expect(data.states[0]!.ttlMs).toBe(100);
  });
});
