/**
 * How the job's runtime waits: sleeping until a deadline, yielding to the event loop between slices of work,
 * running something every n ms, and measuring how long a piece of work took. Injected like the `Clock`, so no
 * part of the runtime calls `setTimeout`, `setImmediate`, `setInterval` or `performance.now()` itself, and
 * tests can drive subscriptions and schedules in virtual time (`ManualTimers`).
 */

export interface Timers {
  /** A monotonic reading in ms, for measuring durations (slices, pauses); not a date. */
  elapsed(): number;
  /** Resolves after `ms`. */
  sleep(ms: number): Promise<void>;
  /** Resolves once the event loop has had a turn (I/O, timers, messages). */
  yield(): Promise<void>;
  /** Calls `fn` every `ms` until the returned function is called. */
  every(ms: number, fn: () => void): () => void;
}

/** Real time: `performance.now()`, `setTimeout`, `setImmediate` (or `setTimeout(0)` where there is none). */
export const systemTimers: Timers = {
  elapsed: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  yield:
    typeof setImmediate === 'function'
      ? () => new Promise((r) => setImmediate(r))
      : () => new Promise((r) => setTimeout(r, 0)),
  every(ms, fn) {
    const t = setInterval(fn, ms);
    return () => clearInterval(t);
  },
};

/**
 * Virtual time for tests: nothing happens until `advance(ms)`, which runs the intervals and resolves the sleeps
 * that fall due, in time order. `yield()` resolves at once (as a microtask).
 */
export class ManualTimers implements Timers {
  private t = 0;
  private nextId = 0;
  private readonly intervals = new Map<number, { every: number; due: number; fn: () => void }>();
  private sleepers: Array<{ due: number; resolve: () => void }> = [];

  elapsed(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.sleepers.push({ due: this.t + Math.max(0, ms), resolve }));
  }

  yield(): Promise<void> {
    return Promise.resolve();
  }

  every(ms: number, fn: () => void): () => void {
    const id = this.nextId++;
    const every = Math.max(1, ms);
    this.intervals.set(id, { every, due: this.t + every, fn });
    return () => {
      this.intervals.delete(id);
    };
  }

  /** Moves time forward by `ms`, firing what falls due on the way (intervals repeatedly), in time order. */
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      let next = end + 1;
      for (const i of this.intervals.values()) next = Math.min(next, i.due);
      for (const s of this.sleepers) next = Math.min(next, s.due);
      if (next > end) break;
      this.t = next;
      for (const i of [...this.intervals.values()]) {
        if (i.due !== next) continue;
        i.due += i.every;
        i.fn();
      }
      const due = this.sleepers.filter((s) => s.due <= next);
      this.sleepers = this.sleepers.filter((s) => s.due > next);
      for (const s of due) s.resolve();
    }
    this.t = end;
  }

  /** Intervals running now (tests: a subscription that ended must leave none). */
  get activeIntervals(): number {
    return this.intervals.size;
  }
}
