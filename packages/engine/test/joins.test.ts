/**
 * The joins and the SQL operators through whole jobs: two datagen sources (split over subtasks), keyBy on each
 * side, the operator, a collect sink — at parallelism 1 and 3, against a plain reference computation over the
 * sources' rows. The out-of-orderness bound covers every row's jitter, so no row is late and the reference is
 * the operator's definition without watermarks. Then a join and an OVER with a checkpoint every millisecond and
 * a failure injected mid-run give the straight run's output (exactly-once).
 */
import { type JobSpecInput, SourceConnectorSchema } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { Job, type JobEvent, type Row } from '../src/index';
import { expectSameRows, sourceNode, sourceRows } from './support/rows';

const JITTER = 300;
const wm = { timestampField: 'ts', maxOutOfOrdernessMs: JITTER + 50, emitEveryRows: 7 };

/** Impressions (left) and clicks (right) of 12 ads; clicks' timestamps are unique (no jitter) when `exact`. */
function sources(o: { exact?: boolean } = {}): JobSpecInput['nodes'] {
  return [
    {
      id: 'imps',
      kind: 'source',
      connector: {
        type: 'datagen',
        count: 1500,
        seed: 7,
        fields: {
          ts: { kind: 'timestamp', startMs: 0, stepMs: 10, maxJitterMs: o.exact ? 0 : JITTER },
          ad: { kind: 'random', min: 1, max: 12 },
          imp: { kind: 'sequence' },
        },
      },
      schema: { ts: 'timestamp', ad: 'int', imp: 'int' },
      watermark: wm,
    },
    {
      id: 'clicks',
      kind: 'source',
      connector: {
        type: 'datagen',
        count: 400,
        seed: 11,
        fields: {
          ts: { kind: 'timestamp', startMs: 5, stepMs: 37, maxJitterMs: o.exact ? 0 : JITTER },
          adId: { kind: 'random', min: 1, max: 14 },
          click: { kind: 'sequence' },
        },
      },
      schema: { ts: 'timestamp', adId: 'int', click: 'int' },
      watermark: wm,
    },
    { id: 'impsByAd', kind: 'keyBy', key: ['ad'] },
    { id: 'clicksByAd', kind: 'keyBy', key: ['adId'] },
  ];
}

function joinSpec(join: Record<string, unknown>, o: { exact?: boolean } = {}): JobSpecInput {
  return {
    specVersion: 1,
    name: 'join-test',
    settings: { checkpointing: { intervalMs: 0 } },
    nodes: [
      ...sources(o),
      { id: 'j', ...join } as JobSpecInput['nodes'][number],
      { id: 'out', kind: 'sink', connector: { type: 'collect', maxRows: 1_000_000 } },
    ],
    edges: [
      { from: 'imps', to: 'impsByAd' },
      { from: 'clicks', to: 'clicksByAd' },
      { from: 'impsByAd', to: 'j', input: 'left' },
      { from: 'clicksByAd', to: 'j', input: 'right' },
      { from: 'j', to: 'out' },
    ],
  };
}

function rowsOf(spec: JobSpecInput, id: string): Row[] {
  const s = sourceNode(spec, id);
  return sourceRows(SourceConnectorSchema.parse(s.connector), s.schema);
}

async function run(spec: JobSpecInput, parallelism: number): Promise<{ job: Job; rows: Row[] }> {
  const job = Job.fromSpec(spec, { parallelism, writeConsole: () => {} });
  const r = await job.run();
  expect(r.status, r.error?.message).toBe('finished');
  return { job, rows: job.collected('out') };
}

const FIELDS = { ad: 'l.ad', imp: 'l.imp', click: 'r.click', lts: 'l.ts', rts: 'r.ts' };
const pair = (l: Row | null, r: Row | null): Row => ({
  ad: l?.ad ?? null,
  imp: l?.imp ?? null,
  click: r?.click ?? null,
  lts: l?.ts ?? null,
  rts: r?.ts ?? null,
});

describe.each([1, 3])('at parallelism %i', (p) => {
  it('intervalJoin (left outer): pairs with r.ts in [l.ts − 100, l.ts + 250], unmatched impressions padded', async () => {
    const spec = joinSpec({
      kind: 'intervalJoin',
      lowerBoundMs: -100,
      upperBoundMs: 250,
      type: 'left',
      fields: FIELDS,
    });
    const L = rowsOf(spec, 'imps');
    const R = rowsOf(spec, 'clicks');
    const expected: Row[] = [];
    for (const l of L) {
      const partners = R.filter(
        (r) =>
          r.adId === l.ad &&
          (r.ts as number) >= (l.ts as number) - 100 &&
          (r.ts as number) <= (l.ts as number) + 250,
      );
      if (partners.length === 0) expected.push(pair(l, null));
      for (const r of partners) expected.push(pair(l, r));
    }
    const { rows } = await run(spec, p);
    expect(expected.filter((r) => r.click !== null).length).toBeGreaterThan(100);
    expectSameRows(rows, expected, 'intervalJoin');
  });

  it('windowJoin (full outer, tumbling 1 s): pairs per ad and window, both sides padded', async () => {
    const spec = joinSpec({
      kind: 'windowJoin',
      assigner: { type: 'tumbling', sizeMs: 1000 },
      type: 'full',
      fields: { ...FIELDS, ws: 'window_start' },
    });
    const L = rowsOf(spec, 'imps');
    const R = rowsOf(spec, 'clicks');
    const win = (ts: unknown) => Math.floor((ts as number) / 1000) * 1000;
    const expected: Row[] = [];
    const keys = new Set([
      ...L.map((l) => `${l.ad}@${win(l.ts)}`),
      ...R.map((r) => `${r.adId}@${win(r.ts)}`),
    ]);
    for (const k of keys) {
      const [ad, ws] = k.split('@').map(Number);
      const ls = L.filter((l) => l.ad === ad && win(l.ts) === ws);
      const rs = R.filter((r) => r.adId === ad && win(r.ts) === ws);
      if (ls.length && rs.length)
        for (const l of ls) for (const r of rs) expected.push({ ...pair(l, r), ws });
      else for (const l of ls) expected.push({ ...pair(l, null), ws });
      if (!ls.length) for (const r of rs) expected.push({ ...pair(null, r), ws });
    }
    const { rows } = await run(spec, p);
    expectSameRows(rows, expected, 'windowJoin');
  });

  it('temporalJoin (left): each click joins the impression current at its time (clicks on the left)', async () => {
    // Here the versioned table is the impressions' (right side): swap the edges' sides.
    const spec = joinSpec(
      { kind: 'temporalJoin', type: 'left', fields: { click: 'l.click', ad: 'l.adId', imp: 'r.imp' } },
      { exact: true },
    );
    spec.edges = spec.edges!.map((e) =>
      e.input === 'left' ? { ...e, input: 'right' } : e.input === 'right' ? { ...e, input: 'left' } : e,
    );
    const clicks = rowsOf(spec, 'clicks');
    const imps = rowsOf(spec, 'imps');
    const expected = clicks.map((c) => {
      const versions = imps.filter((i) => i.ad === c.adId && (i.ts as number) <= (c.ts as number));
      const v = versions.reduce<Row | null>(
        (best, i) => (best === null || (i.ts as number) >= (best.ts as number) ? i : best),
        null,
      );
      return { click: c.click, ad: c.adId, imp: v?.imp ?? null };
    });
    const { rows } = await run(spec, p);
    expect(expected.filter((r) => r.imp === null).length).toBeGreaterThan(0);
    expectSameRows(rows, expected, 'temporalJoin');
  });

  it('join (regular inner): every pair with equal keys', async () => {
    const spec = joinSpec({ kind: 'join', fields: FIELDS });
    const L = rowsOf(spec, 'imps');
    const R = rowsOf(spec, 'clicks');
    const expected: Row[] = [];
    for (const l of L) for (const r of R) if (r.adId === l.ad) expected.push(pair(l, r));
    const { rows } = await run(spec, p);
    expectSameRows(rows, expected, 'join');
  });

  it("over (RANGE 500 ms) per ad: every impression with its frame's count and max", async () => {
    const spec: JobSpecInput = {
      specVersion: 1,
      name: 'over-test',
      nodes: [
        sources()[0]!,
        sources()[2]!,
        { id: 'o', kind: 'over', precedingMs: 500, aggregates: { n: 'COUNT(*)', hi: 'MAX(imp)' } },
        { id: 'out', kind: 'sink', connector: { type: 'collect', maxRows: 1_000_000 } },
      ],
      edges: [
        { from: 'imps', to: 'impsByAd' },
        { from: 'impsByAd', to: 'o' },
        { from: 'o', to: 'out' },
      ],
    };
    const L = rowsOf(spec, 'imps');
    const expected = L.map((l) => {
      const frame = L.filter(
        (x) =>
          x.ad === l.ad && (x.ts as number) >= (l.ts as number) - 500 && (x.ts as number) <= (l.ts as number),
      );
      return { ...l, n: frame.length, hi: Math.max(...frame.map((x) => x.imp as number)) };
    });
    const { rows } = await run(spec, p);
    expectSameRows(rows, expected, 'over');
  });

  it('window → keyBy window → topN (rank 2) → keyBy ad → deduplicate', async () => {
    const spec: JobSpecInput = {
      specVersion: 1,
      name: 'topn-test',
      nodes: [
        sources()[0]!,
        sources()[2]!,
        {
          id: 'w',
          kind: 'window',
          assigner: { type: 'tumbling', sizeMs: 2000 },
          aggregates: { n: 'COUNT(*)' },
        },
        { id: 'byWindow', kind: 'keyBy', key: ['window_start', 'window_end'] },
        {
          id: 't',
          kind: 'topN',
          n: 2,
          function: 'rank',
          orderBy: [{ field: 'n', direction: 'desc' }],
          rankField: 'rk',
        },
        { id: 'byAd', kind: 'keyBy', key: ['ad'] },
        { id: 'd', kind: 'deduplicate' },
        { id: 'out', kind: 'sink', connector: { type: 'collect', maxRows: 1_000_000 } },
        { id: 'tops', kind: 'sink', connector: { type: 'collect', maxRows: 1_000_000 } },
      ],
      edges: [
        { from: 'imps', to: 'impsByAd' },
        { from: 'impsByAd', to: 'w' },
        { from: 'w', to: 'byWindow' },
        { from: 'byWindow', to: 't' },
        { from: 't', to: 'tops' },
        { from: 't', to: 'byAd' },
        { from: 'byAd', to: 'd' },
        { from: 'd', to: 'out' },
      ],
    };
    const L = rowsOf(spec, 'imps');
    const counts = new Map<string, Row>();
    for (const l of L) {
      const ws = Math.floor((l.ts as number) / 2000) * 2000;
      const k = `${l.ad}@${ws}`;
      const c = counts.get(k) ?? { ad: l.ad, window_start: ws, window_end: ws + 2000, n: 0 };
      c.n = (c.n as number) + 1;
      counts.set(k, c);
    }
    const tops: Row[] = [];
    for (const ws of new Set([...counts.values()].map((c) => c.window_start))) {
      const inWindow = [...counts.values()].filter((c) => c.window_start === ws);
      for (const c of inWindow) {
        const rk = 1 + inWindow.filter((o) => (o.n as number) > (c.n as number)).length;
        if (rk <= 2) tops.push({ ...c, rk });
      }
    }
    // First top row per ad: the earliest window (all rows of one window share its time; an ad is in a window once).
    const firsts = new Map<unknown, Row>();
    for (const t of [...tops].sort((a, b) => (a.window_start as number) - (b.window_start as number)))
      if (!firsts.has(t.ad)) firsts.set(t.ad, t);
    const job = Job.fromSpec(spec, { parallelism: p, writeConsole: () => {} });
    expect((await job.run()).status).toBe('finished');
    expectSameRows(job.collected('tops'), tops, 'topN');
    expectSameRows(job.collected('out'), [...firsts.values()], 'deduplicate');
  });
});

describe('exactly-once with a join and an over', () => {
  it.each([
    [
      'intervalJoin',
      { kind: 'intervalJoin', lowerBoundMs: -100, upperBoundMs: 250, type: 'full', fields: FIELDS },
    ],
    [
      'windowJoin',
      {
        kind: 'windowJoin',
        assigner: { type: 'sliding', sizeMs: 1000, slideMs: 500 },
        type: 'left',
        fields: FIELDS,
      },
    ],
    ['join', { kind: 'join', fields: FIELDS }],
  ])('%s: checkpoints every ms and a failure mid-run give the straight output', async (_name, join) => {
    const straight = await run(joinSpec(join), 2);
    const spec = joinSpec(join);
    spec.settings = {
      checkpointing: { intervalMs: 1 },
      restart: { strategy: 'fixed-delay', maxAttempts: 10, delayMs: 0 },
    };
    const events: JobEvent[] = [];
    const job = Job.fromSpec(spec, {
      parallelism: 2,
      batchSize: 16,
      sliceMs: 1,
      writeConsole: () => {},
      onEvent: (e) => events.push(e),
      // after a completed checkpoint, so that there is one to restore however slow the machine is (a busy CI
      // machine once got to the 1,000th row before the first checkpoint completed, and restarted from scratch)
      failures: [{ nodeId: 'j', afterRecords: 1000, afterCheckpoints: 1 }],
    });
    const r = await job.run();
    expect(r.status, r.error?.message).toBe('finished');
    expect(events.filter((e) => e.type === 'restarting')).toHaveLength(1);
    expect(events.some((e) => e.type === 'restored')).toBe(true);
    expectSameRows(job.collected('out'), straight.rows, 'after the failure');
  });
});
