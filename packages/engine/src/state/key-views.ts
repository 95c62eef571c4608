/**
 * What both keyed state backends (heap and disk) answer the same way for inspection and live subscriptions: the
 * view of one key over all states, and draining the set of keys written since the last drain.
 */
import type { Key } from './keyGroups';
import { VOID_NAMESPACE } from './types';

/** The part of a state table a key view reads. */
interface ViewedTable {
  size(): number;
  namespaces(): Iterable<unknown>;
  get(key: Key, ns: never): unknown;
  readonly codec: { view(value: never, now: number): unknown };
}

/**
 * All states of `key`, JSON-friendly: `{ [stateName]: value }`, or `{ [stateName]: { [String(namespace)]: value } }`
 * for state in namespaces other than the void one. Expired TTL values are hidden. O(states × namespaces).
 */
export function keyView(
  registrations: Iterable<[string, { readonly table: ViewedTable }]>,
  key: Key,
  now: number,
): unknown | undefined {
  let out: Record<string, unknown> | undefined;
  for (const [name, r] of registrations) {
    const t = r.table;
    if (t.size() === 0) continue;
    let byNs: Record<string, unknown> | undefined;
    let voidView: unknown;
    for (const ns of t.namespaces()) {
      const v = t.get(key, ns as never);
      if (v === undefined) continue;
      const view = t.codec.view(v as never, now);
      if (view === undefined) continue;
      if (ns === VOID_NAMESPACE) voidView = view;
      else (byNs ??= {})[String(ns)] = view;
    }
    if (byNs !== undefined) {
      if (voidView !== undefined) byNs[String(VOID_NAMESPACE)] = voidView;
      (out ??= {})[name] = byNs;
    } else if (voidView !== undefined) (out ??= {})[name] = voidView;
  }
  return out;
}

/** Keys written since the last drain (`overflow`: writes beyond the tracked maximum). */
export interface ChangeTracker {
  enabled: boolean;
  readonly dirty: Set<Key>;
  overflow: number;
}

/**
 * Returns up to `max` keys written since the last drain and clears the set. `dropped` counts the changes not
 * returned (keys beyond `max`, and writes beyond the tracked maximum); when it is non-zero the caller should
 * refresh its whole view.
 */
export function drainTracker(t: ChangeTracker, max: number): { keys: Key[]; dropped: number } {
  const keys: Key[] = [];
  const limit = Math.max(0, Math.floor(max));
  for (const k of t.dirty) {
    if (keys.length >= limit) break;
    keys.push(k);
  }
  const dropped = t.dirty.size - keys.length + t.overflow;
  t.dirty.clear();
  t.overflow = 0;
  return { keys, dropped };
}
