const TONES: Record<string, string> = {
  running: 'bg-ok-soft text-ok',
  completed: 'bg-ok-soft text-ok',
  finished: 'bg-accent-soft text-accent',
  created: 'bg-surface-2 text-muted',
  pending: 'bg-warn-soft text-warn',
  restarting: 'bg-warn-soft text-warn',
  cancelled: 'bg-surface-2 text-muted',
  discarded: 'bg-surface-2 text-muted',
  failed: 'bg-danger-soft text-danger',
};

/** A job or checkpoint status as a coloured pill (the word is always shown: colour is never the only cue). */
export function StatusBadge({ status }: { status: string }) {
  const pulse = status === 'running' || status === 'pending' || status === 'restarting';
  return (
    <span
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ${TONES[status] ?? 'bg-surface-2 text-muted'}`}
    >
      <span
        className={`h-1.5 w-1.5 rounded-full bg-current ${pulse ? 'animate-pulse' : ''}`}
        aria-hidden="true"
      />
      {status}
    </span>
  );
}
