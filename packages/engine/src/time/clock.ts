/** Clocks: time is injected so that processing-time logic can be tested in virtual time. */

export interface Clock {
  /** Milliseconds since the epoch (or any fixed origin, for virtual clocks). */
  now(): number;
}

/** Wall-clock time (`Date.now()`); works in Node and in browser workers. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to (tests, replays, previews). */
export class ManualClock implements Clock {
  private t: number;

  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  set(ms: number): void {
    this.t = ms;
  }

  advance(ms: number): void {
    this.t += ms;
  }
}
