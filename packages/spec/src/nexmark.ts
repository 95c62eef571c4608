import type { NexmarkTable, RowSchemaSpec } from './schema';

/**
 * Row schemas of the Nexmark benchmark's three tables, as the Flink Nexmark suite declares them
 * (`dateTime` and `expires` are event-time timestamps in epoch milliseconds).
 */
export const NEXMARK_SCHEMAS: Readonly<Record<NexmarkTable, Readonly<RowSchemaSpec>>> = {
  person: {
    id: 'int',
    name: 'string',
    emailAddress: 'string',
    creditCard: 'string',
    city: 'string',
    state: 'string',
    dateTime: 'timestamp',
    extra: 'string',
  },
  auction: {
    id: 'int',
    itemName: 'string',
    description: 'string',
    initialBid: 'int',
    reserve: 'int',
    dateTime: 'timestamp',
    expires: 'timestamp',
    seller: 'int',
    category: 'int',
    extra: 'string',
  },
  bid: {
    auction: 'int',
    bidder: 'int',
    price: 'int',
    channel: 'string',
    url: 'string',
    dateTime: 'timestamp',
    extra: 'string',
  },
};
