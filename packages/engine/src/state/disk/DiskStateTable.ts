/**
 * One state's values in the disk backend: an LMDB database (see keyLayout.ts) behind a small two-generation
 * cache that is also the write buffer (Flink RocksDB's block cache + write batch in one).
 *
 * - Reads hit the cache, else the store (a synchronous LMDB read); the entry — or the fact that it is absent —
 *   is cached in the young generation.
 * - Writes (`put`, `remove`, and `getForUpdate`, whose value the caller mutates in place) only mark the cached
 *   entry dirty: no syscall, no serialization on the hot path.
 * - When the young generation is full, the old one's dirty entries are written in ONE transaction (the write
 *   batch) and the old generation is dropped; young becomes old. An entry used since the last rotation is in
 *   the young generation, so a value handed out by `getForUpdate` is never serialized before the caller is
 *   done mutating it (it is written at the latest one rotation later, or at `flush()`).
 * - `flush()` (checkpoint barrier, namespace iteration) writes every dirty entry.
 *
 * Every key written to the store is recorded (as its encoded bytes) while change tracking for incremental
 * checkpoints is on: the delta of the next checkpoint.
 */
import type { Database } from 'lmdb';
import type { StateCodec } from '../codec';
import { type Key, type KeyGroupRange, KeyGroupRangeAssignment } from '../keyGroups';
import type { Namespace, StateTable } from '../types';
import { decodeKey, encodeKey, nsRange } from './keyLayout';
import type { NativeTableMeta } from './native';
import { storeError } from './store';

interface Entry {
  /** undefined: known to be absent. */
  v: unknown;
  dirty: boolean;
  /** Insertion sequence within the table (iteration order of a namespace, like the heap table's Map). */
  s: number;
}

/** What the store holds per entry: `[insertion sequence, value]`. */
type Stored = [number, unknown];

type Gen = Map<Namespace, Map<Key, Entry>>;

export interface DiskTableHost {
  readonly maxParallelism: number;
  readonly keyGroupRange: KeyGroupRange;
  readonly storePath: string;
  /** Entries the cache holds per table before it rotates (read at each rotation check: a budget's share moves). */
  readonly cacheEntries: number;
  /** Keys written, for the studio's change tracking. */
  readonly changes: { enabled: boolean; mark(key: Key): void };
}

export class DiskStateTable<V> implements StateTable<V> {
  private young: Gen = new Map();
  private old: Gen = new Map();
  private youngCount = 0;
  private lastNs: Namespace = Number.NaN;
  private lastYoung: Map<Key, Entry> | undefined;
  private liveCount = 0;
  private readonly nsCounts = new Map<Namespace, number>();
  /**
   * Namespaces with at least one entry ever written to the store. A window's namespace that is not (created and
   * fired between two flushes) lives in the cache only: it fires from the cache and is dropped without I/O.
   */
  private readonly nsInStore = new Set<Namespace>();
  /** Nothing was ever written to the store: a cache miss needs no read. */
  private storeEmpty = true;
  /** Last insertion sequence number handed out. */
  private seq = 0;
  /** Encoded keys written since the last checkpoint (latin1 strings), when tracking is on. */
  changed: Set<string> | undefined;
  /** Incremented when an entry appears or disappears (the inspection cache's signature). */
  structVersion = 0;
  /** Store reads and batch writes (for tests and the bench). */
  readonly stats = { reads: 0, flushes: 0, written: 0 };

  constructor(
    readonly name: string,
    public codec: StateCodec,
    public db: Database<unknown, Buffer>,
    private readonly host: DiskTableHost,
  ) {}

  /** What a native snapshot records of this table (call after `flush`, at the barrier). */
  storeMeta(): NativeTableMeta {
    const m: NativeTableMeta = {
      name: this.name,
      kind: this.codec.kind,
      live: this.liveCount,
      seq: this.seq,
      ns: [...this.nsCounts],
    };
    if (this.codec.ttlMs !== undefined) m.ttlMs = this.codec.ttlMs;
    return m;
  }

  /**
   * The store was replaced by a restored one (DiskKeyedStateBackend.restore adopting a native snapshot): `db`
   * is this state's database in it and `meta` what the snapshot recorded. The table must be empty.
   */
  adopt(db: Database<unknown, Buffer>, meta: NativeTableMeta | undefined): void {
    if (this.liveCount !== 0)
      throw new Error(`internal: state '${this.name}' has entries; it cannot adopt a restored store`);
    this.db = db;
    this.young = new Map();
    this.old = new Map();
    this.youngCount = 0;
    this.lastNs = Number.NaN;
    this.lastYoung = undefined;
    this.nsCounts.clear();
    this.nsInStore.clear();
    if (meta === undefined) return;
    this.liveCount = meta.live;
    this.seq = meta.seq;
    for (const [ns, n] of meta.ns) {
      this.nsCounts.set(ns, n);
      this.nsInStore.add(ns);
    }
    this.storeEmpty = meta.live === 0;
    this.structVersion++;
  }

  get kind() {
    return this.codec.kind;
  }

  /** The disk backend's snapshots read an LMDB snapshot, never the live objects: no copy-on-access needed. */
  get snapshotting(): boolean {
    return false;
  }

  private kg(key: Key): number {
    return KeyGroupRangeAssignment.assignToKeyGroup(key, this.host.maxParallelism);
  }

  // ---------------------------------------------------------------- cache

  private youngOf(ns: Namespace): Map<Key, Entry> {
    if (ns === this.lastNs && this.lastYoung !== undefined) return this.lastYoung;
    let m = this.young.get(ns);
    if (m === undefined) this.young.set(ns, (m = new Map()));
    this.lastNs = ns;
    this.lastYoung = m;
    return m;
  }

  /** The cached entry of (key, ns), loading it from the store on a miss. */
  private entry(key: Key, ns: Namespace): Entry {
    const y = this.youngOf(ns);
    let e = y.get(key);
    if (e !== undefined) return e;
    const o = this.old.get(ns);
    e = o?.get(key);
    if (e !== undefined) o!.delete(key);
    else {
      let rec: Stored | undefined;
      if (!this.storeEmpty) {
        this.stats.reads++;
        try {
          rec = this.db.get(encodeKey(this.kg(key), ns, key)) as Stored | undefined;
        } catch (err) {
          throw storeError(this.host.storePath, `read state '${this.name}' from`, err);
        }
      }
      e = rec === undefined ? { v: undefined, dirty: false, s: 0 } : { v: rec[1], dirty: false, s: rec[0] };
    }
    y.set(key, e);
    if (++this.youngCount >= this.host.cacheEntries) this.rotate();
    return e;
  }

  private rotate(): void {
    const old = this.old;
    this.old = this.young;
    this.young = new Map();
    this.youngCount = 0;
    this.lastNs = Number.NaN;
    this.lastYoung = undefined;
    this.write(old);
  }

  /** Writes the dirty entries of `gen` in one transaction (the write batch); they become clean. */
  private write(gen: Gen): void {
    const puts: Array<[Buffer, unknown]> = [];
    for (const [ns, m] of gen) {
      for (const [key, e] of m) {
        if (!e.dirty) continue;
        e.dirty = false;
        this.nsInStore.add(ns);
        puts.push([encodeKey(this.kg(key), ns, key), e.v === undefined ? undefined : [e.s, e.v]]);
      }
    }
    if (puts.length === 0) return;
    const db = this.db;
    try {
      db.transactionSync(() => {
        for (const [k, v] of puts) {
          if (v === undefined) db.removeSync(k);
          else db.putSync(k, v);
        }
      });
    } catch (err) {
      throw storeError(this.host.storePath, `write state '${this.name}' to`, err);
    }
    this.storeEmpty = false;
    this.stats.flushes++;
    this.stats.written += puts.length;
    const changed = this.changed;
    if (changed !== undefined) for (const [k] of puts) changed.add(k.toString('latin1'));
  }

  /** Writes every dirty entry to the store (the cache keeps them, clean). */
  flush(): void {
    this.write(this.old);
    this.write(this.young);
  }

  /** Drops the cache (after `flush`), e.g. to measure the store alone. */
  dropCache(): void {
    this.flush();
    this.young = new Map();
    this.old = new Map();
    this.youngCount = 0;
    this.lastNs = Number.NaN;
    this.lastYoung = undefined;
  }

  private counted(ns: Namespace, delta: number): void {
    this.liveCount += delta;
    this.structVersion++;
    const n = (this.nsCounts.get(ns) ?? 0) + delta;
    if (n <= 0) this.nsCounts.delete(ns);
    else this.nsCounts.set(ns, n);
  }

  // ---------------------------------------------------------------- StateTable

  get(key: Key, namespace: Namespace): V | undefined {
    return this.entry(key, namespace).v as V | undefined;
  }

  getForUpdate(key: Key, namespace: Namespace): V | undefined {
    const e = this.entry(key, namespace);
    if (e.v === undefined) return undefined;
    e.dirty = true;
    if (this.host.changes.enabled) this.host.changes.mark(key);
    return e.v as V;
  }

  /** Like `getForUpdate` without marking the key changed: callers write back with `put`. */
  getPinned(key: Key, namespace: Namespace): V | undefined {
    return this.entry(key, namespace).v as V | undefined;
  }

  put(key: Key, namespace: Namespace, value: V): void {
    if (value === undefined) {
      this.remove(key, namespace);
      return;
    }
    const e = this.entry(key, namespace);
    if (e.v === undefined) {
      this.counted(namespace, 1);
      e.s = ++this.seq;
    }
    e.v = value;
    e.dirty = true;
    if (this.host.changes.enabled) this.host.changes.mark(key);
  }

  remove(key: Key, namespace: Namespace): void {
    const e = this.entry(key, namespace);
    if (e.v === undefined) return;
    e.v = undefined;
    e.dirty = true;
    this.counted(namespace, -1);
    if (this.host.changes.enabled) this.host.changes.mark(key);
  }

  *namespaces(): IterableIterator<Namespace> {
    for (const ns of Array.from(this.nsCounts.keys())) if (this.nsCounts.has(ns)) yield ns;
  }

  /**
   * Entries of `ns` in the order the keys entered it (as the heap table iterates), read from the store after a
   * flush: one range per key group, then sorted by insertion sequence.
   */
  private storeEntries(ns: Namespace): Array<[Key, V]> {
    if (!this.nsCounts.has(ns)) return [];
    if (!this.nsInStore.has(ns)) return this.cachedEntries(ns);
    this.flush();
    const r = this.host.keyGroupRange;
    const out: Array<[number, Key, V]> = [];
    for (let kg = r.startKeyGroup; kg <= r.endKeyGroup; kg++) {
      const { start, end } = nsRange(kg, ns);
      for (const { key, value } of this.db.getRange({ start, end })) {
        const rec = value as Stored;
        out.push([rec[0], decodeKey(key).key, rec[1] as V]);
      }
    }
    out.sort((a, b) => a[0] - b[0]);
    return out.map((e) => [e[1], e[2]]);
  }

  /** The entries of a namespace that never reached the store: all in the cache. */
  private cachedEntries(ns: Namespace): Array<[Key, V]> {
    const out: Array<[number, Key, V]> = [];
    for (const gen of [this.old, this.young]) {
      const m = gen.get(ns);
      if (m !== undefined) for (const [k, e] of m) if (e.v !== undefined) out.push([e.s, k, e.v as V]);
    }
    out.sort((a, b) => a[0] - b[0]);
    return out.map((e) => [e[1], e[2]]);
  }

  *keysOf(namespace: Namespace): IterableIterator<Key> {
    for (const [k] of this.storeEntries(namespace)) yield k;
  }

  forEachIn(namespace: Namespace, fn: (key: Key, value: V) => void): void {
    // the cached object where there is one, so a caller sees what `get` would return
    const y = this.young.get(namespace);
    const o = this.old.get(namespace);
    for (const [k, v] of this.storeEntries(namespace)) {
      const e = y?.get(k) ?? o?.get(k);
      fn(k, (e?.v ?? v) as V);
    }
  }

  removeNamespace(namespace: Namespace): void {
    if (!this.nsCounts.has(namespace)) return;
    if (!this.nsInStore.has(namespace)) {
      // cache only: nothing in the store, nothing for a checkpoint's delta
      if (this.host.changes.enabled)
        for (const [k] of this.cachedEntries(namespace)) this.host.changes.mark(k);
      this.dropNamespace(namespace);
      return;
    }
    this.flush();
    const db = this.db;
    const r = this.host.keyGroupRange;
    const removed: Buffer[] = [];
    const track = this.host.changes.enabled;
    for (let kg = r.startKeyGroup; kg <= r.endKeyGroup; kg++) {
      const { start, end } = nsRange(kg, namespace);
      for (const key of db.getKeys({ start, end })) {
        const b = Buffer.from(key as Buffer);
        removed.push(b);
        if (track) this.host.changes.mark(decodeKey(b).key);
      }
    }
    try {
      db.transactionSync(() => {
        for (const k of removed) db.removeSync(k);
      });
    } catch (err) {
      throw storeError(this.host.storePath, `remove from state '${this.name}' in`, err);
    }
    const changed = this.changed;
    if (changed !== undefined) for (const k of removed) changed.add(k.toString('latin1'));
    this.nsInStore.delete(namespace);
    this.dropNamespace(namespace);
  }

  private dropNamespace(namespace: Namespace): void {
    this.young.delete(namespace);
    this.old.delete(namespace);
    if (this.lastNs === namespace) {
      this.lastNs = Number.NaN;
      this.lastYoung = undefined;
    }
    const n = this.nsCounts.get(namespace) ?? 0;
    this.liveCount -= n;
    this.nsCounts.delete(namespace);
    this.structVersion++;
  }

  size(): number {
    return this.liveCount;
  }

  /** Every entry (flushes first). Do not write from `fn`. */
  forEach(fn: (key: Key, namespace: Namespace, value: V) => void): void {
    this.flush();
    for (const { key, value } of this.db.getRange({})) {
      const d = decodeKey(key);
      fn(d.key, d.namespace, (value as Stored)[1] as V);
    }
  }

  /**
   * Restore path: writes entries straight to the store in batches (the table must be empty, and the entries
   * distinct — key groups of different snapshots never overlap).
   */
  bulkLoad(entries: Iterable<[Key, Namespace, V]>): void {
    const db = this.db;
    let batch: Array<[Buffer, unknown]> = [];
    const commit = () => {
      if (batch.length === 0) return;
      const b = batch;
      batch = [];
      try {
        db.transactionSync(() => {
          for (const [k, v] of b) db.putSync(k, v);
        });
      } catch (err) {
        throw storeError(this.host.storePath, `restore state '${this.name}' into`, err);
      }
      this.storeEmpty = false;
      const changed = this.changed;
      if (changed !== undefined) for (const [k] of b) changed.add(k.toString('latin1'));
    };
    for (const [k, ns, v] of entries) {
      this.nsInStore.add(ns);
      batch.push([encodeKey(this.kg(k), ns, k), [++this.seq, v]]);
      this.counted(ns, 1);
      if (batch.length >= 8192) commit();
    }
    commit();
  }

  /** Removes everything. */
  clear(): void {
    for (const ns of Array.from(this.nsCounts.keys())) this.removeNamespace(ns);
    this.young = new Map();
    this.old = new Map();
    this.youngCount = 0;
  }
}
