/**
 * The partial analysis: a spec that does not validate — often a form half filled in the studio — still gets
 * every problem the graph and type rules find beside its shape problems, and every node's schemas as far as
 * they can be known, marked exact or not.
 */
import { describe, expect, it } from 'vitest';
import { type NodeSchemas, validateSpec } from './validate';

type Obj = Record<string, unknown>;

/** Problems as `code path nodeId` strings. */
function summary(input: unknown): string[] {
  return validateSpec(input).problems.map(
    (p) => `${p.code} ${p.path}${p.nodeId === undefined ? '' : ` ${p.nodeId}`}`,
  );
}

function schemasOf(input: unknown): Map<string, NodeSchemas> {
  return validateSpec(input).schemas;
}

const events: Obj = {
  id: 'events',
  kind: 'source',
  connector: {
    type: 'datagen',
    fields: {
      ts: { kind: 'timestamp' },
      user: { kind: 'choice', values: ['a'] },
      amount: { kind: 'random' },
    },
  },
  schema: { ts: 'timestamp', user: 'string', amount: 'int' },
  watermark: { timestampField: 'ts' },
};
const byUser: Obj = { id: 'byUser', kind: 'keyBy', key: ['user'] };
const perMinute: Obj = {
  id: 'perMinute',
  kind: 'window',
  assigner: { type: 'tumbling', sizeMs: 60_000 },
  aggregates: { total: 'SUM(amount)' },
};
const out: Obj = { id: 'out', kind: 'sink', connector: { type: 'collect' } };

function spec(nodes: Obj[], edges: [string, string][]): Obj {
  return { specVersion: 1, name: 'partial', nodes, edges: edges.map(([from, to]) => ({ from, to })) };
}

describe('problems of a spec whose shape check fails', () => {
  it('an emptied window size hides nothing: the missing keyBy and the missing sink are reported too', () => {
    const window = { ...perMinute, assigner: { type: 'tumbling' } };
    expect(summary(spec([events, window], [['events', 'perMinute']]))).toEqual([
      'no-sink /nodes',
      'not-keyed /nodes/1 perMinute',
      'schema/invalid_type /nodes/1/assigner/sizeMs perMinute',
    ]);
  });

  it("a broken window's aggregates are still checked against its input", () => {
    const window = {
      ...perMinute,
      assigner: { type: 'tumbling', sizeMs: 0 },
      aggregates: { total: 'SUM(amout)' },
    };
    const problems = validateSpec(
      spec(
        [events, byUser, window, out],
        [
          ['events', 'byUser'],
          ['byUser', 'perMinute'],
          ['perMinute', 'out'],
        ],
      ),
    ).problems;
    expect(problems.map((p) => `${p.code} ${p.path}`)).toEqual([
      'schema/too_small /nodes/2/assigner/sizeMs',
      'expression/UNKNOWN_FIELD /nodes/2/aggregates/total',
    ]);
    expect(problems[1]!.message).toBe(
      "window 'perMinute', aggregate 'total': unknown field 'amout' (available: ts, user, amount) at column 5",
    );
  });

  it('a keyBy without a key keys the stream all the same: the window after it is not reported as unkeyed', () => {
    expect(
      summary(
        spec(
          [events, { ...byUser, key: [] }, perMinute, out],
          [
            ['events', 'byUser'],
            ['byUser', 'perMinute'],
            ['perMinute', 'out'],
          ],
        ),
      ),
    ).toEqual(['schema/too_small /nodes/1/key byUser']);
  });

  it('an event-time window still asks for the watermark a valid source lacks, not one a broken source may hold', () => {
    const { watermark: _, ...noWatermark } = events;
    const window = { ...perMinute, assigner: { type: 'tumbling' } };
    const edges: [string, string][] = [
      ['events', 'byUser'],
      ['byUser', 'perMinute'],
      ['perMinute', 'out'],
    ];
    expect(summary(spec([noWatermark, byUser, window, out], edges))).toEqual([
      'schema/invalid_type /nodes/2/assigner/sizeMs perMinute',
      'missing-watermark /nodes/2/time perMinute',
    ]);
    const brokenSource = { ...noWatermark, connector: { type: 'datagen' } };
    expect(summary(spec([brokenSource, byUser, perMinute, out], edges))).toEqual([
      'schema/invalid_type /nodes/0/connector/fields events',
    ]);
  });

  it('a misspelt node id or a broken edge: only the shape problems (the graph rules would only echo them)', () => {
    expect(
      summary(
        spec(
          [events, { ...byUser, id: '1byUser' }, perMinute, out],
          [
            ['events', 'byUser'],
            ['byUser', 'perMinute'],
            ['perMinute', 'out'],
          ],
        ),
      ),
    ).toEqual(['schema/invalid_format /nodes/1/id 1byUser']);
    const broken = spec([events, out], [['events', 'out']]);
    (broken.edges as Obj[])[0]!.port = 'lat';
    expect(summary(broken)).toEqual(['schema/invalid_value /edges/0/port']);
  });
});

describe('schemas, exact and inferred', () => {
  const pipeline = (
    window: Obj,
    map: Obj = { id: 'cents', kind: 'map', fields: { user: 'user', cents: 'amount * 100' } },
  ) =>
    spec(
      [events, map, { ...byUser }, window, out],
      [
        ['events', 'cents'],
        ['cents', 'byUser'],
        ['byUser', 'perMinute'],
        ['perMinute', 'out'],
      ],
    );

  it('a valid spec: every node exact', () => {
    const s = schemasOf(pipeline({ ...perMinute, aggregates: { total: 'SUM(cents)' } }));
    expect(s.get('events')).toEqual({
      input: null,
      output: { ts: 'timestamp', user: 'string', amount: 'int' },
      key: null,
      exact: true,
    });
    expect(s.get('byUser')).toEqual({
      input: { user: 'string', cents: 'int' },
      output: { user: 'string', cents: 'int' },
      key: ['user'],
      exact: true,
    });
    expect(s.get('perMinute')).toEqual({
      input: { user: 'string', cents: 'int' },
      output: { user: 'string', window_start: 'timestamp', window_end: 'timestamp', total: 'int' },
      late: { user: 'string', cents: 'int' },
      key: null,
      exact: true,
    });
  });

  it('a window without a size: its output inferred from its kind, and inexact downstream', () => {
    const s = schemasOf(
      pipeline({ ...perMinute, assigner: { type: 'tumbling' }, aggregates: { total: 'SUM(cents)' } }),
    );
    expect(s.get('byUser')?.exact).toBe(true);
    expect(s.get('perMinute')).toEqual({
      input: { user: 'string', cents: 'int' },
      output: { user: 'string', window_start: 'timestamp', window_end: 'timestamp', total: 'int' },
      late: { user: 'string', cents: 'int' },
      key: null,
      exact: false,
    });
    expect(s.get('out')).toEqual({
      input: { user: 'string', window_start: 'timestamp', window_end: 'timestamp', total: 'int' },
      output: { user: 'string', window_start: 'timestamp', window_end: 'timestamp', total: 'int' },
      key: null,
      exact: false,
    });
  });

  it('a map with one bad expression: the fields that check are still offered downstream', () => {
    const s = schemasOf(
      pipeline(
        { ...perMinute, aggregates: { total: 'SUM(cents)' } },
        { id: 'cents', kind: 'map', fields: { user: 'user', cents: 'amount * 100', bad: 'nope + 1' } },
      ),
    );
    expect(s.get('cents')).toEqual({
      input: { ts: 'timestamp', user: 'string', amount: 'int' },
      output: { user: 'string', cents: 'int' },
      key: null,
      exact: false,
    });
    expect(s.get('byUser')).toEqual({
      input: { user: 'string', cents: 'int' },
      output: { user: 'string', cents: 'int' },
      key: ['user'],
      exact: false,
    });
  });

  it('a map with an emptied expression (a shape problem): the same', () => {
    const s = schemasOf(
      pipeline(
        { ...perMinute, aggregates: { total: 'SUM(cents)' } },
        { id: 'cents', kind: 'map', fields: { user: 'user', cents: 'amount * 100', bad: '' } },
      ),
    );
    expect(s.get('cents')?.output).toEqual({ user: 'string', cents: 'int' });
    expect(s.get('perMinute')?.output).toEqual({
      user: 'string',
      window_start: 'timestamp',
      window_end: 'timestamp',
      total: 'int',
    });
  });

  it('nodes on a cycle are unknown', () => {
    const s = schemasOf(
      spec(
        [events, { id: 'a', kind: 'filter', where: 'TRUE' }, { id: 'b', kind: 'filter', where: 'TRUE' }, out],
        [
          ['events', 'a'],
          ['a', 'b'],
          ['b', 'a'],
          ['b', 'out'],
        ],
      ),
    );
    expect(s.get('events')?.exact).toBe(true);
    expect(s.get('a')).toEqual({ input: null, output: null, key: null, exact: false });
    expect(s.get('out')).toEqual({ input: null, output: null, key: null, exact: false });
  });

  it('a document without a nodes array has no schemas', () => {
    expect(validateSpec({ specVersion: 1, name: 'x' }).schemas.size).toBe(0);
  });
});
