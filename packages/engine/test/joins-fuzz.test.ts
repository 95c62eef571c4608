/**
 * Seeded fuzz of the joins and the SQL operators against a reference model: each seed picks a kind and its
 * parameters (join type, bounds or window, frame, n and ranking), two generated inputs (keys with NULLs for
 * the joins, jitter, rates) and a parallelism, runs the job, and compares its output with a plain computation
 * of the operator's definition. Every row's jitter stays within the watermark's out-of-orderness, so no row is
 * late and the definition needs no watermark; ties that only arrival order could break are avoided by
 * construction (unique timestamps where the order matters).
 *
 * A case is a function of its seed. `FUZZ_CASES=300 pnpm vitest run test/joins-fuzz.test.ts` runs more,
 * `FUZZ_SEED=123` starts elsewhere; a seed that ever fails goes into REGRESSIONS.
 */
import { type JobSpecInput, Prng, SourceConnectorSchema } from '@flowstate/spec';
import { describe, it } from 'vitest';
import { Job, type Row } from '../src/index';
import { expectSameRows, sourceNode, sourceRows } from './support/rows';

const CASES = Number(process.env.FUZZ_CASES ?? 40);
const FIRST_SEED = Number(process.env.FUZZ_SEED ?? 1);
/**
 * Seeds that once failed, kept as named regression cases. None has yet: seeds 1–340 were checked on 2026-12-07
 * (FUZZ_SEED=41 FUZZ_CASES=300 beside the default 40).
 */
const REGRESSIONS: number[] = [];

type Node = JobSpecInput['nodes'][number];
interface Case {
  summary: string;
  spec: JobSpecInput;
  parallelism: number;
  expected(rowsOf: (id: string) => Row[]): Row[];
}

const ts = (r: Row) => r.ts as number;
const windowsOf = (t: number, size: number, slide: number): number[] => {
  const out: number[] = [];
  const last = t - (((t % slide) + slide) % slide);
  for (let s = last - size + slide; s <= last; s += slide) if (s + size > t) out.push(s);
  return out;
};

function makeCase(seed: number): Case {
  const r = new Prng(seed);
  const kind = r.pick([
    'intervalJoin',
    'windowJoin',
    'temporalJoin',
    'join',
    'over',
    'topN',
    'deduplicate',
  ] as const);
  const parallelism = r.pick([1, 2, 3]);
  const keys = r.int(1, 12);
  const exact = kind === 'temporalJoin' || kind === 'deduplicate' || kind === 'over';
  const source = (
    id: string,
    count: number,
    stepMs: number,
    jitter: number,
    nullRate: number,
    seedOf: number,
  ): Node =>
    ({
      id,
      kind: 'source',
      connector: {
        type: 'datagen',
        count,
        seed: seedOf,
        fields: {
          ts: { kind: 'timestamp', startMs: r.int(-2000, 2000), stepMs, maxJitterMs: jitter },
          k: { kind: 'random', min: 1, max: keys, ...(nullRate > 0 ? { nullRate } : {}) },
          v: { kind: 'random', min: 0, max: 50 },
          n: { kind: 'sequence', start: 0 },
        },
      },
      schema: { ts: 'timestamp', k: 'int', v: 'int', n: 'int' },
      watermark: {
        timestampField: 'ts',
        maxOutOfOrdernessMs: jitter + r.int(0, 100),
        emitEveryRows: r.int(1, 50),
      },
      ...(r.bool(0.3) ? { parallelism: r.int(1, 3) } : {}),
    }) as Node;
  const collect = (id: string): Node => ({
    id,
    kind: 'sink',
    connector: { type: 'collect', maxRows: 1_000_000 },
  });
  const base = (nodes: Node[], edges: JobSpecInput['edges']): JobSpecInput => ({
    specVersion: 1,
    name: `fuzz-${seed}`,
    nodes,
    edges,
  });

  if (kind === 'over' || kind === 'deduplicate' || kind === 'topN') {
    const src = source('src', r.int(50, 600), r.int(1, 20), exact ? 0 : r.int(0, 200), 0, seed);
    if (kind === 'over') {
      const range = r.bool();
      const frame = range ? { precedingMs: r.int(0, 400) } : { precedingRows: r.int(0, 6) };
      const spec = base(
        [
          src,
          { id: 'byK', kind: 'keyBy', key: ['k'] },
          {
            id: 'o',
            kind: 'over',
            ...frame,
            aggregates: { c: 'COUNT(*)', s: 'SUM(v)', lo: 'MIN(v)' },
          } as Node,
          collect('out'),
        ],
        [
          { from: 'src', to: 'byK' },
          { from: 'byK', to: 'o' },
          { from: 'o', to: 'out' },
        ],
      );
      return {
        summary: `over ${JSON.stringify(frame)} p${parallelism}`,
        spec,
        parallelism,
        expected: (rowsOf) => {
          const rows = rowsOf('src');
          return rows.map((row) => {
            const mine = rows.filter((x) => x.k === row.k).sort((a, b) => ts(a) - ts(b));
            const frameRows =
              'precedingMs' in frame
                ? mine.filter((x) => ts(x) >= ts(row) - frame.precedingMs! && ts(x) <= ts(row))
                : mine.slice(Math.max(0, mine.indexOf(row) - frame.precedingRows!), mine.indexOf(row) + 1);
            const vs = frameRows.map((x) => x.v as number);
            return { ...row, c: frameRows.length, s: vs.reduce((a, b) => a + b, 0), lo: Math.min(...vs) };
          });
        },
      };
    }
    if (kind === 'deduplicate') {
      const spec = base(
        [src, { id: 'byK', kind: 'keyBy', key: ['k'] }, { id: 'd', kind: 'deduplicate' }, collect('out')],
        [
          { from: 'src', to: 'byK' },
          { from: 'byK', to: 'd' },
          { from: 'd', to: 'out' },
        ],
      );
      return {
        summary: `deduplicate p${parallelism}`,
        spec,
        parallelism,
        expected: (rowsOf) => {
          const first = new Map<unknown, Row>();
          for (const row of rowsOf('src')) {
            const f = first.get(row.k);
            if (f === undefined || ts(row) < ts(f)) first.set(row.k, row);
          }
          return [...first.values()];
        },
      };
    }
    const size = r.pick([100, 250, 500]);
    const n = r.int(1, 4);
    const fn = r.pick(['rank', 'dense_rank'] as const);
    const spec = base(
      [
        src,
        { id: 'byK', kind: 'keyBy', key: ['k'] },
        {
          id: 'w',
          kind: 'window',
          assigner: { type: 'tumbling', sizeMs: size },
          aggregates: { c: 'COUNT(*)' },
        },
        { id: 'byW', kind: 'keyBy', key: ['window_start', 'window_end'] },
        {
          id: 't',
          kind: 'topN',
          n,
          function: fn,
          orderBy: [{ field: 'c', direction: 'desc' }],
          rankField: 'rk',
        },
        collect('out'),
      ],
      [
        { from: 'src', to: 'byK' },
        { from: 'byK', to: 'w' },
        { from: 'w', to: 'byW' },
        { from: 'byW', to: 't' },
        { from: 't', to: 'out' },
      ],
    );
    return {
      summary: `topN ${fn} n=${n} over ${size}-ms windows p${parallelism}`,
      spec,
      parallelism,
      expected: (rowsOf) => {
        const counts = new Map<string, Row>();
        for (const row of rowsOf('src')) {
          const ws = windowsOf(ts(row), size, size)[0]!;
          const key = `${row.k}@${ws}`;
          const c = counts.get(key) ?? { k: row.k, window_start: ws, window_end: ws + size, c: 0 };
          c.c = (c.c as number) + 1;
          counts.set(key, c);
        }
        const out: Row[] = [];
        for (const ws of new Set([...counts.values()].map((c) => c.window_start))) {
          const win = [...counts.values()].filter((c) => c.window_start === ws);
          const distinct = [...new Set(win.map((c) => c.c as number))].sort((a, b) => b - a);
          for (const c of win) {
            const rk =
              fn === 'rank'
                ? 1 + win.filter((o) => (o.c as number) > (c.c as number)).length
                : 1 + distinct.indexOf(c.c as number);
            if (rk <= n) out.push({ ...c, rk });
          }
        }
        return out;
      },
    };
  }

  // Two inputs.
  const outer =
    kind === 'join'
      ? 'inner'
      : kind === 'temporalJoin'
        ? r.pick(['inner', 'left'])
        : r.pick(['inner', 'left', 'right', 'full']);
  const nullRate = r.bool(0.4) ? 0.1 : 0;
  const left = source(
    'left',
    r.int(20, 400),
    r.int(1, 30),
    kind === 'temporalJoin' ? r.int(0, 100) : r.int(0, 200),
    nullRate,
    seed * 2,
  );
  const right = source(
    'right',
    r.int(20, 400),
    r.int(1, 30),
    kind === 'temporalJoin' ? 0 : r.int(0, 200),
    nullRate,
    seed * 2 + 1,
  );
  const fields = { lk: 'l.k', ln: 'l.n', rn: 'r.n', rv: 'r.v' };
  let join: Node;
  let params = '';
  const lowerBoundMs = r.int(-300, 100);
  const upperBoundMs = lowerBoundMs + r.int(0, 300);
  const size = r.pick([50, 100, 400]);
  const slide = r.bool() ? size : size / 2;
  if (kind === 'intervalJoin') {
    join = { id: 'j', kind, lowerBoundMs, upperBoundMs, type: outer, fields } as Node;
    params = `[${lowerBoundMs}, ${upperBoundMs}]`;
  } else if (kind === 'windowJoin') {
    const assigner =
      slide === size ? { type: 'tumbling', sizeMs: size } : { type: 'sliding', sizeMs: size, slideMs: slide };
    join = { id: 'j', kind, assigner, type: outer, fields: { ...fields, ws: 'window_start' } } as Node;
    params = JSON.stringify(assigner);
  } else if (kind === 'temporalJoin') {
    join = { id: 'j', kind, type: outer, fields } as Node;
  } else {
    join = { id: 'j', kind, fields } as Node;
  }
  const spec = base(
    [
      left,
      right,
      { id: 'lk', kind: 'keyBy', key: ['k'] },
      { id: 'rk', kind: 'keyBy', key: ['k'] },
      join,
      collect('out'),
    ],
    [
      { from: 'left', to: 'lk' },
      { from: 'right', to: 'rk' },
      { from: 'lk', to: 'j', input: 'left' },
      { from: 'rk', to: 'j', input: 'right' },
      { from: 'j', to: 'out' },
    ],
  );
  const pair = (l: Row | null, rr: Row | null): Row => ({
    lk: l?.k ?? null,
    ln: l?.n ?? null,
    rn: rr?.n ?? null,
    rv: rr?.v ?? null,
  });
  const leftOuter = outer === 'left' || outer === 'full';
  const rightOuter = outer === 'right' || outer === 'full';
  return {
    summary: `${kind} ${outer} ${params} keys=${keys} nulls=${nullRate} p${parallelism}`,
    spec,
    parallelism,
    expected: (rowsOf) => {
      const L = rowsOf('left');
      const R = rowsOf('right');
      const eq = (l: Row, rr: Row) => l.k !== null && rr.k !== null && l.k === rr.k;
      const out: Row[] = [];
      if (kind === 'join') {
        for (const l of L) for (const rr of R) if (eq(l, rr)) out.push(pair(l, rr));
      } else if (kind === 'intervalJoin') {
        const matchedR = new Set<Row>();
        for (const l of L) {
          const ps = R.filter(
            (rr) => eq(l, rr) && ts(rr) >= ts(l) + lowerBoundMs && ts(rr) <= ts(l) + upperBoundMs,
          );
          for (const rr of ps) {
            out.push(pair(l, rr));
            matchedR.add(rr);
          }
          if (ps.length === 0 && leftOuter) out.push(pair(l, null));
        }
        if (rightOuter) for (const rr of R) if (!matchedR.has(rr)) out.push(pair(null, rr));
      } else if (kind === 'windowJoin') {
        const groups = new Map<string, { ws: number; ls: Row[]; rs: Row[] }>();
        const put = (row: Row, side: 'ls' | 'rs') => {
          for (const ws of windowsOf(ts(row), size, slide)) {
            if (row.k === null) {
              if (side === 'ls' ? leftOuter : rightOuter)
                out.push({ ...(side === 'ls' ? pair(row, null) : pair(null, row)), ws });
              continue;
            }
            const g = groups.get(`${row.k}@${ws}`) ?? { ws, ls: [], rs: [] };
            g[side].push(row);
            groups.set(`${row.k}@${ws}`, g);
          }
        };
        for (const l of L) put(l, 'ls');
        for (const rr of R) put(rr, 'rs');
        for (const g of groups.values()) {
          if (g.ls.length && g.rs.length)
            for (const l of g.ls) for (const rr of g.rs) out.push({ ...pair(l, rr), ws: g.ws });
          else if (g.ls.length && leftOuter) for (const l of g.ls) out.push({ ...pair(l, null), ws: g.ws });
          else if (g.rs.length && rightOuter)
            for (const rr of g.rs) out.push({ ...pair(null, rr), ws: g.ws });
        }
      } else {
        for (const l of L) {
          const versions = l.k === null ? [] : R.filter((rr) => eq(l, rr) && ts(rr) <= ts(l));
          const v = versions.reduce<Row | null>(
            (best, x) => (best === null || ts(x) > ts(best) ? x : best),
            null,
          );
          if (v !== null) out.push(pair(l, v));
          else if (leftOuter) out.push(pair(l, null));
        }
      }
      return out;
    },
  };
}

const seeds = [...REGRESSIONS, ...Array.from({ length: CASES }, (_, i) => FIRST_SEED + i)];

describe('joins and SQL operators against the reference model', () => {
  it.each(seeds)('seed %i', async (seed) => {
    const c = makeCase(seed);
    const rowsOf = (id: string) => {
      const s = sourceNode(c.spec, id);
      return sourceRows(SourceConnectorSchema.parse(s.connector), s.schema);
    };
    const job = Job.fromSpec(c.spec, { parallelism: c.parallelism, writeConsole: () => {} });
    const res = await job.run();
    if (res.status !== 'finished')
      throw new Error(`seed ${seed} (${c.summary}): ${res.status} ${res.error?.message}`);
    expectSameRows(job.collected('out'), c.expected(rowsOf), `seed ${seed}: ${c.summary}`);
  });
});
