import { describe, expect, it } from 'vitest';
import { jsonText, lineColumn, locateJsonError, parseJsonText } from './json-text';

describe('parseJsonText', () => {
  it('parses valid JSON (and allows a byte-order mark)', () => {
    expect(parseJsonText('{"a": [1, 2.5e3, -0, true, null, "x\\n\\u00e9"]}')).toEqual({
      ok: true,
      value: { a: [1, 2500, -0, true, null, 'x\né'] },
    });
    expect(parseJsonText('\uFEFF{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it.each([
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected ',' or '}' after a property value, found '\"'"],
    ['{\n  "a": 1,\n}', 3, 1, 'a comma cannot come before the closing }'],
    ['[1, 2,]', 1, 7, 'a comma cannot come before the closing ]'],
    ["{'a': 1}", 1, 2, 'strings and names must be in double quotes'],
    ['{"a": tru}', 1, 7, 'expected a value'],
    ['{"a": "x', 1, 7, 'this string is not closed with a double quote'],
    ['{"a": 1} x', 1, 10, "unexpected 'x' after the end of the JSON value"],
    ['{"a": 01}', 1, 8, "expected ',' or '}'"],
    ['{"a": 1.}', 1, 9, 'expected a digit after the decimal point'],
    ['{"a" 1}', 1, 6, "expected ':' after the property name"],
    ['{"a": "\\x"}', 1, 8, "unknown escape '\\x'"],
    ['{"a":\r\n [1\r\n ', 3, 2, "expected ',' or ']'"],
    ['', 1, 1, 'the text ends where a value is expected'],
  ])('names the line and column of %j', (text, line, column, message) => {
    const result = parseJsonText(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect({ line: result.line, column: result.column }).toEqual({ line, column });
    expect(result.message).toContain(`Line ${line}, column ${column}: `);
    expect(result.message).toContain(message);
  });

  it('agrees with JSON.parse on what is valid', () => {
    const valid = ['0', '"\\/"', '[[[]]]', '{"":{}}', ' 1e+5 ', '-12.5E-3', '"\\uD83D\\uDE00"'];
    const invalid = ['+1', '.5', '1.', 'NaN', '[,]', '{"a"}', '"\t"', 'nul', '[1 2]', '--1', '1e'];
    for (const t of valid) expect(locateJsonError(t), t).toBeNull();
    for (const t of invalid) {
      expect(() => JSON.parse(t), t).toThrow();
      expect(locateJsonError(t), t).not.toBeNull();
    }
  });
});

describe('lineColumn', () => {
  it('counts from 1, a line break starting a new line', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
  });
});

describe('jsonText', () => {
  it('indents by two spaces and ends with a newline', () => {
    expect(jsonText({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}\n');
  });
});
