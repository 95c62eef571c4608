/**
 * Benchmark 1 — keyed tumbling count: the engine against a hand-written JS loop doing the same work.
 *
 * Both sides generate the same rows in memory, `{ key: i % KEYS, ts: BASE + i * STEP_MS }` (int keys),
 * in batches of 1,024, count rows per key per 10 s event-time tumbling window, track the largest
 * timestamp and raise the watermark every 1,024 rows (bounded out-of-orderness 0, Flink's
 * `forBoundedOutOfOrderness`), fire every window whose `window_end - 1 <= watermark` as one row
 * `{ key, window_start, window_end, count }` per key, and fire the rest at the end of input.
 *
 * - Engine: datagen (`sequence` key wrapping at KEYS − 1, `timestamp` ts) → keyBy(key) → window
 *   (tumbling 10 s, COUNT(*)) → blackhole, parallelism 1, through `Job.fromSpec` and `job.run()`.
 * - Hand-written: the same rows as object literals into an array of 1,024, then a loop over the batch
 *   with a `Map<windowStart, Map<key, count>>`, result rows into an array of 1,024 that a "sink" counts.
 *
 * With STEP_MS = 1 (the smallest integer step) a 10 s window holds 10,000 rows — one per key — so
 * every input row creates a window entry and a timer, and comes out as one result row: the most
 * state churn per row a tumbling count can have.
 *
 * Validity: the warm-up runs the engine once with a `collect` sink and compares its result rows
 * (count, sum of counts, and an order-independent checksum of key/window/count) with the
 * hand-written loop's; every timed run compares the number of result rows again.
 */
import { Job } from '@flowstate/engine';
import {
  banner,
  check,
  collectGarbage,
  formatRate,
  noiseNote,
  QUICK,
  report,
  type Stats,
  startTiming,
  stats,
  type Timing,
} from './lib/measure';

const ROWS = QUICK ? 200_000 : 10_000_000;
const KEYS = 10_000;
const STEP_MS = 1;
const WINDOW_MS = 10_000;
const BASE = 1_700_000_000_000; // a multiple of WINDOW_MS: windows start at row multiples of 10,000
const BATCH = 1024;
const WATERMARK_EVERY = 1024;
const RUNS = QUICK ? 3 : 5;

type Row = Record<string, unknown>;

function jobSpec(sink: { type: 'blackhole' } | { type: 'collect'; maxRows: number }) {
  return {
    specVersion: 1,
    name: 'bench-tumbling-count',
    settings: { parallelism: 1 },
    nodes: [
      {
        id: 'gen',
        kind: 'source',
        connector: {
          type: 'datagen',
          count: ROWS,
          rowsPerSecond: 0,
          seed: 1,
          fields: {
            key: { kind: 'sequence', start: 0, end: KEYS - 1 },
            ts: { kind: 'timestamp', startMs: BASE, stepMs: STEP_MS, maxJitterMs: 0 },
          },
        },
        schema: { key: 'int', ts: 'timestamp' },
        watermark: { timestampField: 'ts', maxOutOfOrdernessMs: 0, emitEveryRows: WATERMARK_EVERY },
      },
      { id: 'byKey', kind: 'keyBy', key: ['key'] },
      {
        id: 'counts',
        kind: 'window',
        assigner: { type: 'tumbling', sizeMs: WINDOW_MS },
        aggregates: { count: 'COUNT(*)' },
      },
      { id: 'out', kind: 'sink', connector: sink },
    ],
    edges: [
      { from: 'gen', to: 'byKey' },
      { from: 'byKey', to: 'counts' },
      { from: 'counts', to: 'out' },
    ],
  };
}

/** What both sides must agree on. */
interface Outcome {
  rows: number;
  sumCounts: number;
  /** Order-independent checksum of (key, window_start, window_end, count) over all result rows. */
  checksum: number;
}

function rowHash(r: Row): number {
  let h = Math.imul((r.key as number) | 0, 0x9e3779b1);
  h = Math.imul(h ^ (((r.window_start as number) / WINDOW_MS) | 0), 0x85ebca6b);
  h = Math.imul(h ^ ((r.window_end as number) - (r.window_start as number)), 0xc2b2ae35);
  h = Math.imul(h ^ (r.count as number), 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

function summarize(rows: readonly Row[]): Outcome {
  let sumCounts = 0;
  let checksum = 0;
  for (const r of rows) {
    sumCounts += r.count as number;
    checksum = (checksum + rowHash(r)) % 4294967296;
  }
  return { rows: rows.length, sumCounts, checksum };
}

// ------------------------------------------------------------------------------------ the engine

async function runEngine(): Promise<{ t: Timing; rows: number }> {
  const job = Job.fromSpec(jobSpec({ type: 'blackhole' }), { writeConsole: () => {} });
  const stop = startTiming();
  const result = await job.run();
  const t = stop();
  check(result.status === 'finished', `engine job ended ${result.status}: ${result.error?.message ?? ''}`);
  const m = (id: string) => result.metrics.nodes.find((n) => n.nodeId === id)!;
  check(m('counts').recordsIn === ROWS, `window saw ${m('counts').recordsIn} rows, expected ${ROWS}`);
  check(m('counts').lateRowsDropped === 0 && result.metrics.rowErrors === 0, 'late or bad rows');
  return { t, rows: m('out').recordsIn };
}

async function verifyEngine(): Promise<Outcome> {
  const job = Job.fromSpec(jobSpec({ type: 'collect', maxRows: 10_000_000 }), { writeConsole: () => {} });
  const result = await job.run();
  check(result.status === 'finished', `engine job ended ${result.status}: ${result.error?.message ?? ''}`);
  const rows = job.collected('out');
  const sink = result.metrics.nodes.find((n) => n.nodeId === 'out')!;
  check(rows.length === sink.recordsIn, `collect kept ${rows.length} of ${sink.recordsIn} rows`);
  const o = summarize(rows);
  job.dispose();
  return o;
}

// ------------------------------------------------------------------------------ hand-written loop

/**
 * The same computation without the engine: generate a batch of row objects, then count per key per
 * window and fire windows as the watermark passes their end. Plain, generic JS (any key type works),
 * as someone would write it for this one job.
 */
function runHandWritten(onResults: (rows: Row[]) => void): void {
  const windows = new Map<number, Map<unknown, number>>(); // window start → key → count
  let maxTs = Number.NEGATIVE_INFINITY;
  let watermark = Number.NEGATIVE_INFINITY;
  let sinceWatermark = 0;
  let out: Row[] = [];
  const batch: Row[] = [];

  const fire = (wm: number) => {
    for (const [start, counts] of windows) {
      if (start + WINDOW_MS - 1 > wm) continue;
      const end = start + WINDOW_MS;
      for (const [key, count] of counts) {
        out.push({ key, window_start: start, window_end: end, count });
        if (out.length === BATCH) {
          onResults(out);
          out = [];
        }
      }
      windows.delete(start);
    }
  };

  for (let i = 0; i < ROWS; ) {
    // the source: a batch of rows
    batch.length = 0;
    const end = Math.min(ROWS, i + BATCH);
    for (; i < end; i++) batch.push({ key: i % KEYS, ts: BASE + i * STEP_MS });
    // the window: count, raise the watermark, fire
    for (let j = 0; j < batch.length; j++) {
      const row = batch[j]!;
      const ts = row.ts as number;
      const start = ts - (ts % WINDOW_MS);
      if (start + WINDOW_MS - 1 > watermark) {
        let counts = windows.get(start);
        if (counts === undefined) windows.set(start, (counts = new Map()));
        counts.set(row.key, (counts.get(row.key) ?? 0) + 1);
      }
      if (ts > maxTs) maxTs = ts;
      if (++sinceWatermark >= WATERMARK_EVERY) {
        sinceWatermark = 0;
        const wm = maxTs - 1;
        if (wm > watermark) {
          watermark = wm;
          fire(wm);
        }
      }
    }
  }
  fire(Number.POSITIVE_INFINITY);
  if (out.length > 0) onResults(out);
}

function timeHandWritten(): { t: Timing; outcome: Outcome } {
  let rows = 0;
  let sumCounts = 0;
  let checksum = 0;
  const stop = startTiming();
  runHandWritten((batch) => {
    rows += batch.length;
    for (let i = 0; i < batch.length; i++) {
      sumCounts += batch[i]!.count as number;
      checksum = (checksum + rowHash(batch[i]!)) % 4294967296;
    }
  });
  return { t: stop(), outcome: { rows, sumCounts, checksum } };
}

// ------------------------------------------------------------------------------------------ main

async function main(): Promise<void> {
  banner('tumbling-count: keyed tumbling COUNT(*), engine vs hand-written loop', [
    `${ROWS.toLocaleString('en')} rows, ${KEYS.toLocaleString('en')} int keys, ts step ${STEP_MS} ms, 10 s windows, watermark every ${WATERMARK_EVERY} rows`,
    `engine: datagen → keyBy → window → blackhole, parallelism 1; ${RUNS} timed runs each, interleaved, after a warm-up`,
  ]);

  // Warm-up, and validity: both sides must produce the same results.
  const engineOutcome = await verifyEngine();
  const hand = timeHandWritten();
  console.log(
    `   results: engine ${engineOutcome.rows.toLocaleString('en')} rows (sum of counts ${engineOutcome.sumCounts.toLocaleString('en')}, checksum ${engineOutcome.checksum}), ` +
      `hand-written ${hand.outcome.rows.toLocaleString('en')} rows (sum ${hand.outcome.sumCounts.toLocaleString('en')}, checksum ${hand.outcome.checksum})`,
  );
  check(
    engineOutcome.rows === hand.outcome.rows &&
      engineOutcome.sumCounts === hand.outcome.sumCounts &&
      engineOutcome.checksum === hand.outcome.checksum,
    'the engine and the hand-written loop computed different results',
  );
  check(engineOutcome.sumCounts === ROWS, `sum of counts ${engineOutcome.sumCounts} ≠ ${ROWS} rows`);
  await runEngine(); // warm the blackhole path too

  const engine: Timing[] = [];
  const handWritten: Timing[] = [];
  for (let r = 0; r < RUNS; r++) {
    collectGarbage();
    const e = await runEngine();
    check(
      e.rows === hand.outcome.rows,
      `engine run ${r} emitted ${e.rows} rows, expected ${hand.outcome.rows}`,
    );
    engine.push(e.t);
    collectGarbage();
    const h = timeHandWritten();
    check(h.outcome.rows === hand.outcome.rows, 'hand-written loop changed its result');
    handWritten.push(h.t);
    console.log(
      `   run ${r + 1}: engine ${(e.t.wallMs / 1000).toFixed(2)} s (cpu ${(e.t.cpuMs / 1000).toFixed(2)} s), ` +
        `hand-written ${(h.t.wallMs / 1000).toFixed(2)} s (cpu ${(h.t.cpuMs / 1000).toFixed(2)} s)`,
    );
  }
  const rate = (ms: number) => ROWS / (ms / 1000);
  const es: Stats = stats(engine.map((t) => rate(t.wallMs)));
  const hs: Stats = stats(handWritten.map((t) => rate(t.wallMs)));
  const ratio = es.median / hs.median;
  const paired = stats(engine.map((t, r) => handWritten[r]!.wallMs / t.wallMs));
  const cpuRatio =
    stats(engine.map((t) => rate(t.cpuMs))).median / stats(handWritten.map((t) => rate(t.cpuMs))).median;
  console.log(`   engine        ${formatRate(es)}${noiseNote(es)}`);
  console.log(`   hand-written  ${formatRate(hs)}${noiseNote(hs)}`);
  console.log(
    `   ratio engine / hand-written = ${ratio.toFixed(3)} (goal >= 0.5); ` +
      `cross-checks: median of per-run ratios ${paired.median.toFixed(3)} (min ${paired.min.toFixed(3)}, max ${paired.max.toFixed(3)}), by CPU time ${cpuRatio.toFixed(3)}`,
  );
  report({ bench: 'tumbling-count', metric: 'engine rows/s', value: es.median, unit: 'rows/s' });
  report({ bench: 'tumbling-count', metric: 'hand-written rows/s', value: hs.median, unit: 'rows/s' });
  report({
    bench: 'tumbling-count',
    metric: 'ratio engine / hand-written',
    value: ratio,
    unit: '×',
    goal: '>= 0.5',
    met: ratio >= 0.5,
    note: `per-run ratios ${paired.min.toFixed(2)}–${paired.max.toFixed(2)}; by CPU time ${cpuRatio.toFixed(3)}`,
  });
}

await main();
