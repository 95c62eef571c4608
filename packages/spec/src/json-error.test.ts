import { describe, expect, it } from 'vitest';
import { lineAndColumn, locateJsonError, parseJson, scanJson } from './json-error';

/** Malformed inputs; for each, the scanner must stop where V8 stops. */
const BAD = [
  '',
  '   ',
  '{',
  '{"a":}',
  '{"a":1',
  '{"a":1,}',
  '{"a" 1}',
  '{,}',
  '{"a":1}}',
  '[1,2,]',
  '[1 2]',
  '[tru]',
  'abc',
  '"abc',
  '{"a":"x\ny"}',
  '{"a":"\\q"}',
  '{"a":"\\u12g4"}',
  '-',
  '1.',
  '1e',
  '01',
  '{"a":01}',
  "{'a':1}",
  '{\n  "specVersion": 1,\n  "name": "x"\n  "nodes": []\n}',
  '{\r\n  "a": [1, 2,\r\n  ]\r\n}',
  `{"long": "${'x'.repeat(200)}", "b": nope}`,
];

describe('scanJson', () => {
  it('accepts JSON', () => {
    for (const text of [
      '{}',
      '[]',
      '0',
      '-1.5e+3',
      '"a\\u00e9\\n"',
      ' {"a": [true, false, null, {"b": "c"}]} ',
    ]) {
      expect(scanJson(text), text).toBeUndefined();
    }
  });

  it.each(BAD)('stops where V8 stops: %j', (text) => {
    let v8Message = '';
    try {
      JSON.parse(text);
    } catch (e) {
      v8Message = (e as Error).message;
    }
    expect(v8Message).not.toBe('');
    // Where V8 stopped: its "at position N", the end of the input, or (Node 20's other form) the character it
    // names in "Unexpected token 'x', …".
    const offset = scanJson(text)?.offset;
    const position = /at position (\d+)/.exec(v8Message);
    const token = /^Unexpected token '(.)'/.exec(v8Message);
    if (position) expect(offset).toBe(Number(position[1]));
    else if (/end of JSON input/.test(v8Message)) expect(offset).toBe(text.length);
    else if (token) expect(text[offset!]).toBe(token[1]);
    else expect.unreachable(`V8 said "${v8Message}": no position, no end of input, no token`);
  });
});

describe('locateJsonError', () => {
  const text = '{\n  "a": 1,\n  "b" 2\n}';

  it('reads the Node 20 form: at position N', () => {
    expect(locateJsonError(text, 'Unexpected number in JSON at position 18')).toEqual({
      message: 'Unexpected number',
      offset: 18,
      line: 3,
      column: 7,
    });
  });

  it('reads the Node 22 form: at position N (line L column C)', () => {
    expect(locateJsonError(text, 'Unexpected number in JSON at position 18 (line 3 column 7)')).toEqual({
      message: 'Unexpected number',
      offset: 18,
      line: 3,
      column: 7,
    });
  });

  it('finds the position itself when V8 quotes the input instead', () => {
    expect(locateJsonError('{"a":}', 'Unexpected token \'}\', "{"a":}" is not valid JSON')).toEqual({
      message: "Unexpected token '}'",
      offset: 5,
      line: 1,
      column: 6,
    });
    const long = `{"b": 1, "c": ${'1'.repeat(80)}x}`;
    expect(
      locateJsonError(long, `Unexpected token 'x', ..."11111111111x}"... is not valid JSON`).message,
    ).toBe("Unexpected token 'x'");
  });

  it('places the end of the input after the last character', () => {
    expect(locateJsonError('{\n  "a": 1,\n', 'Unexpected end of JSON input')).toMatchObject({
      line: 3,
      column: 1,
    });
  });
});

describe('parseJson', () => {
  it('parses JSON and ignores a byte-order mark', () => {
    expect(parseJson('\ufeff{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
  });

  it('returns the line and column of this Node version’s error', () => {
    const result = parseJson('{\n  "a": 1,\n  "b": }');
    expect(result).toMatchObject({ ok: false, error: { line: 3, column: 8 } });
  });
});

describe('lineAndColumn', () => {
  it('counts 1-based lines and columns', () => {
    expect(lineAndColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd', 2)).toEqual({ line: 1, column: 3 });
    expect(lineAndColumn('ab\ncd', 3)).toEqual({ line: 2, column: 1 });
    expect(lineAndColumn('ab\r\ncd', 4)).toEqual({ line: 2, column: 1 });
  });
});
