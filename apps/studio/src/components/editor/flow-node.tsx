'use client';
import { Handle, type NodeProps, Position } from '@xyflow/react';
import { Fragment, type ReactNode, useContext } from 'react';
import { useStore } from 'zustand';
import {
  type FlowNode,
  HANDLE_IN,
  HANDLE_LATE,
  handlesOf,
  handleTop,
  isJoinKind,
  isWarning,
  KIND_LABELS,
  nodeSummary,
  sideLabel,
} from '../../editor';
import { AnalysisContext, useEditorStore } from './editor-context';

/**
 * One canvas node: kind and problem count, label, summary; an `in` target (a join: `left` above `right`,
 * labelled), a `main` (and a window's `late`) source.
 */
export function FlowNodeView({ data, type, id, selected }: NodeProps<FlowNode>) {
  const analysis = useContext(AnalysisContext);
  // A join's summary names its condition, which the keyBys before it hold.
  const graph = useStore(useEditorStore(), (s) => (isJoinKind(type) ? s.graph : undefined));
  const problems = analysis?.byNode.get(id) ?? [];
  const errors = problems.filter((p) => !isWarning(p)).length;
  const warnings = problems.length - errors;
  const { inputs, outputs } = handlesOf(type);
  const label = (data as { name?: string }).name || id;
  return (
    <div
      className={`w-[200px] rounded-lg border bg-surface px-3 py-2 text-left shadow-sm ${
        selected ? 'border-accent ring-2 ring-accent/40' : 'border-border'
      }`}
    >
      {inputs.map((h, i) => {
        const top = handleTop(i, inputs.length);
        const side = h === HANDLE_IN ? null : h;
        return (
          <Fragment key={h}>
            <Handle
              type="target"
              position={Position.Left}
              id={h}
              // A handle is clicked (React Flow connects on click too) or dragged to connect: a button.
              role="button"
              aria-label={side === null ? `${label} input` : `${label} ${side} input`}
              title={side === null ? undefined : sideLabel(type, side)}
              style={top ? { top } : undefined}
            />
            {top && side !== null && (
              <HandleLabel top={top} side="left">
                {side}
              </HandleLabel>
            )}
          </Fragment>
        );
      })}
      <div className="flex items-center justify-between gap-2 text-[11px] leading-4">
        <span className="font-medium uppercase tracking-wide text-muted">{KIND_LABELS[type] ?? type}</span>
        {errors > 0 && (
          <span className="rounded bg-danger/15 px-1.5 font-medium text-danger" title="Problems">
            {errors} {errors === 1 ? 'problem' : 'problems'}
          </span>
        )}
        {errors === 0 && warnings > 0 && (
          <span className="rounded bg-surface-2 px-1.5 text-muted" title="Warnings">
            {warnings} {warnings === 1 ? 'warning' : 'warnings'}
          </span>
        )}
      </div>
      <div className="truncate text-base font-semibold leading-snug" title={label}>
        {label}
      </div>
      <div className="mt-0.5 truncate text-[13px] leading-snug text-muted">
        {nodeSummary({ id, type, data } as FlowNode, graph)}
      </div>
      {outputs.map((h, i) => {
        const top = handleTop(i, outputs.length);
        return (
          <Fragment key={h}>
            <Handle
              type="source"
              position={Position.Right}
              id={h}
              role="button"
              aria-label={h === HANDLE_LATE ? `${label} late output` : `${label} output`}
              style={top ? { top } : undefined}
            />
            {top && <HandleLabel top={top}>{h === HANDLE_LATE ? 'late' : 'main'}</HandleLabel>}
          </Fragment>
        );
      })}
    </div>
  );
}

/**
 * Which handle it is, just outside the node above its edge: a window's two outputs (results and late rows),
 * a join's two inputs (left and right).
 */
export function HandleLabel({
  top,
  side = 'right',
  children,
}: {
  top: string;
  side?: 'left' | 'right';
  children: ReactNode;
}) {
  return (
    <span
      aria-hidden="true"
      style={{ top }}
      className={`pointer-events-none absolute ${side === 'right' ? 'left-full ml-2' : 'right-full mr-2'} -translate-y-full rounded bg-surface/90 px-0.5 font-mono text-[10px] leading-3 text-muted`}
    >
      {children}
    </span>
  );
}
