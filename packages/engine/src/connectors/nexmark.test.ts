import { NEXMARK_SCHEMAS, type NexmarkSource, type NexmarkTable } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { createSplitReader } from './index';
import {
  eventKind,
  eventNumberOf,
  lastBase0AuctionId,
  lastBase0PersonId,
  NEXMARK_BASE_TIME,
  NexmarkGenerator,
} from './nexmark';
import { FakeClock, readAll, testContext } from './test-support';
import type { Row } from './types';

const source = (table: NexmarkTable, over: Partial<NexmarkSource> = {}): NexmarkSource => ({
  type: 'nexmark',
  table,
  eventsPerSecond: 0,
  count: 2000,
  seed: 0,
  ...over,
});
const reader = (table: NexmarkTable, over: Partial<NexmarkSource> = {}, subtask = 0, parallelism = 1) =>
  createSplitReader(source(table, over), NEXMARK_SCHEMAS[table], testContext({ subtask, parallelism }));

describe('nexmark', () => {
  it('emits persons, auctions and bids in the proportion 1 : 3 : 46', () => {
    const gen = new NexmarkGenerator(0, 0);
    const counts = { person: 0, auction: 0, bid: 0 };
    for (let n = 0; n < 50_000; n++) counts[gen.event(n).kind]++;
    expect(counts).toEqual({ person: 1000, auction: 3000, bid: 46_000 });
    // Each table's rows are exactly the events of that kind, in order.
    for (const table of ['person', 'auction', 'bid'] as const) {
      const events: number[] = [];
      for (let n = 0; n < 5000; n++) if (eventKind(n) === table) events.push(n);
      expect(events.map((_, j) => eventNumberOf(table, j))).toEqual(events);
    }
  });

  it('produces rows with exactly the fields and types of NEXMARK_SCHEMAS', () => {
    for (const table of ['person', 'auction', 'bid'] as const) {
      const schema = NEXMARK_SCHEMAS[table];
      for (const row of readAll(reader(table, { count: 300 }))) {
        expect(Object.keys(row)).toEqual(Object.keys(schema));
        for (const [field, type] of Object.entries(schema)) {
          const v = row[field];
          if (type === 'string') expect(typeof v).toBe('string');
          else expect(Number.isSafeInteger(v)).toBe(true);
        }
      }
    }
  });

  it('keeps ids, prices and strings within the model', () => {
    const bids = readAll(reader('bid', { count: 20_000 }));
    const hot = ['Google', 'Facebook', 'Baidu', 'Apple'];
    let hotAuctions = 0;
    bids.forEach((b, j) => {
      const n = eventNumberOf('bid', j);
      const lastA = lastBase0AuctionId(n);
      const lastP = lastBase0PersonId(n);
      const a = (b.auction as number) - 1000;
      expect(a).toBeGreaterThanOrEqual(Math.max(lastA - 100, 0));
      expect(a).toBeLessThanOrEqual(lastA + 10);
      if (a === Math.floor(lastA / 100) * 100) hotAuctions++;
      const p = (b.bidder as number) - 1000;
      expect(p).toBeGreaterThanOrEqual(Math.max(lastP + 1 - 1000, 0));
      expect(p).toBeLessThanOrEqual(lastP + 10);
      expect(b.price).toBeGreaterThanOrEqual(100);
      expect(b.price).toBeLessThanOrEqual(100_000_000);
      expect(hot.includes(b.channel as string) || /^channel-\d{1,4}$/.test(b.channel as string)).toBe(true);
      expect(b.url).toMatch(
        /^https:\/\/www\.nexmark\.com\/[a-z_]{1,4}\/[a-z_]{1,4}\/[a-z_]{1,4}\/item\.htm\?query=1/,
      );
      expect(b.dateTime).toBe(NEXMARK_BASE_TIME + Math.floor(n / 10)); // 10,000 events/s by default
      expect((b.extra as string).length).toBeGreaterThanOrEqual(54);
      expect((b.extra as string).length).toBeLessThanOrEqual(81);
    });
    // P(hot auction) = 1 − 1/hotAuctionRatio = 1/2 (plus the random picks that land on it).
    expect(hotAuctions / bids.length).toBeGreaterThan(0.48);
    expect(hotAuctions / bids.length).toBeLessThan(0.56);
    // Prices are log-uniform over 100 … 10^8: the median is about 10^5.
    const prices = bids.map((b) => b.price as number).sort((x, y) => x - y);
    expect(prices[prices.length >> 1]).toBeGreaterThan(50_000);
    expect(prices[prices.length >> 1]).toBeLessThan(200_000);

    const auctions = readAll(reader('auction', { count: 3000 }));
    auctions.forEach((a, j) => {
      const n = eventNumberOf('auction', j);
      expect(a.id).toBe(1000 + j);
      const seller = (a.seller as number) - 1000;
      expect(seller).toBeGreaterThanOrEqual(0);
      expect(seller).toBeLessThanOrEqual(lastBase0PersonId(n) + 10);
      expect(a.category).toBeGreaterThanOrEqual(10);
      expect(a.category).toBeLessThanOrEqual(14);
      expect(a.reserve).toBeGreaterThanOrEqual(a.initialBid as number);
      expect(a.dateTime).toBe(NEXMARK_BASE_TIME + Math.floor(n / 10));
      expect(a.expires).toBeGreaterThan(a.dateTime as number);
      // horizon = time of the auction 100 auctions later (1666 events = 166 ms); length < 2 × horizon
      expect((a.expires as number) - (a.dateTime as number)).toBeLessThanOrEqual(2 * 167);
      expect((a.itemName as string).length).toBeLessThanOrEqual(19);
      expect((a.description as string).length).toBeLessThanOrEqual(99);
    });

    const persons = readAll(reader('person', { count: 2000 }));
    persons.forEach((p, j) => {
      expect(p.id).toBe(1000 + j);
      expect(p.name).toMatch(/^[A-Z][a-z]+ [A-Z][a-z]+$/);
      expect(p.emailAddress).toMatch(/^[a-z ]*@[a-z ]*\.com$/);
      expect(p.creditCard).toMatch(/^\d{4} \d{4} \d{4} \d{4}$/);
      expect(['AZ', 'CA', 'ID', 'OR', 'WA', 'WY']).toContain(p.state);
      expect(p.dateTime).toBe(NEXMARK_BASE_TIME + Math.floor((j * 50) / 10));
      const size =
        8 +
        (p.name as string).length +
        (p.emailAddress as string).length +
        (p.creditCard as string).length +
        (p.city as string).length +
        (p.state as string).length;
      const avg = 200 - size;
      const delta = Math.round(avg * 0.2);
      expect((p.extra as string).length).toBeGreaterThanOrEqual(avg - delta);
      expect((p.extra as string).length).toBeLessThan(avg + delta);
    });
  });

  it('makes bids reference auctions and persons of the other tables (within the model lead)', () => {
    const bids = readAll(reader('bid', { count: 46 * 300 }));
    const auctions = new Set(readAll(reader('auction', { count: 3 * 300 + 11 })).map((a) => a.id));
    const persons = readAll(reader('person', { count: 300 + 11 }));
    const personIds = new Set(persons.map((p) => p.id));
    for (const b of bids) {
      expect(auctions.has(b.auction)).toBe(true);
      expect(personIds.has(b.bidder)).toBe(true);
    }
    for (const a of readAll(reader('auction', { count: 3 * 300 })))
      expect(personIds.has(a.seller)).toBe(true);
  });

  it('is deterministic per seed, independent of the split, and resumes at a position', () => {
    const a = readAll(reader('bid', { count: 3000 }));
    expect(readAll(reader('bid', { count: 3000 }))).toEqual(a);
    const other = readAll(reader('bid', { count: 3000, seed: 42 }));
    expect(other.map((r) => r.price)).not.toEqual(a.map((r) => r.price));
    expect(other.map((r) => r.dateTime)).toEqual(a.map((r) => r.dateTime));

    const byIndex = new Map<number, Row>();
    for (let s = 0; s < 3; s++) {
      for (const [k, r] of readAll(reader('bid', { count: 3000 }, s, 3)).entries()) byIndex.set(s + 3 * k, r);
    }
    expect(byIndex.size).toBe(3000);
    for (let j = 0; j < 3000; j++) expect(byIndex.get(j)).toEqual(a[j]);

    for (const table of ['person', 'auction', 'bid'] as const) {
      const r1 = reader(table, { count: 900 }, 2, 3);
      readAll(r1, 111, 17);
      const pos = JSON.parse(JSON.stringify(r1.position()));
      expect(pos).toEqual({ index: 2 + 3 * 111 });
      const rest = readAll(r1);
      const r2 = reader(table, { count: 900 }, 2, 3);
      r2.seek(pos);
      expect(readAll(r2)).toEqual(rest);
      expect(rest).toHaveLength(300 - 111);
    }
  });

  it('spaces dateTime by eventsPerSecond and rate-limits on the event timeline', () => {
    const clock = new FakeClock(5000);
    const r = createSplitReader(
      source('bid', { eventsPerSecond: 500, count: undefined }),
      NEXMARK_SCHEMAS.bid,
      testContext({ nowMs: clock.now }),
    );
    expect(r.bounded).toBe(false);
    const out: Row[] = [];
    expect(r.read(1000, out)).toBe(0);
    // bid 0 is event 4, the 5th event at 500/s = 2 ms each: due after 10 ms.
    expect(r.availableAt(5000)).toBe(5010);
    clock.t = 5100; // 50 events due: events 0 … 49 hold bids 0 … 45
    expect(r.read(1000, out)).toBe(46);
    expect(r.availableAt(5100)).toBe(5110);
    clock.t = 6000; // 500 events: 10 epochs of 46 bids
    r.read(1000, out);
    expect(out).toHaveLength(460);
    expect(out[1]!.dateTime).toBe(NEXMARK_BASE_TIME + 5 * 2);
    expect(out[46]!.dateTime).toBe(NEXMARK_BASE_TIME + 54 * 2);
    // Restored at bid 460 (event 504), the reader resumes at its rate from there: no catch-up burst.
    r.seek({ index: 460 });
    clock.t = 100_000;
    expect(r.read(1000, out)).toBe(0);
    expect(r.availableAt(100_000)).toBe(100_002);
    clock.t = 100_020; // 10 more events: 504 … 513
    expect(r.read(1000, out)).toBe(10);
  });
});
