import { describe, expect, it } from 'vitest';
import { referencedFields } from './ast';
import { checkExpression, parseAggregate } from './checker';
import { compileExpression } from './compile';
import { parseExpression } from './parser';
import type { Expr, RowSchema } from './types';

const schema: RowSchema = { price: 'float', bidder: 'string', auction: 'int', ts: 'timestamp', flag: 'bool' };

describe('result types', () => {
  const wide: RowSchema = {
    i: 'int',
    j: 'int',
    f: 'float',
    s: 'string',
    b: 'bool',
    ts: 'timestamp',
    ts2: 'timestamp',
  };
  it.each([
    ['1', 'int'],
    ['-1', 'int'],
    ['1.5', 'float'],
    ['1e3', 'float'],
    ["'a'", 'string'],
    ['TRUE', 'bool'],
    ['NULL', 'null'],
    ['-NULL', 'null'],
    ['i', 'int'],
    ['i + j', 'int'],
    ['i * j % 3', 'int'],
    ['i / j', 'int'],
    ['i + f', 'float'],
    ['f / j', 'float'],
    ['ts + 1', 'timestamp'],
    ['1 + ts', 'timestamp'],
    ['ts - 1', 'timestamp'],
    ['ts - ts2', 'int'],
    ['ts + NULL', 'timestamp'],
    ['ts - NULL', 'timestamp'],
    ['NULL - ts', 'int'],
    ['NULL + ts', 'timestamp'],
    ['i + NULL', 'int'],
    ['NULL * f', 'float'],
    ['NULL + NULL', 'null'],
    ["s || 'x'", 'string'],
    ['NULL || NULL', 'string'],
    ['i > j', 'bool'],
    ['i > f', 'bool'],
    ['ts > i', 'bool'],
    ['ts = ts2', 'bool'],
    ['NULL = NULL', 'bool'],
    ['NOT b', 'bool'],
    ['b AND NULL', 'bool'],
    ['i IS NULL', 'bool'],
    ["s LIKE 'a%'", 'bool'],
    ['i IN (1, 2.5, NULL)', 'bool'],
    ['ts BETWEEN 0 AND ts2', 'bool'],
    ['CASE WHEN b THEN 1 ELSE 2.5 END', 'float'],
    ['CASE WHEN b THEN NULL ELSE s END', 'string'],
    ['CASE WHEN b THEN NULL END', 'null'],
    ["CASE i WHEN 1 THEN 'a' END", 'string'],
    ['CAST(i AS STRING)', 'string'],
    ['CAST(s AS TIMESTAMP(3))', 'timestamp'],
    ['CAST(NULL AS BOOLEAN)', 'bool'],
    ['TRY_CAST(s AS BIGINT)', 'int'],
    ["SPLIT(s, ',')", 'string[]'],
    ["REGEXP_SPLIT(s, ',')", 'string[]'],
    ["COALESCE(SPLIT(s, ','), REGEXP_SPLIT(s, ';'))", 'string[]'],
    ['COALESCE(NULL, f)', 'float'],
    ['COALESCE(i, f)', 'float'],
    ['ABS(i)', 'int'],
    ['ABS(f)', 'float'],
    ['FLOOR(i)', 'int'],
    ['CEIL(f)', 'float'],
    ['ROUND(f, 1)', 'float'],
    ['ROUND(i, -1)', 'int'],
    ['MOD(i, j)', 'int'],
    ['MOD(i, f)', 'float'],
    ['POWER(i, j)', 'float'],
    ['SQRT(i)', 'float'],
    ['GREATEST(i, f)', 'float'],
    ['LEAST(s, NULL)', 'string'],
    ['IF(b, s, NULL)', 'string'],
    ['NULLIF(i, 0)', 'int'],
    ['CHAR_LENGTH(s)', 'int'],
    ["POSITION('a' IN s)", 'int'],
    ['SUBSTRING(s, 1, 2)', 'string'],
    ["CONCAT_WS(',', s, NULL)", 'string'],
    ["REGEXP(s, 'a')", 'bool'],
    ['TO_TIMESTAMP_LTZ(i, 3)', 'timestamp'],
  ])('%s : %s', (text, type) => {
    const result = checkExpression(text, wide);
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
    expect(result.expr.type).toBe(type);
  });

  it('annotates every node with its type', () => {
    const result = checkExpression("CASE WHEN i > 1 THEN LOWER(s) ELSE 'x' END || CAST(ts AS STRING)", wide);
    if (!result.ok) throw new Error('check failed');
    const visit = (node: Expr): void => {
      expect(node.type, JSON.stringify(node)).toBeDefined();
      for (const value of Object.values(node)) {
        if (value && typeof value === 'object') {
          if ('kind' in value) visit(value as Expr);
          if (Array.isArray(value)) {
            for (const v of value) {
              if (v && typeof v === 'object' && 'kind' in v) visit(v as Expr);
              else if (v && typeof v === 'object') {
                visit((v as { when: Expr }).when);
                visit((v as { then: Expr }).then);
              }
            }
          }
        }
      }
    };
    visit(result.expr.ast);
  });

  it('reports the fields an expression reads, in order, once', () => {
    const result = checkExpression('f + i * f > COALESCE(j, i)', wide);
    expect(result.ok && result.expr.fields).toEqual(['f', 'i', 'j']);
    const parsed = parseExpression('COALESCE(`x y`, z, `x y`) || w');
    expect(parsed.ok && referencedFields(parsed.ast)).toEqual(['x y', 'z', 'w']);
    const none = parseExpression("1 + LENGTH('a')");
    expect(none.ok && referencedFields(none.ast)).toEqual([]);
  });
});

describe('type errors', () => {
  it.each([
    ['prcie > 1', 'UNKNOWN_FIELD', 1, "unknown field 'prcie' (available: price, bidder, auction, ts, flag)"],
    ['Price > 1', 'UNKNOWN_FIELD', 1, "field names are case-sensitive: did you mean 'price'?"],
    [
      'price + bidder',
      'TYPE_MISMATCH',
      9,
      "'+' needs numbers (or a timestamp and an int) but the right operand is string",
    ],
    ['bidder + 1', 'TYPE_MISMATCH', 1, 'the left operand is string'],
    ['bidder * 2', 'TYPE_MISMATCH', 1, "'*' needs numbers but the left operand is string"],
    ['-bidder', 'TYPE_MISMATCH', 2, "unary '-' needs a number but got string"],
    ['price > bidder', 'TYPE_MISMATCH', 7, "cannot compare float with string using '>'"],
    ["auction = '1'", 'TYPE_MISMATCH', 9, 'cannot compare int with string'],
    ['flag = 1', 'TYPE_MISMATCH', 6, 'cannot compare bool with int'],
    ['flag AND price', 'TYPE_MISMATCH', 10, 'AND needs bool operands but the right operand is float'],
    ['auction OR flag', 'TYPE_MISMATCH', 1, 'OR needs bool operands but the left operand is int'],
    ['NOT price', 'TYPE_MISMATCH', 5, 'NOT needs a bool operand but got float'],
    ['price IS TRUE', 'TYPE_MISMATCH', 1, 'IS TRUE needs a bool operand but got float'],
    ["price LIKE 'a%'", 'TYPE_MISMATCH', 1, 'LIKE needs a string operand but got float'],
    ['bidder LIKE 1', 'TYPE_MISMATCH', 13, 'LIKE needs a string pattern but got int'],
    [
      'bidder || price',
      'TYPE_MISMATCH',
      11,
      "'||' needs string operands but the right operand is float; use CAST(x AS STRING)",
    ],
    ['LOWR(bidder)', 'UNKNOWN_FUNCTION', 1, "unknown function 'LOWR' (did you mean LOWER"],
    ['FROBNICATE(bidder)', 'UNKNOWN_FUNCTION', 1, 'known functions: ABS, CEIL'],
    ['SUBSTRING(bidder)', 'WRONG_ARITY', 17, 'SUBSTRING takes 2 or 3 arguments but got 1'],
    ['LOWER(bidder, 1)', 'WRONG_ARITY', 15, 'LOWER takes 1 argument but got 2 (usage: LOWER(s))'],
    ['COALESCE()', 'WRONG_ARITY', 10, 'COALESCE takes at least 1 argument but got 0'],
    ['SUBSTRING(bidder, 1.5)', 'TYPE_MISMATCH', 19, 'argument 2 of SUBSTRING must be int but is float'],
    ['ABS(bidder)', 'TYPE_MISMATCH', 5, 'argument 1 of ABS must be a number (int or float) but is string'],
    ['IF(price, 1, 2)', 'TYPE_MISMATCH', 4, 'argument 1 of IF must be bool but is float'],
    ["IF(flag, 1, 'x')", 'TYPE_MISMATCH', 13, 'arguments of IF have incompatible types: int and string'],
    [
      'COALESCE(price, bidder)',
      'TYPE_MISMATCH',
      17,
      'arguments of COALESCE have incompatible types: float and string',
    ],
    ['GREATEST(price, bidder)', 'TYPE_MISMATCH', 17, 'GREATEST cannot compare float with string'],
    ['NULLIF(price, bidder)', 'TYPE_MISMATCH', 15, 'NULLIF cannot compare float with string'],
    [
      'price + SUM(auction)',
      'AGGREGATE_NOT_ALLOWED',
      9,
      'aggregate function SUM is not allowed in a row expression',
    ],
    ['COUNT(*) > 1', 'AGGREGATE_NOT_ALLOWED', 1, 'aggregate function COUNT'],
    ['LOWER(DISTINCT bidder)', 'SYNTAX_ERROR', 1, 'DISTINCT is only allowed in aggregate calls'],
    ["REGEXP(bidder, '[a-')", 'INVALID_REGEX', 16, "invalid regular expression '[a-'"],
    ["REGEXP_SPLIT(bidder, '(')", 'INVALID_REGEX', 22, "missing closing ) in '('"],
    ["REGEXP_REPLACE(bidder, '*', '')", 'INVALID_REGEX', 24, 'missing argument to repetition operator'],
    [
      "REGEXP(bidder, '^(\\w+)-\\1$')",
      'UNSUPPORTED_REGEX',
      16,
      "unsupported regular expression '^(\\w+)-\\1$': \\1 at character 8: RE2 has no backreferences; extract the groups with REGEXP_EXTRACT and compare them with =",
    ],
    [
      "REGEXP_EXTRACT(bidder, 'a(?=b)', 0)",
      'UNSUPPORTED_REGEX',
      24,
      "(?= at character 2: RE2 has no lookahead; match the text itself, or combine two conditions, e.g. REGEXP(s, 'a') AND NOT REGEXP(s, 'ab')",
    ],
    ["REGEXP_SPLIT(bidder, '(?<=,)')", 'UNSUPPORTED_REGEX', 22, '(?<= at character 1: RE2 has no lookbehind'],
    [
      "REGEXP_REPLACE(bidder, '[0-9]++', '')",
      'UNSUPPORTED_REGEX',
      24,
      '++ at character 6: RE2 has no possessive',
    ],
    ["price > 1 AND REGEXP(bidder, 'it''s\\u0041')", 'UNSUPPORTED_REGEX', 30, 'write \\x{0041}'],
    ["bidder LIKE 'a!x' ESCAPE '!'", 'INVALID_LIKE_PATTERN', 13, "invalid escape sequence '!x'"],
    ["bidder LIKE 'a!' ESCAPE '!'", 'INVALID_LIKE_PATTERN', 13, 'ends with the escape character'],
    ["bidder LIKE 'a' ESCAPE 'xy'", 'INVALID_ARGUMENT', 24, 'ESCAPE needs a one-character string literal'],
    [
      "CASE WHEN flag THEN 1 ELSE 'x' END",
      'TYPE_MISMATCH',
      28,
      'CASE branches have incompatible types: int and string',
    ],
    ['CASE WHEN price THEN 1 END', 'TYPE_MISMATCH', 11, 'WHEN needs a bool condition but got float'],
    [
      "CASE auction WHEN 'a' THEN 1 END",
      'TYPE_MISMATCH',
      19,
      'CASE value is int but this WHEN value is string',
    ],
    [
      "auction IN (1, 'x')",
      'TYPE_MISMATCH',
      16,
      'IN list value 2 is string, which cannot be compared with int',
    ],
    ["price BETWEEN 1 AND 'z'", 'TYPE_MISMATCH', 21, 'BETWEEN upper bound is string'],
    ['CAST(flag AS TIMESTAMP)', 'TYPE_MISMATCH', 1, 'cannot CAST bool to TIMESTAMP'],
    ['CAST(price AS TIMESTAMP)', 'TYPE_MISMATCH', 1, 'CAST it to BIGINT first'],
    ['CAST(ts AS BOOLEAN)', 'TYPE_MISMATCH', 1, 'cannot CAST timestamp to BOOLEAN'],
    ["CAST(SPLIT(bidder, ',') AS STRING)", 'TYPE_MISMATCH', 1, 'cannot CAST string[] to STRING'],
    ['ts + ts', 'TYPE_MISMATCH', 4, "cannot apply '+' to timestamp and timestamp"],
    ['ts + price', 'TYPE_MISMATCH', 4, "cannot apply '+' to timestamp and float"],
    ['1 - ts', 'TYPE_MISMATCH', 3, 'cannot subtract a timestamp from int'],
    ['ts * 2', 'TYPE_MISMATCH', 1, "'*' needs numbers but the left operand is timestamp"],
    ['ts = price', 'TYPE_MISMATCH', 4, 'cannot compare timestamp with float'],
    [
      'TO_TIMESTAMP_LTZ(auction, 6)',
      'INVALID_ARGUMENT',
      27,
      'must be the literal 0 (seconds) or 3 (milliseconds)',
    ],
    ["SPLIT(bidder, ',') = 'a'", 'TYPE_MISMATCH', 1, "'=' cannot compare string[] values"],
    ["SPLIT(bidder, ',') IN ('a')", 'TYPE_MISMATCH', 1, 'IN cannot test a string[] value'],
  ])('%s → %s at column %i', (text, code, column, message) => {
    const result = checkExpression(text, schema);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors;
    expect(error?.code).toBe(code);
    expect(error?.column).toBe(column);
    expect(error?.start).toBe(column - 1);
    expect(error?.message).toContain(message);
    expect(error?.message).toMatch(new RegExp(` at column ${column}$`));
  });

  it('says so when the input has no fields', () => {
    const result = checkExpression('x', {});
    expect(!result.ok && result.errors[0]?.message).toBe(
      "unknown field 'x' (the input has no fields) at column 1",
    );
  });

  it('lists at most 20 available fields', () => {
    const many: RowSchema = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, 'int']));
    const result = checkExpression('nope', many);
    expect(!result.ok && result.errors[0]?.message).toContain('f18, f19, ...)');
  });

  it('does not mistake Object.prototype properties for fields', () => {
    const result = checkExpression('constructor', schema);
    expect(!result.ok && result.errors[0]?.code).toBe('UNKNOWN_FIELD');
  });

  it('reports every independent error, in text order, without follow-on errors', () => {
    const two = checkExpression('prcie + bidr', schema);
    expect(!two.ok && two.errors.map((e) => [e.code, e.column])).toEqual([
      ['UNKNOWN_FIELD', 1],
      ['UNKNOWN_FIELD', 9],
    ]);
    const mixed = checkExpression('prcie > 1 AND LOWER(bidder) = 2', schema);
    expect(!mixed.ok && mixed.errors.map((e) => [e.code, e.column])).toEqual([
      ['UNKNOWN_FIELD', 1],
      ['TYPE_MISMATCH', 29],
    ]);
    const one = checkExpression("prcie + 1 > 'x' AND LOWER(prcie) = 'a'", schema);
    expect(!one.ok && one.errors.map((e) => [e.code, e.column])).toEqual([
      ['UNKNOWN_FIELD', 1],
      ['UNKNOWN_FIELD', 27],
    ]);
  });

  it('passes parse errors through', () => {
    const result = checkExpression('price +', schema);
    expect(!result.ok && result.errors[0]).toMatchObject({ code: 'SYNTAX_ERROR', column: 8 });
  });
});

describe('parseAggregate', () => {
  it.each([
    ['COUNT(*)', 'COUNT', true, 'int', undefined],
    ['count(*)', 'COUNT', true, 'int', undefined],
    ['COUNT(bidder)', 'COUNT', false, 'int', 'bidder'],
    ['COUNT(1)', 'COUNT', false, 'int', '1'],
    ['SUM(auction)', 'SUM', false, 'int', 'auction'],
    ['SUM(price)', 'SUM', false, 'float', 'price'],
    ['sum( price * auction )', 'SUM', false, 'float', 'price * auction'],
    ['AVG(auction)', 'AVG', false, 'float', 'auction'],
    ['MIN(bidder)', 'MIN', false, 'string', 'bidder'],
    ['MAX(ts)', 'MAX', false, 'timestamp', 'ts'],
    ['MAX(flag)', 'MAX', false, 'bool', 'flag'],
    ['FIRST_VALUE(flag)', 'FIRST_VALUE', false, 'bool', 'flag'],
    [
      'LAST_VALUE(CASE WHEN flag THEN price END)',
      'LAST_VALUE',
      false,
      'float',
      'CASE WHEN flag THEN price END',
    ],
    ['SUM((price))', 'SUM', false, 'float', 'price'],
  ])('%s', (text, fn, star, resultType, argText) => {
    const result = parseAggregate(text, schema);
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('; '));
    expect(result.agg).toMatchObject({ fn, star, resultType, text });
    expect(result.agg.arg?.text).toBe(argText);
  });

  it('gives a checked, compilable argument whose positions refer to its own text', () => {
    const result = parseAggregate('SUM(price * auction)', schema);
    if (!result.ok || !result.agg.arg) throw new Error('expected an argument');
    const arg = result.agg.arg;
    expect(arg).toMatchObject({ text: 'price * auction', type: 'float', fields: ['price', 'auction'] });
    expect(arg.ast).toMatchObject({ start: 0, end: 15 });
    expect(compileExpression(arg)({ price: 2.5, auction: 4 })).toBe(10);
  });

  it.each([
    ['SUM(bidder)', 'TYPE_MISMATCH', 5, 'SUM needs a number (int or float) but its argument is string'],
    ['AVG(flag)', 'TYPE_MISMATCH', 5, 'AVG needs a number'],
    ['MIN(NULL)', 'TYPE_MISMATCH', 5, 'MIN cannot aggregate NULL values'],
    ["MAX(SPLIT(bidder, ','))", 'TYPE_MISMATCH', 5, 'cannot aggregate string[] values'],
    ['SUM(price) + 1', 'NOT_AN_AGGREGATE', 1, 'an aggregate must be a single aggregate call'],
    ['ROUND(AVG(price), 2)', 'NOT_AN_AGGREGATE', 1, 'an aggregate must be a single aggregate call'],
    [
      'price',
      'NOT_AN_AGGREGATE',
      1,
      "expected an aggregate call (COUNT, SUM, MIN, MAX, AVG, FIRST_VALUE, LAST_VALUE) but found field 'price'",
    ],
    ['LOWER(bidder)', 'NOT_AN_AGGREGATE', 1, 'but found function LOWER'],
    ['1 + 1', 'NOT_AN_AGGREGATE', 1, 'but found an expression'],
    ['COUNT(DISTINCT bidder)', 'UNSUPPORTED', 7, 'COUNT(DISTINCT ...) is not supported'],
    ['SUM(*)', 'SYNTAX_ERROR', 5, "expected an expression but found '*'"],
    ['SUM(price, auction)', 'WRONG_ARITY', 12, 'SUM takes exactly one argument but got 2'],
    ['SUM()', 'WRONG_ARITY', 5, 'SUM takes exactly one argument but got 0'],
    ['SUM(prcie)', 'UNKNOWN_FIELD', 5, "unknown field 'prcie'"],
    ['SUM(price + prcie)', 'UNKNOWN_FIELD', 13, "unknown field 'prcie'"],
    ['SUM(COUNT(price))', 'AGGREGATE_NOT_ALLOWED', 5, 'aggregate function COUNT'],
    ['SUM(price', 'SYNTAX_ERROR', 10, "expected ',' or ')' but found end of input"],
    ['', 'SYNTAX_ERROR', 1, 'expected an expression'],
  ])('%s → %s at column %i', (text, code, column, message) => {
    const result = parseAggregate(text, schema);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const [error] = result.errors;
    expect(error?.code).toBe(code);
    expect(error?.column).toBe(column);
    expect(error?.message).toContain(message);
    expect(error?.message).toMatch(new RegExp(` at column ${column}$`));
  });
});
