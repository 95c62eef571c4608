/**
 * Job spec v1 — the zod schemas are the single source of truth (JOB-SPEC.md). TypeScript types are
 * inferred from them; `job-spec.schema.json` is generated from them (see scripts/generate-json-schema.ts).
 *
 * `JobSpecInput` is what a person or the canvas writes (defaults may be omitted); `JobSpec` is the parsed
 * form with every default filled in, which is what the engine runs.
 */
import { z } from 'zod';

const durationMs = (what: string) =>
  z.number().int(`${what} must be a whole number of milliseconds`).min(0, `${what} must not be negative`);
const positiveMs = (what: string) =>
  z.number().int(`${what} must be a whole number of milliseconds`).positive(`${what} must be positive`);

export const FIELD_TYPES = ['string', 'int', 'float', 'bool', 'timestamp'] as const;
export const FieldTypeSchema = z.enum(FIELD_TYPES);

/** An ordered object of field name → type. */
export const RowSchemaSchema = z
  .record(z.string().min(1, 'field names must not be empty'), FieldTypeSchema)
  .describe('Ordered object of field name → type');

export const NodeIdSchema = z
  .string()
  .min(1, 'a node id must not be empty')
  .max(64, 'a node id must be at most 64 characters')
  .regex(
    /^[A-Za-z_][A-Za-z0-9_-]*$/,
    'a node id starts with a letter or _ and holds only letters, digits, _ and -',
  );

// ---------------------------------------------------------------------------------------------- settings

export const CheckpointingSchema = z.strictObject({
  intervalMs: durationMs('checkpointing.intervalMs').default(0).describe('0 turns periodic checkpoints off'),
  timeoutMs: positiveMs('checkpointing.timeoutMs').default(60_000),
  minPauseMs: durationMs('checkpointing.minPauseMs').default(0),
  retained: z.number().int().min(1, 'keep at least one checkpoint').max(100).default(3),
  /**
   * Consecutive failed checkpoints (a write that fails, a task that declines, a timeout) the job tolerates;
   * one more fails the job over by its restart strategy (Flink's
   * `execution.checkpointing.tolerable-failed-checkpoints`).
   */
  tolerableFailures: z.number().int().min(0).max(1000).default(3),
});

export const RestartSchema = z.strictObject({
  strategy: z.enum(['none', 'fixed-delay', 'exponential-backoff']).default('fixed-delay'),
  maxAttempts: z.number().int().min(0).default(3),
  delayMs: durationMs('restart.delayMs').default(1000),
  /** exponential-backoff only: the delay never grows past this. */
  maxDelayMs: durationMs('restart.maxDelayMs').optional(),
  /** exponential-backoff only: factor per attempt. */
  backoffMultiplier: z.number().min(1).optional(),
});

export const SettingsSchema = z.strictObject({
  parallelism: z.number().int().min(1, 'parallelism must be at least 1').max(1024).default(1),
  maxParallelism: z
    .number()
    .int()
    .min(1)
    .max(32768, 'maxParallelism is at most 32768 (Flink: 2^15)')
    .default(128),
  checkpointing: CheckpointingSchema.default({
    intervalMs: 0,
    timeoutMs: 60_000,
    minPauseMs: 0,
    retained: 3,
    tolerableFailures: 3,
  }),
  stateBackend: z.enum(['heap', 'disk']).default('heap'),
  restart: RestartSchema.default({ strategy: 'fixed-delay', maxAttempts: 3, delayMs: 1000 }),
  /**
   * What a row that cannot be parsed, or whose expression fails at run time, does: `skip` counts and
   * reports it and goes on (the default); `fail` fails the job (then the restart strategy applies).
   */
  rowErrors: z.enum(['skip', 'fail']).default('skip'),
});

// ------------------------------------------------------------------------------------------- connectors

export const SequenceGeneratorSchema = z.strictObject({
  kind: z.literal('sequence'),
  start: z.number().int().default(0),
  /** Optional last value (inclusive); the sequence wraps to `start` after it. */
  end: z.number().int().optional(),
});
export const RandomGeneratorSchema = z.strictObject({
  kind: z.literal('random'),
  min: z.number().default(0),
  max: z.number().default(100),
  /** For string fields: the length of the random string. */
  length: z.number().int().min(0).max(1024).optional(),
  /** Probability in [0, 1] that the value is NULL. */
  nullRate: z.number().min(0).max(1).optional(),
});
export const ChoiceGeneratorSchema = z.strictObject({
  kind: z.literal('choice'),
  values: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1, 'choice needs at least one value'),
  /** Optional relative weights, one per value. */
  weights: z.array(z.number().min(0)).optional(),
});
export const TimestampGeneratorSchema = z.strictObject({
  kind: z.literal('timestamp'),
  startMs: z.number().int().default(1_700_000_000_000),
  stepMs: z.number().int().min(0).default(10),
  maxJitterMs: durationMs('maxJitterMs').default(0),
});
export const GeneratorSchema = z.discriminatedUnion('kind', [
  SequenceGeneratorSchema,
  RandomGeneratorSchema,
  ChoiceGeneratorSchema,
  TimestampGeneratorSchema,
]);

export const DatagenSourceSchema = z.strictObject({
  type: z.literal('datagen'),
  fields: z.record(z.string().min(1), GeneratorSchema),
  rowsPerSecond: z.number().min(0).default(0).describe('0 = as fast as possible'),
  count: z.number().int().min(0).optional().describe('rows to generate; unbounded when absent'),
  seed: z.number().int().default(0),
});

export const FileSourceSchema = z.strictObject({
  type: z.literal('file'),
  path: z.string().min(1, 'file source needs a path'),
  format: z.enum(['text', 'jsonl', 'csv']).default('text'),
  /** csv only: the field separator. */
  delimiter: z.string().length(1).optional(),
  /** The longest line (csv: record) read, in bytes; a longer one is a row error and skipped (default 1 MiB). */
  maxLineBytes: z
    .number()
    .int()
    .min(1)
    .max(256 * 1024 * 1024, 'maxLineBytes is at most 268435456 (256 MiB)')
    .optional(),
});

export const NEXMARK_TABLES = ['bid', 'auction', 'person'] as const;
export const NexmarkSourceSchema = z.strictObject({
  type: z.literal('nexmark'),
  table: z.enum(NEXMARK_TABLES),
  eventsPerSecond: z.number().min(0).default(0).describe('0 = as fast as possible'),
  count: z.number().int().min(0).optional(),
  seed: z.number().int().default(0),
});

export const SourceConnectorSchema = z.discriminatedUnion('type', [
  DatagenSourceSchema,
  FileSourceSchema,
  NexmarkSourceSchema,
]);

export const CollectSinkSchema = z.strictObject({
  type: z.literal('collect'),
  /** The engine keeps at most this many rows (the oldest are dropped first). */
  maxRows: z.number().int().min(1).max(10_000_000).default(100_000),
});
export const ConsoleSinkSchema = z.strictObject({ type: z.literal('console') });
export const BlackholeSinkSchema = z.strictObject({ type: z.literal('blackhole') });
export const FileSinkSchema = z.strictObject({
  type: z.literal('file'),
  path: z.string().min(1, 'file sink needs a directory path'),
  format: z.enum(['jsonl', 'csv']).default('jsonl'),
});
export const SinkConnectorSchema = z.discriminatedUnion('type', [
  CollectSinkSchema,
  ConsoleSinkSchema,
  BlackholeSinkSchema,
  FileSinkSchema,
]);

// ------------------------------------------------------------------------------------------------ nodes

export const WatermarkSchema = z.strictObject({
  timestampField: z.string().min(1),
  maxOutOfOrdernessMs: durationMs('maxOutOfOrdernessMs').default(0),
  idleTimeoutMs: durationMs('idleTimeoutMs').default(0).describe('0 = never idle'),
  emitEveryRows: z.number().int().min(1).default(1024),
});

export const TumblingAssignerSchema = z.strictObject({
  type: z.literal('tumbling'),
  sizeMs: positiveMs('sizeMs'),
  offsetMs: durationMs('offsetMs').default(0),
});
export const SlidingAssignerSchema = z.strictObject({
  type: z.literal('sliding'),
  sizeMs: positiveMs('sizeMs'),
  slideMs: positiveMs('slideMs'),
  offsetMs: durationMs('offsetMs').default(0),
});
export const SessionAssignerSchema = z.strictObject({
  type: z.literal('session'),
  gapMs: positiveMs('gapMs'),
});
export const WindowAssignerSchema = z.discriminatedUnion('type', [
  TumblingAssignerSchema,
  SlidingAssignerSchema,
  SessionAssignerSchema,
]);

/** Output field → SQL aggregate call, e.g. `{ "count": "COUNT(*)", "total": "SUM(price)" }`. */
export const AggregatesSchema = z
  .record(z.string().min(1), z.string().min(1, 'an aggregate needs an expression'))
  .refine((a) => Object.keys(a).length > 0, 'declare at least one aggregate');

const nodeBase = {
  id: NodeIdSchema,
  name: z.string().max(200).optional(),
  parallelism: z.number().int().min(1).max(1024).optional(),
};

export const SourceNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('source'),
  connector: SourceConnectorSchema,
  /** Required except for `nexmark` (fixed by the table) and `file` with format `text` (`{ line: string }`). */
  schema: RowSchemaSchema.optional(),
  watermark: WatermarkSchema.optional(),
});
export const MapNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('map'),
  fields: z
    .record(z.string().min(1), z.string().min(1, 'an output field needs an expression'))
    .refine((f) => Object.keys(f).length > 0, 'map needs at least one output field'),
});
export const FilterNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('filter'),
  where: z.string().min(1, 'filter needs a condition'),
});
export const FlatMapNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('flatMap'),
  explode: z.string().min(1, 'flatMap needs an expression giving an array'),
  as: z.string().min(1, 'flatMap needs a field name in "as"'),
});
export const KeyByNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('keyBy'),
  key: z.array(z.string().min(1)).min(1, 'keyBy needs at least one key field'),
});
export const WindowNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('window'),
  assigner: WindowAssignerSchema,
  aggregates: AggregatesSchema,
  time: z.enum(['event', 'processing']).default('event'),
  allowedLatenessMs: durationMs('allowedLatenessMs').default(0),
});
export const AggregateNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('aggregate'),
  aggregates: AggregatesSchema,
});
export const SinkNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('sink'),
  connector: SinkConnectorSchema,
});

// ------------------------------------------------------------ two-input joins and Flink SQL's stateful operators

export const JOIN_TYPES = ['inner', 'left', 'right', 'full'] as const;

/** A join's output: field → expression over the two rows (`l.name`, `r.name`); absent = left fields, then right. */
export const JoinFieldsSchema = z
  .record(z.string().min(1), z.string().min(1, 'an output field needs an expression'))
  .refine((f) => Object.keys(f).length > 0, 'fields needs at least one output field')
  .optional();

/** `KeyedStream.intervalJoin` / SQL interval join: r.ts within [l.ts + lowerBoundMs, l.ts + upperBoundMs]. */
export const IntervalJoinNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('intervalJoin'),
  lowerBoundMs: z.number().int('lowerBoundMs must be a whole number of milliseconds'),
  upperBoundMs: z.number().int('upperBoundMs must be a whole number of milliseconds'),
  type: z.enum(JOIN_TYPES).default('inner'),
  fields: JoinFieldsSchema,
});

/** SQL window join (`WindowJoinOperator`): pairs with equal keys in the same tumbling or sliding window. */
export const WindowJoinNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('windowJoin'),
  assigner: z.discriminatedUnion('type', [TumblingAssignerSchema, SlidingAssignerSchema]),
  type: z.enum(JOIN_TYPES).default('inner'),
  fields: JoinFieldsSchema,
});

/** SQL `FOR SYSTEM_TIME AS OF` (`TemporalRowTimeJoinOperator`): the right side is a versioned table. */
export const TemporalJoinNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('temporalJoin'),
  type: z.enum(['inner', 'left']).default('inner'),
  fields: JoinFieldsSchema,
});

/** SQL regular inner join (`StreamingJoinOperator`): every pair with equal keys, each side kept per key until its TTL. */
export const RegularJoinNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('join'),
  type: z.enum(['inner']).default('inner'),
  stateTtlMs: durationMs('stateTtlMs').default(0).describe('0 keeps rows forever'),
  fields: JoinFieldsSchema,
});

/** SQL `OVER (PARTITION BY key ORDER BY rowtime RANGE|ROWS … PRECEDING)`: one output row per input row. */
export const OverNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('over'),
  aggregates: AggregatesSchema,
  /** RANGE frame: the key's rows with ts in [row.ts − precedingMs, row.ts]. */
  precedingMs: durationMs('precedingMs').optional(),
  /** ROWS frame: this row and the N before it. */
  precedingRows: z.number().int('precedingRows must be a whole number').min(0).optional(),
});

export const TOPN_FUNCTIONS = ['row_number', 'rank', 'dense_rank'] as const;

/** SQL Window Top-N (`WindowRankOperator`): the rows of each key (window included) whose rank is ≤ n. */
export const TopNNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('topN'),
  n: z.number().int().min(1, 'n must be at least 1').max(100_000),
  orderBy: z
    .array(z.strictObject({ field: z.string().min(1), direction: z.enum(['asc', 'desc']).default('asc') }))
    .min(1, 'topN needs at least one orderBy field'),
  function: z.enum(TOPN_FUNCTIONS).default('row_number'),
  /** Adds the rank as an int field of this name. */
  rankField: z.string().min(1).optional(),
});

/** SQL deduplication keeping the first row per key (ROW_NUMBER … = 1). */
export const DeduplicateNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('deduplicate'),
  keep: z.enum(['first']).default('first'),
  stateTtlMs: durationMs('stateTtlMs').default(0).describe('0 keeps the keys seen forever'),
});

export const NODE_KINDS = [
  'source',
  'map',
  'filter',
  'flatMap',
  'keyBy',
  'window',
  'aggregate',
  'sink',
  'intervalJoin',
  'windowJoin',
  'temporalJoin',
  'join',
  'over',
  'topN',
  'deduplicate',
] as const;
export const NodeSchema = z.discriminatedUnion('kind', [
  SourceNodeSchema,
  MapNodeSchema,
  FilterNodeSchema,
  FlatMapNodeSchema,
  KeyByNodeSchema,
  WindowNodeSchema,
  AggregateNodeSchema,
  SinkNodeSchema,
  IntervalJoinNodeSchema,
  WindowJoinNodeSchema,
  TemporalJoinNodeSchema,
  RegularJoinNodeSchema,
  OverNodeSchema,
  TopNNodeSchema,
  DeduplicateNodeSchema,
]);

/** The node kinds with two inputs: their edges say which side they feed (`input`). */
export const JOIN_KINDS = ['intervalJoin', 'windowJoin', 'temporalJoin', 'join'] as const;
export type JoinKind = (typeof JOIN_KINDS)[number];

export const PORTS = ['late'] as const;
export const JOIN_INPUTS = ['left', 'right'] as const;
export const EdgeSchema = z.strictObject({
  from: z.string().min(1),
  to: z.string().min(1),
  /** `late` takes a window's late rows; absent = the main output. */
  port: z.enum(PORTS).optional(),
  /** Into a join: the side this edge feeds. */
  input: z.enum(JOIN_INPUTS).optional(),
});

export const PositionSchema = z.strictObject({ x: z.number(), y: z.number() });

export const JobSpecSchema = z.strictObject({
  specVersion: z.literal(1, 'specVersion must be 1'),
  name: z.string().min(1, 'a job needs a name').max(200),
  description: z.string().max(10_000).optional(),
  settings: SettingsSchema.default({
    parallelism: 1,
    maxParallelism: 128,
    checkpointing: { intervalMs: 0, timeoutMs: 60_000, minPauseMs: 0, retained: 3, tolerableFailures: 3 },
    stateBackend: 'heap',
    restart: { strategy: 'fixed-delay', maxAttempts: 3, delayMs: 1000 },
    rowErrors: 'skip',
  }),
  nodes: z.array(NodeSchema).min(1, 'a job needs at least one node'),
  edges: z.array(EdgeSchema).default([]),
  layout: z.record(z.string(), PositionSchema).optional().describe('canvas positions; the engine ignores it'),
});

export type FieldTypeName = z.infer<typeof FieldTypeSchema>;
export type RowSchemaSpec = z.infer<typeof RowSchemaSchema>;
export type JobSpec = z.output<typeof JobSpecSchema>;
export type JobSpecInput = z.input<typeof JobSpecSchema>;
export type Settings = JobSpec['settings'];
export type JobNode = z.output<typeof NodeSchema>;
export type NodeKind = JobNode['kind'];
export type NodeOfKind<K extends NodeKind> = Extract<JobNode, { kind: K }>;
export type SourceNode = NodeOfKind<'source'>;
export type MapNode = NodeOfKind<'map'>;
export type FilterNode = NodeOfKind<'filter'>;
export type FlatMapNode = NodeOfKind<'flatMap'>;
export type KeyByNode = NodeOfKind<'keyBy'>;
export type WindowNode = NodeOfKind<'window'>;
export type AggregateNode = NodeOfKind<'aggregate'>;
export type SinkNode = NodeOfKind<'sink'>;
export type IntervalJoinNode = NodeOfKind<'intervalJoin'>;
export type WindowJoinNode = NodeOfKind<'windowJoin'>;
export type TemporalJoinNode = NodeOfKind<'temporalJoin'>;
export type RegularJoinNode = NodeOfKind<'join'>;
export type JoinNode = NodeOfKind<JoinKind>;
export type OverNode = NodeOfKind<'over'>;
export type TopNNode = NodeOfKind<'topN'>;
export type DeduplicateNode = NodeOfKind<'deduplicate'>;
export type Edge = z.output<typeof EdgeSchema>;
export type SourceConnector = z.output<typeof SourceConnectorSchema>;
export type SinkConnector = z.output<typeof SinkConnectorSchema>;
export type DatagenSource = z.output<typeof DatagenSourceSchema>;
export type FileSource = z.output<typeof FileSourceSchema>;
export type NexmarkSource = z.output<typeof NexmarkSourceSchema>;
export type Generator = z.output<typeof GeneratorSchema>;
export type WindowAssigner = z.output<typeof WindowAssignerSchema>;
export type Watermark = z.output<typeof WatermarkSchema>;
export type NexmarkTable = (typeof NEXMARK_TABLES)[number];
