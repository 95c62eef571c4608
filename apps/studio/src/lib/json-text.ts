/**
 * JSON text for people: parsing that says *where* a mistake is (line and column, which `JSON.parse`'s
 * messages do not say in every browser), and the text a spec is shown and exported as.
 */

export type JsonParse =
  | { ok: true; value: unknown }
  | {
      ok: false;
      /** `Line 3, column 12: expected ',' or '}' after a property value` */
      message: string;
      /** 1-based; absent when the place could not be told. */
      line?: number;
      column?: number;
    };

/** The text a spec is shown, copied and exported as: two-space indented, one trailing newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Parses JSON text (a leading byte-order mark is allowed); a failure names its line and column. */
export function parseJsonText(text: string): JsonParse {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    return { ok: true, value: JSON.parse(source) };
  } catch (e) {
    const found = locateJsonError(source);
    if (found === null) return { ok: false, message: `Not valid JSON: ${(e as Error).message}` };
    const { line, column } = lineColumn(source, found.offset);
    return { ok: false, message: `Line ${line}, column ${column}: ${found.message}`, line, column };
  }
}

/** The 1-based line and column of a character offset (a `\r\n` is one line break). */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: end - start + 1 };
}

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The first syntax error of a JSON text (RFC 8259, as `JSON.parse` reads it), or null when there is none.
 * A small recursive-descent scanner that builds nothing.
 */
export function locateJsonError(text: string): { offset: number; message: string } | null {
  let i = 0;
  const n = text.length;
  const fail = (message: string, at = i): never => {
    throw new JsonSyntaxError(at, message);
  };
  const describe = (at: number): string => {
    if (at >= n) return 'the end of the text';
    const c = text[at]!;
    return c === '\n' || c === '\r' ? 'a line break' : `'${c}'`;
  };
  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13) i++;
      else break;
    }
  };
  const literal = (word: string) => {
    for (let k = 0; k < word.length; k++) {
      if (text[i + k] !== word[k]) fail(`expected a value, found ${describe(i)}`);
    }
    i += word.length;
  };
  const digits = (what: string) => {
    const start = i;
    while (i < n && text.charCodeAt(i) >= 48 && text.charCodeAt(i) <= 57) i++;
    if (i === start) fail(`expected a digit ${what}, found ${describe(i)}`);
  };
  const number = () => {
    if (text[i] === '-') i++;
    if (text[i] === '0') i++;
    else digits('in the number');
    if (text[i] === '.') {
      i++;
      digits('after the decimal point');
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      digits('in the exponent');
    }
  };
  const string = () => {
    const open = i;
    i++; // the opening quote
    for (;;) {
      if (i >= n) fail('this string is not closed with a double quote', open);
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c === 10 || c === 13) fail('a string cannot hold a line break (write \\n)');
      if (c < 32) fail('a string cannot hold a control character (escape it)');
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
            fail('\\u must be followed by 4 hex digits');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
          i += 2;
        } else {
          fail(`unknown escape '\\${e ?? ''}' in a string`);
        }
        continue;
      }
      i++;
    }
  };
  const value = (depth: number): void => {
    if (depth > 10_000) fail('nested too deeply');
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') {
          fail(
            text[i] === '}'
              ? 'a comma cannot come before the closing }'
              : text[i] === "'"
                ? 'strings and names must be in double quotes'
                : `expected a property name in double quotes, found ${describe(i)}`,
          );
        }
        string();
        ws();
        if (text[i] !== ':') fail(`expected ':' after the property name, found ${describe(i)}`);
        i++;
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail(`expected ',' or '}' after a property value, found ${describe(i)}`);
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] === ']') fail('a comma cannot come before the closing ]');
        value(depth + 1);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail(`expected ',' or ']' after an array element, found ${describe(i)}`);
      }
    }
    if (c === '"') string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else if (c === "'") fail('strings and names must be in double quotes');
    else fail(i >= n ? 'the text ends where a value is expected' : `expected a value, found ${describe(i)}`);
  };
  try {
    value(0);
    ws();
    if (i < n) fail(`unexpected ${describe(i)} after the end of the JSON value`);
    return null;
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { offset: e.offset, message: e.message };
    throw e;
  }
}
