import { describe, expect, it } from 'vitest';
import {
  type Key,
  ListStateDescriptor,
  MapStateDescriptor,
  ValueStateDescriptor,
  VOID_NAMESPACE,
} from './index';
import { newBackend } from './test-support';

function allPages(
  backend: ReturnType<typeof newBackend>['backend'],
  opts: { prefix?: string; stateName?: string; limit: number },
): Key[] {
  const keys: Key[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 10_000; guard++) {
    const page = backend.listKeys({ ...opts, cursor });
    expect(page.entries.length).toBeLessThanOrEqual(opts.limit);
    keys.push(...page.entries.map((e) => e.key));
    if (page.nextCursor === undefined) return keys;
    cursor = page.nextCursor;
  }
  throw new Error('no end');
}

describe('listKeys', () => {
  it('pages through all keys in string order with a cursor', () => {
    const { backend } = newBackend();
    const count = backend.getOrCreateKeyedState(new ValueStateDescriptor<number>('count'));
    const keys: Key[] = [];
    for (let i = 0; i < 95; i++) keys.push(`key-${String(i).padStart(3, '0')}`);
    keys.push(7, '7', true, null, 'true');
    for (const k of keys) {
      backend.setCurrentKey(k);
      count.update(1);
    }
    const listed = allPages(backend, { limit: 10 });
    expect(listed.length).toBe(keys.length);
    expect(new Set(listed).size).toBe(keys.length);
    const strings = listed.map(String);
    expect(strings).toEqual([...strings].sort());
    // equal string forms are ordered by type: string, number, boolean, null
    expect(listed.indexOf('7')).toBe(listed.indexOf(7) - 1);
    expect(listed.indexOf('true')).toBe(listed.indexOf(true) - 1);
    const first = backend.listKeys({ limit: 3 });
    expect(first.entries.map((e) => e.value)).toEqual([{ count: 1 }, { count: 1 }, { count: 1 }]);
  });

  it('filters by prefix of the string form', () => {
    const { backend } = newBackend();
    const t = backend.getStateTable(new ValueStateDescriptor<number>('c'));
    for (let i = 0; i < 50; i++) t.put(`user-${i}`, VOID_NAMESPACE, i);
    for (let i = 0; i < 50; i++) t.put(`item-${i}`, VOID_NAMESPACE, i);
    t.put(123, VOID_NAMESPACE, 1);
    t.put(12, VOID_NAMESPACE, 1);
    expect(allPages(backend, { prefix: 'user-1', limit: 4 })).toEqual([
      'user-1',
      'user-10',
      'user-11',
      'user-12',
      'user-13',
      'user-14',
      'user-15',
      'user-16',
      'user-17',
      'user-18',
      'user-19',
    ]);
    expect(allPages(backend, { prefix: '12', limit: 1 })).toEqual([12, 123]);
    expect(backend.listKeys({ prefix: 'nope', limit: 5 })).toEqual({ entries: [] });
  });

  it('keeps its cursor valid across concurrent inserts and deletes', () => {
    const { backend } = newBackend();
    const t = backend.getStateTable(new ValueStateDescriptor<number>('c'));
    for (const k of ['b', 'd', 'f', 'h']) t.put(k, VOID_NAMESPACE, 1);
    const p1 = backend.listKeys({ limit: 2 });
    expect(p1.entries.map((e) => e.key)).toEqual(['b', 'd']);
    t.put('a', VOID_NAMESPACE, 1); // before the cursor: not shown
    t.put('e', VOID_NAMESPACE, 1); // after: shown
    t.remove('d', VOID_NAMESPACE); // the cursor key itself disappears
    const p2 = backend.listKeys({ limit: 2, cursor: p1.nextCursor });
    expect(p2.entries.map((e) => e.key)).toEqual(['e', 'f']);
    const p3 = backend.listKeys({ limit: 2, cursor: p2.nextCursor });
    expect(p3.entries.map((e) => e.key)).toEqual(['h']);
    expect(p3.nextCursor).toBeUndefined();
  });

  it('filters by state name and renders values JSON-friendly by namespace', () => {
    const { backend } = newBackend();
    const v = backend.getOrCreateKeyedState(new ValueStateDescriptor<number>('v'));
    const m = backend.getOrCreateKeyedState(new MapStateDescriptor<string, number>('m'));
    const l = backend.getOrCreateKeyedState(new ListStateDescriptor<number>('l'));
    backend.setCurrentKey('a');
    v.update(1);
    m.put('x', 1);
    backend.setCurrentKey('b');
    v.update(2);
    l.setCurrentNamespace(1000);
    l.add(5);
    l.setCurrentNamespace(2000);
    l.add(6);
    expect(backend.listKeys({ stateName: 'm', limit: 10 }).entries.map((e) => e.key)).toEqual(['a']);
    expect(backend.listKeys({ stateName: 'l', limit: 10 }).entries.map((e) => e.key)).toEqual(['b']);
    expect(backend.getKeyView('a')).toEqual({ v: 1, m: { x: 1 } });
    expect(backend.getKeyView('b')).toEqual({ v: 2, l: { '1000': [5], '2000': [6] } });
    expect(backend.getKeyView('zzz')).toBeUndefined();
    expect(JSON.parse(JSON.stringify(backend.listKeys({ limit: 10 })))).toEqual(
      backend.listKeys({ limit: 10 }),
    );
    expect(backend.numKeys()).toBe(2);
  });

  it('counts distinct keys across states and namespaces', () => {
    const { backend } = newBackend();
    const t = backend.getStateTable(new ValueStateDescriptor<number>('a'));
    const u = backend.getStateTable(new ValueStateDescriptor<number>('b'));
    for (let i = 0; i < 10; i++) t.put(i, VOID_NAMESPACE, i);
    expect(backend.numKeys()).toBe(10);
    for (let i = 5; i < 15; i++) u.put(i, 1, i);
    for (let i = 5; i < 15; i++) u.put(i, 2, i);
    expect(backend.numKeys()).toBe(15);
    u.removeNamespace(1);
    u.removeNamespace(2);
    expect(backend.numKeys()).toBe(10);
  });
});

describe('change tracking', () => {
  it('records written keys only while enabled, and drains them', () => {
    const { backend } = newBackend();
    const v = backend.getOrCreateKeyedState(new ValueStateDescriptor<number>('v'));
    const t = backend.getStateTable(new ValueStateDescriptor<number>('t'));
    backend.setCurrentKey('before');
    v.update(1);
    backend.setChangeTracking(true);
    backend.setCurrentKey('a');
    v.update(1);
    v.value(); // reads do not mark
    backend.setCurrentKey('before');
    v.value();
    t.put('b', 1, 1);
    t.getForUpdate('b', 1);
    t.put('c', 2, 1);
    t.removeNamespace(2);
    t.remove('missing', 1);
    expect(backend.drainChanges(10)).toEqual({ keys: ['a', 'b', 'c'], dropped: 0 });
    expect(backend.drainChanges(10)).toEqual({ keys: [], dropped: 0 });
    for (let i = 0; i < 5; i++) t.put(i, VOID_NAMESPACE, i);
    expect(backend.drainChanges(2)).toEqual({ keys: [0, 1], dropped: 3 });
    backend.setChangeTracking(false);
    t.put('x', VOID_NAMESPACE, 1);
    expect(backend.drainChanges(10)).toEqual({ keys: [], dropped: 0 });
  });
});
