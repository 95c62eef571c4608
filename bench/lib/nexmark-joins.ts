/**
 * Nexmark q3, q5, q7, q8 — the examples (examples/nexmark-q3 … q8 (job.json)) at benchmark size, into a blackhole,
 * generation included, parallelism 1 (one core). Part of `pnpm bench nexmark`.
 *
 * What is counted: the rows the query's sources generate (persons and auctions for q3 and q8, bids for q5 and
 * q7), per second of wall clock and per CPU-second. The sources generate only their own table: the Nexmark
 * event stream those rows belong to is 50 / 4 (q3, q8: persons + auctions are 4 of every 50 events) or 50 / 46
 * (q5, q7: bids) times larger, printed as "stream events/s" for comparison with figures quoted for whole
 * streams (Feldera's, Flink's), but the goal is checked on the rows actually generated.
 *
 * Baseline, in the same run: the same sources' generators alone, read in batches of 1,024.
 * Validity: the warm-up runs each query with a collect sink and compares its row count and a sum with the same
 * query computed directly on the generators' rows (hash joins, counting).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createSplitReader, Job, openFileAccess, type Row, type SplitContext } from '@flowstate/engine';
import { NEXMARK_SCHEMAS, type NexmarkTable } from '@flowstate/spec';
import {
  check,
  collectGarbage,
  formatRate,
  noiseNote,
  QUICK,
  report,
  si,
  startTiming,
  stats,
  type Timing,
} from './measure';

export type JoinQuery = 'q3' | 'q5' | 'q7' | 'q8';
export const JOIN_QUERIES: readonly JoinQuery[] = ['q3', 'q5', 'q7', 'q8'];

/** Nexmark events covered (the stream of persons, auctions and bids the rows come from). */
const EVENTS = QUICK ? 200_000 : 5_000_000;
const GOALS: Record<JoinQuery, number> = { q3: 1_000_000, q5: 500_000, q7: 500_000, q8: 1_000_000 };

/** Rows per table for EVENTS events: 1 person, 3 auctions, 46 bids in every 50. */
const ROWS: Record<NexmarkTable, number> = {
  person: EVENTS / 50,
  auction: (EVENTS / 50) * 3,
  bid: (EVENTS / 50) * 46,
};

export type Spec = {
  nodes: Array<Record<string, unknown> & { id: string; kind: string; connector?: Record<string, unknown> }>;
  [k: string]: unknown;
};

const repo = path.resolve(import.meta.dirname, '../..');

/** The example's spec (examples/nexmark-<q>/job.json), as written. */
export function exampleSpec(q: JoinQuery): Spec {
  return JSON.parse(readFileSync(path.join(repo, 'examples', `nexmark-${q}`, 'job.json'), 'utf8')) as Spec;
}

/** The example's spec at benchmark size, its collect sink replaced by `sink`. */
function spec(q: JoinQuery, sink: Record<string, unknown>): Spec {
  const s = exampleSpec(q);
  for (const n of s.nodes) {
    if (n.kind === 'source')
      n.connector = { ...n.connector, count: ROWS[n.connector!.table as NexmarkTable], eventsPerSecond: 0 };
    if (n.kind === 'sink') n.connector = sink;
  }
  s.settings = { parallelism: 1, checkpointing: { intervalMs: 0 } };
  return s;
}

/** The Nexmark tables a join query reads. */
export function tables(q: JoinQuery): NexmarkTable[] {
  return q === 'q3' || q === 'q8' ? ['person', 'auction'] : ['bid'];
}

const ctx: SplitContext = {
  subtask: 0,
  parallelism: 1,
  nowMs: () => Date.now(),
  files: openFileAccess(process.cwd()),
  strict: true,
  onError: () => {},
};

/** Reads a table's generator to the end in batches of 1,024; `visit` sees every batch. */
function generate(table: NexmarkTable, visit?: (rows: Row[]) => void): number {
  const reader = createSplitReader(
    { type: 'nexmark', table, eventsPerSecond: 0, count: ROWS[table], seed: 42 },
    NEXMARK_SCHEMAS[table],
    ctx,
  );
  const batch: Row[] = [];
  let rows = 0;
  for (;;) {
    batch.length = 0;
    const n = reader.read(1024, batch);
    if (n === 0 && reader.ended) break;
    rows += n;
    visit?.(batch);
  }
  reader.close();
  return rows;
}

function all(table: NexmarkTable): Row[] {
  const out: Row[] = [];
  generate(table, (b) => {
    for (const r of b) out.push(r);
  });
  return out;
}

/** Each query's output computed directly: its row count and the sum of one field. */
function expected(q: JoinQuery): { rows: number; field: string; sum: number } {
  switch (q) {
    case 'q3': {
      const persons = new Map<unknown, Row>();
      for (const p of all('person')) if (['OR', 'ID', 'CA'].includes(p.state as string)) persons.set(p.id, p);
      let rows = 0;
      let sum = 0;
      for (const a of all('auction')) {
        if (a.category !== 10 || !persons.has(a.seller)) continue;
        rows++;
        sum += a.id as number;
      }
      return { rows, field: 'id', sum };
    }
    case 'q5': {
      const counts = new Map<number, Map<unknown, number>>();
      generate('bid', (b) => {
        for (const r of b) {
          const t = r.dateTime as number;
          for (let s = t - (t % 2000) - 8000; s <= t; s += 2000) {
            const m = counts.get(s) ?? new Map<unknown, number>();
            m.set(r.auction, (m.get(r.auction) ?? 0) + 1);
            counts.set(s, m);
          }
        }
      });
      let rows = 0;
      let sum = 0;
      for (const m of counts.values()) {
        const max = Math.max(...m.values());
        for (const n of m.values())
          if (n === max) {
            rows++;
            sum += n;
          }
      }
      return { rows, field: 'num', sum };
    }
    case 'q7': {
      const max = new Map<number, number>();
      const win = (r: Row) => Math.floor((r.dateTime as number) / 10_000);
      generate('bid', (b) => {
        for (const r of b) max.set(win(r), Math.max(max.get(win(r)) ?? 0, r.price as number));
      });
      let rows = 0;
      let sum = 0;
      generate('bid', (b) => {
        for (const r of b)
          if (r.price === max.get(win(r))) {
            rows++;
            sum += r.auction as number;
          }
      });
      return { rows, field: 'auction', sum };
    }
    case 'q8': {
      const start = (r: Row) => (r.dateTime as number) - ((r.dateTime as number) % 10_000);
      const sold = new Set(all('auction').map((a) => `${a.seller}@${start(a)}`));
      let rows = 0;
      let sum = 0;
      for (const p of all('person'))
        if (sold.has(`${p.id}@${start(p)}`)) {
          rows++;
          sum += p.id as number;
        }
      return { rows, field: 'id', sum };
    }
  }
}

async function run(q: JoinQuery, sink: Record<string, unknown>): Promise<{ job: Job; t: Timing }> {
  const job = Job.fromSpec(spec(q, sink), { writeConsole: () => {} });
  const stop = startTiming();
  const r = await job.run();
  const t = stop();
  check(r.status === 'finished', `${q} ended ${r.status}: ${r.error?.message ?? ''}`);
  return { job, t };
}

export async function runJoinQueries(rounds: number): Promise<void> {
  console.log(
    `\n   join queries: the examples at ${EVENTS.toLocaleString('en')} events (persons ${ROWS.person.toLocaleString('en')}, auctions ${ROWS.auction.toLocaleString('en')}, bids ${ROWS.bid.toLocaleString('en')}), parallelism 1, into a blackhole`,
  );
  const outRows: Record<JoinQuery, number> = { q3: 0, q5: 0, q7: 0, q8: 0 };
  for (const q of JOIN_QUERIES) {
    const want = expected(q);
    const { job } = await run(q, { type: 'collect', maxRows: 10_000_000 });
    const rows = job.collected('out');
    check(rows.length === want.rows, `${q} produced ${rows.length} rows, expected ${want.rows}`);
    const sum = rows.reduce((s, r) => s + (r[want.field] as number), 0);
    check(sum === want.sum, `${q}: sum of ${want.field} is ${sum}, expected ${want.sum}`);
    outRows[q] = want.rows;
    job.dispose();
  }
  console.log(
    `   results match a direct computation (output rows: ${JOIN_QUERIES.map((q) => `${q} ${outRows[q].toLocaleString('en')}`).join(', ')})`,
  );

  const timings: Record<JoinQuery | 'gen-pa' | 'gen-bid', Timing[]> = {
    q3: [],
    q5: [],
    q7: [],
    q8: [],
    'gen-pa': [],
    'gen-bid': [],
  };
  for (let r = 0; r < rounds; r++) {
    const line: string[] = [];
    for (const g of ['gen-pa', 'gen-bid'] as const) {
      collectGarbage();
      const stop = startTiming();
      for (const t of g === 'gen-pa' ? (['person', 'auction'] as const) : (['bid'] as const)) generate(t);
      timings[g].push(stop());
    }
    for (const q of JOIN_QUERIES) {
      collectGarbage();
      const { job, t } = await run(q, { type: 'blackhole' });
      const sink = job.metrics().nodes.find((n) => n.nodeId === 'out')!;
      check(sink.recordsIn === outRows[q], `${q} sink got ${sink.recordsIn} rows, expected ${outRows[q]}`);
      job.dispose();
      timings[q].push(t);
      line.push(`${q} ${(t.wallMs / 1000).toFixed(2)} s`);
    }
    console.log(`   round ${r + 1}: ${line.join(', ')} (wall clock)`);
  }

  for (const q of JOIN_QUERIES) {
    const input = tables(q).reduce((s, t) => s + ROWS[t], 0);
    const gen = q === 'q3' || q === 'q8' ? 'gen-pa' : 'gen-bid';
    const wall = stats(timings[q].map((t) => input / (t.wallMs / 1000)));
    const cpu = stats(timings[q].map((t) => input / (t.cpuMs / 1000)));
    const genWall = stats(timings[gen].map((t) => input / (t.wallMs / 1000)));
    const streamFactor = EVENTS / input;
    console.log(
      `   ${q}  ${formatRate(wall)}${noiseNote(wall)}\n` +
        `       ${si(cpu.median)}rows per CPU-second; ratio to its generator alone ${(wall.median / genWall.median).toFixed(3)}; ` +
        `stream events/s ${si(wall.median * streamFactor)} (${si(cpu.median * streamFactor)}per CPU-second); goal >= ${GOALS[q].toLocaleString('en')} rows/s: ${wall.median >= GOALS[q] ? 'met' : 'NOT met'}`,
    );
    report({
      bench: 'nexmark',
      metric: `${q} rows/s per core`,
      value: wall.median,
      unit: 'rows/s',
      goal: `>= ${GOALS[q]}`,
      met: wall.median >= GOALS[q],
      note: `ratio to generator ${(wall.median / genWall.median).toFixed(3)}; ${si(cpu.median)}rows per CPU-s; stream events/s ${si(wall.median * streamFactor)} (${si(cpu.median * streamFactor)}per CPU-s)`,
    });
  }
}
