/** Records (name → value) as the forms edit them: set at a path, rename, move, append, name clashes. */
import { isRecord } from '../types';

/** A copy of `root` with `value` at `path`; `undefined` removes the key. Key order is kept. */
export function setIn<T>(root: T, path: readonly string[], value: unknown): T {
  if (path.length === 0) return value as T;
  const [head, ...rest] = path as [string, ...string[]];
  const base: Record<string, unknown> = isRecord(root) ? root : {};
  const next = rest.length === 0 ? value : setIn(base[head], rest, value);
  if (next === undefined) {
    if (!Object.hasOwn(base, head)) return base as T;
    const { [head]: _removed, ...others } = base;
    return others as T;
  }
  if (Object.hasOwn(base, head)) {
    // Replace in place so the key keeps its position.
    return Object.fromEntries(Object.entries(base).map(([k, v]) => [k, k === head ? next : v])) as T;
  }
  return { ...base, [head]: next } as T;
}

export function pick(data: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => Object.hasOwn(data, k)).map((k) => [k, data[k]]));
}

/** `base`, or `base2`, `base3`… — the first not in `taken`. */
export function uniqueName(base: string, taken: Iterable<string>): string {
  const set = new Set(taken);
  if (!set.has(base)) return base;
  for (let n = 2; ; n++) if (!set.has(`${base}${n}`)) return `${base}${n}`;
}

/** Renames a key, keeping its position (a no-op when `to` is taken by another key). */
export function renameKey<V>(record: Record<string, V>, from: string, to: string): Record<string, V> {
  if (from === to || !Object.hasOwn(record, from) || Object.hasOwn(record, to)) return record;
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k === from ? to : k, v]));
}

export function setKey<V>(record: Record<string, V>, key: string, value: V): Record<string, V> {
  return setIn(record, [key], value);
}

export function removeKey<V>(record: Record<string, V>, key: string): Record<string, V> {
  return setIn(record, [key], undefined);
}

/**
 * What is wrong with `name` as the name of a field among `others` (the other rows' names: a schema, a
 * map's output, aggregates), or `null` when nothing is.
 */
export function fieldNameProblem(name: string, others: Iterable<string>): string | null {
  if (name.trim() === '') return 'A field needs a name';
  if (name !== name.trim()) return 'A field name cannot start or end with a space';
  for (const other of others) if (other === name) return `There is already a field called ${name}`;
  return null;
}

/** The other keys of a record, for `fieldNameProblem`. */
export function otherKeys(record: Record<string, unknown>, key: string): string[] {
  return Object.keys(record).filter((k) => k !== key);
}

/** Moves a key up (`-1`) or down (`+1`) in the record's order; unchanged at either end. */
export function moveKey<V>(record: Record<string, V>, key: string, delta: -1 | 1): Record<string, V> {
  const entries = Object.entries(record);
  const i = entries.findIndex(([k]) => k === key);
  const j = i + delta;
  if (i === -1 || j < 0 || j >= entries.length) return record;
  [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  return Object.fromEntries(entries);
}

/** `record` with `value` under `key` appended (the first free name from `key` on). */
export function appendKey<V>(record: Record<string, V>, key: string, value: V): Record<string, V> {
  return { ...record, [uniqueName(key, Object.keys(record))]: value };
}
