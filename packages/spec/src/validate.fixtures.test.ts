/**
 * One broken spec per rule (test/fixtures/invalid) and one per warning (test/fixtures/warnings): each must
 * give exactly the expected problems — the rule's problem at the expected path and node, and nothing
 * else (no follow-on noise).
 */
import { describe, expect, it } from 'vitest';
import { fixtureNames, loadFixture } from '../test/fixtures';
import { PROBLEM_CODES, type Problem, validateSpec } from './validate';

interface Expected {
  /** Every problem's code, in the order reported. */
  codes: string[];
  /** The rule's problem (the first with `codes[0]` unless `at` says which). */
  path: string;
  nodeId: string | undefined;
  message?: RegExp;
  column?: number;
  at?: number;
}

const INVALID: Record<string, Expected> = {
  'duplicate-node-id': {
    codes: ['duplicate-node-id'],
    path: '/nodes/6/id',
    nodeId: 'out',
    message: /node id 'out' is already used by the sink at \/nodes\/5: give this sink a unique id/,
  },
  'unknown-node': {
    codes: ['unknown-node'],
    path: '/edges/5/to',
    nodeId: 'counts',
    message: /edge 5 goes to 'ot', but there is no node with that id \(did you mean 'out'\?\)/,
  },
  'invalid-port': {
    codes: ['invalid-port'],
    path: '/edges/4/port',
    nodeId: 'counts',
    message: /only a window has a 'late' port/,
  },
  'duplicate-edge': { codes: ['duplicate-edge'], path: '/edges/5', nodeId: 'out', message: /repeats edge 4/ },
  cycle: {
    codes: ['cycle'],
    path: '/edges/5',
    nodeId: 'words',
    message: /the nodes 'words' → 'nonEmpty' → 'words' form a cycle/,
  },
  'source-has-input': {
    codes: ['source-has-input'],
    path: '/edges/5/to',
    nodeId: 'lines',
    message: /source 'lines' cannot have an input/,
  },
  'sink-has-output': {
    codes: ['sink-has-output'],
    path: '/edges/5/from',
    nodeId: 'out',
    message: /sink 'out' cannot have an output/,
  },
  'missing-input': {
    codes: ['missing-input'],
    path: '/nodes/6',
    nodeId: 'extra',
    message: /map 'extra' has no input: connect an edge into it/,
  },
  'unreachable-node': {
    codes: ['unreachable-node', 'cycle'],
    path: '/nodes/6',
    nodeId: 'echo',
    message: /map 'echo' gets no rows: no source leads to it/,
  },
  'dead-end-node': {
    codes: ['dead-end-node'],
    path: '/nodes/6',
    nodeId: 'unused',
    message: /^filter 'unused' does not lead to any sink: connect it to a sink or delete it$/,
  },
  'no-source': {
    codes: ['no-source', 'missing-input'],
    path: '/nodes',
    nodeId: undefined,
    message: /no source/,
  },
  'no-sink': { codes: ['no-sink'], path: '/nodes', nodeId: undefined, message: /no sink: add a sink/ },
  'not-keyed': {
    codes: ['not-keyed'],
    path: '/nodes/5',
    nodeId: 'counts',
    message:
      /aggregate 'counts' needs a keyed stream, but map 'upper' after keyBy 'byWord' gives a new stream that is not keyed/,
  },
  'schema-mismatch': {
    codes: ['schema-mismatch'],
    path: '/nodes/2',
    nodeId: 'words',
    message: /'lines' sends \{line: string\}, but 'more' sends \{line: string, n: int\}/,
  },
  'unknown-field': {
    codes: ['unknown-field'],
    path: '/nodes/3/key/0',
    nodeId: 'byWord',
    message: /keyBy 'byWord', key: unknown field 'wrd' \(did you mean 'word'\?\) \(available: line, word\)/,
  },
  'unknown-field-generator': {
    codes: ['unknown-field'],
    path: '/nodes/0/connector/fields/referrer',
    nodeId: 'clicks',
    message: /generator for 'referrer', but the schema has no such field/,
  },
  'duplicate-field': {
    codes: ['duplicate-field'],
    path: '/nodes/4/aggregates/word',
    nodeId: 'counts',
    message: /the output already has a field 'word' \(a key field\): rename the aggregate/,
  },
  'duplicate-field-flatmap': {
    codes: ['duplicate-field'],
    path: '/nodes/1/as',
    nodeId: 'words',
    message: /the input already has a field of that name/,
  },
  'null-type': {
    codes: ['null-type'],
    path: '/nodes/5/fields/note',
    nodeId: 'shape',
    message: /CAST\(NULL AS/,
  },
  'array-type': {
    codes: ['array-type'],
    path: '/nodes/5/fields/parts',
    nodeId: 'shape',
    message: /use a flatMap/,
  },
  'not-an-array': {
    codes: ['not-an-array'],
    path: '/nodes/1/explode',
    nodeId: 'words',
    message: /is of type string, but flatMap needs an array/,
  },
  'not-boolean': {
    codes: ['not-boolean'],
    path: '/nodes/2/where',
    nodeId: 'nonEmpty',
    message: /of type int, but must be true or false: compare it, e.g. CHAR_LENGTH\(word\) > 0/,
  },
  'expression-unknown-field': {
    codes: ['expression/UNKNOWN_FIELD'],
    path: '/nodes/2/where',
    nodeId: 'nonEmpty',
    column: 1,
    message: /^filter 'nonEmpty', where: .*'wrd'.*at column 1/,
  },
  'expression-aggregate': {
    codes: ['expression/UNKNOWN_FIELD'],
    path: '/nodes/2/aggregates/spent',
    nodeId: 'perMinute',
    column: 5,
    message: /^window 'perMinute', aggregate 'spent': .*'amont'/,
  },
  'expression-syntax-error': {
    codes: ['expression/SYNTAX_ERROR'],
    path: '/nodes/5/fields/ratio',
    nodeId: 'shape',
    message: /^map 'shape', field 'ratio': /,
  },
  'missing-watermark': {
    codes: ['missing-watermark'],
    path: '/nodes/2/time',
    nodeId: 'perMinute',
    message:
      /^window 'perMinute' uses event time, but source 'clicks' has no watermark: add one on 'clicks' \(e.g. "watermark": \{"timestampField": "ts"\}\) or set "time": "processing"$/,
  },
  'bad-timestamp-field': {
    codes: ['bad-timestamp-field'],
    path: '/nodes/0/watermark/timestampField',
    nodeId: 'clicks',
    message: /'url' is a string, but event time needs a timestamp or int field .*: use 'ts'$/,
  },
  'slide-larger-than-size': {
    codes: ['slide-larger-than-size'],
    path: '/nodes/2/assigner/slideMs',
    nodeId: 'perMinute',
    message: /slideMs \(20000\) is larger than sizeMs \(10000\)/,
  },
  'offset-too-large': {
    codes: ['offset-too-large'],
    path: '/nodes/2/assigner/offsetMs',
    nodeId: 'perMinute',
    message: /offsetMs \(60000\) must be less than sizeMs \(60000\)/,
  },
  'missing-schema': {
    codes: ['missing-schema'],
    path: '/nodes/0/schema',
    nodeId: 'lines',
    message: /csv file source 'lines' needs a schema/,
  },
  'fixed-schema-mismatch': {
    codes: ['fixed-schema-mismatch'],
    path: '/nodes/0/schema',
    nodeId: 'bids',
    message: /reads the Nexmark table 'bid', whose schema is fixed: \{auction: int, bidder: int, price: int/,
  },
  'missing-generator': {
    codes: ['missing-generator'],
    path: '/nodes/0/connector/fields/url',
    nodeId: 'clicks',
    message: /schema field 'url' has no generator/,
  },
  'generator-type-mismatch': {
    codes: ['generator-type-mismatch'],
    path: '/nodes/0/connector/fields/url/kind',
    nodeId: 'clicks',
    message: /a sequence generator cannot produce a string: use a 'random' or 'choice' generator$/,
  },
  'invalid-generator': {
    codes: ['invalid-generator'],
    path: '/nodes/0/connector/fields/amount/max',
    nodeId: 'clicks',
    message: /random min \(100\) is greater than max \(0\)/,
  },
  'parallelism-exceeds-max': {
    codes: ['parallelism-exceeds-max'],
    path: '/nodes/4/parallelism',
    nodeId: 'counts',
    message: /parallelism 8 is larger than settings.maxParallelism \(4\)/,
  },
  'invalid-input': {
    codes: ['invalid-input'],
    path: '/edges/4/input',
    nodeId: 'out',
    message:
      /^edge 4 says it feeds the left input of sink 'out', but only a join has two inputs: remove "input"$/,
  },
  'missing-join-side': {
    codes: ['missing-join-side'],
    path: '/edges/3',
    nodeId: 'joined',
    message:
      /^edge 3 goes into intervalJoin 'joined' without saying which side it feeds: add "input": "left" or "input": "right"$/,
  },
  'join-key-mismatch': {
    codes: ['join-key-mismatch'],
    path: '/nodes/4',
    nodeId: 'joined',
    message:
      /key field 1 is 'id' \(int\) on the left and 'channel' \(string\) on the right, which cannot be equal/,
  },
  'invalid-bounds': {
    codes: ['invalid-bounds'],
    path: '/nodes/4/lowerBoundMs',
    nodeId: 'joined',
    message: /lowerBoundMs \(5000\) is after upperBoundMs \(-5000\)/,
  },
  'over-frame': {
    codes: ['over-frame'],
    path: '/nodes/2',
    nodeId: 'recent',
    message: /over 'recent' needs exactly one frame: keep only one of "precedingMs" .* or "precedingRows"/,
  },
  'topn-key': {
    codes: ['topn-key'],
    path: '/nodes/4',
    nodeId: 'top3',
    message:
      /its input must be keyed by window_start and window_end too \(it is keyed by \[auction\]\): key by \[window_start, window_end, auction\]/,
  },
  'schema-invalid-kind': {
    codes: ['schema/invalid_union'],
    path: '/nodes/1/kind',
    nodeId: 'words',
    message:
      /^unknown node kind 'flatmap': use one of source, map, filter, flatMap, keyBy, window, aggregate, sink, intervalJoin, windowJoin, temporalJoin, join, over, topN, deduplicate \(did you mean 'flatMap'\?\)$/,
  },
  'schema-unknown-property': {
    codes: ['schema/unrecognized_keys', 'schema/invalid_type'],
    path: '/nodes/2/condition',
    nodeId: 'nonEmpty',
    message:
      /^unknown property 'condition': remove or rename it \(allowed here: id, name, parallelism, kind, where\)$/,
  },
  'schema-too-small': {
    codes: ['schema/too_small'],
    path: '/nodes/2/assigner/sizeMs',
    nodeId: 'perMinute',
    message: /^sizeMs must be positive$/,
  },
};

const WARNINGS: Record<string, Expected> = {
  'size-not-multiple-of-slide': {
    codes: ['warning/size-not-multiple-of-slide'],
    path: '/nodes/2/assigner/sizeMs',
    nodeId: 'perMinute',
  },
  'no-late-rows': {
    codes: ['warning/no-late-rows'],
    path: '/nodes/2/allowedLatenessMs',
    nodeId: 'perMinute',
  },
  'unknown-layout-node': {
    codes: ['warning/unknown-layout-node'],
    path: '/layout/ghost',
    nodeId: undefined,
    message: /layout has a position for 'ghost', but there is no node with that id/,
  },
};

function expectProblem(problems: Problem[], expected: Expected): void {
  expect(problems.map((p) => p.code)).toEqual(expected.codes);
  const problem = problems[expected.at ?? 0]!;
  expect(problem.path).toBe(expected.path);
  expect(problem.nodeId).toBe(expected.nodeId);
  if (expected.message) expect(problem.message).toMatch(expected.message);
  if (expected.column !== undefined) expect(problem.column).toBe(expected.column);
  else if (problem.code.startsWith('expression/')) expect(problem.column).toBeGreaterThan(0);
  else expect(problem.column).toBeUndefined();
}

describe('invalid fixtures', () => {
  it('has an expectation for every fixture file, and a fixture for every expectation', () => {
    expect(fixtureNames('invalid')).toEqual(Object.keys(INVALID).sort());
    expect(fixtureNames('warnings')).toEqual(Object.keys(WARNINGS).sort());
  });

  it('covers every problem code', () => {
    const covered = new Set([...Object.values(INVALID), ...Object.values(WARNINGS)].flatMap((e) => e.codes));
    expect(PROBLEM_CODES.filter((code) => !covered.has(code))).toEqual([]);
  });

  for (const [name, expected] of Object.entries(INVALID)) {
    it(`${name}: ${expected.codes[expected.at ?? 0]} at ${expected.path}`, () => {
      const result = validateSpec(loadFixture('invalid', name));
      expect(result.ok).toBe(false);
      expectProblem(result.problems, expected);
      // Shape problems stop validation before the graph rules; otherwise the parsed spec comes back.
      expect(result.ok === false && result.spec !== undefined).toBe(
        !expected.codes[0]!.startsWith('schema/'),
      );
    });
  }
});

describe('warning fixtures', () => {
  for (const [name, expected] of Object.entries(WARNINGS)) {
    it(`${name}: ${expected.codes[0]} at ${expected.path}, and the spec is still valid`, () => {
      const result = validateSpec(loadFixture('warnings', name));
      expect(result.ok).toBe(true);
      expectProblem(result.problems, expected);
    });
  }
});
