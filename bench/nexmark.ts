/**
 * Benchmark 2 — Nexmark q0, q1, q2 on the `nexmark` source (table bid), generation included, parallelism 1
 * in one process (one core). Baseline: the raw bid generator alone — the connector's split reader read
 * into an array in batches of 1,024 until it ends — measured in the same run, interleaved with the queries.
 *
 * - q0 pass-through: source → blackhole
 * - q1 currency conversion: source → map(auction, bidder, 0.908 * price AS price, dateTime, extra) → blackhole
 * - q2 selection: source → filter(auction % 123 = 0) → map(auction, price) → blackhole
 *
 * Validity: the warm-up runs each query once with a `collect` sink and compares its rows (count and sums
 * of the output fields) with the same computation done directly on the generator's rows; every timed run
 * checks the blackhole's row count.
 */
import { createSplitReader, Job, openFileAccess, type Row, type SplitContext } from '@flowstate/engine';
import { NEXMARK_SCHEMAS } from '@flowstate/spec';
import {
  banner,
  check,
  collectGarbage,
  formatRate,
  noiseNote,
  QUICK,
  report,
  type Stats,
  si,
  startTiming,
  stats,
  type Timing,
} from './lib/measure';
import { runJoinQueries } from './lib/nexmark-joins';
import { QUERIES, type Query, querySpec } from './lib/nexmark-queries';

const BIDS = QUICK ? 100_000 : 5_000_000;
const RUNS = QUICK ? 3 : 7;
const GOAL = 1_000_000;
const SEED = 42;

const connector = { type: 'nexmark', table: 'bid', eventsPerSecond: 0, count: BIDS, seed: SEED } as const;

function jobSpec(q: Query, sink: { type: 'blackhole' } | { type: 'collect'; maxRows: number }) {
  return querySpec(q, { connector }, sink);
}

const splitContext: SplitContext = {
  subtask: 0,
  parallelism: 1,
  nowMs: () => Date.now(),
  files: openFileAccess(process.cwd()),
  strict: true,
  onError: () => {},
};

/** The baseline: the bid generator alone, read in batches of 1,024 into one reused array. */
function runGenerator(visit?: (rows: Row[]) => void): { t: Timing; rows: number } {
  const stop = startTiming();
  const reader = createSplitReader(connector, NEXMARK_SCHEMAS.bid, splitContext);
  const batch: Row[] = [];
  let rows = 0;
  for (;;) {
    batch.length = 0;
    const n = reader.read(1024, batch);
    if (n === 0 && reader.ended) break;
    rows += n;
    if (visit) visit(batch);
  }
  reader.close();
  return { t: stop(), rows };
}

/** What each query's output must add up to, computed directly on the generator's rows. */
interface Expected {
  rows: number;
  sums: Record<string, number>;
}

function expectedResults(): Record<Query, Expected> {
  let q1Price = 0;
  let q1Auction = 0;
  let q2Rows = 0;
  let q2Auction = 0;
  let q2Price = 0;
  runGenerator((batch) => {
    for (const r of batch) {
      const auction = r.auction as number;
      const price = r.price as number;
      q1Auction += auction;
      q1Price += 0.908 * price;
      if (auction % 123 === 0) {
        q2Rows++;
        q2Auction += auction;
        q2Price += price;
      }
    }
  });
  return {
    q0: { rows: BIDS, sums: { auction: q1Auction } },
    q1: { rows: BIDS, sums: { auction: q1Auction, price: q1Price } },
    q2: { rows: q2Rows, sums: { auction: q2Auction, price: q2Price } },
  };
}

async function verifyQuery(q: Query, expected: Expected): Promise<void> {
  const job = Job.fromSpec(jobSpec(q, { type: 'collect', maxRows: Math.max(1, BIDS) }), {
    writeConsole: () => {},
  });
  const result = await job.run();
  check(result.status === 'finished', `${q} ended ${result.status}: ${result.error?.message ?? ''}`);
  const rows = job.collected('out');
  check(rows.length === expected.rows, `${q} produced ${rows.length} rows, expected ${expected.rows}`);
  for (const [field, want] of Object.entries(expected.sums)) {
    let got = 0;
    for (const r of rows) got += r[field] as number;
    check(got === want, `${q}: sum of ${field} is ${got}, expected ${want}`);
  }
  job.dispose();
}

async function runQuery(q: Query, expectedRows: number): Promise<Timing> {
  const job = Job.fromSpec(jobSpec(q, { type: 'blackhole' }), { writeConsole: () => {} });
  const stop = startTiming();
  const result = await job.run();
  const t = stop();
  check(result.status === 'finished', `${q} ended ${result.status}: ${result.error?.message ?? ''}`);
  const sink = result.metrics.nodes.find((n) => n.nodeId === 'out')!;
  check(sink.recordsIn === expectedRows, `${q} sink got ${sink.recordsIn} rows, expected ${expectedRows}`);
  return t;
}

async function main(): Promise<void> {
  banner('nexmark: q0, q1, q2 over the bid generator, generation included, parallelism 1', [
    `${BIDS.toLocaleString('en')} bids (seed ${SEED}); baseline: the raw bid generator read in batches of 1,024`,
    `${RUNS} timed rounds after a warm-up; each round runs generator, q0, q1, q2 in turn`,
  ]);

  // Warm-up and validity.
  const expected = expectedResults();
  for (const q of QUERIES) await verifyQuery(q, expected[q]);
  console.log(
    `   results match a direct computation on the generator's rows (q2 keeps ${expected.q2.rows.toLocaleString('en')} of ${BIDS.toLocaleString('en')} bids)`,
  );
  runGenerator();
  for (const q of QUERIES) await runQuery(q, expected[q].rows);

  const runs: Record<'generator' | Query, Timing[]> = { generator: [], q0: [], q1: [], q2: [] };
  for (let r = 0; r < RUNS; r++) {
    collectGarbage();
    const g = runGenerator();
    check(g.rows === BIDS, `generator read ${g.rows} rows`);
    runs.generator.push(g.t);
    const line = [`generator ${(g.t.wallMs / 1000).toFixed(2)} s`];
    for (const q of QUERIES) {
      collectGarbage();
      const t = await runQuery(q, expected[q].rows);
      runs[q].push(t);
      line.push(`${q} ${(t.wallMs / 1000).toFixed(2)} s`);
    }
    console.log(`   round ${r + 1}: ${line.join(', ')} (wall clock)`);
  }

  const rate = (ms: number) => BIDS / (ms / 1000);
  const wall = (k: 'generator' | Query) => stats(runs[k].map((t) => rate(t.wallMs)));
  const cpu = (k: 'generator' | Query) => stats(runs[k].map((t) => rate(t.cpuMs)));
  const gen: Stats = wall('generator');
  console.log(`   generator alone  ${formatRate(gen)}${noiseNote(gen)}`);
  report({ bench: 'nexmark', metric: 'bid generator alone rows/s', value: gen.median, unit: 'rows/s' });
  for (const q of QUERIES) {
    const s = wall(q);
    const ratio = s.median / gen.median;
    const paired = stats(runs[q].map((t, r) => runs.generator[r]!.wallMs / t.wallMs));
    const cpuRate = cpu(q).median;
    console.log(
      `   ${q}               ${formatRate(s)}${noiseNote(s)}\n` +
        `                    ratio to generator ${ratio.toFixed(3)} (per round ${paired.min.toFixed(2)}–${paired.max.toFixed(2)}; ` +
        `by CPU time ${(cpuRate / cpu('generator').median).toFixed(3)}, ${si(cpuRate)}rows per CPU-second); ` +
        `goal >= ${GOAL.toLocaleString('en')} rows/s: ${s.median >= GOAL ? 'met' : 'NOT met'}`,
    );
    report({
      bench: 'nexmark',
      metric: `${q} rows/s per core`,
      value: s.median,
      unit: 'rows/s',
      goal: `>= ${GOAL}`,
      met: s.median >= GOAL,
      note: `ratio to generator ${ratio.toFixed(3)} (by CPU time ${(cpuRate / cpu('generator').median).toFixed(3)})`,
    });
  }

  await runJoinQueries(RUNS);
}

await main();
