/**
 * Flowstate's expression language: the SQL expressions Flink SQL users write, parsed, type checked against
 * a row schema and compiled to a closure once — never handed to eval or new Function.
 *
 *   const checked = checkExpression("price * qty > 100 AND LOWER(bidder) LIKE 'a%'", schema);
 *   if (checked.ok) { const where = compileExpression(checked.expr); where(row) === true; }
 *
 * Semantics (README.md in this directory has the full reference):
 *
 * - Types: string, int (exact integers within ±2^53-1), float (IEEE double), bool, timestamp (epoch
 *   milliseconds); NULL belongs to every type. SPLIT and REGEXP_SPLIT give string[] (for flatMap `explode`).
 * - Three-valued logic: NULL AND FALSE = FALSE, NULL AND TRUE = NULL, NULL OR TRUE = TRUE, NOT NULL = NULL,
 *   NULL = x is NULL; a filter keeps a row only when its condition is TRUE.
 * - Operators and functions return NULL when an argument is NULL, except IS [NOT] NULL/TRUE/FALSE, AND, OR,
 *   CASE, COALESCE, IF, NULLIF and CONCAT_WS. Operands are evaluated left to right and a NULL operand stops
 *   the evaluation; AND stops at FALSE, OR at TRUE, CASE/COALESCE/IF evaluate only what they need.
 * - int + int → int; int with float → float; timestamp ± int → timestamp; timestamp - timestamp → int.
 *   int / int truncates toward zero, % and MOD take the sign of the dividend (Java); an integer division or
 *   remainder by zero fails (DIVISION_BY_ZERO); an int result beyond ±2^53-1 fails (INT_OVERFLOW). Float
 *   arithmetic is IEEE: 1.0 / 0 = Infinity.
 * - CAST failures ('abc' → INT) fail with CAST_FAILED naming the value and type; TRY_CAST gives NULL.
 *   CAST(float AS INT) truncates; CAST(float AS STRING) is JavaScript's shortest representation;
 *   CAST(int AS TIMESTAMP) and CAST(timestamp AS BIGINT) convert epoch milliseconds.
 * - Strings count Unicode code points (CHAR_LENGTH, SUBSTRING, POSITION); SUBSTRING is 1-based; LIKE has
 *   % and _ and an optional ESCAPE character; ROUND rounds half away from zero on the decimal value.
 * - Regular expressions (REGEXP, REGEXP_SPLIT, REGEXP_REPLACE, REGEXP_EXTRACT) have RE2 syntax and run in
 *   time linear in the string; Java-only syntax (lookaround, backreferences...) is UNSUPPORTED_REGEX.
 * - Runtime failures throw ExpressionRuntimeError with a stable `code`.
 */
export { referencedFields } from './ast';
export {
  type CheckOptions,
  checkExpression,
  type JoinScope,
  joinRowSchema,
  parseAggregate,
} from './checker';
export { compileExpression } from './compile';
export type { ExprErrorCode } from './errors';
export { evaluate } from './evaluate';
export { type FormatOptions, formatExpr, formatIdentifier } from './format';
export { AGGREGATE_FUNCTION_NAMES } from './functions';
export { parseExpression } from './parser';
export { ExpressionRuntimeError, type RuntimeErrorCode } from './runtime';
export type {
  AggregateCall,
  AggregateFunction,
  BetweenExpr,
  BinaryExpr,
  BinaryOp,
  CallExpr,
  CaseExpr,
  CastExpr,
  CheckedExpression,
  CompiledExpression,
  Expr,
  ExprError,
  FieldExpr,
  FieldType,
  InExpr,
  IsExpr,
  LikeExpr,
  LiteralExpr,
  RowSchema,
  UnaryExpr,
  ValueType,
} from './types';
