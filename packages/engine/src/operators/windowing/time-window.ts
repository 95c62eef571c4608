/** Flink's `TimeWindow`: the half-open interval [start, end) of event or processing time, in ms. */
export class TimeWindow {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}

  /** The largest timestamp that still belongs to the window: `end - 1`. A window fires when time reaches it. */
  maxTimestamp(): number {
    return this.end - 1;
  }

  /** Whether the windows overlap or touch (`[0, 10)` and `[10, 20)` intersect: sessions that touch merge). */
  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }

  /** The smallest window that contains both. */
  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }

  equals(other: TimeWindow): boolean {
    return this.start === other.start && this.end === other.end;
  }

  toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }

  /**
   * The start of the window of `windowSize` (aligned to `offset`) that contains `timestamp`, also for
   * negative timestamps (Flink's `TimeWindow.getWindowStartWithOffset`).
   */
  static getWindowStartWithOffset(timestamp: number, offset: number, windowSize: number): number {
    const remainder = (timestamp - offset) % windowSize;
    return remainder < 0 ? timestamp - (remainder + windowSize) : timestamp - remainder;
  }

  /**
   * Flink's `TimeWindow.mergeWindows`: sorts `windows` by start and merges every run of windows that
   * intersect; `callback` gets each run of more than one window (in start order) with the window covering it.
   */
  static mergeWindows(windows: readonly TimeWindow[], callback: MergeCallback): void {
    const sorted = windows.slice().sort((a, b) => a.start - b.start);
    let current: TimeWindow | undefined;
    let members: TimeWindow[] = [];
    for (const candidate of sorted) {
      if (current === undefined) {
        current = candidate;
        members = [candidate];
      } else if (current.intersects(candidate)) {
        current = current.cover(candidate);
        members.push(candidate);
      } else {
        if (members.length > 1) callback(members, current);
        current = candidate;
        members = [candidate];
      }
    }
    if (current !== undefined && members.length > 1) callback(members, current);
  }
}

/** Flink's `MergingWindowAssigner.MergeCallback`: `toBeMerged` (in start order) become `mergeResult`. */
export type MergeCallback = (toBeMerged: readonly TimeWindow[], mergeResult: TimeWindow) => void;
