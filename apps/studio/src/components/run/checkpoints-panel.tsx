'use client';
import type { Checkpoint, JobDetail } from '@flowstate/api';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { type CheckpointSizes, checkpointSizeText } from '../../lib/checkpoint-size';
import { formatDuration, formatTime } from '../../lib/format';
import { useCheckpoints, useRestore, useTriggerCheckpoint } from '../../lib/queries';
import { Button } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Card, EmptyState, ErrorBanner, Loading } from '../ui/feedback';
import { StatusBadge } from '../ui/status-badge';
import { UpgradeDialog } from './upgrade-dialog';

export function CheckpointsPanel({ job, running }: { job: JobDetail; running: boolean }) {
  const checkpoints = useCheckpoints(job.id);
  const trigger = useTriggerCheckpoint(job.id);
  const [restoring, setRestoring] = useState<Checkpoint | null>(null);
  const [upgrading, setUpgrading] = useState<Checkpoint | null>(null);
  // A version of the pipeline may start from an ended run's checkpoint (not for an ad-hoc spec: no versions).
  const pipelineId = job.pipelineId;
  const [restored, setRestored] = useState<string | null>(null);

  return (
    <Card
      title="Checkpoints"
      titleId="checkpoints-title"
      actions={
        <Button
          size="sm"
          variant="primary"
          disabled={!running}
          busy={trigger.isPending}
          title={running ? 'Take a checkpoint now' : 'Checkpoints are taken while the job runs'}
          onClick={() => trigger.mutate()}
        >
          Trigger checkpoint
        </Button>
      }
    >
      <div className="space-y-3 p-4">
        {trigger.error && <ErrorBanner error={trigger.error} />}
        {restored && (
          <p role="status" className="rounded-md bg-ok-soft px-3 py-2 text-sm">
            {restored}
          </p>
        )}
        {checkpoints.isPending ? (
          <Loading label="Loading checkpoints…" />
        ) : checkpoints.isError ? (
          <ErrorBanner error={checkpoints.error} />
        ) : checkpoints.data.checkpoints.length === 0 ? (
          <EmptyState title="No checkpoints yet">
            {running
              ? 'Periodic checkpoints appear here as they are taken; or trigger one now.'
              : 'This run took no checkpoint.'}
          </EmptyState>
        ) : (
          <div className="max-h-[26rem] overflow-auto rounded-lg border border-border">
            <table className="w-full whitespace-nowrap text-sm" aria-labelledby="checkpoints-title">
              <thead className="sticky top-0 bg-surface-2 text-xs text-muted">
                <tr className="text-left">
                  <th className="px-2 py-1.5 font-medium">ID</th>
                  <th className="px-2 py-1.5 font-medium">Trigger</th>
                  <th className="px-2 py-1.5 font-medium">Status</th>
                  <th className="px-2 py-1.5 font-medium">Started</th>
                  <th className="px-2 py-1.5 text-right font-medium">Duration</th>
                  <th className="px-2 py-1.5 text-right font-medium">Size</th>
                  <th className="px-2 py-1.5">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {checkpoints.data.checkpoints.map((c) => (
                  <tr key={c.checkpointId} className="border-t border-border/70">
                    <td className="px-2 py-1.5 font-mono tabular-nums">{c.checkpointId}</td>
                    <td className="px-2 py-1.5">
                      {c.trigger}
                      {c.kind === 'savepoint' && (
                        <span className="ml-1.5 rounded bg-accent-soft px-1 py-0.5 text-[11px] text-accent">
                          savepoint
                        </span>
                      )}
                    </td>
                    <td className="px-2 py-1.5" title={c.failureReason ?? undefined}>
                      <StatusBadge status={c.status} />
                      {c.failureReason && <span className="sr-only">: {c.failureReason}</span>}
                    </td>
                    <td className="px-2 py-1.5 tabular-nums">{formatTime(c.startedAt)}</td>
                    <td className="px-2 py-1.5 text-right tabular-nums">{formatDuration(c.durationMs)}</td>
                    <td className="px-2 py-1.5 text-right tabular-nums">
                      <CheckpointSize checkpoint={c} />
                    </td>
                    <td className="px-2 py-1.5 text-right">
                      {c.status === 'completed' && (
                        <span className="inline-flex flex-col items-stretch gap-1">
                          <Button
                            size="sm"
                            aria-label={`Restore checkpoint ${c.checkpointId}`}
                            onClick={() => setRestoring(c)}
                          >
                            Restore
                          </Button>
                          {!running && pipelineId !== null && (
                            <Button
                              size="sm"
                              aria-label={`Run a version from ${c.kind} ${c.checkpointId}`}
                              title="Start a version of this pipeline (an edited one too) from its state"
                              onClick={() => setUpgrading(c)}
                            >
                              Run a version…
                            </Button>
                          )}
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
      {upgrading && pipelineId !== null && (
        <UpgradeDialog
          job={{ ...job, pipelineId }}
          checkpoint={upgrading}
          onClose={() => setUpgrading(null)}
        />
      )}
      {restoring && (
        <RestoreDialog
          job={job}
          running={running}
          checkpoint={restoring}
          onClose={() => setRestoring(null)}
          onRestored={(msg) => {
            setRestoring(null);
            setRestored(msg);
          }}
        />
      )}
    </Card>
  );
}

/**
 * A checkpoint's size: an incremental one (disk state backend) as what it wrote of what it consists of —
 * `405.0 KiB`, `incremental`, `of 38.8 MiB full` stacked (narrow: the table has room for its buttons) and read
 * as one phrase — any other as one size; the tooltip says what the figures mean.
 */
export function CheckpointSize({ checkpoint }: { checkpoint: CheckpointSizes }) {
  const s = checkpointSizeText(checkpoint);
  if (!s.incremental) return <span title={s.title}>{s.text}</span>;
  return (
    <span title={s.title} className="inline-flex flex-col items-end leading-tight">
      <span>{s.incremental.wrote}</span> <span className="text-[11px] text-muted">incremental</span>{' '}
      <span className="text-[11px] text-muted">of {s.incremental.full} full</span>
    </span>
  );
}

function RestoreDialog({
  job,
  running,
  checkpoint,
  onClose,
  onRestored,
}: {
  job: JobDetail;
  running: boolean;
  checkpoint: Checkpoint;
  onClose: () => void;
  onRestored: (message: string) => void;
}) {
  const restore = useRestore(job.id);
  const router = useRouter();
  const what = `${checkpoint.kind} ${checkpoint.checkpointId}`;
  const when = formatTime(checkpoint.startedAt);
  return (
    <Dialog
      open
      role="alertdialog"
      onClose={onClose}
      title={`Restore ${what}?`}
      description={
        running ? (
          <>
            The running job rolls back in place to {what}, taken at {when}: its keyed state, source positions
            and collected output go back to what they were then, and the records since are processed again.
            Nothing after that point is kept.
          </>
        ) : (
          <>
            This run is no longer running, so it is not resumed: a <strong>new run</strong> of the same
            pipeline version starts from {what} (taken at {when}) with that checkpoint&apos;s state and source
            positions, and you are taken to it. This run and its history stay as they are.
          </>
        )
      }
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="primary"
            busy={restore.isPending}
            onClick={() =>
              restore.mutate(checkpoint.checkpointId, {
                onSuccess: (r) => {
                  if (r.mode === 'new-run') router.push(`/jobs/${r.job.id}`);
                  else onRestored(`Rolled back to ${what}; state and output now show its values.`);
                },
              })
            }
          >
            {running ? `Restore ${what}` : 'Start a new run from it'}
          </Button>
        </>
      }
    >
      {restore.error ? <ErrorBanner error={restore.error} /> : null}
    </Dialog>
  );
}
