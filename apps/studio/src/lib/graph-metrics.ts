/**
 * What the run view's job graph shows on each node, from two consecutive `job:metrics` samples.
 *
 * The engine reports backpressure as milliseconds a node's subtasks spent blocked on full output channels,
 * summed since the job (or the last restore) started. Like Flink's web UI, the graph shows the share of
 * the last interval each subtask spent blocked — 0–10 % ok, up to 50 % low, above that high.
 */
import type { JobMetrics, NodeMetrics } from '@flowstate/api';

export type BackpressureLevel = 'ok' | 'low' | 'high';

export interface NodeFigures {
  recordsInPerSec: number;
  recordsOutPerSec: number;
  watermark: number | null;
  /** Idle inputs, of how many (see NodeMetrics). */
  idleInputs: number;
  inputs: number;
  numKeys: number;
  /** Disk state backend: bytes the node's state stores take on disk; null for any other node. */
  stateBytesOnDisk: number | null;
  /** Share (0–1) of the last interval the node's subtasks spent blocked; null before two samples. */
  backpressure: number | null;
  level: BackpressureLevel | null;
  rowErrors: number;
  lateRowsDropped: number;
  /** Rows in and out since the job's input began (carried over a restore). */
  totalRecordsIn: number;
  totalRecordsOut: number;
}

export function backpressureLevel(ratio: number): BackpressureLevel {
  return ratio > 0.5 ? 'high' : ratio > 0.1 ? 'low' : 'ok';
}

/**
 * The share of `elapsedMs` the node's subtasks spent blocked between two samples, or null when it cannot be
 * told (no previous sample, no time passed, or the counter went back: a restore or restart reset it).
 */
export function backpressureRatio(
  prev: Pick<NodeMetrics, 'backpressureMs'> | undefined,
  cur: Pick<NodeMetrics, 'backpressureMs' | 'parallelism'>,
  elapsedMs: number,
): number | null {
  if (!prev || !(elapsedMs > 0)) return null;
  const blocked = cur.backpressureMs - prev.backpressureMs;
  if (blocked < 0) return null;
  return Math.min(1, blocked / (elapsedMs * Math.max(1, cur.parallelism)));
}

/** Each node's figures from the newest sample and the one before it (by uptime). */
export function nodeFigures(prev: JobMetrics | null, cur: JobMetrics | null): Map<string, NodeFigures> {
  const out = new Map<string, NodeFigures>();
  if (!cur) return out;
  const before = new Map(prev?.nodes.map((n) => [n.nodeId, n]) ?? []);
  const elapsed = prev && prev.startedAt === cur.startedAt ? cur.uptimeMs - prev.uptimeMs : 0;
  for (const n of cur.nodes) {
    const bp = backpressureRatio(before.get(n.nodeId), n, elapsed);
    out.set(n.nodeId, {
      recordsInPerSec: n.recordsInPerSec,
      recordsOutPerSec: n.recordsOutPerSec,
      watermark: n.watermark,
      idleInputs: n.idleInputs,
      inputs: n.inputs,
      numKeys: n.numKeys,
      stateBytesOnDisk: n.stateBytesOnDisk ?? null,
      backpressure: bp,
      level: bp === null ? null : backpressureLevel(bp),
      rowErrors: n.rowErrors,
      lateRowsDropped: n.lateRowsDropped,
      totalRecordsIn: n.totalRecordsIn,
      totalRecordsOut: n.totalRecordsOut,
    });
  }
  return out;
}

/** The run view's graph: node boxes and the gaps between them (the editor's layout, made compact). */
export const RUN_NODE_WIDTH = 208;
export const RUN_COLUMN_GAP = 28;
export const RUN_ROW_GAP = 24;

/**
 * How many figure lines a node box shows (one per figure `MetricsNode` draws): rows and backpressure always,
 * the others when they have something to say.
 */
export function figureLines(f: NodeFigures, lateDropped: number): number {
  return (
    2 +
    (f.watermark !== null ? 1 : 0) +
    (f.numKeys > 0 ? 1 : 0) +
    (f.stateBytesOnDisk !== null ? 1 : 0) +
    (lateDropped > 0 ? 1 : 0) +
    (f.idleInputs > 0 ? 1 : 0) +
    (f.rowErrors > 0 ? 1 : 0)
  );
}

/** Pixels of a node box around its figures (padding, kind and name lines, border), and per figure line. */
const RUN_NODE_CHROME = 58;
const RUN_FIGURE_LINE = 18;
/** The least row height: six figure lines, so that rows do not move as the first figures arrive. */
export const RUN_MIN_ROW_HEIGHT = RUN_NODE_CHROME + 6 * RUN_FIGURE_LINE;

/** The height of a row of node boxes whose tallest shows `lines` figure lines. */
export function runRowHeight(lines: number): number {
  return Math.max(RUN_MIN_ROW_HEIGHT, RUN_NODE_CHROME + lines * RUN_FIGURE_LINE);
}

/**
 * The run view draws the pipeline where the editor placed it, but compact, so that its figures stay
 * readable across the page: the nodes keep their order left to right and top to bottom (columns and rows
 * are the distinct x and y positions, in order), and columns are a node's width plus a gap apart.
 */
export function compactPositions(
  nodes: readonly { id: string; position: { x: number; y: number } }[],
  rowHeight: number,
): Map<string, { x: number; y: number }> {
  const rank = (values: number[]) => {
    const distinct = [...new Set(values.map((v) => Math.round(v / 20)))].sort((a, b) => a - b);
    return (v: number) => distinct.indexOf(Math.round(v / 20));
  };
  const col = rank(nodes.map((n) => n.position.x));
  const row = rank(nodes.map((n) => n.position.y));
  return new Map(
    nodes.map((n) => [
      n.id,
      {
        x: col(n.position.x) * (RUN_NODE_WIDTH + RUN_COLUMN_GAP),
        y: row(n.position.y) * (rowHeight + RUN_ROW_GAP),
      },
    ]),
  );
}
