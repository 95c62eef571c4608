import { describe, expect, it } from 'vitest';
import { children } from './ast';
import { formatExpr, formatIdentifier } from './format';
import { MAX_DEPTH, parseExpression } from './parser';
import { shape } from './test-support';
import type { Expr } from './types';

function parse(text: string): Expr {
  const result = parseExpression(text);
  if (!result.ok) throw new Error(`${text}: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.ast;
}

const tree = (text: string): string => formatExpr(parse(text), { parenthesize: 'all' });

describe('precedence and associativity', () => {
  it.each([
    ['x OR y AND z', 'x OR (y AND z)'],
    ['x AND y OR z', '(x AND y) OR z'],
    ['x OR y OR z', '(x OR y) OR z'],
    ['x AND y AND z', '(x AND y) AND z'],
    ['NOT x AND y', '(NOT x) AND y'],
    ['x AND NOT y OR z', '(x AND (NOT y)) OR z'],
    ['NOT NOT x', 'NOT (NOT x)'],
    ['NOT x = y', 'NOT (x = y)'],
    ['NOT x IS NULL', 'NOT (x IS NULL)'],
    ["NOT x LIKE 'a'", "NOT (x LIKE 'a')"],
    ['x = y IS NULL', '(x = y) IS NULL'],
    ['-x IS NULL', '(-x) IS NULL'],
    ['x IS NOT NULL AND y IS TRUE', '(x IS NOT NULL) AND (y IS TRUE)'],
    ['x IS NULL IS FALSE', '(x IS NULL) IS FALSE'],
    ['x = y AND z <> w', '(x = y) AND (z <> w)'],
    ['x = y = z', '(x = y) = z'],
    ['x < y = TRUE', '(x < y) = TRUE'],
    ['x != y', 'x <> y'],
    ['x IN (1, 2) = y', '(x IN (1, 2)) = y'],
    ['x = y IN (1)', 'x = (y IN (1))'],
    ['x = y LIKE z', 'x = (y LIKE z)'],
    ['x = y BETWEEN 1 AND 2', 'x = (y BETWEEN 1 AND 2)'],
    ['x LIKE y || z', 'x LIKE (y || z)'],
    ["x LIKE 'a' ESCAPE '!' AND y", "(x LIKE 'a' ESCAPE '!') AND y"],
    ['x BETWEEN y AND z AND w', '(x BETWEEN y AND z) AND w'],
    ['x BETWEEN y + 1 AND z * 2', 'x BETWEEN (y + 1) AND (z * 2)'],
    ['x NOT BETWEEN 1 AND 2', 'x NOT BETWEEN 1 AND 2'],
    ['x NOT IN (1, 2) OR y', '(x NOT IN (1, 2)) OR y'],
    ['x IN (1 + 2, y OR z)', 'x IN ((1 + 2), (y OR z))'],
    ['x || y || z', '(x || y) || z'],
    ['x || y = z', '(x || y) = z'],
    ['x + y || z', '(x + y) || z'],
    ['x || y * z', 'x || (y * z)'],
    ['x + y * z', 'x + (y * z)'],
    ['x * y + z', '(x * y) + z'],
    ['x - y - z', '(x - y) - z'],
    ['x - y + z', '(x - y) + z'],
    ['x / y / z', '(x / y) / z'],
    ['x % y * z', '(x % y) * z'],
    ['x * (y + z)', 'x * (y + z)'],
    ['((x))', 'x'],
    ['-x * y', '(-x) * y'],
    ['-x + y', '(-x) + y'],
    ['- -x', '-(-x)'],
    ['x - -y', 'x - (-y)'],
    ['+x - y', '(+x) - y'],
    ['x > -1', 'x > (-1)'],
    ['CASE WHEN x OR y THEN z + 1 END * 2', 'CASE WHEN (x OR y) THEN (z + 1) END * 2'],
    ['CAST(x + 1 AS STRING) || y', 'CAST((x + 1) AS STRING) || y'],
    ['LOWER(x || y) = z', 'LOWER((x || y)) = z'],
  ])('%s  →  %s', (text, expected) => {
    expect(tree(text)).toBe(expected);
  });
});

describe('literals, identifiers, keywords', () => {
  it('reads numbers as int or float', () => {
    expect(parse('42')).toMatchObject({ kind: 'literal', literalType: 'int', value: 42 });
    expect(parse('1.5')).toMatchObject({ literalType: 'float', value: 1.5 });
    expect(parse('.5')).toMatchObject({ literalType: 'float', value: 0.5 });
    expect(parse('1.')).toMatchObject({ literalType: 'float', value: 1 });
    expect(parse('1e3')).toMatchObject({ literalType: 'float', value: 1000 });
    expect(parse('1.5E-2')).toMatchObject({ literalType: 'float', value: 0.015 });
    expect(parse('9007199254740991')).toMatchObject({ literalType: 'int', value: 9007199254740991 });
  });

  it("reads strings with '' escapes", () => {
    expect(parse("'it''s'")).toMatchObject({ literalType: 'string', value: "it's" });
    expect(parse("''")).toMatchObject({ literalType: 'string', value: '' });
    expect(parse("''''")).toMatchObject({ value: "'" });
    expect(parse("'a\nb'")).toMatchObject({ value: 'a\nb' });
  });

  it('reads TRUE, FALSE and NULL in any case', () => {
    expect(parse('true')).toMatchObject({ literalType: 'bool', value: true });
    expect(parse('False')).toMatchObject({ literalType: 'bool', value: false });
    expect(parse('null')).toMatchObject({ literalType: 'null', value: null });
  });

  it('keeps field names case-sensitive and keywords case-insensitive', () => {
    expect(parse('Price')).toMatchObject({ kind: 'field', name: 'Price' });
    expect(formatExpr(parse("x is not null and y like 'a%' or not z between 1 and 2"))).toBe(
      "x IS NOT NULL AND y LIKE 'a%' OR NOT z BETWEEN 1 AND 2",
    );
    expect(formatExpr(parse('case when x then cast(y as int) else try_cast(z as double) end'))).toBe(
      'CASE WHEN x THEN CAST(y AS INT) ELSE TRY_CAST(z AS DOUBLE) END',
    );
  });

  it('reads backquoted identifiers with `` escapes, including keywords', () => {
    expect(parse('`my field`')).toMatchObject({ kind: 'field', name: 'my field' });
    expect(parse('`my ``odd`` field`')).toMatchObject({ name: 'my `odd` field' });
    expect(parse('`from` + `END`')).toMatchObject({ left: { name: 'from' }, right: { name: 'END' } });
    expect(parse('naïve_ünicode')).toMatchObject({ kind: 'field', name: 'naïve_ünicode' });
  });

  it('upper-cases function names; a name not followed by ( is a field', () => {
    expect(parse('lower(x)')).toMatchObject({ kind: 'call', name: 'LOWER', args: [{ name: 'x' }] });
    expect(parse('count')).toMatchObject({ kind: 'field', name: 'count' });
    expect(parse('COUNT(*)')).toMatchObject({ kind: 'call', name: 'COUNT', star: true, args: [] });
    expect(parse('count(DISTINCT x)')).toMatchObject({
      name: 'COUNT',
      distinct: true,
      args: [{ name: 'x' }],
    });
    expect(parse('f()')).toMatchObject({ kind: 'call', name: 'F', args: [] });
  });

  it('skips comments', () => {
    expect(tree('x -- comment\n + 1')).toBe('x + 1');
    expect(tree('x /* a comment */ + 1')).toBe('x + 1');
  });

  it('parses CASE, CAST and the special function syntaxes', () => {
    expect(formatExpr(parse('CASE x WHEN 1 THEN y WHEN 2 THEN z ELSE w END'))).toBe(
      'CASE x WHEN 1 THEN y WHEN 2 THEN z ELSE w END',
    );
    expect(parse('CAST(x AS varchar)')).toMatchObject({
      kind: 'cast',
      target: 'string',
      typeName: 'VARCHAR',
      safe: false,
    });
    expect(parse('CAST(x AS Timestamp(3))')).toMatchObject({ target: 'timestamp', typeName: 'TIMESTAMP(3)' });
    expect(parse('TRY_CAST(x AS bigint)')).toMatchObject({ target: 'int', typeName: 'BIGINT', safe: true });
    for (const [name, target] of [
      ['STRING', 'string'],
      ['CHAR', 'string'],
      ['INTEGER', 'int'],
      ['FLOAT', 'float'],
      ['DECIMAL', 'float'],
      ['BOOLEAN', 'bool'],
      ['TIMESTAMP_LTZ', 'timestamp'],
    ]) {
      expect(parse(`CAST(x AS ${name})`)).toMatchObject({ target });
    }
    expect(formatExpr(parse('SUBSTRING(s FROM 2 FOR 3)'))).toBe('SUBSTRING(s, 2, 3)');
    expect(formatExpr(parse('substring(s from 2)'))).toBe('SUBSTRING(s, 2)');
    expect(formatExpr(parse("POSITION('a' IN s)"))).toBe("POSITION('a' IN s)");
    expect(formatExpr(parse("POSITION('a', s)"))).toBe("POSITION('a' IN s)");
    expect(formatExpr(parse("POSITION('a' || x IN s)"))).toBe("POSITION('a' || x IN s)");
    expect(formatExpr(parse("TRIM(LEADING 'x' FROM s)"))).toBe("TRIM(LEADING 'x' FROM s)");
    expect(formatExpr(parse("trim(trailing 'x' from s)"))).toBe("TRIM(TRAILING 'x' FROM s)");
    expect(formatExpr(parse("TRIM('x' FROM s)"))).toBe("TRIM(BOTH 'x' FROM s)");
    expect(formatExpr(parse('TRIM(BOTH FROM s)'))).toBe('TRIM(s)');
    expect(formatExpr(parse('TRIM(LEADING FROM s)'))).toBe('LTRIM(s)');
    expect(parse('TRIM(both)')).toMatchObject({ name: 'TRIM', args: [{ kind: 'field', name: 'both' }] });
    expect(parse('TRIM(both || x)')).toMatchObject({ name: 'TRIM', args: [{ kind: 'binary' }] });
  });

  it('records 0-based [start, end) ranges on every node', () => {
    const ast = parse('price * 2 > 10');
    expect(ast).toMatchObject({ kind: 'binary', op: '>', start: 0, end: 14, opStart: 10, opEnd: 11 });
    expect(ast).toMatchObject({
      left: { op: '*', start: 0, end: 9 },
      right: { value: 10, start: 12, end: 14 },
    });
    expect(parse('  LOWER( x )  ')).toMatchObject({
      start: 2,
      end: 12,
      nameEnd: 7,
      args: [{ start: 9, end: 10 }],
    });
    expect(parse("x NOT LIKE 'a%' ESCAPE '!'")).toMatchObject({ start: 0, end: 26 });
    expect(parse('x IS NOT NULL')).toMatchObject({ start: 0, end: 13 });
    expect(parse('x IN (1, 2)')).toMatchObject({ start: 0, end: 11 });
    expect(parse('CASE WHEN x THEN 1 END')).toMatchObject({ start: 0, end: 22 });
    expect(parse('(x + 1)')).toMatchObject({ start: 1, end: 6 });
    expect(parse('-x')).toMatchObject({ start: 0, end: 2, operand: { start: 1, end: 2 } });
    const text = "COALESCE(`a b`, 'x''y', CAST(z AS INT)) BETWEEN 1 AND 2";
    const check = (node: Expr): void => {
      expect(node.start).toBeGreaterThanOrEqual(0);
      expect(node.end).toBeLessThanOrEqual(text.length);
      expect(node.start).toBeLessThan(node.end);
      for (const child of children(node)) {
        expect(child.start).toBeGreaterThanOrEqual(node.start);
        expect(child.end).toBeLessThanOrEqual(node.end);
        check(child);
      }
    };
    check(parse(text));
  });
});

describe('parse errors', () => {
  it.each([
    ['price +', 8, 'expected an expression but found end of input at column 8'],
    ['(price', 7, "expected ')' but found end of input"],
    ['(price FROM x)', 8, "expected ')' but found 'FROM' at column 8"],
    ['LOWER(name FROM x)', 12, "expected ',' or ')' but found 'FROM' at column 12"],
    ['price = = 1', 9, "expected an expression but found '='"],
    ["'abc", 1, "unterminated string literal (expected a closing ')"],
    ["x = 'it''s", 5, 'unterminated string literal'],
    ['`abc', 1, 'unterminated quoted identifier'],
    ['``', 1, 'empty quoted identifier'],
    ['price # 2', 7, "unexpected character '#'"],
    ['price = "x"', 9, "write text in single quotes: 'text'"],
    ['a | b', 3, "the concatenation operator is '||'"],
    ['a ! b', 3, "unexpected character '!'"],
    [
      't.',
      3,
      "expected a field name after 't.' (a join's fields are written l.name or r.name) but found end of input",
    ],
    ['x;', 2, "unexpected character ';'"],
    ['CASE WHEN x THEN 1', 19, 'expected WHEN, ELSE or END but found end of input'],
    ['CASE WHEN x THEN 1 ELSE 2', 26, 'expected END but found end of input'],
    ['CASE END', 6, "expected WHEN but found 'END'"],
    ['CASE WHEN x 1 END', 13, "expected THEN but found '1'"],
    ['CAST(price AS)', 14, "expected a type name but found ')'"],
    ['CAST(price INT)', 12, "expected AS (as in CAST(x AS INT)) but found 'INT'"],
    ['CAST(price AS INTT)', 15, "unknown type 'INTT'"],
    ['CAST(price AS VARCHAR(10))', 22, 'VARCHAR(n) is not supported'],
    ['CAST(price AS DECIMAL(10, 2))', 22, 'DECIMAL(p, s) is not supported'],
    ['CAST(price AS TIMESTAMP(6))', 25, 'TIMESTAMP(6) is not supported'],
    ['CAST(price AS STRING', 21, "expected ')' but found end of input"],
    ['price BETWEEN 1 OR 2', 17, "expected AND (as in x BETWEEN low AND high) but found 'OR'"],
    ['price IN 1', 10, "expected '(' (as in x IN (1, 2)) but found '1'"],
    ['price IN ()', 11, "expected an expression but found ')'"],
    ['price IN (1 2)', 13, "expected ',' or ')' but found '2'"],
    ['price NOT 1', 11, "expected LIKE, IN or BETWEEN after NOT but found '1'"],
    ['price IS 1', 10, "expected NOT, NULL, TRUE or FALSE but found '1'"],
    ['price IS NOT 1', 14, "expected NULL, TRUE or FALSE but found '1'"],
    ['LOWER(price', 12, "expected ',' or ')' but found end of input"],
    ['LOWER(', 7, 'expected an expression but found end of input'],
    ['LOWER(*)', 7, "expected an expression but found '*'"],
    ['price 1', 7, "expected an operator or end of input but found '1'"],
    ['price)', 6, "expected an operator or end of input but found ')'"],
    ['12abc', 1, "invalid number '12abc'"],
    ['1e', 1, "invalid number '1e'"],
    ['1.2.3', 1, "invalid number '1.2.3'"],
    ['99999999999999999999', 1, 'is out of range'],
    ['1e999', 1, "float literal '1e999' is out of range"],
    ['x /* unterminated', 3, "unterminated comment (expected '*/')"],
    ['', 1, 'expected an expression but found end of input at column 1'],
    ['   ', 4, 'expected an expression but found end of input'],
    ['x + ) + #', 5, "expected an expression but found ')'"],
    ["TRIM(LEADING 'x' s)", 18, "expected FROM but found 's'"],
    ['COUNT(DISTINCT *)', 16, "expected an expression but found '*'"],
    ['SELECT x', 8, "expected an operator or end of input but found 'x'"],
  ])('%s → column %i', (text, column, message) => {
    const result = parseExpression(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors;
    expect(error?.column).toBe(column);
    expect(error?.start).toBe(column - 1);
    expect(error?.message).toContain(message);
    expect(error?.message).toMatch(new RegExp(` at column ${column}$`));
  });

  it('reports the first problem in the text, lexical or not', () => {
    const result = parseExpression('x + ) # y');
    expect(!result.ok && result.errors[0]?.column).toBe(5);
    const lexical = parseExpression('x + # )');
    expect(!lexical.ok && lexical.errors[0]?.message).toContain("unexpected character '#'");
  });

  it('gives stable codes', () => {
    const code = (text: string): string | undefined => {
      const r = parseExpression(text);
      return r.ok ? undefined : r.errors[0]?.code;
    };
    expect(code('x +')).toBe('SYNTAX_ERROR');
    expect(code('12abc')).toBe('INVALID_LITERAL');
    expect(code('CAST(x AS FOO)')).toBe('UNKNOWN_TYPE');
    expect(code('CAST(x AS VARCHAR(3))')).toBe('UNSUPPORTED');
    expect(code('('.repeat(MAX_DEPTH + 10))).toBe('TOO_COMPLEX');
  });

  it('rejects expressions nested deeper than MAX_DEPTH instead of overflowing the stack', () => {
    const deepParens = `${'('.repeat(MAX_DEPTH + 5)}1${')'.repeat(MAX_DEPTH + 5)}`;
    expect(parseExpression(deepParens)).toMatchObject({ ok: false, errors: [{ code: 'TOO_COMPLEX' }] });
    const longChain = `1${' + 1'.repeat(MAX_DEPTH + 5)}`;
    expect(parseExpression(longChain)).toMatchObject({ ok: false, errors: [{ code: 'TOO_COMPLEX' }] });
    const manyNots = `${'NOT '.repeat(MAX_DEPTH + 5)}x`;
    expect(parseExpression(manyNots)).toMatchObject({ ok: false, errors: [{ code: 'TOO_COMPLEX' }] });
    const nestedCalls = `${'LOWER('.repeat(MAX_DEPTH + 5)}x${')'.repeat(MAX_DEPTH + 5)}`;
    expect(parseExpression(nestedCalls)).toMatchObject({ ok: false, errors: [{ code: 'TOO_COMPLEX' }] });
    expect(parseExpression(`${'('.repeat(MAX_DEPTH - 10)}1${')'.repeat(MAX_DEPTH - 10)}`).ok).toBe(true);
    expect(parseExpression(`1${' + 1'.repeat(MAX_DEPTH - 10)}`).ok).toBe(true);
    const wide = `x IN (${Array.from({ length: 5000 }, (_, i) => i).join(', ')})`;
    expect(parseExpression(wide).ok).toBe(true);
  });
});

describe('formatExpr', () => {
  it('uses minimal parentheses that keep the tree', () => {
    expect(formatExpr(parse('x + (y * z)'))).toBe('x + y * z');
    expect(formatExpr(parse('(x + y) * z'))).toBe('(x + y) * z');
    expect(formatExpr(parse('(x - y) - z'))).toBe('x - y - z');
    expect(formatExpr(parse('x - (y - z)'))).toBe('x - (y - z)');
    expect(formatExpr(parse('(x AND y) OR z'))).toBe('x AND y OR z');
    expect(formatExpr(parse('x AND (y OR z)'))).toBe('x AND (y OR z)');
    expect(formatExpr(parse('NOT (x AND y)'))).toBe('NOT (x AND y)');
    expect(formatExpr(parse('(NOT x) IS NULL'))).toBe('(NOT x) IS NULL');
    expect(formatExpr(parse('x = (y IS NULL)'))).toBe('x = (y IS NULL)');
  });

  it('parenthesises where Flink SQL could read the text differently', () => {
    // Calcite gives || the precedence of *, and comparisons do not chain
    expect(formatExpr(parse('x + y || z'))).toBe('(x + y) || z');
    expect(formatExpr(parse('x || y * z'))).toBe('x || (y * z)');
    expect(formatExpr(parse('x = y = z'))).toBe('(x = y) = z');
  });

  it('never produces a -- comment', () => {
    expect(formatExpr(parse('- -x'))).toBe('-(-x)');
    expect(formatExpr(parse('x - -y'))).toBe('x - -y');
    expect(formatExpr(parse('-(-(1))'))).toBe('-(-1)');
  });

  it('writes literals so that they read back with the same type', () => {
    expect(formatExpr(parse("'it''s'"))).toBe("'it''s'");
    expect(formatExpr(parse('1.0'))).toBe('1.0');
    expect(formatExpr(parse('1e3'))).toBe('1000.0');
    expect(formatExpr(parse('1e21'))).toBe('1e+21');
    expect(formatExpr(parse('1.5e-7'))).toBe('1.5e-7');
    expect(formatExpr(parse('TRUE AND NULL'))).toBe('TRUE AND NULL');
    expect(parse(formatExpr(parse('1e21')))).toMatchObject({ literalType: 'float', value: 1e21 });
  });

  it('backquotes identifiers that are not plain words or are reserved (here or in Flink SQL)', () => {
    expect(formatIdentifier('price')).toBe('price');
    expect(formatIdentifier('Price_2')).toBe('Price_2');
    expect(formatIdentifier('my field')).toBe('`my field`');
    expect(formatIdentifier('a`b')).toBe('`a``b`');
    expect(formatIdentifier('from')).toBe('`from`');
    expect(formatIdentifier('value')).toBe('`value`');
    expect(formatIdentifier('count')).toBe('`count`');
    expect(formatIdentifier('timestamp')).toBe('`timestamp`');
    expect(formatIdentifier('1x')).toBe('`1x`');
    expect(formatIdentifier('café')).toBe('`café`');
    expect(formatExpr(parse('`my field` + `value`'))).toBe('`my field` + `value`');
  });

  it('round-trips: parsing the formatted text gives the same tree', () => {
    const texts = [
      "a + b * c - -d / e % f || 'x' = g AND h IS NOT NULL OR NOT i LIKE 'a%' ESCAPE '!'",
      'x NOT BETWEEN y - 1 AND z + 1 AND w NOT IN (1, 2.5, NULL, TRUE)',
      "CASE x WHEN 1 THEN 'a' ELSE CASE WHEN y THEN 'b' END END",
      "CAST(x AS TIMESTAMP(3)) > TRY_CAST('2024-01-01' AS TIMESTAMP)",
      "TRIM(LEADING 'x' FROM SUBSTRING(s FROM 2 FOR 3)) || POSITION('a' IN s)",
      'COUNT(*) + COUNT(DISTINCT x) + SUM(y)',
      '(x = y) = (z = w)',
      '(x || y) + z',
      '-(-(-x))',
      '`weird ``name```',
    ];
    for (const text of texts) {
      const ast = parse(text);
      const formatted = formatExpr(ast);
      expect(shape(parse(formatted)), `${text} → ${formatted}`).toEqual(shape(ast));
      const full = formatExpr(ast, { parenthesize: 'all' });
      expect(shape(parse(full)), `${text} → ${full}`).toEqual(shape(ast));
    }
  });
});
