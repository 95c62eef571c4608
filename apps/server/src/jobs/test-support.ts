/** Job specs and helpers for the jobs tests (not a test file itself). */

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobManager, ManagerEvent } from './manager';

const SYMBOLS = ['AAPL', 'MSFT', 'GOOG', 'AMZN', 'NVDA', 'META', 'TSLA', 'NFLX'];

function pipeline(
  name: string,
  source: Record<string, unknown>,
  opts: { settings?: Record<string, unknown>; maxRows?: number } = {},
) {
  return {
    specVersion: 1,
    name,
    ...(opts.settings ? { settings: opts.settings } : {}),
    nodes: [
      {
        id: 'trades',
        kind: 'source',
        connector: {
          type: 'datagen',
          seed: 7,
          fields: {
            symbol: { kind: 'choice', values: SYMBOLS },
            price: { kind: 'random', min: 1, max: 100 },
          },
          ...source,
        },
        schema: { symbol: 'string', price: 'int' },
      },
      { id: 'bySymbol', kind: 'keyBy', key: ['symbol'] },
      { id: 'totals', kind: 'aggregate', aggregates: { trades: 'COUNT(*)', volume: 'SUM(price)' } },
      {
        id: 'out',
        kind: 'sink',
        connector: { type: 'collect', ...(opts.maxRows ? { maxRows: opts.maxRows } : {}) },
      },
    ],
    edges: [
      { from: 'trades', to: 'bySymbol' },
      { from: 'bySymbol', to: 'totals' },
      { from: 'totals', to: 'out' },
    ],
  };
}

/** Bounded, as fast as possible: `count` rows through a rolling aggregate into a collect sink. */
export function boundedSpec(count: number, maxRows = count) {
  return pipeline('bounded', { rowsPerSecond: 0, count }, { maxRows });
}

/** Unbounded, rate-limited (a restored source resumes at its rate: the first row after a restore is 1/rate later). */
export function unboundedSpec(rowsPerSecond: number, settings?: Record<string, unknown>) {
  return pipeline('unbounded', { rowsPerSecond }, settings ? { settings } : {});
}

/** A map that casts a non-numeric string to INT: the operator throws (rowErrors `fail`); one restart, then failed. */
export function throwingSpec() {
  return {
    specVersion: 1,
    name: 'throws',
    settings: {
      rowErrors: 'fail',
      restart: { strategy: 'fixed-delay', maxAttempts: 1, delayMs: 0 },
    },
    nodes: [
      {
        id: 'src',
        kind: 'source',
        connector: {
          type: 'datagen',
          rowsPerSecond: 0,
          count: 1000,
          fields: { s: { kind: 'choice', values: ['1', '2', 'three'] } },
        },
        schema: { s: 'string' },
      },
      { id: 'parse', kind: 'map', fields: { n: 'CAST(s AS INT)' } },
      { id: 'out', kind: 'sink', connector: { type: 'collect' } },
    ],
    edges: [
      { from: 'src', to: 'parse' },
      { from: 'parse', to: 'out' },
    ],
  };
}

export const KEYS = SYMBOLS;

// ------------------------------------------------------------------------------------------ helpers

export type EventOf<T extends ManagerEvent['type']> = Extract<ManagerEvent, { type: T }>;

/** Polls `fn` until it returns something truthy (returned), or fails after `timeoutMs` naming `what`. */
export async function waitFor<T>(
  fn: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Records every event of a manager. */
export function recordEvents(m: JobManager) {
  const events: ManagerEvent[] = [];
  const off = m.on((e) => events.push(e));
  const of = <T extends ManagerEvent['type']>(jobId: string, type: T): EventOf<T>[] =>
    events.filter((e): e is EventOf<T> => e.type === type && e.jobId === jobId);
  return {
    events,
    off,
    of,
    statuses: (jobId: string) => of(jobId, 'status').map((e) => e.status),
    /** Waits for the first event of `type` of `jobId` that matches. */
    next: <T extends ManagerEvent['type']>(
      jobId: string,
      type: T,
      match: (e: EventOf<T>) => boolean = () => true,
      timeoutMs?: number,
    ) => waitFor(() => of(jobId, type).find(match), `a '${type}' event of ${jobId}`, timeoutMs),
  };
}

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'flowstate-jobs-'));
}
