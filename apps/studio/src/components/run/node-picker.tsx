'use client';
import { useId } from 'react';
import type { NodeRef } from '../../lib/spec-nodes';

/** A labelled select of a job's nodes (a panel's "which node" choice); nothing when there is only one. */
export function NodePicker({
  label,
  nodes,
  value,
  onChange,
  describe = (n) => n.name,
}: {
  label: string;
  nodes: NodeRef[];
  value: string;
  onChange: (id: string) => void;
  describe?: (n: NodeRef) => string;
}) {
  const id = useId();
  if (nodes.length < 2) return null;
  return (
    <>
      <label htmlFor={id} className="text-xs text-muted">
        {label}
      </label>
      <select
        id={id}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className="h-7 rounded-md border border-border bg-surface px-1.5 text-xs"
      >
        {nodes.map((n) => (
          <option key={n.id} value={n.id}>
            {describe(n)}
          </option>
        ))}
      </select>
    </>
  );
}
