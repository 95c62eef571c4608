/**
 * Type checker: annotates every node of a parsed expression with its `type`, against an input schema, and
 * reports every problem it finds (not just the first) as positioned errors. (One file: one typing rule per node
 * kind, read side by side.)
 */
import { referencedFields, someNode } from './ast';
import { type ExprErrorCode, exprError, nearNames, quoteSnippet } from './errors';
import {
  AGGREGATE_FUNCTIONS,
  arityText,
  FUNCTIONS,
  type FunctionSpec,
  isAggregateName,
  type ParamKind,
} from './functions';
import { parseLike } from './like';
import { parseExpression } from './parser';
import { compileRegex, isRegexProblem, regexProblemMessage } from './regex';
import type {
  AggregateResult,
  CallExpr,
  CheckResult,
  Expr,
  ExprError,
  FieldType,
  RowSchema,
  ValueType,
} from './types';

/** A type, or `unknown` for a sub-expression whose error has already been reported (silences follow-ups). */
type T = ValueType | 'unknown';

const isNumeric = (t: T): boolean => t === 'int' || t === 'float';
/** Accepts the type, NULL, or an already-reported error. */
const accepts = (t: T, ...ok: ValueType[]): boolean => t === 'null' || t === 'unknown' || ok.includes(t);

/** Whether two types may be compared with = <> < <= > >= (and IN, BETWEEN, CASE x WHEN, GREATEST...). */
export function comparable(a: T, b: T): boolean {
  if (a === 'unknown' || b === 'unknown') return true;
  if (a === 'string[]' || b === 'string[]') return false;
  if (a === 'null' || b === 'null') return true;
  if (isNumeric(a) && isNumeric(b)) return true;
  if (a === 'timestamp') return b === 'timestamp' || b === 'int';
  if (b === 'timestamp') return a === 'int';
  return a === b;
}

/** The common type of two branches (CASE, COALESCE, IF...), or undefined when there is none. */
export function unify(a: T, b: T): T | undefined {
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  if (a === 'null') return b;
  if (b === 'null') return a;
  if (a === b) return a;
  if (isNumeric(a) && isNumeric(b)) return 'float';
  return undefined;
}

/** Which CAST conversions exist. */
export function castAllowed(from: ValueType, to: FieldType): boolean {
  if (from === 'null' || from === to) return true;
  switch (from) {
    case 'string':
      return true;
    case 'int':
      return true;
    case 'float':
    case 'bool':
      return to !== 'timestamp';
    case 'timestamp':
      return to !== 'bool';
    default:
      return false;
  }
}

const MAX_LISTED_FIELDS = 20;

/**
 * A join's expressions read two rows: the left input's fields are written `l.name`, the right's `r.name`; an
 * unqualified name is allowed when only one side has it (or it is one of `extra`'s, e.g. a window join's
 * `window_start`). The checker resolves every name to the key of the join's merged row (`l.name`, `r.name`, or
 * the extra field's own name) and writes it into the field node.
 */
export interface JoinScope {
  left: RowSchema;
  right: RowSchema;
  /** Fields of neither side, read by their own name (a window join's `window_start`, `window_end`). */
  extra?: RowSchema;
}

export interface CheckOptions {
  join?: JoinScope;
}

/** The merged row's schema of a join: every side's fields under `l.` and `r.`, and the extra fields. */
export function joinRowSchema(join: JoinScope): RowSchema {
  const out: Record<string, FieldType> = {};
  for (const [n, t] of Object.entries(join.left)) out[`l.${n}`] = t;
  for (const [n, t] of Object.entries(join.right)) out[`r.${n}`] = t;
  Object.assign(out, join.extra ?? {});
  return out;
}

class Checker {
  readonly errors: ExprError[] = [];

  constructor(
    private readonly schema: RowSchema,
    private readonly join?: JoinScope,
  ) {}

  private error(code: ExprErrorCode, message: string, start: number, end: number): 'unknown' {
    this.errors.push(exprError(code, message, start, end));
    return 'unknown';
  }

  private at(code: ExprErrorCode, message: string, node: Expr): 'unknown' {
    return this.error(code, message, node.start, node.end);
  }

  check(node: Expr): T {
    const t = this.visit(node);
    if (t !== 'unknown') node.type = t;
    return t;
  }

  private visit(node: Expr): T {
    switch (node.kind) {
      case 'literal':
        return node.literalType;
      case 'field':
        return this.join ? this.joinField(node, this.join) : this.field(node.name, node);
      case 'unary': {
        const t = this.check(node.operand);
        if (node.op === 'NOT') {
          if (!accepts(t, 'bool'))
            return this.at('TYPE_MISMATCH', `NOT needs a bool operand but got ${t}`, node.operand);
          return 'bool';
        }
        if (t === 'unknown' || t === 'null' || isNumeric(t)) return t;
        return this.at('TYPE_MISMATCH', `unary '${node.op}' needs a number but got ${t}`, node.operand);
      }
      case 'binary':
        return this.binary(node);
      case 'is': {
        const t = this.check(node.operand);
        if (node.test !== 'NULL' && !accepts(t, 'bool')) {
          return this.at(
            'TYPE_MISMATCH',
            `IS ${node.negated ? 'NOT ' : ''}${node.test} needs a bool operand but got ${t}`,
            node.operand,
          );
        }
        return 'bool';
      }
      case 'like': {
        let ok = true;
        const what = node.negated ? 'NOT LIKE' : 'LIKE';
        const lt = this.check(node.operand);
        if (!accepts(lt, 'string')) {
          ok = false;
          this.at(
            'TYPE_MISMATCH',
            `${what} needs a string operand but got ${lt}; use CAST(x AS STRING)`,
            node.operand,
          );
        }
        const pt = this.check(node.pattern);
        if (!accepts(pt, 'string')) {
          ok = false;
          this.at('TYPE_MISMATCH', `${what} needs a string pattern but got ${pt}`, node.pattern);
        }
        let escapeChar: string | null = null;
        if (node.escape) {
          const e = node.escape;
          this.check(e);
          if (e.kind !== 'literal' || typeof e.value !== 'string' || Array.from(e.value).length !== 1) {
            ok = false;
            this.at('INVALID_ARGUMENT', "ESCAPE needs a one-character string literal, e.g. ESCAPE '\\'", e);
          } else {
            escapeChar = e.value;
          }
        }
        if (ok && node.pattern.kind === 'literal' && typeof node.pattern.value === 'string') {
          const like = parseLike(node.pattern.value, escapeChar);
          if (typeof like === 'string')
            return this.at('INVALID_LIKE_PATTERN', `invalid LIKE pattern: ${like}`, node.pattern);
        }
        return ok ? 'bool' : 'unknown';
      }
      case 'in': {
        const t = this.check(node.operand);
        if (t === 'string[]')
          return this.at('TYPE_MISMATCH', 'IN cannot test a string[] value', node.operand);
        let ok = true;
        node.list.forEach((item, i) => {
          const it = this.check(item);
          if (!comparable(t, it)) {
            ok = false;
            this.at(
              'TYPE_MISMATCH',
              `IN list value ${i + 1} is ${it}, which cannot be compared with ${t}`,
              item,
            );
          }
        });
        return ok ? 'bool' : 'unknown';
      }
      case 'between': {
        const t = this.check(node.operand);
        if (t === 'string[]')
          return this.at('TYPE_MISMATCH', 'BETWEEN cannot test a string[] value', node.operand);
        let ok = true;
        for (const [bound, which] of [
          [node.low, 'lower'],
          [node.high, 'upper'],
        ] as const) {
          const bt = this.check(bound);
          if (!comparable(t, bt)) {
            ok = false;
            this.at(
              'TYPE_MISMATCH',
              `BETWEEN ${which} bound is ${bt}, which cannot be compared with ${t}`,
              bound,
            );
          }
        }
        return ok ? 'bool' : 'unknown';
      }
      case 'case':
        return this.caseExpr(node);
      case 'cast': {
        const t = this.check(node.operand);
        if (t === 'unknown') return node.target;
        if (!castAllowed(t, node.target)) {
          const hint =
            t === 'float' && node.target === 'timestamp'
              ? ' (CAST it to BIGINT first: timestamps are epoch milliseconds)'
              : '';
          return this.at('TYPE_MISMATCH', `cannot CAST ${t} to ${node.typeName}${hint}`, node);
        }
        return node.target;
      }
      case 'call':
        return this.call(node);
    }
  }

  /** A field of a join's expression: resolved to the merged row's key (see JoinScope). */
  private joinField(node: Extract<Expr, { kind: 'field' }>, join: JoinScope): T {
    const name = node.field ?? node.name;
    const side = (q: string, schema: RowSchema): T => {
      node.qualifier = q;
      node.field = name;
      node.name = `${q}.${name}`;
      return schema[name] as FieldType;
    };
    if (node.qualifier !== undefined) {
      const q = node.qualifier;
      if (q !== 'l' && q !== 'r') {
        return this.at(
          'QUALIFIED_NAME',
          `unknown input '${q}' in '${q}.${name}': a join's fields are written l.${name} (left) or r.${name} (right)`,
          node,
        );
      }
      const schema = q === 'l' ? join.left : join.right;
      if (Object.hasOwn(schema, name)) return side(q, schema);
      const listed = Object.keys(schema).slice(0, MAX_LISTED_FIELDS).join(', ');
      return this.at(
        'UNKNOWN_FIELD',
        `the ${q === 'l' ? 'left' : 'right'} input has no field '${name}' (it has: ${listed || 'no fields'})`,
        node,
      );
    }
    if (join.extra && Object.hasOwn(join.extra, name)) return join.extra[name] as FieldType;
    const onLeft = Object.hasOwn(join.left, name);
    const onRight = Object.hasOwn(join.right, name);
    if (onLeft && onRight) {
      return this.at(
        'AMBIGUOUS_FIELD',
        `'${name}' is a field of both inputs: write l.${name} (left) or r.${name} (right)`,
        node,
      );
    }
    if (onLeft) return side('l', join.left);
    if (onRight) return side('r', join.right);
    return this.field(name, node, joinRowSchema(join));
  }

  private field(name: string, node: Expr, within?: RowSchema): T {
    if (this.join && within === undefined) return this.field(name, node, joinRowSchema(this.join));
    const fieldNode = node as Extract<Expr, { kind: 'field' }>;
    if (!this.join && fieldNode.qualifier !== undefined) {
      return this.at(
        'QUALIFIED_NAME',
        `'${fieldNode.qualifier}.${name}': qualified names are for a join's fields (l.name, r.name); quote an odd field name instead: \`${fieldNode.qualifier}.${name}\``,
        node,
      );
    }
    const schema = within ?? this.schema;
    if (Object.hasOwn(schema, name)) return schema[name] as FieldType;
    if (Object.hasOwn(this.schema, name)) return this.schema[name] as FieldType;
    const names = Object.keys(schema);
    if (names.length === 0)
      return this.at('UNKNOWN_FIELD', `unknown field '${name}' (the input has no fields)`, node);
    const sameLetters = names.filter((n) => n.toLowerCase() === name.toLowerCase());
    if (sameLetters.length > 0) {
      return this.at(
        'UNKNOWN_FIELD',
        `unknown field '${name}' (field names are case-sensitive: did you mean '${sameLetters[0]}'?)`,
        node,
      );
    }
    const listed =
      names.slice(0, MAX_LISTED_FIELDS).join(', ') + (names.length > MAX_LISTED_FIELDS ? ', ...' : '');
    return this.at('UNKNOWN_FIELD', `unknown field '${name}' (available: ${listed})`, node);
  }

  private binary(node: Extract<Expr, { kind: 'binary' }>): T {
    const lt = this.check(node.left);
    const rt = this.check(node.right);
    const op = node.op;
    const opError = (message: string): 'unknown' =>
      this.error('TYPE_MISMATCH', message, node.opStart, node.opEnd);
    switch (op) {
      case 'AND':
      case 'OR': {
        let ok = true;
        if (!accepts(lt, 'bool')) {
          ok = false;
          this.at('TYPE_MISMATCH', `${op} needs bool operands but the left operand is ${lt}`, node.left);
        }
        if (!accepts(rt, 'bool')) {
          ok = false;
          this.at('TYPE_MISMATCH', `${op} needs bool operands but the right operand is ${rt}`, node.right);
        }
        return ok ? 'bool' : 'unknown';
      }
      case '=':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=':
        if (lt === 'string[]')
          return this.at('TYPE_MISMATCH', `'${op}' cannot compare string[] values`, node.left);
        if (rt === 'string[]')
          return this.at('TYPE_MISMATCH', `'${op}' cannot compare string[] values`, node.right);
        if (!comparable(lt, rt)) {
          return opError(
            `cannot compare ${lt} with ${rt} using '${op}' (compare numbers with numbers, strings with strings, bools with bools, timestamps with timestamps or ints; CAST one side if needed)`,
          );
        }
        return 'bool';
      case '||': {
        let ok = true;
        if (!accepts(lt, 'string')) {
          ok = false;
          this.at(
            'TYPE_MISMATCH',
            `'||' needs string operands but the left operand is ${lt}; use CAST(x AS STRING)`,
            node.left,
          );
        }
        if (!accepts(rt, 'string')) {
          ok = false;
          this.at(
            'TYPE_MISMATCH',
            `'||' needs string operands but the right operand is ${rt}; use CAST(x AS STRING)`,
            node.right,
          );
        }
        return ok ? 'string' : 'unknown';
      }
      default:
        return this.arithmetic(node, lt, rt, opError);
    }
  }

  private arithmetic(
    node: Extract<Expr, { kind: 'binary' }>,
    lt: T,
    rt: T,
    opError: (message: string) => 'unknown',
  ): T {
    const op = node.op;
    const temporal = op === '+' || op === '-';
    const operandOk = (t: T): boolean =>
      t === 'unknown' || t === 'null' || isNumeric(t) || (temporal && t === 'timestamp');
    const needs = temporal ? 'numbers (or a timestamp and an int)' : 'numbers';
    let ok = true;
    if (!operandOk(lt)) {
      ok = false;
      this.at('TYPE_MISMATCH', `'${op}' needs ${needs} but the left operand is ${lt}`, node.left);
    }
    if (!operandOk(rt)) {
      ok = false;
      this.at('TYPE_MISMATCH', `'${op}' needs ${needs} but the right operand is ${rt}`, node.right);
    }
    if (!ok) return 'unknown';
    if (lt === 'unknown' || rt === 'unknown') return 'unknown';
    if (lt === 'timestamp' || rt === 'timestamp') {
      const other = lt === 'timestamp' ? rt : lt;
      // timestamp - timestamp, and NULL - timestamp (NULL can only be a timestamp there), give milliseconds
      if (op === '-' && rt === 'timestamp' && (lt === 'timestamp' || lt === 'null')) return 'int';
      if (op === '-' && rt === 'timestamp') {
        return opError(
          `cannot subtract a timestamp from ${lt} (timestamp - int gives a timestamp, timestamp - timestamp gives milliseconds)`,
        );
      }
      if (other === 'int' || other === 'null') return 'timestamp';
      return opError(
        `cannot apply '${op}' to ${lt} and ${rt} (add or subtract an int number of milliseconds to a timestamp)`,
      );
    }
    if (lt === 'null') return rt;
    if (rt === 'null') return lt;
    return lt === 'int' && rt === 'int' ? 'int' : 'float';
  }

  private caseExpr(node: Extract<Expr, { kind: 'case' }>): T {
    let subjectType: T = 'null';
    if (node.subject) {
      subjectType = this.check(node.subject);
      if (subjectType === 'string[]') {
        this.at('TYPE_MISMATCH', 'CASE cannot compare string[] values', node.subject);
        subjectType = 'unknown';
      }
    }
    let result: T = 'null';
    let ok = true;
    const branch = (e: Expr): void => {
      const t = this.check(e);
      const u = unify(result, t);
      if (u === undefined) {
        ok = false;
        this.at('TYPE_MISMATCH', `CASE branches have incompatible types: ${result} and ${t}`, e);
      } else {
        result = u;
      }
    };
    for (const w of node.whens) {
      const wt = this.check(w.when);
      if (node.subject) {
        if (!comparable(subjectType, wt)) {
          ok = false;
          this.at('TYPE_MISMATCH', `CASE value is ${subjectType} but this WHEN value is ${wt}`, w.when);
        }
      } else if (!accepts(wt, 'bool')) {
        ok = false;
        this.at('TYPE_MISMATCH', `WHEN needs a bool condition but got ${wt}`, w.when);
      }
      branch(w.then);
    }
    if (node.elseExpr) branch(node.elseExpr);
    return ok ? result : 'unknown';
  }

  private call(node: CallExpr): T {
    const nameSpan: [number, number] = [node.start, node.nameEnd];
    if (isAggregateName(node.name)) {
      for (const arg of node.args) this.check(arg);
      return this.error(
        'AGGREGATE_NOT_ALLOWED',
        `aggregate function ${node.name} is not allowed in a row expression (aggregates belong in a window or aggregate node's aggregates)`,
        ...nameSpan,
      );
    }
    const spec = FUNCTIONS.get(node.name);
    if (!spec) {
      for (const arg of node.args) this.check(arg);
      const near = nearNames(node.name, [...FUNCTIONS.keys(), ...AGGREGATE_FUNCTIONS]);
      const hint =
        near.length > 0
          ? `did you mean ${near.join(', ')}?`
          : `known functions: ${[...FUNCTIONS.keys()].sort().join(', ')}`;
      return this.error(
        'UNKNOWN_FUNCTION',
        `unknown function ${quoteSnippet(node.name)} (${hint})`,
        ...nameSpan,
      );
    }
    if (node.distinct) {
      return this.error(
        'SYNTAX_ERROR',
        `DISTINCT is only allowed in aggregate calls, not in ${node.name}`,
        ...nameSpan,
      );
    }
    const types = node.args.map((a) => this.check(a));
    const max = spec.variadic ? Number.POSITIVE_INFINITY : spec.params.length;
    const min = spec.params.length - (spec.optional ?? 0);
    const usage = ` (usage: ${spec.usage})`;
    if (types.length > max) {
      const extra = node.args[max] as Expr;
      return this.at(
        'WRONG_ARITY',
        `${node.name} takes ${arityText(spec)} but got ${types.length}${usage}`,
        extra,
      );
    }
    if (types.length < min) {
      return this.error(
        'WRONG_ARITY',
        `${node.name} takes ${arityText(spec)} but got ${types.length}${usage}`,
        node.end - 1,
        node.end,
      );
    }
    let ok = true;
    types.forEach((t, i) => {
      const kind = (i < spec.params.length ? spec.params[i] : spec.variadic) as ParamKind;
      if (!this.paramAccepts(kind, t)) {
        ok = false;
        const want = kind === 'numeric' ? 'a number (int or float)' : kind;
        this.at(
          'TYPE_MISMATCH',
          `argument ${i + 1} of ${node.name} must be ${want} but is ${t}${usage}`,
          node.args[i] as Expr,
        );
      }
    });
    if (!ok) return 'unknown';
    return this.callResult(node, spec, types);
  }

  private paramAccepts(kind: ParamKind, t: T): boolean {
    switch (kind) {
      case 'any':
        return true;
      case 'numeric':
        return t === 'unknown' || t === 'null' || isNumeric(t);
      default:
        return accepts(t, kind);
    }
  }

  private callResult(node: CallExpr, spec: FunctionSpec, types: T[]): T {
    if (spec.regexArg !== undefined) {
      const pattern = node.args[spec.regexArg];
      if (pattern?.kind === 'literal' && typeof pattern.value === 'string') {
        const re = compileRegex(pattern.value);
        if (isRegexProblem(re)) {
          return this.at(re.code, regexProblemMessage(re, quoteSnippet(pattern.value)), pattern);
        }
      }
    }
    if (spec.name === 'TO_TIMESTAMP_LTZ') {
      const p = node.args[1] as Expr;
      if (!(p.kind === 'literal' && (p.value === 0 || p.value === 3))) {
        return this.at(
          'INVALID_ARGUMENT',
          'the precision of TO_TIMESTAMP_LTZ must be the literal 0 (seconds) or 3 (milliseconds)',
          p,
        );
      }
    }
    if (spec.comparable) {
      const first = types[0] as T;
      for (let i = 1; i < types.length; i++) {
        const t = types[i] as T;
        if (!comparable(first, t)) {
          return this.at(
            'TYPE_MISMATCH',
            `${node.name} cannot compare ${first} with ${t}`,
            node.args[i] as Expr,
          );
        }
      }
      if (first === 'string[]')
        return this.at('TYPE_MISMATCH', `${node.name} cannot compare string[] values`, node.args[0] as Expr);
    }
    switch (spec.result) {
      case 'same':
        return types[0] as T;
      case 'numeric':
        if (types.includes('unknown')) return 'unknown';
        if (types.includes('float')) return 'float';
        return types.includes('int') ? 'int' : 'null';
      case 'unify': {
        let result: T = 'null';
        for (let i = spec.unifyFrom ?? 0; i < types.length; i++) {
          const t = types[i] as T;
          const u = unify(result, t);
          if (u === undefined) {
            return this.at(
              'TYPE_MISMATCH',
              `arguments of ${node.name} have incompatible types: ${result} and ${t}`,
              node.args[i] as Expr,
            );
          }
          result = u;
        }
        return result;
      }
      default:
        return spec.result;
    }
  }
}

/** Parses and type checks `text` against `schema`. */
export function checkExpression(text: string, schema: RowSchema, opts: CheckOptions = {}): CheckResult {
  const parsed = parseExpression(text);
  if (!parsed.ok) return parsed;
  const checker = new Checker(schema, opts.join);
  const type = checker.check(parsed.ast);
  if (checker.errors.length > 0 || type === 'unknown') {
    checker.errors.sort((a, b) => a.start - b.start);
    return { ok: false, errors: checker.errors };
  }
  return { ok: true, expr: { text, ast: parsed.ast, type, fields: referencedFields(parsed.ast) } };
}

function shift(errors: ExprError[], offset: number): ExprError[] {
  return errors.map((e) =>
    exprError(
      e.code as ExprErrorCode,
      e.message.replace(/ at column \d+$/, ''),
      e.start + offset,
      e.end + offset,
    ),
  );
}

const AGGREGATE_LIST = [...AGGREGATE_FUNCTIONS].join(', ');

/**
 * Parses an aggregate: exactly one aggregate call at the top level, e.g. `COUNT(*)`, `SUM(price * qty)`,
 * `MAX(ts)`. The argument is checked as a row expression against `schema`.
 */
export function parseAggregate(text: string, schema: RowSchema): AggregateResult {
  const parsed = parseExpression(text);
  if (!parsed.ok) return parsed;
  const ast = parsed.ast;
  const fail = (code: ExprErrorCode, message: string, start: number, end: number): AggregateResult => ({
    ok: false,
    errors: [exprError(code, message, start, end)],
  });
  if (ast.kind !== 'call' || !isAggregateName(ast.name)) {
    const inner = someNode(ast, (n) => n.kind === 'call' && isAggregateName(n.name));
    if (inner) {
      return fail(
        'NOT_AN_AGGREGATE',
        `an aggregate must be a single aggregate call such as SUM(price * qty); expressions around aggregate calls are not supported`,
        ast.start,
        ast.end,
      );
    }
    const found =
      ast.kind === 'call'
        ? `function ${ast.name}`
        : ast.kind === 'field'
          ? `field '${ast.name}'`
          : 'an expression';
    return fail(
      'NOT_AN_AGGREGATE',
      `expected an aggregate call (${AGGREGATE_LIST}) but found ${found}`,
      ast.start,
      ast.end,
    );
  }
  const fn = ast.name;
  if (ast.distinct) {
    const at = text.toUpperCase().indexOf('DISTINCT', ast.nameEnd);
    return fail('UNSUPPORTED', `${fn}(DISTINCT ...) is not supported`, at, at + 'DISTINCT'.length);
  }
  if (ast.star) {
    return { ok: true, agg: { fn, star: true, resultType: 'int', text } };
  }
  if (ast.args.length !== 1) {
    const extra = ast.args[1];
    const [start, end] = extra ? [extra.start, extra.end] : [ast.end - 1, ast.end];
    const usage = fn === 'COUNT' ? 'COUNT(*) or COUNT(expression)' : `${fn}(expression)`;
    return fail(
      'WRONG_ARITY',
      `${fn} takes exactly one argument but got ${ast.args.length} (usage: ${usage})`,
      start,
      end,
    );
  }
  const argNode = ast.args[0] as Expr;
  const argText = text.slice(argNode.start, argNode.end);
  const checked = checkExpression(argText, schema);
  if (!checked.ok) return { ok: false, errors: shift(checked.errors, argNode.start) };
  const arg = checked.expr;
  const t = arg.type;
  const argError = (message: string): AggregateResult =>
    fail('TYPE_MISMATCH', message, argNode.start, argNode.end);
  let resultType: FieldType;
  switch (fn) {
    case 'COUNT':
      resultType = 'int';
      break;
    case 'SUM':
    case 'AVG':
      if (t !== 'int' && t !== 'float')
        return argError(`${fn} needs a number (int or float) but its argument is ${t}`);
      resultType = fn === 'AVG' ? 'float' : t;
      break;
    default:
      if (t === 'null' || t === 'string[]')
        return argError(`${fn} cannot aggregate ${t === 'null' ? 'NULL' : 'string[]'} values`);
      resultType = t;
  }
  return { ok: true, agg: { fn, star: false, arg, resultType, text } };
}
