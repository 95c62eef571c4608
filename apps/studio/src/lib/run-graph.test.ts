import { describe, expect, it } from 'vitest';
import { loadExamples } from '../editor/test-support';
import { inputsSummary, runGraph } from './run-graph';

const example = (name: string) => loadExamples().find((e) => e.name === name)!.spec;

describe('runGraph', () => {
  it('gives a join two input handles, left above right, each edge on the handle of its spec input', () => {
    const g = runGraph(example('nexmark-q3'))!;
    const join = g.nodes.find((n) => n.id === 'sellers')!;
    expect(join.inputs).toEqual([
      { id: 'left', top: '33.333333333333336%', side: 'left', name: 'Left input', from: ['Key by seller'] },
      { id: 'right', top: '66.66666666666667%', side: 'right', name: 'Right input', from: ['Key by person'] },
    ]);
    expect(g.edges.filter((e) => e.target === 'sellers')).toEqual([
      {
        id: 'bySeller->sellers:left',
        source: 'bySeller',
        target: 'sellers',
        sourceHandle: 'main',
        targetHandle: 'left',
      },
      {
        id: 'byPerson->sellers:right',
        source: 'byPerson',
        target: 'sellers',
        sourceHandle: 'main',
        targetHandle: 'right',
      },
    ]);
    expect(inputsSummary(join)).toBe('Left input from Key by seller; Right input from Key by person');
  });

  it('names a temporal join’s sides as the editor does: the probe side and the versioned table', () => {
    const spec = structuredClone(example('nexmark-q3'));
    const join = spec.nodes.find((n) => n.id === 'sellers')!;
    Object.assign(join, { kind: 'temporalJoin', type: 'inner' });
    const node = runGraph(spec)!.nodes.find((n) => n.id === 'sellers')!;
    expect(node.inputs.map((i) => [i.id, i.name])).toEqual([
      ['left', 'Probe side (left)'],
      ['right', 'Versioned table (right)'],
    ]);
    expect(inputsSummary(node)).toBe(
      'Probe side (left) from Key by seller; Versioned table (right) from Key by person',
    );
  });

  it('a union into one side lists every node feeding it; an unfed side reads nothing', () => {
    const spec = structuredClone(example('nexmark-q3'));
    spec.edges = spec.edges!.filter((e) => e.from !== 'byPerson');
    spec.edges.push({ from: 'category10', to: 'sellers', input: 'left' });
    const node = runGraph(spec)!.nodes.find((n) => n.id === 'sellers')!;
    expect(node.inputs.map((i) => [i.id, i.from])).toEqual([
      ['left', ['Key by seller', 'Category 10']],
      ['right', []],
    ]);
    expect(inputsSummary(node)).toBe(
      'Left input from Key by seller and Category 10; Right input from nothing',
    );
  });

  it('other nodes keep one `in` handle in the middle; a window has main above late, its late edge labelled', () => {
    const g = runGraph(example('ad-clicks'))!;
    const byAd = g.nodes.find((n) => n.id === 'byAd')!;
    expect(byAd.inputs).toEqual([
      {
        id: 'in',
        top: undefined,
        side: null,
        name: null,
        from: ['Count the impression', 'Click within 10 s'],
      },
    ]);
    expect(byAd.key).toEqual(['adId']);
    expect(inputsSummary(byAd)).toBeNull();
    expect(g.nodes.find((n) => n.id === 'adEvents')!.inputs).toEqual([]);
    expect(g.nodes.find((n) => n.id === 'out')!.outputs).toEqual([]);
    expect(g.nodes.find((n) => n.id === 'clicksPerMinute')!.outputs).toEqual([
      { id: 'main', top: '33.333333333333336%' },
      { id: 'late', top: '66.66666666666667%' },
    ]);
    const spec = structuredClone(example('ad-clicks'));
    spec.nodes.push({ id: 'lateRows', kind: 'sink', connector: { type: 'collect' } } as never);
    spec.edges!.push({ from: 'clicksPerMinute', to: 'lateRows', port: 'late' });
    spec.layout = { ...spec.layout, lateRows: { x: 1400, y: 400 } };
    expect(runGraph(spec)!.edges.find((e) => e.target === 'lateRows')).toEqual({
      id: 'clicksPerMinute:late->lateRows',
      source: 'clicksPerMinute',
      target: 'lateRows',
      sourceHandle: 'late',
      targetHandle: 'in',
      label: 'late',
    });
  });

  it('is null for a spec that cannot be drawn', () => {
    expect(runGraph({ nope: true })).toBeNull();
  });
});
