/** Unit tests per construct: what each node kind, setting and expression becomes, and every refusal. */
import { describe, expect, it } from 'vitest';
import { type ExportResult, epochMillis, exportFlinkSql, interval, javaReplacement } from './index';
import { syntaxErrors } from './parse-check';
import { resolvePath } from './sql';

type Node = Record<string, unknown>;
const ts = { ts: 'timestamp', word: 'string', n: 'int', x: 'float' } as const;
const fileSource = (extra: Node = {}): Node => ({
  id: 'src',
  kind: 'source',
  connector: { type: 'file', path: 'in.jsonl', format: 'jsonl' },
  schema: ts,
  watermark: { timestampField: 'ts', maxOutOfOrdernessMs: 5000, emitEveryRows: 1 },
  ...extra,
});
const collect = (id = 'out'): Node => ({ id, kind: 'sink', connector: { type: 'collect' } });

/** A spec of a chain of nodes (each feeding the next). */
function chain(...nodes: Node[]): unknown {
  return {
    specVersion: 1,
    name: 'test',
    nodes,
    edges: nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id })),
  };
}

function ok(result: ExportResult): string {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.problems)}`);
  expect(syntaxErrors(result.sql)).toEqual([]);
  return result.sql;
}
const run = (spec: unknown) => exportFlinkSql(spec, { baseDir: '/data' });
const sqlOf = (spec: unknown) => ok(run(spec));
/** The view (or table) statement for an id. */
function statement(sql: string, id: string): string {
  const start = sql.search(new RegExp(`CREATE (TEMPORARY VIEW|TABLE) \`?${id}\`? `));
  expect(start).toBeGreaterThanOrEqual(0);
  return sql.slice(start, sql.indexOf(';', start) + 1);
}
function problems(spec: unknown, options = {}) {
  const result = exportFlinkSql(spec, { baseDir: '/data', ...options });
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.problems;
}

describe('sources and watermarks', () => {
  it('a watermark is `rowtime - (maxOutOfOrderness + 1 ms)`: Flowstate emits max - ooo - 1, a SQL watermark max - delay', () => {
    const sql = sqlOf(chain(fileSource(), collect()));
    expect(statement(sql, 'src')).toBe(`CREATE TABLE src (
  ts BIGINT,
  word STRING,
  n BIGINT,
  x DOUBLE,
  -- the event time: ts (epoch milliseconds) as a TIMESTAMP_LTZ(3) time attribute
  __rowtime AS TO_TIMESTAMP_LTZ(ts, 3),
  -- watermark = largest timestamp - 5000 ms - 1 ms, as Flowstate's (and forBoundedOutOfOrderness)
  WATERMARK FOR __rowtime AS __rowtime - INTERVAL '5.001' SECOND
) WITH (
  'connector' = 'filesystem',
  'path' = '/data/in.jsonl',
  'format' = 'json'
);`);
    expect(sql).toContain("SET 'pipeline.auto-watermark-interval' = '0 ms';");
  });

  it('a zero out-of-orderness gives a 1 ms delay; a field named __rowtime moves the hidden column aside', () => {
    const sql = sqlOf(
      chain(
        fileSource({
          schema: { __rowtime: 'timestamp' },
          watermark: { timestampField: '__rowtime', maxOutOfOrdernessMs: 0 },
        }),
        collect(),
      ),
    );
    expect(sql).toContain('__rowtime1 AS TO_TIMESTAMP_LTZ(__rowtime, 3),');
    expect(sql).toContain("WATERMARK FOR __rowtime1 AS __rowtime1 - INTERVAL '0.001' SECOND");
  });

  it('emitEveryRows other than 1 and differing idle timeouts are notes', () => {
    const result = run(
      chain(
        fileSource({ watermark: { timestampField: 'ts', emitEveryRows: 100, idleTimeoutMs: 3000 } }),
        collect(),
      ),
    );
    const sql = ok(result);
    expect(sql).toContain("SET 'table.exec.source.idle-timeout' = '3000 ms';");
    if (!result.ok) return;
    const jobNotes = result.notes.filter((n) => n.nodeId === undefined).map((n) => n.message);
    expect(jobNotes).toHaveLength(2);
    expect(jobNotes[0]).toMatch(/^Flowstate emits a source's watermark every 100 rows \(emitEveryRows\)/);
    expect(jobNotes[1]).toMatch(/^settings.rowErrors is "skip"/);
  });

  it('a text file is a raw-format table with one STRING column', () => {
    const sql = sqlOf(
      chain(
        { id: 'lines', kind: 'source', connector: { type: 'file', path: '/abs/words.txt', format: 'text' } },
        collect(),
      ),
    );
    expect(statement(sql, 'lines')).toContain(`(
  line STRING
) WITH (
  'connector' = 'filesystem',
  'path' = '/abs/words.txt',
  'format' = 'raw'
);`);
  });

  it('datagen: sequence and timestamp columns computed from a row index, choice as CASE, random as Flink random, with notes', () => {
    const result = run(
      chain(
        {
          id: 'gen',
          kind: 'source',
          connector: {
            type: 'datagen',
            count: 100,
            seed: 5,
            rowsPerSecond: 10,
            fields: {
              id: { kind: 'sequence', start: 1, end: 10 },
              ts: { kind: 'timestamp', startMs: 1700000000000, stepMs: 10, maxJitterMs: 5 },
              flag: { kind: 'choice', values: [true, false] },
              n: { kind: 'random', min: 0, max: 9, nullRate: 0.5 },
            },
          },
          schema: { id: 'int', ts: 'timestamp', flag: 'bool', n: 'int' },
        },
        collect(),
      ),
    );
    const sql = ok(result);
    expect(statement(sql, 'gen')).toBe(`CREATE TABLE gen (
  -- row index i = 0, 1, 2, ... (Flowstate's row number, the generators below are computed from it)
  __row BIGINT,
  id AS CAST(1 + MOD(__row, 10) AS BIGINT),
  ts AS CAST(1700000000000 + __row * 10 AS BIGINT),
  __choice0 BIGINT,
  flag AS CASE __choice0 WHEN 0 THEN TRUE ELSE FALSE END,
  n BIGINT
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '10',
  'number-of-rows' = '100',
  'fields.__row.kind' = 'sequence',
  'fields.__row.start' = '0',
  'fields.__row.end' = '99',
  'fields.__choice0.kind' = 'random',
  'fields.__choice0.min' = '0',
  'fields.__choice0.max' = '1',
  'fields.n.kind' = 'random',
  'fields.n.min' = '0',
  'fields.n.max' = '9',
  'fields.n.null-rate' = '0.5'
);`);
    if (result.ok) {
      expect(result.notes.filter((n) => n.nodeId === 'gen').map((n) => n.message)).toEqual([
        "field 'ts': the timestamp generator's random jitter (maxJitterMs 5) is not reproduced: Flink's rows are start + i × 10 ms, in order",
        "random and choice values are Flink's own (unseeded random generators): the same distributions as Flowstate's, not the same rows (seed 5 is not applied)",
      ]);
    }
  });

  it('refuses nexmark without an override, and takes a JSONL override', () => {
    const spec = chain(
      { id: 'bids', kind: 'source', connector: { type: 'nexmark', table: 'bid', count: 10 } },
      collect(),
    );
    const [p] = problems(spec);
    expect(p).toMatchObject({ code: 'nexmark-source', nodeId: 'bids', path: '/nodes/0/connector' });
    expect(p!.message).toMatch(
      /^source 'bids': there is no Nexmark connector for Flink SQL in Maven Central/,
    );
    const sql = ok(
      exportFlinkSql(spec, {
        baseDir: '/data',
        sourceOverrides: { bids: { path: 'bids.jsonl', format: 'jsonl' } },
      }),
    );
    expect(sql).toContain("'path' = '/data/bids.jsonl',\n  'format' = 'json'");
  });

  it('refuses a csv source, an unbounded sequence, a relative path without baseDir, an override of a non-source', () => {
    expect(
      problems(
        chain(fileSource({ connector: { type: 'file', path: 'a.csv', format: 'csv' } }), collect()),
      ).map((p) => p.code),
    ).toEqual(['csv-source']);
    const gen = {
      id: 'g',
      kind: 'source',
      connector: { type: 'datagen', fields: { n: { kind: 'sequence' } } },
      schema: { n: 'int' },
    };
    expect(problems(chain(gen, collect()))).toMatchObject([
      { code: 'unbounded-sequence', path: '/nodes/0/connector/count' },
    ]);
    expect(exportFlinkSql(chain(fileSource(), collect()))).toMatchObject({
      ok: false,
      problems: [{ code: 'relative-path', nodeId: 'src', path: '/nodes/0/connector/path' }],
    });
    expect(
      problems(chain(fileSource(), collect()), { sourceOverrides: { out: { path: '/x', format: 'jsonl' } } }),
    ).toMatchObject([{ code: 'invalid-option' }]);
  });

  it('an invalid spec gives its validation problems as they are', () => {
    expect(exportFlinkSql({ specVersion: 1, name: 'x', nodes: [] })).toMatchObject({
      ok: false,
      problems: [{ code: 'schema/too_small', path: '/nodes' }],
    });
  });
});

describe('transformations', () => {
  it('map: expressions with Flink types; float literals as DOUBLE; int results as BIGINT; the rowtime passed on', () => {
    const sql = sqlOf(
      chain(
        fileSource(),
        {
          id: 'mapped',
          kind: 'map',
          fields: {
            w: 'UPPER(word)',
            len: 'CHAR_LENGTH(word)',
            half: 'x * 0.5',
            t: 'ts + 1000',
            sec: 'TO_TIMESTAMP_LTZ(n, 0)',
          },
        },
        collect(),
      ),
    );
    expect(statement(sql, 'mapped')).toBe(`CREATE TEMPORARY VIEW mapped AS
SELECT
  UPPER(word) AS w,
  CAST(CHAR_LENGTH(word) AS BIGINT) AS len,
  x * CAST(0.5 AS DOUBLE) AS half,
  CAST(ts + 1000 AS BIGINT) AS t,
  CAST(n * 1000 AS BIGINT) AS sec,
  __rowtime
FROM src;`);
  });

  it('filter: WHERE; flatMap: CROSS JOIN UNNEST with the element named as "as"', () => {
    const sql = sqlOf(
      chain(
        fileSource(),
        { id: 'f', kind: 'filter', where: "word <> '' AND n BETWEEN 1 AND 3" },
        { id: 'w', kind: 'flatMap', explode: "SPLIT(word, ',')", as: 'part' },
        collect(),
      ),
    );
    expect(statement(sql, 'f')).toBe(`CREATE TEMPORARY VIEW f AS
SELECT ts, word, n, x, __rowtime
FROM src
WHERE word <> '' AND n BETWEEN 1 AND 3;`);
    expect(statement(sql, 'w')).toBe(`CREATE TEMPORARY VIEW w AS
SELECT __in.ts, __in.word, __in.n, __in.x, __x.part, __in.__rowtime
FROM f AS __in
CROSS JOIN UNNEST(SPLIT(word, ',')) AS __x (part);`);
  });

  it("union: several inputs become a UNION ALL view in the first input's column order", () => {
    const spec = {
      specVersion: 1,
      name: 'u',
      nodes: [
        fileSource(),
        fileSource({ id: 'src2', schema: { x: 'float', n: 'int', word: 'string', ts: 'timestamp' } }),
        { id: 'f', kind: 'filter', where: 'n > 0' },
        collect(),
      ],
      edges: [
        { from: 'src', to: 'f' },
        { from: 'src2', to: 'f' },
        { from: 'f', to: 'out' },
      ],
    };
    const sql = sqlOf(spec);
    expect(statement(sql, 'f_union')).toBe(`CREATE TEMPORARY VIEW f_union AS
SELECT ts, word, n, x, __rowtime FROM src
UNION ALL
SELECT ts, word, n, x, __rowtime FROM src2;`);
    expect(statement(sql, 'f')).toContain('FROM f_union\nWHERE n > 0;');
  });
});

describe('windows and aggregates', () => {
  const keyed = (window: Node) =>
    chain(
      fileSource(),
      { id: 'k', kind: 'keyBy', key: ['word'] },
      { id: 'win', kind: 'window', ...window },
      collect(),
    );

  it('tumbling: TUMBLE with offset, bounds back to epoch ms, window_time as the new rowtime, AVG of an int as DOUBLE', () => {
    const sql = sqlOf(
      keyed({
        assigner: { type: 'tumbling', sizeMs: 60000, offsetMs: 1500 },
        aggregates: { c: 'COUNT(*)', a: 'AVG(n)', s: 'SUM(n)' },
      }),
    );
    expect(statement(sql, 'win')).toBe(`CREATE TEMPORARY VIEW win AS
SELECT
  word,
  ${epochMillis('window_start')} AS window_start,
  ${epochMillis('window_start')} + 60000 AS window_end,
  \`c\`,
  \`a\`,
  s,
  __rowtime
FROM (
  SELECT word, window_start, window_end, window_time AS __rowtime, COUNT(*) AS \`c\`, AVG(CAST(n AS DOUBLE)) AS \`a\`, SUM(n) AS s
  FROM TABLE(
    TUMBLE(TABLE src, DESCRIPTOR(__rowtime), INTERVAL '1' MINUTE, INTERVAL '1.500' SECOND)
  )
  GROUP BY word, window_start, window_end, window_time
);`);
  });

  it('sliding: HOP(slide, size); a size that is not a multiple of the slide: the group-window HOP, refused with an offset', () => {
    const sql = sqlOf(
      keyed({ assigner: { type: 'sliding', sizeMs: 10000, slideMs: 2000 }, aggregates: { m: 'MAX(x)' } }),
    );
    expect(sql).toContain("HOP(TABLE src, DESCRIPTOR(__rowtime), INTERVAL '2' SECOND, INTERVAL '10' SECOND)");
    const legacy = sqlOf(
      keyed({ assigner: { type: 'sliding', sizeMs: 10000, slideMs: 3000 }, aggregates: { top: 'MAX(x)' } }),
    );
    expect(statement(legacy, 'win')).toBe(`CREATE TEMPORARY VIEW win AS
SELECT
  word,
  ${epochMillis('window_start')} AS window_start,
  ${epochMillis('window_start')} + 10000 AS window_end,
  top,
  __rowtime
FROM (
  SELECT word, HOP_START(__rowtime, INTERVAL '3' SECOND, INTERVAL '10' SECOND) AS window_start, HOP_ROWTIME(__rowtime, INTERVAL '3' SECOND, INTERVAL '10' SECOND) AS __rowtime, MAX(x) AS top
  FROM src
  GROUP BY word, HOP(__rowtime, INTERVAL '3' SECOND, INTERVAL '10' SECOND)
);`);
    const [p] = problems(
      keyed({
        assigner: { type: 'sliding', sizeMs: 10000, slideMs: 3000, offsetMs: 500 },
        aggregates: { m: 'MAX(x)' },
      }),
    );
    expect(p).toMatchObject({
      code: 'hop-size-not-multiple',
      nodeId: 'win',
      path: '/nodes/2/assigner/sizeMs',
    });
    expect(p?.message).toContain('HOP window with alignment is not supported yet');
  });

  it('session: SESSION TVF partitioned by the key; bounds from window_start and window_end', () => {
    const sql = sqlOf(keyed({ assigner: { type: 'session', gapMs: 30000 }, aggregates: { c: 'COUNT(n)' } }));
    expect(sql).toContain(
      "SESSION(TABLE src PARTITION BY word, DESCRIPTOR(__rowtime), INTERVAL '30' SECOND)",
    );
    expect(sql).toContain(`${epochMillis('window_end')} AS window_end`);
  });

  it('session keyed by several fields: partitioned by one ROW column (a parenthesized PARTITION BY list breaks views)', () => {
    const sql = sqlOf(
      chain(
        fileSource(),
        { id: 'k', kind: 'keyBy', key: ['word', 'n'] },
        {
          id: 'win',
          kind: 'window',
          assigner: { type: 'session', gapMs: 1000 },
          aggregates: { cnt: 'COUNT(*)' },
        },
        collect(),
      ),
    );
    expect(statement(sql, 'win_keyed')).toBe(`CREATE TEMPORARY VIEW win_keyed AS
SELECT ts, word, n, x, __rowtime, CAST(ROW(word, n) AS ROW<word STRING, n BIGINT>) AS __session_key
FROM src;`);
    expect(statement(sql, 'win')).toBe(`CREATE TEMPORARY VIEW win AS
SELECT
  __session_key.word AS word,
  __session_key.n AS n,
  ${epochMillis('window_start')} AS window_start,
  ${epochMillis('window_end')} AS window_end,
  cnt,
  __rowtime
FROM (
  SELECT __session_key, window_start, window_end, window_time AS __rowtime, COUNT(*) AS cnt
  FROM TABLE(
    SESSION(TABLE win_keyed PARTITION BY __session_key, DESCRIPTOR(__rowtime), INTERVAL '1' SECOND)
  )
  GROUP BY __session_key, window_start, window_end, window_time
);`);
  });

  it('FIRST_VALUE/LAST_VALUE are refused in sliding and session windows (no merge in Flink), fine in tumbling ones', () => {
    expect(
      sqlOf(keyed({ assigner: { type: 'tumbling', sizeMs: 1000 }, aggregates: { f: 'FIRST_VALUE(word)' } })),
    ).toContain('FIRST_VALUE(word) AS f');
    const [p] = problems(
      keyed({ assigner: { type: 'session', gapMs: 1000 }, aggregates: { l: 'LAST_VALUE(x)' } }),
    );
    expect(p).toMatchObject({ code: 'unsupported-aggregate', nodeId: 'win', path: '/nodes/2/aggregates/l' });
  });

  it('processing time: PROCTIME() column on the sources; allowed lateness is a note', () => {
    const result = run(
      keyed({
        assigner: { type: 'tumbling', sizeMs: 1000 },
        time: 'processing',
        aggregates: { c: 'COUNT(*)' },
      }),
    );
    const sql = ok(result);
    expect(sql).toContain('__proctime AS PROCTIME()');
    expect(sql).toContain("TUMBLE(TABLE src, DESCRIPTOR(__proctime), INTERVAL '1' SECOND)");
    const late = run(
      keyed({
        assigner: { type: 'tumbling', sizeMs: 1000 },
        allowedLatenessMs: 500,
        aggregates: { c: 'COUNT(*)' },
      }),
    );
    expect(late.ok && late.notes.find((n) => n.nodeId === 'win')?.message).toMatch(
      /^allowedLatenessMs 500 is not applied/,
    );
  });

  it('a late port edge is refused, naming the window', () => {
    const spec = {
      specVersion: 1,
      name: 'late',
      nodes: [
        fileSource(),
        { id: 'k', kind: 'keyBy', key: ['word'] },
        {
          id: 'win',
          kind: 'window',
          assigner: { type: 'tumbling', sizeMs: 1000 },
          aggregates: { c: 'COUNT(*)' },
        },
        collect(),
        collect('lateRows'),
      ],
      edges: [
        { from: 'src', to: 'k' },
        { from: 'k', to: 'win' },
        { from: 'win', to: 'out' },
        { from: 'win', to: 'lateRows', port: 'late' },
      ],
    };
    expect(problems(spec)).toEqual([
      {
        code: 'late-port',
        nodeId: 'win',
        path: '/edges/3/port',
        message:
          "window 'win': a window's late rows (the edge to 'lateRows' on port \"late\") cannot be expressed in Flink SQL: window TVF aggregation drops late rows and has no side output; remove the edge (and set allowedLatenessMs if the rows should still count) to export",
      },
    ]);
  });

  it('rolling aggregate: GROUP BY the key, an updating result; a window or aggregate after it is refused', () => {
    const rolling = [
      fileSource(),
      { id: 'k', kind: 'keyBy', key: ['word'] },
      { id: 'agg', kind: 'aggregate', aggregates: { c: 'COUNT(*)' } },
    ];
    const sql = sqlOf(chain(...rolling, collect()));
    expect(statement(sql, 'agg')).toBe(`CREATE TEMPORARY VIEW agg AS
SELECT word, COUNT(*) AS \`c\`
FROM src
GROUP BY word;`);
    const again = chain(
      ...rolling,
      { id: 'k2', kind: 'keyBy', key: ['word'] },
      { id: 'agg2', kind: 'aggregate', aggregates: { s: 'SUM(c)' } },
      collect(),
    );
    expect(problems(again)).toMatchObject([{ code: 'aggregate-after-update', nodeId: 'agg2' }]);
  });
});

describe('sinks', () => {
  it('several sinks run in one EXECUTE STATEMENT SET; file, console and blackhole connectors', () => {
    const spec = {
      specVersion: 1,
      name: 'sinks',
      nodes: [
        fileSource(),
        { id: 'files', kind: 'sink', connector: { type: 'file', path: 'outdir', format: 'csv' } },
        { id: 'stdout', kind: 'sink', connector: { type: 'console' } },
        { id: 'drop', kind: 'sink', connector: { type: 'blackhole' } },
      ],
      edges: [
        { from: 'src', to: 'files' },
        { from: 'src', to: 'stdout' },
        { from: 'src', to: 'drop' },
      ],
    };
    const sql = sqlOf(spec);
    expect(sql).toContain("'connector' = 'filesystem',\n  'path' = '/data/outdir',\n  'format' = 'csv'");
    expect(sql).toContain("'connector' = 'print',\n  'print-identifier' = 'stdout'");
    expect(sql).toContain("'connector' = 'blackhole'");
    expect(sql.slice(sql.indexOf('EXECUTE STATEMENT SET'))).toBe(`EXECUTE STATEMENT SET
BEGIN
  INSERT INTO files
  SELECT ts, word, n, x FROM src;
  INSERT INTO stdout
  SELECT ts, word, n, x FROM src;
  INSERT INTO \`drop\`
  SELECT ts, word, n, x FROM src;
END;
`);
  });

  it('an updating result into a file sink uses the changelog format (default debezium-json, or options.changelogFormat)', () => {
    const spec = chain(
      fileSource(),
      { id: 'k', kind: 'keyBy', key: ['word'] },
      { id: 'agg', kind: 'aggregate', aggregates: { c: 'COUNT(*)' } },
      {
        id: 'out',
        kind: 'sink',
        connector: { type: 'file', path: '/results' },
      },
    );
    expect(sqlOf(spec)).toContain("'format' = 'debezium-json'");
    expect(ok(exportFlinkSql(spec, { baseDir: '/data', changelogFormat: 'canal-json' }))).toContain(
      "'format' = 'canal-json'",
    );
  });
});

describe('expressions', () => {
  const mapOf = (expr: string) =>
    chain(fileSource(), { id: 'mapped', kind: 'map', fields: { v: expr } }, collect());
  const mapSql = (expr: string) => {
    const s = statement(sqlOf(mapOf(expr)), 'mapped');
    return s.slice(s.indexOf('\n  ') + 3, s.indexOf(' AS v'));
  };

  it('translates or keeps functions', () => {
    expect(mapSql("REGEXP_EXTRACT(word, 'a(b)')")).toBe("REGEXP_EXTRACT(word, 'a(b)', 0)");
    // (a backslash in a literal trips dt-sql-parser's lexer, see parse-check.ts: compare the text only)
    expect(run(mapOf("REGEXP_REPLACE(word, '(a)', '[$1|$&|$$]')"))).toMatchObject({ ok: true });
    const replaced = run(mapOf("REGEXP_REPLACE(word, '(a)', '[$1|$&|$$]')"));
    expect(replaced.ok && replaced.sql).toContain("REGEXP_REPLACE(word, '(a)', '[$1|$0|\\$]') AS v");
    expect(mapSql("TRIM(BOTH 'x' FROM word)")).toBe("BTRIM(word, 'x')");
    expect(mapSql("TRIM(LEADING 'x' FROM word)")).toBe("ltrim(word, 'x')");
    expect(mapSql('CAST(ts AS STRING)')).toBe(
      "DATE_FORMAT(TO_TIMESTAMP_LTZ(ts, 3), 'yyyy-MM-dd HH:mm:ss.SSS')",
    );
    expect(mapSql('CAST(n AS INT)')).toBe('CAST(n AS BIGINT)');
    expect(mapSql('CAST(n AS TIMESTAMP)')).toBe('CAST(n AS BIGINT)'); // int → timestamp: both BIGINT epoch ms
    expect(mapSql("IF(n > 1, 'a', 'b')")).toBe("IF(n > 1, 'a', 'b')");
    expect(mapSql('SUBSTRING(word FROM 2 FOR 3)')).toBe('SUBSTRING(word, 2, 3)');
  });

  it('refuses what Flink cannot do, naming the node, the function and why', () => {
    expect(problems(mapOf("CAST('2024-01-01' AS TIMESTAMP)"))).toMatchObject([
      { code: 'unsupported-cast', nodeId: 'mapped', path: '/nodes/1/fields/v' },
    ]);
    const [mod] = problems(mapOf('MOD(x, 2)'));
    expect(mod).toMatchObject({ code: 'unsupported-function', nodeId: 'mapped', path: '/nodes/1/fields/v' });
    expect(mod!.message).toBe(
      "map 'mapped', field 'v': MOD with a float argument: Flink SQL's MOD takes exact (integer) numbers only; CAST the arguments to BIGINT or compute it differently",
    );
    expect(problems(mapOf("REGEXP_REPLACE(word, 'a', '$`')"))).toMatchObject([
      { code: 'unsupported-function' },
    ]);
    expect(problems(mapOf("word LIKE 'a!%' ESCAPE '!'"))).toMatchObject([{ code: 'unsupported-operator' }]);
  });

  it('REGEXP_SPLIT becomes SPLIT over REGEXP_REPLACE, with a note', () => {
    const result = run(
      chain(
        fileSource(),
        { id: 'w', kind: 'flatMap', explode: "REGEXP_SPLIT(word, '\\s+')", as: 'p' },
        collect(),
      ),
    );
    expect(ok(result)).toContain("UNNEST(SPLIT(REGEXP_REPLACE(word, '\\s+', '\u241e'), '\u241e'))");
    expect(result.ok && result.notes.find((n) => n.nodeId === 'w')?.message).toMatch(
      /^explode: REGEXP_SPLIT is written as SPLIT/,
    );
  });

  it('quotes reserved and grammar keywords', () => {
    const sql = sqlOf(
      chain(fileSource({ schema: { ts: 'timestamp', views: 'int', value: 'string' } }), collect('select')),
    );
    expect(sql).toContain('CREATE TABLE `select` (\n  ts BIGINT,\n  `views` BIGINT,\n  `value` STRING\n)');
  });
});

describe('settings', () => {
  it('maps parallelism, checkpointing, state backend and restart strategy', () => {
    const spec = {
      ...(chain(fileSource(), collect()) as object),
      settings: {
        parallelism: 4,
        maxParallelism: 256,
        checkpointing: {
          intervalMs: 5000,
          timeoutMs: 30000,
          minPauseMs: 100,
          retained: 2,
          tolerableFailures: 1,
        },
        stateBackend: 'heap',
        restart: {
          strategy: 'exponential-backoff',
          maxAttempts: 5,
          delayMs: 200,
          maxDelayMs: 10000,
          backoffMultiplier: 2,
        },
        rowErrors: 'fail',
      },
    };
    const sql = sqlOf(spec);
    const sets = sql.split('\n').filter((l) => l.startsWith('SET '));
    expect(sets).toEqual([
      "SET 'execution.runtime-mode' = 'streaming';",
      "SET 'parallelism.default' = '4';",
      "SET 'pipeline.max-parallelism' = '256';",
      "SET 'table.local-time-zone' = 'UTC';",
      "SET 'table.exec.mini-batch.enabled' = 'false';",
      "SET 'pipeline.auto-watermark-interval' = '0 ms';",
      "SET 'state.backend.type' = 'hashmap';",
      "SET 'execution.checkpointing.interval' = '5000 ms';",
      "SET 'execution.checkpointing.timeout' = '30000 ms';",
      "SET 'execution.checkpointing.min-pause' = '100 ms';",
      "SET 'execution.checkpointing.num-retained' = '2';",
      "SET 'execution.checkpointing.tolerable-failed-checkpoints' = '1';",
      "SET 'restart-strategy.type' = 'exponential-delay';",
      "SET 'restart-strategy.exponential-delay.initial-backoff' = '200 ms';",
      "SET 'restart-strategy.exponential-delay.max-backoff' = '10000 ms';",
      "SET 'restart-strategy.exponential-delay.backoff-multiplier' = '2';",
      "SET 'restart-strategy.exponential-delay.jitter-factor' = '0.0';",
      "SET 'restart-strategy.exponential-delay.attempts-before-reset-backoff' = '5';",
    ]);
  });
});

describe('helpers', () => {
  it("interval literals stay within Calcite's 2-digit leading precision", () => {
    expect([1, 1000, 2001, 60000, 90000, 100000, 3600000, 86400000, 86400001].map(interval)).toEqual([
      "INTERVAL '0.001' SECOND",
      "INTERVAL '1' SECOND",
      "INTERVAL '2.001' SECOND",
      "INTERVAL '1' MINUTE",
      "INTERVAL '90' SECOND",
      "INTERVAL '0 00:01:40.000' DAY TO SECOND",
      "INTERVAL '1' HOUR",
      "INTERVAL '1' DAY",
      "INTERVAL '1 00:00:00.001' DAY TO SECOND",
    ]);
    expect(interval(100 * 86400000)).toBeUndefined();
  });

  it('JavaScript replacement strings become Java ones', () => {
    expect(javaReplacement('$1-$&-$$-\\-$')).toBe('$1-$0-\\$-\\\\-\\$');
    expect(javaReplacement("$'")).toBeUndefined();
  });

  it('paths resolve against the base directory without I/O', () => {
    expect(resolvePath('/a/b', '../c/./d.txt')).toBe('/a/c/d.txt');
    expect(resolvePath(undefined, '/x')).toBe('/x');
    expect(resolvePath(undefined, 'x')).toBeUndefined();
  });
});
