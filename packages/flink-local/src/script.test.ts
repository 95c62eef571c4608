import { describe, expect, it } from 'vitest';
import { parseJavaMajor } from './build.ts';
import { rootCauseOf } from './gateway.ts';
import { splitStatements } from './script.ts';

const texts = (sql: string) => splitStatements(sql).map((s) => s.text);

describe('splitStatements', () => {
  it('splits at semicolons and classifies each statement', () => {
    const out = splitStatements(`SET 'parallelism.default' = '2';
CREATE TABLE t (a INT) WITH ('connector' = 'datagen');
INSERT INTO s SELECT a FROM t;
reset;
SELECT 1`);
    expect(out.map((s) => [s.kind, s.line])).toEqual([
      ['set', 1],
      ['other', 2],
      ['insert', 3],
      ['reset', 4],
      ['query', 5],
    ]);
    expect(out[0]!.text).toBe("SET 'parallelism.default' = '2'");
  });

  it('keeps semicolons inside string literals, quoted identifiers and comments', () => {
    expect(
      texts(`SELECT 'a;b', 'it''s; here' FROM \`we;ird\`; -- a comment; not a statement
/* block; comment */ SELECT "x;y";`),
    ).toEqual([
      "SELECT 'a;b', 'it''s; here' FROM `we;ird`",
      '-- a comment; not a statement\n/* block; comment */ SELECT "x;y"',
    ]);
  });

  it('drops statements that are only comments and keeps hints', () => {
    const out = splitStatements(`-- header
;
/* only a comment */;
INSERT INTO s /*+ OPTIONS('sink.parallelism'='1') */ SELECT * FROM t;
-- trailing comment`);
    expect(out).toHaveLength(1);
    expect(out[0]!.kind).toBe('insert');
    expect(out[0]!.text).toContain("/*+ OPTIONS('sink.parallelism'='1') */");
    expect(out[0]!.line).toBe(4);
  });

  it('keeps EXECUTE STATEMENT SET BEGIN … END as one statement, CASE … END included', () => {
    const out = splitStatements(`EXECUTE STATEMENT SET
BEGIN
  INSERT INTO a SELECT CASE WHEN x > 0 THEN 'end;' ELSE 'b' END FROM t;
  INSERT INTO b SELECT x FROM t;
END;
SELECT 2;`);
    expect(out.map((s) => s.kind)).toEqual(['statement-set', 'query']);
    expect(out[0]!.text).toMatch(/^EXECUTE STATEMENT SET\nBEGIN\n.*INSERT INTO b SELECT x FROM t;\nEND$/s);
  });

  it("folds the sql-client's BEGIN STATEMENT SET; … END; into one statement set", () => {
    const out = splitStatements(`BEGIN STATEMENT SET;
INSERT INTO a SELECT 1;
INSERT INTO b SELECT 2;
END;`);
    expect(out).toEqual([
      {
        kind: 'statement-set',
        line: 1,
        text: 'EXECUTE STATEMENT SET BEGIN\nINSERT INTO a SELECT 1;\nINSERT INTO b SELECT 2;\nEND',
      },
    ]);
  });

  it('counts lines across multi-line strings and comments', () => {
    const out = splitStatements("SELECT 'a\nb';\n/* x\ny */\nSELECT 3;");
    expect(out.map((s) => s.line)).toEqual([1, 3]);
  });
});

describe('helpers', () => {
  it('reads the Java feature release from java -version', () => {
    expect(parseJavaMajor('openjdk version "17.0.15" 2025-04-15')).toBe(17);
    expect(parseJavaMajor('java version "1.8.0_402"')).toBe(8);
    expect(parseJavaMajor('openjdk version "21" 2023-09-19')).toBe(21);
    expect(parseJavaMajor('command not found')).toBeNull();
  });

  it('finds the innermost cause of a Java stack trace', () => {
    const trace = `org.apache.flink.table.api.TableException: outer
\tat Foo.bar(Foo.java:1)
Caused by: java.lang.RuntimeException: middle
Caused by: org.apache.flink.table.api.ValidationException: Object 'nope' not found`;
    expect(rootCauseOf(trace)).toBe(
      "org.apache.flink.table.api.ValidationException: Object 'nope' not found",
    );
    expect(rootCauseOf('no causes')).toBeUndefined();
  });
});
