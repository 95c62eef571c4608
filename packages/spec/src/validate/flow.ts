/**
 * Schema and keyedness flow: derives every node's output schema in topological order, checks every
 * expression against its node's input schema, and checks the rules that depend on what flows in
 * (keyed input for windows and aggregates, watermarks for event time).
 *
 * A schema that cannot be known (a missing source schema, a failed expression, inputs that disagree)
 * is `null`, and the checks that need it are skipped downstream: the first problem is reported, not
 * its echoes.
 */
import {
  checkExpression,
  type ExprError,
  type FieldType,
  parseAggregate,
  type RowSchema,
} from '../expr/index';
import {
  type AggregateNode,
  JOIN_KINDS,
  type JobNode,
  type JoinNode,
  type OverNode,
  type TopNNode,
  type WindowNode,
} from '../schema';
import { label, type Reporter } from './codes';
import type { EdgeRef, Graph } from './graph';
import { deriveJoin, type JoinContext, type SideFlow } from './joins';
import { pointer } from './pointer';
import { fieldType, formatSchema, hasField, sameKey, sameSchema } from './schemas';
import { didYouMean, list, quote } from './text';

export interface Derived {
  /** Merged input schema; `null` for sources, joins (see `sides`) and when unknown. */
  input: RowSchema | null;
  /** Main output schema; `null` when unknown. */
  output: RowSchema | null;
  /** Windows: the `late` port's schema. */
  late?: RowSchema | null;
  /** Key fields of the main output, or `null` when not keyed. */
  key: string[] | null;
  /** Joins: what each input brings. */
  sides?: { left: SideFlow; right: SideFlow };
}

interface Incoming {
  ref: EdgeRef;
  schema: RowSchema | null;
  key: string[] | null;
}

const WINDOW_BOUNDS = ['window_start', 'window_end'] as const;

/** The expression error's message, named after the node and field, with the column. */
function exprMessage(where: string, error: ExprError): string {
  const text = error.message;
  const withColumn = /\bcolumn\b/.test(text) ? text : `${text} at column ${error.column}`;
  return `${where}: ${withColumn}`;
}

function reportExprErrors(
  r: Reporter,
  errors: readonly ExprError[],
  path: string,
  node: JobNode,
  what: string,
): void {
  for (const error of errors) {
    r.add(
      `expression/${error.code}`,
      path,
      exprMessage(`${label(node)}, ${what}`, error),
      node.id,
      error.column,
    );
  }
}

/**
 * `broken`: indexes of stand-ins for nodes that did not parse (see partial.ts). Their output is unknown (the
 * checks downstream are skipped); a keyBy still keys, a filter or sink keeps the key, and a window or
 * aggregate is still checked for a keyed input, its aggregates (when they parsed) and, in event time, the
 * watermarks upstream.
 */
export function deriveSchemas(
  g: Graph,
  order: readonly number[],
  sourceSchemas: ReadonlyMap<number, RowSchema | null>,
  r: Reporter,
  broken: ReadonlySet<number> = new Set(),
): Map<number, Derived> {
  const { spec } = g;
  const derived = new Map<number, Derived>();
  const nodeAt = (i: number): JobNode => spec.nodes[i]!;

  const joins: JoinContext = {
    g,
    derived,
    r,
    reportExprErrors: (errors, path, node, what) => reportExprErrors(r, errors, path, node, what),
    checkWatermarks: (node, idx, from) => checkWatermarks(g, node, idx, sourceSchemas, r, broken, from),
  };

  for (const idx of order) {
    const node = nodeAt(idx);
    if (node.kind === 'source') {
      derived.set(idx, { input: null, output: sourceSchemas.get(idx) ?? null, key: null });
      continue;
    }
    if (isJoin(node)) {
      const d = deriveJoin(joins, node, idx);
      derived.set(idx, broken.has(idx) ? { ...d, output: null } : d);
      continue;
    }

    // ------------------------------------------------------------------------------- merge the inputs
    const incoming: Incoming[] = g.ins[idx]!.map((ref) => {
      const up = derived.get(ref.from)!;
      if (ref.edge.port === 'late') {
        // Late rows are the window's input rows, on an unkeyed side output (Flink's getSideOutput).
        return { ref, schema: nodeAt(ref.from).kind === 'window' ? (up.late ?? null) : null, key: null };
      }
      return { ref, schema: up.output, key: up.key };
    });
    let input: RowSchema | null = incoming.every((i) => i.schema !== null)
      ? (incoming[0]?.schema ?? null)
      : null;
    const known = incoming.filter((i) => i.schema !== null);
    const first = known[0];
    const odd = known.find((i) => !sameSchema(i.schema!, first!.schema!));
    if (first !== undefined && odd !== undefined) {
      const name = (i: Incoming) =>
        quote(nodeAt(i.ref.from).id) + (i.ref.edge.port === 'late' ? ' (late port)' : '');
      r.add(
        'schema-mismatch',
        pointer('nodes', idx),
        `${label(node)} gets rows with different schemas: ${name(first)} sends ${formatSchema(first.schema!)}, but ${name(odd)} sends ${formatSchema(odd.schema!)}: make them the same, e.g. with a map on one input`,
        node.id,
      );
      input = null;
    }
    const firstKey = incoming[0]?.key ?? null;
    const inputKey =
      firstKey !== null && incoming.every((i) => i.key !== null && sameKey(i.key, firstKey))
        ? firstKey
        : null;

    if (broken.has(idx)) {
      const key =
        node.kind === 'keyBy'
          ? [...node.key]
          : node.kind === 'filter' || node.kind === 'sink'
            ? inputKey
            : null;
      if (KEYED_INPUT_KINDS.has(node.kind) && node.kind !== 'window' && node.kind !== 'aggregate') {
        if (inputKey === null) {
          r.add('not-keyed', pointer('nodes', idx), notKeyedMessage(g, idx, incoming), node.id);
        }
        if (node.kind === 'over') checkWatermarks(g, node, idx, sourceSchemas, r, broken);
      }
      if (node.kind === 'window' || node.kind === 'aggregate') {
        if (inputKey === null) {
          r.add('not-keyed', pointer('nodes', idx), notKeyedMessage(g, idx, incoming), node.id);
        }
        if (Object.keys(node.aggregates).length > 0) keyedAggregation(node, idx, input, inputKey, r);
        if (node.kind === 'window' && node.time === 'event')
          checkWatermarks(g, node, idx, sourceSchemas, r, broken);
      }
      derived.set(idx, { input, output: null, key, ...(node.kind === 'window' ? { late: input } : {}) });
      continue;
    }

    // ----------------------------------------------------------------------------------- per node kind
    const here = (...segments: PropertyKey[]) => pointer('nodes', idx, ...segments);
    switch (node.kind) {
      case 'map': {
        let output: Record<string, FieldType> | null = {};
        if (input === null) output = null;
        else {
          for (const [field, text] of Object.entries(node.fields)) {
            const path = here('fields', field);
            const checked = checkExpression(text, input);
            if (!checked.ok) {
              reportExprErrors(r, checked.errors, path, node, `field ${quote(field)}`);
              output = null;
              continue;
            }
            const type = checked.expr.type;
            if (type === 'null') {
              r.add(
                'null-type',
                path,
                `${label(node)}, field ${quote(field)}: the expression is always NULL, so it has no type: write CAST(NULL AS <type>), e.g. CAST(NULL AS STRING)`,
                node.id,
              );
              output = null;
            } else if (type === 'string[]') {
              r.add(
                'array-type',
                path,
                `${label(node)}, field ${quote(field)}: the expression gives an array (string[]), but a row field cannot hold one: use a flatMap to get one row per element`,
                node.id,
              );
              output = null;
            } else if (output !== null) {
              output[field] = type;
            }
          }
        }
        derived.set(idx, { input, output, key: null });
        break;
      }
      case 'filter': {
        if (input !== null) {
          const checked = checkExpression(node.where, input);
          if (!checked.ok) reportExprErrors(r, checked.errors, here('where'), node, 'where');
          else if (checked.expr.type !== 'bool') {
            r.add(
              'not-boolean',
              here('where'),
              `${label(node)}, where: the condition is of type ${checked.expr.type}, but must be true or false: compare it, e.g. ${checked.expr.type === 'string' ? `${node.where} <> ''` : `${node.where} > 0`}`,
              node.id,
            );
          }
        }
        derived.set(idx, { input, output: input, key: inputKey });
        break;
      }
      case 'flatMap': {
        let output: RowSchema | null = null;
        if (input !== null) {
          const checked = checkExpression(node.explode, input);
          if (!checked.ok) reportExprErrors(r, checked.errors, here('explode'), node, 'explode');
          else if (checked.expr.type !== 'string[]') {
            r.add(
              'not-an-array',
              here('explode'),
              `${label(node)}, explode: the expression is of type ${checked.expr.type}, but flatMap needs an array: use SPLIT or REGEXP_SPLIT, e.g. REGEXP_SPLIT(${Object.keys(input).find((f) => input?.[f] === 'string') ?? 'line'}, '\\s+')`,
              node.id,
            );
          }
          if (hasField(input, node.as)) {
            r.add(
              'duplicate-field',
              here('as'),
              `${label(node)}: "as" names the field ${quote(node.as)}, but the input already has a field of that name (fields: ${list(Object.keys(input))}): choose another name`,
              node.id,
            );
          }
          output = { ...input, [node.as]: 'string' };
        }
        derived.set(idx, { input, output, key: null });
        break;
      }
      case 'keyBy': {
        if (input !== null) {
          const fields = Object.keys(input);
          node.key.forEach((field, i) => {
            if (!hasField(input, field)) {
              r.add(
                'unknown-field',
                here('key', i),
                `${label(node)}, key: unknown field ${quote(field)}${didYouMean(field, fields)} (available: ${list(fields)}): key by fields of the input`,
                node.id,
              );
            }
          });
        }
        node.key.forEach((field, i) => {
          if (node.key.indexOf(field) !== i) {
            r.add(
              'duplicate-field',
              here('key', i),
              `${label(node)}, key: ${quote(field)} is listed twice: list each key field once`,
              node.id,
            );
          }
        });
        derived.set(idx, { input, output: input, key: [...node.key] });
        break;
      }
      case 'window':
      case 'aggregate': {
        if (inputKey === null) {
          r.add('not-keyed', pointer('nodes', idx), notKeyedMessage(g, idx, incoming), node.id);
        }
        const output = keyedAggregation(node, idx, input, inputKey, r);
        derived.set(idx, {
          input,
          output,
          key: null,
          ...(node.kind === 'window' ? { late: input } : {}),
        });
        if (node.kind === 'window' && node.time === 'event')
          checkWatermarks(g, node, idx, sourceSchemas, r, broken);
        break;
      }
      case 'over': {
        if (inputKey === null) {
          r.add('not-keyed', pointer('nodes', idx), notKeyedMessage(g, idx, incoming), node.id);
        }
        checkWatermarks(g, node, idx, sourceSchemas, r, broken);
        const frames = [node.precedingMs, node.precedingRows].filter((f) => f !== undefined).length;
        if (frames !== 1) {
          r.add(
            'over-frame',
            pointer('nodes', idx),
            `${label(node)} needs exactly one frame: ${frames === 0 ? 'set' : 'keep only one of'} "precedingMs" (a RANGE frame: the key's rows of the last n ms) or "precedingRows" (a ROWS frame: this row and the n before it)`,
            node.id,
          );
        }
        derived.set(idx, { input, output: overOutput(node, idx, input, r), key: null });
        break;
      }
      case 'topN': {
        if (inputKey === null) {
          r.add('not-keyed', pointer('nodes', idx), notKeyedMessage(g, idx, incoming), node.id);
        } else if (!inputKey.includes('window_start') || !inputKey.includes('window_end')) {
          r.add(
            'topn-key',
            pointer('nodes', idx),
            `${label(node)} ranks the rows of each window: its input must be keyed by window_start and window_end too (it is keyed by [${inputKey.join(', ')}]): key by [window_start, window_end${inputKey
              .filter((k) => !k.startsWith('window_'))
              .map((k) => `, ${k}`)
              .join('')}] after the window`,
            node.id,
          );
        }
        derived.set(idx, { input, output: topNOutput(node, idx, input, r), key: null });
        break;
      }
      case 'deduplicate':
        if (inputKey === null) {
          r.add('not-keyed', pointer('nodes', idx), notKeyedMessage(g, idx, incoming), node.id);
        }
        derived.set(idx, { input, output: input, key: null });
        break;
      case 'sink':
        derived.set(idx, { input, output: input, key: inputKey });
        break;
    }
  }
  return derived;
}

/** Node kinds whose input must be a keyed stream. */
const KEYED_INPUT_KINDS: ReadonlySet<string> = new Set([
  'window',
  'aggregate',
  'over',
  'topN',
  'deduplicate',
]);

const isJoin = (node: JobNode): node is JoinNode => (JOIN_KINDS as readonly string[]).includes(node.kind);

/** OVER: every input field, then the aggregates (each checked against the input). */
function overOutput(node: OverNode, idx: number, input: RowSchema | null, r: Reporter): RowSchema | null {
  if (input === null) return null;
  let output: Record<string, FieldType> | null = { ...input };
  for (const [name, text] of Object.entries(node.aggregates)) {
    const path = pointer('nodes', idx, 'aggregates', name);
    const parsed = parseAggregate(text, input);
    if (!parsed.ok) {
      reportExprErrors(r, parsed.errors, path, node, `aggregate ${quote(name)}`);
      output = null;
      continue;
    }
    if (hasField(input, name)) {
      r.add(
        'duplicate-field',
        path,
        `${label(node)}, aggregate ${quote(name)}: the input already has a field ${quote(name)} (an OVER row keeps every input field): rename the aggregate`,
        node.id,
      );
      output = null;
      continue;
    }
    if (output !== null) output[name] = parsed.agg.resultType;
  }
  return output;
}

/** Top-N: the input rows, plus the rank when `rankField` asks for it; the orderBy fields must exist. */
function topNOutput(node: TopNNode, idx: number, input: RowSchema | null, r: Reporter): RowSchema | null {
  if (input === null) return null;
  let ok = true;
  const fields = Object.keys(input);
  node.orderBy.forEach((o, i) => {
    if (hasField(input, o.field)) return;
    r.add(
      'unknown-field',
      pointer('nodes', idx, 'orderBy', i, 'field'),
      `${label(node)}, orderBy: unknown field ${quote(o.field)}${didYouMean(o.field, fields)} (available: ${list(fields)})`,
      node.id,
    );
    ok = false;
  });
  if (node.rankField !== undefined && hasField(input, node.rankField)) {
    r.add(
      'duplicate-field',
      pointer('nodes', idx, 'rankField'),
      `${label(node)}: rankField ${quote(node.rankField)} is already a field of the input: choose another name`,
      node.id,
    );
    ok = false;
  }
  if (!ok) return null;
  return node.rankField === undefined ? input : { ...input, [node.rankField]: 'int' };
}

/** Window and rolling aggregate: output = key fields, [window_start, window_end], aggregates. */
function keyedAggregation(
  node: WindowNode | AggregateNode,
  idx: number,
  input: RowSchema | null,
  key: readonly string[] | null,
  r: Reporter,
): RowSchema | null {
  if (input === null) return null;
  let output: Record<string, FieldType> | null = {};
  const taken = new Map<string, string>();
  if (key !== null) {
    for (const field of key) {
      const type = fieldType(input, field);
      // A key field missing from the input has been reported on its keyBy.
      if (type === undefined) output = null;
      else if (output !== null) output[field] = type;
      taken.set(field, 'a key field');
    }
  } else {
    output = null;
  }
  if (node.kind === 'window') {
    for (const bound of WINDOW_BOUNDS) {
      if (taken.has(bound)) {
        r.add(
          'duplicate-field',
          pointer('nodes', idx),
          `${label(node)}: the key field ${quote(bound)} clashes with the window's own ${bound} column: rename it with a map before the keyBy`,
          node.id,
        );
        output = null;
      }
      taken.set(bound, `the window's ${bound} column`);
      if (output !== null) output[bound] = 'timestamp';
    }
  }
  for (const [name, text] of Object.entries(node.aggregates)) {
    const path = pointer('nodes', idx, 'aggregates', name);
    const parsed = parseAggregate(text, input);
    if (!parsed.ok) {
      reportExprErrors(r, parsed.errors, path, node, `aggregate ${quote(name)}`);
      output = null;
      continue;
    }
    const clash = taken.get(name);
    if (clash !== undefined) {
      r.add(
        'duplicate-field',
        path,
        `${label(node)}, aggregate ${quote(name)}: the output already has a field ${quote(name)} (${clash}): rename the aggregate`,
        node.id,
      );
      output = null;
      continue;
    }
    if (output !== null) output[name] = parsed.agg.resultType;
  }
  return output;
}

/** Why a window or aggregate's input is not keyed, and what to do about it. */
function notKeyedMessage(g: Graph, idx: number, incoming: readonly Incoming[]): string {
  const nodeAt = (i: number): JobNode => g.spec.nodes[i]!;
  const base = `${label(nodeAt(idx))} needs a keyed stream`;
  if (incoming.length > 1 && incoming.every((i) => i.key !== null)) {
    const keys = incoming.map((i) => `${quote(nodeAt(i.ref.from).id)} by [${i.key!.join(', ')}]`);
    return `${base}, but its inputs are keyed differently (${keys.join('; ')}): key every input by the same fields`;
  }
  for (const { ref, key } of incoming) {
    if (key !== null) continue;
    if (ref.edge.port === 'late') {
      return `${base}, but the late rows of ${label(nodeAt(ref.from))} are not keyed: add a keyBy before it`;
    }
    // A map or flatMap between a keyBy and here gives a new, unkeyed stream (as in Flink).
    let at = ref.from;
    let breaker: JobNode | undefined;
    for (;;) {
      const up = nodeAt(at);
      if (up.kind === 'keyBy') {
        if (breaker !== undefined) {
          return `${base}, but ${label(breaker)} after keyBy ${quote(up.id)} gives a new stream that is not keyed (as in Flink): move the keyBy after ${quote(breaker.id)}`;
        }
        break;
      }
      const ins = g.ins[at]!;
      if ((up.kind !== 'map' && up.kind !== 'flatMap' && up.kind !== 'filter') || ins.length !== 1) break;
      if (up.kind !== 'filter') breaker ??= up;
      at = ins[0]!.from;
    }
  }
  return `${base}: add a keyBy before it`;
}

/**
 * Event time needs a watermark on every source upstream (of `from`: the node itself, or one side of a join).
 * A window may switch to processing time instead; the other event-time kinds (joins, OVER) may not.
 */
export function checkWatermarks(
  g: Graph,
  node: JobNode,
  idx: number,
  sourceSchemas: ReadonlyMap<number, RowSchema | null>,
  r: Reporter,
  broken: ReadonlySet<number>,
  from: readonly number[] = [idx],
): void {
  const seen = new Set<number>([idx, ...from]);
  const queue = [...from];
  for (let head = 0; head < queue.length; head++) {
    for (const ref of g.ins[queue[head]!]!) {
      if (!seen.has(ref.from)) {
        seen.add(ref.from);
        queue.push(ref.from);
      }
    }
  }
  const sources = [...seen].sort((a, b) => a - b).filter((i) => g.spec.nodes[i]!.kind === 'source');
  for (const i of sources) {
    const source = g.spec.nodes[i]!;
    // A source that did not parse may hold its watermark in the part that is broken: no echo of its problem.
    if (source.kind !== 'source' || source.watermark !== undefined || broken.has(i)) continue;
    const schema = sourceSchemas.get(i) ?? {};
    const fields = Object.keys(schema);
    const ts =
      fields.find((f) => schema[f] === 'timestamp') ??
      fields.find((f) => schema[f] === 'int' && (/^ts$|time|date|_at$/i.test(f) || /[a-z]At$/.test(f))) ??
      'ts';
    const window = node.kind === 'window';
    r.add(
      'missing-watermark',
      window ? pointer('nodes', idx, 'time') : pointer('nodes', idx),
      `${label(node)} uses event time, but source ${quote(source.id)} has no watermark: add one on ${quote(source.id)} (e.g. "watermark": {"timestampField": "${ts}"})${window ? ' or set "time": "processing"' : ''}`,
      node.id,
    );
  }
}
