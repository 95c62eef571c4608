/**
 * The `nexmark` source: the Nexmark benchmark's event generator, one table (`person`, `auction`,
 * `bid`) per source.
 *
 * The model follows the benchmark's generator as implemented in
 * - nexmark/nexmark (the Flink Nexmark suite), `nexmark-flink/src/main/java/com/github/nexmark/flink/`:
 *   `generator/GeneratorConfig.java`, `generator/NexmarkGenerator.java`, `NexmarkConfiguration.java`
 *   (defaults), `generator/model/{Person,Auction,Bid,Price,Strings,Long}Generator.java` — including
 *   the bid's `channel` / `url`, which only that suite has;
 * - Apache Beam, `sdks/java/testing/nexmark/src/main/java/org/apache/beam/sdk/nexmark/sources/generator/`
 *   (`Generator.java`, `GeneratorConfig.java`, `model/*Generator.java`), whose `Generator` seeds a
 *   `Random` with the event id so that every event can be generated on its own — done here too.
 *
 * What is the same as the benchmark: event n is a person, an auction or a bid by `n mod 50`
 * (1 : 3 : 46); ids start at 1000 (`FIRST_PERSON_ID`, `FIRST_AUCTION_ID`) and derive from n
 * (`lastBase0PersonId`, `lastBase0AuctionId`); foreign keys pick a "hot" id with probability
 * 1 − 1/hotRatio (hotAuctionRatio 2, hotBiddersRatio 4, hotSellersRatio 4, batches of 100) or
 * else a random recent id via `nextBase0PersonId` (1,000 active people + 10 lead) /
 * `nextBase0AuctionId` (100 in-flight auctions + 10 lead); prices are
 * `round(10^(rand × 6) × 100)`; categories 10..14; auction `expires` = dateTime + 1 +
 * rand[0, 2 × horizon) where horizon is the time until 100 auctions later; names, cities, states
 * and the channel list (4 hot channels, `channel-0` … `channel-9999`, urls
 * `https://www.nexmark.com/…/item.htm?query=1[&channel_id=…]`) are the benchmark's; `extra` has the
 * benchmark's length distribution (pads each event to avgPersonByteSize 200 / avgAuctionByteSize
 * 500 / avgBidByteSize 100, ±20 %). dateTime = baseTime + ⌊⌊n × interEventDelayUs⌋ / 1000⌋ with
 * interEventDelayUs = 10^6 / eventsPerSecond (10,000 events/s, the benchmark default, when
 * eventsPerSecond is 0), so event time is virtual and deterministic.
 *
 * What differs, deliberately:
 * - Randomness: a fast 32-bit PRNG seeded from (`seed`, n) instead of java.util.Random, so values
 *   are not bit-identical to the Java generators (the Flink suite's own `Random()` is unseeded, so
 *   no run of it is reproducible either).
 * - baseTime is fixed at 1,700,000,000,000 (2023-11-14T22:13:20Z) instead of the wall clock, so a
 *   job's results are reproducible.
 * - Strings that the benchmark builds character by character (`extra`, item names, descriptions,
 *   e-mail addresses) come from precomputed pools with the same length distributions; the channel
 *   urls, which the Flink suite draws from an unseeded Random once per channel, are derived from the
 *   channel number.
 * - The Flink suite's `BidGenerator` adds `FIRST_PERSON_ID` to the bidder twice (bidders ≥ 2000,
 *   which join no person); Beam adds it once, as done here, so bids join persons.
 *
 * A reader of one table enumerates that table's rows arithmetically (a bid reader never generates
 * persons or auctions): table row j maps to its event number n. Subtask s of p takes rows
 * s, s+p, …; `count` is the number of rows of that table; position = `{ index: next row index }`.
 * With `eventsPerSecond` > 0 row j is due once event n is due on the benchmark's timeline, so all
 * splits together emit at most eventsPerSecond events per second.
 */
import type { NexmarkSource, NexmarkTable } from '@flowstate/spec';
import { EventRandom, fmix32, hashIndex, seedKey } from './random';
import { RateGate } from './rate';
import type { Row, SourcePosition, SplitContext, SplitReader } from './types';

// ------------------------------------------------------------------- the benchmark's configuration

export const FIRST_PERSON_ID = 1000;
export const FIRST_AUCTION_ID = 1000;
export const FIRST_CATEGORY_ID = 10;
export const PERSON_PROPORTION = 1;
export const AUCTION_PROPORTION = 3;
export const BID_PROPORTION = 46;
export const PROPORTION_DENOMINATOR = PERSON_PROPORTION + AUCTION_PROPORTION + BID_PROPORTION; // 50
/** NexmarkConfiguration defaults. */
export const DEFAULT_EVENTS_PER_SECOND = 10_000;
const HOT_AUCTION_RATIO_CONFIG = 2;
const HOT_SELLERS_RATIO_CONFIG = 4;
const HOT_BIDDERS_RATIO_CONFIG = 4;
const NUM_IN_FLIGHT_AUCTIONS = 100;
const NUM_ACTIVE_PEOPLE = 1000;
const AVG_PERSON_BYTE_SIZE = 200;
const AVG_AUCTION_BYTE_SIZE = 500;
const AVG_BID_BYTE_SIZE = 100;
/** Batch sizes of 'hot' ids (static constants of the model generators). */
const HOT_AUCTION_BATCH = 100;
const HOT_BIDDER_BATCH = 100;
const HOT_SELLER_BATCH = 100;
const PERSON_ID_LEAD = 10;
const AUCTION_ID_LEAD = 10;
const NUM_CATEGORIES = 5;
const HOT_CHANNELS_RATIO = 2;
const CHANNELS_NUMBER = 10_000;
export const NEXMARK_BASE_TIME = 1_700_000_000_000;
const NEXMARK_SALT = 0x6e65786d; // "nexm"

const US_STATES = 'AZ,CA,ID,OR,WA,WY'.split(',');
const US_CITIES = 'Phoenix,Los Angeles,San Francisco,Boise,Portland,Bend,Redmond,Seattle,Kent,Cheyenne'.split(
  ',',
);
const FIRST_NAMES = 'Peter,Paul,Luke,John,Saul,Vicky,Kate,Julie,Sarah,Deiter,Walter'.split(',');
const LAST_NAMES = 'Shultz,Abrams,Spencer,White,Bartels,Walton,Smith,Jones,Noris'.split(',');
const HOT_CHANNELS = ['Google', 'Facebook', 'Baidu', 'Apple'];

// ------------------------------------------------------------------------------ id arithmetic

/** Last valid person id (base 0) at event `eventId`; the current one if the event is a person. */
export function lastBase0PersonId(eventId: number): number {
  const epoch = Math.floor(eventId / PROPORTION_DENOMINATOR);
  let offset = eventId % PROPORTION_DENOMINATOR;
  if (offset >= PERSON_PROPORTION) offset = PERSON_PROPORTION - 1;
  return epoch * PERSON_PROPORTION + offset;
}

/** Last valid auction id (base 0) at event `eventId`; the current one if the event is an auction. */
export function lastBase0AuctionId(eventId: number): number {
  let epoch = Math.floor(eventId / PROPORTION_DENOMINATOR);
  let offset = eventId % PROPORTION_DENOMINATOR;
  if (offset < PERSON_PROPORTION) {
    epoch--;
    offset = AUCTION_PROPORTION - 1;
  } else if (offset >= PERSON_PROPORTION + AUCTION_PROPORTION) {
    offset = AUCTION_PROPORTION - 1;
  } else {
    offset -= PERSON_PROPORTION;
  }
  return epoch * AUCTION_PROPORTION + offset;
}

function nextBase0PersonId(eventId: number, rnd: EventRandom): number {
  const numPeople = lastBase0PersonId(eventId) + 1;
  const activePeople = Math.min(numPeople, NUM_ACTIVE_PEOPLE);
  return numPeople - activePeople + rnd.nextInt(activePeople + PERSON_ID_LEAD);
}

function nextBase0AuctionId(eventId: number, rnd: EventRandom): number {
  const maxAuction = lastBase0AuctionId(eventId);
  const minAuction = Math.max(maxAuction - NUM_IN_FLIGHT_AUCTIONS, 0);
  return minAuction + rnd.nextInt(maxAuction - minAuction + 1 + AUCTION_ID_LEAD);
}

function nextPrice(rnd: EventRandom): number {
  return Math.round(10 ** (rnd.nextDouble() * 6) * 100);
}

/** Event number of row `j` of a table. */
export function eventNumberOf(table: NexmarkTable, j: number): number {
  switch (table) {
    case 'person':
      return j * PROPORTION_DENOMINATOR;
    case 'auction':
      return (
        Math.floor(j / AUCTION_PROPORTION) * PROPORTION_DENOMINATOR +
        PERSON_PROPORTION +
        (j % AUCTION_PROPORTION)
      );
    case 'bid':
      return (
        Math.floor(j / BID_PROPORTION) * PROPORTION_DENOMINATOR +
        PERSON_PROPORTION +
        AUCTION_PROPORTION +
        (j % BID_PROPORTION)
      );
  }
}

/** Which table event n belongs to. */
export function eventKind(n: number): NexmarkTable {
  const rem = n % PROPORTION_DENOMINATOR;
  return rem < PERSON_PROPORTION
    ? 'person'
    : rem < PERSON_PROPORTION + AUCTION_PROPORTION
      ? 'auction'
      : 'bid';
}

// ------------------------------------------------------------------------------- string pools

/** Java's Integer.reverse. */
function reverse32(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return (x >>> 16) | (x << 16) | 0;
}

/** Java's Math.abs(int): Integer.MIN_VALUE stays negative. */
function javaAbs(x: number): number {
  return x === -2147483648 ? x : Math.abs(x);
}

/** StringsGenerator.nextString: 3 … maxLength−1 letters, 1 in 13 of them `special`, trimmed. */
function nextString(rnd: EventRandom, maxLength: number, special = ' '): string {
  let len = 3 + rnd.nextInt(maxLength - 3);
  let s = '';
  while (len-- > 0) s += rnd.nextInt(13) === 0 ? special : String.fromCharCode(97 + rnd.nextInt(26));
  return s.trim();
}

function baseUrl(rnd: EventRandom): string {
  return `https://www.nexmark.com/${nextString(rnd, 5, '_')}/${nextString(rnd, 5, '_')}/${nextString(rnd, 5, '_')}/item.htm?query=1`;
}

const POOL_SIZE = 4096; // power of two
const EXTRA_VARIANTS = 128; // per length; power of two
const EXTRA_SOURCE_LENGTH = 1 << 16;

interface Pools {
  hotUrls: string[];
  channels: string[];
  channelUrls: string[];
  itemNames: string[];
  descriptions: string[];
  emails: string[];
  personNames: string[];
  digits4: string[];
  /** Random letters that every `extra` string is a slice of. */
  extraSource: string;
  /** extra[length][variant], filled lazily per length. */
  extra: (string[] | undefined)[];
}

let pools: Pools | undefined;

/** Built once per process from a fixed seed: the same strings in every run and every worker. */
function getPools(): Pools {
  if (pools) return pools;
  const rnd = new EventRandom();
  rnd.reseed(0x5eed1234);
  const hotUrls = HOT_CHANNELS.map(() => baseUrl(rnd));
  const channels: string[] = [];
  const channelUrls: string[] = [];
  const crnd = new EventRandom();
  for (let c = 0; c < CHANNELS_NUMBER; c++) {
    crnd.reseed(fmix32(c ^ 0x6368616e));
    let url = baseUrl(crnd);
    if (crnd.nextInt(10) > 0) url = `${url}&channel_id=${javaAbs(reverse32(c))}`;
    channels.push(`channel-${c}`);
    channelUrls.push(url);
  }
  const itemNames: string[] = [];
  const descriptions: string[] = [];
  const emails: string[] = [];
  for (let i = 0; i < POOL_SIZE; i++) {
    itemNames.push(nextString(rnd, 20));
    descriptions.push(nextString(rnd, 100));
    emails.push(`${nextString(rnd, 7)}@${nextString(rnd, 5)}.com`);
  }
  const personNames: string[] = [];
  for (const first of FIRST_NAMES) for (const last of LAST_NAMES) personNames.push(`${first} ${last}`);
  const digits4: string[] = [];
  for (let i = 0; i < 10_000; i++) digits4.push(String(i).padStart(4, '0'));
  const letters: string[] = [];
  for (let i = 0; i < EXTRA_SOURCE_LENGTH + 1024; i++)
    letters.push(String.fromCharCode(97 + rnd.nextInt(26)));
  pools = {
    hotUrls,
    channels,
    channelUrls,
    itemNames,
    descriptions,
    emails,
    personNames,
    digits4,
    extraSource: letters.join(''),
    extra: [],
  };
  return pools;
}

function extraVariants(p: Pools, length: number): string[] {
  let v = p.extra[length];
  if (!v) {
    v = [];
    const src = p.extraSource;
    const span = src.length - length;
    for (let k = 0; k < EXTRA_VARIANTS; k++) {
      const off = fmix32(Math.imul(length + 1, 0x9e3779b1) ^ k) % (span + 1);
      // Flatten so each pooled string is independent of the source (no sliced-string overhead).
      v.push(
        src
          .slice(off, off + length)
          .split('')
          .join(''),
      );
    }
    p.extra[length] = v;
  }
  return v;
}

/** StringsGenerator.nextExtra: pads `currentSize` to `desiredAverageSize` ± 20 %, from the pool. */
function nextExtra(p: Pools, rnd: EventRandom, currentSize: number, desiredAverageSize: number): string {
  if (currentSize > desiredAverageSize) return '';
  const avg = desiredAverageSize - currentSize;
  const delta = Math.round(avg * 0.2);
  const size = avg - delta + (delta === 0 ? 0 : rnd.nextInt(2 * delta));
  if (size === 0) return '';
  return extraVariants(p, size)[rnd.nextInt(EXTRA_VARIANTS)]!;
}

// ------------------------------------------------------------------------------ the generator

export interface NexmarkBid {
  auction: number;
  bidder: number;
  price: number;
  channel: string;
  url: string;
  dateTime: number;
  extra: string;
}
export interface NexmarkAuction {
  id: number;
  itemName: string;
  description: string;
  initialBid: number;
  reserve: number;
  dateTime: number;
  expires: number;
  seller: number;
  category: number;
  extra: string;
}
export interface NexmarkPerson {
  id: number;
  name: string;
  emailAddress: string;
  creditCard: string;
  city: string;
  state: string;
  dateTime: number;
  extra: string;
}

/** Generates any event of the stream on its own, from (seed, event number). */
export class NexmarkGenerator {
  private readonly key: number;
  private readonly rnd = new EventRandom();
  private readonly pools = getPools();
  /** Inter-event delay in microseconds. */
  readonly interEventDelayUs: number;

  constructor(seed: number, eventsPerSecond: number) {
    this.key = seedKey(seed, NEXMARK_SALT);
    this.interEventDelayUs = 1_000_000 / (eventsPerSecond > 0 ? eventsPerSecond : DEFAULT_EVENTS_PER_SECOND);
  }

  /** GeneratorConfig.timestampForEvent. */
  timestampForEvent(n: number): number {
    return NEXMARK_BASE_TIME + Math.floor(Math.floor(n * this.interEventDelayUs) / 1000);
  }

  /** Event n, whatever its kind. */
  event(n: number): { kind: NexmarkTable; row: Row } {
    const kind = eventKind(n);
    const row = kind === 'person' ? this.person(n) : kind === 'auction' ? this.auction(n) : this.bid(n);
    return { kind, row: row as unknown as Row };
  }

  /** BidGenerator.nextBid for bid event n. */
  bid(n: number): NexmarkBid {
    const rnd = this.rnd;
    const p = this.pools;
    rnd.reseed(hashIndex(this.key, n));
    const lastAuction = lastBase0AuctionId(n);
    const auction =
      (rnd.nextInt(HOT_AUCTION_RATIO_CONFIG) > 0
        ? Math.floor(lastAuction / HOT_AUCTION_BATCH) * HOT_AUCTION_BATCH
        : nextBase0AuctionId(n, rnd)) + FIRST_AUCTION_ID;
    const bidder =
      (rnd.nextInt(HOT_BIDDERS_RATIO_CONFIG) > 0
        ? Math.floor(lastBase0PersonId(n) / HOT_BIDDER_BATCH) * HOT_BIDDER_BATCH + 1
        : nextBase0PersonId(n, rnd)) + FIRST_PERSON_ID;
    const price = nextPrice(rnd);
    let channel: string;
    let url: string;
    if (rnd.nextInt(HOT_CHANNELS_RATIO) > 0) {
      const i = rnd.nextInt(HOT_CHANNELS.length);
      channel = HOT_CHANNELS[i]!;
      url = p.hotUrls[i]!;
    } else {
      const c = rnd.nextInt(CHANNELS_NUMBER);
      channel = p.channels[c]!;
      url = p.channelUrls[c]!;
    }
    const extra = nextExtra(p, rnd, 8 + 8 + 8 + 8, AVG_BID_BYTE_SIZE);
    return { auction, bidder, price, channel, url, dateTime: this.timestampForEvent(n), extra };
  }

  /** AuctionGenerator.nextAuction for auction event n. */
  auction(n: number): NexmarkAuction {
    const rnd = this.rnd;
    const p = this.pools;
    rnd.reseed(hashIndex(this.key, n));
    const id = lastBase0AuctionId(n) + FIRST_AUCTION_ID;
    const seller =
      (rnd.nextInt(HOT_SELLERS_RATIO_CONFIG) > 0
        ? Math.floor(lastBase0PersonId(n) / HOT_SELLER_BATCH) * HOT_SELLER_BATCH
        : nextBase0PersonId(n, rnd)) + FIRST_PERSON_ID;
    const category = FIRST_CATEGORY_ID + rnd.nextInt(NUM_CATEGORIES);
    const initialBid = nextPrice(rnd);
    const dateTime = this.timestampForEvent(n);
    // nextAuctionLengthMs: a length averaging the time until numInFlightAuctions more auctions.
    const numEventsForAuctions = Math.floor(
      (NUM_IN_FLIGHT_AUCTIONS * PROPORTION_DENOMINATOR) / AUCTION_PROPORTION,
    );
    const horizonMs = this.timestampForEvent(n + numEventsForAuctions) - dateTime;
    const expires = dateTime + 1 + rnd.nextInt(Math.max(horizonMs * 2, 1));
    const itemName = p.itemNames[rnd.nextInt(POOL_SIZE)]!;
    const description = p.descriptions[rnd.nextInt(POOL_SIZE)]!;
    const reserve = initialBid + nextPrice(rnd);
    const currentSize = 8 + itemName.length + description.length + 8 + 8 + 8 + 8 + 8;
    const extra = nextExtra(p, rnd, currentSize, AVG_AUCTION_BYTE_SIZE);
    return { id, itemName, description, initialBid, reserve, dateTime, expires, seller, category, extra };
  }

  /** PersonGenerator.nextPerson for person event n. */
  person(n: number): NexmarkPerson {
    const rnd = this.rnd;
    const p = this.pools;
    rnd.reseed(hashIndex(this.key, n));
    const id = lastBase0PersonId(n) + FIRST_PERSON_ID;
    const name =
      p.personNames[rnd.nextInt(FIRST_NAMES.length) * LAST_NAMES.length + rnd.nextInt(LAST_NAMES.length)]!;
    const emailAddress = p.emails[rnd.nextInt(POOL_SIZE)]!;
    const d = p.digits4;
    const creditCard = `${d[rnd.nextInt(10000)]} ${d[rnd.nextInt(10000)]} ${d[rnd.nextInt(10000)]} ${d[rnd.nextInt(10000)]}`;
    const city = US_CITIES[rnd.nextInt(US_CITIES.length)]!;
    const state = US_STATES[rnd.nextInt(US_STATES.length)]!;
    const currentSize =
      8 + name.length + emailAddress.length + creditCard.length + city.length + state.length;
    const extra = nextExtra(p, rnd, currentSize, AVG_PERSON_BYTE_SIZE);
    return { id, name, emailAddress, creditCard, city, state, dateTime: this.timestampForEvent(n), extra };
  }
}

// ------------------------------------------------------------------------------------ readers

export class NexmarkReader implements SplitReader {
  readonly bounded: boolean;
  readonly table: NexmarkTable;
  private readonly gen: NexmarkGenerator;
  private readonly stride: number;
  private readonly count: number;
  private readonly gate: RateGate | null;
  private next: number;
  private _ended: boolean;
  private restored = false;

  constructor(connector: NexmarkSource, ctx: SplitContext) {
    this.table = connector.table;
    this.gen = new NexmarkGenerator(connector.seed, connector.eventsPerSecond);
    this.bounded = connector.count !== undefined;
    this.count = connector.count ?? Number.POSITIVE_INFINITY;
    this.stride = ctx.parallelism;
    this.next = ctx.subtask;
    this._ended = this.next >= this.count;
    const eps = connector.eventsPerSecond;
    this.gate = eps > 0 ? new RateGate(eps / 1000, ctx.nowMs) : null;
  }

  get ended(): boolean {
    return this._ended;
  }

  read(max: number, out: Row[]): number {
    if (this._ended) return 0;
    const stride = this.stride;
    const count = this.count;
    const table = this.table;
    const gen = this.gen;
    // The last event number that may be emitted now (rate limit), else unlimited.
    // A fresh reader runs on the benchmark's timeline from event 0; a restored one resumes its rate
    // at the event it stopped at.
    const maxEvent = this.gate
      ? this.gate.limit(eventNumberOf(table, this.next), this.restored ? eventNumberOf(table, this.next) : 0)
      : Number.POSITIVE_INFINITY;
    let j = this.next;
    let n = 0;
    if (table === 'bid') {
      while (n < max && j < count) {
        const e =
          Math.floor(j / BID_PROPORTION) * PROPORTION_DENOMINATOR +
          PERSON_PROPORTION +
          AUCTION_PROPORTION +
          (j % BID_PROPORTION);
        if (e > maxEvent) break;
        out.push(gen.bid(e) as unknown as Row);
        j += stride;
        n++;
      }
    } else if (table === 'auction') {
      while (n < max && j < count) {
        const e = eventNumberOf('auction', j);
        if (e > maxEvent) break;
        out.push(gen.auction(e) as unknown as Row);
        j += stride;
        n++;
      }
    } else {
      while (n < max && j < count) {
        const e = j * PROPORTION_DENOMINATOR;
        if (e > maxEvent) break;
        out.push(gen.person(e) as unknown as Row);
        j += stride;
        n++;
      }
    }
    this.next = j;
    if (j >= count) this._ended = true;
    return n;
  }

  position(): SourcePosition {
    return { index: this.next };
  }

  seek(pos: SourcePosition): void {
    if (!('index' in pos) || !Number.isSafeInteger(pos.index) || pos.index < 0) {
      throw new Error(`nexmark: cannot seek to ${JSON.stringify(pos)}`);
    }
    this.next = pos.index;
    this._ended = this.next >= this.count;
    this.restored = true;
    this.gate?.reset();
  }

  availableAt(nowMs: number): number {
    if (!this.gate || this._ended) return 0;
    return this.gate.availableAt(eventNumberOf(this.table, this.next), nowMs);
  }

  close(): void {}
}

export function createNexmarkReader(connector: NexmarkSource, ctx: SplitContext): NexmarkReader {
  return new NexmarkReader(connector, ctx);
}
