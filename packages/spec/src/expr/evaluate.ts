/**
 * The reference interpreter: a plain tree walk over a type-checked AST, written for clarity rather than
 * speed. Tests compare the compiler (`compile.ts`) against it on random expressions and rows. It follows the
 * evaluation rules of README.md literally: operands left to right, a strict operator stops at the first NULL
 * operand, AND/OR/CASE/COALESCE/IF evaluate only what they need.
 */
import { FUNCTIONS } from './functions';
import { matchLikeReference, parseLike } from './like';
import { isRegexProblem, RegexCache, regexError, type SpecRegex } from './regex';
import {
  boolToString,
  castFailed,
  castHint,
  charLength,
  floatToInt,
  intAdd,
  intDiv,
  intMod,
  intMul,
  intSub,
  invalidLike,
  positionSql,
  replaceLiteral,
  roundFloat,
  roundInt,
  stringToBool,
  stringToFloat,
  stringToInt,
  stringToTimestamp,
  substringSql,
  timestampToString,
  trimSql,
} from './runtime';
import type { CallExpr, Expr, FieldType, ValueType } from './types';

type Row = Readonly<Record<string, unknown>>;

function typeOf(node: Expr): ValueType {
  if (node.type === undefined) {
    throw new Error('evaluate() needs a type-checked AST: use checkExpression(text, schema).expr.ast');
  }
  return node.type;
}

/** Evaluates a checked expression on one row. */
export function evaluate(ast: Expr, row: Row): unknown {
  return ev(ast, row);
}

/** SQL three-valued AND / OR / NOT on true, false and null. */
function and3(a: boolean | null, b: boolean | null): boolean | null {
  if (a === false || b === false) return false;
  if (a === null || b === null) return null;
  return true;
}

function not3(a: boolean | null): boolean | null {
  return a === null ? null : !a;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  const x = a as number;
  const y = b as number;
  switch (op) {
    case '=':
      return x === y;
    case '<>':
      return x !== y;
    case '<':
      return x < y;
    case '<=':
      return x <= y;
    case '>':
      return x > y;
    default:
      return x >= y;
  }
}

function ev(node: Expr, row: Row): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;

    case 'field': {
      if (!Object.hasOwn(row, node.name)) return null;
      const v = row[node.name];
      return v === undefined ? null : v;
    }

    case 'unary': {
      const v = ev(node.operand, row);
      if (v === null) return null;
      if (node.op === 'NOT') return !v;
      if (node.op === '+') return v;
      return typeOf(node) === 'int' ? 0 - (v as number) : -(v as number);
    }

    case 'binary': {
      const op = node.op;
      if (op === 'AND') {
        const l = ev(node.left, row);
        if (l === false) return false;
        const r = ev(node.right, row);
        if (r === false) return false;
        return l === null || r === null ? null : true;
      }
      if (op === 'OR') {
        const l = ev(node.left, row);
        if (l === true) return true;
        const r = ev(node.right, row);
        if (r === true) return true;
        return l === null || r === null ? null : false;
      }
      const l = ev(node.left, row);
      if (l === null) return null;
      const r = ev(node.right, row);
      if (r === null) return null;
      if (op === '||') return (l as string) + (r as string);
      if (op === '+' || op === '-' || op === '*' || op === '/' || op === '%') {
        const a = l as number;
        const b = r as number;
        const t = typeOf(node);
        if (t === 'int' || t === 'timestamp') {
          if (op === '+') return intAdd(a, b);
          if (op === '-') return intSub(a, b);
          if (op === '*') return intMul(a, b);
          if (op === '/') return intDiv(a, b);
          return intMod(a, b);
        }
        if (op === '+') return a + b;
        if (op === '-') return a - b;
        if (op === '*') return a * b;
        if (op === '/') return a / b;
        return a % b;
      }
      return compare(op, l, r);
    }

    case 'is': {
      const v = ev(node.operand, row);
      let result: boolean;
      if (node.test === 'NULL') result = v === null;
      else if (node.test === 'TRUE') result = v === true;
      else result = v === false;
      return node.negated ? !result : result;
    }

    case 'like': {
      const s = ev(node.operand, row);
      if (s === null) return null;
      const p = ev(node.pattern, row);
      if (p === null) return null;
      const escapeChar = node.escape ? (ev(node.escape, row) as string) : null;
      const like = parseLike(p as string, escapeChar);
      if (typeof like === 'string') throw invalidLike(like);
      const matched = matchLikeReference(like, s as string);
      return node.negated ? !matched : matched;
    }

    case 'in': {
      const v = ev(node.operand, row);
      if (v === null) return null;
      let sawNull = false;
      for (const item of node.list) {
        const x = ev(item, row);
        if (x === null) sawNull = true;
        else if (x === v) return !node.negated;
      }
      if (sawNull) return null;
      return node.negated;
    }

    case 'between': {
      const v = ev(node.operand, row);
      const low = ev(node.low, row);
      const high = ev(node.high, row);
      const aboveLow = v === null || low === null ? null : compare('>=', v, low);
      const belowHigh = v === null || high === null ? null : compare('<=', v, high);
      const result = and3(aboveLow, belowHigh);
      return node.negated ? not3(result) : result;
    }

    case 'case': {
      if (node.subject === null) {
        for (const w of node.whens) {
          if (ev(w.when, row) === true) return ev(w.then, row);
        }
      } else {
        const subject = ev(node.subject, row);
        for (const w of node.whens) {
          const value = ev(w.when, row);
          if (subject !== null && value !== null && subject === value) return ev(w.then, row);
        }
      }
      return node.elseExpr ? ev(node.elseExpr, row) : null;
    }

    case 'cast': {
      const v = ev(node.operand, row);
      if (v === null) return null;
      const from = typeOf(node.operand);
      const result = convert(v, from, node.target);
      if (result === undefined) {
        if (node.safe) return null;
        throw castFailed(v, node.typeName, castHint(from, node.target));
      }
      return result;
    }

    case 'call':
      return call(node, row);
  }
}

/** The CAST conversions; undefined when the value cannot be converted. */
function convert(v: unknown, from: ValueType, to: FieldType): unknown {
  if (from === to) return v;
  switch (to) {
    case 'string':
      if (from === 'bool') return boolToString(v as boolean);
      if (from === 'timestamp') return timestampToString(v as number);
      return String(v);
    case 'int':
      if (from === 'string') return stringToInt(v as string);
      if (from === 'float') return floatToInt(v as number);
      if (from === 'bool') return v ? 1 : 0;
      return v; // timestamp: epoch milliseconds
    case 'float':
      if (from === 'string') return stringToFloat(v as string);
      if (from === 'bool') return v ? 1 : 0;
      return v;
    case 'bool':
      if (from === 'string') return stringToBool(v as string);
      return (v as number) !== 0;
    case 'timestamp':
      if (from === 'string') return stringToTimestamp(v as string);
      return v; // int: epoch milliseconds
  }
}

/** Evaluates arguments left to right, stopping at the first NULL (then returning null). */
function strictArgs(args: Expr[], row: Row): unknown[] | null {
  const values: unknown[] = [];
  for (const arg of args) {
    const v = ev(arg, row);
    if (v === null) return null;
    values.push(v);
  }
  return values;
}

/**
 * Compiled patterns, so that a test's thousands of rows do not compile the same pattern each time. Always
 * on RE2's matcher: the compiler's plain scan for simple patterns (`regex-simple.ts`) is checked against it.
 */
const regexCache = new RegexCache(256, { fastPath: false });

function regex(pattern: string): SpecRegex {
  const re = regexCache.get(pattern);
  if (isRegexProblem(re)) throw regexError(pattern, re);
  return re;
}

function call(node: CallExpr, row: Row): unknown {
  const spec = FUNCTIONS.get(node.name);
  if (!spec) throw new Error(`evaluate(): unknown function ${node.name}`);
  const name = spec.name;
  const args = node.args;

  // functions that do not simply return NULL for a NULL argument
  switch (name) {
    case 'COALESCE':
      for (const arg of args) {
        const v = ev(arg, row);
        if (v !== null) return v;
      }
      return null;
    case 'IF':
      return ev(args[0] as Expr, row) === true ? ev(args[1] as Expr, row) : ev(args[2] as Expr, row);
    case 'NULLIF': {
      const a = ev(args[0] as Expr, row);
      const b = ev(args[1] as Expr, row);
      if (a === null) return null;
      if (b === null) return a;
      return a === b ? null : a;
    }
    case 'CONCAT_WS': {
      const values = args.map((arg) => ev(arg, row));
      const separator = values[0];
      if (separator === null || separator === undefined) return null;
      return values
        .slice(1)
        .filter((v) => v !== null)
        .join(separator as string);
    }
  }

  const a = strictArgs(args, row);
  if (a === null) return null;
  const s0 = a[0] as string;
  const n0 = a[0] as number;
  switch (name) {
    case 'LOWER':
      return s0.toLowerCase();
    case 'UPPER':
      return s0.toUpperCase();
    case 'TRIM':
      return trimSql(s0, a.length > 1 ? (a[1] as string) : ' ', true, true);
    case 'LTRIM':
      return trimSql(s0, a.length > 1 ? (a[1] as string) : ' ', true, false);
    case 'RTRIM':
      return trimSql(s0, a.length > 1 ? (a[1] as string) : ' ', false, true);
    case 'CHAR_LENGTH':
      return charLength(s0);
    case 'SUBSTRING':
      return substringSql(s0, a[1] as number, a.length > 2 ? (a[2] as number) : undefined);
    case 'CONCAT':
      return a.join('');
    case 'SPLIT':
      return s0.split(a[1] as string);
    case 'REGEXP_SPLIT':
      return regex(a[1] as string).split(s0);
    case 'REGEXP_REPLACE':
      return regex(a[1] as string).replaceAll(s0, a[2] as string);
    case 'REGEXP':
      return regex(a[1] as string).test(s0);
    case 'REGEXP_EXTRACT':
      return regex(a[1] as string).extract(s0, a.length > 2 ? (a[2] as number) : 0);
    case 'POSITION':
      return positionSql(s0, a[1] as string);
    case 'REPLACE':
      return replaceLiteral(s0, a[1] as string, a[2] as string);
    case 'ABS':
      return Math.abs(n0);
    case 'FLOOR':
      return typeOf(node) === 'int' ? n0 : Math.floor(n0);
    case 'CEIL':
      return typeOf(node) === 'int' ? n0 : Math.ceil(n0);
    case 'ROUND': {
      const digits = a.length > 1 ? (a[1] as number) : 0;
      return typeOf(node) === 'int' ? roundInt(n0, digits) : roundFloat(n0, digits);
    }
    case 'MOD':
      return typeOf(node) === 'int' ? intMod(n0, a[1] as number) : n0 % (a[1] as number);
    case 'POWER':
      return n0 ** (a[1] as number);
    case 'SQRT':
      return Math.sqrt(n0);
    case 'GREATEST':
    case 'LEAST': {
      let best = a[0] as number;
      for (const v of a.slice(1)) {
        const x = v as number;
        if (name === 'GREATEST' ? x > best : x < best) best = x;
      }
      return best;
    }
    case 'TO_TIMESTAMP_LTZ':
      return a[1] === 0 ? intMul(n0, 1000) : n0;
    default:
      throw new Error(`evaluate(): no implementation for ${name}`);
  }
}
