'use client';
/**
 * "Run a version from this savepoint" (Flink's stop → change → resume): choose a version of the run's pipeline,
 * read what starting it from the checkpoint would do to each node's state — restored, starting empty, or lost —
 * and, when state would be lost, accept dropping it (allowNonRestoredState) before the run starts.
 */
import type { Checkpoint, JobDetail } from '@flowstate/api';
import { useRouter } from 'next/navigation';
import { useEffect, useId, useState } from 'react';
import { formatTime } from '../../lib/format';
import { useCompatibility, usePipelineVersions, useStartJob } from '../../lib/queries';
import { actionLabel, kindLabel, nextStep, type Tone } from '../../lib/restore-report';
import { nodeNames } from '../../lib/spec-nodes';
import { Button, Spinner } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorBanner } from '../ui/feedback';

const TONE_CLASS: Record<Tone, string> = {
  ok: 'bg-ok-soft text-ok',
  warn: 'bg-warn-soft text-warn',
  danger: 'bg-danger-soft text-danger',
  muted: 'bg-surface-2 text-muted',
};

export function UpgradeDialog({
  job,
  checkpoint,
  onClose,
}: {
  job: JobDetail & { pipelineId: string };
  checkpoint: Checkpoint;
  onClose: () => void;
}) {
  const router = useRouter();
  const versions = usePipelineVersions(job.pipelineId);
  const [version, setVersion] = useState<number | null>(null);
  const [allow, setAllow] = useState(false);
  const newest = versions.data?.versions[0]?.version ?? null;
  // The newest version until the person picks another.
  useEffect(() => {
    if (version === null && newest !== null) setVersion(newest);
  }, [version, newest]);
  const from = { jobId: job.id, checkpointId: checkpoint.checkpointId };
  const report = useCompatibility(job.pipelineId, version, from, allow);
  const start = useStartJob();
  const versionId = useId();
  const allowId = useId();
  const what = `${checkpoint.kind} ${checkpoint.checkpointId}`;
  const r = report.data?.report;
  const step = r ? nextStep(r) : null;
  const chosen = versions.data?.versions.find((v) => v.version === version);
  const names = nodeNames(chosen?.spec ?? job.spec);

  return (
    <Dialog
      open
      size="lg"
      onClose={onClose}
      title={`Run a version from ${what}`}
      description={
        <>
          A new run of the version you choose starts with the state of {what} (taken at{' '}
          {formatTime(checkpoint.startedAt)}) — Flink&apos;s stop → change → resume. Each node&apos;s state is
          matched by its id: nodes that are new start empty, and state that no node of the version can take is
          refused unless you drop it. This run and {what} stay as they are.
        </>
      }
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="primary"
            disabled={step !== 'run' || version === null || report.isFetching}
            busy={start.isPending}
            onClick={() =>
              start.mutate(
                {
                  pipelineId: job.pipelineId,
                  version: version!,
                  restoreFrom: from,
                  ...(allow ? { allowNonRestoredState: true } : {}),
                },
                { onSuccess: (started) => router.push(`/jobs/${started.id}`) },
              )
            }
          >
            {version === null ? 'Run' : `Run version ${version} from ${what}`}
          </Button>
        </>
      }
    >
      <div className="space-y-4">
        <div className="flex flex-wrap items-center gap-2">
          <label htmlFor={versionId} className="text-sm font-medium">
            Version
          </label>
          <select
            id={versionId}
            value={version ?? ''}
            disabled={!versions.data}
            onChange={(e) => {
              setVersion(Number(e.target.value));
              setAllow(false);
            }}
            className="h-8 rounded-md border border-border bg-surface px-2 text-sm"
          >
            {(versions.data?.versions ?? []).map((v) => (
              <option key={v.version} value={v.version}>
                {`Version ${v.version}`}
                {v.version === newest ? ' (newest)' : ''}
                {v.version === job.version ? ' (this run’s)' : ''}
                {v.message ? ` — ${v.message}` : ''}
              </option>
            ))}
          </select>
        </div>
        {versions.isError && <ErrorBanner error={versions.error} />}

        <section aria-labelledby={`${versionId}-report`} className="space-y-2">
          <h3 id={`${versionId}-report`} className="flex items-center gap-2 text-sm font-semibold">
            What happens to each node&apos;s state
            {report.isFetching && r && (
              <span className="inline-flex items-center gap-1 text-xs font-normal text-muted">
                <Spinner /> updating…
              </span>
            )}
          </h3>
          {report.isPending && version !== null ? (
            <p className="flex items-center gap-2 text-sm text-muted">
              <Spinner /> Comparing version {version} with {what}…
            </p>
          ) : report.isError ? (
            <ErrorBanner error={report.error} />
          ) : r ? (
            <>
              <div
                // biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable content must be reachable by keyboard
                tabIndex={0}
                className="max-h-[40vh] overflow-auto rounded-lg border border-border"
              >
                <table className="w-full text-sm" aria-labelledby={`${versionId}-report`}>
                  <thead className="sticky top-0 bg-surface-2 text-xs text-muted">
                    <tr className="text-left">
                      <th className="px-2 py-1.5 font-medium">Node</th>
                      <th className="px-2 py-1.5 font-medium">Kind</th>
                      <th className="px-2 py-1.5 font-medium">State</th>
                      <th className="px-2 py-1.5 font-medium">Why</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.nodes.map((n) => {
                      const a = actionLabel(n);
                      return (
                        <tr key={n.nodeId} className="border-t border-border/70 align-top">
                          <td className="px-2 py-1.5">
                            <span className="font-medium">{names.get(n.nodeId) ?? n.nodeId}</span>
                            {(names.get(n.nodeId) ?? n.nodeId) !== n.nodeId && (
                              <span className="block font-mono text-xs text-muted">{n.nodeId}</span>
                            )}
                          </td>
                          <td className="whitespace-nowrap px-2 py-1.5 text-xs text-muted">{kindLabel(n)}</td>
                          <td className="whitespace-nowrap px-2 py-1.5">
                            <span
                              className={`rounded px-1.5 py-0.5 text-xs font-medium ${TONE_CLASS[a.tone]}`}
                            >
                              {a.text}
                            </span>
                          </td>
                          <td className="px-2 py-1.5 text-xs">
                            {n.reason}
                            {n.changes.map((c) => (
                              <span key={c} className="mt-0.5 block break-words font-mono text-muted">
                                {c}
                              </span>
                            ))}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              <p
                role="status"
                className={`rounded-md px-3 py-2 text-sm ${step === 'run' ? (r.compatible ? 'bg-ok-soft' : 'bg-warn-soft') : 'bg-danger-soft'}`}
              >
                {r.summary}
              </p>
              {r.problems.map((p) => (
                <p key={p.code} className="text-sm text-danger">
                  {p.message}
                </p>
              ))}
              {(step === 'accept-drop' || (allow && !r.compatible)) && (
                <div className="flex items-start gap-2 rounded-md border border-border px-3 py-2">
                  <input
                    id={allowId}
                    type="checkbox"
                    checked={allow}
                    onChange={(e) => setAllow(e.target.checked)}
                    className="mt-1"
                  />
                  <label htmlFor={allowId} className="text-sm">
                    Drop the state that cannot be restored
                    <span className="block text-xs text-muted">
                      allowNonRestoredState, as in Flink: those nodes start empty in the new run; the state
                      stays in {what}.
                    </span>
                  </label>
                </div>
              )}
            </>
          ) : null}
        </section>
        {start.error ? <ErrorBanner error={start.error} /> : null}
      </div>
    </Dialog>
  );
}
