import { describe, expect, it } from 'vitest';
import { jsonText, parseJsonText } from './json-text';

describe('parseJsonText', () => {
  it('parses valid JSON (and allows a byte-order mark)', () => {
    expect(parseJsonText('{"a": [1, 2.5e3, -0, true, null, "x\\n\\u00e9"]}')).toEqual({
      ok: true,
      value: { a: [1, 2500, -0, true, null, 'x\né'] },
    });
    expect(parseJsonText('\uFEFF{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it.each([
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3],
    ['{\n  "a": 1,\n}', 3, 1],
    ['[1, 2,]', 1, 7],
    ["{'a': 1}", 1, 2],
    ['{"a": 1} x', 1, 10],
    ['{"a":\r\n [1\r\n ', 3, 2],
    ['', 1, 1],
  ])('names the line and column of %j', (text, line, column) => {
    const result = parseJsonText(text);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect({ line: result.line, column: result.column }).toEqual({ line, column });
    expect(result.message).toMatch(new RegExp(`^Line ${line}, column ${column}: \\S`));
  });
});

describe('jsonText', () => {
  it('indents by two spaces and ends with a newline', () => {
    expect(jsonText({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}\n');
  });
});
