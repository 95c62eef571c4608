/**
 * Rate limiting in injected time. A source numbers its rows with a monotone "unit" (datagen: the
 * split's own row count; nexmark: the event number on the benchmark's timeline); unit u is due
 * once `(u - unitAtStart + 1)` units fit into `rate × elapsed`, so a reader never emits more than
 * `rate × (now − start)` units overall. The clock starts at the first read (and again after a seek,
 * so a restored reader resumes at its rate instead of bursting to catch up); the unit it starts
 * with is the reader's choice (nexmark: event 0 for a fresh reader, so every split runs on the
 * benchmark's one timeline).
 */
export class RateGate {
  private startMs = Number.NaN;
  private unitAtStart = 0;

  /** @param perMs units per millisecond (> 0). */
  constructor(
    private readonly perMs: number,
    private readonly nowMs: () => number,
  ) {}

  /**
   * The highest unit that may be emitted now (inclusive). Starts the clock if needed, with unit
   * `origin` (default: `nextUnit`) due one unit-interval after now.
   */
  limit(nextUnit: number, origin = nextUnit): number {
    const now = this.nowMs();
    if (Number.isNaN(this.startMs)) {
      this.startMs = now;
      this.unitAtStart = origin;
    }
    const elapsed = now - this.startMs;
    // The largest count K with dueOffset(K) <= elapsed, computed so that it agrees exactly with
    // availableAt (floating-point rounding must not let the two disagree by one row).
    let k = Math.floor(elapsed * this.perMs);
    while (this.dueOffset(k + 1) <= elapsed) k++;
    while (k > 0 && this.dueOffset(k) > elapsed) k--;
    return this.unitAtStart + k - 1;
  }

  /** Milliseconds after the start at which the K-th unit (1-based) is due. */
  private dueOffset(k: number): number {
    return Math.ceil(k / this.perMs);
  }

  /** When `unit` becomes due, or 0 if it is due at `nowMs` (or the clock has not started). */
  availableAt(unit: number, nowMs: number): number {
    if (Number.isNaN(this.startMs)) return 0;
    const due = this.startMs + this.dueOffset(unit - this.unitAtStart + 1);
    return due <= nowMs ? 0 : due;
  }

  reset(): void {
    this.startMs = Number.NaN;
  }
}
