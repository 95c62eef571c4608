import { Prng } from '@flowstate/spec';
/** Helpers shared by the state tests (not exported from the package). */
import { ManualClock } from '../time/clock';
import { HeapKeyedStateBackend } from './HeapKeyedStateBackend';
import { KeyGroupRange } from './keyGroups';

export function newBackend(
  opts: { maxParallelism?: number; range?: KeyGroupRange; clock?: ManualClock } = {},
): { backend: HeapKeyedStateBackend; clock: ManualClock } {
  const maxParallelism = opts.maxParallelism ?? 128;
  const clock = opts.clock ?? new ManualClock(1_000);
  const backend = new HeapKeyedStateBackend({
    maxParallelism,
    keyGroupRange: opts.range ?? KeyGroupRange.of(0, maxParallelism - 1),
    nowMs: () => clock.now(),
  });
  return { backend, clock };
}

/** The seeded PRNG's floats in [0, 1) (see @flowstate/spec's Prng). */
export function rng(seed: number): () => number {
  const prng = new Prng(seed);
  return () => prng.next();
}

import type { Key } from './keyGroups';
import { KeyGroupRangeAssignment } from './keyGroups';
import type { ColumnarEntries, KeyedStateSnapshotData, Namespace } from './types';

/** `name|key|ns` → value for every entry of a snapshot, checking each entry sits in its key group. */
export function flatten(data: KeyedStateSnapshotData): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const st of data.states) {
    let prevKg = -1;
    for (const [kg, entries] of st.byKeyGroup) {
      if (kg <= prevKg) throw new Error(`key groups out of order in ${st.name}`);
      prevKg = kg;
      for (const [k, ns, v] of entryTriples(entries)) {
        if (KeyGroupRangeAssignment.assignToKeyGroup(k, data.maxParallelism) !== kg) {
          throw new Error(`key ${String(k)} in wrong key group ${kg}`);
        }
        const id = entryId(st.name, k, ns);
        if (out.has(id)) throw new Error(`duplicate entry ${id}`);
        out.set(id, v);
      }
    }
  }
  return out;
}

/** A key group's entries as `[key, namespace, value]` triples, whichever form they are in. */
export function entryTriples(
  entries: Array<[Key, Namespace, unknown]> | ColumnarEntries,
): Array<[Key, Namespace, unknown]> {
  if (Array.isArray(entries)) return entries;
  return entries.keys.map((k, i) => [
    k,
    entries.namespaces ? entries.namespaces[i]! : (entries.namespace as Namespace),
    entries.values[i],
  ]);
}

export function entryId(name: string, key: Key, ns: Namespace): string {
  return JSON.stringify([name, key, ns]);
}

export function sortedEntries(m: Map<string, unknown>): Array<[string, unknown]> {
  return Array.from(m).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}
