/**
 * The run view's event log, without React: what kind of thing each of a job's events is (the server sends a
 * coarse `type` and a sentence), and the list kept newest first as `job:event`s arrive.
 */
import type { JobEvent } from '@flowstate/api';

export type EventTone = 'neutral' | 'ok' | 'warn' | 'danger';

export interface EventKind {
  /** Short label for the "Kind" column: started, checkpoint completed, restart, failed… */
  label: string;
  tone: EventTone;
}

/** The kind of one event, from its type and (for status and checkpoint events) the start of its message. */
export function eventKind(e: Pick<JobEvent, 'type' | 'level' | 'message'>): EventKind {
  const m = e.message.toLowerCase();
  switch (e.type) {
    case 'status': {
      const status = m.split(/[\s:]/, 1)[0] ?? '';
      if (status === 'running') return { label: 'started', tone: 'ok' };
      if (status === 'finished') return { label: 'finished', tone: 'ok' };
      if (status === 'cancelled') return { label: 'stopped', tone: 'neutral' };
      if (status === 'failed') return { label: 'failed', tone: 'danger' };
      return { label: status || 'status', tone: e.level === 'error' ? 'danger' : 'neutral' };
    }
    case 'restart':
      return { label: 'restart', tone: 'warn' };
    case 'checkpoint': {
      const what = m.startsWith('savepoint') ? 'savepoint' : 'checkpoint';
      if (/ completed\b/.test(m)) return { label: `${what} completed`, tone: 'ok' };
      if (/ failed\b/.test(m)) return { label: `${what} failed`, tone: 'warn' };
      if (/ triggered\b/.test(m)) return { label: `${what} triggered`, tone: 'neutral' };
      return { label: what, tone: 'neutral' };
    }
    case 'restore':
      return { label: 'restore', tone: 'neutral' };
    case 'row-error':
      return { label: 'row error', tone: 'warn' };
    default:
      return {
        label: e.type || 'event',
        tone: e.level === 'error' ? 'danger' : e.level === 'warn' ? 'warn' : 'neutral',
      };
  }
}

/** Orders event ids (decimal strings that increase with every event): by length, then as text. */
function compareIds(a: string, b: string): number {
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `list` with `incoming` added once each (by id), newest first (time, then id), at most `limit`. */
export function mergeEvents(
  list: readonly JobEvent[],
  incoming: readonly JobEvent[],
  limit: number,
): JobEvent[] {
  const byId = new Map<string, JobEvent>();
  for (const e of list) byId.set(e.id, e);
  for (const e of incoming) byId.set(e.id, e);
  return [...byId.values()]
    .sort((a, b) => Date.parse(b.at) - Date.parse(a.at) || compareIds(b.id, a.id))
    .slice(0, limit);
}
