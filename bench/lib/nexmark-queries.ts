/**
 * Nexmark q0, q1 and q2 as Flowstate job specs over a bid source (the same queries as examples/nexmark-q1
 * and Flink's Nexmark suite): shared by nexmark.ts (Flowstate alone) and flink.ts (Flowstate against Flink).
 *
 * - q0 pass-through: source → sink
 * - q1 currency conversion: source → map(auction, bidder, 0.908 * price AS price, dateTime, extra) → sink
 * - q2 selection: source → filter(auction % 123 = 0) → map(auction, price) → sink
 */

export type Query = 'q0' | 'q1' | 'q2';
export const QUERIES: readonly Query[] = ['q0', 'q1', 'q2'];

type Json = Record<string, unknown>;

/** The spec of a query over `source` (a source node's connector, schema, …) into `sink` (a sink connector). */
export function querySpec(
  q: Query,
  source: Json,
  sink: Json,
  options: { parallelism?: number; name?: string } = {},
) {
  const bids = { id: 'bids', kind: 'source', ...source };
  const out = { id: 'out', kind: 'sink', connector: sink };
  const base = {
    specVersion: 1,
    name: options.name ?? `bench-nexmark-${q}`,
    settings: { parallelism: options.parallelism ?? 1 },
  };
  switch (q) {
    case 'q0':
      return { ...base, nodes: [bids, out], edges: [{ from: 'bids', to: 'out' }] };
    case 'q1':
      return {
        ...base,
        nodes: [
          bids,
          {
            id: 'convert',
            kind: 'map',
            fields: {
              auction: 'auction',
              bidder: 'bidder',
              price: '0.908 * price',
              dateTime: 'dateTime',
              extra: 'extra',
            },
          },
          out,
        ],
        edges: [
          { from: 'bids', to: 'convert' },
          { from: 'convert', to: 'out' },
        ],
      };
    case 'q2':
      return {
        ...base,
        nodes: [
          bids,
          { id: 'select', kind: 'filter', where: 'auction % 123 = 0' },
          { id: 'project', kind: 'map', fields: { auction: 'auction', price: 'price' } },
          out,
        ],
        edges: [
          { from: 'bids', to: 'select' },
          { from: 'select', to: 'project' },
          { from: 'project', to: 'out' },
        ],
      };
  }
}
