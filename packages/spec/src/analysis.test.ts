import { describe, expect, it } from 'vitest';
import { hasEventTime } from './analysis';
import { validateSpec } from './validate';

const source = (id: string, watermark: boolean) => ({
  id,
  kind: 'source',
  connector: {
    type: 'datagen',
    rowsPerSecond: 10,
    count: 10,
    fields: { k: { kind: 'sequence' }, ts: { kind: 'sequence' } },
  },
  schema: { k: 'int', ts: 'int' },
  ...(watermark ? { watermark: { timestampField: 'ts' } } : {}),
});

function analysis(nodes: unknown[], edges: unknown[]) {
  const r = validateSpec({ specVersion: 1, name: 't', nodes, edges });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.analysis;
}

describe('hasEventTime', () => {
  it('is true when every source upstream has a watermark, false when one has none', () => {
    const a = analysis(
      [
        source('a', true),
        source('b', true),
        source('c', false),
        { id: 'ab', kind: 'filter', where: 'k >= 0' },
        { id: 'abc', kind: 'filter', where: 'k >= 0' },
        { id: 'out1', kind: 'sink', connector: { type: 'collect' } },
        { id: 'out2', kind: 'sink', connector: { type: 'collect' } },
      ],
      [
        { from: 'a', to: 'ab' },
        { from: 'b', to: 'ab' },
        { from: 'ab', to: 'out1' },
        { from: 'ab', to: 'abc' },
        { from: 'c', to: 'abc' },
        { from: 'abc', to: 'out2' },
      ],
    );
    expect([
      hasEventTime(a, 'a'),
      hasEventTime(a, 'c'),
      hasEventTime(a, 'out1'),
      hasEventTime(a, 'out2'),
    ]).toEqual([true, false, true, false]);
    expect(() => hasEventTime(a, 'nope')).toThrow("hasEventTime: no node 'nope' in the analysis");
  });
});
