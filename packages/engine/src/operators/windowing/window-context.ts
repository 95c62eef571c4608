/**
 * The contexts a window operator hands its assigner and its trigger (Flink's `WindowAssignerContext` and
 * `WindowOperator.Context`).
 */
import type { Key } from '../../state/index';
import type { Clock } from '../../time/index';
import type { WindowAssignerContext } from './assigners';
import { TimeWindow } from './time-window';
import type { TriggerContext } from './triggers';
import type { WindowTimerService } from './window-timers';

/** The processing time of the batch being processed. */
export class BatchAssignerContext implements WindowAssignerContext {
  private now = 0;

  setCurrentProcessingTime(now: number): void {
    this.now = now;
  }

  getCurrentProcessingTime(): number {
    return this.now;
  }
}

/** How many recent timer registrations the trigger context remembers, per kind (event / processing time). */
const RECENT_TIMERS = 8;

/**
 * Flink's `WindowOperator.Context`: the trigger's view of its operator, for the key and window the operator
 * sets before each call. Timers go to the window's namespace (its start). The operator keeps `watermark`
 * up to date.
 *
 * Every element registers its windows' timers again (the trigger's end-of-window timer, the operator's
 * cleanup timer), nearly always the same ones as the element before. The context remembers its recent
 * registrations and skips those — the two last ones by window identity (the assigners hand out the same
 * window objects while elements fall in the same windows): a compare on the per-row path, small enough to
 * be inlined into it — until any timer fires or is deleted (`forgetRecentTimers`).
 */
export class WindowTriggerContext implements TriggerContext {
  key: Key = null;
  window: TimeWindow = new TimeWindow(0, 0);
  watermark = Number.NEGATIVE_INFINITY;
  timers!: WindowTimerService;
  /** Timers are per (key, window) (sessions), not per window: the key is part of a registration. */
  perKey = false;
  // The last two registrations (either kind).
  private lastWindow: TimeWindow | null = null;
  private lastTime = Number.NaN;
  private lastKind = 0;
  private lastKey: Key | undefined = undefined;
  private prevWindow: TimeWindow | null = null;
  private prevTime = Number.NaN;
  private prevKind = 0;
  private prevKey: Key | undefined = undefined;
  // Further recent registrations of windows' own timers, by value (sliding windows register for several
  // windows per element). Per-key timers go to the timer service, which ignores a timer registered twice.
  private readonly recentNs = new Float64Array(2 * RECENT_TIMERS);
  private readonly recentTime = new Float64Array(2 * RECENT_TIMERS);
  /** A slot is valid while it holds the current generation; forgetting them all is one increment. */
  private readonly recentGeneration = new Int32Array(2 * RECENT_TIMERS);
  private generation = 1;
  private readonly nextSlot = [0, 0];
  /** The kind (0: event time, 1: processing time; -1: none) and time of the timer being fired. */
  private firingKind = -1;
  private firingTime = 0;

  constructor(private readonly clock: Clock) {}

  getCurrentProcessingTime(): number {
    return this.clock.now();
  }

  getCurrentWatermark(): number {
    return this.watermark;
  }

  registerEventTimeTimer(time: number): void {
    // The per-row path: one of the two last registrations (by window identity; the key counts only for
    // per-key timers). Kept small so that it inlines.
    const w = this.window;
    const anyKey = !this.perKey;
    if (
      w === this.lastWindow &&
      time === this.lastTime &&
      this.lastKind === 0 &&
      (anyKey || this.key === this.lastKey)
    )
      return;
    if (
      w === this.prevWindow &&
      time === this.prevTime &&
      this.prevKind === 0 &&
      (anyKey || this.key === this.prevKey)
    )
      return;
    this.register(0, time);
  }

  deleteEventTimeTimer(time: number): void {
    if (this.firingKind === 0 && time <= this.firingTime) return; // it has fired (or is firing)
    this.forgetRecentTimers();
    this.timers.deleteEventTimeTimer(this.window.start, time);
  }

  registerProcessingTimeTimer(time: number): void {
    const w = this.window;
    const anyKey = !this.perKey;
    if (
      w === this.lastWindow &&
      time === this.lastTime &&
      this.lastKind === 1 &&
      (anyKey || this.key === this.lastKey)
    )
      return;
    if (
      w === this.prevWindow &&
      time === this.prevTime &&
      this.prevKind === 1 &&
      (anyKey || this.key === this.prevKey)
    )
      return;
    this.register(1, time);
  }

  deleteProcessingTimeTimer(time: number): void {
    if (this.firingKind === 1 && time <= this.firingTime) return; // it has fired (or is firing)
    this.forgetRecentTimers();
    this.timers.deleteProcessingTimeTimer(this.window.start, time);
  }

  private register(kind: 0 | 1, time: number): void {
    const ns = this.window.start;
    this.prevWindow = this.lastWindow;
    this.prevTime = this.lastTime;
    this.prevKind = this.lastKind;
    this.prevKey = this.lastKey;
    this.lastWindow = this.window;
    this.lastTime = time;
    this.lastKind = kind;
    this.lastKey = this.key;
    if (!this.perKey && this.registeredRecently(kind, ns, time)) return;
    if (kind === 0) this.timers.registerEventTimeTimer(ns, time);
    else this.timers.registerProcessingTimeTimer(ns, time);
  }

  /**
   * Windows' own timers (not per key): whether this one is among the recent registrations of its kind (sliding
   * windows register for several windows per element); remembers it when not.
   */
  private registeredRecently(kind: 0 | 1, ns: number, time: number): boolean {
    const { recentNs, recentTime, recentGeneration, generation } = this;
    const first = kind * RECENT_TIMERS;
    for (let i = first; i < first + RECENT_TIMERS; i++) {
      if (recentGeneration[i] === generation && recentTime[i] === time && recentNs[i] === ns) return true;
    }
    const slot = first + this.nextSlot[kind]!;
    this.nextSlot[kind] = (this.nextSlot[kind]! + 1) % RECENT_TIMERS;
    recentNs[slot] = ns;
    recentTime[slot] = time;
    recentGeneration[slot] = generation;
    return false;
  }

  /**
   * A timer of the current window (and key) fires at `time`: its timers up to `time` have fired, so a trigger
   * deleting one of them (`clear` at the cleanup time) has nothing to do. Until `timerDone`.
   */
  timerFiring(eventTime: boolean, time: number): void {
    this.forgetRecentTimers();
    this.firingKind = eventTime ? 0 : 1;
    this.firingTime = time;
  }

  timerDone(): void {
    this.firingKind = -1;
  }

  /** A timer fired or was deleted: a registration may no longer be pending. */
  forgetRecentTimers(): void {
    this.lastWindow = null;
    this.prevWindow = null;
    this.generation++;
  }
}
