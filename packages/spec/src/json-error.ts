/**
 * Where a JSON document stops being JSON, as a 1-based line and column (the CLI and the studio both use it).
 *
 * V8's `JSON.parse` messages differ by version, and some carry no position at all:
 * - Node 20 (V8 11): `Expected ',' or '}' after property value in JSON at position 6`, but
 *   `Unexpected token '}', "{"a":}" is not valid JSON` (no position) and `Unexpected end of JSON input`.
 * - Node 22+ (V8 12): `… in JSON at position 6 (line 1 column 7)`.
 * So: take V8's line and column when it gives them, else its position, else find the position with
 * `scanJson`, a small RFC 8259 checker that stops where V8 stops.
 */

export interface JsonSyntaxError {
  /** The parser's message without the position and without V8's quote of the input. */
  message: string;
  /** 0-based offset into the text. */
  offset: number;
  /** 1-based line and column (in UTF-16 code units, as editors that count characters show them). */
  line: number;
  column: number;
}

/** Parses JSON text; a leading byte-order mark is ignored. Returns the value, or where and why it failed. */
export function parseJson(
  text: string,
): { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError } {
  const source = stripBom(text);
  try {
    return { ok: true, value: JSON.parse(source) };
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    return { ok: false, error: locateJsonError(source, e.message) };
  }
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Turns a `JSON.parse` error message for `text` into a clean message and a line and column. */
export function locateJsonError(text: string, v8Message: string): JsonSyntaxError {
  const lineColumn = /\(line (\d+) column (\d+)\)/.exec(v8Message);
  const position = /at position (\d+)/.exec(v8Message);
  const scanned = scanJson(text);
  const message = cleanMessage(v8Message) || scanned?.message || 'Invalid JSON';
  if (lineColumn) {
    const line = Number(lineColumn[1]);
    const column = Number(lineColumn[2]);
    return { message, offset: offsetOf(text, line, column), line, column };
  }
  const offset = position
    ? Number(position[1])
    : /end of JSON input/.test(v8Message)
      ? text.length
      : scanned?.offset;
  return { message, ...lineAndColumn(text, offset ?? 0), offset: offset ?? 0 };
}

/** V8's message without ` in JSON at position N (line L column C)` and without `, "<input>" is not valid JSON`. */
function cleanMessage(v8Message: string): string {
  return v8Message
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .replace(/\s+in JSON at position \d+/, '')
    .replace(/,\s*(?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON$/s, '')
    .trim();
}

/** 1-based line and column of a 0-based offset. A line ends at `\n` (so `\r\n` works too). */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(Math.max(offset, 0), text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) return text.length;
    offset = next + 1;
  }
  return Math.min(offset + column - 1, text.length);
}

/** The text of the given 1-based line, without its line break. */
export function lineText(text: string, line: number): string {
  return (text.split('\n')[line - 1] ?? '').replace(/\r$/, '');
}

/**
 * Checks `text` against the JSON grammar and returns the first error, at the offset where V8 reports it,
 * with V8's wording; `undefined` when the text is JSON.
 */
export function scanJson(text: string): { offset: number; message: string } | undefined {
  let i = 0;
  const fail = (message: string, at = i): never => {
    throw new ScanError(message, at);
  };
  const unexpected = (): never =>
    i >= text.length ? fail('Unexpected end of JSON input') : fail(`Unexpected token '${text[i]}'`);
  const skipWhitespace = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const digits = (): number => {
    const start = i;
    while (i < text.length && text[i]! >= '0' && text[i]! <= '9') i++;
    return i - start;
  };
  const string = () => {
    i++; // opening quote
    for (;;) {
      if (i >= text.length) fail('Unterminated string in JSON');
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 0x20) fail('Bad control character in string literal');
      if (c === 92) {
        const e = text[i + 1];
        if (e === 'u') {
          for (let k = i + 2; k < i + 6; k++) {
            if (!/[0-9a-fA-F]/.test(text[k] ?? ''))
              fail(k >= text.length ? 'Unterminated string in JSON' : 'Bad Unicode escape', k);
          }
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else fail('Bad escaped character', i + 1);
      } else i++;
    }
  };
  const number = () => {
    if (text[i] === '-') {
      i++;
      if (!(text[i]! >= '0' && text[i]! <= '9')) fail('No number after minus sign in JSON');
    }
    if (text[i] === '0') i++;
    else digits();
    if (text[i] === '.') {
      i++;
      if (digits() === 0) fail('Unterminated fractional number in JSON');
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (digits() === 0) fail('Exponent part is missing a number in JSON');
    }
  };
  const literal = (word: string) => {
    for (const ch of word) {
      if (text[i] !== ch) unexpected();
      i++;
    }
  };
  const value = (): void => {
    skipWhitespace();
    const c = text[i];
    if (c === '{') object();
    else if (c === '[') array();
    else if (c === '"') string();
    else if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) number();
    else if (c === 't') literal('true');
    else if (c === 'f') literal('false');
    else if (c === 'n') literal('null');
    else unexpected();
  };
  const object = () => {
    i++;
    skipWhitespace();
    if (text[i] === '}') {
      i++;
      return;
    }
    let first = true;
    for (;;) {
      skipWhitespace();
      if (text[i] !== '"') {
        if (i >= text.length) fail('Unexpected end of JSON input');
        fail(
          first ? "Expected property name or '}' in JSON" : 'Expected double-quoted property name in JSON',
        );
      }
      first = false;
      string();
      skipWhitespace();
      if (text[i] !== ':') {
        if (i >= text.length) fail('Unexpected end of JSON input');
        fail("Expected ':' after property name in JSON");
      }
      i++;
      value();
      skipWhitespace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        return;
      }
      fail("Expected ',' or '}' after property value in JSON");
    }
  };
  const array = () => {
    i++;
    skipWhitespace();
    if (text[i] === ']') {
      i++;
      return;
    }
    for (;;) {
      value();
      skipWhitespace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === ']') {
        i++;
        return;
      }
      fail("Expected ',' or ']' after array element in JSON");
    }
  };
  try {
    value();
    skipWhitespace();
    if (i < text.length) fail('Unexpected non-whitespace character after JSON');
    return undefined;
  } catch (e) {
    if (e instanceof ScanError) return { offset: e.offset, message: e.message.replace(/ in JSON$/, '') };
    throw e;
  }
}

class ScanError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}
