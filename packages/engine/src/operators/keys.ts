import type { Row } from '../runtime/elements';
import type { Key } from '../state/index';

/**
 * Flink's `KeySelector` for key fields: one field keys by its value itself; several fields key by a JSON array
 * string (deterministic, and it decodes back to the typed field values when a result row is emitted).
 */
export interface KeySelector {
  readonly fields: readonly string[];
  getKey(row: Row): Key;
  /** Writes the key's field values into `out` (result rows start with the key fields). */
  writeKeyFields(key: Key, out: Row): void;
}

export function keySelector(fields: readonly string[]): KeySelector {
  if (fields.length === 0) throw new Error('a key needs at least one field');
  if (fields.length === 1) {
    const f = fields[0]!;
    return {
      fields,
      getKey: (row) => (row[f] ?? null) as Key,
      writeKeyFields: (key, out) => void (out[f] = key),
    };
  }
  return {
    fields,
    getKey: (row) => JSON.stringify(fields.map((f) => row[f] ?? null)),
    writeKeyFields(key, out) {
      const vals = JSON.parse(key as string) as unknown[];
      for (let i = 0; i < fields.length; i++) out[fields[i]!] = vals[i];
    },
  };
}
