/**
 * What a run's row counters count, in words. The engine reports each node's rows twice (JobMetrics): since the
 * job's input began (`totalRecordsIn/Out`, carried over from the checkpoint a restore or restart started from,
 * exactly once like the state) and since the current attempt started (`recordsIn/Out`, as Flink's
 * numRecordsIn/Out). The Nodes table shows the totals, and under them the attempt's rows when they differ.
 */
import type { JobMetrics, NodeMetrics } from '@flowstate/api';
import { formatCount, formatTime } from './format';

/** The sentence over the Nodes table. */
export function countersCaption(m: JobMetrics): string {
  const s = m.countersSince;
  const at = formatTime(s.at);
  if (s.cause === 'start') return 'In and Out count the rows since the run started.';
  if (s.checkpointId === null)
    return `The job restarted from the beginning at ${at} after a failure: In and Out count the rows since then.`;
  const how = s.cause === 'restore' ? `restored at ${at}` : `restarted from it at ${at} after a failure`;
  return `In and Out count the rows since the job's input began, carried over from checkpoint ${s.checkpointId} (${how}); the figure under each counts the rows since then.`;
}

/** A node's In and Out as the table shows them: the totals, and the attempt's rows when they differ. */
export function nodeCounts(n: NodeMetrics): {
  in: string;
  out: string;
  inSince: string | null;
  outSince: string | null;
} {
  return {
    in: formatCount(n.totalRecordsIn),
    out: formatCount(n.totalRecordsOut),
    inSince: n.totalRecordsIn !== n.recordsIn ? `${formatCount(n.recordsIn)} since` : null,
    outSince: n.totalRecordsOut !== n.recordsOut ? `${formatCount(n.recordsOut)} since` : null,
  };
}
