import {
  type InternalMapState,
  type Key,
  type KeyedStateBackend,
  MapStateDescriptor,
  type StateTable,
  VOID_NAMESPACE,
} from '../state/index';

/**
 * A keyed `MapState` from event timestamp to the values at that time — the buffer layout of Flink's interval
 * join, temporal join and OVER functions (`MapState<Long, List<…>>`) — used through its state table so that an
 * append is O(1): the live map and bucket arrays are changed in place, which the heap backend makes safe with
 * copy-on-write (a snapshot in flight pins a copy of the key's map, buckets sliced, first). Values themselves
 * are never changed in place: replace them (`replace`).
 */
export class TimeBuckets<T> {
  private readonly table: StateTable<Map<number, T[]>>;

  constructor(backend: KeyedStateBackend, name: string) {
    const state: InternalMapState<number, T[]> = backend.getOrCreateKeyedState(
      new MapStateDescriptor<number, T[]>(name, { copy: (bucket) => bucket.slice() }),
    );
    this.table = state.getStateTable();
  }

  /** The key's buckets (read only), or undefined when it has none. */
  get(key: Key): ReadonlyMap<number, readonly T[]> | undefined {
    return this.table.get(key, VOID_NAMESPACE);
  }

  add(key: Key, ts: number, value: T): void {
    const live = this.table.getForUpdate(key, VOID_NAMESPACE);
    if (live === undefined) {
      this.table.put(key, VOID_NAMESPACE, new Map([[ts, [value]]]));
      return;
    }
    const bucket = live.get(ts);
    if (bucket === undefined) live.set(ts, [value]);
    else bucket.push(value);
  }

  /** Replaces the value at `index` of the bucket at `ts`. */
  replace(key: Key, ts: number, index: number, value: T): void {
    const bucket = this.table.getForUpdate(key, VOID_NAMESPACE)?.get(ts);
    if (bucket !== undefined) bucket[index] = value;
  }

  /** Removes the bucket at `ts` (and the key's entry when it was the last). */
  remove(key: Key, ts: number): void {
    const live = this.table.getForUpdate(key, VOID_NAMESPACE);
    if (live === undefined || !live.delete(ts)) return;
    if (live.size === 0) this.table.remove(key, VOID_NAMESPACE);
  }
}
