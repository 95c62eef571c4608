import { describe, expect, it } from 'vitest';
import { ManualClock } from '../time/index';
import {
  CheckpointCoordinator,
  type CompletedCheckpoint,
  type CoordinatorListener,
  type PendingCheckpoint,
} from './coordinator';

function setup(
  opts: Partial<{
    intervalMs: number;
    timeoutMs: number;
    minPauseMs: number;
    retained: number;
    tolerableFailures: number;
  }> = {},
) {
  const clock = new ManualClock(0);
  const log: string[] = [];
  const discarded: number[] = [];
  const finalizers: Array<{ p: PendingCheckpoint<string>; resolve: () => void; reject: (e: Error) => void }> =
    [];
  const listener: CoordinatorListener<string> = {
    triggerCheckpoint: (id, ts, kind, trigger) => log.push(`trigger ${id} @${ts} ${kind} ${trigger}`),
    finalizeCheckpoint: (p) =>
      new Promise((resolve, reject) =>
        finalizers.push({
          p,
          resolve: () => resolve({ path: `/chk-${p.checkpointId}`, sizeBytes: 10 }),
          reject,
        }),
      ),
    abortCheckpoint: (p, reason) => log.push(`abort ${p.checkpointId}: ${reason}`),
    notifyCheckpointComplete: (c: CompletedCheckpoint) =>
      log.push(`complete ${c.checkpointId} ${c.durationMs}ms`),
    discardCheckpoint: (c) => discarded.push(c.checkpointId),
    failJob: (reason) => log.push(`fail job: ${reason}`),
  };
  const cc = new CheckpointCoordinator<string>(
    { intervalMs: 100, timeoutMs: 1000, minPauseMs: 0, retained: 2, ...opts },
    clock,
    listener,
  );
  cc.setTasks(['a', 'b']);
  const ackAll = (id: number) => {
    cc.receiveAcknowledgeMessage(id, 'a', 'ha');
    cc.receiveAcknowledgeMessage(id, 'b', 'hb');
  };
  const flush = async () => {
    while (finalizers.length) finalizers.shift()!.resolve();
    await new Promise((r) => setTimeout(r, 0));
  };
  return { clock, log, discarded, finalizers, cc, ackAll, flush };
}

describe('CheckpointCoordinator', () => {
  it('triggers periodically, completes when every task acknowledged, with ascending ids', async () => {
    const { clock, log, cc, ackAll, flush } = setup();
    cc.startCheckpointScheduler();
    cc.tick();
    expect(log).toEqual([]);
    clock.advance(100);
    cc.tick();
    expect(log).toEqual(['trigger 1 @100 checkpoint periodic']);
    cc.receiveAcknowledgeMessage(1, 'a', 'x');
    expect(cc.pendingCheckpoint?.notYetAcknowledged).toEqual(new Set(['b']));
    clock.advance(5);
    cc.receiveAcknowledgeMessage(1, 'b', 'y');
    await flush();
    expect(log.at(-1)).toBe('complete 1 5ms');
    clock.advance(100);
    cc.tick();
    ackAll(2);
    await flush();
    expect(cc.getCompletedCheckpoints().map((c) => c.checkpointId)).toEqual([1, 2]);
  });

  it('keeps one checkpoint in flight and queues a manual trigger with its id', async () => {
    const { log, cc, ackAll, flush } = setup({ intervalMs: 0 });
    expect(cc.triggerCheckpoint('manual')).toEqual({ ok: true, checkpointId: 1 });
    expect(cc.triggerCheckpoint('manual')).toEqual({ ok: true, checkpointId: 2 });
    expect(log).toEqual(['trigger 1 @0 checkpoint manual']);
    ackAll(1);
    await flush();
    expect(log).toContain('trigger 2 @0 checkpoint manual');
  });

  it('aborts on a decline and on timeout', () => {
    const { clock, log, cc } = setup({ intervalMs: 0 });
    cc.triggerCheckpoint('manual');
    cc.receiveDeclineMessage(1, 'a', 'task failed');
    expect(log.at(-1)).toBe('abort 1: declined by a: task failed');
    cc.triggerCheckpoint('manual');
    clock.advance(999);
    cc.tick();
    expect(cc.pendingCheckpoint?.checkpointId).toBe(2);
    clock.advance(1);
    cc.tick();
    expect(log.at(-1)).toBe('abort 2: timed out after 1000 ms');
    // a late ack of the aborted checkpoint is ignored
    cc.receiveAcknowledgeMessage(2, 'a', 'late');
    expect(cc.pendingCheckpoint).toBeNull();
  });

  it('respects minPauseMs between the end of one checkpoint and the next', async () => {
    const { clock, log, cc, ackAll, flush } = setup({ intervalMs: 10, minPauseMs: 50 });
    cc.startCheckpointScheduler();
    clock.advance(10);
    cc.tick();
    clock.advance(30);
    ackAll(1);
    await flush();
    clock.advance(10); // interval passed, pause not
    cc.tick();
    expect(log.filter((l) => l.startsWith('trigger'))).toHaveLength(1);
    clock.advance(40);
    cc.tick();
    expect(log.filter((l) => l.startsWith('trigger'))).toHaveLength(2);
  });

  it('retains N checkpoints, discards older ones, but never a pinned one; savepoints are kept', async () => {
    const { cc, ackAll, flush, discarded } = setup({ intervalMs: 0, retained: 2 });
    const run = async (kind: 'checkpoint' | 'savepoint' = 'checkpoint') => {
      const r = cc.triggerCheckpoint('manual', kind);
      if (!r.ok) throw new Error(r.reason);
      ackAll(r.checkpointId);
      await flush();
    };
    await run();
    await run();
    cc.pin(1);
    await run();
    expect(discarded).toEqual([2]); // 1 is pinned: kept beside the newest two
    cc.unpin(1);
    expect(discarded).toEqual([2]); // 1 and 3 are the two newest now
    await run('savepoint');
    await run();
    expect(discarded).toEqual([2, 1]);
    expect(cc.getCompletedCheckpoints().map((c) => `${c.kind}:${c.checkpointId}`)).toEqual([
      'checkpoint:3',
      'savepoint:4',
      'checkpoint:5',
    ]);
  });

  it('aborts when the metadata cannot be written', async () => {
    const { cc, ackAll, finalizers, log } = setup({ intervalMs: 0 });
    cc.triggerCheckpoint('manual');
    ackAll(1);
    finalizers.shift()!.reject(new Error('disk full'));
    await new Promise((r) => setTimeout(r, 0));
    expect(log.at(-1)).toBe('abort 1: could not be written: disk full');
    expect(cc.getCompletedCheckpoints()).toEqual([]);
  });

  it('refuses to trigger without tasks, and continues ids after a restore', () => {
    const { cc } = setup();
    cc.setTasks([]);
    expect(cc.triggerCheckpoint('manual').ok).toBe(false);
    cc.setTasks(['a']);
    cc.advanceIdsPast(41);
    expect(cc.triggerCheckpoint('manual')).toEqual({ ok: true, checkpointId: 42 });
  });

  describe("tolerable failures (Flink's CheckpointFailureManager)", () => {
    it('fails the job when one more checkpoint than tolerated fails in a row: declines and timeouts count', () => {
      const { clock, log, cc } = setup({ tolerableFailures: 1 });
      cc.startCheckpointScheduler();
      clock.advance(100);
      cc.tick();
      cc.receiveDeclineMessage(1, 'a', 'disk full');
      clock.advance(100);
      cc.tick();
      clock.advance(1000);
      cc.tick(); // checkpoint 2 times out
      expect(log).toEqual([
        'trigger 1 @100 checkpoint periodic',
        'abort 1: declined by a: disk full',
        'trigger 2 @200 checkpoint periodic',
        'abort 2: timed out after 1000 ms',
        'fail job: 2 checkpoints failed in a row, more than the 1 tolerated (checkpointing.tolerableFailures); the last: checkpoint 2 timed out after 1000 ms',
        // the same tick goes on (the job fails over at its next step and aborts this one)
        'trigger 3 @1200 checkpoint periodic',
      ]);
      expect(cc.failuresInARow).toBe(0);
    });

    it('a completed checkpoint resets the count', async () => {
      const { clock, log, cc, ackAll, flush } = setup({ tolerableFailures: 1 });
      cc.startCheckpointScheduler();
      clock.advance(100);
      cc.tick();
      cc.receiveDeclineMessage(1, 'a', 'EPERM');
      expect(cc.failuresInARow).toBe(1);
      clock.advance(100);
      cc.tick();
      ackAll(2);
      await flush();
      expect(cc.failuresInARow).toBe(0);
      clock.advance(100);
      cc.tick();
      cc.receiveDeclineMessage(3, 'b', 'EPERM');
      expect(cc.failuresInARow).toBe(1);
      expect(log.filter((l) => l.startsWith('fail job'))).toEqual([]);
    });

    it('a checkpoint that cannot be written counts; aborts by the job (restart, stop) and savepoints do not', async () => {
      const { clock, log, cc, ackAll, finalizers } = setup({ tolerableFailures: 0 });
      cc.startCheckpointScheduler();
      const id = cc.triggerCheckpoint('manual', 'savepoint');
      expect(id).toEqual({ ok: true, checkpointId: 1 });
      cc.receiveDeclineMessage(1, 'a', 'no space');
      clock.advance(100);
      cc.tick();
      cc.abortAll('the job is restarting');
      expect(cc.failuresInARow).toBe(0);
      clock.advance(100);
      cc.tick();
      ackAll(3);
      finalizers.shift()!.reject(new Error('ENOSPC: no space left on device'));
      await new Promise((r) => setTimeout(r, 0));
      expect(log.slice(-2)).toEqual([
        'abort 3: could not be written: ENOSPC: no space left on device',
        'fail job: 1 checkpoints failed in a row, more than the 0 tolerated (checkpointing.tolerableFailures); the last: checkpoint 3 could not be written: ENOSPC: no space left on device',
      ]);
    });
  });
});
