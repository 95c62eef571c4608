/**
 * Where a window operator keeps the timers its trigger and its cleanup register. A timer's namespace is its
 * window's start.
 */
import type { Key, KeyedStateBackend } from '../../state/index';
import { type Clock, InternalTimerServiceImpl, TimerQueue } from '../../time/index';

export interface WindowTimerService {
  /** A timer of window `namespace` (for the backend's current key, when timers are per key). */
  registerEventTimeTimer(namespace: number, time: number): void;
  deleteEventTimeTimer(namespace: number, time: number): void;
  registerProcessingTimeTimer(namespace: number, time: number): void;
  deleteProcessingTimeTimer(namespace: number, time: number): void;
  /** Fires the event-time timers up to `watermark`, in time order, then registration order. */
  advanceWatermark(watermark: number): void;
  /** Fires the processing-time timers up to `now`. */
  advanceProcessingTime(now: number): void;
  nextProcessingTime(): number | undefined;
  /** The earliest pending event-time timer (the window figures' next firing). */
  nextEventTime(): number | undefined;
}

/** A timer fired: `key` is the key whose timer it is, or null for a timer of the whole window. */
export type WindowTimerCallback = (key: Key, namespace: number, time: number, eventTime: boolean) => void;

/**
 * Timers per (key, window), as Flink registers them: for merging (session) windows, whose bounds are each
 * key's own. The callback runs with the backend's current key set to the timer's key.
 */
export class PerKeyWindowTimers implements WindowTimerService {
  private readonly service: InternalTimerServiceImpl<number>;

  constructor(backend: KeyedStateBackend, clock: Clock, onTimer: WindowTimerCallback) {
    this.service = new InternalTimerServiceImpl<number>(backend, clock, {
      onEventTime: (key, ns, time) => onTimer(key, ns, time, true),
      onProcessingTime: (key, ns, time) => onTimer(key, ns, time, false),
    });
  }

  registerEventTimeTimer(namespace: number, time: number): void {
    this.service.registerEventTimeTimer(namespace, time);
  }

  deleteEventTimeTimer(namespace: number, time: number): void {
    this.service.deleteEventTimeTimer(namespace, time);
  }

  registerProcessingTimeTimer(namespace: number, time: number): void {
    this.service.registerProcessingTimeTimer(namespace, time);
  }

  deleteProcessingTimeTimer(namespace: number, time: number): void {
    this.service.deleteProcessingTimeTimer(namespace, time);
  }

  advanceWatermark(watermark: number): void {
    this.service.advanceWatermark(watermark);
  }

  advanceProcessingTime(now: number): void {
    this.service.advanceProcessingTime(now);
  }

  nextProcessingTime(): number | undefined {
    return this.service.nextProcessingTime();
  }

  nextEventTime(): number | undefined {
    return this.service.nextEventTime();
  }
}

/** Fires the timers of a whole-window queue (key always null) up to `upTo`. */
function fireWindowTimers(
  q: TimerQueue<number>,
  upTo: number,
  onTimer: WindowTimerCallback,
  eventTime: boolean,
): void {
  while (q.poll(upTo)) onTimer(null, q.polledNamespace, q.polledTime, eventTime);
}

/**
 * Timers per window, shared by all its keys — not Flink's way, which registers them per key and window.
 * Tumbling and sliding windows end at the same time for every key and their triggers' timers follow from
 * the window alone (a trigger here sees no key), so one timer per window does the work of one per key: when
 * it fires, the operator asks the trigger once and applies the answer to every key of the window, in the
 * order the keys entered it (the order per-key timers would fire in). A window of a million keys costs one
 * timer, not a million. The callback gets a null key.
 */
export class PerWindowTimers implements WindowTimerService {
  private readonly eventTime = new TimerQueue<number>();
  private readonly processingTime = new TimerQueue<number>();

  constructor(private readonly onTimer: WindowTimerCallback) {}

  registerEventTimeTimer(namespace: number, time: number): void {
    this.eventTime.add(null, namespace, time);
  }

  deleteEventTimeTimer(namespace: number, time: number): void {
    this.eventTime.remove(null, namespace, time);
  }

  registerProcessingTimeTimer(namespace: number, time: number): void {
    this.processingTime.add(null, namespace, time);
  }

  deleteProcessingTimeTimer(namespace: number, time: number): void {
    this.processingTime.remove(null, namespace, time);
  }

  advanceWatermark(watermark: number): void {
    fireWindowTimers(this.eventTime, watermark, this.onTimer, true);
  }

  advanceProcessingTime(now: number): void {
    fireWindowTimers(this.processingTime, now, this.onTimer, false);
  }

  nextProcessingTime(): number | undefined {
    return this.processingTime.peekTime();
  }

  nextEventTime(): number | undefined {
    return this.eventTime.peekTime();
  }
}
