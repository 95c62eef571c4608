/**
 * JSON text for people: parsing that says *where* a mistake is (line and column — the spec package's
 * `parseJson`, which takes the position from V8's message when there is one and otherwise finds it with its
 * own scanner, so every browser gets it), and the text a spec is shown and exported as.
 */
import { parseJson } from '@flowstate/spec';

export type JsonParse =
  | { ok: true; value: unknown }
  | {
      ok: false;
      /** `Line 3, column 3: Expected ',' or '}' after property value` */
      message: string;
      /** 1-based. */
      line: number;
      column: number;
    };

/** The text a spec is shown, copied and exported as: two-space indented, one trailing newline. */
export function jsonText(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** Parses JSON text (a leading byte-order mark is allowed); a failure names its line and column. */
export function parseJsonText(text: string): JsonParse {
  const r = parseJson(text);
  if (r.ok) return r;
  const { line, column, message } = r.error;
  return { ok: false, message: `Line ${line}, column ${column}: ${message}`, line, column };
}
