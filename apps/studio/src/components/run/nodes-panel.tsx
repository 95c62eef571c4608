'use client';
import type { JobDetail } from '@flowstate/api';
import { formatCount, formatDuration, formatRate } from '../../lib/format';
import { nodeNames } from '../../lib/spec-nodes';
import { Card } from '../ui/feedback';

/** Per-node throughput from `job:metrics` (about once a second while the job runs); event time is in TimePanel. */
export function NodesPanel({ job }: { job: JobDetail }) {
  const names = nodeNames(job.spec);
  const m = job.metrics;
  return (
    <Card title="Nodes" titleId="nodes-title">
      <div className="overflow-x-auto p-4">
        {!m ? (
          <p className="text-sm text-muted">Live figures are shown while the job&apos;s engine runs.</p>
        ) : (
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
                <th className="pb-1.5 text-right font-medium">Backpressure</th>
              </tr>
            </thead>
            <tbody className="tabular-nums">
              {m.nodes.map((n) => (
                <tr key={n.nodeId} className="border-t border-border/70">
                  <td className="py-1.5 pr-3 font-medium">{names.get(n.nodeId) ?? n.nodeId}</td>
                  <td className="py-1.5 pr-3 font-mono text-xs text-muted">
                    {n.kind}
                    {n.parallelism > 1 ? ` ×${n.parallelism}` : ''}
                  </td>
                  <td className="py-1.5 pr-3 text-right">{formatCount(n.recordsIn)}</td>
                  <td className="py-1.5 pr-3 text-right">{formatCount(n.recordsOut)}</td>
                  <td className="py-1.5 pr-3 text-right">{formatRate(n.recordsInPerSec)}</td>
                  <td className="py-1.5 pr-3 text-right">{formatRate(n.recordsOutPerSec)}</td>
                  <td className="py-1.5 pr-3 text-right">{n.numKeys > 0 ? formatCount(n.numKeys) : '—'}</td>
                  <td className="py-1.5 text-right">
                    {n.backpressureMs > 0 ? formatDuration(n.backpressureMs) : '—'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </Card>
  );
}
