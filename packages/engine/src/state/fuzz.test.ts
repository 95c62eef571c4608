/**
 * Seeded fuzz test: the backend against a plain Map model, under random writes, namespace removals,
 * overlapping snapshots materialized in random chunks, releases and restores.
 */
import { describe, expect, it } from 'vitest';
import type { HeapKeyedStateBackend } from './HeapKeyedStateBackend';
import {
  type Key,
  type KeyedStateSnapshot,
  type KeyedStateSnapshotData,
  ListStateDescriptor,
  MapStateDescriptor,
  type Namespace,
  ValueStateDescriptor,
  VOID_NAMESPACE,
} from './index';
import { entryId, flatten, newBackend, rng, sortedEntries } from './test-support';

const KEYS: Key[] = [
  ...Array.from({ length: 24 }, (_, i) => `k${i}`),
  0,
  1,
  2,
  99,
  true,
  false,
  null,
  'null',
];
const NAMESPACES: Namespace[] = [VOID_NAMESPACE, 1, 2, 3, 'w'];

const OBJ = new ValueStateDescriptor<{ v: number }>('obj');
const NUM = new ValueStateDescriptor<number>('num');
const LIST = new ListStateDescriptor<number>('list');
const MAP = new MapStateDescriptor<string, number>('map');

type Model = Map<string, unknown>;

/**
 * `columnar`: snapshots copy what is overwritten and materialize to columns; `encode`: snapshots encode what
 * is about to be overwritten at once (the checkpoint path) and encode the rest in steps.
 */
type Mode = 'columnar' | 'encode';

function runSeed(seed: number, steps: number, mode: Mode): void {
  const random = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const { backend, clock } = newBackend();
  const obj = backend.getStateTable(OBJ);
  const num = backend.getStateTable(NUM);
  const list = backend.getOrCreateKeyedState(LIST);
  const map = backend.getOrCreateKeyedState(MAP);
  const model: Model = new Map();
  const inFlight: Array<{ snap: KeyedStateSnapshot; expected: Model }> = [];
  let lastCompleted: { data: KeyedStateSnapshotData; expected: Model } | undefined;
  let checkpointId = 0;

  const copyModel = (): Model => new Map(Array.from(model, ([k, v]) => [k, structuredClone(v)]));
  const listModel = (k: Key, ns: Namespace) => model.get(entryId('list', k, ns)) as number[] | undefined;
  const mapModel = (k: Key, ns: Namespace) =>
    model.get(entryId('map', k, ns)) as Array<[string, number]> | undefined;

  for (let step = 0; step < steps; step++) {
    const k = pick(KEYS);
    const ns = pick(NAMESPACES);
    const r = random();
    if (r < 0.18) {
      const v = { v: Math.floor(random() * 1000) };
      obj.put(k, ns, v);
      model.set(entryId('obj', k, ns), { ...v });
    } else if (r < 0.28) {
      const live = obj.getForUpdate(k, ns);
      const m = model.get(entryId('obj', k, ns)) as { v: number } | undefined;
      expect(live).toEqual(m);
      if (live && m) {
        live.v++;
        m.v++;
      }
    } else if (r < 0.38) {
      obj.remove(k, ns);
      model.delete(entryId('obj', k, ns));
    } else if (r < 0.5) {
      const v = Math.floor(random() * 100);
      num.put(k, ns, v);
      model.set(entryId('num', k, ns), v);
    } else if (r < 0.55) {
      num.remove(k, ns);
      model.delete(entryId('num', k, ns));
    } else if (r < 0.58) {
      const table = random() < 0.5 ? obj : num;
      const name = table === obj ? 'obj' : 'num';
      table.removeNamespace(ns);
      for (const id of Array.from(model.keys())) {
        const [n, , nsOf] = JSON.parse(id) as [string, Key, Namespace];
        if (n === name && nsOf === ns) model.delete(id);
      }
    } else if (r < 0.66) {
      backend.setCurrentKey(k);
      list.setCurrentNamespace(ns);
      const v = Math.floor(random() * 10);
      list.add(v);
      const cur = listModel(k, ns);
      if (cur) cur.push(v);
      else model.set(entryId('list', k, ns), [v]);
    } else if (r < 0.69) {
      backend.setCurrentKey(k);
      list.setCurrentNamespace(ns);
      list.clear();
      model.delete(entryId('list', k, ns));
    } else if (r < 0.75) {
      backend.setCurrentKey(k);
      map.setCurrentNamespace(ns);
      const uk = pick(['a', 'b', 'c']);
      const uv = Math.floor(random() * 10);
      map.put(uk, uv);
      const cur = mapModel(k, ns) ?? [];
      const i = cur.findIndex(([x]) => x === uk);
      if (i >= 0) cur[i] = [uk, uv];
      else cur.push([uk, uv]);
      model.set(entryId('map', k, ns), cur);
    } else if (r < 0.78) {
      backend.setCurrentKey(k);
      map.setCurrentNamespace(ns);
      const uk = pick(['a', 'b', 'c']);
      map.remove(uk);
      const cur = mapModel(k, ns);
      if (cur) {
        const rest = cur.filter(([x]) => x !== uk);
        if (rest.length === 0) model.delete(entryId('map', k, ns));
        else model.set(entryId('map', k, ns), rest);
      }
    } else if (r < 0.83) {
      if (inFlight.length < 3)
        inFlight.push({
          snap: backend.snapshot(++checkpointId, { encode: mode === 'encode' }),
          expected: copyModel(),
        });
    } else if (r < 0.95) {
      if (inFlight.length > 0) {
        const i = Math.floor(random() * inFlight.length);
        const f = inFlight[i]!;
        const budget = 1 + Math.floor(random() * 20);
        if (mode === 'encode' ? f.snap.encodeStep!(budget) : f.snap.materializeStep(budget)) {
          const data = f.snap.result();
          expect(sortedEntries(flatten(data))).toEqual(sortedEntries(f.expected));
          lastCompleted = { data, expected: f.expected };
          inFlight.splice(i, 1);
        }
      }
    } else if (r < 0.96) {
      if (inFlight.length > 0) inFlight.splice(Math.floor(random() * inFlight.length), 1)[0]!.snap.release();
    } else if (r < 0.97 && lastCompleted !== undefined) {
      const copy = JSON.parse(JSON.stringify(lastCompleted.data)) as KeyedStateSnapshotData;
      const { backend: restored } = newBackend({ clock });
      restored.restore([copy]);
      expect(sortedEntries(flatten(restored.snapshot(0).result()))).toEqual(
        sortedEntries(lastCompleted.expected),
      );
    } else {
      checkLive(backend, model);
    }
  }
  for (const f of inFlight) {
    expect(sortedEntries(flatten(f.snap.result()))).toEqual(sortedEntries(f.expected));
  }
  checkLive(backend, model);
  for (const name of ['obj', 'num', 'list', 'map']) expect(backend.tableOf(name)!.activeOverlays()).toBe(0);
}

function checkLive(backend: HeapKeyedStateBackend, model: Model): void {
  const s = backend.snapshot(-1);
  expect(sortedEntries(flatten(s.result()))).toEqual(sortedEntries(model));
  const sizes = new Map<string, number>();
  const keys = new Set<Key>();
  for (const id of model.keys()) {
    const [name, key] = JSON.parse(id) as [string, Key];
    sizes.set(name, (sizes.get(name) ?? 0) + 1);
    keys.add(key);
  }
  for (const name of ['obj', 'num', 'list', 'map'])
    expect(backend.tableOf(name)!.size()).toBe(sizes.get(name) ?? 0);
  expect(backend.numKeys()).toBe(keys.size);
}

describe('seeded fuzz: heap backend vs Map model', () => {
  // FUZZ_SEEDS=500 widens the sweep locally
  const count = Number(globalThis.process?.env.FUZZ_SEEDS ?? 24);
  const seeds = Array.from({ length: count }, (_, i) => i * 7919 + 1);
  it.each(seeds)('seed %i, copying snapshots', (seed) => runSeed(seed, 3000, 'columnar'));
  it.each(seeds)('seed %i, encoding snapshots', (seed) => runSeed(seed, 3000, 'encode'));
});
