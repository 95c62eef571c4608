'use client';
import type { Pipeline } from '@flowstate/api';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { formatCount, formatDateTime, formatDuration } from '../../lib/format';
import {
  useCreateAndRun,
  useCreatePipeline,
  useDeletePipeline,
  usePipelines,
  useRecentJobs,
  useRenamePipeline,
  useStartJob,
} from '../../lib/queries';
import type { Template, TemplateMode } from '../../lib/templates';
import { Button, buttonClass } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { Card, EmptyState, ErrorBanner, Loading } from '../ui/feedback';
import { StatusBadge } from '../ui/status-badge';

export function PipelinesView({ templates }: { templates: Template[] }) {
  const [creating, setCreating] = useState(false);
  return (
    <div className="space-y-8">
      <div className="flex flex-wrap items-end gap-4">
        <div>
          <h1 className="text-2xl font-semibold tracking-tight">Pipelines</h1>
          <p className="mt-1 text-sm text-muted">
            Stateful stream pipelines with Flink&apos;s semantics: keyed state, windows, checkpoints.
          </p>
        </div>
        <div className="ml-auto flex gap-2">
          <Button onClick={() => setCreating(true)}>From a template…</Button>
          <Link href="/pipelines/new" className={buttonClass('primary')}>
            New pipeline
          </Link>
        </div>
      </div>

      <PipelineList />

      <TemplateGallery templates={templates} />

      <RecentRuns />

      <NewPipelineDialog open={creating} onClose={() => setCreating(false)} templates={templates} />
    </div>
  );
}

// ------------------------------------------------------------------------------------------ pipelines

function PipelineList() {
  const pipelines = usePipelines();
  const router = useRouter();
  const start = useStartJob();
  const [renaming, setRenaming] = useState<Pipeline | null>(null);
  const [deleting, setDeleting] = useState<Pipeline | null>(null);

  const run = (p: Pipeline) =>
    start.mutate({ pipelineId: p.id }, { onSuccess: (job) => router.push(`/jobs/${job.id}`) });

  return (
    <Card title="Your pipelines" titleId="pipelines-title">
      <div className="p-4">
        {start.error && (
          <div className="mb-3">
            <ErrorBanner error={start.error} />
          </div>
        )}
        {pipelines.isPending ? (
          <Loading label="Loading pipelines…" />
        ) : pipelines.isError ? (
          <ErrorBanner
            error={pipelines.error}
            action={
              <Button size="sm" onClick={() => pipelines.refetch()}>
                Retry
              </Button>
            }
          />
        ) : pipelines.data.pipelines.length === 0 ? (
          <EmptyState title="No pipelines yet">
            Start one on an empty canvas with <strong>New pipeline</strong>, create one from a template below,
            or run a template straight away.
          </EmptyState>
        ) : (
          <table className="w-full text-sm" aria-labelledby="pipelines-title">
            <thead>
              <tr className="text-left text-xs uppercase tracking-wide text-muted">
                <th className="pb-2 font-medium">Name</th>
                <th className="pb-2 font-medium">Version</th>
                <th className="hidden pb-2 font-medium sm:table-cell">Last edited</th>
                <th className="pb-2 text-right font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {pipelines.data.pipelines.map((p) => (
                <tr key={p.id} className="border-t border-border">
                  <td className="py-2.5 pr-3">
                    <div className="font-medium">{p.name}</div>
                    {p.description && <div className="line-clamp-1 text-xs text-muted">{p.description}</div>}
                  </td>
                  <td className="py-2.5 pr-3 tabular-nums text-muted">v{p.latestVersion}</td>
                  <td className="hidden py-2.5 pr-3 text-muted sm:table-cell">
                    {formatDateTime(p.updatedAt)}
                  </td>
                  <td className="py-2.5">
                    <div className="flex justify-end gap-1.5">
                      <Button
                        size="sm"
                        variant="primary"
                        aria-label={`Run ${p.name}`}
                        busy={
                          start.isPending &&
                          start.variables !== undefined &&
                          'pipelineId' in start.variables &&
                          start.variables.pipelineId === p.id
                        }
                        onClick={() => run(p)}
                      >
                        Run
                      </Button>
                      <Link
                        href={`/pipelines/${p.id}`}
                        aria-label={`Edit ${p.name}`}
                        className={buttonClass('secondary', 'sm')}
                      >
                        Edit
                      </Link>
                      <Button size="sm" aria-label={`Rename ${p.name}`} onClick={() => setRenaming(p)}>
                        Rename
                      </Button>
                      <Button
                        size="sm"
                        variant="ghost"
                        aria-label={`Delete ${p.name}`}
                        onClick={() => setDeleting(p)}
                      >
                        Delete
                      </Button>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {renaming && <RenameDialog pipeline={renaming} onClose={() => setRenaming(null)} />}
      {deleting && <DeleteDialog pipeline={deleting} onClose={() => setDeleting(null)} />}
    </Card>
  );
}

function RenameDialog({ pipeline, onClose }: { pipeline: Pipeline; onClose: () => void }) {
  const [name, setName] = useState(pipeline.name);
  const rename = useRenamePipeline();
  return (
    <Dialog
      open
      onClose={onClose}
      title={`Rename ${pipeline.name}`}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="primary"
            type="submit"
            form="rename-form"
            busy={rename.isPending}
            disabled={name.trim() === ''}
          >
            Save name
          </Button>
        </>
      }
    >
      <form
        id="rename-form"
        onSubmit={(e) => {
          e.preventDefault();
          rename.mutate({ id: pipeline.id, name: name.trim() }, { onSuccess: onClose });
        }}
        className="space-y-3"
      >
        <TextField label="Name" value={name} onChange={setName} autoFocus />
        {rename.error && <ErrorBanner error={rename.error} />}
      </form>
    </Dialog>
  );
}

function DeleteDialog({ pipeline, onClose }: { pipeline: Pipeline; onClose: () => void }) {
  const del = useDeletePipeline();
  return (
    <Dialog
      open
      role="alertdialog"
      onClose={onClose}
      title={`Delete ${pipeline.name}?`}
      description={
        <>
          The pipeline and its{' '}
          {pipeline.latestVersion === 1 ? 'version' : `${pipeline.latestVersion} versions`} are removed. Its
          past runs, their checkpoints and logs are kept. This cannot be undone.
        </>
      }
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button
            variant="danger"
            busy={del.isPending}
            onClick={() => del.mutate(pipeline.id, { onSuccess: onClose })}
          >
            Delete pipeline
          </Button>
        </>
      }
    >
      {del.error ? <ErrorBanner error={del.error} /> : null}
    </Dialog>
  );
}

function NewPipelineDialog({
  open,
  onClose,
  templates,
}: {
  open: boolean;
  onClose: () => void;
  templates: Template[];
}) {
  const [templateId, setTemplateId] = useState(templates[0]?.id ?? '');
  const [name, setName] = useState('');
  const create = useCreatePipeline();
  const router = useRouter();
  const template = templates.find((t) => t.id === templateId);
  const close = () => {
    create.reset();
    setName('');
    onClose();
  };
  return (
    <Dialog
      open={open}
      onClose={close}
      title="New pipeline from a template"
      description="Start from one of the examples; it opens in the canvas editor."
      footer={
        <>
          <Button onClick={close}>Cancel</Button>
          <Button
            variant="primary"
            type="submit"
            form="new-pipeline-form"
            busy={create.isPending}
            disabled={!template}
          >
            Create pipeline
          </Button>
        </>
      }
    >
      <form
        id="new-pipeline-form"
        className="space-y-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (!template) return;
          create.mutate(
            { spec: template.spec, ...(name.trim() ? { name: name.trim() } : {}) },
            { onSuccess: (pipeline) => router.push(`/pipelines/${pipeline.id}`) },
          );
        }}
      >
        <TextField
          label="Name"
          value={name}
          onChange={setName}
          placeholder={template?.name ?? ''}
          autoFocus
        />
        <label className="block text-sm">
          <span className="mb-1 block font-medium">Start from</span>
          <select
            value={templateId}
            onChange={(e) => setTemplateId(e.target.value)}
            className="h-9 w-full rounded-md border border-border bg-surface px-2 text-sm"
          >
            {templates.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        {create.error && <ErrorBanner error={create.error} />}
      </form>
    </Dialog>
  );
}

function TextField({
  label,
  value,
  onChange,
  placeholder,
  autoFocus,
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  autoFocus?: boolean;
}) {
  return (
    <label className="block text-sm">
      <span className="mb-1 block font-medium">{label}</span>
      <input
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={placeholder}
        // biome-ignore lint/a11y/noAutofocus: the first field of a dialog the person just opened
        autoFocus={autoFocus}
        maxLength={200}
        className="h-9 w-full rounded-md border border-border bg-surface px-2.5 text-sm placeholder:text-muted/70"
      />
    </label>
  );
}

// ------------------------------------------------------------------------------------------ templates

function TemplateGallery({ templates }: { templates: Template[] }) {
  const router = useRouter();
  const create = useCreatePipeline();
  const createAndRun = useCreateAndRun();
  const busyId = (m: { isPending: boolean; variables?: { spec: unknown } | undefined }) =>
    m.isPending ? templates.find((t) => t.spec === m.variables?.spec)?.id : undefined;
  return (
    <section aria-labelledby="templates-title" className="space-y-3">
      <div>
        <h2 id="templates-title" className="text-lg font-semibold tracking-tight">
          Templates
        </h2>
        <p className="text-sm text-muted">
          The examples in the repository, each runnable at once: <strong>live</strong> ones stream until
          stopped (watch the state change and checkpoints arrive), <strong>bounded</strong> ones read a file
          to its end and finish.
        </p>
      </div>
      {(create.error || createAndRun.error) && <ErrorBanner error={create.error ?? createAndRun.error} />}
      {templates.length === 0 ? (
        <EmptyState title="No templates found">
          The studio reads them from the repository&apos;s <code>examples/</code> directory.
        </EmptyState>
      ) : (
        <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
          {templates.map((t) => (
            <li key={t.id} className="flex flex-col rounded-xl border border-border bg-surface p-4 shadow-sm">
              <div className="flex items-start justify-between gap-2">
                <h3 className="font-semibold">{t.name}</h3>
                <ModeBadge mode={t.mode} />
              </div>
              <div className="mt-1 flex-1">
                <p className="line-clamp-3 text-sm text-muted" title={t.description}>
                  {t.description}
                </p>
              </div>
              <p className="mt-3 flex flex-wrap items-center gap-1 text-[11px] text-muted">
                <span className="sr-only">Nodes: </span>
                {t.kinds.map((k, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the kinds list is fixed per template
                  <span key={i} className="flex items-center gap-1">
                    {i > 0 && <span aria-hidden="true">→</span>}
                    <span className="rounded bg-surface-2 px-1.5 py-0.5 font-mono">{k}</span>
                  </span>
                ))}
              </p>
              <div className="mt-4 flex gap-2">
                <Button
                  size="sm"
                  variant="primary"
                  aria-label={`Run now: ${t.name}`}
                  busy={busyId(createAndRun) === t.id}
                  onClick={() =>
                    createAndRun.mutate(
                      { spec: t.spec },
                      { onSuccess: (job) => router.push(`/jobs/${job.id}`) },
                    )
                  }
                >
                  Run now
                </Button>
                <Button
                  size="sm"
                  aria-label={`Create pipeline from ${t.name}`}
                  busy={busyId(create) === t.id}
                  onClick={() =>
                    create.mutate(
                      { spec: t.spec },
                      { onSuccess: (pipeline) => router.push(`/pipelines/${pipeline.id}`) },
                    )
                  }
                >
                  Create pipeline
                </Button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Live (streams until stopped) or bounded (finishes), on a template's card. */
function ModeBadge({ mode }: { mode: TemplateMode }) {
  if (mode.kind === 'bounded') {
    return (
      <span
        className="shrink-0 rounded-full bg-surface-2 px-2 py-0.5 text-[11px] font-medium text-muted"
        title="Reads its input to the end and finishes: a result to read"
      >
        Bounded · finishes
      </span>
    );
  }
  const checkpoints =
    mode.checkpointEveryMs > 0 ? `, a checkpoint every ${formatDuration(mode.checkpointEveryMs)}` : '';
  return (
    <span
      className="shrink-0 rounded-full bg-ok-soft px-2 py-0.5 text-[11px] font-medium text-ok"
      title={`Streams ${formatCount(mode.rowsPerSecond)} rows a second until stopped${checkpoints}`}
    >
      Live · {formatCount(mode.rowsPerSecond)} rows/s
    </span>
  );
}

// ------------------------------------------------------------------------------------------ runs

function RecentRuns() {
  const jobs = useRecentJobs(10);
  return (
    <Card title="Recent runs" titleId="runs-title">
      <div className="p-4">
        {jobs.isPending ? (
          <Loading label="Loading runs…" />
        ) : jobs.isError ? (
          <ErrorBanner error={jobs.error} />
        ) : jobs.data.jobs.length === 0 ? (
          <EmptyState title="No runs yet">Run a pipeline or a template to see it here.</EmptyState>
        ) : (
          <ul className="divide-y divide-border" aria-labelledby="runs-title">
            {jobs.data.jobs.map((j) => (
              <li key={j.id} className="flex items-center gap-3 py-2 text-sm">
                <StatusBadge status={j.status} />
                <Link href={`/jobs/${j.id}`} className="font-medium hover:text-accent hover:underline">
                  {j.name}
                  {j.version !== null && <span className="ml-1 font-normal text-muted">v{j.version}</span>}
                </Link>
                <span className="ml-auto text-xs text-muted">{formatDateTime(j.createdAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </Card>
  );
}
