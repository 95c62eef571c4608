'use client';
import type { PipelineVersion } from '@flowstate/api';
import { useMemo, useState } from 'react';
import { formatDateTime } from '../../lib/format';
import { jsonText } from '../../lib/json-text';
import { usePipelineVersions } from '../../lib/queries';
import { versionRows } from '../../lib/versions';
import { Button } from '../ui/button';
import { EmptyState, ErrorBanner, Loading } from '../ui/feedback';
import { JsonBlock } from './json-view';

/**
 * The pipeline's versions, newest first: saved time, node count, what changed from the version before.
 * Per version: its JSON (read-only), "Open in editor" (onto the canvas, undoable; saving it makes it
 * the newest version), "Run".
 */
export function VersionsPanel({
  pipelineId,
  onOpen,
  onRun,
  running,
}: {
  pipelineId: string | null;
  onOpen: (version: PipelineVersion) => void;
  onRun: (version: number) => void;
  /** The version being started, if any. */
  running: number | null;
}) {
  const versions = usePipelineVersions(pipelineId);
  const [viewing, setViewing] = useState<number | null>(null);
  const rows = useMemo(() => versionRows(versions.data?.versions ?? []), [versions.data]);
  const byNumber = useMemo(
    () => new Map((versions.data?.versions ?? []).map((v) => [v.version, v])),
    [versions.data],
  );
  const shown = viewing === null ? undefined : byNumber.get(viewing);

  return (
    <section aria-labelledby="versions-title" className="flex h-full min-h-0 flex-col p-3">
      <h2 id="versions-title" className="mb-2 text-xs font-semibold uppercase tracking-wide text-muted">
        Versions{rows.length > 0 ? ` (${rows.length})` : ''}
      </h2>
      {pipelineId === null ? (
        <EmptyState title="Not saved yet">Save the pipeline to start its version history.</EmptyState>
      ) : versions.isPending ? (
        <Loading label="Loading versions…" />
      ) : versions.isError ? (
        <ErrorBanner
          error={versions.error}
          action={
            <Button size="sm" onClick={() => void versions.refetch()}>
              Retry
            </Button>
          }
        />
      ) : rows.length === 0 ? (
        <EmptyState title="No versions">This pipeline has no stored versions.</EmptyState>
      ) : (
        <>
          <ol aria-label="Versions" className="min-h-0 shrink space-y-2 overflow-y-auto">
            {rows.map((row) => {
              const version = byNumber.get(row.version)!;
              const open = viewing === row.version;
              return (
                <li
                  key={row.version}
                  aria-label={`Version ${row.version}`}
                  className={`rounded-md border px-2.5 py-2 text-sm ${
                    open ? 'border-accent bg-accent-soft/40' : 'border-border'
                  }`}
                >
                  <div className="flex items-baseline gap-2">
                    <span className="font-semibold tabular-nums">v{row.version}</span>
                    {row.latest && (
                      <span className="rounded bg-surface-2 px-1.5 text-[11px] uppercase tracking-wide text-muted">
                        newest
                      </span>
                    )}
                    <time dateTime={row.createdAt} className="ml-auto text-xs text-muted">
                      {formatDateTime(row.createdAt)}
                    </time>
                  </div>
                  <p className="mt-0.5 text-xs text-muted">
                    {row.nodeCount} {row.nodeCount === 1 ? 'node' : 'nodes'} · {row.summary}
                  </p>
                  {row.message && <p className="mt-0.5 text-xs italic">{row.message}</p>}
                  <div className="mt-1.5 flex flex-wrap gap-1.5">
                    <Button
                      size="sm"
                      variant={open ? 'primary' : 'secondary'}
                      aria-pressed={open}
                      aria-label={`View the JSON of version ${row.version}`}
                      onClick={() => setViewing(open ? null : row.version)}
                    >
                      JSON
                    </Button>
                    <Button
                      size="sm"
                      aria-label={`Open version ${row.version} in the editor`}
                      onClick={() => onOpen(version)}
                    >
                      Open in editor
                    </Button>
                    <Button
                      size="sm"
                      aria-label={`Run version ${row.version}`}
                      busy={running === row.version}
                      disabled={running !== null && running !== row.version}
                      onClick={() => onRun(row.version)}
                    >
                      Run
                    </Button>
                  </div>
                </li>
              );
            })}
          </ol>
          {shown && (
            <div className="mt-3 flex min-h-48 flex-1 flex-col">
              <h3 className="text-xs font-semibold text-muted">Version {shown.version} (read-only)</h3>
              <JsonBlock
                text={jsonText(shown.spec)}
                label={`JSON of version ${shown.version}`}
                className="flex-1"
              />
            </div>
          )}
        </>
      )}
    </section>
  );
}
