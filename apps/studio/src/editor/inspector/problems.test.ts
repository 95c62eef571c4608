import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../analysis';
import { graphOf, n } from '../test-support';
import type { SpecNodeInput } from '../types';
import { labelledProblem, problemText } from './problems';

const window = (assigner: Record<string, unknown>): SpecNodeInput =>
  ({ id: 'w', kind: 'window', assigner, aggregates: { count: 'COUNT(*)' } }) as unknown as SpecNodeInput;

/** Every problem of the graph as the studio shows it. */
function shown(nodes: SpecNodeInput[], edges: `${string}>${string}`[], settings?: Record<string, unknown>) {
  const graph = { ...graphOf(nodes, edges), ...(settings ? { settings } : {}) };
  return analyzeGraph(graph).problems.map((p) => labelledProblem(graph, p));
}

describe('problems with the form’s labels', () => {
  const chain = ['events>k', 'k>w', 'w>out'] as const;

  it('an emptied window size: required, by its label — and the other problems are all there', () => {
    expect(
      shown([n.events(), n.keyBy('k', 'user'), window({ type: 'tumbling' })], ['events>k', 'k>w']),
    ).toEqual([
      'the job has no sink: add a sink node (collect, console, blackhole or file) to send its results to',
      'Size is required',
    ]);
  });

  it('a size of 0 and a slide larger than the size', () => {
    expect(
      shown(
        [n.events(), n.keyBy('k', 'user'), window({ type: 'tumbling', sizeMs: 0 }), n.sink()],
        [...chain],
      ),
    ).toEqual(['Size must be positive']);
    expect(
      shown(
        [
          n.events(),
          n.keyBy('k', 'user'),
          window({ type: 'sliding', sizeMs: 1000, slideMs: 5000 }),
          n.sink(),
        ],
        [...chain],
      ),
    ).toEqual([
      "window 'w': Slide (5000) is larger than Size (1000), so rows between windows would be lost: make Slide at most Size (equal gives tumbling windows)",
    ]);
  });

  it('job settings and datagen generators', () => {
    expect(shown([n.events(), n.sink()], ['events>out'], { checkpointing: { intervalMs: -1 } })).toEqual([
      'Checkpoint interval must not be negative',
    ]);
    const events = n.events() as { connector: { fields: Record<string, unknown> } };
    events.connector.fields.amount = { kind: 'random', min: 0, max: 'ten' };
    expect(shown([events as SpecNodeInput, n.sink()], ['events>out'])).toEqual([
      'Max of amount: expected a number, got a string',
    ]);
  });

  it('a message that does not name the property gets the label in front', () => {
    const field = {
      key: 'connector.path',
      label: 'Path',
      path: ['connector', 'path'],
      input: 'text',
    } as const;
    expect(problemText({ code: 'schema/too_small', message: 'file source needs a path' }, field)).toBe(
      'Path: file source needs a path',
    );
    expect(problemText({ code: 'not-keyed', message: 'as it is' }, null)).toBe('as it is');
  });
});
