/**
 * The join and keyed-operator kinds in the editor: the two input handles and the spec edge's `input`, the
 * Nexmark join examples through spec ⇄ canvas, the form of every new kind, its field-level problems and
 * its summary on the canvas.
 */
import { validateSpec } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { checkConnection, connectionToEdge } from './connections';
import { edgeToSpec, graphToSpec, specToGraph } from './convert';
import {
  explicitJoinFields,
  formFieldProblems,
  joinConditionText,
  joinExpressionFields,
  joinSideText,
  nodeForm,
  nodeSummary,
  partitionText,
  readField,
  upstreamKeyBy,
  writeField,
} from './inspector';
import { createNode } from './palette';
import { createEditorStore } from './store';
import { graphOf, loadExamples, n, specOf, wiredSpec } from './test-support';
import { type FlowGraph, type FlowNode, handlesOf, nodeToSpec } from './types';

const examples = loadExamples();
const example = (name: string) => examples.find((e) => e.name === name)!;

/** Two keyed sources and an interval join with nothing connected to it yet. */
const unwired = (): FlowGraph =>
  graphOf(
    [
      n.events('a'),
      n.events('b'),
      n.events('c'),
      n.keyBy('ka', 'user'),
      n.keyBy('kb', 'user'),
      n.keyBy('kc', 'user'),
      n.intervalJoin('j'),
      n.map('m', { user: 'user' }),
      n.sink(),
    ],
    ['a>ka', 'b>kb', 'c>kc', 'j>out'],
  );

const node = (graph: FlowGraph, id: string): FlowNode => graph.nodes.find((x) => x.id === id)!;
const keys = (x: FlowNode) => nodeForm(x).flatMap((s) => s.fields.map((f) => f.key));
const field = (x: FlowNode, key: string) =>
  nodeForm(x)
    .flatMap((s) => s.fields)
    .find((f) => f.key === key)!;

describe('two inputs: handles and the edge’s input', () => {
  it('gives the join kinds a left and a right handle, every other kind one input', () => {
    for (const kind of ['intervalJoin', 'windowJoin', 'temporalJoin', 'join'] as const) {
      expect(handlesOf(kind)).toEqual({ inputs: ['left', 'right'], outputs: ['main'] });
    }
    for (const kind of ['over', 'topN', 'deduplicate', 'map'] as const) {
      expect(handlesOf(kind)).toEqual({ inputs: ['in'], outputs: ['main'] });
    }
  });

  it('makes an edge into the handle it was dropped on, and writes it as the spec’s input', () => {
    const graph = unwired();
    const c = { source: 'kb', target: 'j', sourceHandle: 'main', targetHandle: 'right' };
    expect(checkConnection(graph, c)).toEqual({ ok: true });
    const edge = connectionToEdge(c, graph);
    expect(edge).toEqual({
      id: 'kb->j:right',
      source: 'kb',
      target: 'j',
      sourceHandle: 'main',
      targetHandle: 'right',
    });
    expect(edgeToSpec(edge)).toEqual({ from: 'kb', to: 'j', input: 'right' });
    expect(
      edgeToSpec(connectionToEdge({ source: 'a', target: 'ka', sourceHandle: null, targetHandle: 'in' })),
    ).toEqual({ from: 'a', to: 'ka' });
  });

  it('takes the free side when none is named, and refuses a third input', () => {
    const store = createEditorStore(graphToSpec(unwired()));
    const s = () => store.getState();
    expect(s().connect({ source: 'ka', target: 'j', sourceHandle: null, targetHandle: null })).toEqual({
      ok: true,
      edgeId: 'ka->j:left',
    });
    expect(s().connect({ source: 'kb', target: 'j', sourceHandle: null, targetHandle: null })).toEqual({
      ok: true,
      edgeId: 'kb->j:right',
    });
    expect(s().connect({ source: 'kc', target: 'j', sourceHandle: null, targetHandle: null })).toEqual({
      ok: false,
      code: 'missing-join-side',
      reason:
        "intervalJoin 'j' already has a left and a right input: a join side reads one stream; to join several on one side, connect them all into the keyBy before it (a union)",
    });
    expect(s().connect({ source: 'kc', target: 'j', sourceHandle: 'main', targetHandle: 'left' })).toEqual({
      ok: false,
      code: 'join-side-taken',
      reason:
        "the left input of intervalJoin 'j' already takes 'ka': a join side reads one stream; to join several on one side, connect them all into the keyBy before it (a union)",
    });
    expect(s().connect({ source: 'ka', target: 'j', sourceHandle: 'main', targetHandle: 'left' })).toEqual({
      ok: false,
      code: 'join-side-taken',
      reason: "'ka' is already the left input of intervalJoin 'j'",
    });
    expect(
      s()
        .toSpec()
        .edges!.filter((e) => e.to === 'j'),
    ).toEqual([
      { from: 'ka', to: 'j', input: 'left' },
      { from: 'kb', to: 'j', input: 'right' },
    ]);
    const codes = validateSpec(s().toSpec()).problems.map((p) => p.code);
    expect(codes.filter((c) => ['missing-join-side', 'invalid-input', 'not-keyed'].includes(c))).toEqual([]);
  });

  it('refuses a side into a node with one input, and an unkeyed stream into a join side', () => {
    const graph = unwired();
    expect(
      checkConnection(graph, { source: 'a', target: 'm', sourceHandle: null, targetHandle: 'left' }),
    ).toEqual({
      ok: false,
      code: 'invalid-input',
      reason: "only a join has a 'left' input, and map 'm' is not a join: connect to its input",
    });
    expect(
      checkConnection(graph, { source: 'a', target: 'j', sourceHandle: null, targetHandle: 'left' }),
    ).toEqual({
      ok: false,
      code: 'not-keyed',
      reason:
        "intervalJoin 'j' needs a keyed stream on its left input: add a keyBy before it (only filters may stand between the keyBy and the join)",
    });
  });

  it('keeps the side when a node is renamed', () => {
    const store = createEditorStore(example('nexmark-q3').spec);
    store.getState().renameNode('bySeller', 'sellerKey');
    expect(
      store
        .getState()
        .toSpec()
        .edges!.filter((e) => e.to === 'sellers'),
    ).toEqual([
      { from: 'sellerKey', to: 'sellers', input: 'left' },
      { from: 'byPerson', to: 'sellers', input: 'right' },
    ]);
  });
});

describe('the Nexmark join examples on the canvas', () => {
  const inputs = {
    'nexmark-q3': { join: 'sellers', left: 'bySeller', right: 'byPerson' },
    'nexmark-q7': { join: 'highest', left: 'byPrice', right: 'byMaxPrice' },
    'nexmark-q8': { join: 'newSellers', left: 'byId', right: 'bySeller' },
  } as const;

  it.each(['nexmark-q3', 'nexmark-q5', 'nexmark-q7', 'nexmark-q8'])(
    '%s: spec → canvas → spec gives the file back, edge inputs included',
    (name) => {
      const { spec, text } = example(name);
      const graph = specToGraph(spec);
      expect(JSON.stringify(graphToSpec(graph))).toBe(JSON.stringify(JSON.parse(text)));
      expect(graphToSpec(specToGraph(graphToSpec(graph)))).toEqual(spec);
    },
  );

  it.each(Object.entries(inputs))(
    '%s: its join gets its two inputs on the left and right handles',
    (name, x) => {
      const graph = specToGraph(example(name).spec);
      expect(
        graph.edges.filter((e) => e.target === x.join).map((e) => [e.id, e.source, e.targetHandle]),
      ).toEqual([
        [`${x.left}->${x.join}:left`, x.left, 'left'],
        [`${x.right}->${x.join}:right`, x.right, 'right'],
      ]);
      expect(upstreamKeyBy(graph, x.join, 'left')?.id).toBe(x.left);
      expect(upstreamKeyBy(graph, x.join, 'right')?.id).toBe(x.right);
    },
  );

  it('describes q3’s regular join and q5’s Top-N and q8’s deduplicate', () => {
    const q3 = specToGraph(example('nexmark-q3').spec);
    expect(nodeSummary(node(q3, 'sellers'), q3)).toBe('join on seller = id, rows kept forever');
    expect(joinSideText(q3, 'sellers', 'left')).toBe("from 'bySeller' · keyed by seller");
    expect(joinSideText(q3, 'sellers', 'right')).toBe("from 'byPerson' · keyed by id");
    expect(joinConditionText(q3, 'sellers')).toBe('l.seller = r.id');
    const q5 = specToGraph(example('nexmark-q5').spec);
    expect(nodeSummary(node(q5, 'hottest'), q5)).toBe('top 1 by num desc (rank)');
    expect(partitionText(q5, 'hottest')).toBe('window_start, window_end');
    const q7 = specToGraph(example('nexmark-q7').spec);
    expect(nodeSummary(node(q7, 'highest'), q7)).toBe('window join on price = maxprice, tumbling 10 s');
    const q8 = specToGraph(example('nexmark-q8').spec);
    expect(nodeSummary(node(q8, 'newSellers'), q8)).toBe('window join on id = seller, tumbling 10 s');
  });
});

describe('forms of the new kinds', () => {
  const fresh = (item: string) => createNode(item, { x: 0, y: 0 }, []);

  it('shows every field the spec defines for each kind', () => {
    const general = ['id', 'name', 'parallelism'];
    const sides = ['$left', '$right', '$joinKey'];
    expect(keys(fresh('intervalJoin'))).toEqual([
      ...general,
      ...sides,
      'lowerBoundMs',
      'upperBoundMs',
      'type',
      'fields',
    ]);
    expect(keys(fresh('windowJoin'))).toEqual([
      ...general,
      ...sides,
      'assigner.type',
      'assigner.sizeMs',
      'assigner.offsetMs',
      'type',
      'fields',
    ]);
    expect(keys(fresh('temporalJoin'))).toEqual([...general, ...sides, 'type', 'fields']);
    expect(keys(fresh('join'))).toEqual([...general, ...sides, 'type', 'stateTtlMs', 'fields']);
    expect(keys(fresh('over'))).toEqual([...general, '$partition', '$frame', 'precedingMs', 'aggregates']);
    expect(keys(fresh('topN'))).toEqual([...general, '$partition', 'n', 'orderBy', 'function', 'rankField']);
    expect(keys(fresh('deduplicate'))).toEqual([...general, '$partition', 'keep', 'stateTtlMs']);
  });

  it('names a temporal join’s sides as the probe side and the versioned table', () => {
    const x = fresh('temporalJoin');
    expect([field(x, '$left').label, field(x, '$right').label]).toEqual([
      'Probe side (left)',
      'Versioned table (right)',
    ]);
    expect(field(x, 'type').options?.map((o) => o.value)).toEqual(['inner', 'left']);
    expect(field(fresh('intervalJoin'), 'type').options?.map((o) => [o.value, o.label])).toEqual([
      ['inner', 'Inner'],
      ['left', 'Left outer'],
      ['right', 'Right outer'],
      ['full', 'Full outer'],
    ]);
    expect(field(fresh('join'), 'type').options?.map((o) => o.value)).toEqual(['inner']);
    expect(field(fresh('deduplicate'), 'keep').options?.map((o) => o.value)).toEqual(['first']);
    expect(field(fresh('topN'), 'function').options?.map((o) => o.value)).toEqual([
      'row_number',
      'rank',
      'dense_rank',
    ]);
  });

  it('switches an OVER’s frame between RANGE and ROWS, keeping one bound', () => {
    const over = fresh('over');
    expect(readField(over, ['$frame'])).toBe('range');
    const rows = { ...over, data: writeField(over, ['$frame'], 'rows') } as FlowNode;
    expect(rows.data).toEqual({ aggregates: { running_total: 'SUM(amount)' }, precedingRows: 10 });
    expect(readField(rows, ['$frame'])).toBe('rows');
    expect(keys(rows)).toContain('precedingRows');
    expect(keys(rows)).not.toContain('precedingMs');
    const back = { ...rows, data: writeField(rows, ['$frame'], 'range') } as FlowNode;
    expect(back.data).toEqual({ aggregates: { running_total: 'SUM(amount)' }, precedingMs: 60_000 });
    expect(validateSpec(wiredSpec(nodeToSpec(rows))).ok).toBe(true);
  });

  it('switches a window join between tumbling and sliding, keeping the size', () => {
    const wj = fresh('windowJoin');
    const sliding = { ...wj, data: writeField(wj, ['assigner', 'type'], 'sliding') } as FlowNode;
    expect((sliding.data as { assigner: unknown }).assigner).toEqual({
      type: 'sliding',
      sizeMs: 10_000,
      slideMs: 2_000,
    });
    expect(keys(sliding)).toContain('assigner.slideMs');
    expect(validateSpec(wiredSpec(nodeToSpec(sliding))).ok).toBe(true);
    expect(nodeSummary(sliding)).toBe('window join, sliding 10 s every 2 s');
  });

  it('every new kind’s default, wired in, is a valid spec, and summarizes itself', () => {
    const summaries: Record<string, string> = {};
    for (const item of [
      'intervalJoin',
      'windowJoin',
      'temporalJoin',
      'join',
      'over',
      'topN',
      'deduplicate',
    ]) {
      const spec = wiredSpec({ ...nodeToSpec(fresh(item)), id: 'x' });
      expect(validateSpec(spec).problems.filter((p) => !p.code.startsWith('warning/'))).toEqual([]);
      const graph = specToGraph(spec);
      summaries[item] = nodeSummary(node(graph, 'x'), graph);
    }
    expect(summaries).toEqual({
      intervalJoin: 'interval join on category, −5 s … +5 s',
      windowJoin: 'window join on category, tumbling 10 s',
      temporalJoin: 'temporal join on category, as of the left row’s time',
      join: 'join on category, TTL 1 h',
      over: 'over range 1 min preceding · running_total',
      topN: 'top 3 by count desc',
      deduplicate: 'first row per key',
    });
  });

  it('writes out the default output of a join to edit, qualifying a name on both sides', () => {
    const graph = specToGraph(wiredSpec({ ...nodeToSpec(fresh('join')), id: 'x' }));
    expect(explicitJoinFields(graph, 'x')).toEqual({
      id: 'l.id',
      category: 'l.category',
      amount: 'l.amount',
      ts: 'l.ts',
      r_id: 'r.id',
      r_category: 'r.category',
      r_amount: 'r.amount',
      r_ts: 'r.ts',
    });
    expect(joinExpressionFields(graph, 'x').map((f) => f.name)).toEqual([
      'l.id',
      'l.category',
      'l.amount',
      'l.ts',
      'r.id',
      'r.category',
      'r.amount',
      'r.ts',
    ]);
  });
});

describe('field-level problems of the new kinds', () => {
  const codesAt = (graph: FlowGraph, id: string, key: string) =>
    formFieldProblems(graph, id, field(node(graph, id), key)).map((p) => p.code);

  it('invalid-bounds under the lower bound', () => {
    const graph = graphOf(
      [
        n.events('a'),
        n.events('b'),
        n.keyBy('ka', 'user'),
        n.keyBy('kb', 'user'),
        n.intervalJoin('j', 10, -10),
        n.sink(),
      ],
      ['a>ka', 'b>kb', 'ka>j:left', 'kb>j:right', 'j>out'],
    );
    expect(codesAt(graph, 'j', 'lowerBoundMs')).toEqual(['invalid-bounds']);
    expect(codesAt(graph, 'j', 'upperBoundMs')).toEqual([]);
    expect(nodeSummary(node(graph, 'j'), graph)).toBe('interval join on user, +10 ms … −10 ms');
  });

  it('join-key-mismatch under the join condition, not-keyed and missing-join-side under their side', () => {
    const mismatch = graphOf(
      [
        n.events('a'),
        n.events('b'),
        n.keyBy('ka', 'user'),
        n.keyBy('kb', 'user', 'amount'),
        n.join('j'),
        n.sink(),
      ],
      ['a>ka', 'b>kb', 'ka>j:left', 'kb>j:right', 'j>out'],
    );
    expect(codesAt(mismatch, 'j', '$joinKey')).toEqual(['join-key-mismatch']);
    expect(codesAt(mismatch, 'j', '$left')).toEqual([]);

    const unkeyed = graphOf(
      [n.events('a'), n.events('b'), n.keyBy('ka', 'user'), n.join('j'), n.sink()],
      ['a>ka', 'ka>j:left', 'b>j:right', 'j>out'],
    );
    expect(codesAt(unkeyed, 'j', '$left')).toEqual([]);
    expect(codesAt(unkeyed, 'j', '$right')).toEqual(['not-keyed']);

    const sideless = specToGraph(
      specOf(
        [n.events('a'), n.events('b'), n.keyBy('ka', 'user'), n.keyBy('kb', 'user'), n.join('j'), n.sink()],
        ['a>ka', 'b>kb', 'ka>j', 'kb>j:right', 'j>out'],
      ),
    );
    expect(codesAt(sideless, 'j', '$left')).toEqual(['missing-join-side']);
  });

  it('over-frame under the frame, topn-key under what a Top-N is partitioned by', () => {
    const over = graphOf(
      [
        n.events('a'),
        n.keyBy('k', 'user'),
        { id: 'o', kind: 'over', aggregates: { c: 'COUNT(*)' }, precedingMs: 1000, precedingRows: 2 },
        n.sink(),
      ],
      ['a>k', 'k>o', 'o>out'],
    );
    expect(codesAt(over, 'o', '$frame')).toEqual(['over-frame']);
    expect(keys(node(over, 'o'))).toEqual([
      'id',
      'name',
      'parallelism',
      '$partition',
      '$frame',
      'precedingMs',
      'precedingRows',
      'aggregates',
    ]);
    expect(nodeSummary(node(over, 'o'))).toBe('over two frames set · c');

    const topN = graphOf(
      [
        n.events('a'),
        n.keyBy('k', 'user'),
        { id: 't', kind: 'topN', n: 2, orderBy: [{ field: 'amount', direction: 'desc' }] },
        n.sink(),
      ],
      ['a>k', 'k>t', 't>out'],
    );
    expect(codesAt(topN, 't', '$partition')).toEqual(['topn-key']);
    expect(partitionText(topN, 't')).toBe('user');
    expect(codesAt(topN, 't', 'n')).toEqual([]);
  });
});
