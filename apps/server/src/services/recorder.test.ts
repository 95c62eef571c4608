/**
 * A write the recorder cannot make (the database is full, locked, gone) is not silent: the job's room gets an
 * error line for the run view's event log, and the socket event that waits for the row is not sent.
 */
import type { JobEvent } from '@flowstate/api';
import { describe, expect, it } from 'vitest';
import type { Db } from '../db/index';
import type { SocketHub } from '../socket/hub';
import { JobEventRecorder } from './recorder';

function setup() {
  const sent: Array<{ jobId: string; event: string; payload: unknown }> = [];
  const logged: unknown[] = [];
  const full = () => Promise.reject(new Error('SQLITE_FULL: database or disk is full\n    at prisma …'));
  const db = { events: { add: full }, checkpoints: { upsert: full } } as unknown as Db;
  const hub = {
    toJob: (jobId: string, event: string, payload: unknown) => sent.push({ jobId, event, payload }),
  } as unknown as SocketHub;
  const recorder = new JobEventRecorder(db, hub, { error: (obj) => logged.push(obj) });
  return { recorder, sent, logged };
}

describe('JobEventRecorder when the database refuses a write', () => {
  it('tells the job room in an error line, naming the reason; the event that needs the row is not sent', async () => {
    const { recorder, sent, logged } = setup();
    recorder.handle({
      type: 'checkpoint-completed',
      jobId: 'j1',
      checkpoint: {
        checkpointId: 3,
        kind: 'checkpoint',
        trigger: 'periodic',
        timestamp: 1_700_000_000_000,
        durationMs: 12,
        sizeBytes: 2048,
        path: '/cp/j1/chk-3',
      },
      operators: [],
      pauses: { syncMs: 0, longestStepMs: 0 },
    } as never);
    recorder.handle({ type: 'notice', jobId: 'j1', message: 'hello' } as never);
    await recorder.idle('j1');
    expect(logged).toHaveLength(2);
    expect(sent.map((s) => s.event)).toEqual(['job:event', 'job:event']);
    const lines = sent.map((s) => s.payload as JobEvent);
    for (const line of lines) {
      expect(line).toMatchObject({ jobId: 'j1', level: 'error', type: 'notice' });
      expect(line.message).toBe(
        "the server could not store this in its database (SQLITE_FULL: database or disk is full): the job's history and checkpoint list miss it, and a reload will not show this line",
      );
      expect(line.id).toMatch(/^9007199254740991\d+$/);
    }
    expect(lines[0]!.id).not.toBe(lines[1]!.id);
  });
});
