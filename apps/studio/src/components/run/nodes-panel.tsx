'use client';
import type { JobDetail } from '@flowstate/api';
import { countersCaption, nodeCounts } from '../../lib/counters';
import { formatBytes, formatCount, formatDuration, formatRate, formatTime } from '../../lib/format';
import { nodeNames } from '../../lib/spec-nodes';
import { Card } from '../ui/feedback';

/**
 * Per-node figures from `job:metrics` (about once a second while the job runs), or the ones the server stored
 * once it no longer runs. In and Out are totals since the job's input began (carried over a restore), with the
 * rows since the restore under them. On the disk state backend a column says how many bytes each stateful node's
 * state stores take on disk (sampled with the figures). Event time is in TimePanel.
 */
export function NodesPanel({ job }: { job: JobDetail }) {
  const names = nodeNames(job.spec);
  const m = job.metrics;
  const onDisk = m?.nodes.some((n) => n.stateBytesOnDisk !== undefined) ?? false;
  return (
    <Card title="Nodes" titleId="nodes-title">
      <div className="overflow-x-auto p-4">
        {!m ? (
          <p className="text-sm text-muted">
            {job.live
              ? 'Figures appear as soon as the job’s engine reports them.'
              : 'This run ended before it reported any figures.'}
          </p>
        ) : (
          <>
            <p className="mb-2 text-xs text-muted">
              {job.metricsLive
                ? ''
                : `The run’s last figures, stored by the server${job.metricsAt ? ` at ${formatTime(job.metricsAt)}` : ''}. `}
              {countersCaption(m)}
            </p>
            <table className="w-full text-sm" aria-labelledby="nodes-title">
              <thead className="text-xs text-muted">
                <tr className="text-left">
                  <th className="pb-1.5 pr-3 font-medium">Node</th>
                  <th className="pb-1.5 pr-3 font-medium">Kind</th>
                  <th className="pb-1.5 pr-3 text-right font-medium">In</th>
                  <th className="pb-1.5 pr-3 text-right font-medium">Out</th>
                  <th className="pb-1.5 pr-3 text-right font-medium">In/s</th>
                  <th className="pb-1.5 pr-3 text-right font-medium">Out/s</th>
                  <th className="pb-1.5 pr-3 text-right font-medium">Keys</th>
                  {onDisk && (
                    <th
                      className="pb-1.5 pr-3 text-right font-medium"
                      title="Bytes the node’s state store files take on disk (disk state backend)"
                    >
                      State on disk
                    </th>
                  )}
                  <th className="pb-1.5 text-right font-medium">Backpressure</th>
                </tr>
              </thead>
              <tbody className="tabular-nums">
                {m.nodes.map((n) => {
                  const c = nodeCounts(n);
                  return (
                    <tr key={n.nodeId} className="border-t border-border/70 align-top">
                      <td className="py-1.5 pr-3 font-medium">{names.get(n.nodeId) ?? n.nodeId}</td>
                      <td className="py-1.5 pr-3 font-mono text-xs text-muted">
                        {n.kind}
                        {n.parallelism > 1 ? ` ×${n.parallelism}` : ''}
                      </td>
                      <td className="py-1.5 pr-3 text-right">
                        {c.in}
                        {c.inSince && <span className="block text-[11px] text-muted">{c.inSince}</span>}
                      </td>
                      <td className="py-1.5 pr-3 text-right">
                        {c.out}
                        {c.outSince && <span className="block text-[11px] text-muted">{c.outSince}</span>}
                      </td>
                      <td className="py-1.5 pr-3 text-right">{formatRate(n.recordsInPerSec)}</td>
                      <td className="py-1.5 pr-3 text-right">{formatRate(n.recordsOutPerSec)}</td>
                      <td className="py-1.5 pr-3 text-right">
                        {n.numKeys > 0 ? formatCount(n.numKeys) : '—'}
                      </td>
                      {onDisk && (
                        <td className="py-1.5 pr-3 text-right">
                          {n.stateBytesOnDisk !== undefined ? formatBytes(n.stateBytesOnDisk) : '—'}
                        </td>
                      )}
                      <td className="py-1.5 text-right">
                        {n.backpressureMs > 0 ? formatDuration(n.backpressureMs) : '—'}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </>
        )}
      </div>
    </Card>
  );
}
