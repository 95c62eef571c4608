/**
 * A plain reference model of the engine's event-time semantics, written from JOB-SPEC.md (Flink's
 * `WindowOperator` with the default event-time trigger) and not from the engine's code: it keeps every
 * window's rows in a list and computes the aggregates from the list when the window fires.
 *
 * It models a source of parallelism 1 with `forBoundedOutOfOrderness`: after every `emitEveryRows`-th row
 * the source emits `max timestamp so far − maxOutOfOrdernessMs − 1` if that is larger than what it emitted
 * before; at the end it emits +∞. The window sees the rows and watermarks in that order.
 */
import type { Row } from '../runtime/elements';

export type Element = { kind: 'row'; row: Row; ts: number } | { kind: 'watermark'; wm: number };

export interface RefWatermark {
  timestampField: string;
  maxOutOfOrdernessMs: number;
  emitEveryRows: number;
}

/** The source's stream: rows with their event timestamps, and the watermarks between them. */
export function withWatermarks(rows: readonly Row[], w: RefWatermark): Element[] {
  const out: Element[] = [];
  let maxTs = Number.NEGATIVE_INFINITY;
  let emitted = Number.NEGATIVE_INFINITY;
  let since = 0;
  for (const row of rows) {
    const t = row[w.timestampField];
    if (typeof t !== 'number' || !Number.isFinite(t)) continue; // a row error at the source
    out.push({ kind: 'row', row, ts: t });
    if (t > maxTs) maxTs = t;
    if (++since >= w.emitEveryRows) {
      since = 0;
      const wm = maxTs - w.maxOutOfOrdernessMs - 1;
      if (wm > emitted) {
        emitted = wm;
        out.push({ kind: 'watermark', wm });
      }
    }
  }
  out.push({ kind: 'watermark', wm: Number.POSITIVE_INFINITY });
  return out;
}

export type AggFn = 'COUNT' | 'SUM' | 'MIN' | 'MAX' | 'AVG' | 'FIRST_VALUE' | 'LAST_VALUE';

export interface RefAggregate {
  name: string;
  fn: AggFn;
  /** The argument; null for COUNT(*). */
  arg: ((row: Row) => unknown) | null;
}

/** `COUNT(*)` → { fn: COUNT, arg: null }; `SUM(v)` → { fn: SUM, arg: row => row.v } (a bare field only). */
export function refAggregate(name: string, text: string): RefAggregate {
  const m = /^\s*([A-Z_]+)\s*\(\s*(\*|[A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/.exec(text);
  if (!m) throw new Error(`reference: unsupported aggregate ${text}`);
  const fn = m[1] as AggFn;
  const field = m[2]!;
  return { name, fn, arg: field === '*' ? null : (row) => row[field] ?? null };
}

const nonNull = (v: unknown): boolean => v !== null && v !== undefined;

/** SQL aggregates over a list of rows: NULLs ignored except by COUNT(*); no values → NULL (COUNT: 0). */
export function aggregateRows(rows: readonly Row[], aggs: readonly RefAggregate[], out: Row): Row {
  for (const a of aggs) {
    if (a.arg === null) {
      out[a.name] = rows.length;
      continue;
    }
    const vals = rows.map(a.arg).filter(nonNull) as number[];
    switch (a.fn) {
      case 'COUNT':
        out[a.name] = vals.length;
        break;
      case 'SUM': {
        let s: number | null = null;
        for (const v of vals) s = s === null ? v : s + v;
        out[a.name] = s;
        break;
      }
      case 'AVG': {
        let s = 0;
        for (const v of vals) s += v;
        out[a.name] = vals.length === 0 ? null : s / vals.length;
        break;
      }
      case 'MIN':
      case 'MAX': {
        let best: number | null = null;
        for (const v of vals) if (best === null || (a.fn === 'MIN' ? v < best : v > best)) best = v;
        out[a.name] = best;
        break;
      }
      case 'FIRST_VALUE':
        out[a.name] = vals.length === 0 ? null : vals[0];
        break;
      case 'LAST_VALUE':
        out[a.name] = vals.length === 0 ? null : vals[vals.length - 1];
        break;
    }
  }
  return out;
}

export type RefAssigner =
  | { type: 'tumbling'; sizeMs: number; offsetMs?: number }
  | { type: 'sliding'; sizeMs: number; slideMs: number; offsetMs?: number }
  | { type: 'session'; gapMs: number };

export interface RefWindowOp {
  key: readonly string[];
  assigner: RefAssigner;
  allowedLatenessMs: number;
  aggregates: readonly RefAggregate[];
}

export interface RefWindowResult {
  /** Every row the window emitted (one per firing). */
  fired: Row[];
  /** The window's input rows that were late (what a `late` edge carries). */
  late: Row[];
  /** Window input rows whose timestamp was at most watermark + 1 when they arrived: results depend on
   * exactly when watermarks arrive only if this is not 0. */
  nearWatermark: number;
  /** Rows that reached the window. */
  windowInput: number;
}

interface Win {
  start: number;
  end: number;
  rows: Row[];
  /** The event-time trigger's timer at end − 1 is still to fire. */
  pending: boolean;
}

const floorMod = (a: number, b: number): number => ((a % b) + b) % b;

/** The windows of a tumbling or sliding assigner that contain `t`: [start, end). */
export function assignWindows(
  a: Exclude<RefAssigner, { type: 'session' }>,
  t: number,
): Array<[number, number]> {
  const size = a.sizeMs;
  const slide = a.type === 'sliding' ? a.slideMs : a.sizeMs;
  const offset = a.offsetMs ?? 0;
  const out: Array<[number, number]> = [];
  // Every start ≡ offset (mod slide) with start <= t < start + size.
  for (let start = t - floorMod(t - offset, slide); start > t - size; start -= slide)
    out.push([start, start + size]);
  return out;
}

/**
 * keyBy + window over the stream: `pre` is what runs between the source and the window (filters return
 * null, maps return a new row); it sees every row in order, and watermarks pass it unchanged.
 */
export function referenceWindow(
  elements: readonly Element[],
  pre: (row: Row) => Row | null,
  op: RefWindowOp,
): RefWindowResult {
  const L = op.allowedLatenessMs;
  const keyOf = keyFunction(op.key);
  const fired: Row[] = [];
  const late: Row[] = [];
  let nearWatermark = 0;
  let windowInput = 0;
  let W = Number.NEGATIVE_INFINITY;
  // key → windows of that key (tumbling/sliding: by start; sessions: a list)
  const byKey = new Map<string, { keyRow: Row; wins: Win[] }>();

  const emit = (keyRow: Row, w: Win) => {
    const out: Row = { ...keyRow, window_start: w.start, window_end: w.end };
    fired.push(aggregateRows(w.rows, op.aggregates, out));
  };

  for (const e of elements) {
    if (e.kind === 'watermark') {
      if (e.wm <= W) continue;
      W = e.wm;
      for (const entry of byKey.values()) {
        for (const w of entry.wins) {
          if (w.pending && w.end - 1 <= W) {
            w.pending = false;
            emit(entry.keyRow, w);
          }
        }
        entry.wins = entry.wins.filter((w) => !(w.end - 1 + L <= W));
      }
      continue;
    }
    const row = pre(e.row);
    if (row === null) continue;
    windowInput++;
    const t = e.ts;
    if (t <= W + 1) nearWatermark++;
    const k = keyOf(row);
    let entry = byKey.get(k.id);
    if (!entry) {
      entry = { keyRow: k.row, wins: [] };
      byKey.set(k.id, entry);
    }
    const a = op.assigner;
    if (a.type === 'session') {
      let start = t;
      let end = t + a.gapMs;
      const merged = entry.wins.filter((w) => w.start <= t + a.gapMs && w.end >= t);
      for (const w of merged) {
        start = Math.min(start, w.start);
        end = Math.max(end, w.end);
      }
      if (end - 1 + L <= W) {
        late.push(row);
        continue;
      }
      const rows: Row[] = [];
      for (const w of merged) rows.push(...w.rows);
      rows.push(row);
      const win: Win = { start, end, rows, pending: end - 1 > W };
      entry.wins = entry.wins.filter((w) => !merged.includes(w));
      entry.wins.push(win);
      if (end - 1 <= W) emit(entry.keyRow, win);
      continue;
    }
    let assigned = false;
    for (const [start, end] of assignWindows(a, t)) {
      if (end - 1 + L <= W) continue;
      assigned = true;
      let win = entry.wins.find((w) => w.start === start);
      if (!win) {
        win = { start, end, rows: [], pending: end - 1 > W };
        entry.wins.push(win);
      }
      win.rows.push(row);
      if (end - 1 <= W) emit(entry.keyRow, win);
    }
    if (!assigned) late.push(row);
  }
  return { fired, late, nearWatermark, windowInput };
}

/** keyBy + rolling `aggregate`: after every row, the key's fields and its aggregates so far. */
export function referenceRolling(
  elements: readonly Element[],
  pre: (row: Row) => Row | null,
  key: readonly string[],
  aggregates: readonly RefAggregate[],
): Row[] {
  const keyOf = keyFunction(key);
  const out: Row[] = [];
  // Incremental, so that long streams stay linear: only the aggregates over the key's rows so far.
  const state = new Map<string, Row>();
  for (const e of elements) {
    if (e.kind !== 'row') continue;
    const row = pre(e.row);
    if (row === null) continue;
    const k = keyOf(row);
    let acc = state.get(k.id);
    if (!acc) {
      acc = {};
      state.set(k.id, acc);
    }
    const result: Row = { ...k.row };
    for (const a of aggregates) {
      const v = a.arg === null ? 1 : a.arg(row);
      const prev = acc[a.name];
      const cnt = (acc[`${a.name}#n`] as number | undefined) ?? 0;
      const sum = (acc[`${a.name}#s`] as number | undefined) ?? 0;
      if (a.arg === null) acc[a.name] = ((prev as number | undefined) ?? 0) + 1;
      else if (nonNull(v)) {
        const x = v as number;
        switch (a.fn) {
          case 'COUNT':
            acc[a.name] = ((prev as number | undefined) ?? 0) + 1;
            break;
          case 'SUM':
            acc[a.name] = prev === undefined || prev === null ? x : (prev as number) + x;
            break;
          case 'AVG':
            acc[`${a.name}#n`] = cnt + 1;
            acc[`${a.name}#s`] = sum + x;
            acc[a.name] = (sum + x) / (cnt + 1);
            break;
          case 'MIN':
            acc[a.name] = prev === undefined || prev === null || x < (prev as number) ? x : prev;
            break;
          case 'MAX':
            acc[a.name] = prev === undefined || prev === null || x > (prev as number) ? x : prev;
            break;
          case 'FIRST_VALUE':
            acc[a.name] = prev === undefined || prev === null ? x : prev;
            break;
          case 'LAST_VALUE':
            acc[a.name] = x;
            break;
        }
      }
      result[a.name] = acc[a.name] ?? (a.fn === 'COUNT' ? 0 : null);
    }
    out.push(result);
  }
  return out;
}

function keyFunction(fields: readonly string[]): (row: Row) => { id: string; row: Row } {
  return (row) => {
    const keyRow: Row = {};
    for (const f of fields) keyRow[f] = row[f] ?? null;
    return { id: JSON.stringify(fields.map((f) => row[f] ?? null)), row: keyRow };
  };
}
