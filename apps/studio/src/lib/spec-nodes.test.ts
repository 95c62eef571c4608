import { describe, expect, it } from 'vitest';
import { collectSinks, nodeNames, statefulNodes } from './spec-nodes';

const spec = {
  nodes: [
    { id: 'src', kind: 'source', connector: { type: 'datagen', fields: {} } },
    { id: 'byK', kind: 'keyBy', key: ['k'] },
    { id: 'win', kind: 'window', name: 'Per minute' },
    { id: 'agg', kind: 'aggregate' },
    { id: 'out', kind: 'sink', name: 'Results', connector: { type: 'collect' } },
    { id: 'hole', kind: 'sink', connector: { type: 'blackhole' } },
  ],
};

describe('spec nodes', () => {
  it('lists the nodes with keyed state and the collect sinks, by the spec package’s rules', () => {
    expect(statefulNodes(spec)).toEqual([
      { id: 'win', name: 'Per minute', kind: 'window' },
      { id: 'agg', name: 'agg', kind: 'aggregate' },
    ]);
    expect(collectSinks(spec)).toEqual([{ id: 'out', name: 'Results', kind: 'sink' }]);
    expect(statefulNodes(null)).toEqual([]);
    expect(collectSinks({ nodes: [{ id: 'x', kind: 'sink' }] })).toEqual([]);
  });

  it('names every node by its name, else its id', () => {
    expect([...nodeNames(spec)].slice(2, 5)).toEqual([
      ['win', 'Per minute'],
      ['agg', 'agg'],
      ['out', 'Results'],
    ]);
  });
});
