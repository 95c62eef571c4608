/**
 * The rows of the live state table, without React: a snapshot loaded page by page, `state:changes` applied on
 * top, a filter by key and a sort. Changes that arrive while a snapshot loads win over the snapshot's (older)
 * values for their keys.
 */
import { keyText } from './format';

export interface KeyedRow {
  /** The key as text (also the row's identity). */
  id: string;
  key: unknown;
  value: unknown;
  /** When the value last changed by a live update (epoch ms); 0 for values from a snapshot. */
  changedAt: number;
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

export class KeyedRows {
  private readonly rows = new Map<string, KeyedRow>();
  private loading: Set<string> | null = null;
  /** Increases with every change (React re-derives its view from it). */
  version = 0;

  get size(): number {
    return this.rows.size;
  }

  /** Start loading a new snapshot: everything held is dropped. */
  beginLoad(): void {
    this.rows.clear();
    this.loading = new Set();
    this.version++;
  }

  /** One page of the snapshot. */
  addSnapshot(entries: readonly { key: unknown; value: unknown }[]): void {
    for (const e of entries) {
      const id = keyText(e.key);
      if (this.loading?.has(id)) continue; // a live change is newer
      this.rows.set(id, { id, key: e.key, value: e.value, changedAt: 0 });
    }
    this.version++;
  }

  endLoad(): void {
    this.loading = null;
  }

  /** Live changes (`value: null` = the key holds no state any more). */
  applyChanges(changes: readonly { key: unknown; value: unknown }[], at: number): void {
    for (const c of changes) {
      const id = keyText(c.key);
      this.loading?.add(id);
      if (c.value === null || c.value === undefined) this.rows.delete(id);
      else this.rows.set(id, { id, key: c.key, value: c.value, changedAt: at });
    }
    this.version++;
  }

  /** Rows whose key contains `query` (case-insensitive), sorted. */
  view(query: string, sort: SortSpec): KeyedRow[] {
    const q = query.trim().toLowerCase();
    const out: KeyedRow[] = [];
    for (const r of this.rows.values()) if (!q || r.id.toLowerCase().includes(q)) out.push(r);
    const sign = sort.dir === 'asc' ? 1 : -1;
    if (sort.by === 'key') out.sort((a, b) => sign * collator.compare(a.id, b.id));
    else
      out.sort(
        (a, b) =>
          sign * compareValues(fieldOf(a.value, sort.by), fieldOf(b.value, sort.by)) ||
          collator.compare(a.id, b.id),
      );
    return out;
  }

  values(): IterableIterator<KeyedRow> {
    return this.rows.values();
  }
}

export function fieldOf(value: unknown, field: string): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value))
    return (value as Record<string, unknown>)[field];
  return field === 'value' ? value : undefined;
}
