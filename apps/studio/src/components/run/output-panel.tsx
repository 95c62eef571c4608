'use client';
import type { JobDetail, OutputRowsEvent } from '@flowstate/api';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiRequestError, api } from '../../lib/api';
import { formatCount, formatTime, valueText } from '../../lib/format';
import { OutputRows } from '../../lib/output-rows';
import { useSocketEvents } from '../../lib/socket';
import type { NodeRef } from '../../lib/spec-nodes';
import { timestampColumns } from '../../lib/state-rows';
import { Button } from '../ui/button';
import { EventTime } from '../ui/event-time';
import { Card, ErrorBanner } from '../ui/feedback';
import { NodePicker } from './node-picker';

/** Rows kept in the browser per sink (the newest; the server's page limit too). */
const KEEP = 10_000;
const ROW_HEIGHT = 30;

/**
 * Output of collect sinks, live: the newest rows first; a rollback (new epoch) replaces them. Once the run no
 * longer runs on the server, the newest rows the server stored of it (FLOWSTATE_OUTPUT_KEEP_ROWS).
 */
export function OutputPanel({ job, sinks }: { job: JobDetail; sinks: NodeRef[] }) {
  const [nodeId, setNodeId] = useState(sinks[0]!.id);
  const node = sinks.find((s) => s.id === nodeId) ?? sinks[0]!;
  return (
    <Card
      title={`Output of ${node.name}`}
      titleId="output-title"
      actions={<NodePicker label="Sink" nodes={sinks} value={node.id} onChange={setNodeId} />}
    >
      <OutputTable
        key={node.id}
        jobId={job.id}
        node={node}
        timeColumns={timestampColumns(job.spec, node.id)}
      />
    </Card>
  );
}

function OutputTable({
  jobId,
  node,
  timeColumns,
}: {
  jobId: string;
  node: NodeRef;
  /** Columns that hold event times (shown as times, the epoch value on hover). */
  timeColumns: ReadonlySet<string>;
}) {
  const held = useRef(new OutputRows(KEEP));
  const [version, setVersion] = useState(0);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<unknown>(null);
  /** When the rows shown were stored by the server (the run no longer runs there); null: live rows. */
  const [storedAt, setStoredAt] = useState<string | null>(null);
  /** null: following the newest rows; a number: the view is frozen at that `next`. */
  const [pausedAt, setPausedAt] = useState<number | null>(null);
  const loadSeq = useRef(0);

  const load = useCallback(async () => {
    const seq = ++loadSeq.current;
    setError(null);
    try {
      const page = await api.getOutput(jobId, node.id, { limit: KEEP });
      if (seq !== loadSeq.current) return;
      held.current.reset(page);
      setStoredAt(page.live ? null : (page.storedAt ?? ''));
      setLoaded(true);
      setVersion(held.current.version);
    } catch (e) {
      if (seq === loadSeq.current) setError(e);
    }
  }, [jobId, node.id]);

  useEffect(() => {
    void load();
    return () => {
      loadSeq.current++;
    };
  }, [load]);

  useSocketEvents({
    'output:rows': (e: OutputRowsEvent) => {
      if (e.jobId !== jobId || e.nodeId !== node.id) return;
      const r = held.current.append(e);
      if (r === 'reload') {
        // First rows, a rollback (restore: new epoch) or missed rows: re-read the newest rows.
        setPausedAt(null);
        void load();
      } else if (r === 'appended') setVersion(held.current.version);
    },
  });

  const h = held.current;
  const upTo = pausedAt ?? h.next;
  const count = h.countUpTo(upTo);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` stands for the mutable rows' content
  const columns = useMemo(() => h.columns(), [version, h]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 10,
  });

  if (error) {
    const notRunning = error instanceof ApiRequestError && error.code === 'job-not-running';
    return (
      <div className="p-4">
        {notRunning ? (
          <p className="break-words text-sm text-muted">{(error as ApiRequestError).message}</p>
        ) : (
          <ErrorBanner
            error={error}
            action={
              <Button size="sm" onClick={() => void load()}>
                Retry
              </Button>
            }
          />
        )}
      </div>
    );
  }

  const newer = pausedAt === null ? 0 : h.next - pausedAt;
  const gridTemplate = `4.5rem ${columns.length === 0 ? 'minmax(6rem,1fr)' : columns.map((c) => (timeColumns.has(c) ? 'minmax(13rem,1.4fr)' : 'minmax(6rem,1fr)')).join(' ')}`;
  return (
    <div className="p-4">
      <div className="mb-2 flex flex-wrap items-center gap-3">
        <p className="text-xs text-muted" aria-live="polite">
          {!loaded
            ? 'Loading output…'
            : storedAt !== null
              ? `${formatCount(h.next)} rows · the newest ${formatCount(h.length)}, stored by the server${storedAt ? ` at ${formatTime(storedAt)}` : ''} (the run no longer runs) · newest first`
              : `${formatCount(h.next)} rows${h.next > h.length ? ` · the newest ${formatCount(h.length)} kept` : ''} · newest first${
                  pausedAt !== null
                    ? ` · paused${newer > 0 ? `, ${formatCount(newer)} newer not shown` : ''}`
                    : ''
                }`}
        </p>
        <Button
          size="sm"
          className="ml-auto"
          disabled={!loaded || storedAt !== null}
          onClick={() => setPausedAt((p) => (p === null ? h.next : null))}
          title={pausedAt === null ? 'Freeze the list while you read it' : 'Show new rows as they arrive'}
        >
          {pausedAt === null ? 'Pause' : 'Follow new rows'}
        </Button>
      </div>
      {loaded && count === 0 ? (
        <p className="py-6 text-center text-sm text-muted">No rows yet.</p>
      ) : (
        <div
          ref={scrollRef}
          // biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable content must be reachable by keyboard
          tabIndex={0}
          className="h-[22rem] overflow-auto rounded-lg border border-border"
        >
          <table
            className="grid w-full text-sm"
            aria-label={`Output of ${node.name}`}
            aria-rowcount={count + 1}
          >
            <thead className="sticky top-0 z-10 grid bg-surface-2 text-xs text-muted">
              <tr aria-rowindex={1} className="grid text-left" style={{ gridTemplateColumns: gridTemplate }}>
                <th className="px-3 py-1.5 text-right font-medium">#</th>
                {columns.map((c) => (
                  <th key={c} className="truncate px-3 py-1.5 font-medium">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody
              className="relative grid tabular-nums"
              style={{ height: Math.max(virtualizer.getTotalSize(), ROW_HEIGHT) }}
            >
              {virtualizer.getVirtualItems().map((item) => {
                const seq = upTo - 1 - item.index;
                const r = h.bySeq(seq);
                return (
                  <tr
                    key={seq}
                    aria-rowindex={item.index + 2}
                    className="absolute left-0 grid w-full border-t border-border/60"
                    style={{
                      height: ROW_HEIGHT,
                      transform: `translateY(${item.start}px)`,
                      gridTemplateColumns: gridTemplate,
                    }}
                  >
                    <td className="px-3 py-1 text-right text-xs text-muted">{seq}</td>
                    {columns.map((c) => (
                      <td key={c} className="truncate px-3 py-1">
                        {r && timeColumns.has(c) && typeof r[c] === 'number' ? (
                          <EventTime ms={r[c]} />
                        ) : r ? (
                          valueText(r[c])
                        ) : (
                          ''
                        )}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
