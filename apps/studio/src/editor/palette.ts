/**
 * The palette: what a person can drag onto the canvas, grouped as Sources, Transforms, Keyed, Windows,
 * Joins and Sinks. Each item makes a node of one kind with a small default that works as it stands: the
 * default datagen source → (keyBy →) any item → the default sink is a valid spec (a Top-N after a window
 * keyed by its bounds, a join with a keyed default source on each side). The transform, join and keyed
 * defaults refer to the default datagen source's fields (`id`, `category`, `amount`, `ts`; a Top-N to the
 * default window's `count`); after another source they show a problem naming the fields that are there.
 * The one exception is the keyBy: it starts with no key, because no key field can be right before its
 * input is known (a guessed one would show up checked in the key picker of a stream that has no such
 * field); its form asks for one.
 */
import type {
  FieldTypeName,
  Generator,
  NodeKind,
  SinkConnector,
  SourceConnector,
  WindowAssigner,
} from '@flowstate/spec';
import type { FlowNode, FlowNodeDataOf, XYPosition } from './types';

export type PaletteGroupId = 'sources' | 'transforms' | 'keyed' | 'windows' | 'joins' | 'sinks';

export interface PaletteItem<K extends NodeKind = NodeKind> {
  /** Stable id, e.g. `source.datagen`, `window.tumbling`, `filter`. */
  id: string;
  kind: K;
  group: PaletteGroupId;
  label: string;
  description: string;
  /** A glyph shown before the label (decorative: screen readers read the label). */
  icon: string;
  /** A fresh copy of the node's default fields each call. */
  defaults: (defaults?: NodeDefaults) => FlowNodeDataOf<K>;
}

export interface PaletteGroup {
  id: PaletteGroupId;
  label: string;
  description: string;
  items: PaletteItem[];
}

type SourceConnectorInput = FlowNodeDataOf<'source'>['connector'];
type SinkConnectorInput = FlowNodeDataOf<'sink'>['connector'];
type AssignerInput = FlowNodeDataOf<'window'>['assigner'];
type GeneratorInput = Extract<SourceConnectorInput, { type: 'datagen' }>['fields'][string];

/**
 * What the canvas around the editor knows that the defaults depend on: a data file the server can read (a
 * new file source reads it, so that it works as it stands).
 */
export interface NodeDefaults {
  /** The path a new file source reads (default `data/input.txt`, relative to the server's data directory). */
  filePath?: string;
}

/** The default connector of each source type. */
export function defaultSourceConnector(
  type: SourceConnector['type'],
  defaults: NodeDefaults = {},
): SourceConnectorInput {
  switch (type) {
    case 'datagen':
      return {
        type: 'datagen',
        rowsPerSecond: 10,
        seed: 0,
        fields: {
          id: { kind: 'sequence', start: 0 },
          category: { kind: 'choice', values: ['books', 'games', 'music'] },
          amount: { kind: 'random', min: 1, max: 100 },
          ts: { kind: 'timestamp', startMs: 1_700_000_000_000, stepMs: 100, maxJitterMs: 0 },
        },
      };
    case 'file':
      return { type: 'file', path: defaults.filePath ?? 'data/input.txt', format: 'text' };
    case 'nexmark':
      return { type: 'nexmark', table: 'bid', eventsPerSecond: 100 };
  }
}

/** The default connector of each sink type. */
export function defaultSinkConnector(type: SinkConnector['type']): SinkConnectorInput {
  switch (type) {
    case 'collect':
      return { type: 'collect' };
    case 'console':
      return { type: 'console' };
    case 'blackhole':
      return { type: 'blackhole' };
    case 'file':
      return { type: 'file', path: 'output', format: 'jsonl' };
  }
}

/** The default window assigner of each type. */
export function defaultAssigner(type: WindowAssigner['type']): AssignerInput {
  switch (type) {
    case 'tumbling':
      return { type: 'tumbling', sizeMs: 10_000 };
    case 'sliding':
      return { type: 'sliding', sizeMs: 10_000, slideMs: 2_000 };
    case 'session':
      return { type: 'session', gapMs: 30_000 };
  }
}

/** A datagen generator that fits a field of `type` (the first kind the spec allows for it by default). */
export function defaultGenerator(type: FieldTypeName, kind?: Generator['kind']): GeneratorInput {
  const k =
    kind ??
    ({ string: 'choice', int: 'sequence', float: 'random', bool: 'choice', timestamp: 'timestamp' } as const)[
      type
    ];
  switch (k) {
    case 'sequence':
      return { kind: 'sequence', start: 0 };
    case 'random':
      return type === 'string' ? { kind: 'random', length: 8 } : { kind: 'random', min: 0, max: 100 };
    case 'choice':
      return {
        kind: 'choice',
        values: type === 'bool' ? [true, false] : type === 'string' ? ['a', 'b', 'c'] : [1, 2, 3],
      };
    case 'timestamp':
      return { kind: 'timestamp', startMs: 1_700_000_000_000, stepMs: 100 };
  }
}

const DATAGEN_SCHEMA = { id: 'int', category: 'string', amount: 'int', ts: 'timestamp' } as const;

/** The default source of each connector type (connector, schema and watermark). */
export function defaultSource(
  type: SourceConnector['type'],
  defaults: NodeDefaults = {},
): FlowNodeDataOf<'source'> {
  switch (type) {
    case 'datagen':
      return {
        connector: defaultSourceConnector('datagen'),
        schema: { ...DATAGEN_SCHEMA },
        watermark: { timestampField: 'ts', maxOutOfOrdernessMs: 1000 },
      };
    case 'file':
      return { connector: defaultSourceConnector('file', defaults), schema: { line: 'string' } };
    case 'nexmark':
      return {
        connector: defaultSourceConnector('nexmark'),
        watermark: { timestampField: 'dateTime', maxOutOfOrdernessMs: 1000 },
      };
  }
}

const item = <K extends NodeKind>(i: PaletteItem<K>): PaletteItem => i as unknown as PaletteItem;

/**
 * A new join's output: over the default datagen source on both sides (keyed by category), a field from
 * each side — a name on both sides must be qualified (`l.` / `r.`), and written once.
 */
export function defaultJoinFields(): Record<string, string> {
  return { category: 'l.category', left_amount: 'l.amount', right_amount: 'r.amount' };
}

export const PALETTE: readonly PaletteGroup[] = [
  {
    id: 'sources',
    label: 'Sources',
    description: 'Where rows come from',
    items: [
      item({
        id: 'source.datagen',
        icon: '✱',
        kind: 'source',
        group: 'sources',
        label: 'Datagen',
        description: 'Generated rows: sequences, random values, choices and timestamps',
        defaults: () => defaultSource('datagen'),
      }),
      item({
        id: 'source.file',
        icon: '▤',
        kind: 'source',
        group: 'sources',
        label: 'File',
        description: 'Rows read from a text, JSON Lines or CSV file',
        defaults: (d) => defaultSource('file', d),
      }),
      item({
        id: 'source.nexmark',
        icon: '◆',
        kind: 'source',
        group: 'sources',
        label: 'Nexmark',
        description: 'The Nexmark benchmark’s bids, auctions or people',
        defaults: () => defaultSource('nexmark'),
      }),
    ],
  },
  {
    id: 'transforms',
    label: 'Transforms',
    description: 'Row by row, no state',
    items: [
      item({
        id: 'map',
        icon: 'ƒ',
        kind: 'map',
        group: 'transforms',
        label: 'Map',
        description: 'Compute new fields; the output has exactly the fields listed',
        defaults: () => ({ fields: { category: 'category', doubled: 'amount * 2' } }),
      }),
      item({
        id: 'filter',
        icon: '▽',
        kind: 'filter',
        group: 'transforms',
        label: 'Filter',
        description: 'Keep the rows for which a condition is true',
        defaults: () => ({ where: 'amount > 50' }),
      }),
      item({
        id: 'flatMap',
        icon: '⇶',
        kind: 'flatMap',
        group: 'transforms',
        label: 'Flat map',
        description: 'One row per element of an array, e.g. one per word of a line',
        defaults: () => ({ explode: "SPLIT(category, ',')", as: 'part' }),
      }),
    ],
  },
  {
    id: 'keyed',
    label: 'Keyed',
    description: 'Partition by key; state per key',
    items: [
      item({
        id: 'keyBy',
        icon: '#',
        kind: 'keyBy',
        group: 'keyed',
        label: 'Key by',
        description: 'Partition the stream by key fields, for windows and aggregates',
        defaults: () => ({ key: [] }),
      }),
      item({
        id: 'aggregate',
        icon: '∑',
        kind: 'aggregate',
        group: 'keyed',
        label: 'Rolling aggregate',
        description: 'Running aggregates per key, updated on every row',
        defaults: () => ({ aggregates: { count: 'COUNT(*)' } }),
      }),
      item({
        id: 'over',
        icon: '≈',
        kind: 'over',
        group: 'keyed',
        label: 'Over aggregate',
        description:
          'Each row with aggregates over its key’s recent rows (SQL OVER … RANGE or ROWS PRECEDING), in event time',
        defaults: () => ({ aggregates: { running_total: 'SUM(amount)' }, precedingMs: 60_000 }),
      }),
      item({
        id: 'topN',
        icon: '↧',
        kind: 'topN',
        group: 'keyed',
        label: 'Top-N',
        description:
          'The best n rows of each window, by an order (after a window keyed by window_start, window_end)',
        defaults: () => ({
          n: 3,
          orderBy: [{ field: 'count', direction: 'desc' as const }],
          rankField: 'rank',
        }),
      }),
      item({
        id: 'deduplicate',
        icon: '①',
        kind: 'deduplicate',
        group: 'keyed',
        label: 'Deduplicate',
        description: 'Each key’s first row, once (the earliest in event time when there is a watermark)',
        defaults: () => ({}),
      }),
    ],
  },
  {
    id: 'windows',
    label: 'Windows',
    description: 'Aggregates per key and time window',
    items: [
      item({
        id: 'window.tumbling',
        icon: '▮',
        kind: 'window',
        group: 'windows',
        label: 'Tumbling window',
        description: 'Fixed-size windows that do not overlap',
        defaults: () => ({ assigner: defaultAssigner('tumbling'), aggregates: { count: 'COUNT(*)' } }),
      }),
      item({
        id: 'window.sliding',
        icon: '⊞',
        kind: 'window',
        group: 'windows',
        label: 'Sliding window',
        description: 'Fixed-size windows that start every slide and overlap',
        defaults: () => ({ assigner: defaultAssigner('sliding'), aggregates: { count: 'COUNT(*)' } }),
      }),
      item({
        id: 'window.session',
        icon: '⋯',
        kind: 'window',
        group: 'windows',
        label: 'Session window',
        description: 'Windows of activity that close after a gap without rows',
        defaults: () => ({ assigner: defaultAssigner('session'), aggregates: { count: 'COUNT(*)' } }),
      }),
    ],
  },
  {
    id: 'joins',
    label: 'Joins',
    description: 'Two keyed inputs, left and right, joined by key',
    items: [
      item({
        id: 'intervalJoin',
        icon: '⋈',
        kind: 'intervalJoin',
        group: 'joins',
        label: 'Interval join',
        description: 'Left and right rows with equal keys whose times are within bounds of each other',
        defaults: () => ({ lowerBoundMs: -5000, upperBoundMs: 5000, fields: defaultJoinFields() }),
      }),
      item({
        id: 'windowJoin',
        icon: '⋈',
        kind: 'windowJoin',
        group: 'joins',
        label: 'Window join',
        description: 'Left and right rows with equal keys in the same tumbling or sliding window',
        defaults: () => ({
          assigner: { type: 'tumbling' as const, sizeMs: 10_000 },
          fields: { ...defaultJoinFields(), window_start: 'window_start', window_end: 'window_end' },
        }),
      }),
      item({
        id: 'temporalJoin',
        icon: '⋈',
        kind: 'temporalJoin',
        group: 'joins',
        label: 'Temporal join',
        description:
          'Each left row with the version of its key’s right row that was current at its time (FOR SYSTEM_TIME AS OF)',
        defaults: () => ({ fields: defaultJoinFields() }),
      }),
      item({
        id: 'join',
        icon: '⋈',
        kind: 'join',
        group: 'joins',
        label: 'Regular join',
        description: 'Every pair of left and right rows with equal keys, as soon as both have arrived',
        defaults: () => ({ stateTtlMs: 3_600_000, fields: defaultJoinFields() }),
      }),
    ],
  },
  {
    id: 'sinks',
    label: 'Sinks',
    description: 'Where results go',
    items: [
      item({
        id: 'sink.collect',
        icon: '⊡',
        kind: 'sink',
        group: 'sinks',
        label: 'Collect',
        description: 'Keep the rows to show in the studio’s output view',
        defaults: () => ({ connector: defaultSinkConnector('collect') }),
      }),
      item({
        id: 'sink.console',
        icon: '›',
        kind: 'sink',
        group: 'sinks',
        label: 'Console',
        description: 'Print one JSON line per row',
        defaults: () => ({ connector: defaultSinkConnector('console') }),
      }),
      item({
        id: 'sink.file',
        icon: '▤',
        kind: 'sink',
        group: 'sinks',
        label: 'File',
        description: 'Write JSON Lines or CSV part files, exactly once',
        defaults: () => ({ connector: defaultSinkConnector('file') }),
      }),
      item({
        id: 'sink.blackhole',
        icon: '●',
        kind: 'sink',
        group: 'sinks',
        label: 'Blackhole',
        description: 'Count and drop the rows, for benchmarks',
        defaults: () => ({ connector: defaultSinkConnector('blackhole') }),
      }),
    ],
  },
];

export const PALETTE_ITEMS: readonly PaletteItem[] = PALETTE.flatMap((g) => g.items);

/** The item a bare kind stands for. */
const KIND_DEFAULT_ITEM: Readonly<Record<NodeKind, string>> = {
  source: 'source.datagen',
  map: 'map',
  filter: 'filter',
  flatMap: 'flatMap',
  keyBy: 'keyBy',
  window: 'window.tumbling',
  aggregate: 'aggregate',
  sink: 'sink.collect',
  intervalJoin: 'intervalJoin',
  windowJoin: 'windowJoin',
  temporalJoin: 'temporalJoin',
  join: 'join',
  over: 'over',
  topN: 'topN',
  deduplicate: 'deduplicate',
};

/** A palette item by its id, or the default item of a node kind. */
export function paletteItem(idOrKind: string): PaletteItem | undefined {
  const id = (KIND_DEFAULT_ITEM as Record<string, string>)[idOrKind] ?? idOrKind;
  return PALETTE_ITEMS.find((i) => i.id === id);
}

/** Display label of each node kind. */
export const KIND_LABELS: Readonly<Record<NodeKind, string>> = {
  source: 'Source',
  map: 'Map',
  filter: 'Filter',
  flatMap: 'Flat map',
  keyBy: 'Key by',
  window: 'Window',
  aggregate: 'Aggregate',
  sink: 'Sink',
  intervalJoin: 'Interval join',
  windowJoin: 'Window join',
  temporalJoin: 'Temporal join',
  join: 'Join',
  over: 'Over',
  topN: 'Top-N',
  deduplicate: 'Deduplicate',
};

/** A readable id not in `existingIds`: the kind and the smallest free number (`window1`, `window2`…). */
export function newNodeId(kind: NodeKind, existingIds: Iterable<string>): string {
  const taken = new Set(existingIds);
  for (let n = 1; ; n++) {
    const id = `${kind}${n}`;
    if (!taken.has(id)) return id;
  }
}

/** A new canvas node from a palette item (or a kind's default item). */
export function createNode(
  idOrKind: string,
  position: XYPosition,
  existingIds: Iterable<string>,
  defaults: NodeDefaults = {},
): FlowNode {
  const entry = paletteItem(idOrKind);
  if (entry === undefined) throw new Error(`createNode: no palette item '${idOrKind}'`);
  return {
    id: newNodeId(entry.kind, existingIds),
    type: entry.kind,
    position: { x: position.x, y: position.y },
    data: entry.defaults(defaults),
  } as FlowNode;
}
