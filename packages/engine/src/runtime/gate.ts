import { CheckpointBarrierHandler } from './barrier-handler';
import type { Channel } from './channel';
import type { CheckpointBarrier, StreamElement } from './elements';

/** What the gate hands the task: records, or a change of the *combined* input state. */
export type GateEvent =
  | StreamElement
  | { kind: 'aligned'; barrier: CheckpointBarrier }
  | { kind: 'allEnded' };

/**
 * The input side of a subtask: all channels from all producers (Flink's `InputGate` with
 * `StatusWatermarkValve` and a `CheckpointBarrierHandler` for aligned checkpoints).
 *
 * - The combined watermark is the minimum over the channels that are neither idle nor ended; it is only
 *   reported when it advances. When every channel is idle, the gate reports idleness downstream.
 * - Aligned barriers (`CheckpointBarrierHandler`): once a channel delivers the barrier of checkpoint n, it is
 *   not read (its later records wait in the channel) until every other live channel has delivered barrier n;
 *   then `aligned` is reported and all channels are read again.
 */
export class InputGate {
  private readonly wm: number[];
  private readonly idle: boolean[];
  private readonly ended: boolean[];
  private endedCount = 0;
  private combined = Number.NEGATIVE_INFINITY;
  private allIdle = false;
  private rr = 0;
  readonly barriers: CheckpointBarrierHandler;

  /** Which input (0 = first/left, 1 = second/right) the records last handed out by `poll` came from. */
  lastInput = 0;

  /** `inputOf[i]`: the input channel i belongs to (a two-input task's); all 0 by default. */
  constructor(
    readonly channels: Channel[],
    private readonly inputOf: readonly number[] = [],
  ) {
    const n = channels.length;
    this.wm = new Array(n).fill(Number.NEGATIVE_INFINITY);
    this.idle = new Array(n).fill(false);
    this.ended = new Array(n).fill(false);
    this.barriers = new CheckpointBarrierHandler(n, (barrier: CheckpointBarrier) =>
      this.pending.push({ kind: 'aligned', barrier }),
    );
  }

  get watermark(): number {
    return this.combined;
  }

  /** Channels that are idle (and have not ended): they do not hold the watermark back. */
  get idleChannels(): number {
    let n = 0;
    for (let i = 0; i < this.idle.length; i++) if (this.idle[i] && !this.ended[i]) n++;
    return n;
  }

  get finished(): boolean {
    return this.endedCount === this.channels.length;
  }

  /** True when some unblocked channel has an element waiting. */
  hasInput(): boolean {
    for (let i = 0; i < this.channels.length; i++) {
      if (!this.barriers.isBlocked(i) && this.channels[i]!.size > 0) return true;
    }
    return false;
  }

  /** Events produced by the last element, delivered in order. */
  private readonly pending: GateEvent[] = [];

  /** The next event, or undefined when nothing can be read now. */
  poll(): GateEvent | undefined {
    if (this.pending.length > 0) return this.pending.shift();
    const n = this.channels.length;
    for (let k = 0; k < n; k++) {
      const i = this.rr;
      this.rr = i + 1 === n ? 0 : i + 1;
      if (this.barriers.isBlocked(i)) continue;
      const e = this.channels[i]!.poll();
      if (!e) continue;
      this.handle(i, e);
      if (this.pending.length > 0) return this.pending.shift();
      k = -1; // the element was absorbed (e.g. a watermark that did not advance): keep looking
    }
    return undefined;
  }

  private handle(i: number, e: StreamElement): void {
    switch (e.kind) {
      case 'records':
        // Records on an idle channel make it active again, before they are delivered.
        if (this.idle[i]) this.setIdle(i, false);
        this.lastInput = this.inputOf[i] ?? 0;
        this.pending.push(e);
        return;
      case 'watermark':
        if (this.idle[i]) this.setIdle(i, false);
        if (e.timestamp > this.wm[i]!) this.wm[i] = e.timestamp;
        this.advance();
        return;
      case 'status':
        this.setIdle(i, e.idle);
        return;
      case 'barrier':
        this.barriers.processBarrier(e, i);
        return;
      case 'end':
        this.ended[i] = true;
        this.endedCount++;
        this.barriers.processEndOfPartition(i);
        if (this.finished) {
          this.advance();
          this.pending.push({ kind: 'allEnded' });
        } else {
          this.statusChange();
          this.advance();
        }
        return;
    }
  }

  private setIdle(i: number, idle: boolean): void {
    if (this.idle[i] === idle) return;
    this.idle[i] = idle;
    this.statusChange();
    // An idle channel no longer holds the minimum back; an active one rejoins it.
    this.advance();
  }

  /**
   * The combined watermark: the minimum over the channels that are not idle. An ended channel counts with its
   * final watermark (a bounded source ends with +∞), as in Flink's StatusWatermarkValve; when every channel
   * that has not ended is idle and none has ended, the watermark holds.
   */
  private advance(): void {
    let min = Number.POSITIVE_INFINITY;
    let counted = false;
    for (let i = 0; i < this.wm.length; i++) {
      if (this.idle[i] && !this.ended[i]) continue;
      counted = true;
      if (this.wm[i]! < min) min = this.wm[i]!;
    }
    if (!counted) return; // every input is idle
    if (min > this.combined) {
      this.combined = min;
      this.pending.push({ kind: 'watermark', timestamp: min });
    }
  }

  private statusChange(): void {
    let allIdle = this.endedCount < this.channels.length;
    for (let i = 0; i < this.idle.length; i++) if (!this.ended[i] && !this.idle[i]) allIdle = false;
    if (allIdle === this.allIdle) return;
    this.allIdle = allIdle;
    this.pending.push({ kind: 'status', idle: allIdle });
  }
}
