import { describe, expect, it } from 'vitest';
import { Channel } from './channel';
import type { CheckpointBarrier, StreamElement } from './elements';
import { type GateEvent, InputGate } from './gate';

const barrier = (id: number): CheckpointBarrier => ({
  kind: 'barrier',
  checkpointId: id,
  timestamp: 0,
  savepoint: false,
});
const records = (...vals: number[]): StreamElement => ({
  kind: 'records',
  rows: vals.map((v) => ({ v })),
  ts: vals,
});
const wm = (t: number): StreamElement => ({ kind: 'watermark', timestamp: t });

function drain(g: InputGate): string[] {
  const out: string[] = [];
  for (let e: GateEvent | undefined = g.poll(); e; e = g.poll()) {
    if (e.kind === 'records') out.push(`rows ${e.rows.map((r) => r.v).join(',')}`);
    else if (e.kind === 'watermark') out.push(`wm ${e.timestamp}`);
    else if (e.kind === 'aligned') out.push(`aligned ${e.barrier.checkpointId}`);
    else if (e.kind === 'status') out.push(`status ${e.idle ? 'idle' : 'active'}`);
    else out.push(e.kind);
  }
  return out;
}

describe('InputGate: aligned barriers (CheckpointBarrierHandler)', () => {
  it('holds a channel after its barrier until every channel has delivered it', () => {
    const a = new Channel('a', 100);
    const b = new Channel('b', 100);
    const g = new InputGate([a, b]);
    a.push(records(1));
    a.push(barrier(1));
    a.push(records(2)); // after a's barrier: must wait
    b.push(records(10));
    expect(drain(g)).toEqual(['rows 1', 'rows 10']);
    expect(a.size).toBe(1); // record 2 still in the channel
    b.push(records(11));
    b.push(barrier(1));
    b.push(records(12));
    expect(drain(g)).toEqual(['rows 11', 'aligned 1', 'rows 2', 'rows 12']);
  });

  it('does not wait for a channel that ended', () => {
    const a = new Channel('a', 100);
    const b = new Channel('b', 100);
    const g = new InputGate([a, b]);
    b.push({ kind: 'end' });
    a.push(barrier(3));
    expect(drain(g)).toEqual(['aligned 3']);
  });

  it('a newer barrier abandons an unfinished alignment', () => {
    const a = new Channel('a', 100);
    const b = new Channel('b', 100);
    const g = new InputGate([a, b]);
    a.push(barrier(1));
    a.push(barrier(2));
    expect(drain(g)).toEqual([]); // a blocked after barrier 1
    // b never sends 1 (checkpoint 1 was aborted upstream): its barrier 2 abandons alignment 1, a is
    // released, delivers its barrier 2, and checkpoint 2 aligns.
    b.push(barrier(2));
    expect(drain(g)).toEqual(['aligned 2']);
  });
});

describe('InputGate: watermarks (StatusWatermarkValve)', () => {
  it('emits the minimum over channels, only when it advances', () => {
    const a = new Channel('a', 100);
    const b = new Channel('b', 100);
    const g = new InputGate([a, b]);
    a.push(wm(10));
    expect(drain(g)).toEqual([]);
    b.push(wm(5));
    expect(drain(g)).toEqual(['wm 5']);
    b.push(wm(20));
    expect(drain(g)).toEqual(['wm 10']);
    a.push(wm(8)); // going back is ignored
    expect(drain(g)).toEqual([]);
  });

  it('leaves idle channels out of the minimum and reports idleness when all are idle', () => {
    const a = new Channel('a', 100);
    const b = new Channel('b', 100);
    const g = new InputGate([a, b]);
    a.push(wm(10));
    b.push(wm(3));
    expect(drain(g)).toEqual(['wm 3']);
    b.push({ kind: 'status', idle: true });
    expect(drain(g)).toEqual(['wm 10']);
    a.push({ kind: 'status', idle: true });
    expect(drain(g)).toEqual(['status idle']);
    a.push(records(1));
    expect(drain(g)).toEqual(['status active', 'rows 1']);
  });

  it('an ended channel counts with its final watermark', () => {
    const a = new Channel('a', 100);
    const b = new Channel('b', 100);
    const g = new InputGate([a, b]);
    a.push(wm(Number.POSITIVE_INFINITY));
    a.push({ kind: 'end' });
    b.push(wm(7));
    expect(drain(g)).toEqual(['wm 7']);
    b.push({ kind: 'status', idle: true });
    // b idle and a ended: idle downstream, and the watermark is a's final +∞ (which reactivates downstream)
    expect(drain(g)).toEqual(['status idle', 'wm Infinity']);
  });
});
