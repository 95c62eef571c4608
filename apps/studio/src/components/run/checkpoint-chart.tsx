'use client';
import type { JobDetail } from '@flowstate/api';
import { bytesWritten, checkpointSizeText } from '../../lib/checkpoint-size';
import { formatBytes, formatDuration } from '../../lib/format';
import { useCheckpoints } from '../../lib/queries';
import { type CheckpointPoint, checkpointSeries, summarize } from '../../lib/series';
import { BarChart } from '../ui/chart';
import { Card, ErrorBanner, Loading } from '../ui/feedback';

const COLOR = {
  checkpoint: 'var(--accent)',
  savepoint: 'var(--warn)',
  failed: 'var(--danger)',
} as const;

function colorOf(c: CheckpointPoint): string {
  return c.status === 'failed' ? COLOR.failed : COLOR[c.kind];
}

function Legend({ points }: { points: CheckpointPoint[] }) {
  const items: [string, string][] = [['checkpoint', COLOR.checkpoint]];
  if (points.some((p) => p.kind === 'savepoint' && p.status !== 'failed'))
    items.push(['savepoint', COLOR.savepoint]);
  if (points.some((p) => p.status === 'failed')) items.push(['failed', COLOR.failed]);
  return (
    <ul className="flex flex-wrap gap-x-3 text-xs" aria-label="Bar colours">
      {items.map(([label, color]) => (
        <li key={label} className="inline-flex items-center gap-1.5">
          <span
            aria-hidden="true"
            className="inline-block h-2.5 w-2.5 rounded-sm"
            style={{ background: color }}
          />
          {label}
        </li>
      ))}
    </ul>
  );
}

/** Duration and size of each finished checkpoint, by id; refreshed with the history (`checkpoint:*`). */
export function CheckpointChart({ job }: { job: JobDetail }) {
  const checkpoints = useCheckpoints(job.id);
  const points = checkpointSeries(checkpoints.data?.checkpoints ?? []);
  const last = points[points.length - 1];
  const dur = summarize(points.map((p) => ({ t: p.checkpointId, v: p.durationMs })));
  // Bars are what each checkpoint wrote: an incremental one (disk backend) its own part, any other all of it.
  const sized = points.filter((p) => bytesWritten(p) !== null);
  const size = summarize(sized.map((p) => ({ t: p.checkpointId, v: bytesWritten(p)! })));
  const incremental = sized.some((p) => p.incrementalSizeBytes !== null);
  const lastSized = sized[sized.length - 1];
  const failed = points.filter((p) => p.status === 'failed').length;

  const table = (
    <table className="w-full text-xs tabular-nums">
      <caption className="sr-only">Checkpoint durations and sizes, newest first</caption>
      <thead className="sticky top-0 bg-surface-2 text-muted">
        <tr>
          <th className="px-2 py-1 text-left font-medium">ID</th>
          <th className="px-2 py-1 text-left font-medium">Kind</th>
          <th className="px-2 py-1 text-left font-medium">Status</th>
          <th className="px-2 py-1 text-right font-medium">Duration</th>
          <th className="px-2 py-1 text-right font-medium">Size</th>
        </tr>
      </thead>
      <tbody>
        {[...points].reverse().map((p) => (
          <tr key={p.checkpointId} className="border-t border-border/60">
            <td className="px-2 py-0.5">{p.checkpointId}</td>
            <td className="px-2 py-0.5">{p.kind}</td>
            <td className="px-2 py-0.5">{p.status}</td>
            <td className="px-2 py-0.5 text-right">{formatDuration(p.durationMs)}</td>
            <td className="px-2 py-0.5 text-right">{checkpointSizeText(p).text}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );

  return (
    <Card title="Checkpoint history" titleId="checkpoint-chart-title" actions={<Legend points={points} />}>
      <div className="grid gap-5 p-4 sm:grid-cols-2">
        {checkpoints.isPending ? (
          <Loading label="Loading checkpoints…" />
        ) : checkpoints.isError ? (
          <div className="sm:col-span-2">
            <ErrorBanner error={checkpoints.error} />
          </div>
        ) : (
          <>
            <BarChart
              title="Checkpoint duration"
              heading="Duration"
              bars={points.map((p) => ({
                label: String(p.checkpointId),
                value: p.durationMs,
                color: colorOf(p),
                title: `${p.kind} ${p.checkpointId}: ${formatDuration(p.durationMs)} (${p.status})`,
              }))}
              formatValue={(v) => formatDuration(v)}
              minTickStep={1}
              empty="No finished checkpoint yet."
              summary={
                last
                  ? [
                      `Latest: ${last.kind} ${last.checkpointId}, ${formatDuration(last.durationMs)} (${last.status}).`,
                      `Min ${formatDuration(dur.min)}, max ${formatDuration(dur.max)} over ${dur.count} checkpoint${dur.count === 1 ? '' : 's'}${failed ? `, ${failed} failed` : ''}.`,
                    ]
                  : []
              }
              table={table}
            />
            <BarChart
              title="Checkpoint size"
              heading={incremental ? 'Size written' : 'Size'}
              bars={sized.map((p) => ({
                label: String(p.checkpointId),
                value: bytesWritten(p)!,
                color: colorOf(p),
                title: `${p.kind} ${p.checkpointId}: ${checkpointSizeText(p).text}`,
              }))}
              formatValue={(v) => formatBytes(v)}
              minTickStep={1}
              tickUnit={(size.max ?? 0) >= 2 ** 20 ? 2 ** 20 : (size.max ?? 0) >= 1024 ? 1024 : 1}
              empty="No completed checkpoint yet."
              summary={
                lastSized
                  ? [
                      `Latest: ${lastSized.kind} ${lastSized.checkpointId}, ${checkpointSizeText(lastSized).text}.`,
                      `${incremental ? 'Written: min' : 'Min'} ${formatBytes(size.min)}, max ${formatBytes(size.max)} over ${size.count} checkpoint${size.count === 1 ? '' : 's'}.`,
                    ]
                  : []
              }
              table={table}
            />
          </>
        )}
      </div>
    </Card>
  );
}
