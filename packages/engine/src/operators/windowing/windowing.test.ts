import { WindowNodeSchema } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import {
  createWindowAssigner,
  EventTimeSessionWindows,
  ProcessingTimeSessionWindows,
  SlidingEventTimeWindows,
  SlidingProcessingTimeWindows,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  type WindowAssignerContext,
} from './assigners';
import { TimeWindow } from './time-window';
import { EventTimeTrigger, ProcessingTimeTrigger, type TriggerContext, TriggerResult } from './triggers';
import { WindowTriggerContext } from './window-context';
import type { WindowTimerService } from './window-timers';

const row = {};
const clockAt = (now: number): WindowAssignerContext => ({ getCurrentProcessingTime: () => now });
const NO_CLOCK = clockAt(Number.NaN);
const bounds = (ws: readonly TimeWindow[]) => ws.map((w) => [w.start, w.end]);

/** A trigger context that records what the trigger does with timers. */
function fakeContext(watermark: number, now = 0) {
  const calls: string[] = [];
  const ctx: TriggerContext = {
    getCurrentWatermark: () => watermark,
    getCurrentProcessingTime: () => now,
    registerEventTimeTimer: (t) => calls.push(`register event ${t}`),
    deleteEventTimeTimer: (t) => calls.push(`delete event ${t}`),
    registerProcessingTimeTimer: (t) => calls.push(`register processing ${t}`),
    deleteProcessingTimeTimer: (t) => calls.push(`delete processing ${t}`),
  };
  return { ctx, calls };
}

describe('TimeWindow', () => {
  it('is [start, end) with maxTimestamp end - 1; touching windows intersect', () => {
    const w = new TimeWindow(0, 10);
    expect(w.maxTimestamp()).toBe(9);
    expect(w.intersects(new TimeWindow(10, 20))).toBe(true);
    expect(w.intersects(new TimeWindow(11, 20))).toBe(false);
    expect(w.intersects(new TimeWindow(-5, 0))).toBe(true);
    expect(bounds([w.cover(new TimeWindow(5, 30))])).toEqual([[0, 30]]);
    expect(w.equals(new TimeWindow(0, 10))).toBe(true);
    expect(String(w)).toBe('TimeWindow{start=0, end=10}');
  });

  it('getWindowStartWithOffset aligns to the offset, also for negative timestamps', () => {
    expect(TimeWindow.getWindowStartWithOffset(12, 0, 10)).toBe(10);
    expect(TimeWindow.getWindowStartWithOffset(2, 3, 10)).toBe(-7);
    expect(TimeWindow.getWindowStartWithOffset(-4, 3, 10)).toBe(-7);
    expect(TimeWindow.getWindowStartWithOffset(-10, 0, 10)).toBe(-10);
    expect(TimeWindow.getWindowStartWithOffset(-11, 0, 10)).toBe(-20);
  });

  it('mergeWindows reports each run of intersecting windows, in start order, with its cover', () => {
    const merges: Array<[number[][], number[]]> = [];
    TimeWindow.mergeWindows(
      [new TimeWindow(20, 30), new TimeWindow(50, 60), new TimeWindow(0, 10), new TimeWindow(10, 20)],
      (members, result) => merges.push([bounds(members), [result.start, result.end]]),
    );
    expect(merges).toEqual([
      [
        [
          [0, 10],
          [10, 20],
          [20, 30],
        ],
        [0, 30],
      ],
    ]);
  });
});

describe('window assigners', () => {
  it('tumbling: one window per element, the same array again while the window stays the same', () => {
    const a = TumblingEventTimeWindows.of(10, 3);
    const first = a.assignWindows(row, 2, NO_CLOCK);
    expect(bounds(first)).toEqual([[-7, 3]]);
    expect(a.assignWindows(row, -4, NO_CLOCK)).toBe(first);
    expect(bounds(a.assignWindows(row, 3, NO_CLOCK))).toEqual([[3, 13]]);
    expect(a.isEventTime()).toBe(true);
    expect(a.getDefaultTrigger()).toBe(EventTimeTrigger.create());
    expect(bounds([a.windowStartingAt(3)])).toEqual([[3, 13]]);
  });

  it('sliding: every window of size starting at a multiple of slide that contains the element, latest first', () => {
    const a = SlidingEventTimeWindows.of(10, 5);
    expect(bounds(a.assignWindows(row, 7, NO_CLOCK))).toEqual([
      [5, 15],
      [0, 10],
    ]);
    // size not a multiple of slide: how many windows depends on where in the slide the element falls
    const b = SlidingEventTimeWindows.of(15, 10);
    expect(bounds(b.assignWindows(row, 12, NO_CLOCK))).toEqual([
      [10, 25],
      [0, 15],
    ]);
    expect(bounds(b.assignWindows(row, 17, NO_CLOCK))).toEqual([[10, 25]]);
    // slide larger than size: an element between windows is in none
    expect(bounds(SlidingEventTimeWindows.of(5, 10).assignWindows(row, 7, NO_CLOCK))).toEqual([]);
  });

  it('session: [t, t + gap), merged by mergeWindows', () => {
    const a = EventTimeSessionWindows.withGap(10);
    expect(bounds(a.assignWindows(row, 5, NO_CLOCK))).toEqual([[5, 15]]);
    const merges: number[][] = [];
    a.mergeWindows([new TimeWindow(0, 10), new TimeWindow(30, 40), new TimeWindow(8, 18)], (_m, r) =>
      merges.push([r.start, r.end]),
    );
    expect(merges).toEqual([[0, 18]]);
  });

  it('processing-time assigners take the time from their context, not the element', () => {
    const ctx = clockAt(23);
    expect(bounds(TumblingProcessingTimeWindows.of(10).assignWindows(row, 999, ctx))).toEqual([[20, 30]]);
    expect(bounds(SlidingProcessingTimeWindows.of(10, 5).assignWindows(row, 999, ctx))).toEqual([
      [20, 30],
      [15, 25],
    ]);
    const session = ProcessingTimeSessionWindows.withGap(4);
    expect(bounds(session.assignWindows(row, 999, ctx))).toEqual([[23, 27]]);
    expect(session.isEventTime()).toBe(false);
    expect(session.getDefaultTrigger()).toBe(ProcessingTimeTrigger.create());
  });

  it('a window node gets the assigner of its type and time', () => {
    const node = (assigner: object, time = 'event') =>
      WindowNodeSchema.parse({ id: 'w', kind: 'window', aggregates: { n: 'COUNT(*)' }, assigner, time });
    expect(String(createWindowAssigner(node({ type: 'tumbling', sizeMs: 10 })))).toBe(
      'TumblingEventTimeWindows(10)',
    );
    expect(
      String(createWindowAssigner(node({ type: 'sliding', sizeMs: 10, slideMs: 2 }, 'processing'))),
    ).toBe('SlidingProcessingTimeWindows(10, 2)');
    expect(String(createWindowAssigner(node({ type: 'session', gapMs: 7 })))).toBe(
      'EventTimeSessionWindows(7)',
    );
  });
});

describe('TriggerResult', () => {
  it("says whether to fire and whether to purge, as Flink's", () => {
    const flags = (r: TriggerResult) => [r.toString(), r.isFire(), r.isPurge()];
    expect(
      [TriggerResult.CONTINUE, TriggerResult.FIRE, TriggerResult.PURGE, TriggerResult.FIRE_AND_PURGE].map(
        flags,
      ),
    ).toEqual([
      ['CONTINUE', false, false],
      ['FIRE', true, false],
      ['PURGE', false, true],
      ['FIRE_AND_PURGE', true, true],
    ]);
  });
});

describe('EventTimeTrigger', () => {
  const trigger = EventTimeTrigger.create();
  const w = new TimeWindow(0, 10);

  it('registers a timer at the window end and continues while the watermark is before it', () => {
    const { ctx, calls } = fakeContext(8);
    expect(trigger.onElement(row, 3, w, ctx)).toBe(TriggerResult.CONTINUE);
    expect(calls).toEqual(['register event 9']);
  });

  it('fires at once, without a timer, for an element of a window the watermark has passed (allowed lateness)', () => {
    const { ctx, calls } = fakeContext(9);
    expect(trigger.onElement(row, 3, w, ctx)).toBe(TriggerResult.FIRE);
    expect(trigger.onElement(row, 3, w, fakeContext(500).ctx)).toBe(TriggerResult.FIRE);
    expect(calls).toEqual([]);
  });

  it('fires on its end-of-window timer only (not on the cleanup timer), never on processing time', () => {
    const { ctx } = fakeContext(9);
    expect(trigger.onEventTime(9, w, ctx)).toBe(TriggerResult.FIRE);
    expect(trigger.onEventTime(14, w, ctx)).toBe(TriggerResult.CONTINUE);
    expect(trigger.onProcessingTime(9, w, ctx)).toBe(TriggerResult.CONTINUE);
  });

  it('merges, clears and restores its timer', () => {
    expect(trigger.canMerge()).toBe(true);
    const before = fakeContext(8);
    trigger.onMerge(new TimeWindow(0, 30), before.ctx);
    trigger.clear(w, before.ctx);
    trigger.onRestore(w, before.ctx);
    const after = fakeContext(9);
    trigger.onRestore(w, after.ctx);
    trigger.onMerge(w, after.ctx);
    expect(before.calls).toEqual(['register event 29', 'delete event 9', 'register event 9']);
    expect(after.calls).toEqual([]);
  });
});

describe('ProcessingTimeTrigger', () => {
  const trigger = ProcessingTimeTrigger.create();
  const w = new TimeWindow(0, 10);

  it('registers a processing-time timer at the window end and fires on it', () => {
    const { ctx, calls } = fakeContext(Number.NEGATIVE_INFINITY, 3);
    expect(trigger.onElement(row, 999, w, ctx)).toBe(TriggerResult.CONTINUE);
    expect(trigger.onProcessingTime(9, w, ctx)).toBe(TriggerResult.FIRE);
    expect(trigger.onEventTime(9, w, ctx)).toBe(TriggerResult.CONTINUE);
    trigger.clear(w, ctx);
    trigger.onRestore(w, fakeContext(0, 50).ctx);
    expect(calls).toEqual(['register processing 9', 'delete processing 9']);
  });

  it('on a merge registers the merged window end only while the clock is before it; a restore always does', () => {
    const early = fakeContext(0, 3);
    trigger.onMerge(w, early.ctx);
    const late = fakeContext(0, 9);
    trigger.onMerge(w, late.ctx);
    trigger.onRestore(w, late.ctx);
    expect(early.calls).toEqual(['register processing 9']);
    expect(late.calls).toEqual(['register processing 9']);
  });
});

describe('WindowTriggerContext (the trigger context of the window operator)', () => {
  function context(perKey: boolean) {
    const calls: string[] = [];
    const timers: WindowTimerService = {
      registerEventTimeTimer: (ns, t) => calls.push(`register event ${ns} ${t}`),
      deleteEventTimeTimer: (ns, t) => calls.push(`delete event ${ns} ${t}`),
      registerProcessingTimeTimer: (ns, t) => calls.push(`register processing ${ns} ${t}`),
      deleteProcessingTimeTimer: (ns, t) => calls.push(`delete processing ${ns} ${t}`),
      advanceWatermark: () => {},
      advanceProcessingTime: () => {},
      nextProcessingTime: () => undefined,
      nextEventTime: () => undefined,
    };
    const ctx = new WindowTriggerContext({ now: () => 42 });
    ctx.timers = timers;
    ctx.perKey = perKey;
    return { ctx, calls };
  }

  it('passes a timer registered again (every element does) to the timer service once, until a timer fires', () => {
    const { ctx, calls } = context(false);
    const a = new TimeWindow(0, 10);
    const b = new TimeWindow(10, 20);
    for (const key of ['x', 'y', 'z']) {
      ctx.key = key;
      ctx.window = a;
      ctx.registerEventTimeTimer(9); // end of window
      ctx.registerEventTimeTimer(14); // cleanup (allowed lateness 5)
      ctx.window = b;
      ctx.registerEventTimeTimer(19);
      ctx.registerEventTimeTimer(24);
    }
    ctx.registerProcessingTimeTimer(24); // another kind
    expect(calls).toEqual([
      'register event 0 9',
      'register event 0 14',
      'register event 10 19',
      'register event 10 24',
      'register processing 10 24',
    ]);
    ctx.timerFiring(true, 9);
    ctx.timerDone();
    ctx.window = a;
    ctx.registerEventTimeTimer(14);
    expect(calls.slice(5)).toEqual(['register event 0 14']);
    expect(ctx.getCurrentProcessingTime()).toBe(42);
  });

  it('with per-key timers the key is part of a registration', () => {
    const { ctx, calls } = context(true);
    ctx.window = new TimeWindow(0, 10);
    for (const key of ['x', 'x', 'y', 'x']) {
      ctx.key = key;
      ctx.registerEventTimeTimer(9);
    }
    expect(calls).toEqual(['register event 0 9', 'register event 0 9']);
  });

  it('does not delete timers of the window that have fired while one fires; deletes later ones', () => {
    const { ctx, calls } = context(false);
    ctx.window = new TimeWindow(0, 10);
    ctx.timerFiring(true, 14);
    ctx.deleteEventTimeTimer(9);
    ctx.deleteEventTimeTimer(14);
    ctx.deleteEventTimeTimer(20);
    ctx.deleteProcessingTimeTimer(9);
    ctx.timerDone();
    ctx.deleteEventTimeTimer(9);
    expect(calls).toEqual(['delete event 0 20', 'delete processing 0 9', 'delete event 0 9']);
  });
});
