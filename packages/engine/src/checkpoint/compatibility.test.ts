/**
 * The restore compatibility rules, one case each, with the exact report: a checkpoint taken by a real run of a
 * small ticker job, restored into edited versions of its spec.
 */
import { type JobSpecInput, validateSpec } from '@flowstate/spec';
import { beforeAll, describe, expect, it } from 'vitest';
import { Job } from '../runtime/job';
import { checkRestoreCompatibility } from './compatibility';
import { createMemoryCheckpointStorage } from './storage/index';
import type { CheckpointMetadata } from './storage/types';

type Node = JobSpecInput['nodes'][number];

const trades: Node = {
  id: 'trades',
  kind: 'source',
  connector: {
    type: 'datagen',
    count: 200,
    seed: 1,
    fields: {
      ts: { kind: 'timestamp', startMs: 0, stepMs: 10 },
      symbol: { kind: 'choice', values: ['A', 'B', 'C'] },
      price: { kind: 'random', min: 1, max: 10 },
      volume: { kind: 'random', min: 1, max: 5 },
    },
  },
  schema: { ts: 'timestamp', symbol: 'string', price: 'float', volume: 'int' },
  watermark: { timestampField: 'ts' },
};

/** trades → cheap (filter) → bySymbol → stats (rolling) → out (collect); bySymbol → perSecond (window) → log. */
function ticker(edit: (nodes: Node[]) => Node[] = (n) => n, settings: JobSpecInput['settings'] = {}) {
  const nodes: Node[] = edit([
    trades,
    { id: 'cheap', kind: 'filter', where: 'price < 8' },
    { id: 'bySymbol', kind: 'keyBy', key: ['symbol'] },
    { id: 'stats', kind: 'aggregate', aggregates: { trades: 'COUNT(*)', high: 'MAX(price)' } },
    {
      id: 'perSecond',
      kind: 'window',
      assigner: { type: 'tumbling', sizeMs: 1000 },
      aggregates: { volume: 'SUM(volume)' },
    },
    { id: 'out', kind: 'sink', connector: { type: 'collect' } },
    { id: 'log', kind: 'sink', connector: { type: 'blackhole' } },
  ]);
  const ids = new Set(nodes.map((n) => n.id));
  const edges = [
    ['trades', 'cheap'],
    ['cheap', 'bySymbol'],
    ['bySymbol', 'stats'],
    ['bySymbol', 'perSecond'],
    ['stats', 'out'],
    ['perSecond', 'log'],
  ]
    .filter(([a, b]) => ids.has(a!) && ids.has(b!))
    .map(([from, to]) => ({ from: from!, to: to! }));
  return { specVersion: 1 as const, name: 'ticker', settings, nodes, edges };
}

const replace = (id: string, node: Node) => (nodes: Node[]) => nodes.map((n) => (n.id === id ? node : n));

function analysis(spec: unknown) {
  const r = validateSpec(spec);
  if (!r.ok) throw new Error(r.problems.map((p) => p.message).join('; '));
  return r.analysis;
}

let checkpoint: CheckpointMetadata;

beforeAll(async () => {
  const storage = createMemoryCheckpointStorage();
  const job = Job.fromSpec(ticker(), { checkpointStorage: storage, writeConsole: () => {} });
  expect((await job.run()).status).toBe('finished');
  const listed = await storage.list('ticker');
  checkpoint = listed[0]!.metadata!;
  expect(checkpoint.checkpointId).toBe(1);
});

const RESTORED = {
  trades: {
    nodeId: 'trades',
    kind: 'source',
    previousKind: 'source',
    status: 'restored',
    action: 'restore',
    checkpointHasState: true,
    reason: 'state restored: reading resumes at the positions in the checkpoint',
    changes: [],
  },
  cheap: {
    nodeId: 'cheap',
    kind: 'filter',
    previousKind: 'filter',
    status: 'stateless',
    action: 'none',
    checkpointHasState: false,
    reason: 'keeps no state',
    changes: [],
  },
  bySymbol: {
    nodeId: 'bySymbol',
    kind: 'keyBy',
    previousKind: 'keyBy',
    status: 'stateless',
    action: 'none',
    checkpointHasState: false,
    reason: 'keeps no state',
    changes: [],
  },
  stats: {
    nodeId: 'stats',
    kind: 'aggregate',
    previousKind: 'aggregate',
    status: 'restored',
    action: 'restore',
    checkpointHasState: true,
    reason: 'keyed state restored (matched by node id)',
    changes: [],
  },
  perSecond: {
    nodeId: 'perSecond',
    kind: 'window',
    previousKind: 'window',
    status: 'restored',
    action: 'restore',
    checkpointHasState: true,
    reason: 'keyed state restored (matched by node id)',
    changes: [],
  },
  out: {
    nodeId: 'out',
    kind: 'sink',
    previousKind: 'sink',
    status: 'restored',
    action: 'restore',
    checkpointHasState: true,
    reason: 'state restored (matched by node id)',
    changes: [],
  },
  log: {
    nodeId: 'log',
    kind: 'sink',
    previousKind: 'sink',
    status: 'stateless',
    action: 'none',
    checkpointHasState: false,
    reason: 'keeps no state',
    changes: [],
  },
} as const;

const all = Object.values(RESTORED);
const statusOf = (r: ReturnType<typeof checkRestoreCompatibility>) =>
  Object.fromEntries(r.nodes.map((n) => [n.nodeId, `${n.status}/${n.action}`]));

describe('checkRestoreCompatibility', () => {
  it('the same spec: every node with state restores it, the others keep none', () => {
    expect(checkRestoreCompatibility(analysis(ticker()), checkpoint)).toEqual({
      checkpointId: 1,
      checkpointKind: 'checkpoint',
      allowNonRestoredState: false,
      compatible: true,
      ok: true,
      nodes: all,
      problems: [],
      summary: 'checkpoint 1: 4 nodes restore their state',
    });
  });

  it('a new node with state starts empty (Flink: "it will be initialized without any state")', () => {
    const spec = ticker((nodes) => [
      ...nodes,
      { id: 'volumes', kind: 'aggregate', aggregates: { total: 'SUM(volume)' } },
      { id: 'drop', kind: 'sink', connector: { type: 'blackhole' } },
    ]);
    spec.edges.push({ from: 'bySymbol', to: 'volumes' }, { from: 'volumes', to: 'drop' });
    const r = checkRestoreCompatibility(analysis(spec), checkpoint);
    expect(r.nodes.at(-1)).toMatchObject({ nodeId: 'drop', status: 'stateless', action: 'none' });
    expect(r.nodes.at(-2)).toEqual({
      nodeId: 'volumes',
      kind: 'aggregate',
      previousKind: null,
      status: 'new',
      action: 'start-empty',
      checkpointHasState: false,
      reason: 'a new node: it starts with empty state',
      changes: [],
    });
    expect(r.nodes.slice(0, -2)).toEqual(all);
    expect([r.compatible, r.ok]).toEqual([true, true]);
    expect(r.summary).toBe('checkpoint 1: 4 nodes restore their state, 1 node starts empty');
  });

  it('a removed node with state is refused; allowNonRestoredState drops it; a removed stateless node is fine', () => {
    const spec = ticker((nodes) => nodes.filter((n) => n.id !== 'stats' && n.id !== 'out'));
    const refused = checkRestoreCompatibility(analysis(spec), checkpoint);
    expect(refused.nodes.slice(-2)).toEqual([
      {
        nodeId: 'stats',
        kind: null,
        previousKind: 'aggregate',
        status: 'removed',
        action: 'refuse',
        checkpointHasState: true,
        reason:
          'the new spec has no node with this id, so its state cannot be restored: refused — allow non-restored state to drop it',
        changes: [],
      },
      {
        nodeId: 'out',
        kind: null,
        previousKind: 'sink',
        status: 'removed',
        action: 'refuse',
        checkpointHasState: true,
        reason:
          'the new spec has no node with this id, so its state cannot be restored: refused — allow non-restored state to drop it',
        changes: [],
      },
    ]);
    expect([refused.compatible, refused.ok]).toEqual([false, false]);
    expect(refused.summary).toBe(
      "checkpoint 1 cannot be restored as it is: the state of 'stats' (removed), 'out' (removed) has no compatible node in the new spec — allow non-restored state to drop it (2 nodes restore their state)",
    );

    const dropped = checkRestoreCompatibility(analysis(spec), checkpoint, { allowNonRestoredState: true });
    expect(statusOf(dropped)).toEqual({
      trades: 'restored/restore',
      cheap: 'stateless/none',
      bySymbol: 'stateless/none',
      perSecond: 'restored/restore',
      log: 'stateless/none',
      stats: 'removed/drop',
      out: 'removed/drop',
    });
    expect(dropped.nodes.find((n) => n.nodeId === 'stats')!.reason).toBe(
      'the new spec has no node with this id: its state is dropped (allowNonRestoredState)',
    );
    expect([dropped.compatible, dropped.ok, dropped.allowNonRestoredState]).toEqual([false, true, true]);
    expect(dropped.summary).toBe(
      "checkpoint 1: 2 nodes restore their state; the state of 'stats' (removed), 'out' (removed) is dropped (allowNonRestoredState)",
    );

    const withoutFilter = ticker((nodes) => nodes.filter((n) => n.id !== 'cheap'));
    withoutFilter.edges.push({ from: 'trades', to: 'bySymbol' });
    const fine = checkRestoreCompatibility(analysis(withoutFilter), checkpoint);
    expect(fine.nodes.at(-1)).toEqual({
      nodeId: 'cheap',
      kind: null,
      previousKind: 'filter',
      status: 'removed',
      action: 'none',
      checkpointHasState: false,
      reason: 'removed; it kept no state',
      changes: [],
    });
    expect([fine.compatible, fine.ok]).toEqual([true, true]);
  });

  it('changed aggregates make a rolling aggregate incompatible', () => {
    const spec = ticker(
      replace('stats', {
        id: 'stats',
        kind: 'aggregate',
        aggregates: { trades: 'COUNT(*)', high: 'MIN(price)' },
      }),
    );
    const r = checkRestoreCompatibility(analysis(spec), checkpoint);
    expect(r.nodes[3]).toEqual({
      nodeId: 'stats',
      kind: 'aggregate',
      previousKind: 'aggregate',
      status: 'incompatible',
      action: 'refuse',
      checkpointHasState: true,
      reason:
        'its state layout changed (aggregates): refused — allow non-restored state to drop it and start the node empty',
      changes: ['aggregates: trades = COUNT(*), high = MAX(price) → trades = COUNT(*), high = MIN(price)'],
    });
    expect([r.compatible, r.ok]).toEqual([false, false]);
    const allowed = checkRestoreCompatibility(analysis(spec), checkpoint, { allowNonRestoredState: true });
    expect(allowed.nodes[3]!.action).toBe('drop');
    expect(allowed.nodes[3]!.reason).toBe(
      'its state layout changed (aggregates): its state is dropped (allowNonRestoredState) and it starts empty',
    );
    expect(allowed.summary).toBe(
      "checkpoint 1: 3 nodes restore their state; the state of 'stats' (incompatible) is dropped (allowNonRestoredState)",
    );
  });

  it('an aggregate added to the list, renamed, or whose result type changed is a layout change; spacing and case are not', () => {
    const added = ticker(
      replace('stats', {
        id: 'stats',
        kind: 'aggregate',
        aggregates: { trades: 'COUNT(*)', high: 'MAX(price)', total: 'SUM(volume)' },
      }),
    );
    expect(checkRestoreCompatibility(analysis(added), checkpoint).nodes[3]!.changes).toEqual([
      'aggregates: trades = COUNT(*), high = MAX(price) → trades = COUNT(*), high = MAX(price), total = SUM(volume)',
      'aggregate types: trades int, high float → trades int, high float, total int',
    ]);
    const renamed = ticker(
      replace('stats', { id: 'stats', kind: 'aggregate', aggregates: { n: 'COUNT(*)', high: 'MAX(price)' } }),
    );
    expect(checkRestoreCompatibility(analysis(renamed), checkpoint).nodes[3]!.changes).toEqual([
      'aggregates: trades = COUNT(*), high = MAX(price) → n = COUNT(*), high = MAX(price)',
      'aggregate types: trades int, high float → n int, high float',
    ]);
    const respaced = ticker(
      replace('stats', {
        id: 'stats',
        kind: 'aggregate',
        aggregates: { trades: 'count( * )', high: 'max(  price )' },
      }),
    );
    expect(checkRestoreCompatibility(analysis(respaced), checkpoint).nodes[3]).toEqual(RESTORED.stats);
  });

  it('another key makes keyed state incompatible', () => {
    const spec = ticker(replace('bySymbol', { id: 'bySymbol', kind: 'keyBy', key: ['price'] }));
    const r = checkRestoreCompatibility(analysis(spec), checkpoint);
    expect(r.nodes[3]!.changes).toEqual(['key: symbol string → price float']);
    expect(r.nodes[4]!.changes).toEqual(['key: symbol string → price float']);
    expect(statusOf(r)).toMatchObject({ stats: 'incompatible/refuse', perSecond: 'incompatible/refuse' });
  });

  it('a window: another assigner or time domain is incompatible; allowed lateness and parallelism are not', () => {
    const window = (w: Partial<Extract<Node, { kind: 'window' }>>) =>
      ticker(
        replace('perSecond', {
          id: 'perSecond',
          kind: 'window',
          assigner: { type: 'tumbling', sizeMs: 1000 },
          aggregates: { volume: 'SUM(volume)' },
          ...w,
        }),
      );
    expect(
      checkRestoreCompatibility(
        analysis(window({ assigner: { type: 'sliding', sizeMs: 1000, slideMs: 500 } })),
        checkpoint,
      ).nodes[4]!.changes,
    ).toEqual(['window: tumbling 1000 ms → sliding 1000 ms every 500 ms']);
    expect(
      checkRestoreCompatibility(analysis(window({ assigner: { type: 'session', gapMs: 300 } })), checkpoint)
        .nodes[4]!.changes,
    ).toEqual(['window: tumbling 1000 ms → session, gap 300 ms']);
    expect(
      checkRestoreCompatibility(analysis(window({ time: 'processing' })), checkpoint).nodes[4]!.changes,
    ).toEqual(['time: event time → processing time']);
    expect(
      checkRestoreCompatibility(analysis(window({ allowedLatenessMs: 5000, parallelism: 4 })), checkpoint)
        .nodes[4],
    ).toEqual(RESTORED.perSecond);
  });

  it('a node of another kind under the same id is incompatible; one whose old kind kept no state starts empty', () => {
    const spec = ticker(
      replace('stats', {
        id: 'stats',
        kind: 'window',
        assigner: { type: 'tumbling', sizeMs: 1000 },
        aggregates: { trades: 'COUNT(*)', high: 'MAX(price)' },
      }),
    );
    expect(checkRestoreCompatibility(analysis(spec), checkpoint).nodes[3]).toMatchObject({
      status: 'incompatible',
      action: 'refuse',
      previousKind: 'aggregate',
      kind: 'window',
      changes: ['kind: aggregate → window'],
    });
    const sinkToWindow = ticker((nodes) =>
      nodes.map((n) =>
        n.id === 'log'
          ? { id: 'log', kind: 'sink', connector: { type: 'collect' } }
          : n.id === 'cheap'
            ? { id: 'cheap', kind: 'filter', where: 'price < 9' }
            : n,
      ),
    );
    expect(checkRestoreCompatibility(analysis(sinkToWindow), checkpoint).nodes[6]).toEqual({
      nodeId: 'log',
      kind: 'sink',
      previousKind: 'sink',
      status: 'new',
      action: 'start-empty',
      checkpointHasState: false,
      reason: 'the checkpoint holds no state for it (it was a sink without state): it starts empty',
      changes: [],
    });
  });

  it('a source whose connector changed so its positions mean nothing is incompatible; a new seed is not', () => {
    const file = ticker(
      replace('trades', {
        ...trades,
        connector: { type: 'file', path: 'trades.csv', format: 'csv' },
      } as Node),
    );
    expect(checkRestoreCompatibility(analysis(file), checkpoint).nodes[0]).toEqual({
      nodeId: 'trades',
      kind: 'source',
      previousKind: 'source',
      status: 'incompatible',
      action: 'refuse',
      checkpointHasState: true,
      reason:
        'its state layout changed (connector): refused — allow non-restored state to drop it and start the node empty',
      changes: ['connector: datagen → file trades.csv (csv)'],
    });
    const reseeded = ticker(
      replace('trades', {
        ...trades,
        connector: { ...(trades as { connector: object }).connector, seed: 99, count: 500 },
      } as Node),
    );
    expect(checkRestoreCompatibility(analysis(reseeded), checkpoint).nodes[0]).toEqual(RESTORED.trades);
  });

  it('a sink that no longer collects cannot take the collect sink’s state', () => {
    const spec = ticker(replace('out', { id: 'out', kind: 'sink', connector: { type: 'console' } }));
    expect(checkRestoreCompatibility(analysis(spec), checkpoint).nodes[5]).toMatchObject({
      status: 'incompatible',
      action: 'refuse',
      changes: ['connector: collect → console'],
    });
  });

  it('another maxParallelism cannot be restored, whatever the flag; another parallelism can', () => {
    const r = checkRestoreCompatibility(analysis(ticker(undefined, { maxParallelism: 256 })), checkpoint, {
      allowNonRestoredState: true,
    });
    expect(r.problems).toEqual([
      {
        code: 'max-parallelism-changed',
        message:
          'the checkpoint was taken with maxParallelism 128 and the spec has 256: keyed state is spread over that many key groups, so maxParallelism must stay the same (parallelism may change)',
      },
    ]);
    expect([r.compatible, r.ok]).toEqual([true, false]);
    expect(r.summary).toBe(
      'checkpoint 1 cannot be restored: the checkpoint was taken with maxParallelism 128 and the spec has 256: keyed state is spread over that many key groups, so maxParallelism must stay the same (parallelism may change)',
    );
    const rescaled = checkRestoreCompatibility(analysis(ticker(undefined, { parallelism: 3 })), checkpoint);
    expect([rescaled.ok, rescaled.nodes]).toEqual([true, all]);
  });

  it('a checkpoint without its spec is matched by node id alone', () => {
    const { spec: _spec, ...bare } = checkpoint;
    const r = checkRestoreCompatibility(analysis(ticker()), bare);
    expect(r.nodes[3]).toEqual({
      ...RESTORED.stats,
      previousKind: null,
      reason:
        'keyed state restored (matched by node id; the checkpoint carries no spec, so its layout was not checked)',
    });
    expect(r.nodes[1]).toEqual({ ...RESTORED.cheap, previousKind: null });
    expect(r.ok).toBe(true);
  });
});

describe('checkRestoreCompatibility: a join', () => {
  const side = (id: string, key: string, extra: Record<string, string> = {}): Node[] => [
    {
      id,
      kind: 'source',
      connector: {
        type: 'datagen',
        count: 100,
        seed: id.length,
        fields: {
          ts: { kind: 'timestamp', startMs: 0, stepMs: 10 },
          [key]: { kind: 'random', min: 1, max: 5 },
        },
      },
      schema: { ts: 'timestamp', [key]: 'int' },
      watermark: { timestampField: 'ts' },
    },
    ...(Object.keys(extra).length > 0
      ? [{ id: `${id}Plus`, kind: 'map' as const, fields: extra } as Node]
      : []),
    { id: `${id}By`, kind: 'keyBy', key: [key] },
  ];
  const joinSpec = (o: { upperBoundMs?: number; rightExtra?: Record<string, string> } = {}) => {
    const rightPlus = o.rightExtra !== undefined;
    return {
      specVersion: 1 as const,
      name: 'join',
      nodes: [
        ...side('imps', 'ad'),
        ...side('clicks', 'adId', o.rightExtra),
        {
          id: 'j',
          kind: 'intervalJoin',
          lowerBoundMs: 0,
          upperBoundMs: o.upperBoundMs ?? 100,
          fields: { ad: 'l.ad', lts: 'l.ts', rts: 'r.ts' },
        } as Node,
        { id: 'out', kind: 'sink', connector: { type: 'blackhole' } } as Node,
      ],
      edges: [
        { from: 'imps', to: 'impsBy' },
        ...(rightPlus
          ? [
              { from: 'clicks', to: 'clicksPlus' },
              { from: 'clicksPlus', to: 'clicksBy' },
            ]
          : [{ from: 'clicks', to: 'clicksBy' }]),
        { from: 'impsBy', to: 'j', input: 'left' as const },
        { from: 'clicksBy', to: 'j', input: 'right' as const },
        { from: 'j', to: 'out' },
      ],
    };
  };
  let joinCheckpoint: CheckpointMetadata;

  beforeAll(async () => {
    const storage = createMemoryCheckpointStorage();
    const job = Job.fromSpec(joinSpec(), { checkpointStorage: storage, writeConsole: () => {} });
    expect((await job.run()).status).toBe('finished');
    joinCheckpoint = (await storage.list('join'))[0]!.metadata!;
  });

  it('its buffers restore into the same spec and across other bounds; another right-side row schema is refused', () => {
    const same = checkRestoreCompatibility(analysis(joinSpec()), joinCheckpoint);
    expect(same.nodes.find((n) => n.nodeId === 'j')).toMatchObject({ status: 'restored', action: 'restore' });
    expect(same.ok).toBe(true);
    const wider = checkRestoreCompatibility(analysis(joinSpec({ upperBoundMs: 500 })), joinCheckpoint);
    expect(wider.nodes.find((n) => n.nodeId === 'j')).toMatchObject({
      status: 'restored',
      action: 'restore',
    });
    const widerRows = checkRestoreCompatibility(
      analysis(joinSpec({ rightExtra: { ts: 'ts', adId: 'adId', score: 'adId * 2' } })),
      joinCheckpoint,
    );
    const j = widerRows.nodes.find((n) => n.nodeId === 'j')!;
    expect([j.status, j.action, widerRows.ok]).toEqual(['incompatible', 'refuse', false]);
    expect(j.changes).toEqual(['right rows: ts timestamp, adId int → ts timestamp, adId int, score int']);
  });
});
