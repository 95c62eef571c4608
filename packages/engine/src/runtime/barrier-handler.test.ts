import { describe, expect, it } from 'vitest';
import { CheckpointBarrierHandler } from './barrier-handler';
import type { CheckpointBarrier } from './elements';

const barrier = (id: number): CheckpointBarrier => ({
  kind: 'barrier',
  checkpointId: id,
  timestamp: 0,
  savepoint: false,
});

/** A handler over `n` fake input channels that records what it triggers. */
function handler(n: number) {
  const aligned: number[] = [];
  const h = new CheckpointBarrierHandler(n, (b) => aligned.push(b.checkpointId));
  const blocked = () => Array.from({ length: n }, (_, i) => h.isBlocked(i));
  return { h, aligned, blocked };
}

describe('CheckpointBarrierHandler (aligned)', () => {
  it('starts waiting for the first barrier, with no channel blocked', () => {
    const { h, aligned, blocked } = handler(3);
    expect(h.stateName).toBe('waiting-for-first-barrier');
    expect(h.isCheckpointPending()).toBe(false);
    expect(h.getLatestCheckpointId()).toBe(0);
    expect(blocked()).toEqual([false, false, false]);
    expect(aligned).toEqual([]);
  });

  it('blocks each channel at its barrier and triggers once all three have it, then releases them', () => {
    const { h, aligned, blocked } = handler(3);
    h.processBarrier(barrier(1), 1);
    expect(h.stateName).toBe('collecting-barriers');
    expect(h.getLatestCheckpointId()).toBe(1);
    expect(blocked()).toEqual([false, true, false]);
    h.processBarrier(barrier(1), 0);
    expect(blocked()).toEqual([true, true, false]);
    expect(aligned).toEqual([]);
    h.processBarrier(barrier(1), 2);
    expect(aligned).toEqual([1]);
    expect(blocked()).toEqual([false, false, false]);
    expect(h.stateName).toBe('waiting-for-first-barrier');
  });

  it('a single channel aligns at once', () => {
    const { h, aligned, blocked } = handler(1);
    h.processBarrier(barrier(4), 0);
    expect(aligned).toEqual([4]);
    expect(blocked()).toEqual([false]);
    expect(h.stateName).toBe('waiting-for-first-barrier');
  });

  it('a channel that ended takes part directly, before or during the alignment', () => {
    const { h, aligned, blocked } = handler(3);
    h.processEndOfPartition(2);
    expect(h.stateName).toBe('waiting-for-first-barrier');
    h.processBarrier(barrier(1), 0);
    expect(blocked()).toEqual([true, false, false]);
    h.processEndOfPartition(1); // the last one missing ends: the alignment completes
    expect(aligned).toEqual([1]);
    expect(blocked()).toEqual([false, false, false]);
    // From now on channel 0 alone aligns every checkpoint.
    h.processBarrier(barrier(2), 0);
    expect(aligned).toEqual([1, 2]);
  });

  it('a newer barrier abandons an unfinished alignment and collects the newer checkpoint', () => {
    const { h, aligned, blocked } = handler(2);
    h.processBarrier(barrier(1), 0);
    expect(blocked()).toEqual([true, false]);
    h.processBarrier(barrier(2), 1); // checkpoint 1 never reaches channel 1: it was aborted upstream
    expect(h.getLatestCheckpointId()).toBe(2);
    expect(h.stateName).toBe('collecting-barriers');
    expect(blocked()).toEqual([false, true]); // channel 0 released to deliver its barrier 2
    expect(aligned).toEqual([]);
    h.processBarrier(barrier(2), 0);
    expect(aligned).toEqual([2]);
    expect(blocked()).toEqual([false, false]);
  });

  it('ignores barriers of older checkpoints, and of a checkpoint already aligned', () => {
    const { h, aligned, blocked } = handler(2);
    h.processBarrier(barrier(3), 0);
    h.processBarrier(barrier(2), 1); // older than the one being collected
    expect(blocked()).toEqual([true, false]);
    expect(h.getLatestCheckpointId()).toBe(3);
    h.processBarrier(barrier(3), 1);
    expect(aligned).toEqual([3]);
    h.processBarrier(barrier(3), 0); // a second barrier 3: nothing to align
    h.processBarrier(barrier(1), 1);
    expect(h.stateName).toBe('waiting-for-first-barrier');
    expect(blocked()).toEqual([false, false]);
    expect(aligned).toEqual([3]);
  });

  it('an end of input on a channel twice counts once', () => {
    const { h, aligned } = handler(2);
    h.processEndOfPartition(1);
    h.processEndOfPartition(1);
    h.processBarrier(barrier(1), 0);
    expect(aligned).toEqual([1]);
  });
});
