import { describe, expect, it } from 'vitest';
import { countersCaption, nodeCounts } from './counters';
import { formatTime } from './format';
import { jobMetrics, nodeMetrics } from './test-support';

describe('the run’s counters', () => {
  it('say what they count: since the start, or totals carried over from a checkpoint', () => {
    const m = jobMetrics(1000, []);
    expect(countersCaption(m)).toBe('In and Out count the rows since the run started.');
    const at = 1_700_000_000_000;
    expect(countersCaption({ ...m, countersSince: { cause: 'restore', at, checkpointId: 7 } })).toBe(
      `In and Out count the rows since the job's input began, carried over from checkpoint 7 (restored at ${formatTime(at)}); the figure under each counts the rows since then.`,
    );
    expect(countersCaption({ ...m, countersSince: { cause: 'restart', at, checkpointId: 3 } })).toBe(
      `In and Out count the rows since the job's input began, carried over from checkpoint 3 (restarted from it at ${formatTime(at)} after a failure); the figure under each counts the rows since then.`,
    );
    expect(countersCaption({ ...m, countersSince: { cause: 'restart', at, checkpointId: null } })).toBe(
      `The job restarted from the beginning at ${formatTime(at)} after a failure: In and Out count the rows since then.`,
    );
  });

  it('show the totals, and the rows since the restore when they differ', () => {
    expect(
      nodeCounts(
        nodeMetrics({ recordsIn: 2581, totalRecordsIn: 30412, recordsOut: 2581, totalRecordsOut: 30412 }),
      ),
    ).toEqual({
      in: '30,412',
      out: '30,412',
      inSince: '2,581 since',
      outSince: '2,581 since',
    });
    expect(nodeCounts(nodeMetrics({ recordsIn: 12, recordsOut: 0 }))).toEqual({
      in: '12',
      out: '0',
      inSince: null,
      outSince: null,
    });
  });
});
