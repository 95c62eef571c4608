/**
 * Analysis of a spec that is not valid: what the canvas needs while a form is half filled.
 *
 * - `lenientSpec` reads a spec whose shape check failed node by node: every node that parses is kept as it
 *   is, a node of a known kind that does not parse (an emptied window size, a missing expression) becomes a
 *   stand-in of its kind at the same index, with its id, and edges and settings are kept where they parse.
 *   The graph and type rules then run on it, so a problem in one form does not hide the problems elsewhere
 *   (a missing sink, a keyBy the window lacks, an unknown field in another node).
 * - `partialSchemas` gives every node the schemas known of it: exact where the rules derived them from exact
 *   inputs, else inferred from the node's kind and what flows in (`exact: false`) — the fields after a
 *   half-written map are still offered.
 */
import { checkExpression, type FieldType, parseAggregate, type RowSchema } from '../expr/index';
import { NEXMARK_SCHEMAS } from '../nexmark';
import {
  AggregatesSchema,
  EdgeSchema,
  type JobNode,
  type JobSpec,
  JoinFieldsSchema,
  NODE_KINDS,
  NodeIdSchema,
  type NodeKind,
  NodeSchema,
  PositionSchema,
  SettingsSchema,
  SourceNodeSchema,
  WindowNodeSchema,
} from '../schema';
import type { Derived } from './flow';
import type { Graph } from './graph';
import { sourceSchema, TEXT_LINE_SCHEMA } from './sources';
import type { NodeSchemas } from './types';

type Raw = Record<string, unknown>;

const isRecord = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A spec read leniently, with the nodes that did not parse and why they stand in. */
export interface LenientSpec {
  spec: JobSpec;
  /** Node index → the node as written, for the nodes that did not parse (stand-ins in `spec`). */
  broken: Map<number, Raw>;
  /**
   * Every node has a valid id and a known kind, and every edge parses: the graph rules see the graph as
   * written. Otherwise their problems would be echoes of the broken ids and edges (an edge to a node whose
   * id is misspelt, the nodes it then does not feed): only the schemas are worth having.
   */
  sound: boolean;
}

/**
 * The spec with every node, edge and setting that parses, and a stand-in for each node that does not; null
 * when not even the document's outline (an object with a `nodes` array) is there.
 */
export function lenientSpec(input: unknown): LenientSpec | null {
  if (!isRecord(input) || !Array.isArray(input.nodes)) return null;
  const broken = new Map<number, Raw>();
  let sound = input.nodes.length > 0;
  const nodes: JobNode[] = input.nodes.map((raw: unknown, index) => {
    const parsed = NodeSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    const node = isRecord(raw) ? raw : {};
    broken.set(index, node);
    const id = typeof node.id === 'string' && node.id !== '' ? node.id : `\u0000node${index}`;
    const kind = NODE_KINDS.find((k) => k === node.kind);
    if (kind === undefined || !NodeIdSchema.safeParse(node.id).success) sound = false;
    return standIn(kind ?? 'filter', id, node);
  });
  const settings = SettingsSchema.safeParse(input.settings ?? {});
  const edges = (Array.isArray(input.edges) ? input.edges : []).flatMap((raw: unknown) => {
    const parsed = EdgeSchema.safeParse(raw);
    if (parsed.success) return [parsed.data];
    sound = false;
    // An edge with a bad port still connects its ends: leaving it out would report its target as unfed.
    const e = isRecord(raw) ? raw : {};
    return typeof e.from === 'string' && e.from !== '' && typeof e.to === 'string' && e.to !== ''
      ? [{ from: e.from, to: e.to }]
      : [];
  });
  const layout = isRecord(input.layout)
    ? Object.fromEntries(Object.entries(input.layout).filter(([, p]) => PositionSchema.safeParse(p).success))
    : undefined;
  return {
    spec: {
      specVersion: 1,
      name: typeof input.name === 'string' && input.name !== '' ? input.name : 'spec',
      settings: settings.success ? settings.data : SettingsSchema.parse({}),
      nodes,
      edges,
      ...(layout === undefined ? {} : { layout: layout as JobSpec['layout'] }),
    },
    broken,
    sound,
  };
}

/**
 * A node of `kind` with the id (and name and parallelism, where they parse) of the node as written, and
 * otherwise empty: the rules skip what a stand-in holds, except what they can still check — a window's or
 * aggregate's input keyedness and its aggregates (when they parse), an event-time window's watermarks.
 */
function standIn(kind: NodeKind, id: string, raw: Raw): JobNode {
  const base = {
    id,
    ...(typeof raw.name === 'string' ? { name: raw.name } : {}),
    ...(Number.isInteger(raw.parallelism) && (raw.parallelism as number) >= 1
      ? { parallelism: raw.parallelism as number }
      : {}),
  };
  const aggregates = AggregatesSchema.safeParse(raw.aggregates);
  const aggs = aggregates.success ? aggregates.data : {};
  const parsedFields = JoinFieldsSchema.safeParse(raw.fields);
  const fields = parsedFields.success && parsedFields.data !== undefined ? { fields: parsedFields.data } : {};
  switch (kind) {
    case 'source':
      return { ...base, kind, connector: { type: 'datagen', fields: {}, rowsPerSecond: 0, seed: 0 } };
    case 'map':
      return { ...base, kind, fields: {} };
    case 'filter':
      return { ...base, kind, where: '' };
    case 'flatMap':
      return { ...base, kind, explode: '', as: '' };
    case 'keyBy':
      return { ...base, kind, key: strings(raw.key) };
    case 'window': {
      const time = WindowNodeSchema.shape.time.safeParse(raw.time);
      return {
        ...base,
        kind,
        assigner: { type: 'tumbling', sizeMs: 1, offsetMs: 0 },
        aggregates: aggs,
        time: time.success ? time.data : 'event',
        allowedLatenessMs: 0,
      };
    }
    case 'aggregate':
      return { ...base, kind, aggregates: aggs };
    case 'sink':
      return { ...base, kind, connector: { type: 'blackhole' } };
    case 'intervalJoin':
      return { ...base, kind, lowerBoundMs: 0, upperBoundMs: 0, type: 'inner', ...fields };
    case 'windowJoin':
      return {
        ...base,
        kind,
        assigner: { type: 'tumbling', sizeMs: 1, offsetMs: 0 },
        type: 'inner',
        ...fields,
      };
    case 'temporalJoin':
      return { ...base, kind, type: 'inner', ...fields };
    case 'join':
      return { ...base, kind, type: 'inner', stateTtlMs: 0, ...fields };
    case 'over':
      return { ...base, kind, aggregates: aggs, precedingRows: 0 };
    case 'topN':
      return { ...base, kind, n: 1, orderBy: [], function: 'row_number' };
    case 'deduplicate':
      return { ...base, kind, keep: 'first', stateTtlMs: 0 };
  }
}

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string' && x !== '') : [];

// ------------------------------------------------------------------------------------------ schemas

interface Incoming {
  schema: RowSchema | null;
  key: string[] | null;
  exact: boolean;
  /** Into a join: the side the edge feeds. */
  side?: 'left' | 'right';
}

const UNKNOWN: NodeSchemas = { input: null, output: null, key: null, exact: false };

/**
 * Every node's schemas by id (the first node of an id): exact where the rules derived them and everything
 * upstream is exact, else inferred from the node's kind (`bestEffort`). Nodes on or after a cycle are unknown.
 */
export function partialSchemas(
  g: Graph,
  order: readonly number[],
  derived: ReadonlyMap<number, Derived>,
  broken: ReadonlyMap<number, Raw>,
): Map<string, NodeSchemas> {
  const byIndex = new Map<number, NodeSchemas>();
  for (const idx of order) {
    const node = g.spec.nodes[idx]!;
    const incoming: Incoming[] = g.ins[idx]!.map((ref) => {
      const up = byIndex.get(ref.from) ?? UNKNOWN;
      const side = ref.edge.input !== undefined ? { side: ref.edge.input } : {};
      return ref.edge.port === 'late'
        ? { schema: up.late ?? null, key: null, exact: up.exact, ...side }
        : { schema: up.output, key: up.key, exact: up.exact, ...side };
    });
    const d = derived.get(idx);
    const raw = broken.get(idx);
    if (raw === undefined && d?.output != null && incoming.every((i) => i.exact)) {
      byIndex.set(idx, {
        input: d.input,
        output: d.output,
        ...(node.kind === 'window' ? { late: d.late ?? d.input } : {}),
        key: d.key,
        exact: true,
      });
    } else {
      byIndex.set(idx, bestEffort(node.kind, raw ?? (node as unknown as Raw), incoming, raw === undefined));
    }
  }
  const schemas = new Map<string, NodeSchemas>();
  for (const idx of g.members) schemas.set(g.spec.nodes[idx]!.id, byIndex.get(idx) ?? UNKNOWN);
  return schemas;
}

/**
 * What a node of `kind` emits, inferred from its fields as written and what flows in (never exact): a
 * source's declared or fixed schema; a filter or sink passes its input on; a keyBy keys it; a flatMap adds
 * its `as` field; a map gives the fields whose expressions check; a window or aggregate gives the key
 * fields, a window's bounds, and the aggregates that parse.
 */
export function bestEffort(
  kind: NodeKind,
  data: Raw,
  incoming: readonly Incoming[],
  parsed = false,
): NodeSchemas {
  const known = incoming.filter((i) => i.schema !== null);
  const input = known[0]?.schema ?? null;
  const firstKey = known[0]?.key ?? null;
  const inputKey =
    firstKey !== null &&
    known.every((i) => i.key !== null && i.key.join('\u0000') === firstKey.join('\u0000'))
      ? firstKey
      : null;
  const result = (output: RowSchema | null, key: string[] | null, late?: RowSchema | null): NodeSchemas => ({
    input: kind === 'source' ? null : input,
    output,
    ...(late === undefined ? {} : { late }),
    key,
    exact: false,
  });
  switch (kind) {
    case 'source':
      return result(rawSourceSchema(data, parsed), null);
    case 'filter':
    case 'sink':
      return result(input, inputKey);
    case 'keyBy': {
      const key = strings(data.key);
      return result(input, key.length > 0 ? key : null);
    }
    case 'flatMap': {
      if (input === null) return result(null, null);
      const as = typeof data.as === 'string' && data.as !== '' ? data.as : undefined;
      return result(as === undefined ? { ...input } : { ...input, [as]: 'string' }, null);
    }
    case 'map': {
      if (input === null || !isRecord(data.fields)) return result(null, null);
      const output: Record<string, FieldType> = {};
      for (const [field, text] of Object.entries(data.fields)) {
        if (typeof text !== 'string') continue;
        const checked = checkExpression(text, input);
        if (checked.ok && checked.expr.type !== 'null' && checked.expr.type !== 'string[]') {
          output[field] = checked.expr.type;
        }
      }
      return result(output, null);
    }
    case 'window':
    case 'aggregate': {
      const late = kind === 'window' ? input : undefined;
      if (input === null) return result(null, null, late);
      const output: Record<string, FieldType> = {};
      for (const field of inputKey ?? []) {
        const type = Object.hasOwn(input, field) ? input[field] : undefined;
        if (type !== undefined) output[field] = type;
      }
      if (kind === 'window') {
        output.window_start = 'timestamp';
        output.window_end = 'timestamp';
      }
      if (isRecord(data.aggregates)) {
        for (const [name, text] of Object.entries(data.aggregates)) {
          if (typeof text !== 'string' || Object.hasOwn(output, name)) continue;
          const agg = parseAggregate(text, input);
          if (agg.ok) output[name] = agg.agg.resultType;
        }
      }
      return result(output, null, late);
    }
    case 'over': {
      if (input === null) return result(null, null);
      const output: Record<string, FieldType> = { ...input };
      if (isRecord(data.aggregates)) {
        for (const [name, text] of Object.entries(data.aggregates)) {
          if (typeof text !== 'string' || Object.hasOwn(output, name)) continue;
          const agg = parseAggregate(text, input);
          if (agg.ok) output[name] = agg.agg.resultType;
        }
      }
      return result(output, null);
    }
    case 'topN': {
      if (input === null) return result(null, null);
      const rank = typeof data.rankField === 'string' && data.rankField !== '' ? data.rankField : undefined;
      return result(rank === undefined ? { ...input } : { ...input, [rank]: 'int' }, null);
    }
    case 'deduplicate':
      return result(input, null);
    case 'intervalJoin':
    case 'windowJoin':
    case 'temporalJoin':
    case 'join': {
      // Without `fields`: every left field, then every right field (a window join adds its bounds); with
      // `fields`, the expressions decide, which a broken node cannot be trusted to: unknown.
      if (data.fields !== undefined) return result(null, null);
      const sideSchema = (side: 'left' | 'right') => incoming.find((i) => i.side === side)?.schema ?? null;
      const l = sideSchema('left');
      const r = sideSchema('right');
      if (l === null || r === null) return result(null, null);
      const output: Record<string, FieldType> = { ...l };
      for (const [f, t] of Object.entries(r)) if (!Object.hasOwn(output, f)) output[f] = t;
      if (kind === 'windowJoin') {
        output.window_start = 'timestamp';
        output.window_end = 'timestamp';
      }
      return { input: null, output, key: null, exact: false };
    }
  }
}

const FIELD_TYPE_NAMES = new Set<string>(['string', 'int', 'float', 'bool', 'timestamp']);

function isRowSchema(value: unknown): value is RowSchema {
  return (
    isRecord(value) && Object.values(value).every((t) => typeof t === 'string' && FIELD_TYPE_NAMES.has(t))
  );
}

/** A source's schema as written: declared, or fixed by its connector (a Nexmark table, a text file). */
function rawSourceSchema(data: Raw, parsed: boolean): RowSchema | null {
  if (parsed) {
    const node = SourceNodeSchema.safeParse(data);
    if (node.success) return sourceSchema(node.data);
  }
  if (isRowSchema(data.schema)) return data.schema;
  const connector = isRecord(data.connector) ? data.connector : {};
  if (connector.type === 'nexmark' && typeof connector.table === 'string') {
    return Object.hasOwn(NEXMARK_SCHEMAS, connector.table)
      ? NEXMARK_SCHEMAS[connector.table as keyof typeof NEXMARK_SCHEMAS]
      : null;
  }
  if (connector.type === 'file' && (connector.format ?? 'text') === 'text') return TEXT_LINE_SCHEMA;
  return null;
}
