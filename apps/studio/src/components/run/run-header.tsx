'use client';
import type { JobDetail } from '@flowstate/api';
import Link from 'next/link';
import { type ReactNode, useId, useState } from 'react';
import { formatDateTime, formatDuration } from '../../lib/format';
import { useStopJob } from '../../lib/queries';
import { useConnectionState } from '../../lib/socket';
import { useNow } from '../../lib/use-now';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorBanner } from '../ui/feedback';
import { StatusBadge } from '../ui/status-badge';

export function RunHeader({ job, running }: { job: JobDetail; running: boolean }) {
  const now = useNow(1000, running);
  const stop = useStopJob(job.id);
  const conn = useConnectionState();
  /** The stop being confirmed: with a savepoint (true) or without (false). */
  const [confirming, setConfirming] = useState<boolean | null>(null);
  const started = job.startedAt ? Date.parse(job.startedAt) : null;
  const ended = job.endedAt ? Date.parse(job.endedAt) : null;
  const uptime = started === null ? null : (ended ?? (running ? now : started)) - started;

  return (
    <div className="space-y-3">
      <nav aria-label="Breadcrumb" className="text-sm text-muted">
        <Link href="/" className="hover:text-fg hover:underline">
          Pipelines
        </Link>
        <span aria-hidden="true"> / </span>
        <span>Run</span>
      </nav>
      <div className="flex flex-wrap items-start gap-4">
        <div className="min-w-0">
          <h1 className="flex flex-wrap items-center gap-3 text-2xl font-semibold tracking-tight">
            <span className="truncate">{job.name}</span>
            {job.version !== null && <span className="text-base font-normal text-muted">v{job.version}</span>}
          </h1>
          <p className="mt-0.5 font-mono text-xs text-muted">{job.id}</p>
        </div>
        <div className="ml-auto flex flex-wrap gap-2">
          <Button
            disabled={!running}
            busy={stop.isPending && stop.variables === true}
            onClick={() => setConfirming(true)}
            title="Take a savepoint, then stop (Flink's stop-with-savepoint)"
          >
            Stop with savepoint
          </Button>
          <Button
            variant="danger"
            disabled={!running}
            busy={stop.isPending && stop.variables === false}
            onClick={() => setConfirming(false)}
          >
            Stop
          </Button>
        </div>
      </div>

      <section className="grid grid-cols-2 gap-3 sm:grid-cols-4 lg:grid-cols-6" aria-label="Run summary">
        <Stat label="Status">
          <StatusBadge status={job.status} />
        </Stat>
        <Stat label="Uptime">
          <span className="tabular-nums">{formatDuration(uptime)}</span>
        </Stat>
        <Stat label="Restarts">
          <span className="tabular-nums">{job.restarts}</span>
        </Stat>
        <Stat label="Started">{formatDateTime(job.startedAt)}</Stat>
        <Stat label="Restored from">
          {job.restoredFrom ? (
            job.restoredFrom.jobId === job.id ? (
              // Rolled back in place to one of this run's own checkpoints.
              `checkpoint ${job.restoredFrom.checkpointId} (this run)`
            ) : job.restoredFrom.jobId ? (
              <Link className="text-accent hover:underline" href={`/jobs/${job.restoredFrom.jobId}`}>
                checkpoint {job.restoredFrom.checkpointId}
              </Link>
            ) : (
              `checkpoint ${job.restoredFrom.checkpointId}`
            )
          ) : (
            '—'
          )}
        </Stat>
        <Stat label="Live updates">
          <span className="inline-flex items-center gap-1.5">
            <span
              aria-hidden="true"
              className={`h-2 w-2 rounded-full ${conn === 'connected' ? 'bg-ok' : conn === 'connecting' ? 'bg-warn' : 'bg-danger'}`}
            />
            {conn}
          </span>
        </Stat>
      </section>

      {job.failureCause && (
        <div role="alert" className="rounded-lg border border-danger/40 bg-danger-soft px-4 py-2 text-sm">
          <span className="font-semibold text-danger">Failure: </span>
          {job.failureCause}
        </div>
      )}
      {stop.error && confirming === null && <ErrorBanner error={stop.error} />}
      {confirming !== null && (
        <StopDialog
          savepoint={confirming}
          busy={stop.isPending}
          error={stop.error}
          onCancel={() => {
            setConfirming(null);
            stop.reset();
          }}
          onConfirm={() => stop.mutate(confirming, { onSuccess: () => setConfirming(null) })}
        />
      )}
      {stop.data?.savepoint && (
        <p role="status" className="text-sm text-muted">
          Stopped with savepoint {stop.data.savepoint.checkpointId}
          {stop.data.savepoint.path ? ` at ${stop.data.savepoint.path}` : ''}.
        </p>
      )}
    </div>
  );
}

/** Says what a stop does before it is done (a stop without a savepoint cannot be undone). */
function StopDialog({
  savepoint,
  busy,
  error,
  onCancel,
  onConfirm,
}: {
  savepoint: boolean;
  busy: boolean;
  error: unknown;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  return (
    <Dialog
      open
      role="alertdialog"
      onClose={onCancel}
      title={savepoint ? 'Stop this job with a savepoint?' : 'Stop this job?'}
      description={
        savepoint ? (
          <>
            Flowstate first takes a <strong>savepoint</strong> — the keyed state and the source positions as
            of now — then stops the sources and ends the job. The output collected so far is kept. The
            savepoint appears in the checkpoint history: restoring it starts a new run that continues where
            this one stopped.
          </>
        ) : (
          <>
            The sources stop reading and the job ends now, without a savepoint. The output collected so far
            and the checkpoints already taken are kept, but this run <strong>cannot be resumed</strong> where
            it stops: to continue it later, use <em>Stop with savepoint</em> instead.
          </>
        )
      }
      footer={
        <>
          <Button onClick={onCancel}>Cancel</Button>
          <Button variant={savepoint ? 'primary' : 'danger'} busy={busy} onClick={onConfirm}>
            {savepoint ? 'Take savepoint and stop' : 'Stop job'}
          </Button>
        </>
      }
    >
      {error ? <ErrorBanner error={error} /> : null}
    </Dialog>
  );
}

/** A labelled figure: a group named by its label, so "Status" finds the status. */
function Stat({ label, children }: { label: string; children: ReactNode }) {
  const id = useId();
  return (
    // biome-ignore lint/a11y/useSemanticElements: a labelled group of a figure, not a form's fieldset
    <div
      role="group"
      aria-labelledby={id}
      className="rounded-lg border border-border bg-surface px-3 py-2 shadow-sm"
    >
      <div id={id} className="text-[11px] font-medium uppercase tracking-wide text-muted">
        {label}
      </div>
      <div className="mt-0.5 text-sm">{children}</div>
    </div>
  );
}
