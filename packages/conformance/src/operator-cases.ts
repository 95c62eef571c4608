/**
 * Hand-written cases for the joins and Flink SQL's stateful operators (JOB-SPEC "v1 additions"): every join kind
 * and join type, OVER (RANGE and ROWS), Window Top-N (row_number, rank, dense_rank) and deduplication (event time
 * and arrival), each over small generated inputs. The generators are Flowstate's datagen (materialized to the
 * files both engines read): keys from a few values, event times `start + i × step` minus a jitter, with every
 * source's out-of-orderness within its watermark bound — so no row is late anywhere (a row's time is more than
 * one step ahead of its own source's watermark, and an operator's watermark is the smaller of its inputs'), and
 * what each engine emits does not depend on how the two inputs interleave.
 */

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './cases';
import type { ConformanceCase } from './suite';

type Node = Record<string, unknown> & { id: string; kind: string };
type EdgeSpec = { from: string; to: string; input?: 'left' | 'right'; port?: 'late' };

const START = 1_000_000; // positive event times (Flink SQL's watermarks start at 0)

/**
 * The input of 'interval join with a late row' (written when the cases are made): both sides from one file.
 * 10,000 rows of distinct keys (no pairs) advance event time 1 ms a row; then the right row r (k 1) sets the
 * watermark to r.ts − 1,001; 10,000 more rows without pairs, just behind r, so that both of the join's inputs
 * carry that watermark before what follows (channels are bounded); then a left row on time (joins r) and a left
 * row 30 s behind the watermark whose interval [l.ts, l.ts + 60 s] holds r: late.
 */
function intervalLateInput(): string {
  const dir = path.join(tmpdir(), 'flowstate-conformance-data');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'interval-late.jsonl');
  const rows: string[] = [];
  const row = (side: string, k: number, v: string, ts: number) =>
    rows.push(JSON.stringify({ side, k, v, ts }));
  for (let i = 0; i < 10_000; i++) row(i % 2 === 0 ? 'L' : 'R', 1_000 + i, 'filler', 100_000 + i);
  const r = 200_000;
  row('R', 1, 'r', r);
  for (let i = 0; i < 10_000; i++) row(i % 2 === 0 ? 'L' : 'R', 20_000 + i, 'filler', r - 500);
  row('L', 1, 'on time', r - 800);
  row('L', 1, 'late', r - 30_000);
  // Written aside, then renamed: another process making the cases at the same time never reads half a file.
  const partial = `${file}.${process.pid}.partial`;
  writeFileSync(partial, `${rows.join('\n')}\n`);
  renameSync(partial, file);
  return file;
}

interface SourceOptions {
  count?: number;
  seed?: number;
  /** Generators besides the timestamp `ts`. */
  fields: Record<string, unknown>;
  schema: Record<string, string>;
  stepMs?: number;
  jitterMs?: number;
  /** false: no watermark (processing time). */
  watermark?: boolean;
  /** The timestamp field's name (default `ts`). */
  ts?: string;
}

/** A datagen source: `ts` = START + i × step − jitter, out of order by at most `jitterMs` (≤ the watermark bound). */
export function source(id: string, o: SourceOptions): Node {
  const jitter = o.jitterMs ?? 400;
  const ts = o.ts ?? 'ts';
  return {
    id,
    kind: 'source',
    connector: {
      type: 'datagen',
      count: o.count ?? 300,
      seed: o.seed ?? 7,
      rowsPerSecond: 0,
      fields: {
        ...o.fields,
        [ts]: { kind: 'timestamp', startMs: START, stepMs: o.stepMs ?? 100, maxJitterMs: jitter },
      },
    },
    schema: { ...o.schema, [ts]: 'timestamp' },
    ...(o.watermark === false
      ? {}
      : { watermark: { timestampField: ts, maxOutOfOrdernessMs: 1000, emitEveryRows: 1 } }),
  };
}

const key = (values: number) => ({ kind: 'random', min: 1, max: values });
const int = (max = 100) => ({ kind: 'random', min: 0, max });

/** Left rows: lk (key), lv, lts. */
const left = (over: Partial<SourceOptions> = {}) =>
  source('lefts', {
    fields: { lk: key(6), lv: int() },
    schema: { lk: 'int', lv: 'int' },
    seed: 11,
    ts: 'lts',
    ...over,
  });
/** Right rows: rk (key), rv, rs (a choice), rts. */
const right = (over: Partial<SourceOptions> = {}) =>
  source('rights', {
    fields: { rk: key(6), rv: int(), rs: { kind: 'choice', values: ['a', 'b', 'c'] } },
    schema: { rk: 'int', rv: 'int', rs: 'string' },
    seed: 23,
    stepMs: 130,
    ts: 'rts',
    ...over,
  });

function spec(name: string, nodes: Node[], edges: EdgeSpec[]): unknown {
  return { specVersion: 1, name, nodes, edges };
}

const sink = (id = 'out'): Node => ({ id, kind: 'sink', connector: { type: 'collect' } });

/** lefts → keyBy lk ─┐ join ← keyBy rk ← rights, then `after` (a chain ending in the sink `out`). */
function joinSpec(
  name: string,
  join: Node,
  after: Node[] = [],
  sources = { l: left(), r: right() },
): unknown {
  const chain = [join, ...after, sink()];
  return spec(
    name,
    [
      sources.l,
      sources.r,
      { id: 'byL', kind: 'keyBy', key: ['lk'] },
      { id: 'byR', kind: 'keyBy', key: ['rk'] },
      ...chain,
    ],
    [
      { from: sources.l.id, to: 'byL' },
      { from: sources.r.id, to: 'byR' },
      { from: 'byL', to: join.id, input: 'left' },
      { from: 'byR', to: join.id, input: 'right' },
      ...chain.slice(1).map((n, i) => ({ from: chain[i]!.id, to: n.id })),
    ],
  );
}

/** One input: src → (before…) → keyBy key → node → (after…) → out. */
function keyedSpec(
  name: string,
  src: Node,
  keyFields: string[],
  node: Node,
  before: Node[] = [],
  after: Node[] = [],
): unknown {
  const chain = [src, ...before, { id: 'byKey', kind: 'keyBy', key: keyFields }, node, ...after, sink()];
  return spec(
    name,
    chain,
    chain.slice(1).map((n, i) => ({ from: chain[i]!.id, to: n.id })),
  );
}

const countWindow = (id: string, sizeMs: number): Node => ({
  id,
  kind: 'window',
  assigner: { type: 'tumbling', sizeMs },
  aggregates: { n: 'COUNT(*)', total: 'SUM(v)' },
});

export function operatorCases(): ConformanceCase[] {
  const cases: Array<[string, unknown]> = [
    // ------------------------------------------------------------------ interval joins
    [
      'interval join inner',
      joinSpec('interval-inner', { id: 'j', kind: 'intervalJoin', lowerBoundMs: -1500, upperBoundMs: 1000 }),
    ],
    [
      'interval join left',
      joinSpec('interval-left', {
        id: 'j',
        kind: 'intervalJoin',
        type: 'left',
        lowerBoundMs: -500,
        upperBoundMs: 700,
        fields: { k: 'l.lk', lv: 'lv', rv: 'rv', d: 'rts - lts' },
      }),
    ],
    [
      'interval join right',
      joinSpec('interval-right', {
        id: 'j',
        kind: 'intervalJoin',
        type: 'right',
        lowerBoundMs: 0,
        upperBoundMs: 2000,
      }),
    ],
    [
      'interval join full',
      joinSpec('interval-full', {
        id: 'j',
        kind: 'intervalJoin',
        type: 'full',
        lowerBoundMs: -300,
        upperBoundMs: 300,
        fields: { lk: 'lk', rk: 'rk', lts: 'lts', rts: 'rts', rs: 'UPPER(rs)' },
      }),
    ],
    [
      'interval join inner then window (right time)',
      joinSpec(
        'interval-window',
        {
          id: 'j',
          kind: 'intervalJoin',
          lowerBoundMs: 0,
          upperBoundMs: 1000,
          fields: { k: 'lk', v: 'lv + rv' },
        },
        [{ id: 'byK', kind: 'keyBy', key: ['k'] }, countWindow('w', 5000)],
      ),
    ],
    [
      'interval join left then window (left time)',
      joinSpec(
        'interval-left-window',
        {
          id: 'j',
          kind: 'intervalJoin',
          type: 'left',
          lowerBoundMs: -1000,
          upperBoundMs: 0,
          fields: { k: 'lk', v: 'COALESCE(rv, 0)' },
        },
        [{ id: 'byK', kind: 'keyBy', key: ['k'] }, countWindow('w', 5000)],
      ),
    ],
    // ------------------------------------------------------------------ window joins
    [
      'window join inner tumbling',
      joinSpec('window-inner', {
        id: 'j',
        kind: 'windowJoin',
        assigner: { type: 'tumbling', sizeMs: 2000 },
      }),
    ],
    [
      'window join left sliding',
      joinSpec('window-left', {
        id: 'j',
        kind: 'windowJoin',
        type: 'left',
        assigner: { type: 'sliding', sizeMs: 3000, slideMs: 1000 },
        fields: { k: 'lk', lv: 'lv', rv: 'rv', ws: 'window_start', we: 'window_end' },
      }),
    ],
    [
      'window join right tumbling',
      joinSpec('window-right', {
        id: 'j',
        kind: 'windowJoin',
        type: 'right',
        assigner: { type: 'tumbling', sizeMs: 1000 },
        fields: { rk: 'rk', lv: 'lv', rs: 'rs', window_start: 'window_start' },
      }),
    ],
    [
      'window join full tumbling',
      joinSpec('window-full', {
        id: 'j',
        kind: 'windowJoin',
        type: 'full',
        assigner: { type: 'tumbling', sizeMs: 1000 },
        fields: {
          lk: 'lk',
          rk: 'rk',
          lv: 'lv',
          rv: 'rv',
          window_start: 'window_start',
          window_end: 'window_end',
        },
      }),
    ],
    [
      'window join inner then window',
      joinSpec(
        'window-window',
        {
          id: 'j',
          kind: 'windowJoin',
          assigner: { type: 'tumbling', sizeMs: 2000 },
          fields: { k: 'lk', v: 'lv * rv' },
        },
        [{ id: 'byK', kind: 'keyBy', key: ['k'] }, countWindow('w', 10000)],
      ),
    ],
    // ------------------------------------------------------------------ temporal joins
    [
      'temporal join inner',
      joinSpec(
        'temporal-inner',
        {
          id: 'j',
          kind: 'temporalJoin',
          fields: { k: 'lk', lv: 'lv', rv: 'rv', rs: 'rs', age: 'lts - rts' },
        },
        [],
        { l: left(), r: right({ count: 60, stepMs: 400 }) },
      ),
    ],
    [
      'temporal join left',
      joinSpec('temporal-left', { id: 'j', kind: 'temporalJoin', type: 'left' }, [], {
        l: left(),
        r: right({
          count: 30,
          stepMs: 900,
          fields: { rk: key(8), rv: int(), rs: { kind: 'choice', values: ['x'] } },
        }),
      }),
    ],
    // ------------------------------------------------------------------ regular joins
    ['regular join', joinSpec('regular', { id: 'j', kind: 'join', fields: { k: 'lk', lv: 'lv', rv: 'rv' } })],
    [
      'regular join with a state TTL',
      joinSpec('regular-ttl', { id: 'j', kind: 'join', stateTtlMs: 86_400_000 }, [], {
        l: left({ count: 100 }),
        r: right({ count: 100 }),
      }),
    ],
    // ------------------------------------------------------------------ over
    [
      'over range',
      keyedSpec(
        'over-range',
        source('events', { fields: { k: key(5), v: int() }, schema: { k: 'int', v: 'int' } }),
        ['k'],
        {
          id: 'o',
          kind: 'over',
          precedingMs: 2000,
          aggregates: { n: 'COUNT(*)', total: 'SUM(v)', lo: 'MIN(v)', hi: 'MAX(v)', mean: 'AVG(v)' },
        },
      ),
    ],
    [
      'over rows',
      keyedSpec(
        'over-rows',
        source('events', { fields: { k: key(5), v: int() }, schema: { k: 'int', v: 'int' } }),
        ['k'],
        {
          id: 'o',
          kind: 'over',
          precedingRows: 3,
          aggregates: { n: 'COUNT(v)', total: 'SUM(v)', first: 'FIRST_VALUE(v)' },
        },
      ),
    ],
    [
      'over range of 0 ms (rows at the same time)',
      keyedSpec(
        'over-range-0',
        source('events', {
          fields: { k: key(3), v: int() },
          schema: { k: 'int', v: 'int' },
          // steps of 20 ms, jitter up to 400 ms: many rows share a time
          stepMs: 20,
        }),
        ['k'],
        { id: 'o', kind: 'over', precedingMs: 0, aggregates: { n: 'COUNT(*)', hi: 'MAX(v)' } },
      ),
    ],
    // ------------------------------------------------------------------ top-N
    ...(['row_number', 'rank', 'dense_rank'] as const).map((fn): [string, unknown] => [
      `top-n ${fn}`,
      keyedSpec(
        `top-n-${fn}`,
        source('events', { fields: { k: key(8), v: int(4) }, schema: { k: 'int', v: 'int' }, count: 400 }),
        ['window_start', 'window_end'],
        {
          id: 'top',
          kind: 'topN',
          n: 3,
          function: fn,
          orderBy:
            fn === 'row_number'
              ? [
                  { field: 'total', direction: 'desc' },
                  { field: 'k', direction: 'asc' },
                ]
              : [{ field: 'total', direction: 'desc' }],
          ...(fn === 'row_number' ? { rankField: 'place' } : {}),
        },
        [
          { id: 'byK', kind: 'keyBy', key: ['k'] },
          {
            id: 'w',
            kind: 'window',
            assigner: { type: 'sliding', sizeMs: 4000, slideMs: 2000 },
            aggregates: { total: 'SUM(v)' },
          },
        ],
      ),
    ]),
    // ------------------------------------------------------------------ deduplication
    [
      'deduplicate by event time',
      keyedSpec(
        'dedup-event',
        source('events', { fields: { k: key(40), v: int() }, schema: { k: 'int', v: 'int' }, count: 200 }),
        ['k'],
        { id: 'first', kind: 'deduplicate' },
      ),
    ],
    [
      'deduplicate by arrival',
      keyedSpec(
        'dedup-arrival',
        source('events', {
          fields: { k: key(40), v: int() },
          schema: { k: 'int', v: 'int' },
          count: 200,
          watermark: false,
        }),
        ['k'],
        { id: 'first', kind: 'deduplicate' },
      ),
    ],
    // ------------------------------------------------------------------ edges: late rows, ties, versions
    [
      'deduplicate with late rows',
      keyedSpec(
        'dedup-late',
        source('events', {
          fields: { k: key(40), v: int() },
          schema: { k: 'int', v: 'int' },
          count: 200,
          jitterMs: 3000,
        }),
        ['k'],
        { id: 'first', kind: 'deduplicate' },
      ),
    ],
    [
      'over with late rows',
      keyedSpec(
        'over-late',
        source('events', { fields: { k: key(5), v: int() }, schema: { k: 'int', v: 'int' }, jitterMs: 3000 }),
        ['k'],
        { id: 'o', kind: 'over', precedingMs: 1000, aggregates: { n: 'COUNT(*)', total: 'SUM(v)' } },
      ),
    ],
    [
      'top-n row_number with ties',
      keyedSpec(
        'top-n-ties',
        source('events', { fields: { k: key(8), v: int(2) }, schema: { k: 'int', v: 'int' }, count: 400 }),
        ['window_start', 'window_end'],
        { id: 'top', kind: 'topN', n: 2, orderBy: [{ field: 'total', direction: 'desc' }] },
        [
          { id: 'byK', kind: 'keyBy', key: ['k'] },
          {
            id: 'w',
            kind: 'window',
            assigner: { type: 'tumbling', sizeMs: 2000 },
            aggregates: { total: 'SUM(v)' },
          },
        ],
      ),
    ],
    [
      'temporal join versioned by deduplication',
      spec(
        'temporal-dedup',
        [
          left(),
          right({ count: 80, stepMs: 300, jitterMs: 900 }),
          { id: 'byL', kind: 'keyBy', key: ['lk'] },
          { id: 'byR', kind: 'keyBy', key: ['rk'] },
          { id: 'j', kind: 'temporalJoin', type: 'left' },
          sink(),
          // The right source feeds another branch too, so its table cannot carry the key as PRIMARY KEY.
          { id: 'none', kind: 'filter', where: 'rv < 0' },
          sink('other'),
        ],
        [
          { from: 'lefts', to: 'byL' },
          { from: 'rights', to: 'byR' },
          { from: 'byL', to: 'j', input: 'left' },
          { from: 'byR', to: 'j', input: 'right' },
          { from: 'j', to: 'out' },
          { from: 'rights', to: 'none' },
          { from: 'none', to: 'other' },
        ],
      ),
    ],
    // ------------------------------------------------------------------ NULLs, keys of two fields, unions
    [
      'joins with NULL keys (window full, interval left, regular)',
      spec(
        'null-keys',
        [
          left({ fields: { lk: { ...key(4), nullRate: 0.2 }, lv: int() }, count: 200 }),
          right({
            fields: { rk: { ...key(4), nullRate: 0.2 }, rv: int(), rs: { kind: 'choice', values: ['a'] } },
            count: 150,
          }),
          { id: 'byL', kind: 'keyBy', key: ['lk'] },
          { id: 'byR', kind: 'keyBy', key: ['rk'] },
          {
            id: 'wj',
            kind: 'windowJoin',
            type: 'full',
            assigner: { type: 'tumbling', sizeMs: 1000 },
            fields: { lk: 'lk', rk: 'rk', lv: 'lv', rv: 'rv', ws: 'window_start' },
          },
          { id: 'ij', kind: 'intervalJoin', type: 'left', lowerBoundMs: -200, upperBoundMs: 200 },
          { id: 'rj', kind: 'join', fields: { k: 'lk', lv: 'lv', rv: 'rv' } },
          sink('windowJoined'),
          sink('intervalJoined'),
          sink('joined'),
        ],
        [
          { from: 'lefts', to: 'byL' },
          { from: 'rights', to: 'byR' },
          ...['wj', 'ij', 'rj'].flatMap((j): EdgeSpec[] => [
            { from: 'byL', to: j, input: 'left' },
            { from: 'byR', to: j, input: 'right' },
          ]),
          { from: 'wj', to: 'windowJoined' },
          { from: 'ij', to: 'intervalJoined' },
          { from: 'rj', to: 'joined' },
        ],
      ),
    ],
    [
      'joins keyed by two fields, sides that are unions',
      spec(
        'two-field-keys',
        [
          left({ fields: { lk: key(3), lv: int(2) }, schema: { lk: 'int', lv: 'int' } }),
          source('lefts2', {
            fields: { lk: key(3), lv: int(2) },
            schema: { lk: 'int', lv: 'int' },
            seed: 5,
            ts: 'lts',
            stepMs: 170,
          }),
          right({ fields: { rk: key(3), rv: int(2), rs: { kind: 'choice', values: ['a', 'b'] } } }),
          { id: 'byL', kind: 'keyBy', key: ['lk', 'lv'] },
          { id: 'byR', kind: 'keyBy', key: ['rk', 'rv'] },
          {
            id: 'ij',
            kind: 'intervalJoin',
            lowerBoundMs: -700,
            upperBoundMs: 700,
            fields: { k: 'lk', v: 'lv', rs: 'rs' },
          },
          {
            id: 'tj',
            kind: 'temporalJoin',
            type: 'left',
            fields: { k: 'lk', v: 'lv', rs: 'rs', rts: 'rts' },
          },
          sink('intervalJoined'),
          sink('temporalJoined'),
        ],
        [
          { from: 'lefts', to: 'byL' },
          { from: 'lefts2', to: 'byL' },
          { from: 'rights', to: 'byR' },
          ...['ij', 'tj'].flatMap((j): EdgeSpec[] => [
            { from: 'byL', to: j, input: 'left' },
            { from: 'byR', to: j, input: 'right' },
          ]),
          { from: 'ij', to: 'intervalJoined' },
          { from: 'tj', to: 'temporalJoined' },
        ],
      ),
    ],
    [
      'temporal join, the versioned side through a map (a primary key)',
      spec(
        'temporal-map',
        [
          left(),
          right({ count: 70, stepMs: 400, jitterMs: 900 }),
          { id: 'shaped', kind: 'map', fields: { key: 'rk', price: 'rv * 2', rts: 'rts' } },
          { id: 'byL', kind: 'keyBy', key: ['lk'] },
          { id: 'byR', kind: 'keyBy', key: ['key'] },
          { id: 'j', kind: 'temporalJoin', fields: { k: 'lk', lv: 'lv', price: 'price', since: 'r.rts' } },
          sink(),
        ],
        [
          { from: 'lefts', to: 'byL' },
          { from: 'rights', to: 'shaped' },
          { from: 'shaped', to: 'byR' },
          { from: 'byL', to: 'j', input: 'left' },
          { from: 'byR', to: 'j', input: 'right' },
          { from: 'j', to: 'out' },
        ],
      ),
    ],
    [
      'temporal join, the versioned side through a filter (a deduplicated view)',
      spec(
        'temporal-filter',
        [
          left(),
          right({ count: 70, stepMs: 400, jitterMs: 900 }),
          { id: 'some', kind: 'filter', where: "rs <> 'c'" },
          { id: 'shaped', kind: 'map', fields: { key: 'rk', price: 'rv * 2', rts: 'rts' } },
          { id: 'byL', kind: 'keyBy', key: ['lk'] },
          { id: 'byR', kind: 'keyBy', key: ['key'] },
          { id: 'j', kind: 'temporalJoin', fields: { k: 'lk', lv: 'lv', price: 'price', since: 'r.rts' } },
          sink(),
        ],
        [
          { from: 'lefts', to: 'byL' },
          { from: 'rights', to: 'some' },
          { from: 'some', to: 'shaped' },
          { from: 'shaped', to: 'byR' },
          { from: 'byL', to: 'j', input: 'left' },
          { from: 'byR', to: 'j', input: 'right' },
          { from: 'j', to: 'out' },
        ],
      ),
    ],
    [
      'top-n with NULLs and a partition, over with floats and NULLs',
      spec(
        'nulls',
        [
          source('events', {
            fields: {
              k: key(3),
              g: { ...key(2), nullRate: 0.2 },
              v: { ...int(5), nullRate: 0.3 },
              x: { kind: 'random', min: 0, max: 1 },
            },
            schema: { k: 'int', g: 'int', v: 'int', x: 'float' },
            count: 400,
          }),
          { id: 'byKG', kind: 'keyBy', key: ['k', 'g'] },
          {
            id: 'w',
            kind: 'window',
            assigner: { type: 'tumbling', sizeMs: 3000 },
            aggregates: { lo: 'MIN(v)', n: 'COUNT(v)' },
          },
          { id: 'byWindowG', kind: 'keyBy', key: ['window_start', 'window_end', 'g'] },
          {
            id: 'top',
            kind: 'topN',
            n: 2,
            function: 'row_number',
            orderBy: [
              { field: 'lo', direction: 'asc' },
              { field: 'k', direction: 'desc' },
            ],
            rankField: 'place',
          },
          {
            id: 'ranks',
            kind: 'topN',
            n: 2,
            function: 'rank',
            orderBy: [{ field: 'lo', direction: 'desc' }],
            rankField: 'r',
          },
          { id: 'byK', kind: 'keyBy', key: ['k'] },
          {
            id: 'o',
            kind: 'over',
            precedingRows: 4,
            aggregates: { sx: 'SUM(x)', ax: 'AVG(x)', mv: 'MAX(v)', cv: 'COUNT(v)', lv: 'LAST_VALUE(v)' },
          },
          { id: 'dedup', kind: 'deduplicate' },
          { id: 'byV', kind: 'keyBy', key: ['v', 'g'] },
          sink('tops'),
          sink('ranked'),
          sink('overs'),
          sink('firsts'),
        ],
        [
          { from: 'events', to: 'byKG' },
          { from: 'byKG', to: 'w' },
          { from: 'w', to: 'byWindowG' },
          { from: 'byWindowG', to: 'top' },
          { from: 'top', to: 'tops' },
          { from: 'byWindowG', to: 'ranks' },
          { from: 'ranks', to: 'ranked' },
          { from: 'events', to: 'byK' },
          { from: 'byK', to: 'o' },
          { from: 'o', to: 'overs' },
          { from: 'events', to: 'byV' },
          { from: 'byV', to: 'dedup' },
          { from: 'dedup', to: 'firsts' },
        ],
      ),
    ],
    // ------------------------------------------------------------------ times on the bounds
    [
      'joins and over with times on the bounds',
      (() => {
        // No jitter, steps of 100 and 300 ms: many pairs exactly at a bound.
        const l = left({ jitterMs: 0, stepMs: 100, count: 200 });
        const r = right({ jitterMs: 0, stepMs: 300, count: 70 });
        return spec(
          'bounds',
          [
            l,
            r,
            { id: 'byL', kind: 'keyBy', key: ['lk'] },
            { id: 'byR', kind: 'keyBy', key: ['rk'] },
            { id: 'ij', kind: 'intervalJoin', type: 'left', lowerBoundMs: -300, upperBoundMs: 600 },
            {
              id: 'tj',
              kind: 'temporalJoin',
              type: 'left',
              fields: { lk: 'lk', lts: 'lts', rts: 'rts', rv: 'rv' },
            },
            { id: 'wj', kind: 'windowJoin', assigner: { type: 'sliding', sizeMs: 900, slideMs: 300 } },
            {
              id: 'o',
              kind: 'over',
              precedingMs: 300,
              aggregates: { n: 'COUNT(*)', first: 'FIRST_VALUE(lv)', last: 'LAST_VALUE(lv)' },
            },
            sink('intervalJoined'),
            sink('temporalJoined'),
            sink('windowJoined'),
            sink('overs'),
          ],
          [
            { from: 'lefts', to: 'byL' },
            { from: 'rights', to: 'byR' },
            ...['ij', 'tj', 'wj'].flatMap((j): EdgeSpec[] => [
              { from: 'byL', to: j, input: 'left' },
              { from: 'byR', to: j, input: 'right' },
            ]),
            { from: 'byL', to: 'o' },
            { from: 'ij', to: 'intervalJoined' },
            { from: 'tj', to: 'temporalJoined' },
            { from: 'wj', to: 'windowJoined' },
            { from: 'o', to: 'overs' },
          ],
        );
      })(),
    ],
    [
      'interval join with a late row',
      // One source for both sides (one reader): which row is late does not depend on how two sources interleave.
      spec(
        'interval-late',
        [
          {
            id: 'events',
            kind: 'source',
            connector: { type: 'file', path: intervalLateInput(), format: 'jsonl' },
            schema: { side: 'string', k: 'int', v: 'string', ts: 'timestamp' },
            watermark: { timestampField: 'ts', maxOutOfOrdernessMs: 1000, emitEveryRows: 1 },
          },
          { id: 'lefts', kind: 'filter', where: "side = 'L'" },
          { id: 'rights', kind: 'filter', where: "side = 'R'" },
          { id: 'byL', kind: 'keyBy', key: ['k'] },
          { id: 'byR', kind: 'keyBy', key: ['k'] },
          {
            id: 'j',
            kind: 'intervalJoin',
            lowerBoundMs: 0,
            upperBoundMs: 60_000,
            fields: { k: 'l.k', l: 'l.v', r: 'r.v', lts: 'l.ts', rts: 'r.ts' },
          },
          sink(),
        ],
        [
          { from: 'events', to: 'lefts' },
          { from: 'events', to: 'rights' },
          { from: 'lefts', to: 'byL' },
          { from: 'rights', to: 'byR' },
          { from: 'byL', to: 'j', input: 'left' },
          { from: 'byR', to: 'j', input: 'right' },
          { from: 'j', to: 'out' },
        ],
      ),
    ],
  ];
  // A few at parallelism 2: the joins' and the Top-N's exchanges by key, several subtasks per operator.
  const parallel = ['interval join full', 'window join left sliding', 'temporal join left', 'top-n rank'];
  for (const name of parallel) {
    const c = cases.find(([n]) => n === name)!;
    cases.push([`${name} at parallelism 2`, { ...(c[1] as object), settings: { parallelism: 2 } }]);
  }
  return cases.map(([name, s]) => ({ name, spec: s, baseDir: REPO_ROOT }));
}
