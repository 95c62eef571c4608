'use client';
import type { JobDetail, OutputRowsEvent, Row } from '@flowstate/api';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ApiRequestError, api } from '../../lib/api';
import { formatCount, valueText } from '../../lib/format';
import { useSocketEvents } from '../../lib/socket';
import type { NodeRef } from '../../lib/spec-nodes';
import { Button } from '../ui/button';
import { Card, ErrorBanner } from '../ui/feedback';
import { NodePicker } from './node-picker';

/** Rows kept in the browser per sink (the newest). */
const KEEP = 500;

interface Held {
  rows: Row[];
  /** Sequence number of rows[0]. */
  from: number;
  next: number;
  epoch: number;
}

/** Output of collect sinks, live: the newest rows first; a rollback (new epoch) replaces them. */
export function OutputPanel({ job, sinks }: { job: JobDetail; sinks: NodeRef[] }) {
  const [nodeId, setNodeId] = useState(sinks[0]!.id);
  const node = sinks.find((s) => s.id === nodeId) ?? sinks[0]!;
  return (
    <Card
      title={`Output of ${node.name}`}
      titleId="output-title"
      actions={<NodePicker label="Sink" nodes={sinks} value={node.id} onChange={setNodeId} />}
    >
      <OutputTable key={node.id} jobId={job.id} node={node} />
    </Card>
  );
}

function OutputTable({ jobId, node }: { jobId: string; node: NodeRef }) {
  const [held, setHeld] = useState<Held | null>(null);
  const [error, setError] = useState<unknown>(null);
  const heldRef = useRef<Held | null>(null);
  heldRef.current = held;

  const load = useCallback(async () => {
    setError(null);
    try {
      const page = await api.getOutput(jobId, node.id, { limit: KEEP });
      setHeld({ rows: page.rows, from: page.from, next: page.next, epoch: page.epoch });
    } catch (e) {
      setError(e);
    }
  }, [jobId, node.id]);

  useEffect(() => {
    void load();
  }, [load]);

  useSocketEvents({
    'output:rows': (e: OutputRowsEvent) => {
      if (e.jobId !== jobId || e.nodeId !== node.id) return;
      const h = heldRef.current;
      if (!h || e.epoch !== h.epoch) {
        // First rows, or the output rolled back (restore): re-read from the server's start.
        void load();
        return;
      }
      if (e.from > h.next) {
        void load(); // missed some
        return;
      }
      const fresh = e.rows.slice(Math.max(0, h.next - e.from));
      if (fresh.length === 0) return;
      const rows = h.rows.concat(fresh);
      const drop = Math.max(0, rows.length - KEEP);
      setHeld({ rows: rows.slice(drop), from: h.from + drop, next: e.next, epoch: e.epoch });
    },
  });

  const columns = useMemo(() => {
    const cols: string[] = [];
    const seen = new Set<string>();
    for (const r of held?.rows.slice(-50) ?? [])
      for (const k of Object.keys(r))
        if (!seen.has(k)) {
          seen.add(k);
          cols.push(k);
        }
    return cols;
  }, [held]);

  if (error) {
    const notRunning = error instanceof ApiRequestError && error.code === 'job-not-running';
    return (
      <div className="p-4">
        {notRunning ? (
          <p className="text-sm text-muted">{(error as ApiRequestError).message}</p>
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
  const newestFirst = held ? [...held.rows].reverse() : [];
  return (
    <div className="p-4">
      <p className="mb-2 text-xs text-muted" aria-live="polite">
        {held
          ? `${formatCount(held.next)} rows${held.next > held.rows.length ? ` · the newest ${formatCount(held.rows.length)} shown` : ''} · newest first`
          : 'Loading output…'}
      </p>
      {held && held.rows.length === 0 ? (
        <p className="py-6 text-center text-sm text-muted">No rows yet.</p>
      ) : (
        <div className="max-h-[22rem] overflow-auto rounded-lg border border-border">
          <table className="w-full text-sm" aria-label={`Output of ${node.name}`}>
            <thead className="sticky top-0 bg-surface-2 text-xs text-muted">
              <tr className="text-left">
                <th className="w-16 px-3 py-1.5 text-right font-medium">#</th>
                {columns.map((c) => (
                  <th key={c} className="px-3 py-1.5 font-medium">
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="tabular-nums">
              {newestFirst.map((r, i) => {
                const seq = (held?.next ?? 0) - 1 - i;
                return (
                  <tr key={seq} className="border-t border-border/60">
                    <td className="px-3 py-1 text-right text-xs text-muted">{seq}</td>
                    {columns.map((c) => (
                      <td key={c} className="px-3 py-1">
                        {valueText(r[c])}
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
