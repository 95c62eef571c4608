/**
 * Coalesces state deliveries of one (job, node) before they go to its subscribers: at most one message per
 * `intervalMs`, each key once with its latest value, at most `maxKeys` keys (the most recently changed; the
 * rest are counted in `dropped`). The worker already coalesces; this keeps the socket's promise whatever the
 * worker's interval is, and merges what arrives between two sends.
 */
import type { StateChangesEvent } from '@flowstate/api';

export interface StateDelivery {
  changes: Array<{ key: StateChangesEvent['changes'][number]['key']; value: unknown }>;
  dropped: number;
  numKeys: number;
  reset: boolean;
  at: number;
}

export class StateCoalescer {
  /** Pending changes in order of their latest change (a Map re-inserted on update keeps recency order). */
  private pending = new Map<string, { key: StateDelivery['changes'][number]['key']; value: unknown }>();
  private dropped = 0;
  private numKeys = 0;
  private reset = false;
  private at = 0;
  private hasPending = false;
  private lastSent = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly send: (d: StateDelivery) => void,
    private readonly intervalMs: number,
    private readonly maxKeys: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  push(d: StateDelivery): void {
    for (const c of d.changes) {
      const id = typeof c.key === 'string' ? `s${c.key}` : JSON.stringify(c.key);
      this.pending.delete(id);
      this.pending.set(id, c);
    }
    this.dropped += d.dropped;
    this.numKeys = d.numKeys;
    this.reset ||= d.reset;
    this.at = d.at;
    this.hasPending = true;
    // Keep the buffer bounded too: what would not be sent anyway is only counted.
    if (this.pending.size > this.maxKeys * 4) this.trim(this.maxKeys);
    const wait = this.lastSent + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  private trim(keep: number): void {
    const over = this.pending.size - keep;
    if (over <= 0) return;
    const it = this.pending.keys();
    for (let i = 0; i < over; i++) this.pending.delete(it.next().value as string);
    this.dropped += over;
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (!this.hasPending) return;
    this.trim(this.maxKeys);
    const d: StateDelivery = {
      changes: [...this.pending.values()],
      dropped: this.dropped,
      numKeys: this.numKeys,
      reset: this.reset,
      at: this.at,
    };
    this.pending = new Map();
    this.dropped = 0;
    this.reset = false;
    this.hasPending = false;
    this.lastSent = this.now();
    this.send(d);
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
    this.hasPending = false;
  }
}
