import { describe, expect, it } from 'vitest';
import { specToGraph } from '../convert';
import { loadExamples } from '../test-support';
import {
  addMapField,
  appendKey,
  describeExpressionProblem,
  draftExpressionProblem,
  moveKey,
  readField,
} from './index';

describe('map fields editor model', () => {
  it('moves, appends and adds fields', () => {
    const fields = { a: 'x', b: 'y', c: 'z' };
    expect(Object.keys(moveKey(fields, 'b', -1))).toEqual(['b', 'a', 'c']);
    expect(Object.keys(moveKey(fields, 'b', 1))).toEqual(['a', 'c', 'b']);
    expect(moveKey(fields, 'a', -1)).toBe(fields);
    expect(moveKey(fields, 'c', 1)).toBe(fields);
    expect(appendKey(fields, 'a', 'w')).toEqual({ ...fields, a2: 'w' });
    const input = [
      { name: 'a', type: 'int' },
      { name: 'select', type: 'string' },
    ];
    expect(addMapField({ a: 'a' }, input)).toEqual({ a: 'a', select: '`select`' });
    expect(addMapField({ a: 'a', select: 'x' }, input)).toEqual({ a: 'a', select: 'x', field1: '' });
  });

  it('checks a draft expression as if it were written', () => {
    const graph = specToGraph(loadExamples().find((e) => e.name === 'word-count')!.spec);
    expect(draftExpressionProblem(graph, 'nonEmpty', ['where'], "word <> ''")).toBeNull();
    const problem = draftExpressionProblem(graph, 'nonEmpty', ['where'], 'wrd <> 1');
    expect(problem).toMatchObject({ column: 1 });
    expect(describeExpressionProblem(problem!)).toMatch(/^Column 1: .*wrd/);
    expect(describeExpressionProblem(problem!)).not.toMatch(/at column/);
    // The graph itself is untouched.
    expect(readField(graph.nodes.find((n) => n.id === 'nonEmpty')!, ['where'])).toBe("word <> ''");
  });
});
