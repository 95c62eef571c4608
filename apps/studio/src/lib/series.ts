/**
 * Bookkeeping of the run view's charts, without React or the DOM: a fixed-size ring buffer of samples, the
 * throughput history fed by `job:metrics`, min/max downsampling to the chart's width, "nice" axis ticks, and
 * the figures of a chart's text summary.
 */
import type { Checkpoint, JobMetrics } from '@flowstate/api';
import { nodeNames } from './spec-nodes';

export interface Point {
  /** Epoch ms (time series) or any increasing x (checkpoint ids). */
  t: number;
  v: number;
}

/** The newest `capacity` points, oldest first; pushing past the capacity overwrites the oldest. */
export class RingBuffer {
  private readonly ts: Float64Array;
  private readonly vs: Float64Array;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error('capacity must be a positive integer');
    this.ts = new Float64Array(capacity);
    this.vs = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(t: number, v: number): void {
    const i = (this.start + this.count) % this.capacity;
    this.ts[i] = t;
    this.vs[i] = v;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** The i-th point, oldest first. */
  at(i: number): Point | undefined {
    if (i < 0 || i >= this.count) return undefined;
    const j = (this.start + i) % this.capacity;
    return { t: this.ts[j]!, v: this.vs[j]! };
  }

  last(): Point | undefined {
    return this.at(this.count - 1);
  }

  /** Points with `t >= since`, oldest first. */
  toArray(since = Number.NEGATIVE_INFINITY): Point[] {
    const out: Point[] = [];
    for (let i = 0; i < this.count; i++) {
      const j = (this.start + i) % this.capacity;
      if (this.ts[j]! >= since) out.push({ t: this.ts[j]!, v: this.vs[j]! });
    }
    return out;
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
  }
}

/**
 * At most `buckets * 2` points that keep the shape of `points`: for each of `buckets` equal slices of the x
 * range, its lowest and highest point in x order (spikes survive, unlike averaging). Shorter input is returned
 * as it is.
 */
export function downsampleMinMax(points: readonly Point[], buckets: number): Point[] {
  if (buckets < 1 || points.length <= buckets * 2) return points.slice();
  const t0 = points[0]!.t;
  const span = points[points.length - 1]!.t - t0 || 1;
  const out: Point[] = [];
  let bucket = -1;
  let lo: Point | null = null;
  let hi: Point | null = null;
  const flush = () => {
    if (!lo || !hi) return;
    if (lo === hi) out.push(lo);
    else if (lo.t <= hi.t) out.push(lo, hi);
    else out.push(hi, lo);
  };
  for (const p of points) {
    const b = Math.min(buckets - 1, Math.floor(((p.t - t0) / span) * buckets));
    if (b !== bucket) {
      flush();
      bucket = b;
      lo = p;
      hi = p;
    } else {
      if (p.v < lo!.v) lo = p;
      if (p.v > hi!.v) hi = p;
    }
  }
  flush();
  return out;
}

/**
 * About `count` round tick values (1, 2 or 5 × 10^n apart) covering [min, max]; starts at or below min.
 * `minStep`: ticks at least this far apart (1 for whole bytes or milliseconds: no `0.5 B`, no two ticks that
 * read `1 ms`).
 */
export function niceTicks(min: number, max: number, count = 4, minStep = 0): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [0];
  if (max < min) [min, max] = [max, min];
  if (max === min) {
    if (max === 0) return [0, Math.max(1, minStep)];
    const pad = Math.abs(max) * 0.5;
    return niceTicks(min - pad, max + pad, count, minStep);
  }
  const raw = Math.max((max - min) / Math.max(1, count), minStep);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  const step = (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
  const first = Math.floor(min / step) * step;
  const ticks: number[] = [];
  for (let v = first; v < max + step * 0.5; v += step) {
    ticks.push(Number(v.toPrecision(12)));
    if (ticks.length > 50) break;
  }
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

const TIME_STEPS_MS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => s * 1000);

/** Tick times for a time axis over [from, to]: multiples of a round step (5 s, 30 s, 1 min…), about `count`. */
export function timeTicks(from: number, to: number, count = 5): number[] {
  if (!(to > from)) return [from];
  const want = (to - from) / Math.max(1, count);
  const step = TIME_STEPS_MS.find((s) => s >= want) ?? TIME_STEPS_MS[TIME_STEPS_MS.length - 1]!;
  const out: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(t);
  return out;
}

export interface SeriesSummary {
  latest: number | null;
  min: number | null;
  max: number | null;
  count: number;
}

export function summarize(points: readonly Point[]): SeriesSummary {
  if (points.length === 0) return { latest: null, min: null, max: null, count: 0 };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const p of points) {
    if (p.v < min) min = p.v;
    if (p.v > max) max = p.v;
  }
  return { latest: points[points.length - 1]!.v, min, max, count: points.length };
}

// ---------------------------------------------------------------------------------------------- throughput

export interface SeriesInfo {
  id: string;
  label: string;
  /** `in`: rows read by a source; `out`: rows written to a sink. */
  role: 'source' | 'sink';
}

/** Default window of the throughput chart. */
export const THROUGHPUT_WINDOW_MS = 5 * 60_000;

/**
 * Rows/s over time, one series per source (rows it reads: its `recordsOutPerSec`) and per sink (rows it
 * writes: its `recordsInPerSec`) — what goes into the pipeline and what comes out of it. Samples are the
 * `job:metrics` snapshots (about one a second), taken at `startedAt + uptimeMs`; a snapshot that is not newer
 * than the last one (the same metrics seen again through a GET) is ignored.
 */
export class ThroughputHistory {
  private readonly buffers = new Map<string, RingBuffer>();
  private infos: SeriesInfo[] = [];
  private lastT = Number.NEGATIVE_INFINITY;
  /** Increases with every sample taken (React re-reads the chart from it). */
  version = 0;

  constructor(
    /** Samples kept per series: 5 minutes at one a second, with room for bursts. */
    private readonly capacity = 600,
  ) {}

  /** Takes one metrics snapshot; false when it was not newer than the last one. */
  add(metrics: JobMetrics, spec: unknown): boolean {
    const t = metrics.startedAt + metrics.uptimeMs;
    if (!(t > this.lastT)) return false;
    this.lastT = t;
    const names = nodeNames(spec);
    const infos: SeriesInfo[] = [];
    for (const n of metrics.nodes) {
      const role = n.kind === 'source' ? 'source' : n.kind === 'sink' ? 'sink' : null;
      if (!role) continue;
      const id = `${role}:${n.nodeId}`;
      infos.push({
        id,
        label: `${names.get(n.nodeId) ?? n.nodeId} (${role === 'source' ? 'in' : 'out'})`,
        role,
      });
      let buf = this.buffers.get(id);
      if (!buf) {
        buf = new RingBuffer(this.capacity);
        this.buffers.set(id, buf);
      }
      buf.push(t, role === 'source' ? n.recordsOutPerSec : n.recordsInPerSec);
    }
    // Sources first, then sinks; keep the order the metrics give within each.
    this.infos = [...infos.filter((i) => i.role === 'source'), ...infos.filter((i) => i.role === 'sink')];
    this.version++;
    return true;
  }

  get series(): readonly SeriesInfo[] {
    return this.infos;
  }

  /** Time of the newest sample (−∞ before the first). */
  get latest(): number {
    return this.lastT;
  }

  points(id: string, since = Number.NEGATIVE_INFINITY): Point[] {
    return this.buffers.get(id)?.toArray(since) ?? [];
  }
}

// --------------------------------------------------------------------------------------------- checkpoints

export interface CheckpointPoint {
  checkpointId: number;
  kind: Checkpoint['kind'];
  status: Checkpoint['status'];
  durationMs: number;
  sizeBytes: number | null;
  /** Incremental checkpoints (disk state backend): see `Checkpoint` and checkpoint-size.ts. */
  fullSizeBytes: number | null;
  incrementalSizeBytes: number | null;
}

/**
 * Finished checkpoints (completed, failed, or completed and since discarded by retention) in id order, for the
 * duration/size chart; the newest `max`.
 */
export function checkpointSeries(checkpoints: readonly Checkpoint[], max = 60): CheckpointPoint[] {
  return checkpoints
    .filter((c) => c.status !== 'pending' && c.durationMs !== null)
    .map((c) => ({
      checkpointId: c.checkpointId,
      kind: c.kind,
      status: c.status,
      durationMs: c.durationMs!,
      sizeBytes: c.sizeBytes,
      fullSizeBytes: c.fullSizeBytes,
      incrementalSizeBytes: c.incrementalSizeBytes,
    }))
    .sort((a, b) => a.checkpointId - b.checkpointId)
    .slice(-max);
}
