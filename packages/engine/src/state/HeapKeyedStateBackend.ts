/**
 * The heap keyed state backend (Flink's `HeapKeyedStateBackend`): one `HeapStateTable` per state,
 * state objects bound to the current key, copy-on-write snapshots materialized in chunks, restore
 * with key-group filtering (rescaling), inspection and change tracking for the studio.
 */

import type { ByteWriter } from './binary';
import { createCodec, SKIP, type StateCodec } from './codec';
import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  ReducingStateDescriptor,
  StateDescriptor,
  ValueStateDescriptor,
} from './descriptors';
import { HeapKeyedStateSnapshot } from './HeapKeyedStateSnapshot';
import { type ChangeSink, HeapStateTable } from './HeapStateTable';
import {
  HeapAggregatingState,
  HeapListState,
  HeapMapState,
  HeapReducingState,
  HeapValueState,
  type StateContext,
} from './heapStates';
import { drainTracker, keyView } from './key-views';
import type { Key, KeyGroupRange } from './keyGroups';
import {
  type InternalKvState,
  type KeyedStateBackend,
  type KeyedStateSnapshot,
  type KeyedStateSnapshotData,
  type ListKeysOptions,
  type ListKeysResult,
  type Namespace,
  type SnapshotOptions,
  StateBackendError,
  type StateKind,
  type StateTable,
} from './types';

export interface HeapKeyedStateBackendOptions {
  maxParallelism: number;
  keyGroupRange: KeyGroupRange;
  /** Processing time for TTL. */
  nowMs: () => number;
  /** Most dirty keys kept between two `drainChanges` calls (default 100 000); more are counted as dropped. */
  maxTrackedChanges?: number;
}

class ChangeTracker implements ChangeSink {
  enabled = false;
  readonly dirty = new Set<Key>();
  overflow = 0;

  constructor(private readonly cap: number) {}

  mark(key: Key): void {
    const d = this.dirty;
    if (d.size >= this.cap && !d.has(key)) this.overflow++;
    else d.add(key);
  }
}

interface Registration {
  readonly table: HeapStateTable<unknown>;
  /** Undefined while the table only holds restored data not yet claimed by a descriptor. */
  descriptor: StateDescriptor | undefined;
  state: InternalKvState | undefined;
}

type KeyTag = 0 | 1 | 2 | 3;

function keyTag(k: Key): KeyTag {
  switch (typeof k) {
    case 'string':
      return 0;
    case 'number':
      return 1;
    case 'boolean':
      return 2;
    default:
      return 3;
  }
}

function keyString(k: Key): string {
  return typeof k === 'string' ? k : String(k);
}

/** Order of inspection: by the key's string form, then by type (string, number, boolean, null). */
function compareKeyTo(k: Key, str: string, tag: number): number {
  const s = keyString(k);
  if (s < str) return -1;
  if (s > str) return 1;
  return keyTag(k) - tag;
}

/** The order `listKeys` pages in (exported so merged pages across subtasks use the same one). */
export function compareKeys(a: Key, b: Key): number {
  return compareKeyTo(a, keyString(b), keyTag(b));
}

/** The paging cursor that continues after key `k`. */
export function cursorOf(k: Key): string {
  return `${keyTag(k)}:${keyString(k)}`;
}

/** First index whose key compares greater than (`strict`) or not less than (str, tag). */
function searchKeys(keys: readonly Key[], str: string, tag: number, strict: boolean): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = compareKeyTo(keys[mid] as Key, str, tag);
    if (c < 0 || (strict && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function codecFor(descriptor: StateDescriptor): StateCodec {
  return createCodec(descriptor.kind, descriptor.ttl?.ttlMs, descriptor.elementCopy);
}

/**
 * Whether checkpointed values of kind `a` can be read as kind `b`: the same kind, or two kinds that store one
 * value per key and namespace (value, reducing, aggregating). Window contents and rolling aggregates were
 * value states before they became aggregating states; their checkpoints restore into the new kind.
 */
export function sameRepresentation(a: StateKind, b: StateKind): boolean {
  return a === b || (a !== 'list' && a !== 'map' && b !== 'list' && b !== 'map');
}

export class HeapKeyedStateBackend implements KeyedStateBackend, StateContext {
  readonly maxParallelism: number;
  readonly keyGroupRange: KeyGroupRange;
  /** Read by the state objects on every access. */
  currentKey: Key = null;
  private readonly clock: () => number;
  private readonly registrations = new Map<string, Registration>();
  private readonly tracker: ChangeTracker;
  private readonly inFlight = new Set<HeapKeyedStateSnapshot>();
  /** Block writers of released encoded snapshots, by state name and key group (`takeBlockWriter`). */
  private readonly blockPool = new Map<string, Array<ByteWriter | undefined>>();
  private keyCache: { signature: string; stateName: string | undefined; keys: Key[] } | undefined;
  private disposed = false;

  constructor(opts: HeapKeyedStateBackendOptions) {
    const { maxParallelism, keyGroupRange } = opts;
    if (!Number.isInteger(maxParallelism) || maxParallelism <= 0) {
      throw new RangeError(`maxParallelism must be a positive integer, got ${maxParallelism}`);
    }
    if (keyGroupRange.numberOfKeyGroups > 0 && keyGroupRange.endKeyGroup >= maxParallelism) {
      throw new RangeError(`${keyGroupRange} exceeds maxParallelism ${maxParallelism}`);
    }
    this.maxParallelism = maxParallelism;
    this.keyGroupRange = keyGroupRange;
    this.clock = opts.nowMs;
    this.tracker = new ChangeTracker(opts.maxTrackedChanges ?? 100_000);
  }

  nowMs(): number {
    return this.clock();
  }

  setCurrentKey(key: Key): void {
    this.currentKey = key;
  }

  getCurrentKey(): Key {
    return this.currentKey;
  }

  // ---------------------------------------------------------------- registration

  private register(descriptor: StateDescriptor): Registration {
    if (this.disposed) throw new StateBackendError('STATE_DISPOSED', 'The keyed state backend was disposed');
    const name = descriptor.name;
    let r = this.registrations.get(name);
    if (r === undefined) {
      r = {
        table: new HeapStateTable(name, codecFor(descriptor), this.tracker),
        descriptor,
        state: undefined,
      };
      this.registrations.set(name, r);
      return r;
    }
    // Restored data not claimed yet may be of another kind with the same stored values (see sameRepresentation).
    const restoredAs = r.descriptor === undefined && sameRepresentation(r.table.kind, descriptor.kind);
    if (!restoredAs && r.table.kind !== descriptor.kind) {
      throw new StateBackendError(
        'STATE_KIND_MISMATCH',
        `State '${name}' is a ${r.table.kind} state but was requested as ${descriptor.kind} state; give the new state another name`,
      );
    }
    if (r.descriptor === undefined) {
      // restored data, claimed for the first time: adopt the descriptor's copy function and TTL
      const codec = codecFor(descriptor);
      if (r.table.codec.ttlMs !== codec.ttlMs) this.convert(r.table, codec);
      else r.table.codec = codec;
      r.descriptor = descriptor;
    } else if (
      r.descriptor !== descriptor &&
      (r.descriptor.ttl === undefined) !== (descriptor.ttl === undefined)
    ) {
      throw new StateBackendError(
        'STATE_TTL_MISMATCH',
        `State '${name}' is registered ${r.descriptor.ttl ? 'with' : 'without'} TTL; use one descriptor per state name`,
      );
    }
    return r;
  }

  /** Re-encodes all values of `table` for `codec` (TTL added or dropped after a restore). */
  private convert(table: HeapStateTable<unknown>, codec: StateCodec): void {
    const old = table.codec;
    const now = this.clock();
    const entries: Array<[Key, Namespace, unknown]> = [];
    table.forEach((k, ns, v) => {
      entries.push([k, ns, v]);
    });
    table.codec = codec;
    for (const [k, ns, v] of entries) {
      const snap = old.toSnapshot(v, true, now);
      if (snap === SKIP) table.remove(k, ns);
      else table.put(k, ns, codec.fromSnapshot(snap, old.ttlMs !== undefined, now));
    }
  }

  getPartitionedState<S>(namespace: Namespace, descriptor: StateDescriptor<S>): S {
    const state = this.getOrCreateKeyedState(descriptor);
    (state as InternalKvState).setCurrentNamespace(namespace);
    return state;
  }

  getOrCreateKeyedState<S>(descriptor: StateDescriptor<S>): S {
    const r = this.register(descriptor as StateDescriptor);
    if (r.state === undefined) r.state = this.createState(r.table, descriptor as StateDescriptor);
    return r.state as S;
  }

  private createState(table: HeapStateTable<unknown>, d: StateDescriptor): InternalKvState {
    switch (d.kind) {
      case 'value':
        return new HeapValueState(this, table, d as ValueStateDescriptor<unknown>);
      case 'list':
        return new HeapListState(this, table as HeapStateTable<unknown[]>, d as ListStateDescriptor<unknown>);
      case 'map':
        return new HeapMapState(this, table as HeapStateTable<Map<Key, unknown>>, d.ttl);
      case 'reducing':
        return new HeapReducingState(this, table, d as ReducingStateDescriptor<unknown>);
      case 'aggregating':
        return new HeapAggregatingState(
          this,
          table,
          d as AggregatingStateDescriptor<unknown, unknown, unknown>,
        );
    }
  }

  getStateTable<V>(descriptor: StateDescriptor<unknown, V>): StateTable<V> {
    if (descriptor.ttl !== undefined) {
      throw new StateBackendError(
        'STATE_TTL_UNSUPPORTED',
        `State '${descriptor.name}' has a TTL; its state table is only reachable through the state object`,
      );
    }
    return this.register(descriptor as StateDescriptor).table as unknown as StateTable<V>;
  }

  // ---------------------------------------------------------------- inspection

  private signature(): string {
    let v = 0;
    for (const r of this.registrations.values()) v += r.table.structVersion;
    return `${this.registrations.size}:${v}`;
  }

  /** Distinct keys, sorted for inspection; cached until a key appears or disappears. O(n log n) to rebuild. */
  private sortedKeys(stateName: string | undefined): Key[] {
    const signature = this.signature();
    const c = this.keyCache;
    if (c !== undefined && c.signature === signature && c.stateName === stateName) return c.keys;
    const set = new Set<Key>();
    for (const [name, r] of this.registrations) {
      if (stateName !== undefined && name !== stateName) continue;
      r.table.forEach((k) => {
        set.add(k);
      });
    }
    const keys = Array.from(set).sort(compareKeys);
    this.keyCache = { signature, stateName, keys };
    return keys;
  }

  /**
   * Distinct keys over all states. O(1) when a single state in a single namespace holds values
   * (the common case); otherwise O(n) to build the distinct set (cached until keys change).
   */
  numKeys(): number {
    let only: HeapStateTable<unknown> | undefined;
    let nonEmpty = 0;
    for (const r of this.registrations.values()) {
      if (r.table.size() > 0) {
        nonEmpty++;
        only = r.table;
      }
    }
    if (only === undefined) return 0;
    if (nonEmpty === 1) {
      let n = 0;
      for (const _ of only.namespaces()) if (++n > 1) break;
      if (n === 1) return only.size();
    }
    return this.sortedKeys(undefined).length;
  }

  /**
   * Pages through keys ordered by their string form (then type). The first call after keys appeared
   * or disappeared sorts all keys: O(n log n) time and O(n) memory, on demand only; further pages
   * are O(log n + limit). A cursor is the last key returned, so it stays valid across inserts and
   * deletes. `prefix` filters on `String(key)`.
   */
  listKeys(opts: ListKeysOptions): ListKeysResult {
    const keys = this.sortedKeys(opts.stateName);
    const prefix = opts.prefix ?? '';
    let i = prefix === '' ? 0 : searchKeys(keys, prefix, -1, false);
    if (opts.cursor !== undefined && opts.cursor !== '') {
      const sep = opts.cursor.indexOf(':');
      const tag = Number(opts.cursor.slice(0, sep));
      if (sep < 0 || !Number.isInteger(tag)) throw new RangeError(`Invalid cursor: ${opts.cursor}`);
      i = Math.max(i, searchKeys(keys, opts.cursor.slice(sep + 1), tag, true));
    }
    const entries: ListKeysResult['entries'] = [];
    const limit = Math.max(0, Math.floor(opts.limit));
    while (i < keys.length && entries.length < limit) {
      const key = keys[i] as Key;
      if (prefix !== '' && !keyString(key).startsWith(prefix)) break;
      entries.push({ key, value: this.getKeyView(key) ?? null });
      i++;
    }
    const last = entries[entries.length - 1];
    const next = keys[i];
    const more = i < keys.length && (prefix === '' || keyString(next as Key).startsWith(prefix));
    return more && last !== undefined ? { entries, nextCursor: cursorOf(last.key) } : { entries };
  }

  /**
   * All states of `key`, JSON-friendly: `{ [stateName]: value }`, or
   * `{ [stateName]: { [String(namespace)]: value } }` for state in namespaces other than the void
   * one. Expired TTL values are hidden. O(states × namespaces).
   */
  getKeyView(key: Key): unknown | undefined {
    return keyView(this.registrations, key, this.clock());
  }

  setChangeTracking(enabled: boolean): void {
    this.tracker.enabled = enabled;
    if (!enabled) {
      this.tracker.dirty.clear();
      this.tracker.overflow = 0;
    }
  }

  /**
   * Returns up to `max` keys written since the last drain and clears the set. `dropped` counts the
   * changes not returned (keys beyond `max`, and writes beyond `maxTrackedChanges`); when it is
   * non-zero the caller should refresh its whole view.
   */
  drainChanges(max: number): { keys: Key[]; dropped: number } {
    return drainTracker(this.tracker, max);
  }

  // ---------------------------------------------------------------- snapshot / restore

  /**
   * Starts a copy-on-write snapshot: O(number of states); materialize it with `materializeStep`, or with
   * `options.encode` encode it with `encodeStep` (entries about to be overwritten are encoded at once, not copied).
   */
  snapshot(checkpointId: number, options?: SnapshotOptions): KeyedStateSnapshot {
    if (this.disposed) throw new StateBackendError('STATE_DISPOSED', 'The keyed state backend was disposed');
    const s = new HeapKeyedStateSnapshot(
      this,
      checkpointId,
      Array.from(this.registrations.values(), (r) => r.table),
      options?.encode === true,
    );
    this.inFlight.add(s);
    return s;
  }

  /**
   * @internal A key group's block writer left by a released snapshot of state `name`, emptied, or
   * undefined. Each is handed out once (overlapping snapshots get their own).
   */
  takeBlockWriter(name: string, keyGroup: number): ByteWriter | undefined {
    const pool = this.blockPool.get(name);
    const w = pool?.[keyGroup];
    if (w === undefined) return undefined;
    (pool as Array<ByteWriter | undefined>)[keyGroup] = undefined;
    w.pos = 0;
    return w;
  }

  /** @internal Keeps a released snapshot's block writers (one per key group and state) for the next one. */
  recycleBlockWriters(name: string, blocks: ReadonlyArray<{ w: ByteWriter } | undefined>): void {
    let pool = this.blockPool.get(name);
    if (pool === undefined) this.blockPool.set(name, (pool = []));
    blocks.forEach((b, kg) => {
      if (b !== undefined && pool[kg] === undefined) pool[kg] = b.w;
    });
  }

  /** @internal */
  snapshotEnded(s: HeapKeyedStateSnapshot): void {
    this.inFlight.delete(s);
  }

  /** Snapshots in flight (materializing and not released). */
  snapshotsInFlight(): number {
    return this.inFlight.size;
  }

  /**
   * Loads the entries of the given snapshots whose key group is in this backend's range (pass the
   * snapshots of all previous subtasks to rescale). Values are copied. Merges into existing state.
   */
  restore(snapshots: KeyedStateSnapshotData[]): void {
    if (this.disposed) throw new StateBackendError('STATE_DISPOSED', 'The keyed state backend was disposed');
    const range = this.keyGroupRange;
    const now = this.clock();
    for (const snap of snapshots) {
      if (snap.store !== undefined)
        throw new Error('internal: a staged disk store was handed to a heap backend (restore it as data)');
      if (snap.maxParallelism !== this.maxParallelism) {
        throw new StateBackendError(
          'STATE_MAX_PARALLELISM_MISMATCH',
          `Cannot restore state written with maxParallelism ${snap.maxParallelism} into maxParallelism ${this.maxParallelism}; the max parallelism of a job must not change`,
        );
      }
      const [start, end] = snap.keyGroupRange;
      if (end < range.startKeyGroup || start > range.endKeyGroup) continue;
      for (const st of snap.states) {
        const table = this.tableForRestore(st.name, st.kind, st.ttlMs).table;
        const hasTtl = st.ttlMs !== undefined;
        for (const [kg, entries] of st.byKeyGroup) {
          if (!range.contains(kg)) continue;
          if (Array.isArray(entries)) {
            for (const [k, ns, v] of entries) table.put(k, ns, table.codec.fromSnapshot(v, hasTtl, now));
            continue;
          }
          const { keys, values, namespaces, namespace } = entries;
          for (let i = 0; i < keys.length; i++) {
            const ns = namespaces ? namespaces[i]! : (namespace as Namespace);
            table.put(keys[i]!, ns, table.codec.fromSnapshot(values[i], hasTtl, now));
          }
        }
      }
    }
  }

  private tableForRestore(name: string, kind: StateKind, ttlMs: number | undefined): Registration {
    const r = this.registrations.get(name);
    if (r !== undefined) {
      if (!sameRepresentation(kind, r.table.kind)) {
        throw new StateBackendError(
          'STATE_KIND_MISMATCH',
          `Checkpointed state '${name}' is a ${kind} state but the job declares a ${r.table.kind} state of that name`,
        );
      }
      return r;
    }
    const created: Registration = {
      table: new HeapStateTable(name, createCodec(kind, ttlMs), this.tracker),
      descriptor: undefined,
      state: undefined,
    };
    this.registrations.set(name, created);
    return created;
  }

  /** Releases snapshots in flight and drops all state. */
  dispose(): void {
    for (const s of Array.from(this.inFlight)) s.release();
    for (const r of this.registrations.values()) r.table.clear();
    this.registrations.clear();
    this.keyCache = undefined;
    this.tracker.dirty.clear();
    this.disposed = true;
  }

  /** @internal state tables by name, for tests and metrics. */
  tableOf(name: string): HeapStateTable<unknown> | undefined {
    return this.registrations.get(name)?.table;
  }
}

export function createHeapKeyedStateBackend(opts: HeapKeyedStateBackendOptions): KeyedStateBackend {
  return new HeapKeyedStateBackend(opts);
}
