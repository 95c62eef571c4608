/**
 * The two-input nodes (JOB-SPEC.md, "v1 additions"): `intervalJoin`, `windowJoin`, `temporalJoin`, `join`.
 * Each side is what the edges with that `input` bring (a union when several, as elsewhere); each side must be
 * a keyed stream, the two keys must have the same number of fields with comparable types (left key field i
 * joins right key field i), and the event-time joins need a watermark on both sides. The output is `fields`
 * (expressions over `l.name` / `r.name`; a window join also offers `window_start` and `window_end`), or every
 * left field then every right field (a window join adds its bounds) — a name on both sides is then a
 * `duplicate-field` naming the nodes it comes from.
 */
import { checkExpression, type ExprError, type FieldType, type RowSchema } from '../expr/index';
import type { JOIN_INPUTS, JobNode, JoinNode } from '../schema';
import { label, type Reporter } from './codes';
import type { Derived } from './flow';
import type { EdgeRef, Graph } from './graph';
import { pointer } from './pointer';
import { formatSchema, sameKey, sameSchema } from './schemas';
import { list, quote } from './text';

export type JoinSide = (typeof JOIN_INPUTS)[number];

/** What one side of a join receives. */
export interface SideFlow {
  schema: RowSchema | null;
  key: string[] | null;
  /** The nodes feeding it (indexes). */
  from: number[];
}

const WINDOW_BOUNDS: RowSchema = { window_start: 'timestamp', window_end: 'timestamp' };

/** Numbers compare with numbers (int, float, timestamp), text with text, bools with bools. */
function comparable(a: FieldType, b: FieldType): boolean {
  const family = (t: FieldType) => (t === 'string' ? 's' : t === 'bool' ? 'b' : 'n');
  return family(a) === family(b);
}

export interface JoinContext {
  g: Graph;
  derived: ReadonlyMap<number, Derived>;
  r: Reporter;
  /** Reports an expression's errors (flow.ts's). */
  reportExprErrors(errors: readonly ExprError[], path: string, node: JobNode, what: string): void;
  /** Event time: every source upstream of `from` needs a watermark (flow.ts's). */
  checkWatermarks(node: JobNode, idx: number, from: readonly number[]): void;
}

/** One side's merged schema and key, with its problems reported. */
function sideFlow(c: JoinContext, node: JoinNode, idx: number, side: JoinSide): SideFlow {
  const { g, derived, r } = c;
  const refs: EdgeRef[] = g.ins[idx]!.filter((ref) => ref.edge.input === side);
  const incoming = refs.map((ref) => {
    const up = derived.get(ref.from)!;
    return ref.edge.port === 'late'
      ? { ref, schema: up.late ?? null, key: null }
      : { ref, schema: up.output, key: up.key };
  });
  const from = refs.map((ref) => ref.from);
  if (incoming.length === 0) return { schema: null, key: null, from };
  let schema = incoming.every((i) => i.schema !== null) ? incoming[0]!.schema : null;
  const known = incoming.filter((i) => i.schema !== null);
  const odd = known.find((i) => !sameSchema(i.schema!, known[0]!.schema!));
  if (odd !== undefined) {
    const name = (i: (typeof incoming)[number]) => quote(g.spec.nodes[i.ref.from]!.id);
    r.add(
      'schema-mismatch',
      pointer('nodes', idx),
      `${label(node)} gets rows with different schemas on its ${side} input: ${name(known[0]!)} sends ${formatSchema(known[0]!.schema!)}, but ${name(odd)} sends ${formatSchema(odd.schema!)}: make them the same, e.g. with a map on one of them`,
      node.id,
    );
    schema = null;
  }
  const firstKey = incoming[0]!.key;
  const key =
    firstKey !== null && incoming.every((i) => i.key !== null && sameKey(i.key, firstKey)) ? firstKey : null;
  if (key === null && odd !== undefined) {
    // The schemas already differ: a key that differs too is the same mistake.
  } else if (key === null && incoming.every((i) => i.key !== null)) {
    const other = incoming.find((i) => !sameKey(i.key!, firstKey!))!;
    const name = (i: (typeof incoming)[number]) => quote(g.spec.nodes[i.ref.from]!.id);
    r.add(
      'not-keyed',
      pointer('nodes', idx),
      `${label(node)} gets rows keyed differently on its ${side} input: ${name(incoming[0]!)} is keyed by [${firstKey!.join(', ')}], but ${name(other)} by [${other.key!.join(', ')}]: key them by the same fields`,
      node.id,
    );
  } else if (key === null) {
    r.add(
      'not-keyed',
      pointer('nodes', idx),
      `${label(node)} needs a keyed stream on its ${side} input: add a keyBy before it (only filters may stand between the keyBy and the join)`,
      node.id,
    );
  }
  return { schema, key, from };
}

/** Derives a join's output (and checks its sides, keys, bounds, watermarks and fields). */
export function deriveJoin(c: JoinContext, node: JoinNode, idx: number): Derived {
  const { r } = c;
  const left = sideFlow(c, node, idx, 'left');
  const right = sideFlow(c, node, idx, 'right');
  if (left.key !== null && right.key !== null) checkKeys(c, node, idx, left, right);
  if (node.kind === 'intervalJoin' && node.lowerBoundMs > node.upperBoundMs) {
    r.add(
      'invalid-bounds',
      pointer('nodes', idx, 'lowerBoundMs'),
      `${label(node)}: lowerBoundMs (${node.lowerBoundMs}) is after upperBoundMs (${node.upperBoundMs}): a right row joins when r.ts is in [l.ts + lowerBoundMs, l.ts + upperBoundMs], so lower must not exceed upper`,
      node.id,
    );
  }
  if (node.kind !== 'join') {
    // Interval, window and temporal joins are event-time joins: both sides need watermarks.
    if (left.from.length > 0) c.checkWatermarks(node, idx, left.from);
    if (right.from.length > 0) c.checkWatermarks(node, idx, right.from);
  }
  const output = left.schema !== null && right.schema !== null ? joinOutput(c, node, idx, left, right) : null;
  return { input: null, output, key: null, sides: { left, right } };
}

function checkKeys(c: JoinContext, node: JoinNode, idx: number, left: SideFlow, right: SideFlow): void {
  const lk = left.key!;
  const rk = right.key!;
  if (lk.length !== rk.length) {
    c.r.add(
      'join-key-mismatch',
      pointer('nodes', idx),
      `${label(node)}: the left input is keyed by ${lk.length} field${lk.length === 1 ? '' : 's'} [${lk.join(', ')}], the right by ${rk.length} [${rk.join(', ')}]: key both sides by the same number of fields (left key field i joins right key field i)`,
      node.id,
    );
    return;
  }
  if (left.schema === null || right.schema === null) return;
  lk.forEach((lf, i) => {
    const rf = rk[i]!;
    const lt = left.schema![lf];
    const rt = right.schema![rf];
    if (lt === undefined || rt === undefined || comparable(lt, rt)) return;
    c.r.add(
      'join-key-mismatch',
      pointer('nodes', idx),
      `${label(node)}: key field ${i + 1} is ${quote(lf)} (${lt}) on the left and ${quote(rf)} (${rt}) on the right, which cannot be equal: key both sides by fields of comparable types (cast one with a map before its keyBy)`,
      node.id,
    );
  });
}

function joinOutput(
  c: JoinContext,
  node: JoinNode,
  idx: number,
  left: SideFlow,
  right: SideFlow,
): RowSchema | null {
  const { r, g } = c;
  const l = left.schema!;
  const rs = right.schema!;
  const extra = node.kind === 'windowJoin' ? WINDOW_BOUNDS : undefined;
  if (node.fields !== undefined) {
    let output: Record<string, FieldType> | null = {};
    for (const [field, text] of Object.entries(node.fields)) {
      const path = pointer('nodes', idx, 'fields', field);
      const checked = checkExpression(
        text,
        {},
        { join: { left: l, right: rs, ...(extra ? { extra } : {}) } },
      );
      if (!checked.ok) {
        c.reportExprErrors(checked.errors, path, node, `field ${quote(field)}`);
        output = null;
        continue;
      }
      const type = checked.expr.type;
      if (type === 'null' || type === 'string[]') {
        r.add(
          type === 'null' ? 'null-type' : 'array-type',
          path,
          type === 'null'
            ? `${label(node)}, field ${quote(field)}: the expression is always NULL, so it has no type: write CAST(NULL AS <type>)`
            : `${label(node)}, field ${quote(field)}: the expression gives an array, but a row field cannot hold one`,
          node.id,
        );
        output = null;
      } else if (output !== null) {
        output[field] = type;
      }
    }
    return output;
  }
  const output: Record<string, FieldType> = { ...l };
  const names = (side: SideFlow) => list(side.from.map((i) => quote(g.spec.nodes[i]!.id)));
  let ok = true;
  for (const [field, type] of Object.entries(rs)) {
    if (Object.hasOwn(output, field)) {
      r.add(
        'duplicate-field',
        pointer('nodes', idx),
        `${label(node)}: the field ${quote(field)} comes from both inputs (left: ${names(left)}, right: ${names(right)}): add "fields" to name the output, e.g. "l_${field}": "l.${field}", "r_${field}": "r.${field}"`,
        node.id,
      );
      ok = false;
      continue;
    }
    output[field] = type;
  }
  if (extra) {
    for (const [field, type] of Object.entries(extra)) {
      if (Object.hasOwn(output, field)) {
        r.add(
          'duplicate-field',
          pointer('nodes', idx),
          `${label(node)}: an input has a field ${quote(field)}, which the window join adds itself: add "fields" to name the output, or rename the field with a map`,
          node.id,
        );
        ok = false;
      } else output[field] = type;
    }
  }
  return ok ? output : null;
}
