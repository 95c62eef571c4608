import { describe, expect, it } from 'vitest';
import { boundSources, isBounded } from './bounds';
import type { JobSpecInput } from './schema';

const live: JobSpecInput = {
  specVersion: 1,
  name: 'live',
  nodes: [
    {
      id: 'gen',
      kind: 'source',
      connector: { type: 'datagen', rowsPerSecond: 50, seed: 3, fields: { n: { kind: 'sequence' } } },
      schema: { n: 'int' },
    },
    { id: 'bids', kind: 'source', connector: { type: 'nexmark', table: 'bid', eventsPerSecond: 200 } },
    { id: 'lines', kind: 'source', connector: { type: 'file', path: 'data/x.txt' } },
    { id: 'out', kind: 'sink', connector: { type: 'blackhole' } },
  ],
  edges: [],
};

describe('boundSources', () => {
  it('sets the count and reads as fast as possible; the rest of the spec is untouched', () => {
    const bounded = boundSources(live, { gen: 1000, bids: 50 });
    expect(bounded.nodes[0]).toEqual({
      id: 'gen',
      kind: 'source',
      connector: {
        type: 'datagen',
        rowsPerSecond: 0,
        seed: 3,
        count: 1000,
        fields: { n: { kind: 'sequence' } },
      },
      schema: { n: 'int' },
    });
    expect(bounded.nodes[1]).toEqual({
      id: 'bids',
      kind: 'source',
      connector: { type: 'nexmark', table: 'bid', eventsPerSecond: 0, count: 50 },
    });
    expect(bounded.nodes.slice(2)).toEqual(live.nodes.slice(2));
    expect(live.nodes[0]).toMatchObject({ connector: { rowsPerSecond: 50 } }); // a copy: the input is kept
  });

  it('refuses a name that is not a generator source', () => {
    expect(() => boundSources(live, { lines: 10 })).toThrow(
      "boundSources: 'lines' is not a datagen or nexmark source of 'live'",
    );
    expect(() => boundSources(live, { nope: 10 })).toThrow(
      "boundSources: 'nope' is not a datagen or nexmark source of 'live'",
    );
    expect(() => boundSources(live, { gen: 1.5 })).toThrow(
      "boundSources: the count of 'gen' must be a whole number ≥ 0, not 1.5",
    );
  });
});

describe('isBounded', () => {
  it('is true when every source ends', () => {
    expect(isBounded(live)).toBe(false);
    expect(isBounded(boundSources(live, { gen: 1 }))).toBe(false);
    expect(isBounded(boundSources(live, { gen: 1, bids: 1 }))).toBe(true);
  });
});
