/** Display formatting shared by the studio's tables (plain functions, tested in format.test.ts). */

/**
 * A duration, for people: `0.4 ms` · `950 ms` · `1.5 s` · `42 s` · `1 min` · `4 min 5 s` · `2 h 3 min` ·
 * `3 d 4 h` · `2 y 40 d`; the largest two units, whole below the first; negative with a minus sign; `—`
 * when there is none. The one duration format of the studio: configured durations (a window's size), times
 * taken (a checkpoint) and lags (how far the watermark is behind).
 */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 0) return `−${formatDuration(-ms)}`;
  if (ms < 1000) return `${+ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? +s.toFixed(1) : Math.floor(s)} s`;
  const two = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    small > 0 ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`;
  const totalS = Math.floor(s);
  const m = Math.floor(totalS / 60);
  if (m < 60) return two(m, 'min', totalS % 60, 's');
  const h = Math.floor(m / 60);
  if (h < 24) return two(h, 'h', m % 60, 'min');
  const d = Math.floor(h / 24);
  if (d < 365) return two(d, 'd', h % 24, 'h');
  return two(Math.floor(d / 365), 'y', d % 365, 'd');
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * An event time (epoch milliseconds) as people read it, in UTC: `2023-11-14 22:13:20Z`, with the
 * milliseconds when there are any (`2023-11-14 22:13:59.999Z`); `—` for none. `seconds`: the short form for
 * tight spaces, to the second and without the zone (`2023-11-14 22:13:59`). Event times are what the
 * data says, not the viewer's clock, so the studio shows them in one zone whatever the browser's.
 */
export function formatEventTime(
  ms: number | null | undefined,
  { seconds = false }: { seconds?: boolean } = {},
): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return '—';
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const millis = d.getUTCMilliseconds();
  if (seconds) return `${date} ${time}`;
  return `${date} ${time}${millis > 0 ? `.${pad(millis, 3)}` : ''}Z`;
}

/**
 * A window's bounds `[start, end)` on one line: `2023-11-14 22:12:50 – 22:13:50Z` (the end's date only when it
 * differs from the start's, milliseconds only when there are any).
 */
export function formatWindow(start: number, end: number): string {
  if (!Number.isFinite(start) || !Number.isFinite(end)) return '—';
  const a = formatEventTime(start).replace(/Z$/, '');
  const b = formatEventTime(end);
  return a.slice(0, 10) === b.slice(0, 10) ? `${a} – ${b.slice(11)}` : `${a} – ${b}`;
}

/** What hovering an event time shows: the value as stored (`1700000000000 ms since the epoch`). */
export function eventTimeTitle(ms: number): string {
  return `${ms} ms since the epoch (${new Date(ms).toISOString()})`;
}

/** 512 B · 3.2 KiB · 14.0 MiB */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** 1,234,567 */
export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  return Math.round(n).toLocaleString('en-US');
}

/** A rate: 0 · 12 · 1.2k · 3.4M (per second). */
export function formatRate(n: number): string {
  if (!Number.isFinite(n) || n <= 0) return '0';
  if (n < 1000) return n < 10 ? n.toFixed(1).replace(/\.0$/, '') : String(Math.round(n));
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

/** Local time of day with seconds (the runs view shows recent things): 14:03:09. */
export function formatTime(iso: string | number | null | undefined): string {
  if (iso === null || iso === undefined) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Date and time for lists: 2024-05-01 14:03. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const p = (x: number) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A state key as text (keys are strings, numbers, booleans or null). */
export function keyText(key: unknown): string {
  if (key === null) return 'null';
  return typeof key === 'string' ? key : JSON.stringify(key);
}

/**
 * A state key as the table shows it: a key of several fields (the JSON array text the engine makes of it,
 * `[1,1008]`) as its values, `1 · 1008`; any other key as `keyText` gives it.
 */
export function keyLabel(key: unknown): string {
  const text = keyText(key);
  if (typeof key !== 'string' || !key.startsWith('[')) return text;
  try {
    const parts = JSON.parse(key) as unknown;
    return Array.isArray(parts)
      ? parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' · ')
      : text;
  } catch {
    return text;
  }
}

/** A JSON value for a table cell: strings as they are, numbers grouped, anything else compact JSON. */
export function valueText(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? formatCount(v) : String(Number(v.toFixed(6)));
  if (typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** The columns to show for a list of values: the union of their object fields (in first-seen order). */
export function valueColumns(values: Iterable<unknown>, max = 8): string[] | null {
  const cols: string[] = [];
  const seen = new Set<string>();
  let n = 0;
  for (const v of values) {
    if (v === null || v === undefined) continue;
    if (typeof v !== 'object' || Array.isArray(v)) return null;
    for (const k of Object.keys(v)) {
      if (!seen.has(k)) {
        seen.add(k);
        cols.push(k);
        if (cols.length >= max) return cols;
      }
    }
    if (++n >= 200) break;
  }
  return cols;
}
