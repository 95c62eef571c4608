/**
 * The two-input joins and the stateful SQL operators (over, topN, deduplicate): what each derives (sides,
 * output schema, key) and the problems each reports, with the path and node they name.
 */
import { describe, expect, it } from 'vitest';
import { loadFixture } from '../test/fixtures';
import { NEXMARK_SCHEMAS } from './nexmark';
import { problemsToText, type SpecAnalysis, validateSpec } from './validate';

type Obj = Record<string, unknown>;
interface LooseSpec {
  specVersion: number;
  name: string;
  nodes: Obj[];
  edges: Obj[];
  [key: string]: unknown;
}

const auctionBids = (): LooseSpec => loadFixture('valid', 'auction-bids-interval-join') as LooseSpec;
const hotAuctions = (): LooseSpec => loadFixture('valid', 'hot-auctions-top-n') as LooseSpec;
const runningMax = (): LooseSpec => loadFixture('valid', 'bidder-running-max-over') as LooseSpec;
const node = (spec: LooseSpec, id: string): Obj => spec.nodes.find((n) => n.id === id)!;

function analyse(input: unknown): SpecAnalysis {
  const result = validateSpec(input);
  if (!result.ok) throw new Error(`expected a valid spec:\n${problemsToText(result.problems)}`);
  expect(result.problems).toEqual([]);
  return result.analysis;
}

const summary = (input: unknown): string[] =>
  validateSpec(input).problems.map(
    (p) => `${p.code} ${p.path}${p.nodeId === undefined ? '' : ` ${p.nodeId}`}`,
  );
const messages = (input: unknown): string[] => validateSpec(input).problems.map((p) => p.message);

describe('joins', () => {
  it('an interval join: each side with its schema and key, the output from its fields, not keyed', () => {
    const joined = analyse(auctionBids()).nodes.get('joined')!;
    expect(joined.inputSchema).toBeNull();
    expect(joined.sides).toEqual({
      left: { schema: NEXMARK_SCHEMAS.auction, keyFields: ['id'] },
      right: { schema: NEXMARK_SCHEMAS.bid, keyFields: ['auction'] },
    });
    expect(joined.outputSchema).toEqual({
      auction: 'int',
      seller: 'int',
      bidder: 'int',
      price: 'int',
      dateTime: 'timestamp',
    });
    expect(joined.keyFields).toBeNull();
    expect(joined.inputs.map((e) => [e.from, e.input])).toEqual([
      ['byId', 'left'],
      ['byAuction', 'right'],
    ]);
  });

  it('without fields the output is every left field then every right field; a name on both sides is named', () => {
    const spec = auctionBids();
    delete node(spec, 'joined').fields;
    expect(summary(spec)).toEqual(['duplicate-field /nodes/4 joined', 'duplicate-field /nodes/4 joined']);
    expect(messages(spec)[0]).toBe(
      'intervalJoin \'joined\': the field \'dateTime\' comes from both inputs (left: \'byId\', right: \'byAuction\'): add "fields" to name the output, e.g. "l_dateTime": "l.dateTime", "r_dateTime": "r.dateTime"',
    );
    expect(messages(spec)[1]).toMatch(/the field 'extra' comes from both inputs/);

    // Drop the clashing fields on the right with a map: the output is then left ++ right.
    spec.nodes.splice(3, 0, {
      id: 'slim',
      kind: 'map',
      fields: { auction: 'auction', bidder: 'bidder', price: 'price', bidTime: 'dateTime' },
    });
    spec.edges = [
      { from: 'auctions', to: 'byId' },
      { from: 'bids', to: 'slim' },
      { from: 'slim', to: 'byAuction' },
      { from: 'byId', to: 'joined', input: 'left' },
      { from: 'byAuction', to: 'joined', input: 'right' },
      { from: 'joined', to: 'out' },
    ];
    const joined = analyse(spec).nodes.get('joined')!;
    expect(Object.keys(joined.outputSchema)).toEqual([
      ...Object.keys(NEXMARK_SCHEMAS.auction),
      'auction',
      'bidder',
      'price',
      'bidTime',
    ]);
  });

  it('a window join offers window_start and window_end, and adds them to the default output', () => {
    const spec = auctionBids();
    Object.assign(node(spec, 'joined'), {
      kind: 'windowJoin',
      assigner: { type: 'tumbling', sizeMs: 10000 },
      fields: { auction: 'l.id', price: 'r.price', window_start: 'window_start', window_end: 'window_end' },
    });
    delete node(spec, 'joined').lowerBoundMs;
    delete node(spec, 'joined').upperBoundMs;
    expect(analyse(spec).nodes.get('joined')!.outputSchema).toEqual({
      auction: 'int',
      price: 'int',
      window_start: 'timestamp',
      window_end: 'timestamp',
    });
  });

  it('the fields are expressions over l and r: an unqualified name on both sides is ambiguous', () => {
    const spec = auctionBids();
    node(spec, 'joined').fields = { auction: 'id', total: 'r.price + l.initialBid', when: 'dateTime' };
    expect(summary(spec)).toEqual(['expression/AMBIGUOUS_FIELD /nodes/4/fields/when joined']);
    node(spec, 'joined').fields = { auction: 'id', total: 'r.price + l.initialBid' };
    expect(analyse(spec).nodes.get('joined')!.outputSchema).toEqual({ auction: 'int', total: 'int' });
  });

  it('each side must be keyed: the problem names the side', () => {
    const spec = auctionBids();
    spec.edges[3] = { from: 'bids', to: 'joined', input: 'right' };
    expect(summary(spec)).toEqual(['dead-end-node /nodes/3 byAuction', 'not-keyed /nodes/4 joined']);
    expect(messages(spec)[1]).toMatch(
      /^intervalJoin 'joined' needs a keyed stream on its right input: add a keyBy/,
    );
  });

  it('the keys must have as many fields on both sides', () => {
    const spec = auctionBids();
    node(spec, 'byAuction').key = ['auction', 'bidder'];
    expect(summary(spec)).toEqual(['join-key-mismatch /nodes/4 joined']);
    expect(messages(spec)[0]).toMatch(
      /the left input is keyed by 1 field \[id\], the right by 2 \[auction, bidder\]/,
    );
  });

  it('an event-time join needs a watermark on the sources of both sides; a regular join does not', () => {
    const spec = auctionBids();
    delete node(spec, 'bids').watermark;
    expect(summary(spec)).toEqual(['missing-watermark /nodes/4 joined']);
    expect(messages(spec)[0]).toMatch(/source 'bids' has no watermark/);
    Object.assign(node(spec, 'joined'), { kind: 'join' });
    delete node(spec, 'joined').lowerBoundMs;
    delete node(spec, 'joined').upperBoundMs;
    expect(analyse(spec).nodes.get('joined')!.outputSchema.price).toBe('int');
  });

  it('a join with one side connected says which side is missing', () => {
    const spec = auctionBids();
    spec.edges.splice(3, 1);
    expect(summary(spec)).toEqual(['dead-end-node /nodes/3 byAuction', 'missing-input /nodes/4 joined']);
    expect(messages(spec)[1]).toBe(
      'intervalJoin \'joined\' has no right input: connect an edge with "input": "right" into it',
    );
  });

  it('two edges into one side are a union, and must agree on the schema', () => {
    const spec = auctionBids();
    spec.edges.push({ from: 'byId', to: 'joined', input: 'right' });
    expect(summary(spec)).toEqual(['schema-mismatch /nodes/4 joined']);
    expect(messages(spec)[0]).toMatch(
      /gets rows with different schemas on its right input: 'byAuction' sends/,
    );
    // Same schema, different keys: the side's key is unclear.
    const twice = auctionBids();
    twice.nodes.splice(4, 0, { id: 'byBidder', kind: 'keyBy', key: ['bidder'] });
    twice.edges.push({ from: 'bids', to: 'byBidder' }, { from: 'byBidder', to: 'joined', input: 'right' });
    expect(summary(twice)).toEqual(['not-keyed /nodes/5 joined']);
    expect(messages(twice)[0]).toMatch(
      /gets rows keyed differently on its right input: 'byAuction' is keyed by \[auction\], but 'byBidder' by \[bidder\]: key them by the same fields$/,
    );
  });

  it('a temporal join is inner or left; a regular join only inner (the schema says which)', () => {
    const spec = auctionBids();
    Object.assign(node(spec, 'joined'), { kind: 'temporalJoin', type: 'full' });
    delete node(spec, 'joined').lowerBoundMs;
    delete node(spec, 'joined').upperBoundMs;
    expect(summary(spec)).toEqual(['schema/invalid_value /nodes/4/type joined']);
  });
});

describe('over, topN, deduplicate', () => {
  it('over keeps every input field and adds its aggregates', () => {
    const recent = analyse(runningMax()).nodes.get('recent')!;
    expect(recent.outputSchema).toEqual({ ...NEXMARK_SCHEMAS.bid, maxPrice: 'int', bids: 'int' });
    expect(recent.keyFields).toBeNull();
  });

  it('over: an aggregate named like an input field, no frame, no key, no watermark', () => {
    const spec = runningMax();
    node(spec, 'recent').aggregates = { price: 'MAX(price)' };
    expect(summary(spec)).toEqual(['duplicate-field /nodes/2/aggregates/price recent']);
    const noFrame = runningMax();
    delete node(noFrame, 'recent').precedingMs;
    expect(messages(noFrame)).toEqual([
      'over \'recent\' needs exactly one frame: set "precedingMs" (a RANGE frame: the key\'s rows of the last n ms) or "precedingRows" (a ROWS frame: this row and the n before it)',
    ]);
    const unkeyed = runningMax();
    unkeyed.edges = [
      { from: 'bids', to: 'recent' },
      { from: 'recent', to: 'out' },
    ];
    unkeyed.nodes.splice(1, 1);
    expect(summary(unkeyed)).toEqual(['not-keyed /nodes/1 recent']);
    const noWatermark = runningMax();
    delete node(noWatermark, 'bids').watermark;
    expect(summary(noWatermark)).toEqual(['missing-watermark /nodes/2 recent']);
  });

  it('topN keeps the input fields and adds the rank; deduplicate keeps the schema', () => {
    const analysis = analyse(hotAuctions());
    const counts = { auction: 'int', window_start: 'timestamp', window_end: 'timestamp', bids: 'int' };
    expect(analysis.nodes.get('top3')!.outputSchema).toEqual({ ...counts, rank: 'int' });
    expect(analysis.nodes.get('top3')!.keyFields).toBeNull();
    expect(analysis.nodes.get('firstTop')!.outputSchema).toEqual({ ...counts, rank: 'int' });
  });

  it('topN: an unknown orderBy field, a rank field that exists', () => {
    const spec = hotAuctions();
    node(spec, 'top3').orderBy = [{ field: 'bid', direction: 'desc' }];
    node(spec, 'top3').rankField = 'auction';
    expect(summary(spec)).toEqual([
      'unknown-field /nodes/4/orderBy/0/field top3',
      'duplicate-field /nodes/4/rankField top3',
    ]);
    expect(messages(spec)[0]).toMatch(/unknown field 'bid' \(did you mean 'bids'\?\)/);
  });

  it('deduplicate needs a keyed input', () => {
    const spec = hotAuctions();
    spec.nodes.splice(5, 1);
    spec.edges = spec.edges.filter((e) => e.to !== 'byBidder' && e.from !== 'byBidder');
    spec.edges.push({ from: 'top3', to: 'firstTop' });
    expect(summary(spec)).toEqual(['not-keyed /nodes/5 firstTop']);
  });
});
