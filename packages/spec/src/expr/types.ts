/**
 * Public types of the expression language: value types, the AST and the results of parsing and checking.
 * See README.md in this directory for the language and its semantics.
 */

/** The type of a row field, as declared in a source's `schema`. */
export type FieldType = 'string' | 'int' | 'float' | 'bool' | 'timestamp';

/** An input schema: field name → type. Field names are case-sensitive. */
export type RowSchema = Readonly<Record<string, FieldType>>;

/**
 * The type of an expression's value: a field type, `'null'` (an untyped NULL, e.g. the literal `NULL`) or
 * `'string[]'` (the result of SPLIT / REGEXP_SPLIT, valid only as a flatMap's `explode`).
 */
export type ValueType = FieldType | 'null' | 'string[]';

/** A positioned problem in an expression's text, found while parsing or type checking. */
export interface ExprError {
  /** Stable code, e.g. `SYNTAX_ERROR`, `UNKNOWN_FIELD`, `TYPE_MISMATCH`. See README.md for the list. */
  code: string;
  /** What is wrong and what to do, ending with `at column N`. */
  message: string;
  /** 1-based column of `start` (the text is treated as one line: column = start + 1). */
  column: number;
  /** 0-based offset of the first character of the offending text. */
  start: number;
  /** 0-based offset just after the offending text (`end >= start`). */
  end: number;
}

/** Every AST node carries its 0-based `[start, end)` range in the text; the checker fills in `type`. */
interface NodeBase {
  start: number;
  end: number;
  /** Set by the type checker on every node of a checked expression; absent on a merely parsed AST. */
  type?: ValueType;
}

export type LiteralType = 'string' | 'int' | 'float' | 'bool' | 'null';

export interface LiteralExpr extends NodeBase {
  kind: 'literal';
  literalType: LiteralType;
  value: string | number | boolean | null;
}

export interface FieldExpr extends NodeBase {
  kind: 'field';
  /**
   * The key the row is read by. In a join's expressions (see `CheckOptions.join`) the checker makes it the
   * qualified key, `l.price` or `r.price`, which is what the join's merged row holds.
   */
  name: string;
  /** `l` or `r` in a join's expression: written (`l.price`), or resolved by the checker for an unqualified name. */
  qualifier?: string;
  /** With a qualifier: the field's own name (`price`), as written. */
  field?: string;
}

export type UnaryOp = '-' | '+' | 'NOT';

export interface UnaryExpr extends NodeBase {
  kind: 'unary';
  op: UnaryOp;
  operand: Expr;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%';
export type ComparisonOp = '=' | '<>' | '<' | '<=' | '>' | '>=';
export type BinaryOp = 'OR' | 'AND' | ComparisonOp | '||' | ArithmeticOp;

export interface BinaryExpr extends NodeBase {
  kind: 'binary';
  /** `!=` is parsed as `<>`. */
  op: BinaryOp;
  left: Expr;
  right: Expr;
  /** Offset of the operator token (for error positions). */
  opStart: number;
  opEnd: number;
}

/** `x IS [NOT] NULL`, `x IS [NOT] TRUE`, `x IS [NOT] FALSE`. */
export interface IsExpr extends NodeBase {
  kind: 'is';
  operand: Expr;
  test: 'NULL' | 'TRUE' | 'FALSE';
  negated: boolean;
}

export interface LikeExpr extends NodeBase {
  kind: 'like';
  operand: Expr;
  pattern: Expr;
  /** `ESCAPE 'c'`: a one-character string literal, or null when absent (no escape character). */
  escape: Expr | null;
  negated: boolean;
}

export interface InExpr extends NodeBase {
  kind: 'in';
  operand: Expr;
  list: Expr[];
  negated: boolean;
}

export interface BetweenExpr extends NodeBase {
  kind: 'between';
  operand: Expr;
  low: Expr;
  high: Expr;
  negated: boolean;
}

export interface CaseWhen {
  when: Expr;
  then: Expr;
}

/** Searched `CASE WHEN c THEN r ... END` (subject null) or simple `CASE x WHEN v THEN r ... END`. */
export interface CaseExpr extends NodeBase {
  kind: 'case';
  subject: Expr | null;
  whens: CaseWhen[];
  elseExpr: Expr | null;
}

export interface CastExpr extends NodeBase {
  kind: 'cast';
  operand: Expr;
  /** The type converted to. */
  target: FieldType;
  /** The type name as written, upper-cased and canonical, e.g. `BIGINT`, `TIMESTAMP(3)`. */
  typeName: string;
  /** TRY_CAST: a failed conversion gives NULL instead of a runtime error. */
  safe: boolean;
}

export interface CallExpr extends NodeBase {
  kind: 'call';
  /** Upper-cased function name. */
  name: string;
  /** End offset of the function name (the name starts at `start`). */
  nameEnd: number;
  args: Expr[];
  /** `COUNT(*)`. */
  star: boolean;
  /** `COUNT(DISTINCT x)`: parsed so that it can be rejected with a clear error. */
  distinct: boolean;
}

/** The AST of an expression: a tagged union on `kind`. */
export type Expr =
  | LiteralExpr
  | FieldExpr
  | UnaryExpr
  | BinaryExpr
  | IsExpr
  | LikeExpr
  | InExpr
  | BetweenExpr
  | CaseExpr
  | CastExpr
  | CallExpr;

export type ParseResult = { ok: true; ast: Expr } | { ok: false; errors: ExprError[] };

/** A parsed and type-checked expression: every node of `ast` carries its `type`. */
export interface CheckedExpression {
  text: string;
  ast: Expr;
  type: ValueType;
  /** The input fields it reads, in order of first appearance. */
  fields: string[];
}

export type CheckResult = { ok: true; expr: CheckedExpression } | { ok: false; errors: ExprError[] };

/** A compiled expression: call it once per row. It trusts that row values match the schema. */
export type CompiledExpression = (row: Readonly<Record<string, unknown>>) => unknown;

export type AggregateFunction = 'COUNT' | 'SUM' | 'MIN' | 'MAX' | 'AVG' | 'FIRST_VALUE' | 'LAST_VALUE';

/** One aggregate call, e.g. `SUM(price * qty)` or `COUNT(*)`. */
export interface AggregateCall {
  fn: AggregateFunction;
  /** `COUNT(*)`: counts rows; `arg` is absent. */
  star: boolean;
  /** The checked argument expression (its `text` is the argument's slice of the aggregate text). */
  arg?: CheckedExpression;
  resultType: FieldType;
  /** The aggregate text as given. */
  text: string;
}

export type AggregateResult = { ok: true; agg: AggregateCall } | { ok: false; errors: ExprError[] };
