/**
 * The heap state table: all values of one state, namespace-major, with copy-on-write snapshots.
 *
 * Layout: `Map<Namespace, Slots<V>>`; a namespace's `Slots` hold its entries in the order they entered
 * (key -> slot index, plus key and value arrays). Non-windowed state lives in one namespace (the void
 * namespace); windowed state keeps one per window, so firing or purging a window touches one `Slots`.
 * The last-used namespace is cached, so the hot path (`get`/`put`/`getForUpdate`) is one `===` compare plus
 * one `Map` lookup, with no allocation and no key-group hashing. Key groups are computed from the key only
 * when snapshotting, restoring or inspecting.
 *
 * Copy-on-write snapshots, per entry as Flink's `CopyOnWriteStateMap`. `addOverlay()` (O(1)) starts a
 * snapshot of this table at a new epoch. The snapshot walks each namespace's slots in order, up to the slot
 * count the namespace had when the snapshot began. A write to an existing entry — `put`, `remove`,
 * `getForUpdate`/`getPinned` (in-place mutation) — saves a copy of the old value only for the running
 * snapshots that have not yet passed that slot; new entries are appended past every snapshot's limit and
 * need no saving; namespaces created after a snapshot began are skipped by it; a removed namespace is
 * handed to the snapshots frozen and replaced by a fresh one. Removed entries leave holes, compacted when
 * no snapshot is running. Several overlays (overlapping snapshots) are independent: each pins its own values.
 */
import type { StateCodec } from './codec';
import type { Key } from './keyGroups';
import type { Namespace, StateTable } from './types';

/**
 * One namespace's entries: `index` maps a key to its slot; `keys` and `vals` hold the entries by slot, in
 * the order they entered (a `Map` keeps that order too, but cannot say where in it a key stands — which
 * is what lets a snapshot tell the entries it has passed from those it has not). A removed entry leaves a
 * hole (`vals[i] === undefined`, key dropped from `index`; a new write appends); holes are compacted away
 * when they are half the slots and no snapshot is running.
 */
export class Slots<V> {
  readonly index = new Map<Key, number>();
  keys: Key[] = [];
  vals: Array<V | undefined> = [];
  holes = 0;
  /** Snapshot epochs this namespace's slot count was recorded at (first append after each). */
  marks: number[] | undefined = undefined;

  constructor(
    /** The table's snapshot epoch when this namespace was created (a snapshot of an earlier epoch skips it). */
    readonly born: number,
  ) {}

  get live(): number {
    return this.keys.length - this.holes;
  }

  /** Slots that existed when the snapshot of `epoch` began (appends go past it). */
  limitAt(epoch: number): number {
    const m = this.marks;
    if (m !== undefined) for (let i = 0; i < m.length; i += 2) if (m[i]! >= epoch) return m[i + 1]!;
    return this.keys.length;
  }

  /** Removes the holes, keeping the order (O(slots)). */
  compact(): void {
    const { keys, vals, index } = this;
    let j = 0;
    for (let i = 0; i < keys.length; i++) {
      const v = vals[i];
      if (v === undefined) continue;
      if (j !== i) {
        const k = keys[i] as Key;
        keys[j] = k;
        vals[j] = v;
        index.set(k, j);
      }
      j++;
    }
    keys.length = j;
    vals.length = j;
    this.holes = 0;
  }
}

/** Receives the keys written to, when change tracking is on. */
export interface ChangeSink {
  enabled: boolean;
  mark(key: Key): void;
}

/** What one overlay knows about one namespace. */
class NsPin<V> {
  /** Writes need no saving: the namespace was fully materialized. */
  skip = false;
  /** The namespace's slots as they were when `removeNamespace` swapped them out (frozen from then on). */
  detached: Slots<V> | undefined = undefined;
  /** Snapshot-time values of slots written since, before the iteration reached them (`undefined` = absent). */
  saved: Map<number, V | undefined> | undefined = undefined;
  /**
   * With a sink (`TableOverlay.sink`): one bit per slot, set when the slot's snapshot-time value was handed
   * to the sink before a write, so the iteration skips it.
   */
  done: Uint32Array | undefined = undefined;
}

/**
 * Receives a snapshot-time entry as soon as it is about to be overwritten (the value is read right away and
 * may be mutated after the call returns): an encoding snapshot writes it out instead of keeping a copy.
 */
export type OverlaySink<V> = (key: Key, namespace: Namespace, value: V) => void;

/** One snapshot's copy-on-write record and iteration cursor over one table. */
export class TableOverlay<V> {
  private readonly pins = new Map<Namespace, NsPin<V>>();
  private lastNs: Namespace = Number.NaN;
  private lastPin: NsPin<V> | undefined = undefined;
  /** Iteration state: the namespaces, and the one being walked (`inner`, slots `cursor` up to `limit`). */
  outerIt: Iterator<[Namespace, Slots<V>]> | undefined = undefined;
  inner: Slots<V> | undefined = undefined;
  innerNs: Namespace = Number.NaN;
  innerOwned = false;
  cursor = 0;
  limit = 0;
  done = false;

  constructor(
    /** The table's snapshot epoch this overlay began (namespaces born at or after it did not exist). */
    readonly epoch: number,
    /**
     * Where snapshot-time values go before a write: with a sink, `pin` hands the value over (no copy, no
     * saved map; the iteration skips the slot); without one, it keeps a copy for the iteration.
     */
    readonly sink: OverlaySink<V> | undefined = undefined,
  ) {}

  pinOf(ns: Namespace): NsPin<V> | undefined {
    if (ns === this.lastNs) return this.lastPin;
    const p = this.pins.get(ns);
    if (p !== undefined) {
      this.lastNs = ns;
      this.lastPin = p;
    }
    return p;
  }

  pinOrCreate(ns: Namespace): NsPin<V> {
    let p = this.pinOf(ns);
    if (p === undefined) {
      p = new NsPin<V>();
      this.pins.set(ns, p);
      this.lastNs = ns;
      this.lastPin = p;
    }
    return p;
  }

  /** Number of saved entries (for tests and metrics). */
  savedCount(): number {
    let n = 0;
    for (const p of this.pins.values()) {
      n += p.saved?.size ?? 0;
      if (p.done !== undefined) for (const w of p.done) n += popcount(w);
    }
    return n;
  }
}

function popcount(w: number): number {
  let x = w - ((w >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

export class HeapStateTable<V> implements StateTable<V> {
  private readonly outer = new Map<Namespace, Slots<V>>();
  private lastNs: Namespace = Number.NaN;
  private lastInner: Slots<V> | undefined = undefined;
  private liveCount = 0;
  /** Incremented whenever a (key, namespace) entry appears or disappears. */
  structVersion = 0;
  private readonly overlays: TableOverlay<V>[] = [];
  /** Incremented by every `addOverlay` (Flink's `stateVersion`). */
  private epoch = 0;
  /** Namespaces appended to or emptied while overlays existed (their marks and holes are settled by `purge`). */
  private readonly touched = new Set<Slots<V>>();
  /** Values copied for snapshots (a test and metrics hook: an entry is copied only if written before a running snapshot passed it). */
  copies = 0;

  constructor(
    readonly name: string,
    public codec: StateCodec,
    private readonly changes: ChangeSink,
  ) {}

  get kind() {
    return this.codec.kind;
  }

  /** True while at least one snapshot of this table is in flight. */
  get snapshotting(): boolean {
    return this.overlays.length !== 0;
  }

  // ---------------------------------------------------------------- hot path

  private innerOf(ns: Namespace): Slots<V> | undefined {
    if (ns === this.lastNs) return this.lastInner;
    const m = this.outer.get(ns);
    if (m !== undefined) {
      this.lastNs = ns;
      this.lastInner = m;
    }
    return m;
  }

  private innerOrCreate(ns: Namespace): Slots<V> {
    let m = ns === this.lastNs ? this.lastInner : this.outer.get(ns);
    if (m === undefined) m = this.createInner(ns);
    this.lastNs = ns;
    this.lastInner = m;
    return m;
  }

  /** A new namespace (kept apart so that the per-row `put` stays small enough to inline). */
  private createInner(ns: Namespace): Slots<V> {
    // born at the current epoch: no running snapshot reads it (see `pin`, `materializeStep`)
    const m = new Slots<V>(this.epoch);
    this.outer.set(ns, m);
    return m;
  }

  get(key: Key, namespace: Namespace): V | undefined {
    const m = namespace === this.lastNs ? this.lastInner : this.innerOf(namespace);
    if (m === undefined) return undefined;
    const i = m.index.get(key);
    return i === undefined ? undefined : m.vals[i];
  }

  getForUpdate(key: Key, namespace: Namespace): V | undefined {
    const v = this.getPinned(key, namespace);
    if (v !== undefined && this.changes.enabled) this.changes.mark(key);
    return v;
  }

  /** Like `getForUpdate` but without marking the key changed (copy-on-access for readers of mutable values). */
  getPinned(key: Key, namespace: Namespace): V | undefined {
    const m = namespace === this.lastNs ? this.lastInner : this.innerOf(namespace);
    if (m === undefined) return undefined;
    const i = m.index.get(key);
    if (i === undefined) return undefined;
    const v = m.vals[i];
    if (this.overlays.length !== 0) this.pin(m, i, namespace, v);
    return v;
  }

  put(key: Key, namespace: Namespace, value: V): void {
    if (value === undefined) {
      this.remove(key, namespace);
      return;
    }
    const m = this.innerOrCreate(namespace);
    if (this.overlays.length !== 0) this.putPinned(m, key, namespace, value);
    else {
      const i = m.index.get(key);
      if (i !== undefined) m.vals[i] = value;
      else {
        m.index.set(key, m.keys.length);
        m.keys.push(key);
        m.vals.push(value);
        this.liveCount++;
        this.structVersion++;
      }
    }
    if (this.changes.enabled) this.changes.mark(key);
  }

  /** `put` while snapshots are in flight (kept apart so that `put` stays small enough to inline). */
  private putPinned(m: Slots<V>, key: Key, namespace: Namespace, value: V): void {
    const i = m.index.get(key);
    if (i !== undefined) {
      this.pin(m, i, namespace, m.vals[i]);
      m.vals[i] = value;
      return;
    }
    // a new entry goes past the slots of every running snapshot: nothing to save
    this.markAppend(m);
    m.index.set(key, m.keys.length);
    m.keys.push(key);
    m.vals.push(value);
    this.liveCount++;
    this.structVersion++;
  }

  remove(key: Key, namespace: Namespace): void {
    const m = namespace === this.lastNs ? this.lastInner : this.innerOf(namespace);
    if (m === undefined) return;
    const i = m.index.get(key);
    if (i === undefined) return;
    if (this.overlays.length !== 0) this.pin(m, i, namespace, m.vals[i]);
    m.index.delete(key);
    m.vals[i] = undefined;
    m.holes++;
    if (this.overlays.length === 0) {
      if (m.live === 0) this.dropInner(namespace);
      else if (m.holes > 16 && m.holes * 2 > m.keys.length) m.compact();
    } else this.touched.add(m);
    this.liveCount--;
    this.structVersion++;
    if (this.changes.enabled) this.changes.mark(key);
  }

  /** Records the slot count before the first append after the newest snapshot began. */
  private markAppend(m: Slots<V>): void {
    const marks = m.marks;
    if (marks !== undefined && marks[marks.length - 2] === this.epoch) return;
    if (m.born === this.epoch) return; // born after the newest snapshot began: no snapshot reads it
    if (marks === undefined) m.marks = [this.epoch, m.keys.length];
    else marks.push(this.epoch, m.keys.length);
    this.touched.add(m);
  }

  /**
   * Before slot `i` of namespace `ns` is written: every running snapshot that has not yet passed the slot
   * (and that saw it, i.e. it existed when the snapshot began) keeps the slot's current value, copied once.
   */
  private pin(m: Slots<V>, i: number, ns: Namespace, pre: V | undefined): void {
    let copy: V | undefined;
    let copied = false;
    const overlays = this.overlays;
    for (let j = 0; j < overlays.length; j++) {
      const o = overlays[j] as TableOverlay<V>;
      if (m.born >= o.epoch) continue; // the namespace did not exist when the snapshot began
      let limit: number;
      if (o.inner === m) {
        if (i < o.cursor || i >= o.limit) continue; // passed, or appended since the snapshot began
        limit = o.limit;
      } else {
        limit = m.limitAt(o.epoch);
        if (i >= limit) continue;
      }
      const p = o.pinOrCreate(ns);
      if (p.skip || p.detached !== undefined) continue;
      const sink = o.sink;
      if (sink !== undefined) {
        let done = p.done;
        if (done === undefined) p.done = done = new Uint32Array((limit + 31) >>> 5);
        const w = i >>> 5;
        const bit = 1 << (i & 31);
        if ((done[w] as number) & bit) continue;
        done[w] = (done[w] as number) | bit;
        if (pre !== undefined) sink(m.keys[i] as Key, ns, pre);
        continue;
      }
      let saved = p.saved;
      if (saved === undefined) p.saved = saved = new Map();
      else if (saved.has(i)) continue;
      if (!copied) {
        if (pre !== undefined) {
          copy = this.codec.copy(pre) as V;
          this.copies++;
        }
        copied = true;
      }
      saved.set(i, copy);
    }
  }

  private dropInner(ns: Namespace): void {
    this.outer.delete(ns);
    if (this.lastNs === ns) {
      this.lastNs = Number.NaN;
      this.lastInner = undefined;
    }
  }

  // ---------------------------------------------------------------- namespaces

  *namespaces(): IterableIterator<Namespace> {
    for (const [ns, m] of this.outer) if (m.live > 0) yield ns;
  }

  /** Live view of the keys with a value in `namespace`. */
  *keysOf(namespace: Namespace): IterableIterator<Key> {
    const m = this.outer.get(namespace);
    if (m === undefined) return;
    for (let i = 0; i < m.keys.length; i++) if (m.vals[i] !== undefined) yield m.keys[i] as Key;
  }

  forEachIn(namespace: Namespace, fn: (key: Key, value: V) => void): void {
    const m = this.outer.get(namespace);
    if (m === undefined) return;
    const { keys, vals } = m;
    for (let i = 0; i < keys.length; i++) {
      const v = vals[i];
      if (v !== undefined) fn(keys[i] as Key, v);
    }
  }

  /** Live view of the (key, value) entries of `namespace`. */
  *entriesOf(namespace: Namespace): IterableIterator<[Key, V]> {
    const m = this.outer.get(namespace);
    if (m === undefined) return;
    for (let i = 0; i < m.keys.length; i++) {
      const v = m.vals[i];
      if (v !== undefined) yield [m.keys[i] as Key, v];
    }
  }

  removeNamespace(namespace: Namespace): void {
    const m = this.outer.get(namespace);
    if (m === undefined) return;
    const removed = m.live;
    if (removed > 0 && this.changes.enabled) for (const k of m.index.keys()) this.changes.mark(k);
    this.liveCount -= removed;
    this.structVersion++;
    if (this.overlays.length === 0) {
      this.dropInner(namespace);
      return;
    }
    for (const o of this.overlays) {
      if (m.born >= o.epoch) continue;
      const p = o.pinOrCreate(namespace);
      if (!p.skip && p.detached === undefined) p.detached = m;
    }
    const fresh = new Slots<V>(this.epoch);
    this.outer.set(namespace, fresh);
    this.touched.add(fresh);
    this.lastNs = namespace;
    this.lastInner = fresh;
  }

  size(): number {
    return this.liveCount;
  }

  /** Number of non-empty namespaces (O(namespaces)). */
  namespaceCount(): number {
    let n = 0;
    for (const _ of this.namespaces()) n++;
    return n;
  }

  /** Calls `fn` for every live entry. Do not write to the table from `fn`. */
  forEach(fn: (key: Key, namespace: Namespace, value: V) => void): void {
    for (const [ns, m] of this.outer) {
      const { keys, vals } = m;
      for (let i = 0; i < keys.length; i++) {
        const v = vals[i];
        if (v !== undefined) fn(keys[i] as Key, ns, v);
      }
    }
  }

  /** Removes everything (snapshots in flight keep their view). */
  clear(): void {
    for (const ns of Array.from(this.outer.keys())) this.removeNamespace(ns);
  }

  // ---------------------------------------------------------------- snapshots

  /** Starts a copy-on-write snapshot of this table. O(1). */
  addOverlay(sink?: OverlaySink<V>): TableOverlay<V> {
    const o = new TableOverlay<V>(++this.epoch, sink);
    this.overlays.push(o);
    return o;
  }

  /** Ends a snapshot's copy-on-write tracking; settles holes and marks when it was the last one. */
  removeOverlay(o: TableOverlay<V>): void {
    const i = this.overlays.indexOf(o);
    if (i < 0) return;
    this.overlays.splice(i, 1);
    o.outerIt = undefined;
    o.inner = undefined;
    if (this.overlays.length === 0) this.purge();
  }

  activeOverlays(): number {
    return this.overlays.length;
  }

  private purge(): void {
    let emptied = false;
    for (const m of this.touched) {
      m.marks = undefined;
      if (m.live === 0) emptied = true;
      else if (m.holes > 16 && m.holes * 2 > m.keys.length) m.compact();
    }
    this.touched.clear();
    if (emptied) for (const [ns, m] of Array.from(this.outer)) if (m.live === 0) this.outer.delete(ns);
    this.lastNs = Number.NaN;
    this.lastInner = undefined;
  }

  /**
   * Advances `o`'s iteration by about `budget` entries, calling `emit` with the snapshot-time value
   * of each (key, namespace) that existed at snapshot time. `owned` = the value is a private copy.
   * Returns the number of entries consumed; `o.done` tells when the table is done. `emit` must not
   * write to this table.
   */
  materializeStep(
    o: TableOverlay<V>,
    budget: number,
    emit: (key: Key, namespace: Namespace, value: V, owned: boolean) => void,
  ): number {
    if (o.done) return 0;
    if (o.outerIt === undefined) o.outerIt = this.outer.entries();
    let n = 0;
    while (n < budget) {
      let m = o.inner;
      if (m === undefined) {
        const r = o.outerIt.next();
        n++;
        if (r.done) {
          o.done = true;
          return n;
        }
        const ns = r.value[0];
        const p = o.pinOf(ns);
        if (p?.skip) continue;
        const detached = p?.detached;
        m = detached ?? r.value[1];
        if (m.born >= o.epoch) continue; // created after the snapshot began
        o.innerNs = ns;
        o.innerOwned = detached !== undefined;
        o.inner = m;
        o.cursor = 0;
        o.limit = m.limitAt(o.epoch);
      }
      const ns = o.innerNs;
      const owned = o.innerOwned;
      const pin = o.pinOf(ns);
      const saved = pin?.saved;
      const done = pin?.done;
      const { keys, vals } = m;
      const limit = o.limit;
      let i = o.cursor;
      const stop = Math.min(limit, i + (budget - n));
      if (done !== undefined) {
        // slots already handed to the sink are skipped
        for (; i < stop; i++) {
          if (((done[i >>> 5] as number) & (1 << (i & 31))) !== 0) continue;
          const v = vals[i];
          if (v !== undefined) emit(keys[i] as Key, ns, v, owned);
        }
      } else if (saved === undefined) {
        for (; i < stop; i++) {
          const v = vals[i];
          if (v !== undefined) emit(keys[i] as Key, ns, v, owned);
        }
      } else {
        for (; i < stop; i++) {
          if (saved.has(i)) {
            const v = saved.get(i);
            if (v !== undefined) emit(keys[i] as Key, ns, v, true);
          } else {
            const v = vals[i];
            if (v !== undefined) emit(keys[i] as Key, ns, v, owned);
          }
        }
      }
      n += i - o.cursor;
      o.cursor = i;
      if (i >= limit) {
        o.inner = undefined;
        // later writes to this namespace need no saving for this snapshot
        o.pinOrCreate(ns).skip = true;
      }
    }
    return n;
  }
}
