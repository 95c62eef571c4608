/** Windows, aggregates and keys in the inspector: assigner fields, aggregate rows, the key picker. */
import {
  AGGREGATE_FUNCTION_NAMES,
  type AggregateFunction,
  formatIdentifier,
  parseExpression,
} from '@flowstate/spec';
import { type FormField, f, ms, options } from './form-model';
import { appendKey } from './records';

export const ASSIGNER_TYPES = options(['tumbling', 'sliding', 'session'], {
  tumbling: 'Tumbling',
  sliding: 'Sliding',
  session: 'Session',
});

/** The fields of each window assigner type. */
export const ASSIGNER_FIELDS: Readonly<Record<string, readonly FormField[]>> = {
  tumbling: [
    ms(['assigner', 'sizeMs'], 'Size', { min: 1, required: true }),
    ms(['assigner', 'offsetMs'], 'Offset', {
      defaultValue: 0,
      help: 'Shifts window starts; less than the size',
    }),
  ],
  sliding: [
    ms(['assigner', 'sizeMs'], 'Size', { min: 1, required: true }),
    ms(['assigner', 'slideMs'], 'Slide', { min: 1, required: true, help: 'A new window starts every slide' }),
    ms(['assigner', 'offsetMs'], 'Offset', {
      defaultValue: 0,
      help: 'Shifts window starts; less than the slide',
    }),
  ],
  session: [
    ms(['assigner', 'gapMs'], 'Gap', {
      min: 1,
      required: true,
      help: 'A session closes after this long without rows for its key',
    }),
  ],
};

export const AGGREGATES_FIELD = f(['aggregates'], {
  label: 'Aggregates',
  input: 'aggregates-editor',
  required: true,
  expression: 'aggregate',
  help: 'Output field = aggregate call: COUNT(*), COUNT(x), SUM, MIN, MAX, AVG, FIRST_VALUE, LAST_VALUE',
});

/** The aggregate functions, for a select (the spec package's list). */
export { AGGREGATE_FUNCTION_NAMES };

/** An aggregate the row form can show: a function and `*` (`COUNT(*)`) or one input field. */
export interface AggregateRow {
  fn: AggregateFunction;
  /** The argument field; `null` is `*` (COUNT only). */
  field: string | null;
}

/**
 * The row form of an aggregate expression, or `null` when the row form cannot show it (an argument
 * that is more than one field, DISTINCT, not an aggregate call, a syntax error): such an aggregate is
 * edited as text.
 */
export function parseAggregateRow(text: string): AggregateRow | null {
  const parsed = parseExpression(text);
  if (!parsed.ok) return null;
  const ast = parsed.ast;
  if (ast.kind !== 'call' || ast.distinct) return null;
  const fn = AGGREGATE_FUNCTION_NAMES.find((name) => name === ast.name);
  if (fn === undefined) return null;
  if (ast.star) return fn === 'COUNT' && ast.args.length === 0 ? { fn, field: null } : null;
  const arg = ast.args[0];
  if (ast.args.length !== 1 || arg?.kind !== 'field') return null;
  return { fn, field: arg.name };
}

/** The aggregate expression of a row: `COUNT(*)`, `SUM(amount)`, ``MAX(`select`)``. */
export function aggregateText(row: AggregateRow): string {
  return `${row.fn}(${row.field === null ? '*' : formatIdentifier(row.field)})`;
}

/** The input fields a function can take: numbers for SUM and AVG, any field for the others. */
export function aggregateFieldsFor<T extends { name: string; type: string }>(
  fn: AggregateFunction,
  input: readonly T[],
): T[] {
  return fn === 'SUM' || fn === 'AVG'
    ? input.filter((x) => x.type === 'int' || x.type === 'float')
    : [...input];
}

/**
 * The row after choosing another function: the argument is kept when the function can take it,
 * else it becomes `*` for COUNT or the first input field the function can take (`null` when there is
 * none: the caller shows the row as unfinished).
 */
export function withAggregateFunction(
  row: AggregateRow,
  fn: AggregateFunction,
  input: readonly { name: string; type: string }[],
): AggregateRow {
  const fits = aggregateFieldsFor(fn, input);
  const known = input.length === 0;
  if (row.field !== null && (known || fits.some((x) => x.name === row.field)))
    return { fn, field: row.field };
  if (fn === 'COUNT') return { fn, field: null };
  return { fn, field: fits[0]?.name ?? row.field };
}

/** The aggregates with one more: `count: COUNT(*)` (`count2`… when taken). */
export function addAggregate(aggregates: Record<string, string>): Record<string, string> {
  return appendKey(aggregates, 'count', 'COUNT(*)');
}

// -------------------------------------------------------------------------------------- key picker

export interface KeyOption {
  name: string;
  checked: boolean;
  /** A key the input does not have (only said when the input's fields are known). */
  missing: boolean;
}

/** The key picker's checkboxes: the input's fields, then keys the input does not have. */
export function keyOptions(key: unknown, input: readonly { name: string }[]): KeyOption[] {
  const current = Array.isArray(key) ? key.filter((k): k is string => typeof k === 'string') : [];
  const names = input.map((x) => x.name);
  return [
    ...names.map((name) => ({ name, checked: current.includes(name), missing: false })),
    ...current
      .filter((k) => !names.includes(k))
      .map((name) => ({ name, checked: true, missing: names.length > 0 })),
  ];
}

/** The key after (un)checking `name`: checked keys keep the input's field order; unknown keys stay last. */
export function toggleKey(
  key: unknown,
  name: string,
  on: boolean,
  input: readonly { name: string }[],
): string[] {
  const current = Array.isArray(key) ? key.filter((k): k is string => typeof k === 'string') : [];
  if (!on) return current.filter((k) => k !== name);
  if (current.includes(name)) return current;
  const order = input.map((x) => x.name);
  const next = [...current, name];
  const rank = (k: string) => {
    const i = order.indexOf(k);
    return i === -1 ? order.length + next.indexOf(k) : i;
  };
  return next.sort((a, b) => rank(a) - rank(b));
}
