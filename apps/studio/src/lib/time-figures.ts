/**
 * Event time and lateness as the run view explains them, from one `job:metrics` sample: per node, the
 * watermark, how far it is held behind the newest event time and behind the clock, idle inputs and row
 * errors; per window, its open windows, when the next one fires, and the late rows it dropped — and one
 * sentence that answers "why isn't my window firing?" without reading code. Pure: the clock is passed in.
 */
import type { JobMetrics, NodeMetrics } from '@flowstate/api';
import { formatCount, formatDuration, formatEventTime } from './format';

export interface LateRow {
  ts: number;
  /** The watermark the row arrived behind. */
  watermark: number;
  /** How far behind: watermark − ts (the row's window ended before that watermark). */
  behindMs: number;
}

export interface TimeFigures {
  nodeId: string;
  kind: NodeMetrics['kind'];
  recordsIn: number;
  watermark: number | null;
  maxEventTime: number | null;
  /** Newest event time − watermark: what the watermark waits for (out-of-orderness); null when unknown. */
  heldBackMs: number | null;
  /** Clock − watermark: how far event time is behind the wall clock; null when there is no watermark. */
  behindClockMs: number | null;
  idleInputs: number;
  inputs: number;
  rowErrors: number;
  lastRowError: NodeMetrics['lastRowError'];
  /** Windows only. */
  window: {
    open: number;
    /** The time (`window_end - 1`) at which the next open window fires; null when none is open. */
    nextFireAt: number | null;
    /** nextFireAt − watermark: event time still to pass before it fires. */
    untilFireMs: number | null;
    lateDropped: number;
    lateSample: LateRow[];
  } | null;
}

const maxZero = (n: number | null): number | null => (n === null ? null : Math.max(0, n));

/** The time figures of every node of a sample (keyBy is a partitioning, not an operator: left out). */
export function timeFigures(metrics: JobMetrics, now: number): TimeFigures[] {
  return metrics.nodes
    .filter((n) => n.kind !== 'keyBy')
    .map((n) => {
      const wm = n.watermark;
      const diff = (a: number | null | undefined, b: number | null | undefined) =>
        a == null || b == null ? null : a - b;
      return {
        nodeId: n.nodeId,
        kind: n.kind,
        recordsIn: n.recordsIn,
        watermark: wm,
        maxEventTime: n.maxEventTime,
        // A window's results carry `window_end - 1`, at or behind the watermark: nothing is held back then.
        heldBackMs: maxZero(diff(n.maxEventTime, wm)),
        behindClockMs: diff(now, wm),
        idleInputs: n.idleInputs,
        inputs: n.inputs,
        rowErrors: n.rowErrors,
        lastRowError: n.lastRowError,
        window:
          n.kind === 'window'
            ? {
                open: n.openWindows ?? 0,
                nextFireAt: n.nextFireAt ?? null,
                untilFireMs: diff(n.nextFireAt, wm),
                lateDropped: n.lateRowsDropped,
                lateSample: (n.lateSample ?? []).map((r) => ({ ...r, behindMs: r.watermark - r.ts })),
              }
            : null,
      };
    });
}

/**
 * Why a window fires or not, in a sentence or two: what it waits for (no rows, no watermark, idle or
 * silent inputs, or simply event time still to pass), and what its late rows say. `time` is the window's
 * (`event` by default); `ended`: the job is over.
 */
export function windowDiagnosis(f: TimeFigures, time: 'event' | 'processing', ended: boolean): string {
  const w = f.window;
  if (w === null) return '';
  const parts: string[] = [];
  if (time === 'processing') {
    parts.push(
      w.nextFireAt === null
        ? 'Processing time: no window is open.'
        : `Processing time: the next window fires at ${formatEventTime(w.nextFireAt)} by the clock.`,
    );
  } else if (ended && w.open === 0) {
    parts.push('The input ended: the final watermark fired every window.');
  } else if (f.recordsIn === 0) {
    parts.push('No rows have arrived yet: a window opens with its first row.');
  } else if (f.watermark === null) {
    parts.push(
      f.inputs > 0 && f.idleInputs === f.inputs
        ? 'No watermark yet, and every input is idle: windows fire once a watermark passes their end.'
        : 'No watermark yet: windows fire once the watermark passes their end. Every source upstream needs a watermark and must have read a row; an input that sends nothing holds it back (give such a source an idle timeout).',
    );
  } else if (w.open === 0 || w.nextFireAt === null) {
    parts.push('No window is waiting to fire: every window so far has fired.');
  } else {
    parts.push(
      `The next window fires when the watermark reaches ${formatEventTime(w.nextFireAt)}: ${formatDuration(w.untilFireMs)} of event time from now.`,
    );
    if (f.heldBackMs !== null && f.heldBackMs > 0) {
      parts.push(
        `The watermark is ${formatDuration(f.heldBackMs)} behind the newest event (the allowed out-of-orderness).`,
      );
    }
  }
  if (time === 'event' && f.idleInputs > 0) {
    parts.push(`${f.idleInputs} of ${f.inputs} inputs idle: they do not hold the watermark back.`);
  }
  if (w.lateDropped > 0) {
    const worst = w.lateSample.reduce((m, r) => Math.max(m, r.behindMs), 0);
    parts.push(
      `${formatCount(w.lateDropped)} late ${w.lateDropped === 1 ? 'row' : 'rows'} dropped${worst > 0 ? ` (the latest up to ${formatDuration(worst)} behind the watermark)` : ''}: allow more out-of-orderness on the source, allowed lateness on the window, or take them from its late output.`,
    );
  }
  return parts.join(' ');
}
