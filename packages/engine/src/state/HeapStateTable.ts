/**
 * The heap state table: all values of one state, namespace-major, with copy-on-write snapshots.
 *
 * Layout: `Map<Namespace, Map<Key, V>>`. Non-windowed state lives in one inner map (the void
 * namespace), i.e. effectively a flat `Map<Key, V>`; windowed state keeps one inner map per window,
 * so firing or purging a window touches one inner map. The last-used inner map is cached, so the
 * hot path (`get`/`put`/`getForUpdate`) is one `===` compare plus one `Map` operation, with no
 * allocation and no key-group hashing. Key groups are computed from the key only when snapshotting,
 * restoring or inspecting.
 *
 * Copy-on-write snapshots. `addOverlay()` (O(1)) starts a snapshot of this table. While at least
 * one overlay is active, the first write to a (key, namespace) — `put`, `remove`, `getForUpdate` —
 * saves the previous value (deep-copied) or "absent" (`undefined`) in every overlay that has not yet
 * pinned that entry. The snapshot iterator walks the live maps and reads overlay-else-live, so it
 * sees the state as of `addOverlay()`. To keep the iteration order of the live maps stable while
 * overlays exist, nothing is deleted from them: a removed entry becomes a tombstone (value
 * `undefined`, invisible to readers), a removed namespace is swapped for a fresh inner map (the old
 * one is handed to the overlays, frozen), and namespaces created after an overlay are marked new in
 * it (skipped, no per-key saves). Tombstones and empty namespaces are purged when the last overlay
 * goes away. Several overlays (overlapping snapshots) are independent: each pins its own values.
 */
import type { StateCodec } from './codec';
import type { Key } from './keyGroups';
import type { Namespace, StateTable } from './types';

/** A namespace's live map; the value `undefined` is a tombstone (exists only while overlays exist). */
export type InnerMap<V> = Map<Key, V | undefined>;

/** Receives the keys written to, when change tracking is on. */
export interface ChangeSink {
  enabled: boolean;
  mark(key: Key): void;
}

/** What one overlay knows about one namespace. */
class NsPin<V> {
  /** Writes need no saving: the namespace did not exist at snapshot time, or it was fully materialized. */
  skip = false;
  /** The namespace's map as it was when `removeNamespace` swapped it out (frozen from then on). */
  detached: InnerMap<V> | undefined = undefined;
  /** Snapshot-time values of entries written since (`undefined` = absent at snapshot time). */
  saved: Map<Key, V | undefined> | undefined = undefined;
}

/** One snapshot's copy-on-write record and iteration cursor over one table. */
export class TableOverlay<V> {
  private readonly pins = new Map<Namespace, NsPin<V>>();
  private lastNs: Namespace = Number.NaN;
  private lastPin: NsPin<V> | undefined = undefined;
  /** Iteration state. */
  outerIt: Iterator<[Namespace, InnerMap<V>]> | undefined = undefined;
  innerIt: Iterator<[Key, V | undefined]> | undefined = undefined;
  innerNs: Namespace = Number.NaN;
  innerOwned = false;
  done = false;

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
    for (const p of this.pins.values()) n += p.saved?.size ?? 0;
    return n;
  }
}

export class HeapStateTable<V> implements StateTable<V> {
  private readonly outer = new Map<Namespace, InnerMap<V>>();
  private lastNs: Namespace = Number.NaN;
  private lastInner: InnerMap<V> | undefined = undefined;
  private liveCount = 0;
  /** Incremented whenever a (key, namespace) entry appears or disappears. */
  structVersion = 0;
  private readonly overlays: TableOverlay<V>[] = [];
  /** Tombstoned keys per namespace (only while overlays exist). */
  private readonly tombstones = new Map<Namespace, Set<Key>>();
  /** Namespaces swapped for an empty map while overlays existed. */
  private readonly emptyCandidates = new Set<Namespace>();

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

  private innerOf(ns: Namespace): InnerMap<V> | undefined {
    if (ns === this.lastNs) return this.lastInner;
    const m = this.outer.get(ns);
    if (m !== undefined) {
      this.lastNs = ns;
      this.lastInner = m;
    }
    return m;
  }

  private innerOrCreate(ns: Namespace): InnerMap<V> {
    let m = ns === this.lastNs ? this.lastInner : this.outer.get(ns);
    if (m === undefined) m = this.createInner(ns);
    this.lastNs = ns;
    this.lastInner = m;
    return m;
  }

  /** A new namespace (kept apart so that the per-row `put` stays small enough to inline). */
  private createInner(ns: Namespace): InnerMap<V> {
    const m: InnerMap<V> = new Map();
    this.outer.set(ns, m);
    for (const o of this.overlays) o.pinOrCreate(ns).skip = true;
    return m;
  }

  get(key: Key, namespace: Namespace): V | undefined {
    const m = namespace === this.lastNs ? this.lastInner : this.innerOf(namespace);
    return m === undefined ? undefined : m.get(key);
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
    const v = m.get(key);
    if (v !== undefined && this.overlays.length !== 0) this.pin(key, namespace, v);
    return v;
  }

  put(key: Key, namespace: Namespace, value: V): void {
    if (value === undefined) {
      this.remove(key, namespace);
      return;
    }
    const m = this.innerOrCreate(namespace);
    if (this.overlays.length === 0) {
      const size = m.size;
      m.set(key, value);
      if (m.size !== size) {
        this.liveCount++;
        this.structVersion++;
      }
    } else this.putPinned(m, key, namespace, value);
    if (this.changes.enabled) this.changes.mark(key);
  }

  /** `put` while snapshots are in flight (kept apart so that `put` stays small enough to inline). */
  private putPinned(m: InnerMap<V>, key: Key, namespace: Namespace, value: V): void {
    const pre = m.get(key);
    this.pin(key, namespace, pre);
    if (pre === undefined) {
      this.liveCount++;
      this.structVersion++;
      this.tombstones.get(namespace)?.delete(key);
    }
    m.set(key, value);
  }

  remove(key: Key, namespace: Namespace): void {
    const m = namespace === this.lastNs ? this.lastInner : this.innerOf(namespace);
    if (m === undefined) return;
    if (this.overlays.length === 0) {
      if (!m.delete(key)) return;
      if (m.size === 0) this.dropInner(namespace);
    } else {
      const pre = m.get(key);
      if (pre === undefined) return;
      this.pin(key, namespace, pre);
      m.set(key, undefined);
      let t = this.tombstones.get(namespace);
      if (t === undefined) this.tombstones.set(namespace, (t = new Set()));
      t.add(key);
    }
    this.liveCount--;
    this.structVersion++;
    if (this.changes.enabled) this.changes.mark(key);
  }

  /** Saves the snapshot-time value of (key, ns) in every overlay that has not pinned it yet. */
  private pin(key: Key, ns: Namespace, pre: V | undefined): void {
    let copy: V | undefined;
    let copied = false;
    for (const o of this.overlays) {
      const p = o.pinOrCreate(ns);
      if (p.skip || p.detached !== undefined) continue;
      let saved = p.saved;
      if (saved === undefined) p.saved = saved = new Map();
      else if (saved.has(key)) continue;
      if (!copied) {
        copy = pre === undefined ? undefined : (this.codec.copy(pre) as V);
        copied = true;
      }
      saved.set(key, copy);
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
    for (const [ns, m] of this.outer) {
      if (m.size === 0) continue;
      const t = this.tombstones.size === 0 ? undefined : this.tombstones.get(ns);
      if (t !== undefined && t.size >= m.size) continue;
      yield ns;
    }
  }

  /** Live view of the keys with a value in `namespace`. */
  *keysOf(namespace: Namespace): IterableIterator<Key> {
    const m = this.outer.get(namespace);
    if (m === undefined) return;
    for (const [k, v] of m) if (v !== undefined) yield k;
  }

  forEachIn(namespace: Namespace, fn: (key: Key, value: V) => void): void {
    const m = this.outer.get(namespace);
    if (m === undefined) return;
    for (const [k, v] of m) if (v !== undefined) fn(k, v);
  }

  /** Live view of the (key, value) entries of `namespace`. */
  *entriesOf(namespace: Namespace): IterableIterator<[Key, V]> {
    const m = this.outer.get(namespace);
    if (m === undefined) return;
    for (const e of m) if (e[1] !== undefined) yield e as [Key, V];
  }

  removeNamespace(namespace: Namespace): void {
    const m = this.outer.get(namespace);
    if (m === undefined) return;
    const t = this.tombstones.get(namespace);
    const removed = m.size - (t?.size ?? 0);
    if (removed > 0 && this.changes.enabled)
      for (const [k, v] of m) if (v !== undefined) this.changes.mark(k);
    this.liveCount -= removed;
    this.structVersion++;
    if (this.overlays.length === 0) {
      this.dropInner(namespace);
      return;
    }
    for (const o of this.overlays) {
      const p = o.pinOrCreate(namespace);
      if (!p.skip && p.detached === undefined) p.detached = m;
    }
    this.tombstones.delete(namespace);
    const fresh: InnerMap<V> = new Map();
    this.outer.set(namespace, fresh);
    this.emptyCandidates.add(namespace);
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
    for (const [ns, m] of this.outer) for (const [k, v] of m) if (v !== undefined) fn(k, ns, v);
  }

  /** Removes everything (snapshots in flight keep their view). */
  clear(): void {
    for (const ns of Array.from(this.outer.keys())) this.removeNamespace(ns);
  }

  // ---------------------------------------------------------------- snapshots

  /** Starts a copy-on-write snapshot of this table. O(1). */
  addOverlay(): TableOverlay<V> {
    const o = new TableOverlay<V>();
    this.overlays.push(o);
    return o;
  }

  /** Ends a snapshot's copy-on-write tracking; purges tombstones when it was the last one. */
  removeOverlay(o: TableOverlay<V>): void {
    const i = this.overlays.indexOf(o);
    if (i < 0) return;
    this.overlays.splice(i, 1);
    o.outerIt = undefined;
    o.innerIt = undefined;
    if (this.overlays.length === 0) this.purge();
  }

  activeOverlays(): number {
    return this.overlays.length;
  }

  private purge(): void {
    for (const [ns, keys] of this.tombstones) {
      const m = this.outer.get(ns);
      if (m === undefined) continue;
      for (const k of keys) if (m.get(k) === undefined) m.delete(k);
      if (m.size === 0) this.outer.delete(ns);
    }
    this.tombstones.clear();
    for (const ns of this.emptyCandidates) {
      const m = this.outer.get(ns);
      if (m !== undefined && m.size === 0) this.outer.delete(ns);
    }
    this.emptyCandidates.clear();
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
      let it = o.innerIt;
      if (it === undefined) {
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
        o.innerNs = ns;
        o.innerOwned = detached !== undefined;
        o.innerIt = it = (detached ?? r.value[1]).entries();
      }
      const ns = o.innerNs;
      const owned = o.innerOwned;
      const saved = o.pinOf(ns)?.saved;
      while (n < budget) {
        const r = it.next();
        if (r.done) {
          o.innerIt = undefined;
          // later writes to this namespace need no saving for this snapshot
          o.pinOrCreate(ns).skip = true;
          break;
        }
        n++;
        const key = r.value[0];
        if (saved?.has(key)) {
          const v = saved.get(key);
          if (v !== undefined) emit(key, ns, v, true);
        } else {
          const v = r.value[1];
          if (v !== undefined) emit(key, ns, v, owned);
        }
      }
    }
    return n;
  }
}
