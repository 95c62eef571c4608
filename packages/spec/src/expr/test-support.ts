/**
 * Helpers shared by this directory's tests (not exported from the package): run an expression through both
 * the compiler and the reference interpreter and insist that they agree.
 */
import { checkExpression } from './checker';
import { compileExpression } from './compile';
import { evaluate } from './evaluate';
import { ExpressionRuntimeError } from './runtime';
import type { CheckedExpression, Expr, RowSchema } from './types';

export type Outcome = { ok: true; value: unknown } | { ok: false; code: string; message: string };

function outcome(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    if (e instanceof ExpressionRuntimeError) return { ok: false, code: e.code, message: e.message };
    throw e;
  }
}

/** Deep equality where numbers compare with Object.is (NaN equals NaN, 0 differs from -0). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  }
  return Object.is(a, b);
}

export function sameOutcome(a: Outcome, b: Outcome): boolean {
  if (a.ok && b.ok) return sameValue(a.value, b.value);
  if (!a.ok && !b.ok) return a.code === b.code && a.message === b.message;
  return false;
}

export function describeOutcome(o: Outcome): string {
  if (!o.ok) return `throws ${o.code}: ${o.message}`;
  const v = o.value;
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  return JSON.stringify(v);
}

export function mustCheck(text: string, schema: RowSchema): CheckedExpression {
  const checked = checkExpression(text, schema);
  if (!checked.ok) throw new Error(`${text}: ${checked.errors.map((e) => e.message).join('; ')}`);
  return checked.expr;
}

/** Both engines' outcomes for one row; throws (failing the test) when they disagree. */
export function runBoth(expr: CheckedExpression, row: Readonly<Record<string, unknown>>): Outcome {
  const compiled = outcome(() => compileExpression(expr)(row));
  const interpreted = outcome(() => evaluate(expr.ast as Expr, row));
  if (!sameOutcome(compiled, interpreted)) {
    throw new Error(
      `compiled and interpreted results differ for ${expr.text} on ${JSON.stringify(row)}:\n  compiled:    ${describeOutcome(compiled)}\n  interpreted: ${describeOutcome(interpreted)}`,
    );
  }
  return compiled;
}

/** The AST without positions, for structural comparison. */
export function shape(node: Expr): unknown {
  const { start: _s, end: _e, type: _t, ...rest } = node as Expr & Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === 'opStart' || key === 'opEnd' || key === 'nameEnd') continue;
    if (Array.isArray(value)) {
      out[key] = value.map((v) =>
        v && typeof v === 'object' && 'kind' in v
          ? shape(v as Expr)
          : v && typeof v === 'object'
            ? { when: shape((v as { when: Expr }).when), then: shape((v as { then: Expr }).then) }
            : v,
      );
    } else if (value && typeof value === 'object' && 'kind' in value) {
      out[key] = shape(value as Expr);
    } else {
      out[key] = value;
    }
  }
  return out;
}
