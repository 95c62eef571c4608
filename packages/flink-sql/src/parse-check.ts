/**
 * Test support: checks Flink SQL text with dt-sql-parser's FlinkSQL grammar (a devDependency; its dist uses
 * directory imports, which Vitest's bundler resolves).
 *
 * dt-sql-parser 4.5.1 does not know two Flink 2.x forms the export writes, so they are replaced before the
 * check, each by a form of the same shape the grammar knows (and the tests assert the real text elsewhere):
 * - the session window TVF `SESSION(TABLE v PARTITION BY k, DESCRIPTOR(t), gap)` (Flink 1.19+) → TUMBLE;
 * - `TRY_CAST(x AS T)` → `CAST(x AS T)`;
 * - `CHAR_LENGTH(s)`, which its grammar accepts only as a column name, → `LENGTH(s)`.
 * Its lexer also takes a backslash in a string literal as an escape, which Flink SQL does not: tests of
 * such literals compare the text instead.
 */
import { FlinkSQL } from 'dt-sql-parser';

const parser = new FlinkSQL();

export function forGrammar(sql: string): string {
  return sql
    .replaceAll(/SESSION\(TABLE (\S+) PARTITION BY (?:\([^)]*\)|[^,]+),/g, 'TUMBLE(TABLE $1,')
    .replaceAll('TRY_CAST(', 'CAST(')
    .replaceAll('CHAR_LENGTH(', 'LENGTH(');
}

/** The syntax errors dt-sql-parser finds, as `line:column message`. */
export function syntaxErrors(sql: string): string[] {
  return parser.validate(forGrammar(sql)).map((e) => `${e.startLine}:${e.startColumn} ${e.message}`);
}
