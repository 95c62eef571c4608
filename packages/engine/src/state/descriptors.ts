/** State descriptors (Flink names): a state's name, kind, TTL and how to copy its values. */
import type { Key } from './keyGroups';
import type {
  InternalAggregatingState,
  InternalListState,
  InternalMapState,
  InternalReducingState,
  InternalValueState,
  StateKind,
} from './types';

/** Time-to-live of state values, in processing time of the backend's `nowMs` (Flink `StateTtlConfig`). */
export interface StateTtlConfig {
  ttlMs: number;
  /** When the timestamp is refreshed. Default `OnCreateAndWrite`. */
  updateType?: 'OnCreateAndWrite' | 'OnReadAndWrite';
  /** Whether an expired value that is still stored is returned. Default `NeverReturnExpired`. */
  visibility?: 'NeverReturnExpired' | 'ReturnExpiredIfNotCleanedUp';
}

/** Flink's `AggregateFunction`. `add` and `merge` may mutate and return their accumulator. */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  merge(a: ACC, b: ACC): ACC;
  /** Deep copy of an accumulator; default: identity for primitives, `structuredClone` for objects. */
  copy?(accumulator: ACC): ACC;
}

/** Identity for primitives, `structuredClone` for objects and arrays (class instances lose their prototype). */
export function defaultCopy<T>(value: T): T {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}

function checkTtl(name: string, ttl: StateTtlConfig | undefined): void {
  if (ttl !== undefined && !(ttl.ttlMs > 0)) {
    throw new RangeError(
      `State '${name}': ttl.ttlMs must be a positive number of milliseconds, got ${ttl.ttlMs}`,
    );
  }
}

/**
 * Base of all state descriptors. `S` is the state object the backend returns for it; `V` the value
 * kept per (key, namespace) in its state table.
 */
export abstract class StateDescriptor<S = unknown, V = unknown> {
  /** Type-level only: the state object type. */
  declare readonly __state?: S;
  /** Type-level only: the value stored per (key, namespace). */
  declare readonly __stored?: V;
  abstract readonly kind: StateKind;
  readonly name: string;
  readonly ttl: StateTtlConfig | undefined;
  /**
   * Deep copy of one element: the value (value/reducing state), the accumulator (aggregating), a
   * list element or a map value. Used for copy-on-write snapshots; only called for objects.
   */
  readonly elementCopy: (value: unknown) => unknown;

  constructor(
    name: string,
    ttl: StateTtlConfig | undefined,
    elementCopy: ((value: never) => unknown) | undefined,
  ) {
    if (typeof name !== 'string' || name.length === 0) throw new TypeError('A state needs a non-empty name');
    checkTtl(name, ttl);
    this.name = name;
    this.ttl = ttl;
    this.elementCopy = (elementCopy as ((value: unknown) => unknown) | undefined) ?? defaultCopy;
  }
}

export class ValueStateDescriptor<T> extends StateDescriptor<InternalValueState<T>, T> {
  readonly kind = 'value' as const;
  readonly defaultValue: T | undefined;
  readonly copy: (value: T) => T;

  constructor(name: string, opts: { defaultValue?: T; ttl?: StateTtlConfig; copy?: (value: T) => T } = {}) {
    super(name, opts.ttl, opts.copy);
    this.defaultValue = opts.defaultValue;
    this.copy = opts.copy ?? defaultCopy;
  }
}

export class ListStateDescriptor<T> extends StateDescriptor<InternalListState<T>, T[]> {
  readonly kind = 'list' as const;
  /** Copies one element. */
  readonly copy: (value: T) => T;

  constructor(name: string, opts: { ttl?: StateTtlConfig; copy?: (value: T) => T } = {}) {
    super(name, opts.ttl, opts.copy);
    this.copy = opts.copy ?? defaultCopy;
  }
}

export class MapStateDescriptor<UK extends Key, UV> extends StateDescriptor<
  InternalMapState<UK, UV>,
  Map<UK, UV>
> {
  readonly kind = 'map' as const;
  /** Copies one map value. */
  readonly copy: (value: UV) => UV;

  constructor(name: string, opts: { ttl?: StateTtlConfig; copy?: (value: UV) => UV } = {}) {
    super(name, opts.ttl, opts.copy);
    this.copy = opts.copy ?? defaultCopy;
  }
}

export class ReducingStateDescriptor<T> extends StateDescriptor<InternalReducingState<T>, T> {
  readonly kind = 'reducing' as const;
  readonly copy: (value: T) => T;

  constructor(
    name: string,
    readonly reduce: (a: T, b: T) => T,
    opts: { ttl?: StateTtlConfig; copy?: (value: T) => T } = {},
  ) {
    super(name, opts.ttl, opts.copy);
    this.copy = opts.copy ?? defaultCopy;
  }
}

export class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptor<
  InternalAggregatingState<IN, ACC, OUT>,
  ACC
> {
  readonly kind = 'aggregating' as const;
  readonly copy: (accumulator: ACC) => ACC;

  constructor(
    name: string,
    readonly aggregateFunction: AggregateFunction<IN, ACC, OUT>,
    opts: { ttl?: StateTtlConfig } = {},
  ) {
    const fn = aggregateFunction;
    const copy = fn.copy ? (acc: ACC) => fn.copy!(acc) : undefined;
    super(name, opts.ttl, copy);
    this.copy = copy ?? defaultCopy;
  }
}

/** Copies an array; elements are copied only when they are objects. */
export function copyArray<T>(values: readonly T[], copy: (value: T) => T): T[] {
  const out = new Array<T>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as T;
    out[i] = typeof v === 'object' && v !== null ? copy(v) : v;
  }
  return out;
}
