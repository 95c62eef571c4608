import { validateSpec } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { analyzeGraph, expressionProblem, fieldProblems, fieldsAvailableTo, locateProblem } from './analysis';
import { applyGraphChanges } from './changes';
import { specToGraph } from './convert';
import { graphOf, loadExamples, n } from './test-support';
import type { SpecNodeInput } from './types';

const names = (fields: { name: string; type: string }[]) => fields.map((f) => `${f.name}:${f.type}`);

describe('analyzeGraph: problems on nodes', () => {
  it('maps problems to the nodes they are about, and the rest to the job', () => {
    const graph = graphOf(
      [n.lines(), n.filter('f', "wrd <> ''"), n.keyBy('k', 'line'), n.window('w')],
      ['lines>f', 'f>k', 'k>w'],
    );
    const analysis = analyzeGraph(graph);
    expect(analysis.ok).toBe(false);
    expect(analysis.byNode.get('f')?.map((p) => p.code)).toEqual(['expression/UNKNOWN_FIELD']);
    expect(analysis.byNode.get('f')?.[0]).toMatchObject({ path: '/nodes/1/where', column: 1 });
    expect(analysis.byNode.get('w')?.map((p) => p.code)).toEqual(['missing-watermark']);
    expect(analysis.byNode.has('lines')).toBe(false);
    expect(analysis.general.map((p) => p.code)).toEqual(['no-sink']);
    expect(analysis.problems).toHaveLength(3);
  });

  it('maps edge problems to the edge and the node they name', () => {
    const graph = graphOf([n.lines(), n.filter('f', 'TRUE'), n.sink()], ['lines>f', ['f', 'out', 'late']]);
    const analysis = analyzeGraph(graph);
    expect(analysis.byEdge.get('f:late->out')?.map((p) => p.code)).toEqual(['invalid-port']);
    expect(analysis.byNode.get('f')?.map((p) => p.code)).toContain('invalid-port');
    const problem = analysis.byEdge.get('f:late->out')![0]!;
    expect(locateProblem(graph, problem)).toEqual({ nodeId: 'f', edgeId: 'f:late->out' });
  });

  it('maps shape problems (a half-filled form) to their node', () => {
    const graph = graphOf([n.lines(), n.filter('f', ''), n.sink()], ['lines>f', 'f>out']);
    expect(analyzeGraph(graph).byNode.get('f')).toEqual([
      expect.objectContaining({ code: 'schema/too_small', path: '/nodes/1/where', nodeId: 'f' }),
    ]);
  });

  it('is valid for every example, with the spec package’s schemas', () => {
    for (const example of loadExamples()) {
      const analysis = analyzeGraph(specToGraph(example.spec));
      expect(analysis.ok, example.name).toBe(true);
      // The examples list their nodes source first, sink last: that is their topological order.
      expect(analysis.analysis?.order).toEqual(example.spec.nodes.map((x) => x.id));
      expect([...analysis.schemas.values()].every((s) => s.exact)).toBe(true);
    }
  });

  it('derives the same schemas node by node when the whole graph is not valid', () => {
    for (const example of loadExamples()) {
      const graph = specToGraph(example.spec);
      const valid = analyzeGraph(graph);
      // An orphan node makes the spec invalid without touching the pipeline.
      const broken = applyGraphChanges(graph, [
        {
          type: 'add',
          node: { id: 'orphan', type: 'filter', position: { x: 0, y: 0 }, data: { where: 'TRUE' } },
        },
      ]);
      const analysis = analyzeGraph(broken);
      expect(analysis.ok).toBe(false);
      for (const [id, schemas] of valid.schemas) {
        expect(analysis.schemas.get(id), `${example.name}/${id}`).toEqual(schemas);
      }
    }
  });

  it('is memoized, and positions do not make it analyse again', () => {
    const graph = specToGraph(loadExamples()[0]!.spec);
    const first = analyzeGraph(graph);
    expect(analyzeGraph(graph)).toBe(first);
    const moved = applyGraphChanges(graph, [
      { type: 'position', id: graph.nodes[0]!.id, position: { x: 9, y: 9 } },
    ]);
    expect(analyzeGraph(moved)).toBe(first);
  });
});

describe('fieldsAvailableTo', () => {
  it('offers the input fields after a map, a flatMap and a window', () => {
    const graph = graphOf(
      [
        n.lines(),
        n.map('m', { line: 'line', len: 'CHAR_LENGTH(line)', half: 'CHAR_LENGTH(line) / 2.0' }),
        n.flatMap('fm', "SPLIT(line, ' ')", 'word'),
        n.keyBy('k', 'word'),
        { ...n.window('w', { count: 'COUNT(*)', longest: 'MAX(len)' }), time: 'processing' } as SpecNodeInput,
        n.filter('after', 'count > 1'),
        n.sink(),
      ],
      ['lines>m', 'm>fm', 'fm>k', 'k>w', 'w>after', 'after>out'],
    );
    expect(analyzeGraph(graph).ok).toBe(true);
    expect(names(fieldsAvailableTo(graph, 'lines'))).toEqual(['line:string']);
    expect(names(fieldsAvailableTo(graph, 'fm'))).toEqual(['line:string', 'len:int', 'half:float']);
    expect(names(fieldsAvailableTo(graph, 'k'))).toEqual([
      'line:string',
      'len:int',
      'half:float',
      'word:string',
    ]);
    expect(names(fieldsAvailableTo(graph, 'after'))).toEqual([
      'word:string',
      'window_start:timestamp',
      'window_end:timestamp',
      'count:int',
      'longest:int',
    ]);
    expect(analyzeGraph(graph).schemas.get('k')?.key).toEqual(['word']);
  });

  it('works while the pipeline is unfinished (no sink yet)', () => {
    const graph = graphOf(
      [n.lines(), n.flatMap('fm', "SPLIT(line, ' ')", 'word'), n.filter('f', 'TRUE')],
      ['lines>fm', 'fm>f'],
    );
    expect(analyzeGraph(graph).ok).toBe(false);
    expect(names(fieldsAvailableTo(graph, 'f'))).toEqual(['line:string', 'word:string']);
    expect(analyzeGraph(graph).schemas.get('f')?.exact).toBe(true);
  });

  it('gives its best after an invalid node: the map fields that check', () => {
    const graph = graphOf(
      [n.lines(), n.map('m', { ok: 'UPPER(line)', broken: 'nope + 1' }), n.filter('f', 'TRUE'), n.sink()],
      ['lines>m', 'm>f', 'f>out'],
    );
    expect(names(fieldsAvailableTo(graph, 'f'))).toEqual(['ok:string']);
    expect(analyzeGraph(graph).schemas.get('f')?.exact).toBe(false);
  });

  it('gives its best after a window without a keyBy, and for a node without input', () => {
    const graph = graphOf(
      [n.events(), n.window('w', { total: 'SUM(amount)' }), n.filter('f', 'TRUE'), n.filter('alone', 'TRUE')],
      ['events>w', 'w>f'],
    );
    expect(names(fieldsAvailableTo(graph, 'f'))).toEqual([
      'window_start:timestamp',
      'window_end:timestamp',
      'total:int',
    ]);
    expect(fieldsAvailableTo(graph, 'alone')).toEqual([]);
    expect(fieldsAvailableTo(graph, 'ghost')).toEqual([]);
  });

  it('offers the late port’s rows (the window’s input) after a late edge', () => {
    const graph = graphOf(
      [n.events(), n.keyBy('k', 'user'), n.window('w'), n.filter('late', 'TRUE'), n.sink()],
      ['events>k', 'k>w', ['w', 'late', 'late'], 'late>out', 'w>out'],
    );
    expect(names(fieldsAvailableTo(graph, 'late'))).toEqual(['ts:timestamp', 'user:string', 'amount:int']);
  });
});

describe('expressionProblem', () => {
  const graph = graphOf(
    [
      n.lines(),
      n.flatMap('fm', "SPLIT(line, ' ')", 'word'),
      n.filter('f', "wrd <> ''"),
      n.filter('syntax', "word <> '' AND"),
      n.filter('notBool', 'CHAR_LENGTH(word)'),
      n.keyBy('k', 'word'),
      n.aggregate('agg', { total: 'SUM(lenght)', count: 'COUNT(*)' }),
      n.sink(),
    ],
    [
      'lines>fm',
      'fm>f',
      'fm>syntax',
      'fm>notBool',
      'fm>k',
      'k>agg',
      'agg>out',
      'f>out',
      'syntax>out',
      'notBool>out',
    ],
  );

  it('positions an unknown field at its column', () => {
    const problem = expressionProblem(graph, 'f', ['where']);
    expect(problem).toMatchObject({ column: 1, start: 0, end: 3, code: 'UNKNOWN_FIELD' });
    expect(problem?.message).toMatch(/wrd/);
    expect(problem?.message).toMatch(/word/); // did you mean
  });

  it('positions a syntax error', () => {
    const problem = expressionProblem(graph, 'syntax', ['where']);
    expect(problem).toMatchObject({ column: 15, start: 14 });
  });

  it('reports a condition that is not true/false across the whole text', () => {
    const problem = expressionProblem(graph, 'notBool', ['where']);
    expect(problem).toMatchObject({
      code: 'not-boolean',
      column: 1,
      start: 0,
      end: 'CHAR_LENGTH(word)'.length,
    });
  });

  it('checks aggregates against the input', () => {
    const problem = expressionProblem(graph, 'agg', ['aggregates', 'total']);
    expect(problem).toMatchObject({ code: 'UNKNOWN_FIELD', column: 5, start: 4, end: 10 });
    expect(expressionProblem(graph, 'agg', ['aggregates', 'count'])).toBeNull();
  });

  it('is null for a good expression, a missing node or a path that is not text', () => {
    expect(expressionProblem(graph, 'fm', ['explode'])).toBeNull();
    expect(expressionProblem(graph, 'ghost', ['where'])).toBeNull();
    expect(expressionProblem(graph, 'k', ['key'])).toBeNull();
  });

  it('checks only the syntax when the input is unknown', () => {
    const alone = graphOf([n.filter('f', 'x >'), n.filter('g', 'whatever > 1')], []);
    expect(expressionProblem(alone, 'f', ['where'])).toMatchObject({ code: 'SYNTAX_ERROR' });
    expect(expressionProblem(alone, 'g', ['where'])).toBeNull();
  });

  it('agrees with validateSpec on the column', () => {
    const problem = validateSpec({
      specVersion: 1,
      name: 'x',
      nodes: [n.lines(), n.filter('f', "line <> '' AND nope"), n.sink()],
      edges: [
        { from: 'lines', to: 'f' },
        { from: 'f', to: 'out' },
      ],
    }).problems[0];
    const g = graphOf([n.lines(), n.filter('f', "line <> '' AND nope"), n.sink()], ['lines>f', 'f>out']);
    expect(expressionProblem(g, 'f', ['where'])?.column).toBe(problem?.column);
  });
});

describe('fieldProblems', () => {
  it('lists the problems at and under a form field', () => {
    const graph = graphOf([n.lines(), n.keyBy('k', 'line', 'nope'), n.sink()], ['lines>k', 'k>out']);
    expect(fieldProblems(graph, 'k', ['key']).map((p) => p.path)).toEqual(['/nodes/1/key/1']);
    expect(fieldProblems(graph, 'lines', ['connector'])).toEqual([]);
  });
});
