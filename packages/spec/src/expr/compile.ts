/**
 * The compiler: a checked AST → one JavaScript closure per expression, built once by composing small closures
 * per node. The text is never handed to eval or new Function. (One file: one compile rule per node kind, in the
 * checker's order; the operator fast paths are in specialized.ts.)
 *
 * - Types are known statically, so each node gets the closure for its types: int arithmetic (exact, overflow
 *   checked, truncating division) and float arithmetic (IEEE) are different closures; a CAST picks its
 *   conversion at compile time.
 * - Binary operators on field / constant operands get specialised closures (`specialized.ts`) that read the
 *   row property and apply the operator inline: no allocation and no lookups beyond the property read.
 * - Sub-expressions without field references are folded to constants (unless evaluating them fails: then
 *   the failure happens at run time, row by row, as it would without folding).
 * - LIKE patterns and regular expressions that are literals are compiled once; simple LIKE patterns
 *   (`abc`, `abc%`, `%abc`, `%abc%`) become string tests, others use `matchLike` (no backtracking).
 *   Regular expressions run on RE2 (`regex.ts`), in time linear in the string. A LIKE pattern computed per
 *   row is parsed when it differs from the previous row's; a regex from the row is compiled once per
 *   distinct pattern among the last few.
 *
 * The result must equal the reference interpreter's (`evaluate.ts`), including which runtime error is
 * thrown; the fuzz tests hold the two to that.
 */
import { children } from './ast';
import { FUNCTIONS } from './functions';
import { type LikePattern, likeLiteral, matchLike, parseLike } from './like';
import { compileRegex, isRegexProblem, RegexCache, regexError, type SpecRegex } from './regex';
import {
  boolToString,
  castFailed,
  castHint,
  charLength,
  floatToInt,
  intMod,
  intMul,
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
import { BINARY_BUILDERS, type Fn, type Operand } from './specialized';
import type { CallExpr, CheckedExpression, CompiledExpression, Expr, FieldType, ValueType } from './types';

/** Compiles a checked expression to a closure `(row) => value`. Build it once, call it per row. */
export function compileExpression(expr: CheckedExpression): CompiledExpression {
  return new Compiler().compile(expr.ast).fn;
}

function typeOf(node: Expr): ValueType {
  if (node.type === undefined) {
    throw new Error('compileExpression() needs a type-checked expression: use checkExpression(text, schema)');
  }
  return node.type;
}

const constant = (value: unknown): Operand => ({ fn: () => value, isConst: true, value, field: null });
const dynamic = (fn: Fn): Operand => ({ fn, isConst: false, value: undefined, field: null });

/** Reads a field; a missing field reads as NULL. Names such as `constructor` must not read the prototype. */
function fieldOperand(name: string): Operand {
  if (name in Object.prototype) {
    return dynamic((row) => (Object.hasOwn(row, name) ? (row[name] ?? null) : null));
  }
  return {
    fn: (row) => {
      const v = row[name];
      return v === undefined ? null : v;
    },
    isConst: false,
    value: undefined,
    field: name,
  };
}

class Compiler {
  private readonly readsFields = new WeakMap<Expr, boolean>();

  /** Whether the sub-expression depends on the row (memoised, bottom-up). */
  private dependsOnRow(node: Expr): boolean {
    const known = this.readsFields.get(node);
    if (known !== undefined) return known;
    let result = node.kind === 'field';
    for (const child of children(node)) if (this.dependsOnRow(child)) result = true;
    this.readsFields.set(node, result);
    return result;
  }

  compile(node: Expr): Operand {
    if (node.kind === 'literal') return constant(node.value);
    if (node.kind === 'field') return fieldOperand(node.name);
    const built = this.build(node);
    if (built.isConst || this.dependsOnRow(node) || typeOf(node) === 'string[]') return built;
    // Constant folding: evaluate once now. A failure (1 / 0) stays a run-time failure.
    try {
      return constant(built.fn({}));
    } catch {
      return built;
    }
  }

  private fn(node: Expr): Fn {
    return this.compile(node).fn;
  }

  private build(node: Expr): Operand {
    switch (node.kind) {
      case 'literal':
      case 'field':
        return this.compile(node);
      case 'unary':
        return this.unary(node);
      case 'binary':
        return this.binary(node);
      case 'is':
        return dynamic(this.is(node));
      case 'like':
        return dynamic(this.like(node));
      case 'in':
        return dynamic(this.in(node));
      case 'between':
        return dynamic(this.between(node));
      case 'case':
        return dynamic(this.caseExpr(node));
      case 'cast':
        return dynamic(this.cast(node));
      case 'call':
        return this.call(node);
    }
  }

  private unary(node: Extract<Expr, { kind: 'unary' }>): Operand {
    const operand = this.compile(node.operand);
    if (operand.isConst && operand.value === null) return constant(null);
    const f = operand.fn;
    if (node.op === '+') return operand;
    if (node.op === 'NOT') {
      return dynamic((row) => {
        const v = f(row);
        return v === null ? null : !v;
      });
    }
    if (typeOf(node) === 'int') {
      return dynamic((row) => {
        const v = f(row);
        return v === null ? null : 0 - (v as number); // no -0 for ints
      });
    }
    return dynamic((row) => {
      const v = f(row);
      return v === null ? null : -(v as number);
    });
  }

  private binary(node: Extract<Expr, { kind: 'binary' }>): Operand {
    const op = node.op;
    const l = this.compile(node.left);
    const r = this.compile(node.right);
    if (op === 'AND' || op === 'OR') return dynamic(this.logical(op, l, r));
    // Strict operators: the left operand first; a NULL operand gives NULL.
    if (l.isConst && l.value === null) return constant(null);
    if (r.isConst && r.value === null) {
      const lf = l.fn;
      return dynamic((row) => {
        lf(row); // still evaluated: it may fail
        return null;
      });
    }
    if (op === '||') {
      const lf = l.fn;
      const rf = r.fn;
      return dynamic((row) => {
        const a = lf(row);
        if (a === null) return null;
        const b = rf(row);
        return b === null ? null : (a as string) + (b as string);
      });
    }
    let key: string;
    if (op === '+' || op === '-' || op === '*' || op === '/' || op === '%') {
      const t = typeOf(node);
      key = (t === 'float' ? 'float' : 'int') + op;
    } else {
      key = `cmp${op}`;
    }
    const builder = BINARY_BUILDERS[key];
    if (!builder) throw new Error(`compileExpression(): no closure for ${key}`);
    return dynamic(builder(l, r));
  }

  private logical(op: 'AND' | 'OR', l: Operand, r: Operand): Fn {
    const lf = l.fn;
    const rf = r.fn;
    if (op === 'AND') {
      return (row) => {
        const a = lf(row);
        if (a === false) return false;
        const b = rf(row);
        if (b === false) return false;
        return a === null || b === null ? null : true;
      };
    }
    return (row) => {
      const a = lf(row);
      if (a === true) return true;
      const b = rf(row);
      if (b === true) return true;
      return a === null || b === null ? null : false;
    };
  }

  private is(node: Extract<Expr, { kind: 'is' }>): Fn {
    const f = this.fn(node.operand);
    const negated = node.negated;
    switch (node.test) {
      case 'NULL':
        return negated ? (row) => f(row) !== null : (row) => f(row) === null;
      case 'TRUE':
        return negated ? (row) => f(row) !== true : (row) => f(row) === true;
      case 'FALSE':
        return negated ? (row) => f(row) !== false : (row) => f(row) === false;
    }
  }

  private like(node: Extract<Expr, { kind: 'like' }>): Fn {
    const operand = this.fn(node.operand);
    const pattern = this.compile(node.pattern);
    const escapeChar = node.escape ? (this.compile(node.escape).value as string | null) : null;
    const negated = node.negated;
    if (pattern.isConst) {
      if (pattern.value === null) {
        return (row) => {
          operand(row);
          return null;
        };
      }
      const m = likeMatcher(pattern.value as string, escapeChar);
      if (typeof m === 'string') {
        const error = invalidLike(m);
        return (row) => {
          if (operand(row) === null) return null;
          throw error;
        };
      }
      return (row) => {
        const s = operand(row);
        return s === null ? null : m(s as string) !== negated;
      };
    }
    const pf = pattern.fn;
    let lastPattern: string | null = null;
    let lastLike: LikePattern | null = null;
    return (row) => {
      const s = operand(row);
      if (s === null) return null;
      const p = pf(row);
      if (p === null) return null;
      if (p !== lastPattern || lastLike === null) {
        const like = parseLike(p as string, escapeChar);
        if (typeof like === 'string') throw invalidLike(like);
        lastPattern = p as string;
        lastLike = like;
      }
      return matchLike(lastLike, s as string) !== negated;
    };
  }

  private in(node: Extract<Expr, { kind: 'in' }>): Fn {
    const operand = this.compile(node.operand);
    const items = node.list.map((item) => this.compile(item));
    const negated = node.negated;
    const f = operand.fn;
    if (items.every((item) => item.isConst)) {
      const values = items.filter((item) => item.value !== null).map((item) => item.value);
      const sawNull = values.length < items.length;
      const missing = sawNull ? null : negated;
      if (values.length > 8) {
        const set = new Set(values);
        return (row) => {
          const v = f(row);
          if (v === null) return null;
          // Set.has finds NaN, but NaN is never equal to anything in SQL
          return set.has(v) && !Number.isNaN(v) ? !negated : missing;
        };
      }
      return (row) => {
        const v = f(row);
        if (v === null) return null;
        for (let i = 0; i < values.length; i++) if (values[i] === v) return !negated;
        return missing;
      };
    }
    const fns = items.map((item) => item.fn);
    return (row) => {
      const v = f(row);
      if (v === null) return null;
      let sawNull = false;
      for (let i = 0; i < fns.length; i++) {
        const x = (fns[i] as Fn)(row);
        if (x === null) sawNull = true;
        else if (x === v) return !negated;
      }
      return sawNull ? null : negated;
    };
  }

  private between(node: Extract<Expr, { kind: 'between' }>): Fn {
    const operand = this.compile(node.operand);
    const low = this.compile(node.low);
    const high = this.compile(node.high);
    const negated = node.negated;
    if (low.isConst && high.isConst && low.value !== null && high.value !== null) {
      const lo = low.value as number;
      const hi = high.value as number;
      const field = operand.field;
      if (field !== null) {
        return (row) => {
          const v = row[field];
          if (v == null) return null;
          return ((v as number) >= lo && (v as number) <= hi) !== negated;
        };
      }
      const f = operand.fn;
      return (row) => {
        const v = f(row);
        if (v === null) return null;
        return ((v as number) >= lo && (v as number) <= hi) !== negated;
      };
    }
    const f = operand.fn;
    const lf = low.fn;
    const hf = high.fn;
    return (row) => {
      const v = f(row);
      const lo = lf(row);
      const hi = hf(row);
      // three-valued (v >= lo AND v <= hi)
      const aboveLow = v === null || lo === null ? null : (v as number) >= (lo as number);
      const belowHigh = v === null || hi === null ? null : (v as number) <= (hi as number);
      let result: boolean | null;
      if (aboveLow === false || belowHigh === false) result = false;
      else if (aboveLow === null || belowHigh === null) result = null;
      else result = true;
      return negated && result !== null ? !result : result;
    };
  }

  private caseExpr(node: Extract<Expr, { kind: 'case' }>): Fn {
    const whens = node.whens.map((w) => this.fn(w.when));
    const thens = node.whens.map((w) => this.fn(w.then));
    const otherwise = node.elseExpr ? this.fn(node.elseExpr) : () => null;
    const n = whens.length;
    if (node.subject === null) {
      return (row) => {
        for (let i = 0; i < n; i++) {
          if ((whens[i] as Fn)(row) === true) return (thens[i] as Fn)(row);
        }
        return otherwise(row);
      };
    }
    const subject = this.fn(node.subject);
    return (row) => {
      const s = subject(row);
      for (let i = 0; i < n; i++) {
        const v = (whens[i] as Fn)(row);
        if (s !== null && v !== null && s === v) return (thens[i] as Fn)(row);
      }
      return otherwise(row);
    };
  }

  private cast(node: Extract<Expr, { kind: 'cast' }>): Fn {
    const f = this.fn(node.operand);
    const from = typeOf(node.operand);
    const conversion = converter(from, node.target);
    if (conversion === null) return f;
    const safe = node.safe;
    const typeName = node.typeName;
    const hint = castHint(from, node.target);
    return (row) => {
      const v = f(row);
      if (v === null) return null;
      const result = conversion(v);
      if (result !== undefined) return result;
      if (safe) return null;
      throw castFailed(v, typeName, hint);
    };
  }

  private call(node: CallExpr): Operand {
    const spec = FUNCTIONS.get(node.name);
    if (!spec) throw new Error(`compileExpression(): unknown function ${node.name}`);
    const name = spec.name;
    const args = node.args.map((arg) => this.compile(arg));
    const f = args.map((arg) => arg.fn);
    const f0 = f[0] as Fn;
    const f1 = f[1] as Fn;
    const f2 = f[2] as Fn;
    const n = args.length;

    // functions that do not simply return NULL for a NULL argument
    switch (name) {
      case 'COALESCE':
        if (n === 2) {
          return dynamic((row) => {
            const v = f0(row);
            return v !== null ? v : f1(row);
          });
        }
        return dynamic((row) => {
          for (let i = 0; i < n; i++) {
            const v = (f[i] as Fn)(row);
            if (v !== null) return v;
          }
          return null;
        });
      case 'IF':
        return dynamic((row) => (f0(row) === true ? f1(row) : f2(row)));
      case 'NULLIF':
        return dynamic((row) => {
          const a = f0(row);
          const b = f1(row);
          if (a === null) return null;
          if (b === null) return a;
          return a === b ? null : a;
        });
      case 'CONCAT_WS':
        return dynamic((row) => {
          const separator = f0(row);
          let out = '';
          let first = true;
          for (let i = 1; i < n; i++) {
            const v = (f[i] as Fn)(row);
            if (v === null) continue;
            if (!first) out += separator as string;
            out += v as string;
            first = false;
          }
          return separator === null ? null : out;
        });
    }

    // Strict functions: NULL if an argument is NULL (arguments evaluated left to right, stopping there).
    if (args.some((arg) => arg.isConst && arg.value === null)) {
      const firstNull = args.findIndex((arg) => arg.isConst && arg.value === null);
      const before = f.slice(0, firstNull);
      return dynamic((row) => {
        for (const g of before) if (g(row) === null) return null;
        return null;
      });
    }
    const resultType = typeOf(node);
    switch (name) {
      case 'LOWER':
        return strict1(f0, (s) => (s as string).toLowerCase());
      case 'UPPER':
        return strict1(f0, (s) => (s as string).toUpperCase());
      case 'TRIM':
      case 'LTRIM':
      case 'RTRIM': {
        const leading = name !== 'RTRIM';
        const trailing = name !== 'LTRIM';
        if (n === 1) return strict1(f0, (s) => trimSql(s as string, ' ', leading, trailing));
        return strict2(f0, f1, (s, chars) => trimSql(s as string, chars as string, leading, trailing));
      }
      case 'CHAR_LENGTH':
        return strict1(f0, (s) => charLength(s as string));
      case 'SUBSTRING':
        if (n === 2) return strict2(f0, f1, (s, p) => substringSql(s as string, p as number));
        return strict3(f0, f1, f2, (s, p, len) => substringSql(s as string, p as number, len as number));
      case 'CONCAT':
        if (n === 2) return strict2(f0, f1, (a, b) => (a as string) + (b as string));
        return dynamic((row) => {
          let out = '';
          for (let i = 0; i < n; i++) {
            const v = (f[i] as Fn)(row);
            if (v === null) return null;
            out += v as string;
          }
          return out;
        });
      case 'SPLIT':
        return strict2(f0, f1, (s, d) => (s as string).split(d as string));
      case 'REGEXP_SPLIT': {
        const re = regexSource(args[1] as Operand);
        return strict2(f0, f1, (s, p) => re(p as string).split(s as string));
      }
      case 'REGEXP_REPLACE': {
        const re = regexSource(args[1] as Operand);
        return strict3(f0, f1, f2, (s, p, r) => re(p as string).replaceAll(s as string, r as string));
      }
      case 'REGEXP': {
        const re = regexSource(args[1] as Operand);
        return strict2(f0, f1, (s, p) => re(p as string).test(s as string));
      }
      case 'REGEXP_EXTRACT': {
        const re = regexSource(args[1] as Operand);
        if (n === 2) return strict2(f0, f1, (s, p) => re(p as string).extract(s as string, 0));
        return strict3(f0, f1, f2, (s, p, g) => re(p as string).extract(s as string, g as number));
      }
      case 'POSITION':
        return strict2(f0, f1, (needle, s) => positionSql(needle as string, s as string));
      case 'REPLACE':
        return strict3(f0, f1, f2, (s, a, b) => replaceLiteral(s as string, a as string, b as string));
      case 'ABS':
        return strict1(f0, (x) => Math.abs(x as number));
      case 'FLOOR':
        return resultType === 'int' ? (args[0] as Operand) : strict1(f0, (x) => Math.floor(x as number));
      case 'CEIL':
        return resultType === 'int' ? (args[0] as Operand) : strict1(f0, (x) => Math.ceil(x as number));
      case 'ROUND': {
        const round = resultType === 'int' ? roundInt : roundFloat;
        if (n === 1) return strict1(f0, (x) => round(x as number, 0));
        return strict2(f0, f1, (x, d) => round(x as number, d as number));
      }
      case 'MOD':
        if (resultType === 'int') return strict2(f0, f1, (a, b) => intMod(a as number, b as number));
        return strict2(f0, f1, (a, b) => (a as number) % (b as number));
      case 'POWER':
        return strict2(f0, f1, (a, b) => (a as number) ** (b as number));
      case 'SQRT':
        return strict1(f0, (x) => Math.sqrt(x as number));
      case 'GREATEST':
      case 'LEAST': {
        const greatest = name === 'GREATEST';
        return dynamic((row) => {
          let best = f0(row);
          if (best === null) return null;
          for (let i = 1; i < n; i++) {
            const x = (f[i] as Fn)(row);
            if (x === null) return null;
            if (greatest ? (x as number) > (best as number) : (x as number) < (best as number)) best = x;
          }
          return best;
        });
      }
      case 'TO_TIMESTAMP_LTZ':
        if ((args[1] as Operand).value === 0) return strict2(f0, f1, (x) => intMul(x as number, 1000));
        return strict2(f0, f1, (x) => x);
      default:
        throw new Error(`compileExpression(): no implementation for ${name}`);
    }
  }
}

function strict1(a: Fn, k: (x: unknown) => unknown): Operand {
  return dynamic((row) => {
    const x = a(row);
    return x === null ? null : k(x);
  });
}

function strict2(a: Fn, b: Fn, k: (x: unknown, y: unknown) => unknown): Operand {
  return dynamic((row) => {
    const x = a(row);
    if (x === null) return null;
    const y = b(row);
    return y === null ? null : k(x, y);
  });
}

function strict3(a: Fn, b: Fn, c: Fn, k: (x: unknown, y: unknown, z: unknown) => unknown): Operand {
  return dynamic((row) => {
    const x = a(row);
    if (x === null) return null;
    const y = b(row);
    if (y === null) return null;
    const z = c(row);
    return z === null ? null : k(x, y, z);
  });
}

/** How many distinct patterns computed per row one call site keeps compiled. */
const ROW_PATTERN_CACHE = 8;

/**
 * The compiled regex for a pattern argument: compiled once when constant, else looked up among the last
 * few distinct patterns (compiling with RE2 costs tens of microseconds, so alternating patterns stay cheap).
 */
function regexSource(pattern: Operand): (p: string) => SpecRegex {
  if (pattern.isConst) {
    const p = pattern.value as string;
    const re = compileRegex(p);
    if (isRegexProblem(re)) {
      const error = regexError(p, re);
      return () => {
        throw error;
      };
    }
    return () => re;
  }
  const cache = new RegexCache(ROW_PATTERN_CACHE);
  return (p) => {
    const re = cache.get(p);
    if (isRegexProblem(re)) throw regexError(p, re);
    return re;
  };
}

/**
 * A LIKE pattern as a string test: equality, prefix, suffix or substring when the pattern allows it, else
 * `matchLike` (linear for patterns of `%` and text, never exponential). Returns the reason when the pattern
 * is invalid.
 */
export function likeMatcher(pattern: string, escapeChar: string | null): ((s: string) => boolean) | string {
  const like = parseLike(pattern, escapeChar);
  if (typeof like === 'string') return like;
  const literal = likeLiteral(like);
  if (literal !== null) return (s) => s === literal;
  const { pieces } = like;
  if (like.plain && pieces.length === 2) {
    const [first = '', second = ''] = pieces.map((p) => p.text);
    if (second === '') return first === '' ? () => true : (s) => s.startsWith(first);
    if (first === '') return (s) => s.endsWith(second);
  }
  if (like.plain && pieces.length === 3 && pieces[0]?.text === '' && pieces[2]?.text === '') {
    const middle = pieces[1]?.text ?? '';
    return middle === '' ? () => true : (s) => s.includes(middle);
  }
  if (pieces.every((p) => p.text === '')) return () => true; // only %s
  return (s) => matchLike(like, s);
}

/** The conversion behind CAST(from AS to); null when it is the identity. Returns undefined on failure. */
function converter(from: ValueType, to: FieldType): ((v: unknown) => unknown) | null {
  if (from === to || from === 'null') return null;
  switch (to) {
    case 'string':
      if (from === 'bool') return (v) => boolToString(v as boolean);
      if (from === 'timestamp') return (v) => timestampToString(v as number);
      return (v) => String(v);
    case 'int':
      if (from === 'string') return (v) => stringToInt(v as string);
      if (from === 'float') return (v) => floatToInt(v as number);
      if (from === 'bool') return (v) => (v ? 1 : 0);
      return null;
    case 'float':
      if (from === 'string') return (v) => stringToFloat(v as string);
      if (from === 'bool') return (v) => (v ? 1 : 0);
      return null;
    case 'bool':
      if (from === 'string') return (v) => stringToBool(v as string);
      return (v) => (v as number) !== 0;
    case 'timestamp':
      if (from === 'string') return (v) => stringToTimestamp(v as string);
      return null;
  }
}
