import {
  type CompiledExpression,
  checkExpression,
  compileExpression,
  type JoinNode,
  type RowSchema,
} from '@flowstate/spec';
import type { Row } from '../../runtime/elements';

/** A window join's bounds, offered to its `fields` and added to its default output. */
export interface WindowBounds {
  start: number;
  end: number;
}

/**
 * Builds a join's output row from a left and a right row (either may be null: the padded side of an outer
 * join, whose fields are then NULL). With `fields`, each output field is an expression over `l.name` / `r.name`
 * (and a window join's `window_start` / `window_end`); a field that is just a side's field is copied without
 * evaluating anything, and the merged row the other expressions read (`{'l.x': …, 'r.y': …}`) is built only
 * when some field needs it. Without `fields`: every left field, then every right field (then the window's
 * bounds), as the validator derived them.
 */
export class JoinOutput {
  private readonly names: string[];
  /** Per output field: a direct copy from one side, or an expression over the merged row. */
  private readonly parts: Array<
    | { side: 'l' | 'r'; field: string }
    | { window: 'window_start' | 'window_end' }
    | { fn: CompiledExpression }
  >;
  private readonly needsMerged: boolean;
  private readonly leftFields: string[];
  private readonly rightFields: string[];

  constructor(node: JoinNode, left: RowSchema, right: RowSchema) {
    this.leftFields = Object.keys(left);
    this.rightFields = Object.keys(right);
    const extra: RowSchema | undefined =
      node.kind === 'windowJoin' ? { window_start: 'timestamp', window_end: 'timestamp' } : undefined;
    if (node.fields === undefined) {
      this.names = [...this.leftFields, ...this.rightFields, ...(extra ? Object.keys(extra) : [])];
      this.parts = [
        ...this.leftFields.map((field) => ({ side: 'l' as const, field })),
        ...this.rightFields.map((field) => ({ side: 'r' as const, field })),
        ...(extra ? [{ window: 'window_start' as const }, { window: 'window_end' as const }] : []),
      ];
      this.needsMerged = false;
      return;
    }
    this.names = Object.keys(node.fields);
    this.parts = this.names.map((name) => {
      const text = node.fields![name]!;
      const r = checkExpression(text, {}, { join: { left, right, ...(extra ? { extra } : {}) } });
      if (!r.ok) {
        throw new Error(
          `${node.kind} '${node.id}' field '${name}': ${r.errors.map((e) => e.message).join('; ')} (the spec should have been validated)`,
        );
      }
      const ast = r.expr.ast;
      if (ast.kind === 'field') {
        // The checker resolved the name: a side (qualifier and field) or a window bound.
        if (ast.name === 'window_start' || ast.name === 'window_end') return { window: ast.name };
        if ((ast.qualifier === 'l' || ast.qualifier === 'r') && ast.field !== undefined)
          return { side: ast.qualifier, field: ast.field };
      }
      return { fn: compileExpression(r.expr) };
    });
    this.needsMerged = this.parts.some((p) => 'fn' in p);
  }

  /** The output row; `window` for a window join. Throws what an expression throws (a row error). */
  build(l: Row | null, r: Row | null, window?: WindowBounds): Row {
    const merged = this.needsMerged ? this.merged(l, r, window) : null;
    const out: Row = {};
    const { names, parts } = this;
    for (let i = 0; i < names.length; i++) {
      const p = parts[i]!;
      let v: unknown;
      if ('side' in p) {
        const row = p.side === 'l' ? l : r;
        v = row === null ? null : (row[p.field] ?? null);
      } else if ('window' in p) {
        v = window === undefined ? null : p.window === 'window_start' ? window.start : window.end;
      } else {
        v = p.fn(merged!);
      }
      out[names[i]!] = v;
    }
    return out;
  }

  private merged(l: Row | null, r: Row | null, window: WindowBounds | undefined): Row {
    const m: Row = {};
    for (const f of this.leftFields) m[`l.${f}`] = l === null ? null : (l[f] ?? null);
    for (const f of this.rightFields) m[`r.${f}`] = r === null ? null : (r[f] ?? null);
    if (window !== undefined) {
      m.window_start = window.start;
      m.window_end = window.end;
    }
    return m;
  }
}
