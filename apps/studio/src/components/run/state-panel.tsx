'use client';
import type { JobDetail, StateChangesEvent } from '@flowstate/api';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import { ApiRequestError, api } from '../../lib/api';
import { formatCount, keyText, valueColumns, valueText } from '../../lib/format';
import { fieldOf, KeyedRows, type SortSpec } from '../../lib/keyed-rows';
import { useCheckpoints } from '../../lib/queries';
import { useSocketEvents, useStateRoom } from '../../lib/socket';
import type { NodeRef } from '../../lib/spec-nodes';
import { Button, Spinner } from '../ui/button';
import { Card, EmptyState, ErrorBanner } from '../ui/feedback';
import { NodePicker } from './node-picker';

/** Keys loaded into the table at most (pages of 10,000). */
const MAX_KEYS = 200_000;
const PAGE = 10_000;
const FLASH_MS = 1200;
const ROW_HEIGHT = 32;

/** `live`, or the number of a checkpoint whose state to show. */
type Source = 'live' | number;

export function StatePanel({ job, nodes }: { job: JobDetail; nodes: NodeRef[] }) {
  const [nodeId, setNodeId] = useState(nodes[0]?.id ?? null);
  const [source, setSource] = useState<Source>('live');
  const checkpoints = useCheckpoints(job.id);
  const readable = (checkpoints.data?.checkpoints ?? []).filter((c) => c.status === 'completed');
  const sourceId = useId();

  if (nodes.length === 0 || nodeId === null)
    return (
      <Card title="State" titleId="state-title">
        <div className="p-4">
          <EmptyState title="No keyed state">This pipeline has no window or aggregate node.</EmptyState>
        </div>
      </Card>
    );
  const node = nodes.find((n) => n.id === nodeId) ?? nodes[0]!;
  return (
    <Card
      title={`State of ${node.name}`}
      titleId="state-title"
      actions={
        <>
          <NodePicker
            label="Node"
            nodes={nodes}
            value={node.id}
            onChange={setNodeId}
            describe={(n) => `${n.name} (${n.kind})`}
          />
          <label htmlFor={sourceId} className="text-xs text-muted">
            Showing
          </label>
          <select
            id={sourceId}
            value={String(source)}
            onChange={(e) => setSource(e.target.value === 'live' ? 'live' : Number(e.target.value))}
            className="h-7 rounded-md border border-border bg-surface px-1.5 text-xs"
          >
            <option value="live">Live state</option>
            {readable.map((c) => (
              <option key={c.checkpointId} value={c.checkpointId}>
                {c.kind === 'savepoint' ? 'Savepoint' : 'Checkpoint'} {c.checkpointId}
              </option>
            ))}
          </select>
        </>
      }
    >
      <StateTable
        key={`${node.id}:${source}`}
        jobId={job.id}
        node={node}
        source={source}
        onUseCheckpoint={readable[0] ? () => setSource(readable[0]!.checkpointId) : undefined}
      />
    </Card>
  );
}

function StateTable({
  jobId,
  node,
  source,
  onUseCheckpoint,
}: {
  jobId: string;
  node: NodeRef;
  source: Source;
  onUseCheckpoint: (() => void) | undefined;
}) {
  const rowsRef = useRef<KeyedRows>(new KeyedRows());
  const [version, setVersion] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [truncated, setTruncated] = useState(false);
  const [numKeys, setNumKeys] = useState<number | null>(null);
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<SortSpec>({ by: 'key', dir: 'asc' });
  const live = source === 'live';
  const loadSeq = useRef(0);
  const lastReload = useRef(0);
  const searchId = useId();

  const load = useCallback(async () => {
    const seq = ++loadSeq.current;
    lastReload.current = Date.now();
    const rows = rowsRef.current;
    rows.beginLoad();
    setLoading(true);
    setError(null);
    setTruncated(false);
    try {
      let cursor: string | undefined;
      do {
        const page = await api.getState(jobId, node.id, {
          limit: PAGE,
          ...(cursor ? { cursor } : {}),
          ...(source === 'live' ? {} : { checkpointId: source }),
        });
        if (seq !== loadSeq.current) return;
        rows.addSnapshot(page.entries);
        setVersion(rows.version);
        cursor = page.nextCursor ?? undefined;
        if (cursor && rows.size >= MAX_KEYS) {
          setTruncated(true);
          break;
        }
      } while (cursor);
    } catch (e) {
      if (seq === loadSeq.current) setError(e);
    } finally {
      if (seq === loadSeq.current) {
        rows.endLoad();
        setLoading(false);
        setVersion(rows.version);
      }
    }
  }, [jobId, node.id, source]);

  useEffect(() => {
    void load();
    return () => {
      loadSeq.current++;
    };
  }, [load]);

  useStateRoom(live ? jobId : null, live ? node.id : null);
  const pendingReload = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(
    () => () => {
      if (pendingReload.current) clearTimeout(pendingReload.current);
    },
    [],
  );
  useSocketEvents({
    'state:changes': (e: StateChangesEvent) => {
      if (!live || e.jobId !== jobId || e.nodeId !== node.id) return;
      setNumKeys(e.numKeys);
      if (e.reset) {
        void load();
        return;
      }
      rowsRef.current.applyChanges(e.changes, Date.now());
      setVersion(rowsRef.current.version);
      // Changes that did not fit in the message: re-read the whole state soon (at most every 3 s).
      if (e.dropped > 0 && !pendingReload.current) {
        const wait = Math.max(500, 3000 - (Date.now() - lastReload.current));
        pendingReload.current = setTimeout(() => {
          pendingReload.current = null;
          void load();
        }, wait);
      }
    },
  });

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` stands for the mutable rows' content
  const view = useMemo(() => rowsRef.current.view(query, sort), [version, query, sort]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` stands for the mutable rows' content
  const columns = useMemo(() => {
    const sample: unknown[] = [];
    for (const r of rowsRef.current.values()) {
      sample.push(r.value);
      if (sample.length >= 200) break;
    }
    return valueColumns(sample);
  }, [version]);

  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: view.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 12,
  });

  const notRunning = error instanceof ApiRequestError && error.code === 'job-not-running';
  const cols = columns && columns.length > 0 ? columns : ['value'];
  const gridTemplate = `minmax(8rem,2fr) repeat(${cols.length}, minmax(5rem,1fr))`;
  const now = Date.now();

  const sortBy = (by: string) =>
    setSort((s) =>
      s.by === by
        ? { by, dir: s.dir === 'asc' ? 'desc' : 'asc' }
        : { by, dir: by === 'key' ? 'asc' : 'desc' },
    );

  return (
    <div className="p-4">
      <div className="mb-3 flex flex-wrap items-center gap-3">
        <label htmlFor={searchId} className="sr-only">
          Search keys
        </label>
        <input
          id={searchId}
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="Search keys…"
          className="h-8 w-56 rounded-md border border-border bg-surface px-2.5 text-sm placeholder:text-muted/70"
        />
        <p className="text-xs text-muted" aria-live="polite">
          {loading ? (
            <span className="inline-flex items-center gap-1.5">
              <Spinner /> loading {formatCount(rowsRef.current.size)} keys…
            </span>
          ) : (
            <>
              {query ? `${formatCount(view.length)} of ` : ''}
              {formatCount(numKeys ?? rowsRef.current.size)} keys
              {truncated ? ` (first ${formatCount(rowsRef.current.size)} loaded)` : ''}
              {live ? ' · live' : ` · as in checkpoint ${source}`}
            </>
          )}
        </p>
      </div>

      {notRunning ? (
        <div className="rounded-lg border border-border bg-surface-2 px-4 py-3 text-sm">
          <p>{(error as ApiRequestError).message}</p>
          {onUseCheckpoint && (
            <Button size="sm" className="mt-2" onClick={onUseCheckpoint}>
              Show the newest checkpoint&apos;s state
            </Button>
          )}
        </div>
      ) : error ? (
        <ErrorBanner
          error={error}
          action={
            <Button size="sm" onClick={() => void load()}>
              Retry
            </Button>
          }
        />
      ) : (
        <div ref={scrollRef} className="h-[24rem] overflow-auto rounded-lg border border-border">
          <table
            aria-label={`State of ${node.name}`}
            aria-rowcount={view.length + 1}
            aria-busy={loading || undefined}
            className="grid w-full text-sm"
          >
            <thead className="sticky top-0 z-10 grid border-b border-border bg-surface-2">
              <tr aria-rowindex={1} className="grid" style={{ gridTemplateColumns: gridTemplate }}>
                {['key', ...cols].map((c) => (
                  <th
                    key={c}
                    aria-sort={sort.by === c ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
                    className={`px-3 py-1.5 text-xs font-medium text-muted ${c === 'key' ? 'text-left' : 'text-right'}`}
                  >
                    <button type="button" onClick={() => sortBy(c)} className="hover:text-fg">
                      {c === 'key' ? 'Key' : c}
                      <span aria-hidden="true">
                        {sort.by === c ? (sort.dir === 'asc' ? ' ↑' : ' ↓') : ''}
                      </span>
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody
              className="relative grid"
              style={{ height: Math.max(virtualizer.getTotalSize(), ROW_HEIGHT) }}
            >
              {view.length === 0 && !loading ? (
                <tr className="absolute grid w-full">
                  <td className="px-3 py-8 text-center text-sm text-muted">
                    {query ? `No key contains “${query}”.` : 'No keys in state yet.'}
                  </td>
                </tr>
              ) : (
                virtualizer.getVirtualItems().map((item) => {
                  const r = view[item.index]!;
                  const flash = r.changedAt > 0 && now - r.changedAt < FLASH_MS;
                  return (
                    <tr
                      key={`${r.id}:${r.changedAt}`}
                      aria-rowindex={item.index + 2}
                      className={`absolute left-0 grid w-full border-b border-border/60 ${flash ? 'animate-flash' : ''}`}
                      style={{
                        height: ROW_HEIGHT,
                        transform: `translateY(${item.start}px)`,
                        gridTemplateColumns: gridTemplate,
                      }}
                    >
                      <td className="truncate px-3 py-1.5 font-mono text-[13px]">{keyText(r.key)}</td>
                      {cols.map((c) => (
                        <td key={c} className="truncate px-3 py-1.5 text-right tabular-nums">
                          {valueText(columns && columns.length > 0 ? fieldOf(r.value, c) : r.value)}
                        </td>
                      ))}
                    </tr>
                  );
                })
              )}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
