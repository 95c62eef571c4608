import { describe, expect, it } from 'vitest';
import { fixtureNames, loadFixture } from '../test/fixtures';
import { NEXMARK_SCHEMAS } from './nexmark';
import type { SourceNode } from './schema';
import { type NodeInfo, problemsToText, type SpecAnalysis, sourceSchema, validateSpec } from './validate';

function analyse(input: unknown): SpecAnalysis {
  const result = validateSpec(input);
  if (!result.ok) throw new Error(`expected a valid spec:\n${problemsToText(result.problems)}`);
  expect(result.problems).toEqual([]);
  return result.analysis;
}

function info(analysis: SpecAnalysis, id: string): NodeInfo {
  const node = analysis.nodes.get(id);
  if (node === undefined) throw new Error(`no node ${id}`);
  return node;
}

/** Problems as `code path nodeId` strings, for compact assertions. */
function summary(input: unknown): string[] {
  return validateSpec(input).problems.map(
    (p) => `${p.code} ${p.path}${p.nodeId === undefined ? '' : ` ${p.nodeId}`}`,
  );
}

/** A spec as plain JSON, to break on purpose. */
type Obj = Record<string, unknown>;
interface LooseSpec {
  specVersion: number;
  name: string;
  settings?: Obj;
  nodes: Obj[];
  edges: Obj[];
  [key: string]: unknown;
}

const obj = (value: unknown): Obj => value as Obj;

/** The word-count spec of JOB-SPEC.md, as an object to modify. */
const wordCount = (): LooseSpec => loadFixture('valid', 'word-count') as LooseSpec;

/** source `src` (datagen, given schema) → … → sink `out`, built from a chain of nodes. */
function chain(schema: Record<string, string>, ...middle: Obj[]): LooseSpec {
  const fields = Object.fromEntries(Object.keys(schema).map((f) => [f, { kind: 'sequence' }]));
  const nodes = [
    { id: 'src', kind: 'source', connector: { type: 'datagen', count: 10, fields }, schema },
    ...middle,
    { id: 'out', kind: 'sink', connector: { type: 'collect' } },
  ];
  const edges: Obj[] = nodes.slice(1).map((n, i) => ({ from: nodes[i]!.id, to: n.id }));
  return { specVersion: 1, name: 'chain', nodes, edges };
}

describe('valid fixtures', () => {
  for (const name of fixtureNames('valid')) {
    it(`${name} is valid with no problems`, () => {
      const result = validateSpec(loadFixture('valid', name));
      expect(result.problems).toEqual([]);
      expect(result.ok).toBe(true);
    });
  }

  it('word-count: derives every schema, the key and the order', () => {
    const analysis = analyse(loadFixture('valid', 'word-count'));
    expect(analysis.order).toEqual(['lines', 'words', 'nonEmpty', 'byWord', 'counts', 'out']);
    const words = { line: 'string', word: 'string' };
    const expected: Record<string, [object | null, object, string[] | null]> = {
      lines: [null, { line: 'string' }, null],
      words: [{ line: 'string' }, words, null],
      nonEmpty: [words, words, null],
      byWord: [words, words, ['word']],
      counts: [words, { word: 'string', count: 'int' }, null],
      out: [{ word: 'string', count: 'int' }, { word: 'string', count: 'int' }, null],
    };
    for (const [id, [input, output, key]] of Object.entries(expected)) {
      const node = info(analysis, id);
      expect(node.inputSchema, id).toEqual(input);
      expect(node.outputSchema, id).toEqual(output);
      expect(Object.keys(node.outputSchema), `${id} field order`).toEqual(Object.keys(output));
      expect(node.keyFields, id).toEqual(key);
      expect(node.parallelism).toBe(1);
      expect(node.lateSchema).toBeUndefined();
    }
    const counts = info(analysis, 'counts');
    expect(counts.index).toBe(4);
    expect(counts.node.kind).toBe('aggregate');
    expect(counts.inputs).toEqual([{ from: 'byWord', to: 'counts' }]);
    expect(counts.outputs).toEqual([{ from: 'counts', to: 'out' }]);
    expect(info(analysis, 'lines').inputs).toEqual([]);
  });

  it('nexmark-hot-items: the key survives filters, windows add their bounds, the late port has the input schema', () => {
    const analysis = analyse(loadFixture('valid', 'nexmark-hot-items'));
    const bid = NEXMARK_SCHEMAS.bid;
    expect(info(analysis, 'bids').outputSchema).toEqual(bid);
    expect(info(analysis, 'byAuction').keyFields).toEqual(['auction']);
    expect(info(analysis, 'recent').keyFields).toEqual(['auction']);
    const hot = info(analysis, 'hot');
    expect(hot.inputSchema).toEqual(bid);
    expect(hot.lateSchema).toEqual(bid);
    expect(hot.keyFields).toBeNull();
    expect(Object.entries(hot.outputSchema)).toEqual([
      ['auction', 'int'],
      ['window_start', 'timestamp'],
      ['window_end', 'timestamp'],
      ['bids', 'int'],
      ['maxPrice', 'int'],
      ['avgPrice', hot.outputSchema.avgPrice],
      ['lastBidder', 'int'],
    ]);
    expect(['int', 'float']).toContain(hot.outputSchema.avgPrice);
    expect(hot.parallelism).toBe(4);
    expect(info(analysis, 'priced').parallelism).toBe(2);
    expect(info(analysis, 'lateBids').inputSchema).toEqual(bid);
    expect(info(analysis, 'lateBids').inputs).toEqual([{ from: 'hot', to: 'lateBids', port: 'late' }]);
    expect(hot.outputs.map((e) => e.port ?? 'main')).toEqual(['main', 'late']);
  });

  it('spend-by-user: two inputs keyed by the same fields feed one aggregate; map types; processing-time session', () => {
    const analysis = analyse(loadFixture('valid', 'spend-by-user'));
    const total = info(analysis, 'total');
    expect(total.inputs.map((e) => e.from)).toEqual(['webByUser', 'shopByUser']);
    expect(total.inputSchema).toEqual({ user: 'string', amount: 'float', at: 'int' });
    expect(total.outputSchema).toEqual({ user: 'string', spent: 'float', orders: 'int', firstAt: 'int' });
    expect(info(analysis, 'report').outputSchema).toEqual({
      user: 'string',
      spent: 'float',
      big: 'bool',
      since: 'timestamp',
    });
    expect(info(analysis, 'file').inputSchema).toEqual(info(analysis, 'report').outputSchema);
    expect(info(analysis, 'sessions').outputSchema).toEqual({
      user: 'string',
      window_start: 'timestamp',
      window_end: 'timestamp',
      n: 'int',
    });
    // Topological, ties by position in spec.nodes.
    expect(analysis.order).toEqual([
      'web',
      'shop',
      'webByUser',
      'shopByUser',
      'total',
      'report',
      'file',
      'byUser',
      'sessions',
      'console',
    ]);
  });

  it('clicks-per-minute: an event-time window over a watermarked datagen source', () => {
    const analysis = analyse(loadFixture('valid', 'clicks-per-minute'));
    expect(info(analysis, 'perMinute').outputSchema).toEqual({
      user: 'string',
      window_start: 'timestamp',
      window_end: 'timestamp',
      clicks: 'int',
      spent: 'float',
    });
  });

  it('fills in defaults in the returned spec and does not modify the input', () => {
    const input = wordCount();
    delete input.settings;
    const before = JSON.stringify(input);
    const result = validateSpec(input);
    expect(JSON.stringify(input)).toBe(before);
    expect(result.ok && result.spec.settings.parallelism).toBe(1);
    expect(result.ok && result.spec.settings.checkpointing.intervalMs).toBe(0);
  });

  it('is deterministic', () => {
    const input = loadFixture('invalid', 'unreachable-node');
    expect(validateSpec(input)).toEqual(validateSpec(input));
  });
});

describe('shape problems', () => {
  it('reports every shape problem and no graph problems', () => {
    const spec = wordCount();
    spec.specVersion = 2;
    spec.nodes[0]!.schema = { line: 'text' };
    spec.nodes[3]!.key = [];
    spec.nodes[4]!.id = '4counts';
    spec.extra = true;
    expect(summary(spec)).toEqual([
      'schema/invalid_value /specVersion',
      'schema/invalid_value /nodes/0/schema/line lines',
      'schema/too_small /nodes/3/key byWord',
      'schema/invalid_format /nodes/4/id 4counts',
      'schema/unrecognized_keys /extra',
    ]);
    const result = validateSpec(spec);
    expect(result.ok === false && result.spec).toBeUndefined();
    expect(result.problems.map((p) => p.message)).toEqual([
      'specVersion must be 1',
      "'text' is not allowed here: use one of string, int, float, bool, timestamp",
      'keyBy needs at least one key field',
      'a node id starts with a letter or _ and holds only letters, digits, _ and -',
      "unknown property 'extra': remove or rename it (allowed here: specVersion, name, description, settings, nodes, edges, layout)",
    ]);
  });

  it('explains a document that is not an object, and missing properties', () => {
    expect(validateSpec(42).problems).toEqual([
      { code: 'schema/invalid_type', path: '', message: 'a job spec must be a JSON object, not a number' },
    ]);
    expect(
      validateSpec({ specVersion: 1, nodes: [] }).problems.map((p) => `${p.path}: ${p.message}`),
    ).toEqual([
      '/nodes: a job needs at least one node',
      "/name: missing required property 'name': give a string",
    ]);
  });

  it('names the allowed connector types, assigner types and generator kinds', () => {
    const spec = loadFixture('valid', 'clicks-per-minute') as LooseSpec;
    obj(spec.nodes[0]!.connector).fields = { user: { kind: 'randm' } };
    spec.nodes[2]!.assigner = { type: 'hopping', sizeMs: 1 };
    spec.nodes[3]!.connector = { type: 'kafka' };
    expect(validateSpec(spec).problems.map((p) => `${p.path} ${p.nodeId}: ${p.message}`)).toEqual([
      "/nodes/0/connector/fields/user/kind clicks: unknown generator kind 'randm': use one of sequence, random, choice, timestamp (did you mean 'random'?)",
      "/nodes/2/assigner/type perMinute: unknown window assigner type 'hopping': use one of tumbling, sliding, session",
      "/nodes/3/connector/type out: unknown sink connector type 'kafka': use one of collect, console, blackhole, file",
    ]);
  });

  it('escapes JSON pointers (RFC 6901) and leaves nodeId out when the id is not a string', () => {
    const spec = chain({ x: 'int' });
    spec.nodes[0]!.schema = { 'a/b~c': 'text', x: 'int' };
    spec.nodes[1]!.id = 7;
    expect(summary(spec)).toEqual([
      'schema/invalid_value /nodes/0/schema/a~1b~0c src',
      'schema/invalid_type /nodes/1/id',
    ]);
  });

  it('explains a wrong type and choice values', () => {
    const spec = chain({ x: 'int' });
    obj(spec.nodes[0]!.connector).count = 'ten';
    obj(spec.nodes[0]!.connector).fields = { x: { kind: 'choice', values: [[1]] } };
    expect(validateSpec(spec).problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      '/nodes/0/connector/count: expected a number, got a string',
      '/nodes/0/connector/fields/x/values/0: expected a string or a number or a boolean, got an array',
    ]);
  });
});

describe('graph and type rules', () => {
  it('reports all problems, in the order of the spec', () => {
    const spec = wordCount();
    spec.nodes[2]!.where = 'wrd <> 1';
    spec.nodes[3]!.key = ['word', 'nope'];
    spec.edges.push({ from: 'counts', to: 'nowhere' });
    spec.edges.push({ from: 'byWord', to: 'counts' });
    expect(summary(spec)).toEqual([
      'expression/UNKNOWN_FIELD /nodes/2/where nonEmpty',
      'unknown-field /nodes/3/key/1 byWord',
      'unknown-node /edges/5/to counts',
      'duplicate-edge /edges/6 counts',
    ]);
  });

  it('escapes field names in paths to expressions', () => {
    const spec = chain({ x: 'int' }, { id: 'm', kind: 'map', fields: { 'a/b': 'y + 1' } });
    const [problem] = validateSpec(spec).problems;
    expect(problem?.path).toBe('/nodes/1/fields/a~1b');
    expect(problem?.code).toBe('expression/UNKNOWN_FIELD');
    expect(problem?.message).toMatch(/^map 'm', field 'a\/b': /);
  });

  it('treats field names as data, not as object properties', () => {
    const spec = chain(
      { x: 'int' },
      { id: 'k', kind: 'keyBy', key: ['toString'] },
      { id: 'agg', kind: 'aggregate', aggregates: { n: 'COUNT(*)' } },
    );
    expect(summary(spec)).toEqual(['unknown-field /nodes/1/key/0 k']);
  });

  it('reports a node that feeds itself', () => {
    const spec = chain({ x: 'int' }, { id: 'f', kind: 'filter', where: 'x > 0' });
    spec.edges.push({ from: 'f', to: 'f' });
    const problems = validateSpec(spec).problems;
    expect(problems.map((p) => p.code)).toEqual(['cycle']);
    expect(problems[0]!.message).toBe(
      "filter 'f' feeds its own input (edge 2): a pipeline must not loop back; delete the edge",
    );
  });

  it('reports a dead end once, at its last node', () => {
    const spec = chain({ x: 'int' });
    spec.nodes.push(
      { id: 'm', kind: 'map', fields: { y: 'x * 2' } },
      { id: 'f', kind: 'filter', where: 'y > 2' },
    );
    spec.edges.push({ from: 'src', to: 'm' }, { from: 'm', to: 'f' });
    expect(summary(spec)).toEqual(['dead-end-node /nodes/3 f']);
  });

  it('keeps a node with a repeated id out of the graph rules', () => {
    const spec = chain({ x: 'int' }, { id: 'f', kind: 'filter', where: 'x > 0' });
    spec.nodes.push({ id: 'f', kind: 'filter', where: 'nonsense +' });
    expect(summary(spec)).toEqual(['duplicate-node-id /nodes/3/id f']);
  });

  it('needs the same key on every input of a window or aggregate', () => {
    const spec = chain({ a: 'int', b: 'int' });
    spec.nodes.splice(
      1,
      0,
      { id: 'byA', kind: 'keyBy', key: ['a'] },
      { id: 'byB', kind: 'keyBy', key: ['b'] },
      { id: 'agg', kind: 'aggregate', aggregates: { n: 'COUNT(*)' } },
    );
    spec.edges = [
      { from: 'src', to: 'byA' },
      { from: 'src', to: 'byB' },
      { from: 'byA', to: 'agg' },
      { from: 'byB', to: 'agg' },
      { from: 'agg', to: 'out' },
    ];
    const problems = validateSpec(spec).problems;
    expect(problems.map((p) => `${p.code} ${p.path} ${p.nodeId}`)).toEqual(['not-keyed /nodes/3 agg']);
    expect(problems[0]!.message).toBe(
      "aggregate 'agg' needs a keyed stream, but its inputs are keyed differently ('byA' by [a]; 'byB' by [b]): key every input by the same fields",
    );
  });

  it('asks for a keyBy before a window fed by a source', () => {
    const spec = chain(
      { x: 'int' },
      {
        id: 'counts',
        kind: 'window',
        time: 'processing',
        assigner: { type: 'tumbling', sizeMs: 1000 },
        aggregates: { n: 'COUNT(*)' },
      },
    );
    const problems = validateSpec(spec).problems;
    expect(problems.map((p) => p.message)).toEqual([
      "window 'counts' needs a keyed stream: add a keyBy before it",
    ]);
  });

  it('does not key the late port, and gives it the window input schema', () => {
    const spec = chain(
      { x: 'int', ts: 'timestamp' },
      { id: 'k', kind: 'keyBy', key: ['x'] },
      { id: 'w', kind: 'window', assigner: { type: 'tumbling', sizeMs: 10 }, aggregates: { n: 'COUNT(*)' } },
    );
    spec.nodes[0]!.watermark = { timestampField: 'ts' };
    spec.nodes.push(
      { id: 'again', kind: 'aggregate', aggregates: { n: 'COUNT(*)' } },
      { id: 'late', kind: 'sink', connector: { type: 'console' } },
    );
    spec.edges.push({ from: 'w', to: 'again', port: 'late' }, { from: 'again', to: 'late' });
    const problems = validateSpec(spec).problems;
    expect(problems.map((p) => `${p.code} ${p.nodeId}: ${p.message}`)).toEqual([
      "not-keyed again: aggregate 'again' needs a keyed stream, but the late rows of window 'w' are not keyed: add a keyBy before it",
    ]);
    spec.nodes.splice(4, 1, { id: 'again', kind: 'keyBy', key: ['ts'] });
    const analysis = analyse(spec);
    expect(info(analysis, 'again').inputSchema).toEqual({ x: 'int', ts: 'timestamp' });
    expect(info(analysis, 'again').keyFields).toEqual(['ts']);
  });

  it('reports a key field that clashes with window_start', () => {
    const spec = chain(
      { window_start: 'int' },
      { id: 'k', kind: 'keyBy', key: ['window_start'] },
      {
        id: 'w',
        kind: 'window',
        time: 'processing',
        assigner: { type: 'session', gapMs: 10 },
        aggregates: { n: 'COUNT(*)', window_end: 'COUNT(*)' },
      },
    );
    expect(summary(spec)).toEqual([
      'duplicate-field /nodes/2 w',
      'duplicate-field /nodes/2/aggregates/window_end w',
    ]);
  });

  it('asks for a watermark only on the sources without one', () => {
    const spec = chain({ x: 'int', ts: 'int' });
    spec.nodes.splice(
      1,
      0,
      {
        id: 'other',
        kind: 'source',
        connector: { type: 'datagen', fields: { x: { kind: 'sequence' }, ts: { kind: 'timestamp' } } },
        schema: { x: 'int', ts: 'int' },
        watermark: { timestampField: 'ts' },
      },
      { id: 'k', kind: 'keyBy', key: ['x'] },
      { id: 'w', kind: 'window', assigner: { type: 'tumbling', sizeMs: 10 }, aggregates: { n: 'COUNT(*)' } },
    );
    spec.edges = [
      { from: 'src', to: 'k' },
      { from: 'other', to: 'k' },
      { from: 'k', to: 'w' },
      { from: 'w', to: 'out' },
    ];
    const problems = validateSpec(spec).problems;
    expect(problems.map((p) => `${p.code} ${p.path} ${p.nodeId}`)).toEqual([
      'missing-watermark /nodes/3/time w',
    ]);
    expect(problems[0]!.message).toMatch(
      /but source 'src' has no watermark: add one on 'src' \(e.g. "watermark": \{"timestampField": "ts"\}\)/,
    );
    spec.nodes[3]!.time = 'processing';
    expect(summary(spec)).toEqual([]);
  });

  it('reports a watermark field that does not exist', () => {
    const spec = chain({ x: 'int', at: 'timestamp' });
    spec.nodes[0]!.watermark = { timestampField: 'at_' };
    const [problem] = validateSpec(spec).problems;
    expect(problem?.code).toBe('bad-timestamp-field');
    expect(problem?.message).toBe(
      "source 'src': the watermark's timestampField 'at_' is not a field of the source (did you mean 'at'?) (fields: x, at): use 'x' or 'at'",
    );
  });

  it('checks choice values against the field type', () => {
    const spec = chain({ n: 'int', ok: 'bool' });
    obj(spec.nodes[0]!.connector).fields = {
      n: { kind: 'choice', values: [1, 2.5, 'x'] },
      ok: { kind: 'choice', values: [true, false], weights: [1] },
    };
    expect(summary(spec)).toEqual([
      'generator-type-mismatch /nodes/0/connector/fields/n/values/1 src',
      'generator-type-mismatch /nodes/0/connector/fields/n/values/2 src',
      'invalid-generator /nodes/0/connector/fields/ok/weights src',
    ]);
  });

  it('accepts a declared schema equal to the fixed one, in any order', () => {
    const spec = chain({});
    spec.nodes[0] = {
      id: 'src',
      kind: 'source',
      connector: { type: 'file', path: 'x.txt' },
      schema: { line: 'string' },
    };
    expect(summary(spec)).toEqual([]);
    spec.nodes[0] = {
      id: 'src',
      kind: 'source',
      connector: { type: 'nexmark', table: 'person' },
      schema: Object.fromEntries(Object.entries(NEXMARK_SCHEMAS.person).reverse()),
    };
    expect(summary(spec)).toEqual([]);
    spec.nodes[0] = {
      id: 'src',
      kind: 'source',
      connector: { type: 'file', path: 'x.txt' },
      schema: { text: 'string' },
    };
    expect(summary(spec)).toEqual(['fixed-schema-mismatch /nodes/0/schema src']);
  });

  it('checks parallelism in the settings against maxParallelism', () => {
    const spec = chain({ x: 'int' });
    spec.settings = { parallelism: 300, maxParallelism: 256 };
    expect(summary(spec)).toEqual(['parallelism-exceeds-max /settings/parallelism']);
  });

  it('warns about a late port of a processing-time window', () => {
    const spec = chain(
      { x: 'int' },
      { id: 'k', kind: 'keyBy', key: ['x'] },
      {
        id: 'w',
        kind: 'window',
        time: 'processing',
        assigner: { type: 'tumbling', sizeMs: 10 },
        aggregates: { n: 'COUNT(*)' },
      },
    );
    spec.nodes.push({ id: 'late', kind: 'sink', connector: { type: 'console' } });
    spec.edges.push({ from: 'w', to: 'late', port: 'late' });
    const result = validateSpec(spec);
    expect(result.ok).toBe(true);
    expect(summary(spec)).toEqual(['warning/no-late-rows /edges/3/port w']);
  });
});

describe('sourceSchema', () => {
  const source = (connector: unknown, schema?: Record<string, string>): SourceNode =>
    ({ id: 's', kind: 'source', connector, ...(schema ? { schema } : {}) }) as SourceNode;

  it('is the declared schema, else the one the connector fixes, else null', () => {
    expect(sourceSchema(source({ type: 'datagen', fields: {} }, { a: 'int' }))).toEqual({ a: 'int' });
    expect(sourceSchema(source({ type: 'nexmark', table: 'auction' }))).toBe(NEXMARK_SCHEMAS.auction);
    expect(sourceSchema(source({ type: 'file', path: 'p', format: 'text' }))).toEqual({ line: 'string' });
    expect(sourceSchema(source({ type: 'file', path: 'p', format: 'csv' }))).toBeNull();
    expect(sourceSchema(source({ type: 'datagen', fields: {} }))).toBeNull();
  });
});

describe('problemsToText', () => {
  it('gives one "path: message" line per problem', () => {
    expect(
      problemsToText([
        { code: 'schema/invalid_type', path: '', message: 'a job spec must be a JSON object, not a number' },
        { code: 'missing-input', path: '/nodes/1', nodeId: 'm', message: "map 'm' has no input" },
        { code: 'warning/unknown-layout-node', path: '/layout/x', message: 'ignored' },
      ]),
    ).toBe(
      "(spec): a job spec must be a JSON object, not a number\n/nodes/1: map 'm' has no input\n/layout/x: warning: ignored",
    );
    expect(problemsToText([])).toBe('');
  });
});

describe('settings.stateBackend', () => {
  it('"disk" is accepted (the engine has a disk state backend)', () => {
    const r = validateSpec(loadFixture('valid', 'disk-state-backend'));
    expect(r.problems).toEqual([]);
    expect(r.ok && r.spec.settings.stateBackend).toBe('disk');
  });
});
