'use client';
import type { JobDetail } from '@flowstate/api';
import { useEffect, useRef, useState } from 'react';
import { formatRate, formatTime } from '../../lib/format';
import { summarize, THROUGHPUT_WINDOW_MS, ThroughputHistory } from '../../lib/series';
import { LineChart, SERIES_COLORS } from '../ui/chart';
import { Card } from '../ui/feedback';

/** Shortest time span the axis shows (so the first samples do not fill the whole width). */
const MIN_SPAN_MS = 60_000;
/** Rows of the data table (newest samples). */
const TABLE_ROWS = 60;

/**
 * Rows/s into the pipeline (per source) and out of it (per sink) over the last 5 minutes, from the job's
 * metrics (`job:metrics`, about once a second). The history starts when the page opens.
 */
export function ThroughputChart({ job }: { job: JobDetail }) {
  const history = useRef<ThroughputHistory | null>(null);
  if (!history.current) history.current = new ThroughputHistory();
  const h = history.current;
  const [, setVersion] = useState(0);
  useEffect(() => {
    if (job.metrics && h.add(job.metrics, job.spec)) setVersion(h.version);
  }, [job.metrics, job.spec, h]);

  const to = Number.isFinite(h.latest) ? h.latest : Date.now();
  const first = Math.min(...h.series.map((s) => h.points(s.id)[0]?.t ?? to));
  const from = to - Math.min(THROUGHPUT_WINDOW_MS, Math.max(MIN_SPAN_MS, to - first));
  const series = h.series.map((s, i) => ({
    id: s.id,
    label: s.label,
    points: h.points(s.id, from),
    color: SERIES_COLORS[i % SERIES_COLORS.length]!,
  }));
  const summary = series.map((s) => {
    const f = summarize(s.points);
    return `${s.label}: latest ${formatRate(f.latest ?? 0)} rows/s, min ${formatRate(f.min ?? 0)}, max ${formatRate(f.max ?? 0)}.`;
  });

  // Data table: one row per sample time, newest first.
  const times = [...new Set(series.flatMap((s) => s.points.map((p) => p.t)))].sort((a, b) => b - a);
  const byId = new Map(series.map((s) => [s.id, new Map(s.points.map((p) => [p.t, p.v]))]));

  return (
    <Card title="Throughput" titleId="throughput-title">
      <div className="p-4">
        <LineChart
          title="Throughput"
          series={series}
          from={from}
          to={to}
          formatValue={formatRate}
          formatTick={formatTime}
          summary={[...summary, 'Rows per second over the last 5 minutes since this page opened.']}
          empty={
            job.live
              ? 'Waiting for the first figures…'
              : 'Throughput is charted while the job runs and this page is open.'
          }
          table={
            <table className="w-full text-xs tabular-nums">
              <caption className="sr-only">Throughput, rows per second, newest first</caption>
              <thead className="sticky top-0 bg-surface-2 text-muted">
                <tr>
                  <th className="px-2 py-1 text-left font-medium">Time</th>
                  {series.map((s) => (
                    <th key={s.id} className="px-2 py-1 text-right font-medium">
                      {s.label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {times.slice(0, TABLE_ROWS).map((t) => (
                  <tr key={t} className="border-t border-border/60">
                    <td className="px-2 py-0.5">{formatTime(t)}</td>
                    {series.map((s) => {
                      const v = byId.get(s.id)?.get(t);
                      return (
                        <td key={s.id} className="px-2 py-0.5 text-right">
                          {v === undefined ? '—' : formatRate(v)}
                        </td>
                      );
                    })}
                  </tr>
                ))}
              </tbody>
            </table>
          }
        />
      </div>
    </Card>
  );
}
