/**
 * Flink's `InternalTimerService`: event-time and processing-time timers per (key, namespace),
 * fired in (time, registration order) with the backend's current key set to the timer's key.
 */
import {
  type Key,
  type KeyedStateBackend,
  type KeyGroupRange,
  KeyGroupRangeAssignment,
  type Namespace,
  StateBackendError,
} from '../state/index';
import type { Clock } from './clock';
import { TimerQueue } from './TimerQueue';

/** The watermark before any watermark arrived (Flink's `Long.MIN_VALUE`). */
export const MIN_WATERMARK = Number.NEGATIVE_INFINITY;

export interface InternalTimerService<N extends Namespace = Namespace> {
  currentWatermark(): number;
  currentProcessingTime(): number;
  /** For the backend's current key. */
  registerEventTimeTimer(namespace: N, time: number): void;
  deleteEventTimeTimer(namespace: N, time: number): void;
  registerProcessingTimeTimer(namespace: N, time: number): void;
  deleteProcessingTimeTimer(namespace: N, time: number): void;
  numEventTimeTimers(): number;
  numProcessingTimeTimers(): number;
  /** Earliest pending processing-time timer. */
  nextProcessingTime(): number | undefined;
}

export interface Triggerable<N> {
  onEventTime(key: Key, namespace: N, time: number): void;
  onProcessingTime(key: Key, namespace: N, time: number): void;
}

/** One timer in a snapshot: `order` is its position in firing order within the snapshot. */
export type TimerSnapshotEntry = [key: Key, namespace: Namespace, time: number, order: number];

/** Timers of one subtask, grouped by key group (ascending), JSON-compatible. */
export interface TimersSnapshotData {
  maxParallelism: number;
  eventTime: Array<[keyGroup: number, timers: TimerSnapshotEntry[]]>;
  processingTime: Array<[keyGroup: number, timers: TimerSnapshotEntry[]]>;
}

function snapshotQueue<N extends Namespace>(
  q: TimerQueue<N>,
  maxParallelism: number,
): Array<[number, TimerSnapshotEntry[]]> {
  const groups = new Map<number, TimerSnapshotEntry[]>();
  let order = 0;
  q.forEachInOrder((key, ns, time) => {
    const kg = KeyGroupRangeAssignment.assignToKeyGroup(key, maxParallelism);
    let g = groups.get(kg);
    if (g === undefined) groups.set(kg, (g = []));
    g.push([key, ns, time, order++]);
  });
  return Array.from(groups).sort((a, b) => a[0] - b[0]);
}

export class InternalTimerServiceImpl<N extends Namespace = Namespace> implements InternalTimerService<N> {
  private watermark = MIN_WATERMARK;
  private readonly eventTimeTimers = new TimerQueue<N>();
  private readonly processingTimeTimers = new TimerQueue<N>();

  constructor(
    private readonly backend: KeyedStateBackend,
    private readonly clock: Clock,
    private readonly target: Triggerable<N>,
  ) {}

  currentWatermark(): number {
    return this.watermark;
  }

  currentProcessingTime(): number {
    return this.clock.now();
  }

  registerEventTimeTimer(namespace: N, time: number): void {
    this.eventTimeTimers.add(this.backend.getCurrentKey(), namespace, time);
  }

  deleteEventTimeTimer(namespace: N, time: number): void {
    this.eventTimeTimers.remove(this.backend.getCurrentKey(), namespace, time);
  }

  registerProcessingTimeTimer(namespace: N, time: number): void {
    this.processingTimeTimers.add(this.backend.getCurrentKey(), namespace, time);
  }

  deleteProcessingTimeTimer(namespace: N, time: number): void {
    this.processingTimeTimers.remove(this.backend.getCurrentKey(), namespace, time);
  }

  numEventTimeTimers(): number {
    return this.eventTimeTimers.size();
  }

  numProcessingTimeTimers(): number {
    return this.processingTimeTimers.size();
  }

  nextProcessingTime(): number | undefined {
    return this.processingTimeTimers.peekTime();
  }

  /** Earliest pending event-time timer. */
  nextEventTime(): number | undefined {
    return this.eventTimeTimers.peekTime();
  }

  /**
   * Sets the watermark and fires the event-time timers with time <= `watermark`, in time order,
   * setting the backend's current key before each callback. Timers registered by a callback with a
   * time <= `watermark` fire in the same call.
   */
  advanceWatermark(watermark: number): void {
    this.watermark = watermark;
    const q = this.eventTimeTimers;
    while (q.poll(watermark)) {
      const key = q.polledKey;
      this.backend.setCurrentKey(key);
      this.target.onEventTime(key, q.polledNamespace, q.polledTime);
    }
  }

  /** Fires the processing-time timers with time <= `now`, like `advanceWatermark`. */
  advanceProcessingTime(now: number): void {
    const q = this.processingTimeTimers;
    while (q.poll(now)) {
      const key = q.polledKey;
      this.backend.setCurrentKey(key);
      this.target.onProcessingTime(key, q.polledNamespace, q.polledTime);
    }
  }

  /** All timers, grouped by key group, in firing order. O(timers). */
  snapshot(): TimersSnapshotData {
    const maxP = this.backend.maxParallelism;
    return {
      maxParallelism: maxP,
      eventTime: snapshotQueue(this.eventTimeTimers, maxP),
      processingTime: snapshotQueue(this.processingTimeTimers, maxP),
    };
  }

  /**
   * Registers the timers of `data` (the snapshots of all previous subtasks when rescaling) whose key
   * group is in `range`. Timers keep their relative firing order: by time, then snapshot, then
   * their order within the snapshot.
   */
  restore(data: TimersSnapshotData[], range: KeyGroupRange, maxParallelism: number): void {
    const restoreQueue = (
      q: TimerQueue<N>,
      pick: (d: TimersSnapshotData) => TimersSnapshotData['eventTime'],
    ) => {
      const all: Array<[TimerSnapshotEntry, number]> = [];
      data.forEach((d, source) => {
        if (d.maxParallelism !== maxParallelism) {
          throw new StateBackendError(
            'STATE_MAX_PARALLELISM_MISMATCH',
            `Cannot restore timers written with maxParallelism ${d.maxParallelism} into maxParallelism ${maxParallelism}`,
          );
        }
        for (const [kg, timers] of pick(d)) {
          if (range.contains(kg)) for (const t of timers) all.push([t, source]);
        }
      });
      all.sort((a, b) => a[0][2] - b[0][2] || a[1] - b[1] || a[0][3] - b[0][3]);
      for (const [[key, ns, time]] of all) q.add(key, ns as N, time);
    };
    restoreQueue(this.eventTimeTimers, (d) => d.eventTime);
    restoreQueue(this.processingTimeTimers, (d) => d.processingTime);
  }
}
