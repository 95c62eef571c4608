'use client';
import type { JobDetail, StateChangesEvent } from '@flowstate/api';
import { TERMINAL_JOB_STATUSES } from '@flowstate/api';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { ApiRequestError, api } from '../../lib/api';
import { formatCount, formatWindow, keyLabel, keyText, valueColumns, valueText } from '../../lib/format';
import { fieldOf, type KeyedRow, KeyedRows, type SortSpec } from '../../lib/keyed-rows';
import { useCheckpoints } from '../../lib/queries';
import { useSocketEvents, useStateRoom } from '../../lib/socket';
import type { NodeRef } from '../../lib/spec-nodes';
import { timestampColumns, WindowEntries } from '../../lib/state-rows';
import { Button, Spinner } from '../ui/button';
import { EventTime } from '../ui/event-time';
import { Card, EmptyState, ErrorBanner } from '../ui/feedback';
import { NodePicker } from './node-picker';

/** Keys loaded into the table at most (pages of 10,000). */
const MAX_KEYS = 200_000;
const PAGE = 10_000;
const FLASH_MS = 1200;
const ROW_HEIGHT = 32;

/** `live`, or the number of a checkpoint whose state to show. */
type Source = 'live' | number;

type StateEntry = StateChangesEvent['changes'][number];

export function StatePanel({ job, nodes, running }: { job: JobDetail; nodes: NodeRef[]; running: boolean }) {
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
    <StateCard
      job={job}
      nodes={nodes}
      node={node}
      setNodeId={setNodeId}
      source={source}
      setSource={setSource}
      sourceId={sourceId}
      readable={readable}
      running={running}
    />
  );
}

function StateCard({
  job,
  nodes,
  node,
  setNodeId,
  source,
  setSource,
  sourceId,
  readable,
  running,
}: {
  job: JobDetail;
  nodes: NodeRef[];
  node: NodeRef;
  setNodeId: (id: string) => void;
  source: Source;
  setSource: (s: Source) => void;
  sourceId: string;
  readable: { checkpointId: number; kind: string }[];
  running: boolean;
}) {
  const timeColumns = useMemo(() => timestampColumns(job.spec, node.id), [job.spec, node.id]);
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
        timeColumns={timeColumns}
        ended={TERMINAL_JOB_STATUSES.includes(job.status)}
        running={running}
        onUseCheckpoint={readable[0] ? () => setSource(readable[0]!.checkpointId) : undefined}
      />
    </Card>
  );
}

function StateTable({
  jobId,
  node,
  source,
  timeColumns,
  ended,
  running,
  onUseCheckpoint,
}: {
  jobId: string;
  node: NodeRef;
  source: Source;
  /** Value columns that hold event times (shown as times, the epoch value on hover). */
  timeColumns: ReadonlySet<string>;
  ended: boolean;
  running: boolean;
  onUseCheckpoint: (() => void) | undefined;
}) {
  const rowsRef = useRef<KeyedRows>(new KeyedRows());
  // A window's state: one row per key and open window (each set of rows remembers its keys' windows).
  const isWindow = node.kind === 'window';
  const windowEntries = useRef(new WeakMap<KeyedRows, WindowEntries>());
  const entriesOf = useCallback((rows: KeyedRows) => {
    let w = windowEntries.current.get(rows);
    if (w === undefined) windowEntries.current.set(rows, (w = new WindowEntries()));
    return w;
  }, []);
  const snapshotEntries = useCallback(
    (rows: KeyedRows, entries: StateEntry[]) => (isWindow ? entriesOf(rows).snapshot(entries) : entries),
    [isWindow, entriesOf],
  );
  const changeEntries = (rows: KeyedRows, changes: StateEntry[]) =>
    isWindow ? entriesOf(rows).changes(changes) : changes;
  const [version, setVersion] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<unknown>(null);
  const [truncated, setTruncated] = useState(false);
  const [numKeys, setNumKeys] = useState<number | null>(null);
  /** Where the rows shown came from: the job's engine, or (a run that no longer runs here) a checkpoint. */
  const [origin, setOrigin] = useState<{ live: boolean; checkpointId: number | null } | null>(null);
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState<SortSpec>({ by: 'key', dir: 'asc' });
  const live = source === 'live';
  const loadSeq = useRef(0);
  const lastReload = useRef(0);
  const searchId = useId();

  /** Live changes also go to a snapshot being re-read in the background (see `load`). */
  const refreshing = useRef<KeyedRows | null>(null);
  const bump = useCallback(() => setVersion((v) => v + 1), []);

  /**
   * Reads the node's state page by page. `fresh` (the first load, or after a `reset`) clears the table and
   * shows each page as it comes; `refresh` (changes were dropped) reads into a second set of rows while the
   * table keeps showing the current ones, and swaps them when complete, so the table neither empties nor
   * loses its scroll position.
   */
  const load = useCallback(
    async (mode: 'fresh' | 'refresh' = 'fresh') => {
      const seq = ++loadSeq.current;
      lastReload.current = Date.now();
      const progressive = mode === 'fresh' || rowsRef.current.size === 0;
      const rows = progressive ? rowsRef.current : new KeyedRows();
      refreshing.current = progressive ? null : rows;
      rows.beginLoad();
      entriesOf(rows).clear();
      if (progressive) setLoading(true);
      setError(null);
      try {
        let cursor: string | undefined;
        let cut = false;
        do {
          const page = await api.getState(jobId, node.id, {
            limit: PAGE,
            ...(cursor ? { cursor } : {}),
            ...(source === 'live' ? {} : { checkpointId: source }),
          });
          if (seq !== loadSeq.current) return;
          if (!cursor) setOrigin({ live: page.live, checkpointId: page.checkpointId });
          rows.addSnapshot(snapshotEntries(rows, page.entries));
          if (progressive) bump();
          cursor = page.nextCursor ?? undefined;
          if (cursor && rows.size >= MAX_KEYS) {
            cut = true;
            break;
          }
        } while (cursor);
        setTruncated(cut);
      } catch (e) {
        if (seq === loadSeq.current) setError(e);
      } finally {
        if (seq === loadSeq.current) {
          rows.endLoad();
          rowsRef.current = rows;
          refreshing.current = null;
          setLoading(false);
          bump();
        }
      }
    },
    [jobId, node.id, source, bump, entriesOf, snapshotEntries],
  );

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
        void load('fresh');
        return;
      }
      const at = Date.now();
      rowsRef.current.applyChanges(changeEntries(rowsRef.current, e.changes), at);
      const other = refreshing.current;
      other?.applyChanges(changeEntries(other, e.changes), at);
      bump();
      // Changes that did not fit in the message: re-read the whole state soon (at most every 3 s).
      if (e.dropped > 0 && !pendingReload.current) {
        const wait = Math.max(500, 3000 - (Date.now() - lastReload.current));
        pendingReload.current = setTimeout(() => {
          pendingReload.current = null;
          void load('refresh');
        }, wait);
      }
    },
  });

  // Filtering 100k sorted rows is a few milliseconds (no re-sort), so it runs on every keystroke; deferring
  // it (useDeferredValue) measured slower: a second render, a frame later.
  const shownQuery = query;
  // Cheap when only values changed: KeyedRows keeps its sorted order and filter between calls.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` stands for the mutable rows' content
  const view = useMemo(() => rowsRef.current.view(shownQuery, sort), [version, shownQuery, sort]);
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

  // Under the key sort, keys that appear or go above the first visible row would push the rows in view up or
  // down: keep that row where it was (scroll anchoring). Under a value sort rows move by design; a new sort or
  // search starts at the top.
  const anchor = useRef<{ row: KeyedRow; offset: number } | null>(null);
  const shownFor = useRef({ sort, query: shownQuery });
  const recordAnchor = () => {
    const el = scrollRef.current;
    if (!el || el.scrollTop <= 0) {
      anchor.current = null;
      return;
    }
    const i = Math.floor(el.scrollTop / ROW_HEIGHT);
    const row = view[i];
    anchor.current = row ? { row, offset: el.scrollTop - i * ROW_HEIGHT } : null;
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the rows shown change order or membership
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const prev = shownFor.current;
    shownFor.current = { sort, query: shownQuery };
    if (el && (prev.sort !== sort || prev.query !== shownQuery)) el.scrollTop = 0;
    else if (el && anchor.current && sort.by === 'key') {
      const a = anchor.current.row;
      let i = view.indexOf(a);
      if (i < 0) i = view.findIndex((r) => r.id === a.id); // the rows were re-read (a refresh)
      const want = i * ROW_HEIGHT + anchor.current.offset;
      if (i >= 0 && Math.abs(el.scrollTop - want) >= 1) el.scrollTop = want;
    }
    recordAnchor();
  }, [view]);

  const notRunning = error instanceof ApiRequestError && error.code === 'job-not-running';
  const valueCols = columns && columns.length > 0 ? columns : ['value'];
  // A window's bounds read as one column, `window` (sorted by its start).
  const windowed = valueCols.includes('window_start') && valueCols.includes('window_end');
  const cols = windowed
    ? ['window', ...valueCols.filter((c) => c !== 'window_start' && c !== 'window_end')]
    : valueCols;
  const sortField = (c: string) => (c === 'window' ? 'window_start' : c);
  // Values get the room (a float such as 109.906058 fits, an event time 11.5rem); the table scrolls sideways
  // when there are many.
  const width = (c: string) =>
    c === 'window'
      ? 'minmax(18.5rem,2fr)'
      : timeColumns.has(c)
        ? 'minmax(11.5rem,1.4fr)'
        : 'minmax(6.5rem,1fr)';
  const gridTemplate = `minmax(5rem,1fr) ${cols.map(width).join(' ')}`;
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
              {shownQuery ? `${formatCount(view.length)} of ` : ''}
              {formatCount(numKeys ?? rowsRef.current.size)} keys
              {truncated ? ` (first ${formatCount(rowsRef.current.size)} loaded)` : ''}
              {!live
                ? ` · as in checkpoint ${source}`
                : origin && !origin.live
                  ? ` · as in checkpoint ${origin.checkpointId}, the run’s newest (its engine no longer runs)`
                  : running
                    ? ' · live'
                    : ' · final state, held by the server'}
            </>
          )}
        </p>
      </div>

      {notRunning ? (
        <div className="rounded-lg border border-border bg-surface-2 px-4 py-3 text-sm">
          <p className="break-words">{(error as ApiRequestError).message}</p>
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
        <div
          ref={scrollRef}
          onScroll={recordAnchor}
          className="h-[24rem] overflow-auto rounded-lg border border-border"
        >
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
                    aria-sort={
                      sort.by === sortField(c) ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'
                    }
                    className={`py-1.5 text-xs font-medium text-muted ${c === 'key' ? 'px-3 text-left' : 'px-2 text-right'}`}
                  >
                    <button type="button" onClick={() => sortBy(sortField(c))} className="hover:text-fg">
                      {c === 'key' ? 'Key' : c}
                      <span aria-hidden="true">
                        {sort.by === sortField(c) ? (sort.dir === 'asc' ? ' ↑' : ' ↓') : ''}
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
                    {shownQuery ? `No key contains “${shownQuery}”.` : emptyStateText(node.kind, ended, live)}
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
                      <td className="truncate px-3 py-1.5 font-mono text-[13px]" title={keyText(r.key)}>
                        {keyLabel(r.key)}
                      </td>
                      {cols.map((c) => {
                        if (c === 'window') {
                          const start = fieldOf(r.value, 'window_start');
                          const end = fieldOf(r.value, 'window_end');
                          return (
                            <td
                              key={c}
                              className="truncate px-2 py-1.5 text-right tabular-nums"
                              title={`window_start ${String(start)}, window_end ${String(end)} (ms since the epoch)`}
                            >
                              {formatWindow(Number(start), Number(end))}
                            </td>
                          );
                        }
                        const v = columns && columns.length > 0 ? fieldOf(r.value, c) : r.value;
                        if (timeColumns.has(c) && typeof v === 'number') {
                          return (
                            <td key={c} className="truncate px-2 py-1.5 text-right tabular-nums">
                              <EventTime ms={v} />
                            </td>
                          );
                        }
                        const text = valueText(v);
                        return (
                          <td key={c} className="truncate px-2 py-1.5 text-right tabular-nums" title={text}>
                            {text}
                          </td>
                        );
                      })}
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

/** What an empty state table says: why there is no state, for the node's kind and the job's state. */
export function emptyStateText(kind: string, ended: boolean, live: boolean): string {
  if (!live) return 'The checkpoint holds no state for this node.';
  if (kind === 'window') {
    return ended
      ? 'No open windows: the input ended, and every window fired and was cleared (its results are in the output).'
      : 'No open windows yet: a window opens with the first row of its key.';
  }
  return ended ? 'No keys in state.' : 'No keys in state yet: a key appears with its first row.';
}
