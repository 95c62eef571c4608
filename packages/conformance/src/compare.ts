/**
 * How the two engines' outputs are compared.
 *
 * - Appending results (windows, stateless pipelines): as multisets of rows, exactly. Across keys neither
 *   engine defines an output order (rows of one event time, windows of different keys), so only the
 *   multiset is fixed; every value must be equal (floats too: both engines add in the same order here).
 * - Updating results (rolling aggregates): per key, the sequence of updates — Flowstate's rows for that
 *   key in emission order, Flink's `after` images in commit order. Flink runs with mini-batch off, so every
 *   input row updates its key at once, as in Flowstate.
 */
import type { Row } from '@flowstate/engine';

/** A row as text: the fields sorted by name (order-free), values as JSON (NaN/±Infinity as null). */
export function canon(row: Row): string {
  const keys = Object.keys(row).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(row[k] ?? null)}`).join(',')}}`;
}

export interface Difference {
  /** Rows Flowstate has that Flink does not (multisets), or the keys whose sequences differ. */
  flowstateOnly: string[];
  flinkOnly: string[];
  /** A line that says what differs, for reports. */
  summary: string;
}

function counts(rows: readonly Row[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) {
    const c = canon(r);
    m.set(c, (m.get(c) ?? 0) + 1);
  }
  return m;
}

/** Multiset comparison; null when equal. */
export function compareMultisets(flowstate: readonly Row[], flink: readonly Row[]): Difference | null {
  const a = counts(flowstate);
  const b = counts(flink);
  const flowstateOnly: string[] = [];
  const flinkOnly: string[] = [];
  for (const [k, n] of a) for (let i = n - (b.get(k) ?? 0); i > 0; i--) flowstateOnly.push(k);
  for (const [k, n] of b) for (let i = n - (a.get(k) ?? 0); i > 0; i--) flinkOnly.push(k);
  if (flowstateOnly.length === 0 && flinkOnly.length === 0) return null;
  return {
    flowstateOnly,
    flinkOnly,
    summary: `${flowstate.length} rows vs ${flink.length}: ${flowstateOnly.length} only in Flowstate, ${flinkOnly.length} only in Flink`,
  };
}

/** Rows grouped by key (the given fields), each group in the order of `rows`. */
export function sequencesByKey(rows: readonly Row[], key: readonly string[]): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const r of rows) {
    const k = JSON.stringify(key.map((f) => r[f] ?? null));
    let seq = m.get(k);
    if (!seq) m.set(k, (seq = []));
    seq.push(canon(r));
  }
  return m;
}

/** Per-key sequence comparison; null when every key has the same sequence of updates in both. */
export function compareSequences(
  flowstate: readonly Row[],
  flink: readonly Row[],
  key: readonly string[],
): Difference | null {
  const a = sequencesByKey(flowstate, key);
  const b = sequencesByKey(flink, key);
  const flowstateOnly: string[] = [];
  const flinkOnly: string[] = [];
  let first = '';
  for (const k of new Set([...a.keys(), ...b.keys()])) {
    const sa = a.get(k) ?? [];
    const sb = b.get(k) ?? [];
    if (sa.length === sb.length && sa.every((x, i) => x === sb[i])) continue;
    if (sa.length > 0) flowstateOnly.push(k);
    if (sb.length > 0) flinkOnly.push(k);
    if (!first) {
      const at = sa.findIndex((x, i) => x !== sb[i]);
      const i = at < 0 ? sa.length : at;
      first = `; key ${k}: ${sa.length} updates vs ${sb.length}, first difference at update ${i + 1}: ${sa[i] ?? '(none)'} vs ${sb[i] ?? '(none)'}`;
    }
  }
  if (flowstateOnly.length === 0 && flinkOnly.length === 0) return null;
  const keys = new Set([...flowstateOnly, ...flinkOnly]).size;
  return {
    flowstateOnly,
    flinkOnly,
    summary: `${keys} of ${new Set([...a.keys(), ...b.keys()]).size} keys have other sequences of updates${first}`,
  };
}

/** Each key's sequence without an update that repeats the one before it. */
export function withoutRepeatedUpdates(rows: readonly Row[], key: readonly string[]): Row[] {
  const last = new Map<string, string>();
  const out: Row[] = [];
  for (const r of rows) {
    const k = JSON.stringify(key.map((f) => r[f] ?? null));
    const c = canon(r);
    if (last.get(k) === c) continue;
    last.set(k, c);
    out.push(r);
  }
  return out;
}

/** The rows with only the given fields (the others dropped). */
export function project(rows: readonly Row[], fields: readonly string[]): Row[] {
  return rows.map((r) => Object.fromEntries(fields.map((f) => [f, r[f] ?? null])));
}
