/**
 * Flowstate expressions → Flink SQL expressions.
 *
 * The checked syntax tree is rewritten where Flink SQL spells or means a thing differently, then printed
 * by `formatExpr` from `@flowstate/spec` (which quotes identifiers Flink reserves and parenthesises where
 * Calcite's precedence could differ). What cannot be made exact is either a note (returned with the text)
 * or a refusal (`UnsupportedExpression`).
 *
 * The representation the whole export relies on: Flowstate `int` → BIGINT, `float` → DOUBLE, `string` →
 * STRING, `bool` → BOOLEAN, and `timestamp` → BIGINT epoch milliseconds (see export.ts for why), so
 * Flowstate's timestamp arithmetic (`ts + 1000`, `ts - ts`, `ts > 1700000000000`) is BIGINT arithmetic in
 * Flink too.
 */
import {
  type AggregateCall,
  type CallExpr,
  type CastExpr,
  checkExpression,
  type Expr,
  type FieldType,
  formatExpr,
  type JoinScope,
  type LiteralExpr,
  parseAggregate,
  type RowSchema,
} from '@flowstate/spec';
import { alsoQuote } from './sql';

/** A construct Flink SQL cannot express with Flowstate's meaning; the message says what to change. */
export class UnsupportedExpression extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface TranslatedExpr {
  sql: string;
  /** Flowstate type of the value. */
  type: FieldType | 'string[]' | 'null';
  /** Differences that remain (each becomes a `-- note:` and an ExportNote). */
  notes: string[];
}

/** The separator REGEXP_SPLIT is rewritten with: U+241E SYMBOL FOR RECORD SEPARATOR, printable and rare. */
export const SPLIT_SENTINEL = '\u241e';

const SQL_TYPE: Readonly<Record<FieldType, string>> = {
  string: 'STRING',
  int: 'BIGINT',
  float: 'DOUBLE',
  bool: 'BOOLEAN',
  timestamp: 'BIGINT',
};

/** The Flink column type of a Flowstate field type. */
export const sqlType = (type: FieldType): string => SQL_TYPE[type];

// ---------------------------------------------------------------------------------------------- builders

const at = { start: 0, end: 0 };
const lit = (value: string | number, literalType: 'string' | 'int'): LiteralExpr => ({
  kind: 'literal',
  literalType,
  value,
  ...at,
});
const call = (name: string, args: Expr[], type?: Expr['type']): CallExpr => ({
  kind: 'call',
  name,
  nameEnd: 0,
  args,
  star: false,
  distinct: false,
  ...at,
  ...(type ? { type } : {}),
});
const cast = (operand: Expr, target: FieldType, safe = false): CastExpr => ({
  kind: 'cast',
  operand,
  target,
  typeName: SQL_TYPE[target],
  safe,
  ...at,
  type: target,
});

/**
 * Converts a JavaScript regular-expression replacement (`$1`, `$&`, `$$`) into a Java one (`$1`, `$0`,
 * `\$`; a backslash is literal in JavaScript but an escape in Java). Returns undefined for `$\``, `$'` and
 * `$<name>`, which Java's `Matcher.appendReplacement` cannot express.
 */
export function javaReplacement(js: string): string | undefined {
  let out = '';
  for (let i = 0; i < js.length; i++) {
    const c = js[i]!;
    if (c === '\\') {
      out += '\\\\';
      continue;
    }
    if (c !== '$') {
      out += c;
      continue;
    }
    const next = js[i + 1];
    if (next === '$') {
      out += '\\$';
      i++;
    } else if (next === '&') {
      out += '$0';
      i++;
    } else if (next !== undefined && /[0-9]/.test(next)) {
      out += '$';
    } else if (next === '`' || next === "'" || next === '<') {
      return undefined;
    } else {
      // JavaScript keeps a lone `$` as is; Java needs it escaped.
      out += '\\$';
    }
  }
  return out;
}

const REGEX_NOTE =
  'regular expressions run as Java regular expressions in Flink and as JavaScript ones in Flowstate; patterns using only common syntax (classes, quantifiers, groups, anchors) behave the same';

/** A field of an expression as it is, or what to write instead (a join's sides, a window join's bounds). */
export type FieldReplacer = (field: Extract<Expr, { kind: 'field' }>) => Expr | undefined;

/** Rewrites one checked expression tree for Flink; collects notes; throws UnsupportedExpression. */
function rewrite(node: Expr, notes: Set<string>, replace?: FieldReplacer): Expr {
  const r = (e: Expr): Expr => rewrite(e, notes, replace);
  switch (node.kind) {
    case 'literal':
      // 1.5 is a DECIMAL literal in Flink (exact arithmetic); Flowstate floats are IEEE doubles.
      if (node.literalType === 'float') return cast(node, 'float');
      return node;
    case 'field':
      return replace?.(node) ?? node;
    case 'unary':
      return { ...node, operand: r(node.operand) };
    case 'binary': {
      if (
        (node.op === '%' || node.op === '/') &&
        (node.left.type === 'float' || node.right.type === 'float')
      ) {
        if (node.op === '%') {
          throw new UnsupportedExpression(
            'unsupported-operator',
            "'%' with a float operand: Flink SQL's MOD takes exact (integer) numbers only; CAST the operands to BIGINT or compute it differently",
          );
        }
      }
      return { ...node, left: r(node.left), right: r(node.right) };
    }
    case 'is':
      return { ...node, operand: r(node.operand) };
    case 'like':
      if (node.escape) {
        throw new UnsupportedExpression(
          'unsupported-operator',
          "LIKE ... ESCAPE: Flink SQL's LIKE does not support an escape character (Flink documentation: 'The escape character has not been supported yet'); rewrite the pattern without ESCAPE, e.g. with REGEXP",
        );
      }
      return { ...node, operand: r(node.operand), pattern: r(node.pattern) };
    case 'in':
      return { ...node, operand: r(node.operand), list: node.list.map(r) };
    case 'between':
      return { ...node, operand: r(node.operand), low: r(node.low), high: r(node.high) };
    case 'case':
      return {
        ...node,
        subject: node.subject ? r(node.subject) : null,
        // biome-ignore lint/suspicious/noThenProperty: the AST's CASE branch (CaseWhen) names its result `then`
        whens: node.whens.map((w) => ({ when: r(w.when), then: r(w.then) })),
        elseExpr: node.elseExpr ? r(node.elseExpr) : null,
      };
    case 'cast':
      return rewriteCast(node, r, notes);
    case 'call':
      return rewriteCall(node, r, notes);
  }
}

function rewriteCast(node: CastExpr, r: (e: Expr) => Expr, notes: Set<string>): Expr {
  const from = node.operand.type;
  const operand = r(node.operand);
  const what = node.safe ? 'TRY_CAST' : 'CAST';
  if (node.target === 'timestamp') {
    if (from === 'string') {
      throw new UnsupportedExpression(
        'unsupported-cast',
        `${what}(string AS ${node.typeName}): timestamps are epoch milliseconds (BIGINT) in the exported SQL, and Flink has no exact conversion from timestamp text to epoch milliseconds; keep the timestamp as epoch milliseconds in the input`,
      );
    }
    // int and timestamp are both epoch-millisecond BIGINTs in the export.
    return from === 'null' ? cast(operand, 'timestamp') : operand;
  }
  if (from === 'timestamp') {
    if (node.target === 'string') {
      // Flowstate prints a timestamp as 'YYYY-MM-DD HH:MM:SS.fff' in UTC; the script pins the session to UTC.
      return call('DATE_FORMAT', [
        call('TO_TIMESTAMP_LTZ', [operand, lit(3, 'int')]),
        lit('yyyy-MM-dd HH:mm:ss.SSS', 'string'),
      ]);
    }
    if (node.target === 'int') return operand;
    if (node.target === 'float') return cast(operand, 'float', node.safe);
  }
  if (from === 'float' && node.target === 'string') {
    notes.add(
      "CAST(float AS STRING) prints Java's form in Flink ('1.0', '1.0E21') and JavaScript's shortest form in Flowstate ('1', '1e+21')",
    );
  }
  return cast(operand, node.target, node.safe);
}

function rewriteCall(node: CallExpr, r: (e: Expr) => Expr, notes: Set<string>): Expr {
  const args = node.args.map(r);
  const [a0, a1, a2] = args;
  switch (node.name) {
    case 'TO_TIMESTAMP_LTZ': {
      // Timestamps are epoch-millisecond BIGINTs: precision 3 is the value itself, 0 is seconds.
      const precision = node.args[1];
      const seconds = precision?.kind === 'literal' && precision.value === 0;
      return seconds
        ? { kind: 'binary', op: '*', left: a0!, right: lit(1000, 'int'), opStart: 0, opEnd: 0, ...at }
        : a0!;
    }
    case 'SPLIT':
      notes.add(
        "SPLIT of an empty string gives no element in Flink (BinaryStringDataUtil.splitByWholeSeparatorPreserveAllTokens) but one empty string in Flowstate, so a flatMap emits no row for '' in Flink",
      );
      return { ...node, args };
    case 'REGEXP_SPLIT':
      // Flink 2.3.0 has no REGEXP_SPLIT (its flink-table-runtime jar has no RegexpSplitFunction): replace every
      // match with a separator, then SPLIT on it.
      notes.add(
        `REGEXP_SPLIT is written as SPLIT(REGEXP_REPLACE(s, pattern, '${SPLIT_SENTINEL}'), '${SPLIT_SENTINEL}') (Flink 2.3 has no REGEXP_SPLIT): the same pieces unless the text contains '${SPLIT_SENTINEL}' (U+241E) or the pattern can match an empty string; an empty string gives no piece in Flink and one '' in Flowstate; ${REGEX_NOTE}`,
      );
      return call('SPLIT', [
        call('REGEXP_REPLACE', [a0!, a1!, lit(SPLIT_SENTINEL, 'string')]),
        lit(SPLIT_SENTINEL, 'string'),
      ]);
    case 'REGEXP':
      notes.add(REGEX_NOTE);
      return { ...node, args };
    case 'REGEXP_EXTRACT':
      notes.add(REGEX_NOTE);
      // Group 0 (the whole match) is Flowstate's default; say so explicitly.
      return { ...node, args: a2 ? args : [a0!, a1!, lit(0, 'int')] };
    case 'REGEXP_REPLACE': {
      notes.add(REGEX_NOTE);
      const replacement = node.args[2];
      if (replacement?.kind === 'literal' && typeof replacement.value === 'string') {
        const java = javaReplacement(replacement.value);
        if (java === undefined) {
          throw new UnsupportedExpression(
            'unsupported-function',
            "REGEXP_REPLACE with $`, $' or $<name> in the replacement: Java's replacement syntax (used by Flink) has no equivalent; use numbered groups ($1)",
          );
        }
        return { ...node, args: [a0!, a1!, lit(java, 'string')] };
      }
      if (replacement?.kind !== 'literal') {
        notes.add(
          "REGEXP_REPLACE with a computed replacement: Flink reads it with Java's syntax ($0 for the whole match, \\ escapes), Flowstate with JavaScript's ($& for the whole match)",
        );
      }
      return { ...node, args };
    }
    case 'MOD':
      if (node.args.some((x) => x.type === 'float')) {
        throw new UnsupportedExpression(
          'unsupported-function',
          "MOD with a float argument: Flink SQL's MOD takes exact (integer) numbers only; CAST the arguments to BIGINT or compute it differently",
        );
      }
      return { ...node, args };
    case 'TRIM':
    case 'LTRIM':
    case 'RTRIM': {
      if (args.length === 1) return { ...node, args };
      // TRIM(BOTH chars FROM s) → BTRIM(s, chars); LTRIM/RTRIM(s, chars) exist in Flink 2.x as functions.
      // (Lower case: formatExpr would print an upper-case two-argument LTRIM back as TRIM(LEADING ...).)
      return call(node.name === 'TRIM' ? 'BTRIM' : node.name.toLowerCase(), args);
    }
    default:
      return { ...node, args };
  }
}

/** Translates a row expression checked against `schema` (the spec validated, so it checks). */
export function translateExpr(text: string, schema: RowSchema): TranslatedExpr {
  const checked = checkExpression(text, schema);
  if (!checked.ok) throw new Error(`expression did not check although the spec validated: ${text}`);
  const notes = new Set<string>();
  const ast = rewrite(checked.expr.ast, notes);
  return {
    sql: formatExpr(ast, { alsoQuote }),
    type: checked.expr.type as TranslatedExpr['type'],
    notes: [...notes],
  };
}

/**
 * Translates an expression of a join's output over its two rows (`l.name`, `r.name`; `join.extra` for a
 * window join's bounds). Fields print as `l.name` / `r.name` (the join's SQL aliases its inputs `l` and `r`),
 * or as `replace` says.
 */
export function translateJoinExpr(text: string, join: JoinScope, replace?: FieldReplacer): TranslatedExpr {
  const checked = checkExpression(text, {}, { join });
  if (!checked.ok) throw new Error(`expression did not check although the spec validated: ${text}`);
  const notes = new Set<string>();
  const ast = rewrite(checked.expr.ast, notes, replace);
  return {
    sql: formatExpr(ast, { alsoQuote }),
    type: checked.expr.type as TranslatedExpr['type'],
    notes: [...notes],
  };
}

export interface TranslatedAggregate {
  sql: string;
  agg: AggregateCall;
  notes: string[];
}

/** Translates an aggregate call. AVG of an int is cast to DOUBLE first: Flink's AVG(BIGINT) is a BIGINT. */
export function translateAggregate(text: string, schema: RowSchema): TranslatedAggregate {
  const parsed = parseAggregate(text, schema);
  if (!parsed.ok) throw new Error(`aggregate did not check although the spec validated: ${text}`);
  const agg = parsed.agg;
  if (agg.star) return { sql: `${agg.fn}(*)`, agg, notes: [] };
  const notes = new Set<string>();
  let arg = rewrite(agg.arg!.ast, notes);
  if (agg.fn === 'AVG' && agg.arg!.type !== 'float') arg = cast(arg, 'float');
  return { sql: `${agg.fn}(${formatExpr(arg, { alsoQuote })})`, agg, notes: [...notes] };
}
