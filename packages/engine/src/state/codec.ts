/**
 * How one kind of state stores, copies, snapshots and renders its values, with or without TTL.
 *
 * Stored representations (per key and namespace):
 * - value / reducing / aggregating: the value (accumulator); with TTL `{ v, ts }`;
 * - list: an array; with TTL an array of `{ v, ts }` (TTL per element, as in Flink);
 * - map: a `Map`; with TTL a `Map` of `{ v, ts }` (TTL per entry, as in Flink).
 * Without TTL no wrapper object exists per entry.
 */
import { copyArray, defaultCopy } from './descriptors';
import type { StateKind } from './types';

/** A value with the processing time of its last write (or read, with `OnReadAndWrite`). */
export interface TtlValue<V> {
  v: V;
  ts: number;
}

/** Returned by `toSnapshot` when nothing of the value is left to snapshot (all expired / empty). */
export const SKIP: unique symbol = Symbol('skip');

export interface StateCodec {
  readonly kind: StateKind;
  /** TTL in ms, or undefined when values are stored without timestamps. */
  readonly ttlMs: number | undefined;
  /** Deep copy of a stored value. */
  copy(stored: unknown): unknown;
  /** Snapshot form of a stored value; `owned` = the value is a private copy that may be used as is. */
  toSnapshot(stored: unknown, owned: boolean, now: number): unknown;
  /** Stored form of a snapshot value (always a fresh copy). */
  fromSnapshot(data: unknown, dataHasTtl: boolean, now: number): unknown;
  /** JSON-friendly view of a stored value, or undefined when nothing is visible (expired). */
  view(stored: unknown, now: number): unknown;
}

type Copy = (v: unknown) => unknown;

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null;
}

/** Renders any value as JSON-friendly data (Maps → objects, Sets → arrays, non-finite numbers → strings). */
export function toJsonView(v: unknown, depth = 0): unknown {
  switch (typeof v) {
    case 'undefined':
      return null;
    case 'number':
      return Number.isFinite(v) ? v : String(v);
    case 'bigint':
    case 'symbol':
    case 'function':
      return String(v);
    case 'string':
    case 'boolean':
      return v;
  }
  if (v === null) return null;
  if (depth > 32) return '[…]';
  if (Array.isArray(v)) return v.map((x) => toJsonView(x, depth + 1));
  if (v instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of v) out[String(k)] = toJsonView(x, depth + 1);
    return out;
  }
  if (v instanceof Set) return Array.from(v, (x) => toJsonView(x, depth + 1));
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v as object)) out[k] = toJsonView((v as Record<string, unknown>)[k], depth + 1);
  return out;
}

export function createCodec(
  kind: StateKind,
  ttlMs: number | undefined,
  elementCopy: Copy = defaultCopy,
): StateCodec {
  const ttl = ttlMs !== undefined;
  const expired = (w: TtlValue<unknown>, now: number) => w.ts + (ttlMs as number) <= now;
  const copyEl = (v: unknown) => (isObject(v) ? elementCopy(v) : v);
  const wrap = (v: unknown, ts: number): TtlValue<unknown> => ({ v, ts });
  const readWrapped = (data: unknown, dataHasTtl: boolean, now: number): TtlValue<unknown> => {
    if (dataHasTtl) {
      const w = data as TtlValue<unknown>;
      return wrap(copyEl(w.v), w.ts);
    }
    return wrap(copyEl(data), now);
  };
  const readPlain = (data: unknown, dataHasTtl: boolean): unknown =>
    copyEl(dataHasTtl ? (data as TtlValue<unknown>).v : data);

  switch (kind) {
    case 'value':
    case 'reducing':
    case 'aggregating':
      return {
        kind,
        ttlMs,
        copy: ttl ? (s) => wrap(copyEl((s as TtlValue<unknown>).v), (s as TtlValue<unknown>).ts) : copyEl,
        toSnapshot: ttl
          ? (s, owned, now) => {
              const w = s as TtlValue<unknown>;
              if (expired(w, now)) return SKIP;
              return owned ? w : wrap(copyEl(w.v), w.ts);
            }
          : (s, owned) => (owned ? s : copyEl(s)),
        fromSnapshot: ttl ? readWrapped : readPlain,
        view: ttl
          ? (s, now) => {
              const w = s as TtlValue<unknown>;
              return expired(w, now) ? undefined : toJsonView(w.v);
            }
          : (s) => toJsonView(s),
      };
    case 'list':
      return {
        kind,
        ttlMs,
        copy: ttl
          ? (s) => (s as TtlValue<unknown>[]).map((w) => wrap(copyEl(w.v), w.ts))
          : (s) => copyArray(s as unknown[], elementCopy),
        toSnapshot: ttl
          ? (s, owned, now) => {
              const out: TtlValue<unknown>[] = [];
              for (const w of s as TtlValue<unknown>[]) {
                if (!expired(w, now)) out.push(owned ? w : wrap(copyEl(w.v), w.ts));
              }
              return out.length === 0 ? SKIP : out;
            }
          : (s, owned) => {
              const arr = s as unknown[];
              if (arr.length === 0) return SKIP;
              return owned ? arr : copyArray(arr, elementCopy);
            },
        fromSnapshot: ttl
          ? (data, dataHasTtl, now) => (data as unknown[]).map((x) => readWrapped(x, dataHasTtl, now))
          : (data, dataHasTtl) => (data as unknown[]).map((x) => readPlain(x, dataHasTtl)),
        view: ttl
          ? (s, now) => {
              const out: unknown[] = [];
              for (const w of s as TtlValue<unknown>[]) if (!expired(w, now)) out.push(toJsonView(w.v));
              return out.length === 0 ? undefined : out;
            }
          : (s) => toJsonView(s),
      };
    case 'map':
      return {
        kind,
        ttlMs,
        copy: ttl
          ? (s) => {
              const out = new Map<unknown, TtlValue<unknown>>();
              for (const [k, w] of s as Map<unknown, TtlValue<unknown>>) out.set(k, wrap(copyEl(w.v), w.ts));
              return out;
            }
          : (s) => {
              const out = new Map<unknown, unknown>();
              for (const [k, v] of s as Map<unknown, unknown>) out.set(k, copyEl(v));
              return out;
            },
        toSnapshot: ttl
          ? (s, owned, now) => {
              const out: Array<[unknown, TtlValue<unknown>]> = [];
              for (const [k, w] of s as Map<unknown, TtlValue<unknown>>) {
                if (!expired(w, now)) out.push([k, owned ? w : wrap(copyEl(w.v), w.ts)]);
              }
              return out.length === 0 ? SKIP : out;
            }
          : (s, owned) => {
              const m = s as Map<unknown, unknown>;
              if (m.size === 0) return SKIP;
              const out: Array<[unknown, unknown]> = [];
              for (const [k, v] of m) out.push([k, owned ? v : copyEl(v)]);
              return out;
            },
        fromSnapshot: ttl
          ? (data, dataHasTtl, now) => {
              const out = new Map<unknown, TtlValue<unknown>>();
              for (const [k, x] of data as Array<[unknown, unknown]>)
                out.set(k, readWrapped(x, dataHasTtl, now));
              return out;
            }
          : (data, dataHasTtl) => {
              const out = new Map<unknown, unknown>();
              for (const [k, x] of data as Array<[unknown, unknown]>) out.set(k, readPlain(x, dataHasTtl));
              return out;
            },
        view: ttl
          ? (s, now) => {
              const out: Record<string, unknown> = {};
              let any = false;
              for (const [k, w] of s as Map<unknown, TtlValue<unknown>>) {
                if (!expired(w, now)) {
                  out[String(k)] = toJsonView(w.v);
                  any = true;
                }
              }
              return any ? out : undefined;
            }
          : (s) => toJsonView(s),
      };
  }
}
