import { validateSpec } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { type ConnectionLike, checkConnection, connectionToEdge } from './connections';
import { graphToSpec } from './convert';
import { graphOf, n } from './test-support';
import type { FlowGraph } from './types';

const c = (source: string, target: string, sourceHandle: string | null = null): ConnectionLike => ({
  source,
  target,
  sourceHandle,
  targetHandle: null,
});

/** The codes validateSpec reports for the graph with the connection added. */
function specCodes(graph: FlowGraph, connection: ConnectionLike): string[] {
  const spec = graphToSpec({ ...graph, edges: [...graph.edges, connectionToEdge(connection)] });
  return validateSpec(spec).problems.map((p) => p.code);
}

const pipeline = graphOf(
  [
    n.events(),
    n.map('m1', { user: 'user', ts: 'ts' }),
    n.map('m2', { user: 'user', ts: 'ts' }),
    n.map('m3', { user: 'user', ts: 'ts' }),
    n.keyBy('k', 'user'),
    n.window('w'),
    n.aggregate('agg'),
    n.sink('out'),
    n.sink('lateOut'),
  ],
  ['events>m1', 'm1>m2', 'm2>m3'],
);

describe('checkConnection', () => {
  it('allows a connection the spec accepts', () => {
    expect(checkConnection(pipeline, c('events', 'out'))).toEqual({ ok: true });
    expect(checkConnection(pipeline, c('m3', 'k', 'main'))).toEqual({ ok: true });
  });

  it('refuses a self loop', () => {
    const result = checkConnection(pipeline, c('m1', 'm1'));
    expect(result).toMatchObject({ ok: false, code: 'self-loop' });
    expect(result.ok || result.reason).toMatch(/cannot feed its own input/);
    expect(specCodes(pipeline, c('m1', 'm1'))).toContain('cycle');
  });

  it('refuses a cycle, naming the loop', () => {
    const result = checkConnection(pipeline, c('m3', 'm1'));
    expect(result).toMatchObject({ ok: false, code: 'cycle' });
    expect(result.ok || result.reason).toContain("'m1' → 'm2' → 'm3' → 'm1'");
    expect(specCodes(pipeline, c('m3', 'm1'))).toContain('cycle');
  });

  it('refuses an input into a source', () => {
    const result = checkConnection(pipeline, c('m1', 'events'));
    expect(result).toMatchObject({ ok: false, code: 'source-has-input' });
    expect(result.ok || result.reason).toBe(
      "source 'events' takes no input: a source reads its rows from its connector",
    );
    expect(specCodes(pipeline, c('m1', 'events'))).toContain('source-has-input');
  });

  it('refuses an output from a sink', () => {
    const result = checkConnection(pipeline, c('out', 'm1'));
    expect(result).toMatchObject({ ok: false, code: 'sink-has-output' });
    expect(result.ok || result.reason).toBe("sink 'out' has no output: a sink ends the pipeline");
    expect(specCodes(pipeline, c('out', 'm1'))).toContain('sink-has-output');
  });

  it("takes 'late' only from a window", () => {
    const result = checkConnection(pipeline, c('m1', 'lateOut', 'late'));
    expect(result).toMatchObject({ ok: false, code: 'invalid-port' });
    expect(result.ok || result.reason).toMatch(/only a window has a 'late' output/);
    expect(specCodes(pipeline, c('m1', 'lateOut', 'late'))).toContain('invalid-port');
    expect(checkConnection(pipeline, c('w', 'lateOut', 'late'))).toEqual({ ok: true });
    expect(checkConnection(pipeline, c('m1', 'lateOut', 'other'))).toMatchObject({
      ok: false,
      code: 'invalid-port',
    });
  });

  it('refuses a repeated edge', () => {
    const result = checkConnection(pipeline, c('m1', 'm2', 'main'));
    expect(result).toMatchObject({ ok: false, code: 'duplicate-edge' });
    expect(result.ok || result.reason).toBe(
      "'m1' is already connected to 'm2': every row would arrive twice",
    );
    expect(specCodes(pipeline, c('m1', 'm2'))).toContain('duplicate-edge');
    // The late port is another edge.
    const withLate = graphOf(
      [n.events(), n.keyBy('k', 'user'), n.window('w'), n.sink()],
      ['events>k', 'k>w', 'w>out'],
    );
    expect(checkConnection(withLate, c('w', 'out', 'late'))).toEqual({ ok: true });
  });

  it('refuses an unknown node', () => {
    expect(checkConnection(pipeline, c('m1', 'ghost'))).toMatchObject({ ok: false, code: 'unknown-node' });
  });

  describe('a window or aggregate needs a keyed stream (the spec package decides)', () => {
    it('refuses a window straight after a source', () => {
      const result = checkConnection(pipeline, c('events', 'w'));
      expect(result).toEqual({
        ok: false,
        code: 'not-keyed',
        reason: "window 'w' needs a keyed stream: add a keyBy before it",
      });
      expect(specCodes(pipeline, c('events', 'w'))).toContain('not-keyed');
    });

    it('refuses a rolling aggregate without a keyBy', () => {
      expect(checkConnection(pipeline, c('m2', 'agg'))).toMatchObject({
        ok: false,
        reason: "aggregate 'agg' needs a keyed stream: add a keyBy before it",
      });
    });

    it('accepts both after a keyBy, even before the keyBy has an input', () => {
      expect(checkConnection(pipeline, c('k', 'w'))).toEqual({ ok: true });
      expect(checkConnection(pipeline, c('k', 'agg'))).toEqual({ ok: true });
    });

    it('explains that a map after a keyBy gives an unkeyed stream', () => {
      const graph = graphOf(
        [n.events(), n.keyBy('k', 'user'), n.map('m', { user: 'user' }), n.window('w'), n.sink()],
        ['events>k', 'k>m'],
      );
      const result = checkConnection(graph, c('m', 'w'));
      expect(result.ok || result.reason).toBe(
        "window 'w' needs a keyed stream, but map 'm' after keyBy 'k' gives a new stream that is not keyed (as in Flink): move the keyBy after 'm'",
      );
    });

    it("refuses a window's late rows into a window: they are not keyed", () => {
      const graph = graphOf(
        [n.events(), n.keyBy('k', 'user'), n.window('w'), n.window('w2'), n.sink()],
        ['events>k', 'k>w', 'w>out'],
      );
      expect(checkConnection(graph, c('w', 'w2', 'late'))).toMatchObject({
        ok: false,
        code: 'not-keyed',
        reason: expect.stringContaining("late rows of window 'w' are not keyed"),
      });
    });

    it('refuses a connection that leaves a window downstream unkeyed', () => {
      const graph = graphOf(
        [
          n.events(),
          n.events('more'),
          n.keyBy('k', 'user'),
          n.filter('f', 'amount > 1'),
          n.window('w'),
          n.sink(),
        ],
        ['events>k', 'k>f', 'f>w', 'w>out'],
      );
      const result = checkConnection(graph, c('more', 'f'));
      expect(result).toMatchObject({ ok: false, code: 'not-keyed' });
      expect(result.ok || result.reason).toContain("window 'w' needs a keyed stream");
    });

    it('still decides while another form is half filled', () => {
      const graph = graphOf([n.events(), n.filter('half', ''), n.window('w')], []);
      expect(validateSpec(graphToSpec(graph)).problems.map((p) => `${p.code} ${p.path}`)).toEqual([
        'no-sink /nodes',
        'missing-input /nodes/1',
        'schema/too_small /nodes/1/where',
        'missing-input /nodes/2',
        'not-keyed /nodes/2',
      ]);
      expect(checkConnection(graph, c('events', 'w'))).toMatchObject({ ok: false, code: 'not-keyed' });
    });
  });
});
