/** Display formatting shared by the studio's tables (plain functions, tested in format.test.ts). */

/** 950 ms · 12.3 s · 4 min 05 s · 2 h 03 min · 3 d 4 h */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 0) ms = 0;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.floor(s)} s`;
  const totalS = Math.floor(s);
  const m = Math.floor(totalS / 60);
  if (m < 60) return `${m} min ${String(totalS % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
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
