/**
 * Flink's window `Trigger`s: what a window operator asks, per key and window, when an element arrives or a
 * timer fires — and what the trigger answers, a `TriggerResult`.
 */
import type { Row } from '../../runtime/elements';
import type { TimeWindow } from './time-window';

/** Flink's `TriggerResult`: whether to emit the window's contents now (fire) and whether to drop them (purge). */
export class TriggerResult {
  /** Nothing happens to the window. */
  static readonly CONTINUE = new TriggerResult('CONTINUE', false, false);
  /** The window is evaluated and its result emitted; its contents stay (a later FIRE sees them again). */
  static readonly FIRE = new TriggerResult('FIRE', true, false);
  /** The window's contents are dropped, without emitting. */
  static readonly PURGE = new TriggerResult('PURGE', false, true);
  /** Emit, then drop the contents. */
  static readonly FIRE_AND_PURGE = new TriggerResult('FIRE_AND_PURGE', true, true);

  private constructor(
    readonly name: 'CONTINUE' | 'FIRE' | 'PURGE' | 'FIRE_AND_PURGE',
    private readonly fire: boolean,
    private readonly purge: boolean,
  ) {}

  isFire(): boolean {
    return this.fire;
  }

  isPurge(): boolean {
    return this.purge;
  }

  toString(): string {
    return this.name;
  }
}

/**
 * What a trigger may use from its window operator (Flink's `Trigger.TriggerContext`): the current time, and
 * timers for the window it is asked about. A timer calls the trigger back (`onEventTime`/`onProcessingTime`)
 * for the same window, once the watermark (or clock) reaches it.
 */
export interface TriggerContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
  registerEventTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
}

/**
 * Flink's `Trigger`: decides when a window's result is emitted.
 *
 * Unlike Flink's, a `TriggerContext` here offers no keyed state: a trigger's answers follow from the time,
 * the window and the element, never from the key. So the timers it registers follow from the window alone,
 * as those of Flink's `EventTimeTrigger` and `ProcessingTimeTrigger` do, and the window operator keeps the
 * timers of tumbling and sliding windows per window, not per key and window: when one fires, it asks the
 * trigger once, and the answer holds for every key with contents in that window.
 */
export abstract class Trigger {
  /** An element was added to `window` (Flink's `onElement`). */
  abstract onElement(element: Row, timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  /** An event-time timer of `window` fired at `time`. */
  abstract onEventTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;
  /** A processing-time timer of `window` fired at `time`. */
  abstract onProcessingTime(time: number, window: TimeWindow, ctx: TriggerContext): TriggerResult;

  /** Whether the trigger supports merging windows (session windows need it). */
  canMerge(): boolean {
    return false;
  }

  /** Windows were merged into `window` (their timers were cleared before): set up the merged window. */
  onMerge(window: TimeWindow, _ctx: TriggerContext): void {
    throw new Error(`${this.constructor.name} cannot merge windows (merged into ${window})`);
  }

  /** `window` is purged for good: delete the timers the trigger registered for it. */
  abstract clear(window: TimeWindow, ctx: TriggerContext): void;

  /**
   * Not in Flink, which checkpoints timers. Here a window operator snapshots its watermark instead of its
   * timers (timers follow from the open windows) and, on a restore, asks the trigger to register again the
   * timers `window` still needs, given the restored watermark and clock in `ctx`.
   */
  abstract onRestore(window: TimeWindow, ctx: TriggerContext): void;
}

/**
 * Flink's `EventTimeTrigger`, the default of event-time windows: fires once the watermark passes the window's
 * end. An element that arrives when the watermark has already passed it (late, but within the allowed
 * lateness, or the operator would have dropped it) fires the window again at once, with the element in it.
 */
export class EventTimeTrigger extends Trigger {
  static create(): EventTimeTrigger {
    return EVENT_TIME_TRIGGER;
  }

  onElement(_element: Row, _timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    const maxTs = window.maxTimestamp();
    if (maxTs <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(maxTs);
    return TriggerResult.CONTINUE;
  }

  onEventTime(time: number, window: TimeWindow, _ctx: TriggerContext): TriggerResult {
    return time === window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }

  onProcessingTime(_time: number, _window: TimeWindow, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(window: TimeWindow, ctx: TriggerContext): void {
    const maxTs = window.maxTimestamp();
    if (maxTs > ctx.getCurrentWatermark()) ctx.registerEventTimeTimer(maxTs);
  }

  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }

  /** The end-of-window timer, unless the restored watermark has passed it (the window fired before). */
  onRestore(window: TimeWindow, ctx: TriggerContext): void {
    const maxTs = window.maxTimestamp();
    if (maxTs > ctx.getCurrentWatermark()) ctx.registerEventTimeTimer(maxTs);
  }

  override toString(): string {
    return 'EventTimeTrigger()';
  }
}

const EVENT_TIME_TRIGGER = new EventTimeTrigger();

/** Flink's `ProcessingTimeTrigger`, the default of processing-time windows: fires when the clock passes the window's end. */
export class ProcessingTimeTrigger extends Trigger {
  static create(): ProcessingTimeTrigger {
    return PROCESSING_TIME_TRIGGER;
  }

  onElement(_element: Row, _timestamp: number, window: TimeWindow, ctx: TriggerContext): TriggerResult {
    ctx.registerProcessingTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }

  onEventTime(_time: number, _window: TimeWindow, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.CONTINUE;
  }

  onProcessingTime(_time: number, _window: TimeWindow, _ctx: TriggerContext): TriggerResult {
    return TriggerResult.FIRE;
  }

  override canMerge(): boolean {
    return true;
  }

  override onMerge(window: TimeWindow, ctx: TriggerContext): void {
    const maxTs = window.maxTimestamp();
    if (maxTs > ctx.getCurrentProcessingTime()) ctx.registerProcessingTimeTimer(maxTs);
  }

  clear(window: TimeWindow, ctx: TriggerContext): void {
    ctx.deleteProcessingTimeTimer(window.maxTimestamp());
  }

  /** The end-of-window timer; if the clock passed it while the job was down, it fires at once. */
  onRestore(window: TimeWindow, ctx: TriggerContext): void {
    ctx.registerProcessingTimeTimer(window.maxTimestamp());
  }

  override toString(): string {
    return 'ProcessingTimeTrigger()';
  }
}

const PROCESSING_TIME_TRIGGER = new ProcessingTimeTrigger();
