/**
 * The heap implementations of the state primitives. A state object is bound to its backend's
 * current key and to its own current namespace; it reads and writes its `HeapStateTable`.
 *
 * Mutable values and snapshots: like Flink's copy-on-write heap backend, a read that hands out a
 * mutable object (an object value, a list of objects, a map value that is an object) while a
 * snapshot is in flight first pins the entry (the snapshot keeps a deep copy), so a caller that
 * mutates what it read and then writes it back cannot corrupt the snapshot.
 */
import type { TtlValue } from './codec';
import type {
  AggregateFunction,
  AggregatingStateDescriptor,
  ListStateDescriptor,
  ReducingStateDescriptor,
  StateTtlConfig,
  ValueStateDescriptor,
} from './descriptors';
import type { HeapStateTable } from './HeapStateTable';
import type { Key } from './keyGroups';
import {
  type InternalAggregatingState,
  type InternalKvState,
  type InternalListState,
  type InternalMapState,
  type InternalReducingState,
  type InternalValueState,
  type Namespace,
  StateBackendError,
  type StateTable,
  VOID_NAMESPACE,
} from './types';

/** What a state object needs from its backend. */
export interface StateContext {
  /** The backend's current key (read on every access). */
  currentKey: Key;
  /** Processing time for TTL. */
  nowMs(): number;
}

const EMPTY: readonly never[] = Object.freeze([]);

function isObject(v: unknown): v is object {
  return typeof v === 'object' && v !== null;
}

class TtlPolicy {
  readonly ttlMs: number;
  readonly updateOnRead: boolean;
  readonly returnExpired: boolean;

  constructor(cfg: StateTtlConfig) {
    this.ttlMs = cfg.ttlMs;
    this.updateOnRead = cfg.updateType === 'OnReadAndWrite';
    this.returnExpired = cfg.visibility === 'ReturnExpiredIfNotCleanedUp';
  }

  expired(w: TtlValue<unknown>, now: number): boolean {
    return w.ts + this.ttlMs <= now;
  }
}

abstract class AbstractHeapState<S> implements InternalKvState {
  protected ns: Namespace = VOID_NAMESPACE;
  protected readonly ttl: TtlPolicy | undefined;

  constructor(
    protected readonly ctx: StateContext,
    protected readonly table: HeapStateTable<S>,
    ttl: StateTtlConfig | undefined,
  ) {
    this.ttl = ttl === undefined ? undefined : new TtlPolicy(ttl);
  }

  setCurrentNamespace(namespace: Namespace): void {
    this.ns = namespace;
  }

  clear(): void {
    this.table.remove(this.ctx.currentKey, this.ns);
  }

  getStateTable(): StateTable<S> {
    if (this.ttl !== undefined) throw this.ttlUnsupported('its state table is');
    return this.table;
  }

  protected ttlUnsupported(what: string): StateBackendError {
    return new StateBackendError(
      'STATE_TTL_UNSUPPORTED',
      `State '${this.table.name}' has a TTL; ${what} only reachable through the state object's methods`,
    );
  }
}

/** Value, reducing and aggregating state: one value per (key, namespace); with TTL stored as `{ v, ts }`. */
abstract class SingleValueState<V> extends AbstractHeapState<unknown> {
  /** Without TTL (else it throws) the table holds the values themselves. */
  override getStateTable(): StateTable<V> {
    return super.getStateTable() as StateTable<V>;
  }

  /** Flink's `getInternal`: the value, pinned for in-place mutation and marked changed. */
  getInternal(): V | undefined {
    const t = this.table;
    const k = this.ctx.currentKey;
    if (this.ttl === undefined) return t.getForUpdate(k, this.ns) as V | undefined;
    const v = this.readForUpdate();
    if (v !== undefined) t.getForUpdate(k, this.ns);
    return v;
  }

  /** Flink's `updateInternal`; `undefined` clears. */
  updateInternal(value: V | undefined): void {
    if (value === undefined) this.clear();
    else this.write(value);
  }

  /** The visible value for a reader (expiry, update-on-read and copy-on-access handled). */
  protected read(): V | undefined {
    const t = this.table;
    const k = this.ctx.currentKey;
    const ns = this.ns;
    const ttl = this.ttl;
    if (ttl === undefined) {
      const v = t.get(k, ns) as V | undefined;
      if (v !== undefined && t.snapshotting && isObject(v)) t.getPinned(k, ns);
      return v;
    }
    const w = t.get(k, ns) as TtlValue<V> | undefined;
    if (w === undefined) return undefined;
    const now = this.ctx.nowMs();
    if (ttl.expired(w, now)) {
      t.remove(k, ns);
      return ttl.returnExpired ? w.v : undefined;
    }
    if (ttl.updateOnRead) (t.getForUpdate(k, ns) as TtlValue<V>).ts = now;
    else if (t.snapshotting && isObject(w.v)) t.getPinned(k, ns);
    return w.v;
  }

  /** The live value, pinned so it may be mutated in place and written back with `write`. */
  protected readForUpdate(): V | undefined {
    const t = this.table;
    const k = this.ctx.currentKey;
    if (this.ttl === undefined) return t.getPinned(k, this.ns) as V | undefined;
    const w = t.getPinned(k, this.ns) as TtlValue<V> | undefined;
    if (w === undefined) return undefined;
    if (this.ttl.expired(w, this.ctx.nowMs())) {
      t.remove(k, this.ns);
      return undefined;
    }
    return w.v;
  }

  protected write(v: V): void {
    const t = this.table;
    const k = this.ctx.currentKey;
    if (this.ttl === undefined) {
      t.put(k, this.ns, v);
      return;
    }
    const now = this.ctx.nowMs();
    const w = t.getForUpdate(k, this.ns) as TtlValue<V> | undefined;
    if (w === undefined) t.put(k, this.ns, { v, ts: now });
    else {
      w.v = v;
      w.ts = now;
    }
  }

  /** Removes the value of the current key in `namespace` and returns it if unexpired. */
  protected take(namespace: Namespace): V | undefined {
    const saved = this.ns;
    this.ns = namespace;
    const v = this.readForUpdate();
    if (v !== undefined) this.table.remove(this.ctx.currentKey, namespace);
    this.ns = saved;
    return v;
  }

  /** Flink's `AbstractHeapMergingState.mergeNamespaces` with `combine(target, merged)`. */
  protected mergeWith(target: Namespace, sources: Iterable<Namespace>, combine: (a: V, b: V) => V): void {
    let merged: V | undefined;
    for (const source of sources) {
      const v = this.take(source);
      if (v !== undefined) merged = merged === undefined ? v : combine(merged, v);
    }
    if (merged === undefined) return;
    const saved = this.ns;
    this.ns = target;
    const cur = this.readForUpdate();
    this.write(cur === undefined ? merged : combine(cur, merged));
    this.ns = saved;
  }
}

export class HeapValueState<T> extends SingleValueState<T> implements InternalValueState<T> {
  constructor(
    ctx: StateContext,
    table: HeapStateTable<unknown>,
    private readonly descriptor: ValueStateDescriptor<T>,
  ) {
    super(ctx, table, descriptor.ttl);
  }

  value(): T | undefined {
    const v = this.read();
    if (v !== undefined) return v;
    const d = this.descriptor.defaultValue;
    return d === undefined || !isObject(d) ? d : this.descriptor.copy(d);
  }

  update(value: T | undefined): void {
    if (value === undefined) this.clear();
    else this.write(value);
  }
}

export class HeapReducingState<T> extends SingleValueState<T> implements InternalReducingState<T> {
  private readonly reduce: (a: T, b: T) => T;

  constructor(ctx: StateContext, table: HeapStateTable<unknown>, descriptor: ReducingStateDescriptor<T>) {
    super(ctx, table, descriptor.ttl);
    this.reduce = descriptor.reduce;
  }

  get(): T | undefined {
    return this.read();
  }

  add(value: T): void {
    if (value === undefined)
      throw new StateBackendError('STATE_INVALID_VALUE', 'Cannot add undefined to a ReducingState');
    const cur = this.readForUpdate();
    this.write(cur === undefined ? value : this.reduce(cur, value));
  }

  mergeNamespaces(target: Namespace, sources: Iterable<Namespace>): void {
    this.mergeWith(target, sources, this.reduce);
  }
}

export class HeapAggregatingState<IN, ACC, OUT>
  extends SingleValueState<ACC>
  implements InternalAggregatingState<IN, ACC, OUT>
{
  private readonly fn: AggregateFunction<IN, ACC, OUT>;

  constructor(
    ctx: StateContext,
    table: HeapStateTable<unknown>,
    descriptor: AggregatingStateDescriptor<IN, ACC, OUT>,
  ) {
    super(ctx, table, descriptor.ttl);
    this.fn = descriptor.aggregateFunction;
  }

  get(): OUT | undefined {
    const acc = this.read();
    return acc === undefined ? undefined : this.fn.getResult(acc);
  }

  add(value: IN): void {
    if (this.ttl !== undefined) {
      this.addWithTtl(value);
      return;
    }
    // The per-row path of the window and aggregate operators: one lookup, and a write only when the
    // accumulator is new or replaced (an accumulator updated in place was pinned and marked by getForUpdate).
    const fn = this.fn;
    const t = this.table;
    const k = this.ctx.currentKey;
    const ns = this.ns;
    const acc = t.getForUpdate(k, ns) as ACC | undefined;
    if (acc === undefined) t.put(k, ns, fn.add(value, fn.createAccumulator()));
    else {
      const next = fn.add(value, acc);
      if (next !== acc) t.put(k, ns, next);
    }
  }

  private addWithTtl(value: IN): void {
    const fn = this.fn;
    let acc = this.readForUpdate();
    if (acc === undefined) acc = fn.createAccumulator();
    this.write(fn.add(value, acc));
  }

  mergeNamespaces(target: Namespace, sources: Iterable<Namespace>): void {
    const fn = this.fn;
    this.mergeWith(target, sources, (a, b) => fn.merge(a, b));
  }
}

/** List state: an array per (key, namespace); with TTL an array of `{ v, ts }` (TTL per element). */
export class HeapListState<T> extends AbstractHeapState<unknown[]> implements InternalListState<T> {
  constructor(ctx: StateContext, table: HeapStateTable<unknown[]>, descriptor: ListStateDescriptor<T>) {
    super(ctx, table, descriptor.ttl);
  }

  /** Without TTL (else it throws) the table holds the element arrays themselves. */
  override getStateTable(): StateTable<T[]> {
    return super.getStateTable() as StateTable<T[]>;
  }

  /** Flink's `getInternal`: the element array, pinned for in-place mutation and marked changed. No TTL. */
  getInternal(): T[] | undefined {
    if (this.ttl !== undefined) throw this.ttlUnsupported('its stored array is');
    return this.table.getForUpdate(this.ctx.currentKey, this.ns) as T[] | undefined;
  }

  /** Flink's `updateInternal`: stores `values` as they are (not copied); `undefined` or `[]` clears. */
  updateInternal(values: T[] | undefined): void {
    if (this.ttl !== undefined) throw this.ttlUnsupported('its stored array is');
    if (values === undefined || values.length === 0) this.clear();
    else this.table.put(this.ctx.currentKey, this.ns, values);
  }

  get(): Iterable<T> {
    const t = this.table;
    const k = this.ctx.currentKey;
    const ttl = this.ttl;
    const arr = t.get(k, this.ns);
    if (arr === undefined) return EMPTY;
    if (ttl === undefined) {
      if (t.snapshotting && arr.length !== 0 && isObject(arr[0])) t.getPinned(k, this.ns);
      return arr as T[];
    }
    const now = this.ctx.nowMs();
    const out: T[] = [];
    const kept: TtlValue<T>[] = [];
    for (const w of arr as TtlValue<T>[]) {
      if (!ttl.expired(w, now)) {
        out.push(w.v);
        kept.push(ttl.updateOnRead ? { v: w.v, ts: now } : w);
      } else if (ttl.returnExpired) out.push(w.v);
    }
    if (kept.length !== arr.length || ttl.updateOnRead) {
      if (kept.length === 0) t.remove(k, this.ns);
      else t.put(k, this.ns, kept);
    } else if (t.snapshotting && out.length !== 0 && isObject(out[0])) t.getPinned(k, this.ns);
    return out;
  }

  add(value: T): void {
    if (value === undefined)
      throw new StateBackendError('STATE_INVALID_VALUE', 'Cannot add undefined to a ListState');
    const t = this.table;
    const k = this.ctx.currentKey;
    const el = this.ttl === undefined ? value : { v: value, ts: this.ctx.nowMs() };
    const arr = t.getForUpdate(k, this.ns);
    if (arr === undefined) t.put(k, this.ns, [el]);
    else arr.push(el);
  }

  addAll(values: T[]): void {
    if (values.length === 0) return;
    const els = this.wrapAll(values);
    const t = this.table;
    const k = this.ctx.currentKey;
    const arr = t.getForUpdate(k, this.ns);
    if (arr === undefined) t.put(k, this.ns, els);
    else for (const el of els) arr.push(el);
  }

  update(values: T[]): void {
    if (values.length === 0) this.clear();
    else this.table.put(this.ctx.currentKey, this.ns, this.wrapAll(values));
  }

  private wrapAll(values: T[]): unknown[] {
    for (const v of values) {
      if (v === undefined)
        throw new StateBackendError('STATE_INVALID_VALUE', 'Cannot add undefined to a ListState');
    }
    if (this.ttl === undefined) return values.slice();
    const ts = this.ctx.nowMs();
    return values.map((v) => ({ v, ts }));
  }

  /** Target elements first, then the sources' in order (Flink's list merge). */
  mergeNamespaces(target: Namespace, sources: Iterable<Namespace>): void {
    const t = this.table;
    const k = this.ctx.currentKey;
    let merged: unknown[] | undefined;
    for (const source of sources) {
      const arr = t.getPinned(k, source);
      if (arr === undefined) continue;
      t.remove(k, source);
      if (merged === undefined) merged = arr;
      else for (const el of arr) merged.push(el);
    }
    if (merged === undefined) return;
    const cur = t.getForUpdate(k, target);
    if (cur === undefined) t.put(k, target, merged);
    else for (const el of merged) cur.push(el);
  }
}

/** Map state: a `Map` per (key, namespace); with TTL a `Map` of `{ v, ts }` (TTL per entry). */
export class HeapMapState<UK extends Key, UV>
  extends AbstractHeapState<Map<UK, unknown>>
  implements InternalMapState<UK, UV>
{
  /** Without TTL (else it throws) the table holds the maps themselves. */
  override getStateTable(): StateTable<Map<UK, UV>> {
    return super.getStateTable() as StateTable<Map<UK, UV>>;
  }

  /** Live map of the current (key, namespace) after dropping expired entries (NeverReturnExpired only). */
  private liveMap(): Map<UK, unknown> | undefined {
    const t = this.table;
    const k = this.ctx.currentKey;
    const m = t.get(k, this.ns);
    if (m === undefined || this.ttl === undefined || this.ttl.returnExpired) return m;
    const now = this.ctx.nowMs();
    let expired = 0;
    for (const w of m.values()) if (this.ttl.expired(w as TtlValue<UV>, now)) expired++;
    if (expired === 0) return m;
    if (expired === m.size) {
      t.remove(k, this.ns);
      return undefined;
    }
    const mm = t.getForUpdate(k, this.ns) as Map<UK, unknown>;
    for (const [uk, w] of mm) if (this.ttl.expired(w as TtlValue<UV>, now)) mm.delete(uk);
    return mm;
  }

  get(key: UK): UV | undefined {
    const t = this.table;
    const k = this.ctx.currentKey;
    const m = t.get(k, this.ns);
    if (m === undefined) return undefined;
    const ttl = this.ttl;
    if (ttl === undefined) {
      const v = m.get(key) as UV | undefined;
      if (v !== undefined && t.snapshotting && isObject(v)) t.getPinned(k, this.ns);
      return v;
    }
    const w = m.get(key) as TtlValue<UV> | undefined;
    if (w === undefined) return undefined;
    const now = this.ctx.nowMs();
    if (ttl.expired(w, now)) {
      t.getForUpdate(k, this.ns);
      m.delete(key);
      if (m.size === 0) t.remove(k, this.ns);
      return ttl.returnExpired ? w.v : undefined;
    }
    if (ttl.updateOnRead) {
      t.getForUpdate(k, this.ns);
      w.ts = now;
    } else if (t.snapshotting && isObject(w.v)) t.getPinned(k, this.ns);
    return w.v;
  }

  put(key: UK, value: UV): void {
    if (value === undefined)
      throw new StateBackendError('STATE_INVALID_VALUE', 'Cannot put undefined into a MapState');
    const t = this.table;
    const k = this.ctx.currentKey;
    const el = this.ttl === undefined ? value : { v: value, ts: this.ctx.nowMs() };
    const m = t.getForUpdate(k, this.ns);
    if (m === undefined) t.put(k, this.ns, new Map([[key, el]]));
    else m.set(key, el);
  }

  putAll(entries: Map<UK, UV> | Iterable<readonly [UK, UV]>): void {
    for (const [uk, uv] of entries) this.put(uk, uv);
  }

  remove(key: UK): void {
    const t = this.table;
    const k = this.ctx.currentKey;
    const m = t.get(k, this.ns);
    if (m === undefined || !m.has(key)) return;
    t.getForUpdate(k, this.ns);
    m.delete(key);
    if (m.size === 0) t.remove(k, this.ns);
  }

  contains(key: UK): boolean {
    if (this.ttl === undefined) return this.table.get(this.ctx.currentKey, this.ns)?.has(key) ?? false;
    return this.get(key) !== undefined;
  }

  entries(): Iterable<[UK, UV]> {
    const m = this.liveMap();
    if (m === undefined) return EMPTY;
    this.pinForIteration(m);
    if (this.ttl === undefined) return m.entries() as Iterable<[UK, UV]>;
    return Array.from(m, ([uk, w]) => [uk, (w as TtlValue<UV>).v] as [UK, UV]);
  }

  keys(): Iterable<UK> {
    const m = this.liveMap();
    return m === undefined ? EMPTY : m.keys();
  }

  values(): Iterable<UV> {
    const m = this.liveMap();
    if (m === undefined) return EMPTY;
    this.pinForIteration(m);
    if (this.ttl === undefined) return m.values() as Iterable<UV>;
    return Array.from(m.values(), (w) => (w as TtlValue<UV>).v);
  }

  isEmpty(): boolean {
    const m = this.liveMap();
    return m === undefined || m.size === 0;
  }

  private pinForIteration(m: Map<UK, unknown>): void {
    if (this.table.snapshotting && m.size !== 0) this.table.getPinned(this.ctx.currentKey, this.ns);
    if (this.ttl?.updateOnRead) {
      this.table.getForUpdate(this.ctx.currentKey, this.ns);
      const now = this.ctx.nowMs();
      for (const w of m.values()) (w as TtlValue<UV>).ts = now;
    }
  }
}
