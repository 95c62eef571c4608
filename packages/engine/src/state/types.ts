/** Public state types: namespaces, the state primitives, state tables, snapshots and the backends. */

import type { StateDescriptor } from './descriptors';
import type { SharedStateHandle } from './disk/DiskKeyedStateBackend';
import type { NativeStoreMeta } from './disk/native';
import type { Key, KeyGroupRange } from './keyGroups';

/** The namespace a state value lives in: a window (encoded as a number or string) or the void namespace. */
export type Namespace = number | string;

/** The namespace of non-windowed keyed state (Flink's `VoidNamespace`). */
export const VOID_NAMESPACE: Namespace = '__void__';

export type StateKind = 'value' | 'list' | 'map' | 'reducing' | 'aggregating';

/**
 * Implemented by every keyed state object: which namespace subsequent accesses address, and the table of all
 * its values (`SV` is the stored value per key and namespace, see `StateDescriptor`).
 */
export interface InternalKvState<SV = unknown> {
  setCurrentNamespace(namespace: Namespace): void;
  /**
   * All values of this state, across keys and namespaces, for what Flink's operators do key by key but an
   * operator here does for a whole namespace at once — a window operator firing or dropping one window for
   * every key, restoring its timers from the open windows, rendering a key's windows. Throws for a state
   * with TTL (its stored values carry timestamps).
   */
  getStateTable(): StateTable<SV>;
}

/** States whose values in several namespaces can be merged into one (session windows). */
export interface InternalMergingState<SV = unknown> extends InternalKvState<SV> {
  /** For the current key: merges the values of `sources` into `target` and removes them from `sources`. */
  mergeNamespaces(target: Namespace, sources: Iterable<Namespace>): void;
}

/**
 * Flink's `InternalAppendingState` (list, reducing and aggregating state): raw access to the stored value of
 * the current key and namespace — what an operator uses on its per-row path to update an accumulator in
 * place with one lookup.
 */
export interface InternalAppendingState<SV> extends InternalMergingState<SV> {
  /**
   * The stored value (a list's array, a reducing state's value, an aggregating state's accumulator), safe to
   * mutate in place: pinned against snapshots in flight, and the key is marked changed. Undefined when none.
   */
  getInternal(): SV | undefined;
  /** Replaces the stored value; `undefined` clears it. */
  updateInternal(value: SV | undefined): void;
}

export interface ValueState<T> {
  value(): T | undefined;
  /** `undefined` clears the state. */
  update(value: T | undefined): void;
  clear(): void;
}

export interface ListState<T> {
  /** The elements; an empty iterable when there are none. Do not mutate the returned collection. */
  get(): Iterable<T>;
  add(value: T): void;
  addAll(values: T[]): void;
  /** Replaces the elements; an empty array clears the state. */
  update(values: T[]): void;
  clear(): void;
}

export interface MapState<UK extends Key, UV> {
  get(key: UK): UV | undefined;
  put(key: UK, value: UV): void;
  putAll(entries: Map<UK, UV> | Iterable<readonly [UK, UV]>): void;
  remove(key: UK): void;
  contains(key: UK): boolean;
  entries(): Iterable<[UK, UV]>;
  keys(): Iterable<UK>;
  values(): Iterable<UV>;
  isEmpty(): boolean;
  clear(): void;
}

export interface ReducingState<T> {
  get(): T | undefined;
  add(value: T): void;
  clear(): void;
}

export interface AggregatingState<IN, OUT> {
  get(): OUT | undefined;
  add(value: IN): void;
  clear(): void;
}

export interface InternalValueState<T> extends ValueState<T>, InternalKvState<T> {}
export interface InternalListState<T> extends ListState<T>, InternalAppendingState<T[]> {}
export interface InternalMapState<UK extends Key, UV>
  extends MapState<UK, UV>,
    InternalKvState<Map<UK, UV>> {}
export interface InternalReducingState<T> extends ReducingState<T>, InternalAppendingState<T> {}
/** `ACC` is the accumulator: what the state stores per key and namespace. */
export interface InternalAggregatingState<IN, ACC, OUT>
  extends AggregatingState<IN, OUT>,
    InternalAppendingState<ACC> {}

/**
 * Direct access to one state's values across keys and namespaces (the heap `HeapStateTable` implements it):
 * no state object, no per-access allocation. Values are the stored representation (a `ListState`'s array,
 * a `MapState`'s `Map`, an `AggregatingState`'s accumulator). Reached through a state object's
 * `getStateTable()` (or the backend's); not available for states with TTL.
 *
 * Values returned by `get` must not be mutated; mutate only what `getForUpdate` returned (it makes
 * the value safe with respect to snapshots in flight) and the change is then part of the state.
 */
export interface StateTable<V> {
  get(key: Key, namespace: Namespace): V | undefined;
  /** The live value for in-place mutation, safe w.r.t. running snapshots; marks the key changed. */
  getForUpdate(key: Key, namespace: Namespace): V | undefined;
  /** `undefined` removes. */
  put(key: Key, namespace: Namespace, value: V): void;
  remove(key: Key, namespace: Namespace): void;
  /** Namespaces that hold at least one value. */
  namespaces(): Iterable<Namespace>;
  keysOf(namespace: Namespace): Iterable<Key>;
  /** Calls `fn` for every (key, value) of `namespace`, in the order the keys entered it. Do not write from `fn`. */
  forEachIn(namespace: Namespace, fn: (key: Key, value: V) => void): void;
  removeNamespace(namespace: Namespace): void;
  /** Number of (key, namespace) entries. */
  size(): number;
}

/** One state's entries of one snapshot, grouped by key group in ascending order. */
export interface KeyedStateSnapshotStateData {
  name: string;
  kind: StateKind;
  /** Present when values carry their TTL timestamp as `{ v, ts }` (lists: per element; maps: per entry). */
  ttlMs?: number;
  /** Entries per key group: `[key, namespace, value]` triples, or columnar (what checkpoint files hold). */
  byKeyGroup: Array<[keyGroup: number, entries: Array<[Key, Namespace, unknown]> | ColumnarEntries]>;
}

/**
 * Entries as three parallel arrays (one namespace for all when `namespace` is set): far fewer objects to
 * parse and collect than one array per entry, which makes restoring a million keys fast.
 */
export interface ColumnarEntries {
  keys: Key[];
  values: unknown[];
  namespaces?: Namespace[];
  namespace?: Namespace;
}

/**
 * Plain JSON-compatible data of one keyed state backend at one checkpoint (given JSON-compatible
 * state values). Value encodings: value/reducing/aggregating → the value; list → array; map →
 * array of `[userKey, value]`; with TTL each value/element/map value is `{ v, ts }`.
 */
export interface KeyedStateSnapshotData {
  maxParallelism: number;
  keyGroupRange: [start: number, endInclusive: number];
  states: KeyedStateSnapshotStateData[];
  extra?: Record<string, unknown>;
  /**
   * A restored disk-backend store staged in a directory (checkpoint/restore.ts): a disk backend of exactly this
   * key-group range adopts it as its store instead of inserting entries (`states` is then empty).
   */
  store?: {
    dir: string;
    meta: NativeStoreMeta;
    /**
     * The staged store is exactly this chain of checkpoint `checkpointId`, whose files are in the shared
     * directory the job's next checkpoints go to: the backend continues it (the next checkpoint is a delta).
     */
    continues?: { checkpointId: number; chain: SharedStateHandle[] };
  };
}

/** One key group's entries of one state, binary: `count` (key, value) pairs as `ByteWriter` values. */
export interface EncodedEntries {
  count: number;
  bytes: Uint8Array;
  namespaces?: Namespace[];
  namespace?: Namespace;
}

/** A keyed snapshot encoded for a checkpoint file (format 2): per state, per key group, a binary block. */
export interface EncodedKeyedStateSnapshot {
  maxParallelism: number;
  keyGroupRange: [start: number, endInclusive: number];
  states: Array<{
    name: string;
    kind: StateKind;
    ttlMs?: number;
    byKeyGroup: Array<[keyGroup: number, entries: EncodedEntries]>;
  }>;
}

export interface SnapshotOptions {
  /**
   * The snapshot will be written in binary sections (`encodeStep`, as checkpoints are): a backend that can
   * encodes an entry about to be overwritten there and then instead of keeping a copy of it.
   */
  encode?: boolean;
  /**
   * A savepoint's snapshot: self-contained, as Flink's savepoints are (`SavepointType` shares no files). A backend
   * with incremental checkpoints writes the full state into the savepoint's own directory and keeps it out of
   * its chain: the next checkpoint's delta still builds on the last completed checkpoint.
   */
  savepoint?: boolean;
}

/**
 * A snapshot in progress. `snapshot()` pinned the state at that moment (copy-on-write); the data is
 * produced in chunks so the caller can interleave record processing with materialization.
 */
export interface KeyedStateSnapshot {
  readonly checkpointId: number;
  /** Materializes up to about `budget` entries; returns true when done. */
  materializeStep(budget: number): boolean;
  /** The data; finishes materialization synchronously if needed. */
  result(): KeyedStateSnapshotData;
  /**
   * Instead of `materializeStep`: encodes up to about `budget` entries straight into binary blocks (no
   * copies, no per-entry objects); returns true when done. A snapshot is either materialized or encoded.
   */
  encodeStep?(budget: number): boolean;
  /** The blocks of an encoded snapshot; finishes encoding synchronously if needed. */
  encoded?(): EncodedKeyedStateSnapshot;
  /** Stops copy-on-write tracking for this snapshot and drops its data. */
  release(): void;
}

export interface ListKeysOptions {
  stateName?: string;
  /** Prefix of the key's string form (`String(key)`). */
  prefix?: string;
  /** `nextCursor` of the previous page. */
  cursor?: string;
  limit: number;
}

export interface ListKeysResult {
  entries: Array<{ key: Key; value: unknown }>;
  nextCursor?: string;
}

export interface KeyedStateBackend {
  readonly keyGroupRange: KeyGroupRange;
  readonly maxParallelism: number;
  setCurrentKey(key: Key): void;
  getCurrentKey(): Key;
  /** The state bound to the current key and `namespace`; one state object per descriptor name. */
  getPartitionedState<S>(namespace: Namespace, descriptor: StateDescriptor<S>): S;
  /** The state object for `descriptor` (created in the void namespace; namespace not reset). */
  getOrCreateKeyedState<S>(descriptor: StateDescriptor<S>): S;
  /** The table of `descriptor`'s state (as its state object's `getStateTable()`); not for states with TTL. */
  getStateTable<V>(descriptor: StateDescriptor<unknown, V>): StateTable<V>;
  /** Distinct keys over all states. */
  numKeys(): number;
  listKeys(opts: ListKeysOptions): ListKeysResult;
  getKeyView(key: Key): unknown | undefined;
  setChangeTracking(enabled: boolean): void;
  drainChanges(max: number): { keys: Key[]; dropped: number };
  snapshot(checkpointId: number, options?: SnapshotOptions): KeyedStateSnapshot;
  restore(snapshots: KeyedStateSnapshotData[]): void;
  dispose(): void;
  /**
   * Backends that keep their state in files (the disk backend): bytes of those files now (a few `stat`s; call
   * it when figures are sampled, not per row). Absent on the heap backend.
   */
  diskBytes?(): number;
}

/** Operator (non-keyed) state: named lists, redistributed on rescale. */
export interface OperatorListState<T> {
  get(): T[];
  update(values: T[]): void;
  add(value: T): void;
}

export interface OperatorStateSnapshotData {
  states: Array<{
    name: string;
    /** split: even-split redistribution on restore (Flink `getListState`); union: every subtask gets all. */
    mode: 'split' | 'union';
    entries: unknown[];
  }>;
}

export interface OperatorStateBackend {
  getListState<T>(name: string): OperatorListState<T>;
  /** Flink's `getUnionListState`: on restore every subtask receives the entries of all subtasks. */
  getUnionListState<T>(name: string): OperatorListState<T>;
  snapshot(): OperatorStateSnapshotData;
  /** `parts` are the snapshots of all previous subtasks, in subtask order. */
  restore(parts: OperatorStateSnapshotData[], subtask: number, parallelism: number): void;
}

/** An error a user can hit through their job's state usage; `code` is stable. */
export class StateBackendError extends Error {
  constructor(
    readonly code:
      | 'STATE_KIND_MISMATCH'
      | 'STATE_TTL_MISMATCH'
      | 'STATE_TTL_UNSUPPORTED'
      | 'STATE_MAX_PARALLELISM_MISMATCH'
      | 'STATE_NO_CURRENT_KEY'
      | 'STATE_INVALID_VALUE'
      | 'STATE_DISPOSED',
    message: string,
  ) {
    super(message);
    this.name = 'StateBackendError';
  }
}
