import type { JobEvent } from '@flowstate/api';
import { describe, expect, it } from 'vitest';
import { eventKind, mergeEvents } from './job-events';

const ev = (id: string, at: string, type = 'notice', message = 'x'): JobEvent => ({
  id,
  jobId: 'j',
  at,
  level: 'info',
  type,
  message,
});

describe('eventKind', () => {
  it('names status, restart, checkpoint and restore events as the server words them', () => {
    const k = (type: string, message: string, level: JobEvent['level'] = 'info') =>
      eventKind({ type, message, level }).label;
    expect(k('status', 'running')).toBe('started');
    expect(k('status', 'finished')).toBe('finished');
    expect(k('status', 'cancelled')).toBe('stopped');
    expect(k('status', 'failed: division by zero', 'error')).toBe('failed');
    expect(k('restart', 'restarting (restart 1): boom', 'warn')).toBe('restart');
    expect(k('checkpoint', 'checkpoint 3 completed in 12 ms (1.2 KiB, manual)')).toBe('checkpoint completed');
    expect(k('checkpoint', 'savepoint 4 completed in 12 ms (1.2 KiB, stop)')).toBe('savepoint completed');
    expect(k('checkpoint', 'checkpoint 5 failed: timeout', 'warn')).toBe('checkpoint failed');
    expect(k('checkpoint', 'checkpoint 6 triggered (manual)')).toBe('checkpoint triggered');
    expect(k('restore', 'restored checkpoint 3: requested')).toBe('restore');
    expect(k('row-error', 'bad row', 'warn')).toBe('row error');
    expect(eventKind({ type: 'notice', message: 'x', level: 'error' })).toEqual({
      label: 'notice',
      tone: 'danger',
    });
    expect(eventKind({ type: 'status', message: 'failed: x', level: 'error' }).tone).toBe('danger');
  });
});

describe('mergeEvents', () => {
  it('adds new events once, newest first, ids breaking ties of the same millisecond, up to the limit', () => {
    const t = '2024-01-01T00:00:00.000Z';
    const list = [ev('9', t), ev('8', t)];
    const merged = mergeEvents(list, [ev('10', t), ev('9', t)], 10);
    expect(merged.map((e) => e.id)).toEqual(['10', '9', '8']);
    const later = mergeEvents(merged, [ev('11', '2024-01-01T00:00:01.000Z')], 2);
    expect(later.map((e) => e.id)).toEqual(['11', '10']);
  });
});
