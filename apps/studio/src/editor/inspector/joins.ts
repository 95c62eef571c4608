/**
 * The forms of the two-input joins (interval, window, temporal, regular) and of Flink SQL's keyed operators
 * (OVER, window Top-N, deduplicate): their sections, the pseudo fields that read the graph around the node
 * (each side of a join, the key it joins on, the key an operator partitions by), an OVER's frame as one
 * choice, a Top-N's order rows, a join's output fields, and their summaries on the canvas.
 *
 * A join has no key of its own: each side is keyed by the keyBy before it (Flink's `keyBy(...)` on each
 * stream, or the equality in SQL's `ON`). So the form shows each side's key, and edits it in that keyBy
 * (`sideKeyBy`) — the key fields a person sets for the join live where the spec keeps them.
 */
import type { NodeKind, Problem } from '@flowstate/spec';
import { formatDuration } from '../../lib/format';
import {
  type AvailableField,
  analyzeGraph,
  fieldProblems,
  fieldsAvailableTo,
  joinSidesOf,
} from '../analysis';
import { type FlowGraph, type FlowNode, HANDLE_LEFT, HANDLE_RIGHT, isRecord, type JoinInput } from '../types';
import { type FormField, type FormSection, f, GENERAL, ms, options } from './form-model';
import { setIn } from './records';
import { AGGREGATES_FIELD, ASSIGNER_FIELDS } from './windows';

/** Paths that start with `$` are the form's own (the graph around the node, a choice between fields). */
export const isPseudoPath = (path: readonly string[]): boolean => path[0]?.startsWith('$') === true;

export const JOIN_TYPE_LABELS: Readonly<Record<string, string>> = {
  inner: 'Inner',
  left: 'Left outer',
  right: 'Right outer',
  full: 'Full outer',
};

/** What each side of a join is called: a temporal join's right side is the versioned (build) table. */
export function sideLabel(kind: NodeKind, side: JoinInput): string {
  if (kind === 'temporalJoin') return side === 'left' ? 'Probe side (left)' : 'Versioned table (right)';
  return side === 'left' ? 'Left input' : 'Right input';
}

const sideField = (kind: NodeKind, side: JoinInput): FormField =>
  f([`$${side}`], {
    label: sideLabel(kind, side),
    input: 'join-side',
    side,
    required: true,
    problemCodes: ['not-keyed', 'schema-mismatch', 'missing-join-side', 'missing-watermark'],
    help:
      kind === 'temporalJoin' && side === 'right'
        ? 'Each row is its key’s version from its event time until the next one'
        : `Connect a keyed stream to the ${side} handle; its keyBy sets the ${side} key`,
  });

const JOIN_KEY_FIELD = f(['$joinKey'], {
  label: 'Join condition',
  input: 'join-key',
  problemCodes: ['join-key-mismatch'],
  help: 'Left key field i equals right key field i',
});

const inputsSection = (kind: NodeKind): FormSection => ({
  id: 'inputs',
  title: 'Inputs and key',
  fields: [sideField(kind, HANDLE_LEFT), sideField(kind, HANDLE_RIGHT), JOIN_KEY_FIELD],
});

const joinFieldsSection = (kind: NodeKind): FormSection => ({
  id: 'output',
  title: 'Output',
  fields: [
    f(['fields'], {
      label: 'Output fields',
      input: 'join-fields-editor',
      help:
        kind === 'windowJoin'
          ? 'Expressions over l.field (left), r.field (right), window_start and window_end; empty = every left field, then every right field'
          : 'Expressions over l.field (left) and r.field (right); empty = every left field, then every right field',
    }),
  ],
});

const joinTypeField = (values: readonly string[], help: string): FormField =>
  f(['type'], {
    label: 'Join type',
    input: 'select',
    options: options(values, JOIN_TYPE_LABELS),
    defaultValue: 'inner',
    help,
  });

const partitionField = (codes: readonly string[], help: string): FormField =>
  f(['$partition'], { label: 'Partitioned by', input: 'keyed-input', problemCodes: codes, help });

export const OVER_FRAMES = options(['range', 'rows'], {
  range: 'RANGE: the key’s rows of the last … ms',
  rows: 'ROWS: this row and the … rows before it',
});

export const TOPN_FUNCTION_OPTIONS = options(['row_number', 'rank', 'dense_rank'], {
  row_number: 'ROW_NUMBER (1, 2, 3)',
  rank: 'RANK (1, 1, 3)',
  dense_rank: 'DENSE_RANK (1, 1, 2)',
});

/** An OVER's frame: RANGE (`precedingMs`) or ROWS (`precedingRows`); `both` / `none` are problems. */
export function overFrame(data: Record<string, unknown>): 'range' | 'rows' | 'both' | 'none' {
  const range = data.precedingMs !== undefined;
  const rows = data.precedingRows !== undefined;
  return range && rows ? 'both' : range ? 'range' : rows ? 'rows' : 'none';
}

/** The forms of the join and keyed-operator kinds; undefined for another kind. */
export function joinNodeForm(node: FlowNode): FormSection[] | undefined {
  const data = node.data as Record<string, unknown>;
  switch (node.type as NodeKind) {
    case 'intervalJoin':
      return [
        GENERAL,
        inputsSection('intervalJoin'),
        {
          id: 'interval',
          title: 'Interval',
          description: 'A right row joins when r.ts is in [l.ts + lower bound, l.ts + upper bound]',
          fields: [
            f(['lowerBoundMs'], {
              label: 'Lower bound',
              input: 'number',
              integer: true,
              unit: 'ms',
              required: true,
              placeholder: '-5000',
              help: 'Negative: the right row may be that much earlier than the left',
            }),
            f(['upperBoundMs'], {
              label: 'Upper bound',
              input: 'number',
              integer: true,
              unit: 'ms',
              required: true,
              placeholder: '5000',
              help: 'At least the lower bound; both bounds are included',
            }),
            joinTypeField(
              ['inner', 'left', 'right', 'full'],
              'An outer side’s row with no partner is emitted once, padded with NULLs, when the watermark passes its interval',
            ),
          ],
        },
        joinFieldsSection('intervalJoin'),
      ];
    case 'windowJoin': {
      const assignerType = isRecord(data.assigner) ? String(data.assigner.type) : '';
      return [
        GENERAL,
        inputsSection('windowJoin'),
        {
          id: 'window',
          title: 'Window',
          description: 'Both sides are windowed by event time; pairs of a window are emitted when it ends',
          fields: [
            f(['assigner', 'type'], {
              label: 'Window type',
              input: 'select',
              options: options(['tumbling', 'sliding'], { tumbling: 'Tumbling', sliding: 'Sliding' }),
              variant: true,
            }),
            ...(ASSIGNER_FIELDS[assignerType] ?? []),
            joinTypeField(
              ['inner', 'left', 'right', 'full'],
              'Outer types pad the side whose window has no row of the other',
            ),
          ],
        },
        joinFieldsSection('windowJoin'),
      ];
    }
    case 'temporalJoin':
      return [
        GENERAL,
        inputsSection('temporalJoin'),
        {
          id: 'temporal',
          title: 'Temporal join',
          description:
            'FOR SYSTEM_TIME AS OF the probe row’s event time: each probe row joins its key’s version current at that time',
          fields: [
            joinTypeField(
              ['inner', 'left'],
              'Left outer emits a probe row with no version yet, padded with NULLs',
            ),
          ],
        },
        joinFieldsSection('temporalJoin'),
      ];
    case 'join':
      return [
        GENERAL,
        inputsSection('join'),
        {
          id: 'join',
          title: 'Regular join',
          description: 'Every pair with equal keys, as soon as both rows have arrived',
          fields: [
            joinTypeField(['inner'], 'A regular join is an inner join (outer joins would retract rows)'),
            ms(['stateTtlMs'], 'State TTL', {
              defaultValue: 0,
              help: 'How long each side’s rows are kept (processing time); 0 keeps them forever',
            }),
          ],
        },
        joinFieldsSection('join'),
      ];
    case 'over': {
      const frame = overFrame(data);
      return [
        GENERAL,
        {
          id: 'over',
          title: 'Over window',
          description:
            'OVER (PARTITION BY key ORDER BY event time … PRECEDING): one output row per input row',
          fields: [
            partitionField(['not-keyed', 'missing-watermark'], 'The key of the keyBy before it'),
            f(['$frame'], {
              label: 'Frame',
              input: 'select',
              options: OVER_FRAMES,
              required: true,
              problemCodes: ['over-frame'],
            }),
            ...(frame === 'range' || frame === 'both'
              ? [
                  ms(['precedingMs'], 'Preceding time', {
                    required: true,
                    help: 'RANGE BETWEEN this PRECEDING AND CURRENT ROW',
                  }),
                ]
              : []),
            ...(frame === 'rows' || frame === 'both'
              ? [
                  f(['precedingRows'], {
                    label: 'Preceding rows',
                    input: 'number',
                    integer: true,
                    min: 0,
                    unit: 'rows',
                    required: true,
                    help: 'ROWS BETWEEN this PRECEDING AND CURRENT ROW',
                  }),
                ]
              : []),
          ],
        },
        { id: 'aggregates', title: 'Aggregates', fields: [AGGREGATES_FIELD] },
      ];
    }
    case 'topN':
      return [
        GENERAL,
        {
          id: 'topN',
          title: 'Top-N',
          description: 'The best n rows of each window and key, when the window ends',
          fields: [
            partitionField(
              ['not-keyed', 'topn-key'],
              'The key of the keyBy before it: window_start, window_end and any others',
            ),
            f(['n'], {
              label: 'N',
              input: 'number',
              integer: true,
              min: 1,
              required: true,
              help: 'Rows kept per key: rank ≤ n',
            }),
            f(['orderBy'], {
              label: 'Order by',
              input: 'order-by-editor',
              required: true,
              help: 'The first field decides; later ones break ties',
            }),
            f(['function'], {
              label: 'Ranking',
              input: 'select',
              options: TOPN_FUNCTION_OPTIONS,
              defaultValue: 'row_number',
            }),
            f(['rankField'], {
              label: 'Rank field',
              input: 'text',
              placeholder: 'no rank field',
              help: 'Adds the rank as an int field of this name',
            }),
          ],
        },
      ];
    case 'deduplicate':
      return [
        GENERAL,
        {
          id: 'deduplicate',
          title: 'Deduplicate',
          description:
            'Each key’s first row, once: the earliest by event time when there is a watermark, else the first to arrive',
          fields: [
            partitionField(
              ['not-keyed'],
              'The key of the keyBy before it: rows with equal keys are duplicates',
            ),
            f(['keep'], {
              label: 'Keep',
              input: 'select',
              options: options(['first'], { first: 'First row' }),
              defaultValue: 'first',
              help: 'Keeping the last row would update results already emitted; Flowstate’s results are append-only',
            }),
            ms(['stateTtlMs'], 'State TTL', {
              defaultValue: 0,
              help: 'Forget a key after this long (processing time), so it is emitted again; 0 = never',
            }),
          ],
        },
      ];
    default:
      return undefined;
  }
}

/** Reads a pseudo field of these forms (the OVER's frame); undefined for any other path. */
export function readJoinField(node: FlowNode, path: readonly string[]): unknown {
  if (node.type === 'over' && path[0] === '$frame') {
    const frame = overFrame(node.data as Record<string, unknown>);
    return frame === 'range' || frame === 'rows' ? frame : undefined;
  }
  return undefined;
}

/**
 * Writes a field of these forms when it needs more than `setIn`, else undefined: choosing an OVER's frame
 * drops the other frame's bound (a RANGE of 60 s or the 10 rows before, to start with); a window join's
 * window type swaps the assigner's fields (keeping the size).
 */
export function writeJoinField(
  node: FlowNode,
  path: readonly string[],
  value: unknown,
): Record<string, unknown> | undefined {
  const data = node.data as Record<string, unknown>;
  if (node.type === 'over' && path[0] === '$frame') {
    if (value === 'range') {
      const next = setIn(data, ['precedingRows'], undefined);
      return data.precedingMs === undefined ? setIn(next, ['precedingMs'], 60_000) : next;
    }
    if (value === 'rows') {
      const next = setIn(data, ['precedingMs'], undefined);
      return data.precedingRows === undefined ? setIn(next, ['precedingRows'], 10) : next;
    }
    return setIn(setIn(data, ['precedingMs'], undefined), ['precedingRows'], undefined);
  }
  if (node.type === 'windowJoin' && path.join('.') === 'assigner.type') {
    const old = isRecord(data.assigner) ? data.assigner : {};
    if (old.type === value) return data;
    const size = typeof old.sizeMs === 'number' ? old.sizeMs : 10_000;
    const assigner =
      value === 'sliding'
        ? { type: 'sliding', sizeMs: size, slideMs: Math.min(2_000, size) }
        : { type: 'tumbling', sizeMs: size };
    return setIn(data, ['assigner'], assigner);
  }
  return undefined;
}

// ------------------------------------------------------------------------------- the graph around

/** Which side a problem is about, by what its message says (`… on its left input`). */
function problemSide(problem: Problem): JoinInput | null {
  const m = /\b(left|right) (?:input|side)\b/.exec(problem.message);
  return m === null ? null : (m[1] as JoinInput);
}

/**
 * The problems a form field shows: those at its path, and those the spec reports on the node as a whole
 * with one of its `problemCodes` — for a join side, the ones about that side (a problem that names no side
 * shows under the left one, the first).
 */
export function formFieldProblems(graph: FlowGraph, nodeId: string, field: FormField): Problem[] {
  const own = isPseudoPath(field.path) ? [] : fieldProblems(graph, nodeId, field.path);
  const codes = field.problemCodes;
  if (codes === undefined) return own;
  const index = graph.nodes.findIndex((n) => n.id === nodeId);
  const coded = (analyzeGraph(graph).byNode.get(nodeId) ?? []).filter((p) => {
    if (!codes.includes(p.code) || own.includes(p)) return false;
    // A problem at another field's path is that field's (invalid-bounds is at the lower bound).
    const atNode = p.path === `/nodes/${index}` || p.path.startsWith('/edges/');
    if (!atNode && !isPseudoPath(field.path)) return false;
    if (field.side === undefined) return true;
    const side = problemSide(p);
    return side === field.side || (side === null && field.side === HANDLE_LEFT);
  });
  return [...own, ...coded];
}

/**
 * The keyBy that keys one side of a join (or the input of a keyed operator when `side` is undefined):
 * up from the one edge into it, through filters. Null when the side has no edge, several (a union: edit
 * each keyBy), or no keyBy on the way.
 */
export function upstreamKeyBy(graph: FlowGraph, nodeId: string, side?: JoinInput): FlowNode | null {
  const into = (id: string, handle?: string) =>
    graph.edges.filter((e) => e.target === id && (handle === undefined || e.targetHandle === handle));
  let edges = into(nodeId, side);
  for (let hops = 0; hops < graph.nodes.length; hops++) {
    if (edges.length !== 1) return null;
    const up = graph.nodes.find((n) => n.id === edges[0]!.source);
    if (up === undefined) return null;
    if (up.type === 'keyBy') return up;
    if (up.type !== 'filter') return null;
    edges = into(up.id);
  }
  return null;
}

/** A side of a join in words: where its rows come from and what they are keyed by. */
export function joinSideText(graph: FlowGraph, nodeId: string, side: JoinInput): string {
  const s = joinSidesOf(graph, nodeId)[side];
  if (s.from.length === 0) return `Nothing connected: connect a keyed stream to the ${side} handle`;
  const from = `from ${s.from.map((id) => `'${id}'`).join(', ')}`;
  if (s.key === null) {
    return upstreamKeyBy(graph, nodeId, side) === null
      ? `${from} · not keyed: add a keyBy before the join`
      : `${from} · no key yet: choose it below`;
  }
  return `${from} · keyed by ${s.key.join(', ')}`;
}

/** A join's condition in words: `l.auction = r.id` (and …), or why it is not known yet. */
export function joinConditionText(graph: FlowGraph, nodeId: string): string {
  const { left, right } = joinSidesOf(graph, nodeId);
  if (left.key === null || right.key === null) return 'Set when both sides are keyed';
  if (left.key.length !== right.key.length) {
    return `Left key [${left.key.join(', ')}] and right key [${right.key.join(', ')}] differ in length`;
  }
  return left.key.map((k, i) => `l.${k} = r.${right.key![i]}`).join(' AND ');
}

/** The key a keyed operator partitions by, in words: its input stream's key. */
export function partitionText(graph: FlowGraph, nodeId: string): string {
  const schemas = analyzeGraph(graph).schemas;
  const keys = graph.edges
    .filter((e) => e.target === nodeId)
    .map((e) => (e.sourceHandle === 'late' ? null : (schemas.get(e.source)?.key ?? null)));
  if (keys.length === 0) return 'Nothing connected: connect the output of a keyBy';
  const first = keys[0];
  if (first != null && keys.every((k) => k != null && k.join('\u0000') === first.join('\u0000'))) {
    return first.join(', ');
  }
  return 'Not keyed: add a keyBy before it';
}

/**
 * The fields a join's output can name, as expressions: `l.x` for every left field, `r.y` for every right
 * one (a window join's bounds as they are) — what "Add output field" picks from.
 */
export function joinExpressionFields(graph: FlowGraph, nodeId: string): AvailableField[] {
  const { left, right } = joinSidesOf(graph, nodeId);
  const node = graph.nodes.find((n) => n.id === nodeId);
  return [
    ...(left.fields ?? []).map((x) => ({ name: `l.${x.name}`, type: x.type })),
    ...(right.fields ?? []).map((x) => ({ name: `r.${x.name}`, type: x.type })),
    ...(node?.type === 'windowJoin'
      ? [
          { name: 'window_start', type: 'timestamp' as const },
          { name: 'window_end', type: 'timestamp' as const },
        ]
      : []),
  ];
}

/**
 * The output a join would have with no `fields` (every left field, then every right one), written out so it
 * can be edited: a name on both sides keeps the left one's and takes the right one as `r_<name>` (the
 * spec's duplicate-field rule would refuse the name twice).
 */
export function explicitJoinFields(graph: FlowGraph, nodeId: string): Record<string, string> {
  const { left, right } = joinSidesOf(graph, nodeId);
  const out: Record<string, string> = {};
  for (const x of left.fields ?? []) out[x.name] = `l.${x.name}`;
  for (const x of right.fields ?? []) {
    let name = Object.hasOwn(out, x.name) ? `r_${x.name}` : x.name;
    for (let i = 2; Object.hasOwn(out, name); i++) name = `r_${x.name}${i}`;
    out[name] = `r.${x.name}`;
  }
  return out;
}

/** An output field to add to a join: the first side field not yet named, qualified (`l.price`). */
export function addJoinField(
  fields: Record<string, string>,
  available: readonly AvailableField[],
): Record<string, string> {
  const used = new Set(Object.values(fields));
  const free = available.find(
    (x) => !used.has(x.name) && !Object.hasOwn(fields, x.name.replace(/^[lr]\./, '')),
  );
  if (free !== undefined) return { ...fields, [free.name.replace(/^[lr]\./, '')]: free.name };
  let n = 1;
  while (Object.hasOwn(fields, `field${n}`)) n++;
  return { ...fields, [`field${n}`]: '' };
}

// ------------------------------------------------------------------------------------- Top-N order

export interface OrderByRow {
  field: string;
  direction: 'asc' | 'desc';
}

/** A Top-N's `orderBy` as rows (a missing direction is the spec's default, ascending). */
export function orderByRows(value: unknown): OrderByRow[] {
  if (!Array.isArray(value)) return [];
  return value.map((x) => {
    const r = isRecord(x) ? x : {};
    return {
      field: typeof r.field === 'string' ? r.field : '',
      direction: r.direction === 'desc' ? 'desc' : 'asc',
    };
  });
}

/** Adds an order row on the first input field not yet ordered by (descending: "top" N). */
export function addOrderBy(rows: readonly OrderByRow[], input: readonly AvailableField[]): OrderByRow[] {
  const free = input.find((x) => !rows.some((r) => r.field === x.name)) ?? input[0];
  return [...rows, { field: free?.name ?? '', direction: 'desc' }];
}

/** The fields a Top-N can order by: its input's. */
export const orderByFields = (graph: FlowGraph, nodeId: string): AvailableField[] =>
  fieldsAvailableTo(graph, nodeId);

// ------------------------------------------------------------------------------------- summaries

const duration = (v: unknown): string | null =>
  typeof v === 'number' && Number.isFinite(v) ? formatDuration(Math.abs(v)) : null;

/** A signed bound: `−5 s`, `+5 s`, `0 ms`. */
export function signedDuration(v: unknown): string {
  if (typeof v !== 'number' || !Number.isFinite(v)) return '(not set)';
  if (v === 0) return '0 ms';
  return `${v < 0 ? '−' : '+'}${formatDuration(Math.abs(v))}`;
}

/** The join condition for a summary: `auction = id` (the keys of the two sides), or nothing when unknown. */
function onText(graph: FlowGraph | undefined, nodeId: string): string {
  if (graph === undefined) return '';
  const { left, right } = joinSidesOf(graph, nodeId);
  if (left.key === null || right.key === null || left.key.length !== right.key.length) return '';
  return ` on ${left.key.map((k, i) => (k === right.key![i] ? k : `${k} = ${right.key![i]}`)).join(', ')}`;
}

const typePrefix = (t: unknown): string =>
  t === 'left' ? 'left outer ' : t === 'right' ? 'right outer ' : t === 'full' ? 'full outer ' : '';

/** The canvas summary of these kinds (with the graph, a join names its condition); undefined for another kind. */
export function joinNodeSummary(node: FlowNode, graph?: FlowGraph): string | undefined {
  const data = node.data as Record<string, unknown>;
  const names = (v: unknown) => (isRecord(v) ? Object.keys(v).join(', ') : '');
  switch (node.type as NodeKind) {
    case 'intervalJoin':
      return `${typePrefix(data.type)}interval join${onText(graph, node.id)}, ${signedDuration(data.lowerBoundMs)} … ${signedDuration(data.upperBoundMs)}`;
    case 'windowJoin': {
      const a = isRecord(data.assigner) ? data.assigner : {};
      const size = duration(a.sizeMs) ?? '(size not set)';
      const window =
        a.type === 'sliding'
          ? `sliding ${size} every ${duration(a.slideMs) ?? '(slide not set)'}`
          : `tumbling ${size}`;
      return `${typePrefix(data.type)}window join${onText(graph, node.id)}, ${window}`;
    }
    case 'temporalJoin':
      return `${data.type === 'left' ? 'left outer ' : ''}temporal join${onText(graph, node.id)}, as of the left row’s time`;
    case 'join': {
      const ttl =
        typeof data.stateTtlMs === 'number' && data.stateTtlMs > 0
          ? `, TTL ${formatDuration(data.stateTtlMs)}`
          : ', rows kept forever';
      return `join${onText(graph, node.id)}${ttl}`;
    }
    case 'over': {
      const frame = overFrame(data);
      const what =
        frame === 'range'
          ? `range ${duration(data.precedingMs)} preceding`
          : frame === 'rows'
            ? `rows ${String(data.precedingRows)} preceding`
            : frame === 'both'
              ? 'two frames set'
              : 'no frame set';
      return `over ${what} · ${names(data.aggregates)}`;
    }
    case 'topN': {
      const order = orderByRows(data.orderBy)
        .map((r) => `${r.field} ${r.direction}`)
        .join(', ');
      const fn =
        typeof data.function === 'string' && data.function !== 'row_number' ? ` (${data.function})` : '';
      return `top ${typeof data.n === 'number' ? data.n : '(n not set)'} by ${order || '(no order)'}${fn}`;
    }
    case 'deduplicate': {
      const ttl =
        typeof data.stateTtlMs === 'number' && data.stateTtlMs > 0
          ? `, TTL ${formatDuration(data.stateTtlMs)}`
          : '';
      return `first row per key${ttl}`;
    }
    default:
      return undefined;
  }
}
