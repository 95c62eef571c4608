/**
 * The disk keyed state backend (Flink's `EmbeddedRocksDBStateBackend`, on LMDB): every state primitive and
 * the window/aggregate state tables live in an embedded store on disk behind a small cache (DiskStateTable),
 * so a job's state is bounded by disk, not heap. The state objects are the heap backend's, bound to disk
 * tables (they only use the table's get/getForUpdate/getPinned/put/remove), so operators do not change.
 *
 * Snapshots are incremental: the first checkpoint (and every one after a restore, or once the chain of deltas
 * outgrows its base) writes the full state, read from an LMDB read transaction (an MVCC snapshot as of the
 * barrier, so processing continues meanwhile); later ones write only the keys written since the last
 * COMPLETED checkpoint (tracked as encoded keys when they reach the store) and refer to the files earlier
 * checkpoints wrote (`incremental.base`).
 */

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createCodec, SKIP, type StateCodec } from '../codec';
import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  ReducingStateDescriptor,
  StateDescriptor,
  ValueStateDescriptor,
} from '../descriptors';
import { compareKeys, cursorOf, sameRepresentation } from '../HeapKeyedStateBackend';
import type { HeapStateTable } from '../HeapStateTable';
import {
  HeapAggregatingState,
  HeapListState,
  HeapMapState,
  HeapReducingState,
  HeapValueState,
  type StateContext,
} from '../heapStates';
import { drainTracker, keyView } from '../key-views';
import type { Key, KeyGroupRange } from '../keyGroups';
import {
  type ColumnarEntries,
  type InternalKvState,
  type KeyedStateBackend,
  type KeyedStateSnapshot,
  type KeyedStateSnapshotData,
  type KeyedStateSnapshotStateData,
  type ListKeysOptions,
  type ListKeysResult,
  type Namespace,
  type SnapshotOptions,
  StateBackendError,
  type StateKind,
  type StateTable,
} from '../types';
import { type CacheBudget, cacheBudget } from './cacheBudget';
import { DiskStateTable } from './DiskStateTable';
import { decodeKey, keyGroupOf } from './keyLayout';
import { NativeSnapshotWriter, type NativeStoreMeta } from './native';
import { openStateStore, type StateStore, storeError, uniqueDir } from './store';

/** A file an incremental checkpoint wrote (structurally the checkpoint storage's `SharedStateRef`). */
export interface SharedStateHandle {
  name: string;
  size: number;
  sha256: string;
  checkpointId: number;
  /** A full snapshot (the base of a chain) or a delta. */
  full: boolean;
  keyGroupIndex: Array<[number, number, number]>;
  format?: 'lmdb';
  exclusive?: true;
}

/** What an incremental snapshot adds to `KeyedStateSnapshot` (see checkpoint/io.ts). */
export interface IncrementalSnapshotInfo {
  readonly mode: 'full' | 'delta';
  /** The files of earlier completed checkpoints this one builds on, oldest (the full one) first. */
  readonly base: readonly SharedStateHandle[];
  /** Per state (same order as `result().states`): removed (key, namespace) per key group. */
  removed(): Array<Array<[number, { keys: Key[]; namespaces: Namespace[] }]>>;
  /** The checkpoint writer stored this snapshot's file. */
  written(ref: SharedStateHandle): void;
  /** A full snapshot as an LMDB file (native.ts): its bytes, once materialized. */
  readonly native?: { chunks(): AsyncIterable<Uint8Array>; readonly meta: NativeStoreMeta };
  /**
   * A savepoint's full snapshot: its file goes in the savepoint's own directory (no later checkpoint builds on
   * it, and the savepoint can be copied elsewhere), as Flink's savepoints share no files.
   */
  readonly exclusive?: boolean;
}

export type IncrementalKeyedStateSnapshot = KeyedStateSnapshot & { incremental: IncrementalSnapshotInfo };

export interface DiskKeyedStateBackendOptions {
  maxParallelism: number;
  keyGroupRange: KeyGroupRange;
  nowMs: () => number;
  /** Directory the store is created in (a fresh subdirectory per backend; deleted on dispose). */
  stateDir: string;
  /** Names the store's directory (e.g. `<job>-<node>-<subtask>`). */
  label?: string;
  /**
   * Cache entries per state before a write batch goes to the store. Default: an equal share of the process's
   * cache budget (a quarter of the heap, `cacheBudget.ts`), at most 131 072.
   */
  cacheEntries?: number;
  /** The budget shared tables draw from when `cacheEntries` is not given (default: the process's). */
  cacheBudget?: CacheBudget;
  maxTrackedChanges?: number;
  /** A delta chain longer than this is compacted by a full checkpoint (default 10). */
  maxChain?: number;
  /** A full snapshot of at least this many entries is an LMDB file (default 100 000; 0: always). */
  nativeMinEntries?: number;
}

class ChangeTracker {
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
  readonly table: DiskStateTable<unknown>;
  descriptor: StateDescriptor | undefined;
  state: InternalKvState | undefined;
}

function codecFor(d: StateDescriptor): StateCodec {
  return createCodec(d.kind, d.ttl?.ttlMs, d.elementCopy);
}

/**
 * A full snapshot of at least this many entries is the store as an LMDB file (native.ts); a smaller one is
 * written as JSON-lines sections: a new LMDB environment per checkpoint costs more than a small state's entries.
 */
const NATIVE_MIN_ENTRIES = 100_000;

/** A delta bigger than this share of the state is written as a full snapshot instead. */
const FULL_RATIO = 0.5;

export class DiskKeyedStateBackend implements KeyedStateBackend, StateContext {
  readonly maxParallelism: number;
  readonly keyGroupRange: KeyGroupRange;
  currentKey: Key = null;
  private readonly clock: () => number;
  private readonly store: StateStore;
  private readonly stateDir: string;
  private readonly label: string;
  private readonly registrations = new Map<string, Registration>();
  private readonly tracker: ChangeTracker;
  private readonly cacheEntries: number | undefined;
  private readonly budget: CacheBudget;
  /** Tables this backend counts in `budget`. */
  private budgeted = 0;
  private readonly maxChain: number;
  private readonly nativeMinEntries: number;
  private disposed = false;
  private keyCache: { signature: string; stateName: string | undefined; keys: Key[] } | undefined;
  /** Incremental checkpoints: the chain of the last completed checkpoint, and changes of those in flight. */
  private confirmed: { checkpointId: number; chain: SharedStateHandle[] } | undefined;
  private readonly pending = new Map<
    number,
    { chain: SharedStateHandle[] | undefined; changes: Map<string, Set<string>> }
  >();
  private readonly snapshots = new Set<DiskKeyedStateSnapshot>();
  /** Savepoints taken and not yet completed (or abandoned): their completion changes nothing here. */
  private readonly savepoints = new Set<number>();

  constructor(opts: DiskKeyedStateBackendOptions) {
    const { maxParallelism, keyGroupRange } = opts;
    if (!Number.isInteger(maxParallelism) || maxParallelism <= 0)
      throw new RangeError(`maxParallelism must be a positive integer, got ${maxParallelism}`);
    this.maxParallelism = maxParallelism;
    this.keyGroupRange = keyGroupRange;
    this.clock = opts.nowMs;
    this.tracker = new ChangeTracker(opts.maxTrackedChanges ?? 100_000);
    this.cacheEntries = opts.cacheEntries;
    this.budget = opts.cacheBudget ?? cacheBudget;
    this.maxChain = opts.maxChain ?? 10;
    this.nativeMinEntries = opts.nativeMinEntries ?? NATIVE_MIN_ENTRIES;
    this.stateDir = opts.stateDir;
    this.label = opts.label ?? 'state';
    this.store = openStateStore(opts.stateDir, this.label);
  }

  /** The store's directory (deleted by `dispose`). */
  get storePath(): string {
    return this.store.path;
  }

  /** Bytes of the store's files (LMDB's data and lock files): one `stat` each; 0 once disposed. */
  diskBytes(): number {
    if (this.disposed) return 0;
    let n = 0;
    try {
      for (const f of readdirSync(this.store.path)) n += statSync(join(this.store.path, f)).size;
    } catch {
      // the directory went away (disposed meanwhile): nothing on disk
    }
    return n;
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

  private newTable(name: string, codec: StateCodec): DiskStateTable<unknown> {
    const store = this.store;
    const fixed = this.cacheEntries;
    const budget = this.budget;
    if (fixed === undefined) {
      budget.add();
      this.budgeted++;
    }
    const t = new DiskStateTable<unknown>(name, codec, store.db(name), {
      maxParallelism: this.maxParallelism,
      keyGroupRange: this.keyGroupRange,
      get storePath() {
        return store.path;
      },
      get cacheEntries() {
        return fixed ?? budget.perTable;
      },
      changes: this.tracker,
    });
    // changes are tracked once a checkpoint was taken (the first one is full anyway)
    if (this.confirmed !== undefined || this.pending.size > 0) t.changed = new Set();
    return t;
  }

  private register(descriptor: StateDescriptor): Registration {
    if (this.disposed) throw new StateBackendError('STATE_DISPOSED', 'The keyed state backend was disposed');
    const name = descriptor.name;
    let r = this.registrations.get(name);
    if (r === undefined) {
      r = { table: this.newTable(name, codecFor(descriptor)), descriptor, state: undefined };
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

  private convert(table: DiskStateTable<unknown>, codec: StateCodec): void {
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

  private createState(disk: DiskStateTable<unknown>, d: StateDescriptor): InternalKvState {
    // The heap state objects only use get/getForUpdate/getPinned/put/remove/snapshotting of their table.
    const table = disk as unknown as HeapStateTable<unknown>;
    switch (d.kind) {
      case 'value':
        return new HeapValueState(this, table, d as ValueStateDescriptor<unknown>);
      case 'list':
        return new HeapListState(this, table as HeapStateTable<unknown[]>, d as ListStateDescriptor<unknown>);
      case 'map':
        return new HeapMapState(this, table as unknown as HeapStateTable<Map<Key, unknown>>, d.ttl);
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

  private sortedKeys(stateName: string | undefined): Key[] {
    let v = 0;
    for (const r of this.registrations.values()) v += r.table.structVersion;
    const signature = `${this.registrations.size}:${v}`;
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

  numKeys(): number {
    let only: DiskStateTable<unknown> | undefined;
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

  listKeys(opts: ListKeysOptions): ListKeysResult {
    const keys = this.sortedKeys(opts.stateName);
    const prefix = opts.prefix ?? '';
    const str = (k: Key) => (typeof k === 'string' ? k : String(k));
    let i = 0;
    if (prefix !== '') while (i < keys.length && str(keys[i] as Key) < prefix) i++;
    if (opts.cursor !== undefined && opts.cursor !== '') {
      const sep = opts.cursor.indexOf(':');
      const tag = Number(opts.cursor.slice(0, sep));
      if (sep < 0 || !Number.isInteger(tag)) throw new RangeError(`Invalid cursor: ${opts.cursor}`);
      const cstr = opts.cursor.slice(sep + 1);
      // first key after the cursor, in compareKeys order: by string form, then by type tag
      const tagOf = (k: Key) =>
        typeof k === 'string' ? 0 : typeof k === 'number' ? 1 : typeof k === 'boolean' ? 2 : 3;
      while (i < keys.length) {
        const k = keys[i] as Key;
        const ks = str(k);
        if (ks > cstr || (ks === cstr && tagOf(k) > tag)) break;
        i++;
      }
    }
    const entries: ListKeysResult['entries'] = [];
    const limit = Math.max(0, Math.floor(opts.limit));
    while (i < keys.length && entries.length < limit) {
      const key = keys[i] as Key;
      if (prefix !== '' && !str(key).startsWith(prefix)) break;
      entries.push({ key, value: this.getKeyView(key) ?? null });
      i++;
    }
    const last = entries[entries.length - 1];
    const next = keys[i];
    const more = i < keys.length && (prefix === '' || str(next as Key).startsWith(prefix));
    return more && last !== undefined ? { entries, nextCursor: cursorOf(last.key) } : { entries };
  }

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

  drainChanges(max: number): { keys: Key[]; dropped: number } {
    return drainTracker(this.tracker, max);
  }

  // ---------------------------------------------------------------- snapshot / restore

  /**
   * At the barrier: writes the cache's dirty entries (one batch per state), opens an LMDB read transaction
   * (the snapshot), and decides full or delta. Materialization reads the transaction in steps.
   */
  snapshot(checkpointId: number, options?: SnapshotOptions): IncrementalKeyedStateSnapshot {
    if (this.disposed) throw new StateBackendError('STATE_DISPOSED', 'The keyed state backend was disposed');
    const tables = Array.from(this.registrations.values(), (r) => r.table);
    for (const t of tables) t.flush();
    // A savepoint: the full state, outside the chain. The changes go on being tracked for the next checkpoint.
    if (options?.savepoint === true) {
      this.savepoints.add(checkpointId);
      return this.fullSnapshot(checkpointId, tables, true);
    }
    // changes since the last completed checkpoint: those of snapshots still pending + the current ones
    const changes = new Map<string, Set<string>>();
    let tracked = true;
    for (const t of tables) {
      if (t.changed === undefined) tracked = false;
      const set = t.changed ?? new Set<string>();
      changes.set(t.name, set);
      t.changed = new Set();
    }
    const delta = new Map<string, Set<string>>();
    for (const p of this.pending.values()) for (const [name, s] of p.changes) mergeInto(delta, name, s);
    for (const [name, s] of changes) mergeInto(delta, name, s);
    const base = this.confirmed?.chain ?? [];
    let total = 0;
    let changed = 0;
    for (const t of tables) total += t.size();
    for (const s of delta.values()) changed += s.size;
    const deltaBytes = base.slice(1).reduce((n, f) => n + f.size, 0);
    const full =
      !tracked ||
      this.confirmed === undefined ||
      base.length === 0 ||
      base.length > this.maxChain ||
      deltaBytes > (base[0]?.size ?? 0) ||
      changed > Math.max(64, total * FULL_RATIO);
    this.pending.set(checkpointId, { chain: undefined, changes });
    if (full) return this.fullSnapshot(checkpointId, tables, false);
    return this.snapshotOf(checkpointId, tables, delta, base, false, false);
  }

  /** A full snapshot: an LMDB file when the state is large enough (`nativeMinEntries`), else sections. */
  private fullSnapshot(
    checkpointId: number,
    tables: DiskStateTable<unknown>[],
    exclusive: boolean,
  ): IncrementalKeyedStateSnapshot {
    let total = 0;
    for (const t of tables) total += t.size();
    return this.snapshotOf(checkpointId, tables, undefined, [], total >= this.nativeMinEntries, exclusive);
  }

  private snapshotOf(
    checkpointId: number,
    tables: DiskStateTable<unknown>[],
    delta: Map<string, Set<string>> | undefined,
    base: readonly SharedStateHandle[],
    nativeFile: boolean,
    exclusive: boolean,
  ): IncrementalKeyedStateSnapshot {
    let txn: { done(): void } | undefined;
    try {
      txn = tables[0]?.db.useReadTransaction();
    } catch (e) {
      throw storeError(this.store.path, 'snapshot', e);
    }
    let native: NativeSnapshotWriter | undefined;
    if (nativeFile) {
      const range = this.keyGroupRange;
      native = new NativeSnapshotWriter(
        uniqueDir(this.stateDir, `${this.label}-chk${checkpointId}`),
        tables.map((t) => this.store.rawDb(t.name)),
        txn,
        {
          format: 1,
          maxParallelism: this.maxParallelism,
          keyGroupRange: [range.startKeyGroup, range.endKeyGroup],
          states: tables.map((t) => t.storeMeta()),
        },
      );
    }
    const s = new DiskKeyedStateSnapshot(this, checkpointId, tables, txn, delta, base, native, exclusive);
    this.snapshots.add(s);
    return s;
  }

  /** @internal a snapshot's file was written: the chain of that checkpoint, confirmed on completion. */
  snapshotWritten(checkpointId: number, chain: SharedStateHandle[]): void {
    const p = this.pending.get(checkpointId);
    if (p) p.chain = chain;
  }

  /** @internal */
  snapshotEnded(s: DiskKeyedStateSnapshot): void {
    this.snapshots.delete(s);
  }

  /**
   * The checkpoint completed: its files are the base of the next delta; the changes up to it are in a
   * checkpoint and need not be written again. (A checkpoint that never completes leaves its changes pending:
   * the next delta includes them.)
   */
  notifyCheckpointComplete(checkpointId: number): void {
    // a savepoint is not part of the chain: it neither confirms a base nor covers the pending changes
    if (this.savepoints.delete(checkpointId)) return;
    const p = this.pending.get(checkpointId);
    if (p?.chain !== undefined) this.confirmed = { checkpointId, chain: p.chain };
    for (const id of Array.from(this.pending.keys())) if (id <= checkpointId) this.pending.delete(id);
    for (const id of Array.from(this.savepoints)) if (id < checkpointId) this.savepoints.delete(id);
    for (const r of this.registrations.values()) r.table.changed ??= new Set();
  }

  restore(snapshots: KeyedStateSnapshotData[]): void {
    if (this.disposed) throw new StateBackendError('STATE_DISPOSED', 'The keyed state backend was disposed');
    const range = this.keyGroupRange;
    const now = this.clock();
    const staged = snapshots.filter((s) => s.store !== undefined);
    if (staged.length > 0) {
      if (staged.length !== 1 || snapshots.length !== 1)
        throw new Error('internal: a staged store must be the only snapshot a disk backend restores');
      const snap = staged[0]!;
      this.adopt(snap);
      // the store is exactly the restored chain: the next checkpoint can be a delta on it (changes tracked now)
      const continues = snap.store!.continues;
      this.confirmed =
        continues !== undefined
          ? { checkpointId: continues.checkpointId, chain: [...continues.chain] }
          : undefined;
      if (continues !== undefined) for (const r of this.registrations.values()) r.table.changed ??= new Set();
      return;
    }
    for (const snap of snapshots) {
      if (snap.maxParallelism !== this.maxParallelism) {
        throw new StateBackendError(
          'STATE_MAX_PARALLELISM_MISMATCH',
          `Cannot restore state written with maxParallelism ${snap.maxParallelism} into maxParallelism ${this.maxParallelism}; the max parallelism of a job must not change`,
        );
      }
      const [start, end] = snap.keyGroupRange;
      if (end < range.startKeyGroup || start > range.endKeyGroup) continue;
      for (const st of snap.states) {
        const table = this.tableForRestore(st.name, st.kind, st.ttlMs);
        const hasTtl = st.ttlMs !== undefined;
        const codec = table.codec;
        const entries = function* (): Iterable<[Key, Namespace, unknown]> {
          for (const [kg, es] of st.byKeyGroup) {
            if (!range.contains(kg)) continue;
            if (Array.isArray(es)) {
              for (const [k, ns, v] of es) yield [k, ns, codec.fromSnapshot(v, hasTtl, now)];
              continue;
            }
            const { keys, values, namespaces, namespace } = es as ColumnarEntries;
            for (let i = 0; i < keys.length; i++)
              yield [
                keys[i]!,
                namespaces ? namespaces[i]! : (namespace as Namespace),
                codec.fromSnapshot(values[i], hasTtl, now),
              ];
          }
        };
        if (table.size() === 0) table.bulkLoad(entries());
        else for (const [k, ns, v] of entries()) table.put(k, ns, v);
      }
    }
    // the next checkpoint is a full one (its files are this backend's own)
    this.confirmed = undefined;
  }

  /**
   * Takes a restored checkpoint's LMDB file (staged by checkpoint/restore.ts, deltas applied) as this backend's
   * store: no entry is re-inserted. The tables' in-memory counts come from the snapshot's metadata.
   */
  private adopt(snap: KeyedStateSnapshotData): void {
    const [start, end] = snap.keyGroupRange;
    if (
      snap.maxParallelism !== this.maxParallelism ||
      start !== this.keyGroupRange.startKeyGroup ||
      end !== this.keyGroupRange.endKeyGroup
    )
      throw new Error(
        `internal: a staged store of key groups [${start}, ${end}] (maxParallelism ${snap.maxParallelism}) cannot be adopted by a backend of [${this.keyGroupRange.startKeyGroup}, ${this.keyGroupRange.endKeyGroup}]`,
      );
    this.store.adopt(snap.store!.dir);
    this.keyCache = undefined;
    for (const [name, r] of this.registrations) r.table.adopt(this.store.db(name), undefined);
    for (const m of snap.store!.meta.states) {
      const table = this.tableForRestore(m.name, m.kind, m.ttlMs);
      table.adopt(this.store.db(m.name), m);
    }
  }

  private tableForRestore(name: string, kind: StateKind, ttlMs: number | undefined): DiskStateTable<unknown> {
    const r = this.registrations.get(name);
    if (r !== undefined) {
      if (!sameRepresentation(kind, r.table.kind)) {
        throw new StateBackendError(
          'STATE_KIND_MISMATCH',
          `Checkpointed state '${name}' is a ${kind} state but the job declares a ${r.table.kind} state of that name`,
        );
      }
      return r.table;
    }
    const table = this.newTable(name, createCodec(kind, ttlMs));
    this.registrations.set(name, { table, descriptor: undefined, state: undefined });
    return table;
  }

  /** Ends snapshots in flight, closes the store and deletes its directory. */
  dispose(): void {
    if (this.disposed) return;
    for (const s of Array.from(this.snapshots)) s.release();
    this.registrations.clear();
    this.keyCache = undefined;
    this.tracker.dirty.clear();
    this.disposed = true;
    this.budget.remove(this.budgeted);
    this.budgeted = 0;
    this.store.destroy();
  }

  /** @internal tables by name, for tests and the bench. */
  tableOf(name: string): DiskStateTable<unknown> | undefined {
    return this.registrations.get(name)?.table;
  }
}

function mergeInto(into: Map<string, Set<string>>, name: string, s: Set<string>): void {
  const t = into.get(name);
  if (t === undefined) into.set(name, new Set(s));
  else for (const k of s) t.add(k);
}

interface Bucket {
  keys: Key[];
  values: unknown[];
  namespaces: Namespace[];
}

/** Reads the LMDB snapshot: everything (full) or the changed keys (delta), in key-group order, in steps. */
class DiskKeyedStateSnapshot implements IncrementalKeyedStateSnapshot {
  private index = 0;
  private iter: Iterator<[Buffer, unknown]> | undefined;
  private readonly buckets: Array<Map<number, Bucket>>;
  private readonly removedBy: Array<Map<number, { keys: Key[]; namespaces: Namespace[] }>>;
  private data: KeyedStateSnapshotData | undefined;
  private released = false;
  /** Native (full) mode: the LMDB copy is complete. */
  private copied = false;
  readonly incremental: IncrementalSnapshotInfo;

  constructor(
    private readonly backend: DiskKeyedStateBackend,
    readonly checkpointId: number,
    private readonly tables: DiskStateTable<unknown>[],
    private txn: { done(): void } | undefined,
    private readonly delta: Map<string, Set<string>> | undefined,
    base: readonly SharedStateHandle[],
    private readonly native: NativeSnapshotWriter | undefined,
    exclusive: boolean,
  ) {
    this.buckets = tables.map(() => new Map());
    this.removedBy = tables.map(() => new Map());
    const self = this;
    this.incremental = {
      mode: delta === undefined ? 'full' : 'delta',
      base,
      removed() {
        return self.removedBy.map((m) => [...m.entries()].sort((a, b) => a[0] - b[0]));
      },
      written(ref) {
        if (!exclusive) backend.snapshotWritten(checkpointId, [...base, ref]);
      },
      ...(exclusive ? { exclusive } : {}),
      ...(native !== undefined ? { native: { chunks: () => native.chunks(), meta: native.meta } } : {}),
    };
  }

  private entries(t: DiskStateTable<unknown>): Iterator<[Buffer, unknown]> {
    const txn = this.txn as never;
    if (this.delta === undefined) {
      const it = t.db.getRange({ transaction: txn })[Symbol.iterator]();
      return {
        next: () => {
          const r = it.next();
          return r.done
            ? { done: true, value: undefined }
            : { done: false, value: [r.value.key as Buffer, r.value.value] };
        },
      };
    }
    const keys = Array.from(this.delta.get(t.name) ?? [], (s) => Buffer.from(s, 'latin1')).sort(
      Buffer.compare,
    );
    let i = 0;
    return {
      next: () => {
        if (i >= keys.length) return { done: true, value: undefined };
        const k = keys[i++]!;
        return { done: false, value: [k, t.db.get(k, { transaction: txn } as never)] };
      },
    };
  }

  materializeStep(budget: number): boolean {
    if (this.released) throw new Error(`Snapshot ${this.checkpointId} was released`);
    if (this.data !== undefined) return true;
    if (this.native !== undefined) {
      // full: the store's entries copied as raw bytes into an LMDB file (native.ts), no decoding
      if (this.copied) return true;
      if (!this.native.step(budget)) return false;
      this.copied = true;
      this.txn?.done();
      this.txn = undefined;
      this.backend.snapshotEnded(this);
      return true;
    }
    const now = this.backend.nowMs();
    let n = Math.max(1, budget);
    while (this.index < this.tables.length && n > 0) {
      const t = this.tables[this.index]!;
      this.iter ??= this.entries(t);
      const buckets = this.buckets[this.index]!;
      const removed = this.removedBy[this.index]!;
      for (; n > 0; n--) {
        const r = this.iter.next();
        if (r.done) {
          this.iter = undefined;
          this.index++;
          break;
        }
        const kb = r.value[0];
        const v = (r.value[1] as [number, unknown] | undefined)?.[1];
        const kg = keyGroupOf(kb);
        const d = decodeKey(kb);
        if (v === undefined) {
          let b = removed.get(kg);
          if (b === undefined) removed.set(kg, (b = { keys: [], namespaces: [] }));
          b.keys.push(d.key);
          b.namespaces.push(d.namespace);
          continue;
        }
        const snap = t.codec.toSnapshot(v, true, now);
        if (snap === SKIP) continue;
        let b = buckets.get(kg);
        if (b === undefined) buckets.set(kg, (b = { keys: [], values: [], namespaces: [] }));
        b.keys.push(d.key);
        b.values.push(snap);
        b.namespaces.push(d.namespace);
      }
    }
    if (this.index < this.tables.length) return false;
    this.finish();
    return true;
  }

  private finish(): void {
    this.txn?.done();
    this.txn = undefined;
    const states: KeyedStateSnapshotStateData[] = this.tables.map((t, i) => {
      const byKeyGroup: KeyedStateSnapshotStateData['byKeyGroup'] = [...this.buckets[i]!.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([kg, b]) => {
          const first = b.namespaces[0];
          const same = b.namespaces.every((ns) => ns === first);
          const e: ColumnarEntries = same
            ? { keys: b.keys, values: b.values, namespace: first as Namespace }
            : { keys: b.keys, values: b.values, namespaces: b.namespaces };
          return [kg, e];
        });
      const st: KeyedStateSnapshotStateData = { name: t.name, kind: t.codec.kind, byKeyGroup };
      if (t.codec.ttlMs !== undefined) st.ttlMs = t.codec.ttlMs;
      return st;
    });
    const range = this.backend.keyGroupRange;
    this.data = {
      maxParallelism: this.backend.maxParallelism,
      keyGroupRange: [range.startKeyGroup, range.endKeyGroup],
      states,
    };
    this.backend.snapshotEnded(this);
  }

  result(): KeyedStateSnapshotData {
    if (this.released) throw new Error(`Snapshot ${this.checkpointId} was released`);
    if (this.data === undefined) this.materializeStep(Number.POSITIVE_INFINITY);
    if (this.data === undefined && this.native !== undefined) {
      // a native snapshot as data (tests, the operator harness): decoded from the LMDB copy
      const now = this.backend.nowMs();
      this.native.forEachEntry((i, kb, stored) => {
        const v = (stored as [number, unknown])[1];
        const snap = this.tables[i]!.codec.toSnapshot(v, true, now);
        if (snap === SKIP) return;
        const kg = keyGroupOf(kb);
        const d = decodeKey(kb);
        const buckets = this.buckets[i]!;
        let b = buckets.get(kg);
        if (b === undefined) buckets.set(kg, (b = { keys: [], values: [], namespaces: [] }));
        b.keys.push(d.key);
        b.values.push(snap);
        b.namespaces.push(d.namespace);
      });
      this.finish();
    }
    return this.data as KeyedStateSnapshotData;
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.native?.discard();
    this.txn?.done();
    this.txn = undefined;
    this.data = undefined;
    this.backend.snapshotEnded(this);
  }
}

export function createDiskKeyedStateBackend(opts: DiskKeyedStateBackendOptions): DiskKeyedStateBackend {
  return new DiskKeyedStateBackend(opts);
}
