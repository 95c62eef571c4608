/**
 * Aligned checkpoint barriers on the input side of a task: Flink's `CheckpointBarrierHandler` (its
 * `SingleCheckpointBarrierHandler` with aligned states), as state transitions with no I/O of its own. The
 * `InputGate` feeds it the barriers and end-of-input markers it reads and asks it which channels are blocked;
 * unit tests feed it directly.
 *
 * Alignment (Chandy-Lamport / asynchronous barrier snapshotting): once a channel delivers the barrier of
 * checkpoint n it is blocked — its later elements wait in the channel — until every channel that has not
 * ended has delivered barrier n too. Then the task snapshots (`onAligned`) and every channel is released. A
 * channel whose input ended takes part directly: it holds nothing back. A barrier of a newer checkpoint
 * abandons an unfinished alignment (the older checkpoint was aborted upstream; the coordinator times it
 * out); barriers of checkpoints older than the current one, or of one already aligned, are ignored.
 */
import type { CheckpointBarrier } from './elements';

/** What a handler state may do to the inputs (Flink's `BarrierHandlerState.Controller`). */
export interface BarrierHandlerController {
  /** Holds back the elements `channel` delivers after its barrier. */
  blockChannel(channel: number): void;
  /** True when every channel that has not ended has delivered the barrier being collected. */
  allBarriersReceived(): boolean;
  /** Releases every blocked channel. */
  resumeConsumption(): void;
  /** Alignment is complete: the task takes its snapshot of `barrier`'s checkpoint now. */
  triggerGlobalCheckpoint(barrier: CheckpointBarrier): void;
}

/** One state of aligned barrier handling; every event returns the next state (Flink's `BarrierHandlerState`). */
export interface BarrierHandlerState {
  readonly name: 'waiting-for-first-barrier' | 'collecting-barriers';
  barrierReceived(
    controller: BarrierHandlerController,
    channel: number,
    barrier: CheckpointBarrier,
  ): BarrierHandlerState;
  endOfPartitionReceived(controller: BarrierHandlerController, channel: number): BarrierHandlerState;
}

/** No checkpoint is being aligned; the first barrier of a new one starts collecting. */
class WaitingForFirstBarrier implements BarrierHandlerState {
  readonly name = 'waiting-for-first-barrier' as const;

  barrierReceived(
    controller: BarrierHandlerController,
    channel: number,
    barrier: CheckpointBarrier,
  ): BarrierHandlerState {
    return new CollectingBarriers(barrier).barrierReceived(controller, channel, barrier);
  }

  endOfPartitionReceived(): BarrierHandlerState {
    return this;
  }
}

const WAITING_FOR_FIRST_BARRIER = new WaitingForFirstBarrier();

/** Barriers of one checkpoint are arriving; the channels that delivered it are blocked. */
class CollectingBarriers implements BarrierHandlerState {
  readonly name = 'collecting-barriers' as const;

  constructor(readonly barrier: CheckpointBarrier) {}

  barrierReceived(
    controller: BarrierHandlerController,
    channel: number,
    barrier: CheckpointBarrier,
  ): BarrierHandlerState {
    const id = this.barrier.checkpointId;
    if (barrier.checkpointId < id) return this; // stale: that checkpoint was abandoned
    if (barrier.checkpointId > id) {
      // A newer checkpoint overtook this alignment: give it up and start over with the newer barrier.
      controller.resumeConsumption();
      return WAITING_FOR_FIRST_BARRIER.barrierReceived(controller, channel, barrier);
    }
    controller.blockChannel(channel);
    return this.checkAligned(controller);
  }

  endOfPartitionReceived(controller: BarrierHandlerController): BarrierHandlerState {
    return this.checkAligned(controller);
  }

  private checkAligned(controller: BarrierHandlerController): BarrierHandlerState {
    if (!controller.allBarriersReceived()) return this;
    controller.resumeConsumption();
    controller.triggerGlobalCheckpoint(this.barrier);
    return WAITING_FOR_FIRST_BARRIER;
  }
}

export class CheckpointBarrierHandler implements BarrierHandlerController {
  private readonly blocked: boolean[];
  private readonly ended: boolean[];
  private state: BarrierHandlerState = WAITING_FOR_FIRST_BARRIER;
  /** The newest checkpoint whose barrier arrived (0: none yet). */
  private currentCheckpointId = 0;

  constructor(
    readonly numberOfInputChannels: number,
    /** Called when a checkpoint's barriers are aligned, before any element behind them is read. */
    private readonly onAligned: (barrier: CheckpointBarrier) => void,
  ) {
    this.blocked = new Array<boolean>(numberOfInputChannels).fill(false);
    this.ended = new Array<boolean>(numberOfInputChannels).fill(false);
  }

  /** Channel `channel` delivered `barrier`. */
  processBarrier(barrier: CheckpointBarrier, channel: number): void {
    const id = barrier.checkpointId;
    // Flink's check: an older checkpoint's barrier, or one of a checkpoint already aligned, changes nothing.
    if (id < this.currentCheckpointId || (id === this.currentCheckpointId && !this.isCheckpointPending()))
      return;
    this.currentCheckpointId = id;
    this.state = this.state.barrierReceived(this, channel, barrier);
  }

  /** The input of `channel` ended: it no longer has to deliver barriers. */
  processEndOfPartition(channel: number): void {
    if (this.ended[channel]) return;
    this.ended[channel] = true;
    this.blocked[channel] = false;
    this.state = this.state.endOfPartitionReceived(this, channel);
  }

  isBlocked(channel: number): boolean {
    return this.blocked[channel] === true;
  }

  /** True while barriers of a checkpoint are being collected. */
  isCheckpointPending(): boolean {
    return this.state.name === 'collecting-barriers';
  }

  /** The newest checkpoint whose barrier arrived (0 before any). */
  getLatestCheckpointId(): number {
    return this.currentCheckpointId;
  }

  /** The current state's name (for tests and diagnostics). */
  get stateName(): BarrierHandlerState['name'] {
    return this.state.name;
  }

  // ---------------------------------------------------------------- BarrierHandlerController

  blockChannel(channel: number): void {
    this.blocked[channel] = true;
  }

  allBarriersReceived(): boolean {
    for (let i = 0; i < this.numberOfInputChannels; i++) if (!this.ended[i] && !this.blocked[i]) return false;
    return true;
  }

  resumeConsumption(): void {
    this.blocked.fill(false);
  }

  triggerGlobalCheckpoint(barrier: CheckpointBarrier): void {
    this.onAligned(barrier);
  }
}
