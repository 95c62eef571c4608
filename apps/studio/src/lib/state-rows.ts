/**
 * The state table's rows for what a node's state value holds. A rolling aggregate's value is one row per
 * key (its aggregates by name). A window's value is `{ windows: [{ window_start, window_end, …aggregates }] }`
 * — every window the key has open — so it becomes one row per key and window (`WindowEntries`), with the
 * window's bounds and aggregates as columns, instead of a JSON string. Which columns hold event times comes
 * from the node's output schema (`timestampColumns`), so they are shown as times.
 */
import { validateSpec } from '@flowstate/spec';
import { keyText } from './format';
import type { StateRowEntry } from './keyed-rows';

/** A window's state value as written by the engine. */
interface WindowState {
  windows: Record<string, unknown>[];
}

function isWindowState(value: unknown): value is WindowState {
  return (
    typeof value === 'object' && value !== null && Array.isArray((value as { windows?: unknown }).windows)
  );
}

/** A window row's identity: the key's text and the window's start (zero-padded: sorts in time order). */
const windowId = (key: unknown, start: unknown) => `${keyText(key)}\u0001${String(start).padStart(16, '0')}`;

/**
 * A window node's state entries as one entry per (key, window). It remembers which windows each key had, so
 * that a change that closes a window (fired and purged) removes that window's row.
 */
export class WindowEntries {
  private readonly byKey = new Map<string, string[]>();

  private explode(key: unknown, value: unknown): StateRowEntry[] {
    if (!isWindowState(value)) return [];
    return value.windows.map((w) => ({ id: windowId(key, w.window_start), key, value: w }));
  }

  /** Entries of a snapshot page (call `clear` before a new snapshot). */
  snapshot(entries: readonly { key: unknown; value: unknown }[]): StateRowEntry[] {
    const out: StateRowEntry[] = [];
    for (const e of entries) {
      const rows = this.explode(e.key, e.value);
      this.byKey.set(
        keyText(e.key),
        rows.map((r) => r.id!),
      );
      out.push(...rows);
    }
    return out;
  }

  /** Live changes: each key's windows now, and a removal (`value: null`) for every window it no longer has. */
  changes(changes: readonly { key: unknown; value: unknown }[]): StateRowEntry[] {
    const out: StateRowEntry[] = [];
    for (const c of changes) {
      const k = keyText(c.key);
      const rows = this.explode(c.key, c.value);
      const now = new Set(rows.map((r) => r.id!));
      for (const id of this.byKey.get(k) ?? []) if (!now.has(id)) out.push({ id, key: c.key, value: null });
      if (rows.length === 0) this.byKey.delete(k);
      else this.byKey.set(k, [...now]);
      out.push(...rows);
    }
    return out;
  }

  clear(): void {
    this.byKey.clear();
  }
}

/** The columns of a node's state rows that hold event times: its output schema's `timestamp` fields. */
export function timestampColumns(spec: unknown, nodeId: string): Set<string> {
  const output = validateSpec(spec).schemas.get(nodeId)?.output ?? {};
  return new Set(
    Object.entries(output)
      .filter(([, type]) => type === 'timestamp')
      .map(([name]) => name),
  );
}
