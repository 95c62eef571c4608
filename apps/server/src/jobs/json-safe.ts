/**
 * What the worker sends must survive both `postMessage` (structured clone) and, later, `JSON.stringify` on a
 * socket or an HTTP answer unchanged. Structured clone would keep `-Infinity`, `NaN` and `undefined`, JSON
 * would not (it writes `null` for the first two and drops the last), so the studio would see different things
 * over different paths. This makes the value JSON's shape up front:
 *
 * - non-finite numbers (a watermark of ±Infinity before the first / after the last watermark, a float
 *   `1.0 / 0`) → `null`
 * - `undefined` (in objects, arrays, or the value itself: "no state for this key") → `null`
 * - `Map` → object (string keys), `Set` → array, `Date` → epoch ms, `bigint` → string
 * - functions and symbols → `null`
 *
 * Values that already are JSON-safe come back as fresh copies; the input is never modified.
 */
export function toJsonSafe(value: unknown): unknown {
  switch (typeof value) {
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'string':
    case 'boolean':
      return value;
    case 'undefined':
    case 'function':
    case 'symbol':
      return null;
    case 'bigint':
      return value.toString();
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = toJsonSafe(value[i]);
    return out;
  }
  if (value instanceof Date) return value.getTime();
  if (value instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of value) out[String(k)] = toJsonSafe(v);
    return out;
  }
  if (value instanceof Set) return [...value].map(toJsonSafe);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value as object)) out[k] = toJsonSafe((value as Record<string, unknown>)[k]);
  return out;
}
