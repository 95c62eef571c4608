/**
 * formatExpr: an AST back to canonical SQL text. Keywords and function names are upper-case, text literals
 * use '' escapes, and identifiers are backquoted when they are not plain words or are reserved in Flink SQL,
 * so the text can be pasted into a Flink SQL query. Parentheses are minimal, except that the output never
 * relies on a precedence where Flink SQL (Calcite) and this language could disagree: `||` mixed with
 * arithmetic and chained comparisons are always parenthesised.
 */
import { RESERVED_WORDS } from './lexer';
import { PREC } from './parser';
import type { BinaryOp, Expr } from './types';

/** Flink SQL's reserved keywords (Flink documentation, "Reserved Keywords"); such field names need backquotes. */
const FLINK_RESERVED: ReadonlySet<string> = new Set(
  [
    'A ABS ABSOLUTE ACTION ADA ADD ADMIN AFTER ALL ALLOCATE ALLOW ALTER ALWAYS AND ANY ARE ARRAY AS',
    'ASC ASENSITIVE ASSERTION ASSIGNMENT ASYMMETRIC AT ATOMIC ATTRIBUTE ATTRIBUTES AUTHORIZATION AVG',
    'BEFORE BEGIN BERNOULLI BETWEEN BIGINT BINARY BIT BLOB BOOLEAN BOTH BREADTH BY BYTES C CALL',
    'CALLED CARDINALITY CASCADE CASCADED CASE CAST CATALOG CATALOG_NAME CEIL CEILING CENTURY CHAIN',
    'CHAR CHARACTER CHARACTERISTICS CHARACTERS CHARACTER_LENGTH CHARACTER_SET_CATALOG',
    'CHARACTER_SET_NAME CHARACTER_SET_SCHEMA CHAR_LENGTH CHECK CLASS_ORIGIN CLOB CLOSE COALESCE COBOL',
    'COLLATE COLLATION COLLATION_CATALOG COLLATION_NAME COLLATION_SCHEMA COLLECT COLUMN COLUMNS',
    'COLUMN_NAME COMMAND_FUNCTION COMMAND_FUNCTION_CODE COMMIT COMMITTED CONDITION CONDITION_NUMBER',
    'CONNECT CONNECTION CONNECTION_NAME CONSTRAINT CONSTRAINTS CONSTRAINT_CATALOG CONSTRAINT_NAME',
    'CONSTRAINT_SCHEMA CONSTRUCTOR CONTAINS CONTINUE CONVERT CORR CORRESPONDING COUNT COVAR_POP',
    'COVAR_SAMP CREATE CROSS CUBE CUME_DIST CURRENT CURRENT_CATALOG CURRENT_DATE',
    'CURRENT_DEFAULT_TRANSFORM_GROUP CURRENT_PATH CURRENT_ROLE CURRENT_SCHEMA CURRENT_TIME',
    'CURRENT_TIMESTAMP CURRENT_TRANSFORM_GROUP_FOR_TYPE CURRENT_USER CURSOR CURSOR_NAME CYCLE DATA',
    'DATABASE DATE DATETIME_INTERVAL_CODE DATETIME_INTERVAL_PRECISION DAY DEALLOCATE DEC DECADE',
    'DECIMAL DECLARE DEFAULT DEFAULTS DEFERRABLE DEFERRED DEFINED DEFINER DEGREE DELETE DENSE_RANK',
    'DEPTH DEREF DERIVED DESC DESCRIBE DESCRIPTION DESCRIPTOR DETERMINISTIC DIAGNOSTICS DISALLOW',
    'DISCONNECT DISPATCH DISTINCT DOMAIN DOUBLE DOW DOY DROP DYNAMIC DYNAMIC_FUNCTION',
    'DYNAMIC_FUNCTION_CODE EACH ELEMENT ELSE END EPOCH EQUALS ESCAPE EVERY EXCEPT EXCEPTION EXCLUDE',
    'EXCLUDING EXEC EXECUTE EXISTS EXP EXPLAIN EXTEND EXTERNAL EXTRACT FALSE FETCH FILTER FINAL FIRST',
    'FIRST_VALUE FLOAT FLOOR FOLLOWING FOR FOREIGN FORTRAN FOUND FRAC_SECOND FREE FROM FULL FUNCTION',
    'FUSION G GENERAL GENERATED GET GLOBAL GO GOTO GRANT GRANTED GROUP GROUPING HAVING HIERARCHY HOLD',
    'HOUR IDENTITY IMMEDIATE IMPLEMENTATION IMPORT IN INCLUDING INCREMENT INDICATOR INITIALLY INNER',
    'INOUT INPUT INSENSITIVE INSERT INSTANCE INSTANTIABLE INT INTEGER INTERSECT INTERSECTION INTERVAL',
    'INTO INVOKER IS ISOLATION JAVA JOIN K KEY KEY_MEMBER KEY_TYPE LABEL LANGUAGE LARGE LAST',
    'LAST_VALUE LATERAL LEADING LEFT LENGTH LEVEL LIBRARY LIKE LIMIT LN LOCAL LOCALTIME',
    'LOCALTIMESTAMP LOCATOR LOWER M MAP MATCH MATCHED MAX MAXVALUE MEMBER MERGE MESSAGE_LENGTH',
    'MESSAGE_OCTET_LENGTH MESSAGE_TEXT METHOD MICROSECOND MILLENNIUM MIN MINUTE MINVALUE MOD MODIFIES',
    'MODULE MODULES MONTH MORE MULTISET MUMPS NAME NAMES NATIONAL NATURAL NCHAR NCLOB NESTING NEW',
    'NEXT NO NONE NORMALIZE NORMALIZED NOT NULL NULLABLE NULLIF NULLS NUMBER NUMERIC OBJECT OCTETS',
    'OCTET_LENGTH OF OFFSET OLD ON ONLY OPEN OPTION OPTIONS OR ORDER ORDERING ORDINALITY OTHERS OUT',
    'OUTER OUTPUT OVER OVERLAPS OVERLAY OVERRIDING PAD PARAMETER PARAMETER_MODE PARAMETER_NAME',
    'PARAMETER_ORDINAL_POSITION PARAMETER_SPECIFIC_CATALOG PARAMETER_SPECIFIC_NAME',
    'PARAMETER_SPECIFIC_SCHEMA PARTIAL PARTITION PASCAL PASSTHROUGH PATH PERCENTILE_CONT',
    'PERCENTILE_DISC PERCENT_RANK PLACING PLAN PLI POSITION POWER PRECEDING PRECISION PREPARE',
    'PRESERVE PRIMARY PRIOR PRIVILEGES PROCEDURE PUBLIC QUARTER RANGE RANK RAW READ READS REAL',
    'RECURSIVE REF REFERENCES REFERENCING REGR_AVGX REGR_AVGY REGR_COUNT REGR_INTERCEPT REGR_R2',
    'REGR_SLOPE REGR_SXX REGR_SXY REGR_SYY RELATIVE RELEASE REPEATABLE RESET RESTART RESTRICT RESULT',
    'RETURN RETURNED_CARDINALITY RETURNED_LENGTH RETURNED_OCTET_LENGTH RETURNED_SQLSTATE RETURNS',
    'REVOKE RIGHT ROLE ROLLBACK ROLLUP ROUTINE ROUTINE_CATALOG ROUTINE_NAME ROUTINE_SCHEMA ROW ROWS',
    'ROW_COUNT ROW_NUMBER SAVEPOINT SCALE SCHEMA SCHEMA_NAME SCOPE SCOPE_CATALOGS SCOPE_NAME',
    'SCOPE_SCHEMA SCROLL SEARCH SECOND SECTION SECURITY SELECT SELF SENSITIVE SEQUENCE SERIALIZABLE',
    'SERVER SERVER_NAME SESSION SESSION_USER SET SETS SIMILAR SIMPLE SIZE SMALLINT SOME SOURCE SPACE',
    'SPECIFIC SPECIFICTYPE SPECIFIC_NAME SQL SQLEXCEPTION SQLSTATE SQLWARNING SQL_TSI_DAY',
    'SQL_TSI_FRAC_SECOND SQL_TSI_HOUR SQL_TSI_MICROSECOND SQL_TSI_MINUTE SQL_TSI_MONTH',
    'SQL_TSI_QUARTER SQL_TSI_SECOND SQL_TSI_WEEK SQL_TSI_YEAR SQRT START STATE STATEMENT STATIC',
    'STDDEV_POP STDDEV_SAMP STREAM STRING STRUCTURE STYLE SUBCLASS_ORIGIN SUBMULTISET SUBSTITUTE',
    'SUBSTRING SUM SYMMETRIC SYSTEM SYSTEM_USER TABLE TABLESAMPLE TABLE_NAME TEMPORARY THEN TIES TIME',
    'TIMESTAMP TIMESTAMPADD TIMESTAMPDIFF TIMEZONE_HOUR TIMEZONE_MINUTE TINYINT TO TOP_LEVEL_COUNT',
    'TRAILING TRANSACTION TRANSACTIONS_ACTIVE TRANSACTIONS_COMMITTED TRANSACTIONS_ROLLED_BACK',
    'TRANSFORM TRANSFORMS TRANSLATE TRANSLATION TREAT TRIGGER TRIGGER_CATALOG TRIGGER_NAME',
    'TRIGGER_SCHEMA TRIM TRUE TYPE UESCAPE UNBOUNDED UNCOMMITTED UNDER UNION UNIQUE UNKNOWN UNNAMED',
    'UNNEST UPDATE UPPER UPSERT USAGE USER USER_DEFINED_TYPE_CATALOG USER_DEFINED_TYPE_CODE',
    'USER_DEFINED_TYPE_NAME USER_DEFINED_TYPE_SCHEMA USING VALUE VALUES VARBINARY VARCHAR VARYING',
    'VAR_POP VAR_SAMP VERSION VIEW WEEK WHEN WHENEVER WHERE WIDTH_BUCKET WINDOW WITH WITHIN WITHOUT',
    'WORK WRAPPER WRITE XML YEAR ZONE',
  ]
    .join(' ')
    .split(' '),
);

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A field name as SQL: bare when safe, else in backquotes with ` doubled. `alsoQuote` (given the upper-cased
 * name) backquotes further words, e.g. the keywords of another SQL grammar the text must pass.
 */
export function formatIdentifier(name: string, alsoQuote?: (upperName: string) => boolean): string {
  const upper = name.toUpperCase();
  if (
    PLAIN_IDENTIFIER.test(name) &&
    !RESERVED_WORDS.has(upper) &&
    !FLINK_RESERVED.has(upper) &&
    !(alsoQuote?.(upper) ?? false)
  )
    return name;
  return `\`${name.replaceAll('`', '``')}\``;
}

export function formatStringLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A float literal that reads back as a float: 1 → 1.0, 1e21 → 1e+21, -0 → -0.0. */
export function formatFloatLiteral(value: number): string {
  if (Object.is(value, -0)) return '-0.0';
  const s = String(value);
  return /^-?\d+$/.test(s) ? `${s}.0` : s;
}

const BINARY_PREC: Readonly<Record<BinaryOp, number>> = {
  OR: PREC.OR,
  AND: PREC.AND,
  '=': PREC.COMPARISON,
  '<>': PREC.COMPARISON,
  '<': PREC.COMPARISON,
  '<=': PREC.COMPARISON,
  '>': PREC.COMPARISON,
  '>=': PREC.COMPARISON,
  '||': PREC.CONCAT,
  '+': PREC.ADDITIVE,
  '-': PREC.ADDITIVE,
  '*': PREC.MULTIPLICATIVE,
  '/': PREC.MULTIPLICATIVE,
  '%': PREC.MULTIPLICATIVE,
};

function precedence(node: Expr): number {
  switch (node.kind) {
    case 'unary':
      return node.op === 'NOT' ? PREC.NOT : PREC.UNARY;
    case 'binary':
      return BINARY_PREC[node.op];
    case 'is':
      return PREC.IS;
    case 'like':
    case 'in':
    case 'between':
      return PREC.LIKE_IN_BETWEEN;
    default:
      return PREC.ATOM;
  }
}

function isArithmetic(node: Expr): boolean {
  return (
    node.kind === 'binary' &&
    (BINARY_PREC[node.op] === PREC.ADDITIVE || BINARY_PREC[node.op] === PREC.MULTIPLICATIVE)
  );
}

export interface FormatOptions {
  /** `minimal` (default): only the parentheses needed; `all`: every operator sub-expression is parenthesised. */
  parenthesize?: 'minimal' | 'all';
  /** Backquotes field names for which this returns true (given the upper-cased name), besides the reserved words. */
  alsoQuote?: (upperName: string) => boolean;
}

/** Canonical SQL text of an expression. `parseExpression(formatExpr(ast))` gives back the same tree. */
export function formatExpr(ast: Expr, options: FormatOptions = {}): string {
  const all = options.parenthesize === 'all';

  const sub = (node: Expr, minPrec: number, force = false): string => {
    const s = fmt(node);
    const p = precedence(node);
    if (p === PREC.ATOM) return s;
    return all || force || p < minPrec ? `(${s})` : s;
  };

  const fmt = (node: Expr): string => {
    switch (node.kind) {
      case 'literal':
        switch (node.literalType) {
          case 'string':
            return formatStringLiteral(node.value as string);
          case 'int':
            return String(node.value);
          case 'float':
            return formatFloatLiteral(node.value as number);
          case 'bool':
            return node.value ? 'TRUE' : 'FALSE';
          case 'null':
            return 'NULL';
        }
        return 'NULL';
      case 'field':
        return node.qualifier !== undefined
          ? `${node.qualifier}.${formatIdentifier(node.field ?? node.name, options.alsoQuote)}`
          : formatIdentifier(node.name, options.alsoQuote);
      case 'unary': {
        if (node.op === 'NOT') return `NOT ${sub(node.operand, PREC.NOT)}`;
        const operand = sub(node.operand, PREC.UNARY);
        // `- -x` must not become the comment `--x`
        return /^[-+]/.test(operand) ? `${node.op}(${operand})` : `${node.op}${operand}`;
      }
      case 'binary': {
        const p = BINARY_PREC[node.op];
        const comparison = p === PREC.COMPARISON;
        const concat = node.op === '||';
        const left = sub(
          node.left,
          p,
          (concat && isArithmetic(node.left)) || (comparison && precedence(node.left) === p),
        );
        const right = sub(node.right, p + 1, concat && isArithmetic(node.right));
        return `${left} ${node.op} ${right}`;
      }
      case 'is':
        return `${sub(node.operand, PREC.IS)} IS ${node.negated ? 'NOT ' : ''}${node.test}`;
      case 'like': {
        const escapeClause = node.escape ? ` ESCAPE ${sub(node.escape, PREC.LIKE_IN_BETWEEN + 1)}` : '';
        return `${sub(node.operand, PREC.LIKE_IN_BETWEEN)} ${node.negated ? 'NOT ' : ''}LIKE ${sub(node.pattern, PREC.LIKE_IN_BETWEEN + 1)}${escapeClause}`;
      }
      case 'in':
        return `${sub(node.operand, PREC.LIKE_IN_BETWEEN)} ${node.negated ? 'NOT ' : ''}IN (${node.list.map((e) => sub(e, 0)).join(', ')})`;
      case 'between':
        return `${sub(node.operand, PREC.LIKE_IN_BETWEEN)} ${node.negated ? 'NOT ' : ''}BETWEEN ${sub(node.low, PREC.LIKE_IN_BETWEEN + 1)} AND ${sub(node.high, PREC.LIKE_IN_BETWEEN + 1)}`;
      case 'case': {
        let s = 'CASE';
        if (node.subject) s += ` ${sub(node.subject, 0)}`;
        for (const w of node.whens) s += ` WHEN ${sub(w.when, 0)} THEN ${sub(w.then, 0)}`;
        if (node.elseExpr) s += ` ELSE ${sub(node.elseExpr, 0)}`;
        return `${s} END`;
      }
      case 'cast':
        return `${node.safe ? 'TRY_CAST' : 'CAST'}(${sub(node.operand, 0)} AS ${node.typeName})`;
      case 'call': {
        const args = node.args;
        if (node.star) return `${node.name}(*)`;
        if (node.name === 'POSITION' && args.length === 2) {
          return `POSITION(${sub(args[0] as Expr, PREC.LIKE_IN_BETWEEN + 1)} IN ${sub(args[1] as Expr, 0)})`;
        }
        if ((node.name === 'TRIM' || node.name === 'LTRIM' || node.name === 'RTRIM') && args.length === 2) {
          const mode = node.name === 'TRIM' ? 'BOTH' : node.name === 'LTRIM' ? 'LEADING' : 'TRAILING';
          const chars = sub(args[1] as Expr, 0);
          return `TRIM(${mode} ${/^[-+]/.test(chars) ? `(${chars})` : chars} FROM ${sub(args[0] as Expr, 0)})`;
        }
        const list = args.map((a) => sub(a, 0)).join(', ');
        return `${node.name}(${node.distinct ? 'DISTINCT ' : ''}${list})`;
      }
    }
  };

  return fmt(ast);
}
