'use client';
/**
 * Event time and lateness, per node: the watermark (with its date), how far it is held behind the newest
 * event time and behind the clock, idle inputs, row errors with the newest one; per window, why it fires
 * (or does not) in a sentence, its open windows and next firing, and the late rows it dropped with a
 * sample of the newest ones. From `job:metrics`.
 */
import type { JobDetail } from '@flowstate/api';
import { TERMINAL_JOB_STATUSES } from '@flowstate/api';
import { formatCount, formatDuration } from '../../lib/format';
import { nodeNames } from '../../lib/spec-nodes';
import { type TimeFigures, timeFigures, windowDiagnosis } from '../../lib/time-figures';
import { useNow } from '../../lib/use-now';
import { EventTime } from '../ui/event-time';
import { Card } from '../ui/feedback';

/** A window's `time` setting by node id (event time unless the spec says processing). */
function windowTimes(spec: unknown): Map<string, 'event' | 'processing'> {
  const nodes = (spec as { nodes?: { id?: unknown; kind?: unknown; time?: unknown }[] } | null)?.nodes;
  const out = new Map<string, 'event' | 'processing'>();
  for (const n of Array.isArray(nodes) ? nodes : []) {
    if (n.kind === 'window') out.set(String(n.id), n.time === 'processing' ? 'processing' : 'event');
  }
  return out;
}

export function TimePanel({ job }: { job: JobDetail }) {
  const ended = TERMINAL_JOB_STATUSES.includes(job.status);
  const now = useNow(1000, !ended);
  const names = nodeNames(job.spec);
  const m = job.metrics;
  const figures = m ? timeFigures(m, now) : [];
  const times = windowTimes(job.spec);
  return (
    <Card title="Event time and lateness" titleId="time-title">
      <div className="space-y-4 overflow-x-auto p-4">
        {!m ? (
          <p className="text-sm text-muted">Live figures are shown while the job&apos;s engine runs.</p>
        ) : (
          <>
            <table className="w-full text-sm" aria-labelledby="time-title">
              <thead className="text-xs text-muted">
                <tr className="text-left">
                  <th className="pb-1.5 pr-3 font-medium">Node</th>
                  <th className="pb-1.5 pr-3 font-medium">Watermark</th>
                  <th className="pb-1.5 pr-3 font-medium">Newest event</th>
                  <th className="pb-1.5 pr-3 text-right font-medium">Held back</th>
                  <th className="pb-1.5 pr-3 text-right font-medium">Behind the clock</th>
                  <th className="pb-1.5 pr-3 text-right font-medium">Idle inputs</th>
                  <th className="pb-1.5 text-right font-medium">Row errors</th>
                </tr>
              </thead>
              <tbody className="tabular-nums">
                {figures.map((f) => (
                  <tr key={f.nodeId} className="border-t border-border/70 align-top">
                    <td className="py-1.5 pr-3 font-medium">{names.get(f.nodeId) ?? f.nodeId}</td>
                    <td className="whitespace-nowrap py-1.5 pr-3">
                      <EventTime ms={f.watermark} />
                    </td>
                    <td className="whitespace-nowrap py-1.5 pr-3">
                      <EventTime ms={f.maxEventTime} />
                    </td>
                    <td className="py-1.5 pr-3 text-right">{formatDuration(f.heldBackMs)}</td>
                    <td className="py-1.5 pr-3 text-right">
                      {ended ? '—' : formatDuration(f.behindClockMs)}
                    </td>
                    <td className="py-1.5 pr-3 text-right">
                      {f.inputs === 0 ? '—' : `${f.idleInputs} of ${f.inputs}`}
                    </td>
                    <td className="py-1.5 text-right">
                      <RowErrors f={f} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {figures
              .filter((f) => f.window !== null)
              .map((f) => (
                <WindowTime
                  key={f.nodeId}
                  f={f}
                  name={names.get(f.nodeId) ?? f.nodeId}
                  time={times.get(f.nodeId) ?? 'event'}
                  ended={ended}
                />
              ))}
          </>
        )}
      </div>
    </Card>
  );
}

function RowErrors({ f }: { f: TimeFigures }) {
  if (f.rowErrors === 0) return <span className="text-muted">0</span>;
  const e = f.lastRowError;
  return (
    <span className="text-danger" title={e ? `${e.code}: ${e.message} (${e.position})` : undefined}>
      {formatCount(f.rowErrors)}
      {e && <span className="block max-w-xs truncate text-xs">{e.message}</span>}
    </span>
  );
}

function WindowTime({
  f,
  name,
  time,
  ended,
}: {
  f: TimeFigures;
  name: string;
  time: 'event' | 'processing';
  ended: boolean;
}) {
  const w = f.window!;
  const headingId = `window-time-${f.nodeId}`;
  return (
    <section aria-labelledby={headingId} className="rounded-lg border border-border bg-surface-2/60 p-3">
      <h3 id={headingId} className="text-sm font-semibold">
        {name} <span className="font-normal text-muted">(window, {time} time)</span>
      </h3>
      <p className="mt-1 text-sm">{windowDiagnosis(f, time, ended)}</p>
      <dl className="mt-2 flex flex-wrap gap-x-6 gap-y-1 text-sm tabular-nums">
        <div className="flex gap-1.5">
          <dt className="text-muted">Open windows</dt>
          <dd>{formatCount(w.open)}</dd>
        </div>
        <div className="flex gap-1.5">
          <dt className="text-muted">Next fires at</dt>
          <dd>
            <EventTime ms={w.nextFireAt} />
          </dd>
        </div>
        <div className="flex gap-1.5">
          <dt className="text-muted">Late rows dropped</dt>
          <dd className={w.lateDropped > 0 ? 'font-semibold text-warn' : ''}>{formatCount(w.lateDropped)}</dd>
        </div>
      </dl>
      {w.lateSample.length > 0 && (
        <table className="mt-2 w-full max-w-2xl text-sm" aria-label={`Late rows of ${name}`}>
          <caption className="pb-1 text-left text-xs text-muted">The newest late rows dropped</caption>
          <thead className="text-xs text-muted">
            <tr className="text-left">
              <th className="pb-1 pr-3 font-medium">Event time</th>
              <th className="pb-1 pr-3 font-medium">Watermark it missed</th>
              <th className="pb-1 text-right font-medium">Behind it by</th>
            </tr>
          </thead>
          <tbody className="tabular-nums">
            {w.lateSample.map((r, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: the sample is replaced whole with every sample
              <tr key={i} className="border-t border-border/70">
                <td className="py-1 pr-3">
                  <EventTime ms={r.ts} />
                </td>
                <td className="py-1 pr-3">
                  <EventTime ms={r.watermark} />
                </td>
                <td className="py-1 text-right">{formatDuration(r.behindMs)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
