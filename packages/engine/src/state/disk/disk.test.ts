import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../time/clock';
import { ListStateDescriptor, MapStateDescriptor, ValueStateDescriptor } from '../descriptors';
import { HeapKeyedStateBackend } from '../HeapKeyedStateBackend';
import { KeyGroupRange, KeyGroupRangeAssignment } from '../keyGroups';
import { flatten } from '../test-support';
import { VOID_NAMESPACE } from '../types';
import { CacheBudget } from './cacheBudget';
import { DiskKeyedStateBackend } from './DiskKeyedStateBackend';
import { decodeKey, encodeKey, namespaceEnd, nsRange } from './keyLayout';
import { copyStagedRange } from './native';

const dirs: string[] = [];
function stateDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'fs-disk-test-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function disk(opts: { cacheEntries?: number; range?: KeyGroupRange; nativeMinEntries?: number } = {}) {
  const clock = new ManualClock(1_000);
  const b = new DiskKeyedStateBackend({
    maxParallelism: 128,
    keyGroupRange: opts.range ?? KeyGroupRange.of(0, 127),
    nowMs: () => clock.now(),
    stateDir: stateDir(),
    ...(opts.cacheEntries !== undefined ? { cacheEntries: opts.cacheEntries } : {}),
    ...(opts.nativeMinEntries !== undefined ? { nativeMinEntries: opts.nativeMinEntries } : {}),
  });
  return b;
}

describe('key layout', () => {
  it('is key group (u16 BE), then namespace, then key — exact bytes', () => {
    expect(encodeKey(5, VOID_NAMESPACE, 'ab').toString('hex')).toBe(
      // kg 0005 | ns tag 01, len 00000008, '__void__' | key tag 01, 'ab'
      `00050100000008${Buffer.from('__void__').toString('hex')}016162`,
    );
    expect(encodeKey(300, 1700000010000, 7).toString('hex')).toBe(
      `012c` + `02` + '4278bcfe58f10000' + `02` + '401c000000000000',
    );
    expect(encodeKey(0, 'w', true).toString('hex')).toBe('0000' + '0100000001' + '77' + '0301');
    expect(encodeKey(0, 'w', null).toString('hex')).toBe('0000' + '0100000001' + '77' + '04');
    // -0 is the key 0, as in a JS Map
    expect(encodeKey(1, 'w', -0).equals(encodeKey(1, 'w', 0))).toBe(true);
  });

  it('namespaceEnd: where the namespace of an encoded key ends', () => {
    expect(namespaceEnd(encodeKey(7, 12.5, 'k'))).toBe(11);
    expect(namespaceEnd(encodeKey(7, 'wé', 'k'))).toBe(2 + 5 + 3);
    expect(namespaceEnd(encodeKey(7, VOID_NAMESPACE, 3))).toBe(2 + 5 + 8);
  });

  it('round-trips and sorts by key group first (a key-group range is one contiguous range)', () => {
    for (const [kg, ns, k] of [
      [3, 'x', 'héllo'],
      [65535, 12.5, -3],
      [0, VOID_NAMESPACE, false],
    ] as const) {
      expect(decodeKey(encodeKey(kg, ns, k))).toEqual({ keyGroup: kg, namespace: ns, key: k });
    }
    const a = encodeKey(1, 'zzz', 'zzz');
    const b = encodeKey(2, 'a', 'a');
    expect(Buffer.compare(a, b)).toBe(-1);
    const { start, end } = nsRange(1, 'zzz');
    expect(Buffer.compare(start, a) <= 0 && Buffer.compare(a, end) < 0).toBe(true);
  });
});

describe('DiskKeyedStateBackend', () => {
  it('behaves like the heap backend for every primitive (same snapshot)', () => {
    const d = disk({ cacheEntries: 16 });
    const h = new HeapKeyedStateBackend({
      maxParallelism: 128,
      keyGroupRange: KeyGroupRange.of(0, 127),
      nowMs: () => 1000,
    });
    for (const b of [d, h]) {
      const v = b.getOrCreateKeyedState(new ValueStateDescriptor<number>('v'));
      const l = b.getOrCreateKeyedState(new ListStateDescriptor<string>('l'));
      const m = b.getOrCreateKeyedState(new MapStateDescriptor<string, { n: number }>('m'));
      for (let i = 0; i < 200; i++) {
        b.setCurrentKey(`k${i % 50}`);
        v.update((v.value() ?? 0) + i);
        l.add(`e${i}`);
        const cur = m.get('a');
        if (cur) {
          cur.n++;
          m.put('a', cur);
        } else m.put('a', { n: 1 });
        if (i % 7 === 0) m.remove('a');
      }
      b.setCurrentKey('k3');
      v.clear();
    }
    const ds = d.snapshot(1).result();
    const hs = h.snapshot(1).result();
    expect(flatten(ds)).toEqual(flatten(hs));
    expect(d.numKeys()).toBe(h.numKeys());
    d.dispose();
  });

  it('buffers writes in the cache and writes them in batches (no store write per row)', () => {
    const b = disk({ cacheEntries: 1000 });
    const v = b.getOrCreateKeyedState(new ValueStateDescriptor<number>('count'));
    for (let i = 0; i < 10_000; i++) {
      b.setCurrentKey(i % 100);
      v.update((v.value() ?? 0) + 1);
    }
    const t = b.tableOf('count')!;
    // 100 hot keys never leave the cache: nothing was written yet, nothing read from the store
    expect(t.stats).toEqual({ reads: 0, flushes: 0, written: 0 });
    t.flush();
    expect(t.stats).toEqual({ reads: 0, flushes: 1, written: 100 });
    // a rotation writes the old generation's dirty entries as one batch
    for (let i = 0; i < 1500; i++) {
      b.setCurrentKey(`n${i}`);
      v.update(1);
    }
    // each new key was looked up in the store once (it holds data now); the first rotation (at 1000 entries)
    // found nothing dirty in the old generation
    expect(t.stats).toEqual({ reads: 1500, flushes: 1, written: 100 });
    // evicted entries come back from the store: 900 (old generation) + 600 (young), one batch each
    t.dropCache();
    expect(t.stats).toEqual({ reads: 1500, flushes: 3, written: 1600 });
    b.setCurrentKey(42);
    expect(v.value()).toBe(100);
    expect(t.size()).toBe(1600);
    b.dispose();
  });

  it('getForUpdate: an in-place mutation reaches the store through the cache', () => {
    const b = disk({ cacheEntries: 4 });
    const t = b.getStateTable(new ListStateDescriptor<number>('l'));
    t.put('a', 'w1', [1]);
    t.getForUpdate('a', 'w1')!.push(2);
    for (let i = 0; i < 20; i++) t.put(`x${i}`, 'w1', [i]); // several rotations
    (b.tableOf('l') as { dropCache(): void }).dropCache();
    expect(t.get('a', 'w1')).toEqual([1, 2]);
    expect([...t.namespaces()]).toEqual(['w1']);
    t.removeNamespace('w1');
    expect(t.size()).toBe(0);
    b.dispose();
  });

  it('incremental: the checkpoint after changing 1 % of the keys holds exactly those', () => {
    const b = disk({ cacheEntries: 512 });
    const v = b.getOrCreateKeyedState(new ValueStateDescriptor<number>('v'));
    for (let i = 0; i < 10_000; i++) {
      b.setCurrentKey(i);
      v.update(i);
    }
    const s1 = b.snapshot(1);
    expect(s1.incremental.mode).toBe('full');
    expect(flatten(s1.result()).size).toBe(10_000);
    const ref1 = { name: 'f1', size: 1000, sha256: 'x', checkpointId: 1, full: true, keyGroupIndex: [] };
    s1.incremental.written(ref1);
    s1.release();
    b.notifyCheckpointComplete(1);
    // 1 %: 100 keys change, 1 is removed
    for (let i = 0; i < 100; i++) {
      b.setCurrentKey(i * 100);
      v.update(-i);
    }
    b.setCurrentKey(5);
    v.clear();
    const s2 = b.snapshot(2);
    expect(s2.incremental.mode).toBe('delta');
    expect(s2.incremental.base).toEqual([ref1]);
    const changed = flatten(s2.result());
    expect(changed.size).toBe(100);
    expect(changed.get(JSON.stringify(['v', 9900, '__void__']))).toBe(-99);
    const removed = s2.incremental.removed()[0]!;
    expect(removed).toEqual([
      [KeyGroupRangeAssignment.assignToKeyGroup(5, 128), { keys: [5], namespaces: [VOID_NAMESPACE] }],
    ]);
    s2.release();
    // checkpoint 2 never completes: checkpoint 3's delta still includes its changes, on top of checkpoint 1
    b.setCurrentKey(7);
    v.update(70);
    const s3 = b.snapshot(3);
    expect(s3.incremental.base).toEqual([ref1]);
    expect(flatten(s3.result()).size).toBe(101);
    s3.release();
    b.dispose();
  });

  it('a savepoint is a full snapshot of its own, outside the chain: the next delta still builds on the last checkpoint', () => {
    const b = disk({ cacheEntries: 512 });
    const v = b.getOrCreateKeyedState(new ValueStateDescriptor<number>('v'));
    for (let i = 0; i < 1_000; i++) {
      b.setCurrentKey(i);
      v.update(i);
    }
    const s1 = b.snapshot(1);
    const ref1 = { name: 'f1', size: 1000, sha256: 'x', checkpointId: 1, full: true, keyGroupIndex: [] };
    s1.incremental.written(ref1);
    s1.release();
    b.notifyCheckpointComplete(1);
    for (let i = 0; i < 10; i++) {
      b.setCurrentKey(i);
      v.update(-i);
    }
    // checkpoint 2 never completes (its changes stay pending)
    b.snapshot(2).release();
    // savepoint 3: everything, exclusive, no base; completing it changes nothing for the chain
    const sp = b.snapshot(3, { savepoint: true });
    expect(sp.incremental).toMatchObject({ mode: 'full', base: [], exclusive: true });
    expect(flatten(sp.result()).size).toBe(1_000);
    expect(flatten(sp.result()).get(JSON.stringify(['v', 9, '__void__']))).toBe(-9);
    sp.incremental.written({ ...ref1, name: 'sp', checkpointId: 3, exclusive: true });
    sp.release();
    b.notifyCheckpointComplete(3);
    b.setCurrentKey(500);
    v.update(5);
    // checkpoint 4: a delta on checkpoint 1 with the 10 changes before the savepoint and the 1 after it
    const s3 = b.snapshot(4);
    expect(s3.incremental).toMatchObject({ mode: 'delta', base: [ref1] });
    expect(s3.incremental.exclusive).toBe(undefined);
    const changed = flatten(s3.result());
    expect(changed.size).toBe(11);
    expect(changed.get(JSON.stringify(['v', 500, '__void__']))).toBe(5);
    expect(changed.get(JSON.stringify(['v', 3, '__void__']))).toBe(-3);
    s3.release();
    b.dispose();
  });

  it('copyStagedRange: a new store of some key groups from a native snapshot, with its counts per namespace', async () => {
    const src = disk({ nativeMinEntries: 0 });
    const t = src.getStateTable(new ListStateDescriptor<number>('l'));
    const expected = new Map<string, number>(); // namespace -> entries in key groups [0, 63]
    for (let i = 0; i < 3_000; i++) {
      const ns = `w${i % 7}`;
      t.put(i, ns, [i]);
      if (KeyGroupRangeAssignment.assignToKeyGroup(i, 128) <= 63)
        expected.set(ns, (expected.get(ns) ?? 0) + 1);
    }
    const s2 = src.snapshot(1);
    while (!s2.materializeStep(1_000));
    const staged = join(stateDir(), 'staged');
    mkdirSync(staged);
    const parts: Uint8Array[] = [];
    for await (const c of s2.incremental.native!.chunks()) parts.push(c);
    writeFileSync(join(staged, 'data.mdb'), Buffer.concat(parts));
    s2.release();
    src.dispose();
    const dst = join(stateDir(), 'dst');
    const meta = await copyStagedRange(staged, 'test', dst, KeyGroupRange.of(0, 63), KeyGroupRange.of(0, 63));
    expect(meta.keyGroupRange).toEqual([0, 63]);
    const l = meta.states.find((st) => st.name === 'l')!;
    expect(l.live).toBe([...expected.values()].reduce((a, b) => a + b, 0));
    expect(new Map(l.ns)).toEqual(expected);
    // adopted by a backend of those key groups, it holds exactly them
    const b = disk({ range: KeyGroupRange.of(0, 63) });
    b.restore([{ maxParallelism: 128, keyGroupRange: [0, 63], states: [], store: { dir: dst, meta } }]);
    const lt = b.getStateTable(new ListStateDescriptor<number>('l'));
    expect(lt.size()).toBe(l.live);
    const inRange = [...Array(3_000).keys()].find(
      (i) => KeyGroupRangeAssignment.assignToKeyGroup(i, 128) <= 63,
    )!;
    expect(lt.get(inRange, `w${inRange % 7}`)).toEqual([inRange]);
    b.dispose();
  });

  it('without cacheEntries, tables share the cache budget: each rotates at its part of it', () => {
    const budget = new CacheBudget(40_000);
    expect(budget.perTable).toBe(20_000); // no table yet: half (a cache has two generations)
    const b = new DiskKeyedStateBackend({
      maxParallelism: 128,
      keyGroupRange: KeyGroupRange.of(0, 127),
      nowMs: () => 0,
      stateDir: stateDir(),
      cacheBudget: budget,
    });
    const a = b.getOrCreateKeyedState(new ValueStateDescriptor<number>('a'));
    b.getOrCreateKeyedState(new ValueStateDescriptor<number>('b'));
    expect(budget.perTable).toBe(10_000);
    for (let i = 0; i < 25_000; i++) {
      b.setCurrentKey(i);
      a.update(i);
    }
    // rotations at 10,000 and 20,000 entries: the second writes the first 10,000 (the first had nothing old)
    expect((b.tableOf('a') as unknown as { stats: { written: number } }).stats.written).toBe(10_000);
    b.dispose();
    expect(budget.perTable).toBe(20_000);
  });

  it('CacheBudget: an equal part per table, between 1,024 and 131,072 entries', () => {
    const budget = new CacheBudget(1_000_000);
    expect(budget.perTable).toBe(131_072);
    budget.add(10);
    expect(budget.perTable).toBe(50_000);
    budget.add(1_000);
    expect(budget.perTable).toBe(1_024);
    budget.remove(1_005);
    expect(budget.perTable).toBe(100_000);
  });

  it('lives in its own directory under stateDir, deleted on dispose', () => {
    const dir = stateDir();
    const b = new DiskKeyedStateBackend({
      maxParallelism: 128,
      keyGroupRange: KeyGroupRange.of(0, 127),
      nowMs: () => 0,
      stateDir: dir,
      label: 'agg-0',
    });
    expect(readdirSync(dir)).toHaveLength(1);
    expect(readdirSync(dir)[0]).toMatch(/^agg-0-/);
    b.dispose();
    expect(readdirSync(dir)).toHaveLength(0);
  });

  it('an unusable state directory fails with an error naming the path', () => {
    const file = join(stateDir(), 'a-file');
    writeFileSync(file, 'x');
    expect(
      () =>
        new DiskKeyedStateBackend({
          maxParallelism: 128,
          keyGroupRange: KeyGroupRange.of(0, 127),
          nowMs: () => 0,
          stateDir: file,
        }),
    ).toThrow(`disk state backend: cannot create state store at ${file}/state-`);
  });
});
