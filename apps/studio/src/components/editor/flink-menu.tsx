'use client';
import type { FlinkDeployment } from '@flowstate/api';
import { type KeyboardEvent, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import {
  canCancel,
  describeStatus,
  type ExportProblemItem,
  exportProblems,
  isNotConfigured,
  type StatusTone,
  sqlFileName,
  useCancelDeployment,
  useDeploy,
  useFlinkDeployments,
  useFlinkInfo,
  useFlinkSql,
} from '../../lib/flink';
import { formatDateTime } from '../../lib/format';
import { Button, buttonClass } from '../ui/button';
import { Dialog } from '../ui/dialog';
import { ErrorBanner, Loading } from '../ui/feedback';

/**
 * The editor's Flink menu (one toolbar control): **Export to Flink SQL** shows the saved version's script
 * (read-only) with the export's notes, Copy and Download (.sql) — or, when Flink SQL cannot express the pipeline,
 * the problems naming each node; **Deploy to Flink** submits the saved version to the Flink SQL Gateway the server
 * is configured with and lists the pipeline's deployments with their status (read from Flink while they run),
 * Cancel and a link to Flink's dashboard — or, without a gateway, says how to configure one.
 */
export function FlinkMenu({
  pipeline,
  dirty,
}: {
  /** The saved pipeline (null until it is first saved). */
  pipeline: { id: string; name: string; latestVersion: number } | null;
  /** Unsaved changes on the canvas (they are not in what is exported or deployed). */
  dirty: boolean;
}) {
  const [dialog, setDialog] = useState<'sql' | 'deploy' | null>(null);
  const close = () => setDialog(null);
  return (
    <>
      <MenuButton
        label="Flink"
        items={[
          { label: 'Export to Flink SQL…', onSelect: () => setDialog('sql') },
          { label: 'Deploy to Flink…', onSelect: () => setDialog('deploy') },
        ]}
      />
      {dialog === 'sql' && <FlinkSqlDialog pipeline={pipeline} dirty={dirty} onClose={close} />}
      {dialog === 'deploy' && <DeployDialog pipeline={pipeline} dirty={dirty} onClose={close} />}
    </>
  );
}

// ------------------------------------------------------------------------------------------ menu button

/** A menu button (WAI-ARIA: Enter/Space/ArrowDown open it, arrows move, Escape and Tab close). */
function MenuButton({ label, items }: { label: string; items: { label: string; onSelect: () => void }[] }) {
  const [open, setOpen] = useState(false);
  const [focusIndex, setFocusIndex] = useState(0);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const menuId = useId();

  useEffect(() => {
    if (!open) return;
    menuRef.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[focusIndex]?.focus();
  }, [open, focusIndex]);

  useEffect(() => {
    if (!open) return;
    const onPointer = (e: PointerEvent) => {
      const t = e.target as Node;
      if (!menuRef.current?.contains(t) && !buttonRef.current?.contains(t)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointer);
    return () => document.removeEventListener('pointerdown', onPointer);
  }, [open]);

  const show = (index: number) => {
    setFocusIndex(index);
    setOpen(true);
  };
  const hide = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };
  const onMenuKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const n = items.length;
    if (e.key === 'ArrowDown') setFocusIndex((i) => (i + 1) % n);
    else if (e.key === 'ArrowUp') setFocusIndex((i) => (i - 1 + n) % n);
    else if (e.key === 'Home') setFocusIndex(0);
    else if (e.key === 'End') setFocusIndex(n - 1);
    else if (e.key === 'Escape') hide(true);
    else if (e.key === 'Tab') {
      setOpen(false);
      return;
    } else return;
    e.preventDefault();
  };

  return (
    <div className="relative">
      <button
        ref={buttonRef}
        type="button"
        className={buttonClass('secondary', 'sm')}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        onClick={() => (open ? hide(false) : show(0))}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            show(e.key === 'ArrowDown' ? 0 : items.length - 1);
          }
        }}
      >
        {label}
        <span aria-hidden="true" className="text-[10px] text-muted">
          ▾
        </span>
      </button>
      {open && (
        <div
          ref={menuRef}
          id={menuId}
          role="menu"
          aria-label={label}
          onKeyDown={onMenuKey}
          className="absolute right-0 z-30 mt-1 min-w-48 rounded-md border border-border bg-surface py-1 shadow-lg"
        >
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="block w-full px-3 py-1.5 text-left text-sm hover:bg-surface-2 focus:bg-surface-2 focus:outline-none"
              onClick={() => {
                hide(false);
                item.onSelect();
              }}
            >
              {item.label}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

// ------------------------------------------------------------------------------------------ shared parts

type SavedPipeline = { id: string; name: string; latestVersion: number } | null;

function NotSaved() {
  return (
    <p className="rounded-md bg-surface-2 px-3 py-2 text-sm">
      Save the pipeline first: Flink gets its saved version, as the server stores it.
    </p>
  );
}

function UnsavedNote({ version }: { version: number }) {
  return (
    <p className="rounded-md bg-warn-soft px-3 py-2 text-sm text-fg">
      This is version {version} as saved; your unsaved changes are not in it. Save to include them.
    </p>
  );
}

/** The problems of a refused export, each naming its node. */
function ProblemList({ problems, intro }: { problems: ExportProblemItem[]; intro: string }) {
  return (
    <div role="alert" className="rounded-md border border-danger/40 bg-danger-soft px-3 py-2 text-sm">
      <p className="font-semibold text-danger">{intro}</p>
      <ul aria-label="Export problems" className="mt-1.5 list-disc space-y-1 pl-5">
        {problems.map((p) => (
          <li key={`${p.nodeId}:${p.message}`}>
            {p.nodeId !== null && (
              <>
                Node <code className="font-mono text-xs font-semibold">{p.nodeId}</code>:{' '}
              </>
            )}
            {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

function NoteList({ notes, label }: { notes: { nodeId?: string; message: string }[]; label: string }) {
  if (notes.length === 0) return null;
  return (
    <ul aria-label={label} className="list-disc space-y-1 pl-5 text-xs text-muted">
      {notes.map((n) => (
        <li key={`${n.nodeId ?? ''}:${n.message}`}>
          {n.nodeId !== undefined && (
            <>
              Node <code className="font-mono">{n.nodeId}</code>:{' '}
            </>
          )}
          {n.message}
        </li>
      ))}
    </ul>
  );
}

function Code({ children }: { children: ReactNode }) {
  return <code className="rounded bg-surface-2 px-1 py-0.5 font-mono text-xs text-fg">{children}</code>;
}

// ------------------------------------------------------------------------------------------ Flink SQL

/** Copies through the Clipboard API, else through a selected text area inside `container` (the open dialog). */
async function copyText(text: string, container: HTMLElement | null): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // fall back below (e.g. permission refused)
  }
  if (!container) return false;
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'fixed left-0 top-0 opacity-0';
  container.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

function FlinkSqlDialog({
  pipeline,
  dirty,
  onClose,
}: {
  pipeline: SavedPipeline;
  dirty: boolean;
  onClose: () => void;
}) {
  const sql = useFlinkSql(pipeline?.id ?? null, pipeline?.latestVersion ?? null);
  const [feedback, setFeedback] = useState<string | null>(null);
  const bodyRef = useRef<HTMLDivElement>(null);
  const problems = sql.isError ? exportProblems(sql.error) : null;
  const data = sql.data;

  const copy = async () => {
    if (!data) return;
    const ok = await copyText(data.sql, bodyRef.current);
    setFeedback(
      ok ? 'Copied the script to the clipboard.' : 'Copying failed: select the script and copy it.',
    );
  };
  const download = () => {
    if (!data) return;
    const url = URL.createObjectURL(new Blob([data.sql], { type: 'application/sql' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = sqlFileName(data.name, data.version);
    // Inside the dialog: the rest of the page is inert while it is open.
    (bodyRef.current ?? document.body).append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setFeedback(`Downloaded ${link.download}.`);
  };

  return (
    <Dialog
      open
      size="lg"
      onClose={onClose}
      title="Flink SQL"
      description={
        pipeline
          ? `Version ${pipeline.latestVersion} of ${pipeline.name}, exported for Apache Flink 2.x: run it with Flink's SQL client or SQL Gateway. File paths are the server's; the Flink cluster must see the same files.`
          : 'The pipeline exported for Apache Flink 2.x.'
      }
      footer={
        <>
          <output aria-live="polite" className="mr-auto self-center text-xs text-muted">
            {feedback}
          </output>
          <Button onClick={() => void copy()} disabled={!data}>
            Copy
          </Button>
          <Button onClick={download} disabled={!data}>
            Download .sql
          </Button>
          <Button variant="primary" onClick={onClose}>
            Close
          </Button>
        </>
      }
    >
      <div ref={bodyRef} className="space-y-3">
        {pipeline === null ? (
          <NotSaved />
        ) : (
          <>
            {dirty && <UnsavedNote version={pipeline.latestVersion} />}
            {sql.isPending ? (
              <Loading label="Exporting…" />
            ) : problems ? (
              <ProblemList problems={problems} intro="Flink SQL cannot run this pipeline as it is:" />
            ) : sql.isError ? (
              <ErrorBanner error={sql.error} />
            ) : data ? (
              <>
                {data.notes.length > 0 && (
                  <details className="rounded-md border border-border px-3 py-2 text-sm">
                    <summary className="cursor-pointer font-medium">
                      {data.notes.length} {data.notes.length === 1 ? 'note' : 'notes'}: where Flink differs
                      from Flowstate
                    </summary>
                    <div className="mt-2">
                      <NoteList notes={data.notes} label="Export notes" />
                    </div>
                  </details>
                )}
                <section
                  aria-label="Flink SQL script"
                  // biome-ignore lint/a11y/noNoninteractiveTabindex: scrollable content must be reachable by keyboard
                  tabIndex={0}
                  className="max-h-[55vh] overflow-auto rounded-md border border-border bg-surface-2 p-3"
                >
                  <pre className="w-max font-mono text-xs leading-relaxed text-fg">{data.sql}</pre>
                </section>
              </>
            ) : null}
          </>
        )}
      </div>
    </Dialog>
  );
}

// ------------------------------------------------------------------------------------------ deploy

const TONE_CLASSES: Record<StatusTone, string> = {
  ok: 'bg-ok-soft text-ok',
  done: 'bg-accent-soft text-accent',
  busy: 'bg-warn-soft text-warn',
  muted: 'bg-surface-2 text-muted',
  bad: 'bg-danger-soft text-danger',
};

function DeploymentStatus({ status }: { status: FlinkDeployment['status'] }) {
  const { label, tone } = describeStatus(status);
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ${TONE_CLASSES[tone]}`}
    >
      <span
        aria-hidden="true"
        className={`h-1.5 w-1.5 rounded-full bg-current ${tone === 'ok' || tone === 'busy' ? 'animate-pulse' : ''}`}
      />
      {label}
    </span>
  );
}

function NotConfigured() {
  return (
    <section aria-label="How to configure Flink" className="space-y-2 text-sm leading-relaxed">
      <p className="font-semibold">This server has no Flink SQL Gateway configured.</p>
      <p>
        Deploy to Flink exports the saved version to Flink SQL and submits it through a Flink SQL Gateway. To
        turn it on:
      </p>
      <ol className="list-decimal space-y-1.5 pl-5">
        <li>
          Start a Flink with a SQL Gateway — on this machine,{' '}
          <Code>pnpm --filter @flowstate/flink-local run flink:start</Code> starts one (SQL Gateway on port
          8083, dashboard on 8081).
        </li>
        <li>
          Start the Flowstate server with <Code>FLOWSTATE_FLINK_GATEWAY=http://127.0.0.1:8083</Code> (and{' '}
          <Code>FLOWSTATE_FLINK_DASHBOARD=http://127.0.0.1:8081</Code> when the gateway does not name its
          cluster’s REST API), e.g. <Code>FLOWSTATE_FLINK_GATEWAY=http://127.0.0.1:8083 npm start</Code>.
        </li>
      </ol>
      <p className="text-muted">
        The script names files by the server’s absolute paths, so the Flink cluster must see the same file
        system (the same machine, or the same paths mounted).
      </p>
    </section>
  );
}

function DeploymentItem({
  d,
  onCancel,
  cancelling,
}: {
  d: FlinkDeployment;
  onCancel: () => void;
  cancelling: boolean;
}) {
  return (
    <li
      aria-label={`Deployment of version ${d.version}, ${describeStatus(d.status).label}`}
      className="rounded-md border border-border px-3 py-2 text-sm"
    >
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-semibold tabular-nums">v{d.version}</span>
        <DeploymentStatus status={d.status} />
        <time dateTime={d.createdAt} className="text-xs text-muted">
          {formatDateTime(d.createdAt)}
        </time>
        <span className="ml-auto flex gap-1.5">
          {d.dashboardUrl && (
            <a
              href={d.dashboardUrl}
              target="_blank"
              rel="noreferrer"
              aria-label={`Flink dashboard of job ${d.flinkJobId}`}
              className="inline-flex h-7 items-center rounded-md border border-border px-2.5 text-xs font-medium hover:bg-surface-2"
            >
              Flink dashboard
            </a>
          )}
          {canCancel(d) && (
            <Button
              size="sm"
              variant="danger"
              busy={cancelling}
              aria-label={`Cancel the Flink job of version ${d.version}`}
              onClick={onCancel}
            >
              Cancel
            </Button>
          )}
        </span>
      </div>
      {d.flinkJobId && (
        <p className="mt-1 text-xs text-muted">
          Flink job <code className="font-mono">{d.flinkJobId}</code>
        </p>
      )}
      {d.error && <p className="mt-1 break-words text-xs text-danger">{d.error}</p>}
      {d.statusError && <p className="mt-1 break-words text-xs text-muted">{d.statusError}</p>}
      {d.notes.length > 0 && (
        <details className="mt-1 text-xs">
          <summary className="cursor-pointer text-muted">
            {d.notes.length} export {d.notes.length === 1 ? 'note' : 'notes'}
          </summary>
          <div className="mt-1">
            <NoteList notes={d.notes} label={`Export notes of version ${d.version}`} />
          </div>
        </details>
      )}
    </li>
  );
}

function DeployDialog({
  pipeline,
  dirty,
  onClose,
}: {
  pipeline: SavedPipeline;
  dirty: boolean;
  onClose: () => void;
}) {
  const info = useFlinkInfo(true);
  const deployments = useFlinkDeployments(pipeline?.id ?? null, true);
  const deploy = useDeploy(pipeline?.id ?? '');
  const cancel = useCancelDeployment(pipeline?.id ?? '');
  const configured = info.data?.configured === true;
  const refused = deploy.isError ? exportProblems(deploy.error) : null;
  const list = deployments.data?.deployments ?? [];

  return (
    <Dialog
      open
      size="lg"
      onClose={onClose}
      title="Deploy to Flink"
      description="Exports the saved version to Flink SQL (as Export to Flink SQL shows it) and submits it to an Apache Flink cluster through its SQL Gateway."
      footer={
        <>
          <Button onClick={onClose}>Close</Button>
          {configured && pipeline && (
            <Button
              variant="primary"
              busy={deploy.isPending}
              onClick={() => deploy.mutate(pipeline.latestVersion)}
            >
              Deploy version {pipeline.latestVersion}
            </Button>
          )}
        </>
      }
    >
      <div className="space-y-3">
        {info.isPending ? (
          <Loading label="Asking the server about Flink…" />
        ) : info.isError ? (
          <ErrorBanner error={info.error} />
        ) : !configured || isNotConfigured(deploy.error) ? (
          <NotConfigured />
        ) : (
          <>
            <p className="text-sm">
              {info.data.flinkVersion ? (
                <>
                  Flink {info.data.flinkVersion} through the SQL Gateway at{' '}
                  <Code>{info.data.gatewayUrl}</Code>
                  {info.data.dashboardUrl && (
                    <>
                      {' '}
                      · dashboard{' '}
                      <a
                        href={info.data.dashboardUrl}
                        target="_blank"
                        rel="noreferrer"
                        className="text-accent underline"
                      >
                        {info.data.dashboardUrl}
                      </a>
                    </>
                  )}
                </>
              ) : (
                <span className="text-danger">{info.data.error}</span>
              )}
            </p>
            {pipeline === null ? <NotSaved /> : dirty && <UnsavedNote version={pipeline.latestVersion} />}
            {refused ? (
              <ProblemList problems={refused} intro="Flink SQL cannot run this pipeline as it is:" />
            ) : deploy.isError ? (
              <ErrorBanner error={deploy.error} />
            ) : null}
          </>
        )}
        {cancel.isError && <ErrorBanner error={cancel.error} />}
        {pipeline !== null && (deployments.isError || list.length > 0) && (
          <section aria-labelledby="flink-deployments-title">
            <h3 id="flink-deployments-title" className="mb-1.5 text-xs font-semibold uppercase text-muted">
              Deployments of this pipeline
            </h3>
            {deployments.isError ? (
              <ErrorBanner error={deployments.error} />
            ) : (
              <ol aria-label="Deployments" className="max-h-[45vh] space-y-2 overflow-y-auto">
                {list.map((d) => (
                  <DeploymentItem
                    key={d.id}
                    d={d}
                    cancelling={cancel.isPending && cancel.variables === d.id}
                    onCancel={() => cancel.mutate(d.id)}
                  />
                ))}
              </ol>
            )}
          </section>
        )}
      </div>
    </Dialog>
  );
}
