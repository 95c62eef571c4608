/**
 * The rows of the live state table, without React: a snapshot loaded page by page, `state:changes` applied on
 * top, a filter by key and a sort. Changes that arrive while a snapshot loads win over the snapshot's (older)
 * values for their keys.
 *
 * Built for 100k+ keys at ~10 change messages a second: the sorted order is kept between calls to `view` and
 * only repaired where it changed (a value change under the key sort changes nothing; new keys are sorted
 * among themselves and merged in; a value change under a value sort re-sorts the nearly sorted array, which
 * the engine's TimSort does in about linear time). A row's sort key and lower-cased text are computed once,
 * when the row is created, so comparisons are plain string or number comparisons instead of `Intl.Collator`.
 * A search filters the sorted rows (a filter keeps the order), and is cached until the order changes.
 */
import { keyText } from './format';

export interface KeyedRow {
  /** The key as text (also the row's identity). */
  id: string;
  key: unknown;
  value: unknown;
  /** When the value last changed by a live update (epoch ms); 0 for values from a snapshot. */
  changedAt: number;
  /** `id` lower-cased (what a search matches). */
  readonly lc: string;
  /** Sort key of a string key: lower-cased, digit runs zero-padded (so `k9` < `k10`). */
  readonly sk: string;
}

/** A state entry as the table takes it; `id` (default: the key's text) when a key has several rows. */
export interface StateRowEntry {
  key: unknown;
  value: unknown;
  id?: string;
}

export type SortDir = 'asc' | 'desc';
export interface SortSpec {
  /** `key`, or a field of the values (`count`). */
  by: string;
  dir: SortDir;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (a === undefined || a === null) return b === undefined || b === null ? 0 : -1;
  if (b === undefined || b === null) return 1;
  return collator.compare(String(a), String(b));
}

/** Lower-case, digit runs padded to 20 places: plain `<` then orders `k9` before `k10`, case-insensitively. */
export function sortKeyOf(text: string): string {
  return text.toLowerCase().replace(/\d+/g, (d) => (d.length >= 20 ? d : d.padStart(20, '0')));
}

/** Key order: numbers numerically and before anything else; other keys by their sort key, then exact text. */
export function compareKeys(a: KeyedRow, b: KeyedRow): number {
  const an = typeof a.key === 'number';
  const bn = typeof b.key === 'number';
  if (an && bn) return (a.key as number) - (b.key as number) || (a.sk < b.sk ? -1 : a.sk > b.sk ? 1 : 0);
  if (an !== bn) return an ? -1 : 1;
  if (a.sk !== b.sk) return a.sk < b.sk ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

function comparatorOf(sort: SortSpec): (a: KeyedRow, b: KeyedRow) => number {
  const sign = sort.dir === 'asc' ? 1 : -1;
  if (sort.by === 'key') return (a, b) => sign * compareKeys(a, b);
  const by = sort.by;
  return (a, b) => sign * compareValues(fieldOf(a.value, by), fieldOf(b.value, by)) || compareKeys(a, b);
}

function makeRow(id: string, key: unknown, value: unknown, changedAt: number): KeyedRow {
  const lc = id.toLowerCase();
  // A number key sorts by its value; its rows (one per window) by the rest of their id.
  return {
    id,
    key,
    value,
    changedAt,
    lc,
    sk: typeof key === 'number' && id === keyText(key) ? '' : sortKeyOf(id),
  };
}

interface SortedCache {
  by: string;
  dir: SortDir;
  cmp: (a: KeyedRow, b: KeyedRow) => number;
  rows: KeyedRow[];
  /** A value changed under a value sort: re-sort before the next view. */
  dirty: boolean;
}

export class KeyedRows {
  private readonly rows = new Map<string, KeyedRow>();
  private loading: Set<string> | null = null;
  private sorted: SortedCache | null = null;
  /** Rows created since the sorted array was last brought up to date. */
  private fresh: KeyedRow[] = [];
  private filtered: { q: string; base: KeyedRow[]; rows: KeyedRow[] } | null = null;
  /** Increases with every change (React re-renders from it). */
  version = 0;
  /** Increases when the set or the order of rows changes (a value changing in place does not). */
  orderVersion = 0;

  get size(): number {
    return this.rows.size;
  }

  /** Start loading a new snapshot: everything held is dropped. */
  beginLoad(): void {
    this.rows.clear();
    this.loading = new Set();
    this.sorted = null;
    this.fresh = [];
    this.filtered = null;
    this.version++;
    this.orderVersion++;
  }

  /** One page of the snapshot (`id`: a row's identity when a key has several rows, e.g. one per window). */
  addSnapshot(entries: readonly StateRowEntry[]): void {
    for (const e of entries) {
      const id = e.id ?? keyText(e.key);
      if (this.loading?.has(id)) continue; // a live change is newer
      const old = this.rows.get(id);
      if (old) {
        this.setValue(old, e.value, 0);
        continue;
      }
      const row = makeRow(id, e.key, e.value, 0);
      this.rows.set(id, row);
      this.fresh.push(row);
    }
    this.version++;
    if (entries.length > 0) this.orderVersion++;
  }

  endLoad(): void {
    this.loading = null;
  }

  /** Live changes (`value: null` = the key holds no state any more). */
  applyChanges(changes: readonly StateRowEntry[], at: number): void {
    let reordered = false;
    for (const c of changes) {
      const id = c.id ?? keyText(c.key);
      this.loading?.add(id);
      const old = this.rows.get(id);
      if (c.value === null || c.value === undefined) {
        if (!old) continue;
        this.rows.delete(id);
        this.drop(old);
        reordered = true;
      } else if (old) {
        reordered = this.setValue(old, c.value, at) || reordered;
      } else {
        const row = makeRow(id, c.key, c.value, at);
        this.rows.set(id, row);
        this.fresh.push(row);
        reordered = true;
      }
    }
    this.version++;
    if (reordered) this.orderVersion++;
  }

  /** Rows whose key contains `query` (case-insensitive), sorted. Do not modify the array. */
  view(query: string, sort: SortSpec): readonly KeyedRow[] {
    const all = this.sortedRows(sort);
    const q = query.trim().toLowerCase();
    if (!q) return all;
    if (this.filtered && this.filtered.q === q && this.filtered.base === all) return this.filtered.rows;
    const rows = all.filter((r) => r.lc.includes(q));
    this.filtered = { q, base: all, rows };
    return rows;
  }

  values(): IterableIterator<KeyedRow> {
    return this.rows.values();
  }

  /** Updates a row in place; true when that changes the order (a value sort is in use). */
  private setValue(row: KeyedRow, value: unknown, at: number): boolean {
    row.value = value;
    row.changedAt = at;
    if (this.sorted && this.sorted.by !== 'key') {
      this.sorted.dirty = true;
      return true;
    }
    return false;
  }

  private drop(row: KeyedRow): void {
    const f = this.fresh.indexOf(row);
    if (f >= 0) {
      this.fresh.splice(f, 1);
      return;
    }
    if (!this.sorted) return;
    const i = this.sorted.rows.indexOf(row);
    if (i >= 0) this.sorted.rows = this.sorted.rows.filter((r) => r !== row);
  }

  /** All rows in `sort` order, repaired incrementally since the last call (a new array when it changed). */
  private sortedRows(sort: SortSpec): KeyedRow[] {
    let s = this.sorted;
    if (!s || s.by !== sort.by || s.dir !== sort.dir) {
      const cmp = comparatorOf(sort);
      s = { by: sort.by, dir: sort.dir, cmp, rows: Array.from(this.rows.values()).sort(cmp), dirty: false };
      this.sorted = s;
      this.fresh = [];
      return s.rows;
    }
    if (s.dirty) {
      s.rows = s.rows.slice().sort(s.cmp);
      s.dirty = false;
    }
    if (this.fresh.length > 0) {
      const fresh = this.fresh.sort(s.cmp);
      this.fresh = [];
      s.rows = merge(s.rows, fresh, s.cmp);
    }
    return s.rows;
  }
}

/** Two sorted arrays as one. */
function merge(a: KeyedRow[], b: KeyedRow[], cmp: (x: KeyedRow, y: KeyedRow) => number): KeyedRow[] {
  const out = new Array<KeyedRow>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = cmp(a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
  while (i < a.length) out[k++] = a[i++]!;
  while (j < b.length) out[k++] = b[j++]!;
  return out;
}

export function fieldOf(value: unknown, field: string): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value))
    return (value as Record<string, unknown>)[field];
  return field === 'value' ? value : undefined;
}
