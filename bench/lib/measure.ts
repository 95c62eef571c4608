import { loadavg } from 'node:os';

/**
 * What every benchmark shares: command-line flags, garbage collection between runs, statistics over
 * repeated runs, and the one machine-readable line per figure that `run.ts` gathers into its summary.
 */

/** `--quick`: small sizes, a smoke check that everything runs and agrees (figures mean little). */
export const QUICK = process.argv.includes('--quick');

const gcFn = (globalThis as { gc?: () => void }).gc;

/** Full collections before a measurement, so one run's garbage is not billed to the next (needs --expose-gc). */
export function collectGarbage(): void {
  if (!gcFn) return;
  for (let i = 0; i < 3; i++) gcFn();
}

/** `process.memoryUsage().heapUsed` after full collections; throws without --expose-gc. */
export function heapUsedAfterGc(): number {
  if (!gcFn) throw new Error('run with node --expose-gc (pnpm bench does)');
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

export interface Stats {
  median: number;
  min: number;
  max: number;
  samples: number[];
}

export function stats(samples: readonly number[]): Stats {
  if (samples.length === 0) throw new Error('no samples');
  const s = [...samples].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { median, min: s[0]!, max: s[s.length - 1]!, samples: [...samples] };
}

/** Relative spread (max − min) / median: above ~10 % the machine was probably busy. */
export function spread(s: Stats): number {
  return s.median === 0 ? 0 : (s.max - s.min) / s.median;
}

/** 1234567 → "1.23 M"; 12345 → "12.3 k". */
export function si(n: number): string {
  const a = Math.abs(n);
  if (a >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (a >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (a >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return n.toFixed(1);
}

export function formatRate(s: Stats, unit = 'rows/s'): string {
  return `median ${si(s.median)}${unit} (min ${si(s.min)}, max ${si(s.max)}, n=${s.samples.length}, spread ${(spread(s) * 100).toFixed(0)} %)`;
}

/** One figure of a benchmark, for the summary table printed by run.ts. */
export interface Figure {
  bench: string;
  metric: string;
  value: number;
  unit: string;
  /** The goal, e.g. ">= 0.5" or "<= 150" (absent: informative figure). */
  goal?: string;
  met?: boolean;
  note?: string;
}

export const FIGURE_PREFIX = '@@figure ';

/** Prints a figure as one line run.ts picks up (and a person can read). */
export function report(f: Figure): void {
  console.log(`${FIGURE_PREFIX}${JSON.stringify(f)}`);
}

/** Fails the benchmark: results that differ make its figures meaningless. */
export function check(cond: boolean, message: string): asserts cond {
  if (!cond) throw new Error(`INVALID BENCHMARK: ${message}`);
}

export async function timeAsync(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/**
 * A timed run: wall-clock ms, and CPU ms of this process (`process.cpuUsage`, user + system, all threads —
 * GC helper threads included). On a shared machine the wall clock also counts the time other processes held
 * the core; the CPU time does not, so it is the steadier cross-check when the wall-clock spread is large.
 */
export interface Timing {
  wallMs: number;
  cpuMs: number;
}

export function startTiming(): () => Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  return () => {
    const wallMs = performance.now() - t0;
    const c = process.cpuUsage(c0);
    return { wallMs, cpuMs: (c.user + c.system) / 1000 };
  };
}

/** Wall-clock above this relative spread: say the figures are noisy. */
export const NOISY_SPREAD = 0.15;

/** A note for a line of rates: "" or a warning that the machine was busy. */
export function noiseNote(s: Stats): string {
  return spread(s) > NOISY_SPREAD
    ? ` — NOISY (spread ${(spread(s) * 100).toFixed(0)} %, load average ${loadavg()[0]!.toFixed(2)}): rerun on a quieter machine`
    : '';
}

/** A header naming what runs, so a saved log says what it measured. */
export function banner(title: string, lines: string[]): void {
  console.log(`\n== ${title}${QUICK ? ' (--quick: small sizes, figures are not meaningful)' : ''}`);
  for (const l of lines) console.log(`   ${l}`);
}
