/**
 * The joins and Flink SQL's stateful operators (JOB-SPEC "v1 additions"): what each kind and type exports to
 * (scripts kept as files in __snapshots__/operators/, checked with dt-sql-parser's Flink grammar), the notes, and
 * the refusals — above all where Flink SQL has no event-time attribute for what Flowstate's rows carry.
 * Each construct was also run on Flink 2.3.0 by the conformance suite (packages/conformance).
 */
import { describe, expect, it } from 'vitest';
import { type ExportResult, exportFlinkSql } from './index';
import { syntaxErrors } from './parse-check';

type Node = Record<string, unknown> & { id: string };
type Edge = { from: string; to: string; input?: 'left' | 'right' };

const wm = (field: string) => ({ timestampField: field, maxOutOfOrdernessMs: 1000, emitEveryRows: 1 });
const file = (id: string, schema: Record<string, string>, ts?: string, path = `${id}.jsonl`): Node => ({
  id,
  kind: 'source',
  connector: { type: 'file', path, format: 'jsonl' },
  schema,
  ...(ts ? { watermark: wm(ts) } : {}),
});
const orders = (ts = true) =>
  file('orders', { oid: 'int', customer: 'int', amount: 'float', ots: 'timestamp' }, ts ? 'ots' : undefined);
const payments = (ts = true) =>
  file('payments', { payer: 'int', paid: 'float', pts: 'timestamp' }, ts ? 'pts' : undefined);
const collect = (id = 'out'): Node => ({ id, kind: 'sink', connector: { type: 'collect' } });

/** orders keyed by customer (left) and payments keyed by customer (right) into `join`, then `after`. */
function joinSpec(join: Node, after: Node[] = [], sources = { l: orders(), r: payments() }): unknown {
  const chain = [join, ...after, collect()];
  const edges: Edge[] = [
    { from: sources.l.id, to: 'byCustomer' },
    { from: sources.r.id, to: 'byPayer' },
    { from: 'byCustomer', to: join.id, input: 'left' },
    { from: 'byPayer', to: join.id, input: 'right' },
    ...chain.slice(1).map((n, i) => ({ from: chain[i]!.id, to: n.id })),
  ];
  return {
    specVersion: 1,
    name: 'joins',
    nodes: [
      sources.l,
      sources.r,
      { id: 'byCustomer', kind: 'keyBy', key: ['customer'] },
      { id: 'byPayer', kind: 'keyBy', key: ['payer'] },
      ...chain,
    ],
    edges,
  };
}

/** A chain of nodes, each feeding the next. */
function chain(...nodes: Node[]): unknown {
  return {
    specVersion: 1,
    name: 'chain',
    nodes,
    edges: nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id })),
  };
}

const run = (spec: unknown): ExportResult => exportFlinkSql(spec, { baseDir: '/data' });
function ok(spec: unknown): { sql: string; notes: Array<{ nodeId?: string; message: string }> } {
  const result = run(spec);
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.problems, null, 1)}`);
  expect(syntaxErrors(result.sql)).toEqual([]);
  return result;
}
/** The transformations of a script (the views), what the snapshots keep. */
const views = (sql: string) =>
  sql.slice(sql.indexOf('-- Transformations'), sql.indexOf('-- Sinks')).trimEnd();
function problems(spec: unknown) {
  const result = run(spec);
  expect(result.ok).toBe(false);
  return result.ok
    ? []
    : result.problems.map((p) => ({ code: p.code, nodeId: p.nodeId, message: p.message }));
}
const tumbling = (id: string, aggregates: Record<string, string> = { n: 'COUNT(*)' }): Node => ({
  id,
  kind: 'window',
  assigner: { type: 'tumbling', sizeMs: 10000 },
  aggregates,
});

describe('interval join', () => {
  it('inner: ON key AND r.rowtime BETWEEN l.rowtime + lower AND l.rowtime + upper; the late-row note', async () => {
    const { sql, notes } = ok(
      joinSpec({ id: 'paid', kind: 'intervalJoin', lowerBoundMs: -1500, upperBoundMs: 60000 }),
    );
    await expect(views(sql)).toMatchFileSnapshot('__snapshots__/operators/interval-inner.sql');
    expect(notes.filter((n) => n.nodeId === 'paid').map((n) => n.message)).toEqual([
      expect.stringContaining('a row that arrives behind the watermark is dropped by Flowstate'),
    ]);
  });

  it('left, right and full joins; fields over l and r', async () => {
    const sqls = (['left', 'right', 'full'] as const).map(
      (type) =>
        ok(
          joinSpec({
            id: 'paid',
            kind: 'intervalJoin',
            type,
            lowerBoundMs: 0,
            upperBoundMs: 5000,
            fields: { oid: 'oid', owed: 'amount - COALESCE(paid, 0)', delay: 'r.pts - l.ots' },
          }),
        ).sql,
    );
    expect(sqls[0]).toContain('FROM orders AS l\nLEFT JOIN payments AS r\nON l.customer = r.payer');
    expect(sqls[1]).toContain('RIGHT JOIN payments AS r');
    expect(sqls[2]).toContain('FULL JOIN payments AS r');
    await expect(views(sqls[0]!)).toMatchFileSnapshot('__snapshots__/operators/interval-left.sql');
  });

  it("keeps an input's time attribute where it is Flowstate's timestamp (max(l.ts, r.ts)), else a window after it is refused", () => {
    // lower >= 0: r.ts >= l.ts, the right row's time is the pair's; a right join pads right rows at their time.
    for (const type of ['inner', 'right']) {
      const { sql } = ok(
        joinSpec(
          {
            id: 'j',
            kind: 'intervalJoin',
            type,
            lowerBoundMs: 0,
            upperBoundMs: 5000,
            fields: { c: 'r.payer', v: 'paid' },
          },
          [{ id: 'byC', kind: 'keyBy', key: ['c'] }, tumbling('w')],
        ),
      );
      expect(sql).toContain('r.__rowtime AS __rowtime');
    }
    // upper <= 0: l.ts >= r.ts, the left row's time; a left join pads left rows at theirs.
    const { sql } = ok(
      joinSpec(
        {
          id: 'j',
          kind: 'intervalJoin',
          type: 'left',
          lowerBoundMs: -5000,
          upperBoundMs: 0,
          fields: { c: 'l.customer' },
        },
        [{ id: 'byC', kind: 'keyBy', key: ['c'] }, tumbling('w')],
      ),
    );
    expect(sql).toContain('l.__rowtime AS __rowtime');
    expect(
      problems(
        joinSpec(
          {
            id: 'j',
            kind: 'intervalJoin',
            type: 'full',
            lowerBoundMs: -5000,
            upperBoundMs: 5000,
            fields: { c: 'l.customer' },
          },
          [{ id: 'byC', kind: 'keyBy', key: ['c'] }, tumbling('w')],
        ),
      ),
    ).toEqual([
      {
        code: 'no-time-attribute',
        nodeId: 'w',
        message:
          "window 'w': a window needs an event-time attribute, and its input has none in the exported SQL: intervalJoin 'j' stamps a pair with max(l.ts, r.ts) and a padded row with its own time, which is no input's time attribute in Flink SQL (exact only for inner or right joins with lowerBoundMs >= 0, and inner or left joins with upperBoundMs <= 0)",
      },
    ]);
  });
});

describe('window join', () => {
  it('tumbling inner: the window TVF on both sides, joined on the key and the window; window_time as the event time', async () => {
    const { sql } = ok(
      joinSpec({ id: 'both', kind: 'windowJoin', assigner: { type: 'tumbling', sizeMs: 10000 } }, [
        { id: 'byOid', kind: 'keyBy', key: ['oid'] },
        tumbling('w'),
      ]),
    );
    await expect(views(sql)).toMatchFileSnapshot('__snapshots__/operators/window-inner.sql');
  });

  it('sliding full join: the bounds from whichever side is there; no event time after it', async () => {
    const spec = joinSpec({
      id: 'both',
      kind: 'windowJoin',
      type: 'full',
      assigner: { type: 'sliding', sizeMs: 10000, slideMs: 5000 },
      fields: { oid: 'oid', paid: 'paid', from: 'window_start', to: 'window_end' },
    });
    const { sql } = ok(spec);
    await expect(views(sql)).toMatchFileSnapshot('__snapshots__/operators/window-full.sql');
    expect(sql).toContain('COALESCE(l.__wstart, r.__wstart) AS `from`');
    const withWindow = joinSpec(
      {
        id: 'both',
        kind: 'windowJoin',
        type: 'full',
        assigner: { type: 'tumbling', sizeMs: 10000 },
        fields: { oid: 'oid' },
      },
      [{ id: 'byOid', kind: 'keyBy', key: ['oid'] }, tumbling('w')],
    );
    expect(problems(withWindow).map((p) => [p.code, p.nodeId])).toEqual([['no-time-attribute', 'w']]);
  });

  it('refuses a sliding size that is not a multiple of the slide (the HOP TVF requires it on both sides)', () => {
    const spec = joinSpec({
      id: 'both',
      kind: 'windowJoin',
      assigner: { type: 'sliding', sizeMs: 10000, slideMs: 3000 },
    });
    expect(problems(spec).map((p) => [p.code, p.nodeId])).toEqual([['hop-size-not-multiple', 'both']]);
  });

  it("renames a side's fields the window TVF adds itself (the results of a window upstream)", () => {
    const spec = {
      specVersion: 1,
      name: 'max-per-window',
      nodes: [
        orders(),
        { id: 'all', kind: 'map', fields: { g: '0', amount: 'amount' } },
        { id: 'byG', kind: 'keyBy', key: ['g'] },
        tumbling('maxima', { top: 'MAX(amount)' }),
        { id: 'byTop', kind: 'keyBy', key: ['top'] },
        { id: 'byAmount', kind: 'keyBy', key: ['amount'] },
        {
          id: 'biggest',
          kind: 'windowJoin',
          assigner: { type: 'tumbling', sizeMs: 10000 },
          fields: { oid: 'oid', amount: 'amount', since: 'r.window_start' },
        },
        collect(),
      ],
      edges: [
        { from: 'orders', to: 'all' },
        { from: 'all', to: 'byG' },
        { from: 'byG', to: 'maxima' },
        { from: 'maxima', to: 'byTop' },
        { from: 'orders', to: 'byAmount' },
        { from: 'byAmount', to: 'biggest', input: 'left' },
        { from: 'byTop', to: 'biggest', input: 'right' },
        { from: 'biggest', to: 'out' },
      ],
    };
    const { sql } = ok(spec);
    expect(sql).toContain(
      'CREATE TEMPORARY VIEW biggest_right AS\nSELECT `g`, window_start AS __r_window_start, window_end AS __r_window_end, top, __rowtime\nFROM maxima;',
    );
    expect(sql).toContain('r.__r_window_start AS since');
    expect(sql).toContain('ON l.amount = r.top');
  });
});

describe('temporal join', () => {
  it("the right source's table with the key as PRIMARY KEY when it feeds only the join (exact versions)", async () => {
    const { sql, notes } = ok(
      joinSpec({ id: 'rated', kind: 'temporalJoin', type: 'left', fields: { oid: 'oid', paid: 'paid' } }),
    );
    expect(sql).toContain('  PRIMARY KEY (payer) NOT ENFORCED\n) WITH (');
    expect(notes.filter((n) => n.nodeId === 'rated')).toEqual([]);
    await expect(views(sql)).toMatchFileSnapshot('__snapshots__/operators/temporal-primary-key.sql');
  });

  it('else a deduplicated versioned view, with a note (an older version arriving late is lost in Flink)', async () => {
    const spec = joinSpec({ id: 'rated', kind: 'temporalJoin', fields: { oid: 'oid', paid: 'paid' } }, [], {
      l: orders(),
      r: payments(),
    }) as { nodes: Node[]; edges: Edge[] };
    // The payments feed a second sink: their table cannot carry a primary key for the join alone.
    spec.nodes.push(collect('raw'));
    spec.edges.push({ from: 'payments', to: 'raw' });
    const { sql, notes } = ok(spec);
    expect(sql).not.toContain('PRIMARY KEY (');
    expect(notes.filter((n) => n.nodeId === 'rated').map((n) => n.message)).toEqual([
      expect.stringContaining('the right input is made a versioned table by deduplication'),
    ]);
    await expect(views(sql)).toMatchFileSnapshot('__snapshots__/operators/temporal-deduplicated.sql');
  });
});

describe('regular join', () => {
  it('JOIN ON the key; stateTtlMs as the STATE_TTL hint, with a note', async () => {
    const { sql, notes } = ok(
      joinSpec({ id: 'matched', kind: 'join', stateTtlMs: 3_600_000 }, [], {
        l: orders(false),
        r: payments(false),
      }),
    );
    expect(sql).toContain("SELECT /*+ STATE_TTL('l' = '3600000 ms', 'r' = '3600000 ms') */");
    expect(notes.map((n) => n.nodeId)).toContain('matched');
    await expect(views(sql)).toMatchFileSnapshot('__snapshots__/operators/regular.sql');
  });

  it('refuses event time after it (Flink: a regular join has no time attribute) and a join of rolling-aggregate updates', () => {
    expect(
      problems(
        joinSpec({ id: 'matched', kind: 'join', fields: { c: 'l.customer' } }, [
          { id: 'byC', kind: 'keyBy', key: ['c'] },
          tumbling('w'),
        ]),
      ),
    ).toEqual([
      {
        code: 'no-time-attribute',
        nodeId: 'w',
        message:
          "window 'w': a window needs an event-time attribute, and its input has none in the exported SQL: join 'matched' is a regular join, whose output has no time attribute in Flink SQL (its inputs' time attributes become plain timestamps); Flowstate stamps its rows with the later of the two rows' times",
      },
    ]);
    const updates = {
      specVersion: 1,
      name: 'updates',
      nodes: [
        orders(false),
        payments(false),
        { id: 'byCustomer', kind: 'keyBy', key: ['customer'] },
        { id: 'totals', kind: 'aggregate', aggregates: { total: 'SUM(amount)' } },
        { id: 'byTotal', kind: 'keyBy', key: ['customer'] },
        { id: 'byPayer', kind: 'keyBy', key: ['payer'] },
        { id: 'matched', kind: 'join', fields: { c: 'l.customer', total: 'total', paid: 'paid' } },
        collect(),
      ],
      edges: [
        { from: 'orders', to: 'byCustomer' },
        { from: 'byCustomer', to: 'totals' },
        { from: 'totals', to: 'byTotal' },
        { from: 'payments', to: 'byPayer' },
        { from: 'byTotal', to: 'matched', input: 'left' },
        { from: 'byPayer', to: 'matched', input: 'right' },
        { from: 'matched', to: 'out' },
      ],
    };
    expect(problems(updates).map((p) => [p.code, p.nodeId])).toEqual([['after-update', 'matched']]);
  });
});

describe('over', () => {
  const source = () => file('events', { user: 'string', v: 'int', at: 'timestamp' }, 'at');
  it('RANGE frame: OVER w … RANGE BETWEEN INTERVAL PRECEDING AND CURRENT ROW; the event time kept; the late-row note', async () => {
    const { sql, notes } = ok(
      chain(
        source(),
        { id: 'byUser', kind: 'keyBy', key: ['user'] },
        {
          id: 'recent',
          kind: 'over',
          precedingMs: 60000,
          aggregates: { n: 'COUNT(*)', total: 'SUM(v)', mean: 'AVG(v)', hi: 'MAX(v)' },
        },
        { id: 'byUser2', kind: 'keyBy', key: ['user'] },
        tumbling('w', { busiest: 'MAX(n)' }),
        collect(),
      ),
    );
    await expect(views(sql)).toMatchFileSnapshot('__snapshots__/operators/over-range.sql');
    expect(notes.filter((n) => n.nodeId === 'recent').map((n) => n.message)).toEqual([
      expect.stringContaining(
        "Flink's RowTimeRangeBoundedPrecedingFunction compares with a last-triggered time",
      ),
    ]);
  });

  it('ROWS frame: ROWS BETWEEN n PRECEDING AND CURRENT ROW', () => {
    const { sql } = ok(
      chain(
        source(),
        { id: 'byUser', kind: 'keyBy', key: ['user'] },
        { id: 'last3', kind: 'over', precedingRows: 2, aggregates: { lo: 'MIN(v)' } },
        collect(),
      ),
    );
    expect(sql).toContain('MIN(v) OVER w AS lo');
    expect(sql).toContain(
      'WINDOW w AS (PARTITION BY `user` ORDER BY __rowtime ROWS BETWEEN 2 PRECEDING AND CURRENT ROW)',
    );
  });
});

describe('top-N', () => {
  const windowed = (top: Node, extra: Node[] = []) =>
    chain(
      file('bids', { auction: 'int', price: 'int', at: 'timestamp' }, 'at'),
      { id: 'byAuction', kind: 'keyBy', key: ['auction'] },
      {
        id: 'counts',
        kind: 'window',
        assigner: { type: 'sliding', sizeMs: 10000, slideMs: 2000 },
        aggregates: { num: 'COUNT(*)', top: 'MAX(price)' },
      },
      ...extra,
      { id: 'byWindow', kind: 'keyBy', key: ['window_start', 'window_end'] },
      top,
      collect(),
    );
  it('row_number: a Window Top-N partitioned by the raw window bounds, NULLs lowest, the rank as a field', async () => {
    const { sql } = ok(
      windowed({
        id: 'hot',
        kind: 'topN',
        n: 3,
        orderBy: [
          { field: 'num', direction: 'desc' },
          { field: 'auction', direction: 'asc' },
        ],
        rankField: 'place',
      }),
    );
    await expect(views(sql)).toMatchFileSnapshot('__snapshots__/operators/top-n-row-number.sql');
  });

  it('rank and dense_rank: Window Top-Ns of the ranked values and a window join with them', async () => {
    for (const fn of ['rank', 'dense_rank']) {
      const { sql } = ok(
        windowed({
          id: 'hot',
          kind: 'topN',
          n: 2,
          function: fn,
          orderBy: [{ field: 'num', direction: 'desc' }],
          rankField: 'r',
        }),
      );
      await expect(views(sql)).toMatchFileSnapshot(
        `__snapshots__/operators/top-n-${fn.replace('_', '-')}.sql`,
      );
    }
  });

  it("refuses a Top-N whose input is not a window TVF's results as they are", () => {
    const computed = windowed(
      { id: 'hot', kind: 'topN', n: 1, orderBy: [{ field: 'num', direction: 'desc' }] },
      [
        {
          id: 'shifted',
          kind: 'map',
          fields: { window_start: 'window_start + 1', window_end: 'window_end', num: 'num' },
        },
      ],
    );
    expect(problems(computed).map((p) => [p.code, p.nodeId])).toEqual([['topn-not-window', 'hot']]);
    // a map that copies the bounds keeps them
    ok(
      windowed({ id: 'hot', kind: 'topN', n: 1, orderBy: [{ field: 'num', direction: 'desc' }] }, [
        {
          id: 'same',
          kind: 'map',
          fields: { window_start: 'window_start', window_end: 'window_end', num: 'num' },
        },
      ]),
    );
  });
});

describe('deduplicate', () => {
  const source = (ts: boolean) =>
    file('clicks', { user: 'string', page: 'string', at: 'timestamp' }, ts ? 'at' : undefined);
  it('by event time: ROW_NUMBER() OVER (PARTITION BY key ORDER BY rowtime ASC) = 1', async () => {
    const { sql } = ok(
      chain(
        source(true),
        { id: 'byUser', kind: 'keyBy', key: ['user'] },
        { id: 'first', kind: 'deduplicate' },
        collect(),
      ),
    );
    await expect(views(sql)).toMatchFileSnapshot('__snapshots__/operators/deduplicate-event-time.sql');
  });

  it('by arrival (no watermark): ordered by a PROCTIME() column of the sources', () => {
    const { sql } = ok(
      chain(
        source(false),
        { id: 'byUser', kind: 'keyBy', key: ['user'] },
        { id: 'first', kind: 'deduplicate' },
        collect(),
      ),
    );
    expect(sql).toContain('__proctime AS PROCTIME()');
    expect(sql).toContain('ROW_NUMBER() OVER (PARTITION BY `user` ORDER BY __proctime ASC) AS __rn');
  });

  it("stateTtlMs is the job's table.exec.state.ttl; two different ones are refused", () => {
    const { sql, notes } = ok(
      chain(
        source(false),
        { id: 'byUser', kind: 'keyBy', key: ['user'] },
        { id: 'first', kind: 'deduplicate', stateTtlMs: 60000 },
        collect(),
      ),
    );
    expect(sql).toContain("SET 'table.exec.state.ttl' = '60000 ms';");
    expect(notes.map((n) => n.nodeId)).toContain('first');
    const two = {
      specVersion: 1,
      name: 'two',
      nodes: [
        source(false),
        { id: 'byUser', kind: 'keyBy', key: ['user'] },
        { id: 'byPage', kind: 'keyBy', key: ['page'] },
        { id: 'a', kind: 'deduplicate', stateTtlMs: 60000 },
        { id: 'b', kind: 'deduplicate', stateTtlMs: 1000 },
        collect('outA'),
        collect('outB'),
      ],
      edges: [
        { from: 'clicks', to: 'byUser' },
        { from: 'clicks', to: 'byPage' },
        { from: 'byUser', to: 'a' },
        { from: 'byPage', to: 'b' },
        { from: 'a', to: 'outA' },
        { from: 'b', to: 'outB' },
      ],
    };
    expect(problems(two).map((p) => [p.code, p.nodeId])).toEqual([['state-ttl', 'b']]);
  });
});
