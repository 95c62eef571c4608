'use client';
/** The editor page's smaller parts: the new pipeline's name field, messages over the canvas, the problems list. */
import { type RefObject, useState } from 'react';
import { useStore } from 'zustand';
import { analyzeGraph, isWarning, labelledProblem, locateProblem } from '../../editor';
import { describeError } from '../../lib/api';
import { Button } from '../ui/button';
import { useEditorStore } from './editor-context';

/** A refusal (a connection, a save without a name) or a failed request, shown over the canvas. */
export type Status = { kind: 'refusal'; text: string } | { kind: 'error'; error: unknown };

export /** The new pipeline's name (the spec's `name`): committed to the canvas on blur or Enter, one undo step. */
function PipelineNameField({ inputRef }: { inputRef: RefObject<HTMLInputElement | null> }) {
  const store = useEditorStore();
  const name = useStore(store, (s) => s.graph.name);
  const [draft, setDraft] = useState<string | null>(null);
  const commit = () => {
    if (draft !== null && draft !== name) store.getState().updateJob({ name: draft });
    setDraft(null);
  };
  return (
    <input
      ref={inputRef}
      aria-label="Pipeline name"
      placeholder="Name this pipeline"
      value={draft ?? name}
      maxLength={200}
      onChange={(e) => setDraft(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') commit();
        if (e.key === 'Escape') setDraft(null);
      }}
      className="h-8 w-48 shrink-0 rounded-md border border-border bg-surface px-2.5 text-sm font-medium placeholder:font-normal placeholder:text-muted/80"
    />
  );
}

export function StatusMessage({ status, onDismiss }: { status: Status; onDismiss: () => void }) {
  const d = status.kind === 'error' ? describeError(status.error) : null;
  return (
    <div className="pointer-events-auto flex max-h-64 max-w-2xl items-start gap-3 overflow-y-auto rounded-lg border border-danger/40 bg-danger-soft px-3 py-2 text-sm shadow-md">
      <div className="min-w-0 flex-1">
        {d === null ? (
          <p className="text-danger">{status.kind === 'refusal' ? status.text : ''}</p>
        ) : (
          <>
            <p className="font-semibold text-danger">
              {d.title}: {d.message}
            </p>
            {d.items.length > 0 && (
              <ul className="mt-1 list-disc space-y-0.5 pl-5 font-mono text-xs text-fg">
                {d.items.slice(0, 20).map((item) => (
                  <li key={item}>{item}</li>
                ))}
                {d.items.length > 20 && <li>…and {d.items.length - 20} more</li>}
              </ul>
            )}
          </>
        )}
      </div>
      <button
        type="button"
        onClick={onDismiss}
        aria-label="Dismiss message"
        className="shrink-0 rounded px-1 text-muted hover:bg-surface hover:text-fg"
      >
        ×
      </button>
    </div>
  );
}

export function EmptyCanvasHint({ onImport }: { onImport: () => void }) {
  return (
    <div className="pointer-events-none absolute inset-0 z-[5] flex items-center justify-center p-6">
      <div className="max-w-sm rounded-xl border border-dashed border-border bg-surface/90 px-6 py-5 text-center shadow-sm">
        <p className="font-medium">Drag a source from the palette onto the canvas</p>
        <p className="mt-1 text-sm text-muted">
          (or click it), then add transforms and a sink and connect them, output to input.
        </p>
        <Button size="sm" className="pointer-events-auto mt-3" onClick={onImport}>
          Import a spec…
        </Button>
      </div>
    </div>
  );
}

/** Every problem of the graph, with the form's labels; a click selects the node it is about. */
export function ProblemsList() {
  const store = useEditorStore();
  const graph = useStore(store, (s) => s.graph);
  const analysis = analyzeGraph(graph);
  return (
    <section aria-labelledby="problems-title" className="border-t border-border p-3">
      <h2 id="problems-title" className="mb-1 text-xs font-semibold uppercase tracking-wide text-muted">
        Problems ({analysis.problems.length})
      </h2>
      {analysis.problems.length === 0 ? (
        <p className="text-sm text-muted">No problems.</p>
      ) : (
        <ul className="space-y-1 text-sm">
          {analysis.problems.map((p) => {
            const { nodeId } = locateProblem(graph, p);
            return (
              <li key={`${p.path}:${p.code}:${p.message}`}>
                <button
                  type="button"
                  disabled={nodeId === undefined}
                  onClick={() => nodeId !== undefined && store.getState().select([nodeId])}
                  className={`w-full rounded px-1 text-left hover:bg-surface-2 ${isWarning(p) ? 'text-muted' : 'text-danger'}`}
                >
                  {nodeId ? <span className="font-mono text-xs">{nodeId}: </span> : null}
                  {labelledProblem(graph, p)}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
