'use client';
import { formatDateTime, formatTime } from '../../lib/format';
import { type EventTone, eventKind } from '../../lib/job-events';
import { useJobEvents } from '../../lib/queries';
import { Button } from '../ui/button';
import { Card, EmptyState, ErrorBanner, Loading } from '../ui/feedback';

const TONES: Record<EventTone, string> = {
  neutral: 'bg-surface-2 text-muted',
  ok: 'bg-ok-soft text-ok',
  warn: 'bg-warn-soft text-warn',
  danger: 'bg-danger-soft text-danger',
};

/**
 * The job's log (`GET /api/jobs/:id/events`), newest first: status changes, checkpoints, restores, restarts
 * with their cause. The run view adds `job:event`s from the socket to the same query as they arrive.
 */
export function EventsPanel({ jobId }: { jobId: string }) {
  const events = useJobEvents(jobId);
  return (
    <Card title="Event log" titleId="events-title">
      <div className="p-4">
        {events.isPending ? (
          <Loading label="Loading events…" />
        ) : events.isError ? (
          <ErrorBanner
            error={events.error}
            action={
              <Button size="sm" onClick={() => void events.refetch()}>
                Retry
              </Button>
            }
          />
        ) : events.data.events.length === 0 ? (
          <EmptyState title="No events yet">
            Status changes, checkpoints and restarts are listed here.
          </EmptyState>
        ) : (
          <div
            // biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable content must be reachable by keyboard
            tabIndex={0}
            className="max-h-[22rem] overflow-auto rounded-lg border border-border"
          >
            <table className="w-full text-sm" aria-labelledby="events-title">
              <thead className="sticky top-0 bg-surface-2 text-xs text-muted">
                <tr className="text-left">
                  <th className="px-2 py-1.5 font-medium">Time</th>
                  <th className="px-2 py-1.5 font-medium">Kind</th>
                  <th className="px-2 py-1.5 font-medium">Message</th>
                </tr>
              </thead>
              <tbody>
                {events.data.events.map((e) => {
                  const kind = eventKind(e);
                  return (
                    <tr key={e.id} className="border-t border-border/70 align-top">
                      <td className="whitespace-nowrap px-2 py-1.5 tabular-nums text-muted">
                        <time dateTime={e.at} title={formatDateTime(e.at)}>
                          {formatTime(e.at)}
                        </time>
                      </td>
                      <td className="whitespace-nowrap px-2 py-1.5">
                        <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${TONES[kind.tone]}`}>
                          {kind.label}
                        </span>
                      </td>
                      <td className="break-words px-2 py-1.5">{e.message}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </Card>
  );
}
