/**
 * Golden pipelines: every example spec (examples/<name>/job.json, bounded by examples/bounds.json) on its
 * fixed input, compared with the
 * expected output in test/golden/<name>/<sinkId>.jsonl (collect sinks; one JSON row per line, in the order
 * the job emits them at parallelism 1) or test/golden/<name>/metrics.json (blackhole sinks: rows counted).
 *
 * Regenerate with `UPDATE_GOLDEN=1 pnpm vitest run test/golden.test.ts`, then read the diff: every golden
 * file is also checked against an independent computation (plain JavaScript from the input data) or, where
 * that is not cheap, against invariants of the example.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type JobSpecInput, SourceConnectorSchema } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { Job, type Row } from '../src/index';
import { refAggregate, referenceRolling, referenceWindow, withWatermarks } from '../src/testing/index';
import { EXAMPLES, exampleNames as listExamples, loadExample } from './support/examples';
import { expectSameRows, nodeMetrics, sourceNode, sourceRows } from './support/rows';

const GOLDEN = path.resolve(import.meta.dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const exampleNames = listExamples();

/** The example bounded as examples/bounds.json says (the examples themselves stream without end). */
const loadSpec = (name: string): JobSpecInput => loadExample(name);

interface Outcome {
  job: Job;
  /** Collect sink id → rows. */
  collected: Record<string, Row[]>;
  /** Blackhole sink id → rows counted. */
  counted: Record<string, number>;
}

async function runExample(name: string, spec: JobSpecInput = loadSpec(name), parallelism?: number) {
  const job = Job.fromSpec(spec, {
    baseDir: path.join(EXAMPLES, name),
    writeConsole: () => {},
    ...(parallelism !== undefined ? { parallelism } : {}),
  });
  const res = await job.run();
  expect(res.error?.message, `${name} failed`).toBeUndefined();
  expect(res.status).toBe('finished');
  const out: Outcome = { job, collected: {}, counted: {} };
  for (const n of spec.nodes) {
    if (n.kind !== 'sink') continue;
    if (n.connector.type === 'collect') out.collected[n.id] = job.collected(n.id);
    if (n.connector.type === 'blackhole') out.counted[n.id] = nodeMetrics(job, n.id).recordsIn;
  }
  return out;
}

/** Every row of a source of the spec, as the engine generates it. */
const rowsOf = (spec: JobSpecInput, id: string): Row[] => {
  const src = sourceNode(spec, id);
  return sourceRows(SourceConnectorSchema.parse(src.connector), src.schema);
};

const readJsonl = (file: string): Row[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Row);

function golden(name: string, file: string, actual: string): string {
  const p = path.join(GOLDEN, name, file);
  if (UPDATE) {
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, actual);
  }
  if (!existsSync(p)) throw new Error(`no golden file ${p}: run with UPDATE_GOLDEN=1 to create it`);
  return p;
}

// ------------------------------------------------------------------------- independent computations

/** Rows behind the watermark would make a result depend on when exactly watermarks arrive. */
function expectNothingNearTheWatermark(r: { nearWatermark: number; late: Row[] }, what: string) {
  expect(r.late, `${what}: late rows in the reference`).toEqual([]);
  expect(r.nearWatermark, `${what}: rows at or behind the watermark in the reference`).toBe(0);
}

/** Per key (the given fields), window_end never decreases in emission order. */
function expectSortedByWindowEndPerKey(rows: readonly Row[], key: readonly string[]) {
  const last = new Map<string, number>();
  for (const r of rows) {
    const k = JSON.stringify(key.map((f) => r[f]));
    const end = r.window_end as number;
    expect(end, `window_end of key ${k}`).toBeGreaterThanOrEqual(last.get(k) ?? Number.NEGATIVE_INFINITY);
    last.set(k, end);
  }
}

const crossChecks: Record<string, (o: Outcome, spec: JobSpecInput) => void> = {
  'word-count': (o) => {
    const text = readFileSync(path.join(EXAMPLES, 'word-count/data/words.txt'), 'utf8');
    const counts = new Map<string, number>();
    const expected: Row[] = [];
    for (const line of text.replace(/\n$/, '').split('\n')) {
      for (const w of line.toLowerCase().split(/[^a-z0-9]+/)) {
        if (w === '') continue;
        const c = (counts.get(w) ?? 0) + 1;
        counts.set(w, c);
        expected.push({ word: w, count: c });
      }
    }
    expect(o.collected.out).toEqual(expected);
  },

  'word-count-windowed': (o) => {
    // Plain JS: watermark = max ts so far − 2000 − 1 after every line; 10 s tumbling windows; a word is
    // late when its window's end − 1 <= the watermark when it arrives; the final watermark fires the rest.
    const lines = readJsonl(path.join(EXAMPLES, 'word-count-windowed/data/lines.jsonl'));
    const counts = new Map<string, number>();
    let maxTs = Number.NEGATIVE_INFINITY;
    let wm = Number.NEGATIVE_INFINITY;
    let late = 0;
    for (const { ts, line } of lines as Array<{ ts: number; line: string }>) {
      const start = ts - (((ts % 10_000) + 10_000) % 10_000);
      for (const word of line.toLowerCase().split(/[^a-z0-9]+/)) {
        if (word === '') continue;
        if (start + 10_000 - 1 <= wm) {
          late++;
          continue;
        }
        const k = JSON.stringify([word, start]);
        counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      maxTs = Math.max(maxTs, ts);
      wm = Math.max(wm, maxTs - 2000 - 1);
    }
    const expected = [...counts].map(([k, count]) => {
      const [word, start] = JSON.parse(k) as [string, number];
      return { word, window_start: start, window_end: start + 10_000, count };
    });
    expectSameRows(o.collected.out!, expected, 'word-count-windowed');
    expect(nodeMetrics(o.job, 'counts').lateRowsDropped).toBe(late);
    expectSortedByWindowEndPerKey(o.collected.out!, ['word']);
  },

  'ad-clicks': (o, spec) => {
    // Impressions and the click log, interval-joined on the impression id: a click counts for the impression
    // when it comes 0..10 s after it (both bounds included), in the window of the click's time; impressions in
    // the window of their own time. Both sources' jitter is within their watermark's out-of-orderness.
    const impressions = rowsOf(spec, 'adEvents');
    const clicks = rowsOf(spec, 'clickLog').filter((r) => r.eventType === 'click');
    const byId = new Map(impressions.map((i) => [i.impressionId as number, i]));
    const startOf = (ts: number) => ts - (((ts % 60_000) + 60_000) % 60_000);
    const cells = new Map<string, { adId: string; start: number; impressions: number; clicks: number }>();
    const cell = (adId: string, ts: number) => {
      const k = `${adId}@${startOf(ts)}`;
      let c = cells.get(k);
      if (!c) cells.set(k, (c = { adId, start: startOf(ts), impressions: 0, clicks: 0 }));
      return c;
    };
    for (const i of impressions) cell(i.adId as string, i.ts as number).impressions++;
    let attributed = 0;
    for (const c of clicks) {
      const i = byId.get(c.impressionId as number);
      const delay = (c.ts as number) - (i?.ts as number);
      if (!i || !(delay >= 0 && delay <= 10_000)) continue;
      attributed++;
      cell(i.adId as string, c.ts as number).clicks++;
    }
    // Most clicks are attributed, some come too late (or, with the jitter, before their impression).
    expect(attributed).toBeGreaterThan(clicks.length * 0.7);
    expect(attributed).toBeLessThan(clicks.length);
    expect(nodeMetrics(o.job, 'attributed').recordsOut).toBe(attributed);
    expect(nodeMetrics(o.job, 'attributed').lateRowsDropped).toBe(0);
    expect(nodeMetrics(o.job, 'clicksPerMinute').lateRowsDropped).toBe(0);
    const out = o.collected.out!;
    expectSameRows(
      out.map(({ ctrPercent: _, ...r }) => r),
      [...cells.values()].map((c) => ({
        adId: c.adId,
        window_start: c.start,
        window_end: c.start + 60_000,
        impressions: c.impressions,
        clicks: c.clicks,
      })),
      'ad-clicks vs joining by hand',
    );
    for (const r of out) {
      const ctr = (100 * (r.clicks as number)) / (r.impressions as number);
      expect(Math.abs((r.ctrPercent as number) - ctr)).toBeLessThanOrEqual(0.005 + 1e-9);
      expect(Math.round((r.ctrPercent as number) * 100) / 100).toBe(r.ctrPercent);
    }
    expect(out.reduce((s, r) => s + (r.impressions as number), 0)).toBe(impressions.length);
    expectSortedByWindowEndPerKey(out, ['adId']);
  },

  'iot-temperature': (o, spec) => {
    const src = sourceNode(spec, 'readings');
    const rows = sourceRows(src.connector, src.schema);
    const present = rows.filter((r) => r.temperature !== null);
    expect(present.length).toBeLessThan(rows.length); // the example does drop some readings
    const ref = referenceWindow(
      withWatermarks(rows, { timestampField: 'ts', maxOutOfOrdernessMs: 1000, emitEveryRows: 100 }),
      (r) => (r.temperature !== null ? r : null),
      {
        key: ['deviceId'],
        assigner: { type: 'tumbling', sizeMs: 60_000 },
        allowedLatenessMs: 0,
        aggregates: [
          refAggregate('avgTemp', 'AVG(temperature)'),
          refAggregate('minTemp', 'MIN(temperature)'),
          refAggregate('maxTemp', 'MAX(temperature)'),
          refAggregate('readings', 'COUNT(*)'),
        ],
      },
    );
    expectNothingNearTheWatermark(ref, 'iot-temperature');
    expectSameRows(o.collected.out!, ref.fired, 'iot-temperature vs reference');
    const total = o.collected.out!.reduce((s, r) => s + (r.readings as number), 0);
    expect(total, 'window counts add up to the present readings').toBe(present.length);
    for (const r of o.collected.out!) {
      expect(r.minTemp as number).toBeLessThanOrEqual(r.avgTemp as number);
      expect(r.avgTemp as number).toBeLessThanOrEqual(r.maxTemp as number);
    }
    expectSortedByWindowEndPerKey(o.collected.out!, ['deviceId']);
  },

  recommendations: (o, spec) => {
    const src = sourceNode(spec, 'clickstream');
    const rows = sourceRows(src.connector, src.schema);
    const ref = referenceWindow(
      withWatermarks(rows, { timestampField: 'ts', maxOutOfOrdernessMs: 3000, emitEveryRows: 100 }),
      (r) => (r.action === 'view' ? r : null),
      {
        key: ['userId', 'productId'],
        assigner: { type: 'session', gapMs: 30_000 },
        allowedLatenessMs: 0,
        aggregates: [
          refAggregate('views', 'COUNT(*)'),
          refAggregate('firstView', 'MIN(ts)'),
          refAggregate('lastView', 'MAX(ts)'),
        ],
      },
    );
    expectNothingNearTheWatermark(ref, 'recommendations');
    // Before the threshold filter, the sessions hold every view exactly once.
    const views = rows.filter((r) => r.action === 'view').length;
    expect(ref.fired.reduce((s, r) => s + (r.views as number), 0)).toBe(views);
    expectSameRows(
      o.collected.out!,
      ref.fired.filter((r) => (r.views as number) >= 3),
      'recommendations vs reference',
    );
    for (const r of o.collected.out!) {
      expect(r.views as number).toBeGreaterThanOrEqual(3);
      // A session spans its first to its last view plus the gap.
      expect(r.window_start).toBe(r.firstView);
      expect(r.window_end).toBe((r.lastView as number) + 30_000);
    }
    expectSortedByWindowEndPerKey(o.collected.out!, ['userId', 'productId']);

    // Top sellers: views per (category, product) per one-minute window, then per window and category the
    // products whose rank by views (descending; equal views share a rank) is at most 3.
    const category = (p: number) => (p <= 1007 ? 'books' : p <= 1014 ? 'games' : 'garden');
    const viewsIn = new Map<string, Map<number, number>>();
    for (const r of rows) {
      if (r.action !== 'view') continue;
      const ts = r.ts as number;
      const start = ts - (((ts % 60_000) + 60_000) % 60_000);
      const k = `${start}@${category(r.productId as number)}`;
      const m = viewsIn.get(k) ?? new Map<number, number>();
      m.set(r.productId as number, (m.get(r.productId as number) ?? 0) + 1);
      viewsIn.set(k, m);
    }
    const top: Row[] = [];
    for (const [k, m] of viewsIn) {
      const [start, cat] = k.split('@') as [string, string];
      for (const [productId, views] of m) {
        const rank = 1 + [...m.values()].filter((v) => v > views).length;
        if (rank <= 3)
          top.push({
            category: cat,
            productId,
            window_start: Number(start),
            window_end: Number(start) + 60_000,
            views,
            rank,
          });
      }
    }
    expect(nodeMetrics(o.job, 'viewsPerMinute').lateRowsDropped).toBe(0);
    expect(top.length).toBeGreaterThanOrEqual(3 * viewsIn.size);
    expectSameRows(o.collected.topSellers!, top, 'recommendations top sellers vs ranking by hand');
    expectSortedByWindowEndPerKey(o.collected.topSellers!, ['category']);
  },

  'risk-control': (o, spec) => {
    // OVER with a RANGE frame of 60 s per user: each transaction with the SUM, COUNT and MAX of its user's
    // transactions whose time is in [ts − 60 s, ts] (the same time included, whichever arrived first).
    const rows = rowsOf(spec, 'transactions');
    const perUser = new Map<number, Row[]>();
    for (const r of rows) perUser.set(r.userId as number, [...(perUser.get(r.userId as number) ?? []), r]);
    const scored: Row[] = [];
    for (const txns of perUser.values()) {
      for (const r of txns) {
        const frame = txns.filter(
          (x) => (x.ts as number) <= (r.ts as number) && (x.ts as number) >= (r.ts as number) - 60_000,
        );
        scored.push({
          ...r,
          spend1m: frame.reduce((s, x) => s + (x.amount as number), 0),
          txns1m: frame.length,
          largest1m: Math.max(...frame.map((x) => x.amount as number)),
        });
      }
    }
    expect(nodeMetrics(o.job, 'spend').recordsOut).toBe(rows.length); // one row per transaction, none late
    expect(nodeMetrics(o.job, 'spend').lateRowsDropped).toBe(0);
    const expected = scored.filter((r) => (r.spend1m as number) > 4000);
    expect(expected.length).toBeGreaterThan(100);
    expectSameRows(o.collected.alerts!, expected, 'risk-control vs summing each frame', { precision: 12 });
    // Per user, alerts come in event-time order.
    const last = new Map<number, number>();
    for (const r of o.collected.alerts!) {
      expect(r.ts as number).toBeGreaterThanOrEqual(last.get(r.userId as number) ?? 0);
      last.set(r.userId as number, r.ts as number);
    }
  },

  'stock-monitoring': (o, spec) => {
    const src = sourceNode(spec, 'trades');
    const rows = sourceRows(src.connector, src.schema);
    const expected = referenceRolling(
      withWatermarks(rows, { timestampField: 'ts', maxOutOfOrdernessMs: 500, emitEveryRows: 100 }),
      (r) => r,
      ['symbol'],
      [
        refAggregate('lastPrice', 'LAST_VALUE(price)'),
        refAggregate('maxPrice', 'MAX(price)'),
        refAggregate('trades', 'COUNT(*)'),
      ],
    );
    expect(o.collected.out).toEqual(expected);
    // OVER with a RANGE frame of 5 s per symbol: each trade with the AVG, MIN, MAX and COUNT of its symbol's
    // trades whose time is in [ts − 5 s, ts] (ties included whichever arrived first).
    const perSymbol = new Map<string, Row[]>();
    for (const r of rows)
      perSymbol.set(r.symbol as string, [...(perSymbol.get(r.symbol as string) ?? []), r]);
    const averages = new Map<string, Row>();
    for (const trades of perSymbol.values()) {
      for (const r of trades) {
        const t = r.ts as number;
        const frame = trades.filter((x) => (x.ts as number) <= t && (x.ts as number) >= t - 5000);
        const prices = frame.map((x) => x.price as number);
        const avg = prices.reduce((s, p) => s + p, 0) / prices.length;
        averages.set(`${r.symbol}@${t}@${r.price}`, {
          avg,
          low5s: Math.min(...prices),
          high5s: Math.max(...prices),
          trades5s: frame.length,
        });
      }
    }
    expect(nodeMetrics(o.job, 'movingAverage').lateRowsDropped).toBe(0);
    expect(o.collected.averages!.length).toBe(rows.length);
    const last = new Map<string, number>();
    for (const r of o.collected.averages!) {
      const e = averages.get(`${r.symbol}@${r.ts}@${r.price}`);
      expect(e, `a trade of ${r.symbol} at ${r.ts}`).toBeDefined();
      expect({ low5s: r.low5s, high5s: r.high5s, trades5s: r.trades5s }).toEqual({
        low5s: e!.low5s,
        high5s: e!.high5s,
        trades5s: e!.trades5s,
      });
      expect(Math.abs((r.avg5s as number) - (e!.avg as number))).toBeLessThanOrEqual(0.0005 + 1e-9);
      const deviation = (100 * ((r.price as number) - (e!.avg as number))) / (e!.avg as number);
      expect(Math.abs((r.deviationPct as number) - deviation)).toBeLessThanOrEqual(0.005 + 1e-9);
      // Per symbol, in event-time order.
      expect(r.ts as number).toBeGreaterThanOrEqual(last.get(r.symbol as string) ?? 0);
      last.set(r.symbol as string, r.ts as number);
    }
  },

  'nexmark-q1': (o, spec) => {
    const src = sourceNode(spec, 'bids');
    const count = (src.connector as { count: number }).count;
    expect(o.counted.out).toBe(count);
    expect(nodeMetrics(o.job, 'toEuro').recordsIn).toBe(count);
    expect(nodeMetrics(o.job, 'toEuro').recordsOut).toBe(count);
    expect(o.job.metrics().rowErrors).toBe(0);
  },

  'nexmark-q3': (o, spec) => {
    const auctions = rowsOf(spec, 'auctions').filter((a) => a.category === 10);
    const persons = rowsOf(spec, 'persons').filter((p) => ['OR', 'ID', 'CA'].includes(p.state as string));
    const expected: Row[] = [];
    for (const a of auctions)
      for (const p of persons)
        if (p.id === a.seller) expected.push({ name: p.name, city: p.city, state: p.state, id: a.id });
    expect(expected.length).toBeGreaterThan(100);
    expectSameRows(o.collected.out!, expected, 'nexmark-q3 vs a nested loop');
  },

  'nexmark-q5': (o, spec) => {
    // Sliding windows of 10 s every 2 s; the bids arrive in event-time order (no late row).
    const counts = new Map<number, Map<number, number>>();
    for (const b of rowsOf(spec, 'bids')) {
      const t = b.dateTime as number;
      for (let start = t - (t % 2000) - 8000; start <= t; start += 2000) {
        const perAuction = counts.get(start) ?? new Map<number, number>();
        perAuction.set(b.auction as number, (perAuction.get(b.auction as number) ?? 0) + 1);
        counts.set(start, perAuction);
      }
    }
    const expected: Row[] = [];
    for (const perAuction of counts.values()) {
      const max = Math.max(...perAuction.values());
      for (const [auction, num] of perAuction) if (num === max) expected.push({ auction, num });
    }
    expect(counts.size).toBe(9);
    expectSameRows(o.collected.out!, expected, 'nexmark-q5 vs counting');
  },

  'nexmark-q7': (o, spec) => {
    const bids = rowsOf(spec, 'bids');
    const win = (b: Row) => Math.floor((b.dateTime as number) / 10_000);
    const max = new Map<number, number>();
    for (const b of bids) max.set(win(b), Math.max(max.get(win(b)) ?? 0, b.price as number));
    const expected = bids
      .filter((b) => b.price === max.get(win(b)))
      .map((b) => ({ auction: b.auction, price: b.price, bidder: b.bidder, dateTime: b.dateTime }));
    expect(max.size).toBe(3);
    expectSameRows(o.collected.out!, expected, 'nexmark-q7 vs the maximum per window');
  },

  'nexmark-q8': (o, spec) => {
    const start = (r: Row) => (r.dateTime as number) - ((r.dateTime as number) % 10_000);
    const sold = new Set(rowsOf(spec, 'auctions').map((a) => `${a.seller}@${start(a)}`));
    const expected = rowsOf(spec, 'persons')
      .filter((p) => sold.has(`${p.id}@${start(p)}`))
      .map((p) => ({ id: p.id, name: p.name, starttime: start(p) }));
    expect(expected.length).toBeGreaterThan(100);
    expectSameRows(o.collected.out!, expected, 'nexmark-q8 vs a set of (seller, window)');
  },
};

/** Per key, the multiset of a rolling COUNT column is exactly 1..n, and the final value of `extreme`. */
function rollingSummary(rows: readonly Row[], key: string, count: string, extreme: string) {
  const byKey = new Map<string, { counts: number[]; extreme: number }>();
  for (const r of rows) {
    const k = String(r[key]);
    const e = byKey.get(k) ?? { counts: [], extreme: Number.NEGATIVE_INFINITY };
    e.counts.push(r[count] as number);
    e.extreme = Math.max(e.extreme, r[extreme] as number);
    byKey.set(k, e);
  }
  return new Map(
    [...byKey].map(([k, e]) => [
      k,
      { n: e.counts.length, sorted: e.counts.sort((a, b) => a - b), max: e.extreme },
    ]),
  );
}

describe('golden pipelines (examples/*/job.json)', () => {
  it('finds the examples', () => {
    expect(exampleNames.length).toBeGreaterThanOrEqual(8);
  });

  for (const name of exampleNames) {
    describe(name, () => {
      it('matches the golden output at parallelism 1', async () => {
        const spec = loadSpec(name);
        const o = await runExample(name, spec);
        for (const [sink, rows] of Object.entries(o.collected)) {
          const text = rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : '');
          const file = golden(name, `${sink}.jsonl`, text);
          const expected = readJsonl(file);
          expect(rows.length, `${name}/${sink}: number of rows`).toBe(expected.length);
          expect(rows, `${name}/${sink}`).toEqual(expected);
        }
        if (Object.keys(o.counted).length > 0) {
          const actual = Object.fromEntries(Object.entries(o.counted).map(([k, n]) => [k, { recordsIn: n }]));
          const file = golden(name, 'metrics.json', `${JSON.stringify(actual, null, 2)}\n`);
          expect(actual).toEqual(JSON.parse(readFileSync(file, 'utf8')));
        }
        expect(Object.keys(o.collected).length + Object.keys(o.counted).length).toBeGreaterThan(0);
      });

      it('agrees with an independent computation', async () => {
        const check = crossChecks[name];
        if (!check) throw new Error(`no cross-check for example '${name}': add one to crossChecks`);
        const spec = loadSpec(name);
        check(await runExample(name, spec), spec);
      });

      it('gives the same output at parallelism 4 (as a multiset)', async () => {
        const spec = loadSpec(name);
        const one = await runExample(name, spec);
        const four = await runExample(name, spec, 4);
        expect(Object.keys(four.collected)).toEqual(Object.keys(one.collected));
        expect(four.counted).toEqual(one.counted);
        for (const [sink, rows] of Object.entries(one.collected)) {
          if (name === 'stock-monitoring' && sink === 'out') {
            // Four datagen splits interleave the trades of a symbol in another order, so a rolling
            // LAST_VALUE differs row by row (as in Flink); what cannot differ: one update per trade,
            // trade counts 1..n per symbol, and the highest price per symbol.
            expect(rollingSummary(four.collected[sink]!, 'symbol', 'trades', 'maxPrice')).toEqual(
              rollingSummary(rows, 'symbol', 'trades', 'maxPrice'),
            );
            continue;
          }
          // Float sums may add up in another order across splits: compare with 12 significant digits.
          expectSameRows(four.collected[sink]!, rows, `${name}/${sink} at parallelism 4`, { precision: 12 });
        }
      });
    });
  }

  it('stock-monitoring with only the keyed part at parallelism 4 gives exactly the same rows', async () => {
    const spec = loadSpec('stock-monitoring');
    const one = await runExample('stock-monitoring', spec);
    const four = structuredClone(spec);
    four.settings = { ...four.settings, parallelism: 4 };
    for (const n of four.nodes) if (n.kind === 'source') n.parallelism = 1;
    const o = await runExample('stock-monitoring', four);
    expect(nodeMetrics(o.job, 'ticker').parallelism).toBe(4);
    expectSameRows(o.collected.out!, one.collected.out!, 'stock-monitoring, source ×1, ticker ×4');
  });
});
