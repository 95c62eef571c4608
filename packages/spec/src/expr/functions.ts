/**
 * The catalog of scalar functions: names, parameters and result types, used by the type checker. The
 * implementations live in `compile.ts` (specialised closures) and, written plainly, in `evaluate.ts`.
 */
import type { AggregateFunction } from './types';

/** What an argument must be. `any` accepts every type; NULL is accepted everywhere. */
export type ParamKind = 'string' | 'int' | 'numeric' | 'bool' | 'any';

export interface FunctionSpec {
  /** Canonical name (aliases map to it). */
  name: string;
  params: readonly ParamKind[];
  /** How many trailing `params` may be left out. */
  optional?: number;
  /** Further arguments of this kind may follow `params`. */
  variadic?: ParamKind;
  /**
   * `same`: the type of the first argument; `numeric`: int when every argument is int, else float;
   * `unify`: the common type of the arguments from `unifyFrom` on (int and float unify to float).
   */
  result: 'string' | 'int' | 'float' | 'bool' | 'timestamp' | 'string[]' | 'same' | 'numeric' | 'unify';
  unifyFrom?: number;
  /** Arguments must be comparable with each other (GREATEST, LEAST, NULLIF). */
  comparable?: boolean;
  /** Index of an argument that is a regular expression; a literal one is validated when checking. */
  regexArg?: number;
  usage: string;
}

const S = 'string';
const I = 'int';
const N = 'numeric';
const B = 'bool';
const A = 'any';

const SPECS: FunctionSpec[] = [
  { name: 'LOWER', params: [S], result: 'string', usage: 'LOWER(s)' },
  { name: 'UPPER', params: [S], result: 'string', usage: 'UPPER(s)' },
  {
    name: 'TRIM',
    params: [S, S],
    optional: 1,
    result: 'string',
    usage: 'TRIM(s) or TRIM([BOTH | LEADING | TRAILING] [chars] FROM s)',
  },
  { name: 'LTRIM', params: [S, S], optional: 1, result: 'string', usage: 'LTRIM(s)' },
  { name: 'RTRIM', params: [S, S], optional: 1, result: 'string', usage: 'RTRIM(s)' },
  { name: 'CHAR_LENGTH', params: [S], result: 'int', usage: 'CHAR_LENGTH(s)' },
  {
    name: 'SUBSTRING',
    params: [S, I, I],
    optional: 1,
    result: 'string',
    usage: 'SUBSTRING(s, start[, length]) or SUBSTRING(s FROM start [FOR length])',
  },
  { name: 'CONCAT', params: [S], variadic: S, result: 'string', usage: 'CONCAT(s1, s2, ...)' },
  {
    name: 'CONCAT_WS',
    params: [S, S],
    variadic: S,
    result: 'string',
    usage: 'CONCAT_WS(separator, s1, s2, ...)',
  },
  { name: 'SPLIT', params: [S, S], result: 'string[]', usage: 'SPLIT(s, delimiter)' },
  {
    name: 'REGEXP_SPLIT',
    params: [S, S],
    regexArg: 1,
    result: 'string[]',
    usage: 'REGEXP_SPLIT(s, pattern)',
  },
  {
    name: 'REGEXP_REPLACE',
    params: [S, S, S],
    regexArg: 1,
    result: 'string',
    usage: 'REGEXP_REPLACE(s, pattern, replacement)',
  },
  { name: 'REGEXP', params: [S, S], regexArg: 1, result: 'bool', usage: 'REGEXP(s, pattern)' },
  {
    name: 'REGEXP_EXTRACT',
    params: [S, S, I],
    optional: 1,
    regexArg: 1,
    result: 'string',
    usage: 'REGEXP_EXTRACT(s, pattern[, group])',
  },
  { name: 'POSITION', params: [S, S], result: 'int', usage: 'POSITION(needle IN s)' },
  { name: 'REPLACE', params: [S, S, S], result: 'string', usage: 'REPLACE(s, search, replacement)' },
  { name: 'ABS', params: [N], result: 'same', usage: 'ABS(x)' },
  { name: 'FLOOR', params: [N], result: 'same', usage: 'FLOOR(x)' },
  { name: 'CEIL', params: [N], result: 'same', usage: 'CEIL(x)' },
  { name: 'ROUND', params: [N, I], optional: 1, result: 'same', usage: 'ROUND(x[, digits])' },
  { name: 'MOD', params: [N, N], result: 'numeric', usage: 'MOD(a, b)' },
  { name: 'POWER', params: [N, N], result: 'float', usage: 'POWER(base, exponent)' },
  { name: 'SQRT', params: [N], result: 'float', usage: 'SQRT(x)' },
  { name: 'COALESCE', params: [A], variadic: A, result: 'unify', unifyFrom: 0, usage: 'COALESCE(a, b, ...)' },
  { name: 'IF', params: [B, A, A], result: 'unify', unifyFrom: 1, usage: 'IF(condition, then, else)' },
  { name: 'NULLIF', params: [A, A], comparable: true, result: 'unify', unifyFrom: 0, usage: 'NULLIF(a, b)' },
  {
    name: 'GREATEST',
    params: [A],
    variadic: A,
    comparable: true,
    result: 'unify',
    unifyFrom: 0,
    usage: 'GREATEST(a, b, ...)',
  },
  {
    name: 'LEAST',
    params: [A],
    variadic: A,
    comparable: true,
    result: 'unify',
    unifyFrom: 0,
    usage: 'LEAST(a, b, ...)',
  },
  {
    name: 'TO_TIMESTAMP_LTZ',
    params: [I, I],
    result: 'timestamp',
    usage: 'TO_TIMESTAMP_LTZ(epoch, precision) with precision 0 (seconds) or 3 (milliseconds)',
  },
];

const ALIASES: Readonly<Record<string, string>> = {
  CHARACTER_LENGTH: 'CHAR_LENGTH',
  SUBSTR: 'SUBSTRING',
  CEILING: 'CEIL',
};

export const FUNCTIONS: ReadonlyMap<string, FunctionSpec> = new Map([
  ...SPECS.map((s) => [s.name, s] as const),
  ...Object.entries(ALIASES).map(
    ([alias, name]) => [alias, SPECS.find((s) => s.name === name) as FunctionSpec] as const,
  ),
]);

/** The aggregate functions, in the order they are listed to people. */
export const AGGREGATE_FUNCTION_NAMES = [
  'COUNT',
  'SUM',
  'MIN',
  'MAX',
  'AVG',
  'FIRST_VALUE',
  'LAST_VALUE',
] as const satisfies readonly AggregateFunction[];

export const AGGREGATE_FUNCTIONS: ReadonlySet<AggregateFunction> = new Set<AggregateFunction>(
  AGGREGATE_FUNCTION_NAMES,
);

export function isAggregateName(name: string): name is AggregateFunction {
  return AGGREGATE_FUNCTIONS.has(name as AggregateFunction);
}

export function arityText(spec: FunctionSpec): string {
  const max = spec.params.length;
  const min = max - (spec.optional ?? 0);
  if (spec.variadic) return `at least ${min} argument${min === 1 ? '' : 's'}`;
  if (min === max) return `${min} argument${min === 1 ? '' : 's'}`;
  return max === min + 1 ? `${min} or ${max} arguments` : `${min} to ${max} arguments`;
}
