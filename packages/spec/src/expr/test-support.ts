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

const POSITION_KEYS = new Set(['start', 'end', 'type', 'opStart', 'opEnd', 'nameEnd']);

/** An AST (or any part of one) without positions and types, for structural comparison. */
export function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => !POSITION_KEYS.has(key))
        .map(([key, v]) => [key, shape(v)]),
    );
  }
  return value;
}
