/**
 * Flink's `WindowAssigner`s: which windows an element belongs to, and the trigger those windows get by
 * default. Tumbling and sliding windows are aligned to the epoch (plus an offset) and all have one size;
 * session windows start at their element and merge with every window of the key they intersect
 * (`MergingWindowAssigner`).
 */
import type { WindowNode } from '@flowstate/spec';
import type { Row } from '../../runtime/elements';
import { type MergeCallback, TimeWindow } from './time-window';
import { EventTimeTrigger, ProcessingTimeTrigger, type Trigger } from './triggers';

/** What an assigner may ask its operator (Flink's `WindowAssigner.WindowAssignerContext`). */
export interface WindowAssignerContext {
  getCurrentProcessingTime(): number;
}

export abstract class WindowAssigner {
  /**
   * The windows `element` (with event timestamp `timestamp`) belongs to. Processing-time assigners use the
   * context's processing time instead. The array is the assigner's (it may hand out the same array again for
   * the next element of the same windows, so assigning allocates nothing per element): do not change it.
   */
  abstract assignWindows(
    element: Row,
    timestamp: number,
    context: WindowAssignerContext,
  ): readonly TimeWindow[];
  abstract getDefaultTrigger(): Trigger;
  abstract isEventTime(): boolean;
}

/** An assigner whose windows all have one size, aligned to the epoch: a window is known by its start. */
export abstract class AlignedWindowAssigner extends WindowAssigner {
  abstract getSize(): number;

  /** The window that starts at `start` (the inverse of `window.start`). */
  windowStartingAt(start: number): TimeWindow {
    return new TimeWindow(start, start + this.getSize());
  }
}

/** Flink's `MergingWindowAssigner`: windows that can merge (sessions). */
export abstract class MergingWindowAssigner extends WindowAssigner {
  /** Merges the windows that belong together; `callback` gets each set of windows that becomes one. */
  abstract mergeWindows(windows: readonly TimeWindow[], callback: MergeCallback): void;
}

function checkPositive(what: string, value: number): void {
  if (!(value > 0)) throw new RangeError(`${what} must be a positive number of milliseconds, got ${value}`);
}

/** Tumbling windows of `size`: every element is in exactly one. */
abstract class TumblingWindows extends AlignedWindowAssigner {
  /** The window handed out last, and the array holding it. */
  private lastWindow = new TimeWindow(Number.NaN, Number.NaN);
  private last: readonly TimeWindow[] = [];

  protected constructor(
    private readonly size: number,
    private readonly offset: number,
    private readonly eventTime: boolean,
  ) {
    super();
    checkPositive('a tumbling window size', size);
  }

  assignWindows(_element: Row, timestamp: number, context: WindowAssignerContext): readonly TimeWindow[] {
    const t = this.eventTime ? timestamp : context.getCurrentProcessingTime();
    const w = this.lastWindow;
    // Most elements fall in the window of the element before: a range check, then the same array again.
    return t >= w.start && t < w.end ? this.last : this.windowsContaining(t);
  }

  private windowsContaining(t: number): readonly TimeWindow[] {
    const start = TimeWindow.getWindowStartWithOffset(t, this.offset, this.size);
    this.lastWindow = new TimeWindow(start, start + this.size);
    this.last = [this.lastWindow];
    return this.last;
  }

  getSize(): number {
    return this.size;
  }

  isEventTime(): boolean {
    return this.eventTime;
  }
}

export class TumblingEventTimeWindows extends TumblingWindows {
  static of(size: number, offset = 0): TumblingEventTimeWindows {
    return new TumblingEventTimeWindows(size, offset, true);
  }

  getDefaultTrigger(): Trigger {
    return EventTimeTrigger.create();
  }

  override toString(): string {
    return `TumblingEventTimeWindows(${this.getSize()})`;
  }
}

export class TumblingProcessingTimeWindows extends TumblingWindows {
  static of(size: number, offset = 0): TumblingProcessingTimeWindows {
    return new TumblingProcessingTimeWindows(size, offset, false);
  }

  getDefaultTrigger(): Trigger {
    return ProcessingTimeTrigger.create();
  }

  override toString(): string {
    return `TumblingProcessingTimeWindows(${this.getSize()})`;
  }
}

/** Sliding windows of `size`, one starting every `slide`: an element is in about size / slide of them. */
abstract class SlidingWindows extends AlignedWindowAssigner {
  private lastStart = Number.NaN;
  private last: readonly TimeWindow[] = [];

  protected constructor(
    private readonly size: number,
    private readonly slide: number,
    private readonly offset: number,
    private readonly eventTime: boolean,
  ) {
    super();
    checkPositive('a sliding window size', size);
    checkPositive('a sliding window slide', slide);
  }

  /** Latest start first (Flink's order): `start > timestamp - size`, stepping back by `slide`. */
  assignWindows(_element: Row, timestamp: number, context: WindowAssignerContext): readonly TimeWindow[] {
    const t = this.eventTime ? timestamp : context.getCurrentProcessingTime();
    const { size, slide } = this;
    const lastStart = TimeWindow.getWindowStartWithOffset(t, this.offset, slide);
    // The windows follow from (lastStart, their number): reuse the previous array when both are the same.
    let n = 0;
    for (let start = lastStart; start > t - size; start -= slide) n++;
    if (lastStart !== this.lastStart || n !== this.last.length) {
      const windows: TimeWindow[] = [];
      for (let start = lastStart; start > t - size; start -= slide)
        windows.push(new TimeWindow(start, start + size));
      this.lastStart = lastStart;
      this.last = windows;
    }
    return this.last;
  }

  getSize(): number {
    return this.size;
  }

  getSlide(): number {
    return this.slide;
  }

  isEventTime(): boolean {
    return this.eventTime;
  }
}

export class SlidingEventTimeWindows extends SlidingWindows {
  static of(size: number, slide: number, offset = 0): SlidingEventTimeWindows {
    return new SlidingEventTimeWindows(size, slide, offset, true);
  }

  getDefaultTrigger(): Trigger {
    return EventTimeTrigger.create();
  }

  override toString(): string {
    return `SlidingEventTimeWindows(${this.getSize()}, ${this.getSlide()})`;
  }
}

export class SlidingProcessingTimeWindows extends SlidingWindows {
  static of(size: number, slide: number, offset = 0): SlidingProcessingTimeWindows {
    return new SlidingProcessingTimeWindows(size, slide, offset, false);
  }

  getDefaultTrigger(): Trigger {
    return ProcessingTimeTrigger.create();
  }

  override toString(): string {
    return `SlidingProcessingTimeWindows(${this.getSize()}, ${this.getSlide()})`;
  }
}

/** Session windows: `[t, t + gap)` per element, merged with every window of the key they intersect. */
abstract class SessionWindows extends MergingWindowAssigner {
  /** The one-window array handed out (the window is new for every element; the array is reused). */
  private readonly one: TimeWindow[] = [new TimeWindow(0, 0)];

  protected constructor(
    private readonly gap: number,
    private readonly eventTime: boolean,
  ) {
    super();
    checkPositive('a session gap', gap);
  }

  assignWindows(_element: Row, timestamp: number, context: WindowAssignerContext): readonly TimeWindow[] {
    const t = this.eventTime ? timestamp : context.getCurrentProcessingTime();
    this.one[0] = new TimeWindow(t, t + this.gap);
    return this.one;
  }

  mergeWindows(windows: readonly TimeWindow[], callback: MergeCallback): void {
    TimeWindow.mergeWindows(windows, callback);
  }

  getGap(): number {
    return this.gap;
  }

  isEventTime(): boolean {
    return this.eventTime;
  }
}

export class EventTimeSessionWindows extends SessionWindows {
  static withGap(gap: number): EventTimeSessionWindows {
    return new EventTimeSessionWindows(gap, true);
  }

  getDefaultTrigger(): Trigger {
    return EventTimeTrigger.create();
  }

  override toString(): string {
    return `EventTimeSessionWindows(${this.getGap()})`;
  }
}

export class ProcessingTimeSessionWindows extends SessionWindows {
  static withGap(gap: number): ProcessingTimeSessionWindows {
    return new ProcessingTimeSessionWindows(gap, false);
  }

  getDefaultTrigger(): Trigger {
    return ProcessingTimeTrigger.create();
  }

  override toString(): string {
    return `ProcessingTimeSessionWindows(${this.getGap()})`;
  }
}

/** The assigner a window node describes: its `assigner` in its `time` (event or processing). */
export function createWindowAssigner(node: WindowNode): AlignedWindowAssigner | MergingWindowAssigner {
  const a = node.assigner;
  const eventTime = node.time === 'event';
  switch (a.type) {
    case 'tumbling':
      return eventTime
        ? TumblingEventTimeWindows.of(a.sizeMs, a.offsetMs)
        : TumblingProcessingTimeWindows.of(a.sizeMs, a.offsetMs);
    case 'sliding':
      return eventTime
        ? SlidingEventTimeWindows.of(a.sizeMs, a.slideMs, a.offsetMs)
        : SlidingProcessingTimeWindows.of(a.sizeMs, a.slideMs, a.offsetMs);
    case 'session':
      return eventTime
        ? EventTimeSessionWindows.withGap(a.gapMs)
        : ProcessingTimeSessionWindows.withGap(a.gapMs);
  }
}
