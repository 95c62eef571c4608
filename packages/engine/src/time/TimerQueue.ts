/**
 * A priority queue of timers (key, namespace, time), deduplicated per (key, namespace, time) like
 * Flink's `HeapPriorityQueueSet`, and tuned for windows, where many keys share one timestamp:
 *
 * - a binary min-heap of distinct timestamps, each with a bucket of its timers;
 * - a bucket keeps its timers in registration order (parallel arrays) plus an index
 *   `Map<Namespace, Map<Key, position>>` for dedup and O(1) delete (the array slot goes stale);
 * - so registering and firing are O(1) amortised when the bucket exists, O(log T) for a new
 *   timestamp; firing order is (time, registration order).
 *
 * Stale array slots and heap entries (timestamps whose bucket was emptied by deletes) are skipped
 * lazily and compacted when they outnumber the live ones.
 */
import type { Key, Namespace } from '../state/index';

class Bucket<N> {
  keys: Array<Key | undefined> = [];
  nss: Array<N | undefined> = [];
  /** Position of each live timer in `keys`/`nss`. */
  readonly index = new Map<N, Map<Key, number>>();
  live = 0;
  /** Entries before `cursor` have fired (or were stale). */
  cursor = 0;

  constructor(readonly time: number) {}
}

export class TimerQueue<N extends Namespace> {
  private heap: number[] = [];
  private readonly buckets = new Map<number, Bucket<N>>();
  private count = 0;
  /** Result of the last successful `poll`. */
  polledKey: Key = null;
  polledNamespace: N = undefined as unknown as N;
  polledTime = 0;

  size(): number {
    return this.count;
  }

  /** Adds a timer; false if it was already registered. */
  add(key: Key, namespace: N, time: number): boolean {
    let b = this.buckets.get(time);
    if (b === undefined) {
      b = new Bucket<N>(time);
      this.buckets.set(time, b);
      this.heapPush(time);
    }
    let byKey = b.index.get(namespace);
    if (byKey === undefined) {
      byKey = new Map();
      b.index.set(namespace, byKey);
    } else if (byKey.has(key)) return false;
    byKey.set(key, b.keys.length);
    b.keys.push(key);
    b.nss.push(namespace);
    b.live++;
    this.count++;
    return true;
  }

  /** Removes a timer; false if there was none. */
  remove(key: Key, namespace: N, time: number): boolean {
    const b = this.buckets.get(time);
    if (b === undefined) return false;
    const byKey = b.index.get(namespace);
    if (byKey === undefined || !byKey.delete(key)) return false;
    if (byKey.size === 0) b.index.delete(namespace);
    b.live--;
    this.count--;
    if (b.live === 0) {
      this.buckets.delete(time);
      if (this.heap.length > 2 * this.buckets.size + 64) this.rebuildHeap();
    } else if (b.keys.length - b.cursor > 64 && b.keys.length - b.cursor > 2 * b.live) this.compact(b);
    return true;
  }

  contains(key: Key, namespace: N, time: number): boolean {
    return this.buckets.get(time)?.index.get(namespace)?.has(key) ?? false;
  }

  /** The earliest timestamp with a timer, if any. */
  peekTime(): number | undefined {
    return this.peek()?.time;
  }

  private peek(): Bucket<N> | undefined {
    const heap = this.heap;
    while (heap.length !== 0) {
      const b = this.buckets.get(heap[0] as number);
      if (b !== undefined) return b;
      this.heapPop();
    }
    return undefined;
  }

  /**
   * Removes the next timer with time <= `maxTime` (earliest time, then registration order) into
   * `polledKey`/`polledNamespace`/`polledTime`; false when there is none.
   */
  poll(maxTime: number): boolean {
    const b = this.peek();
    if (b === undefined || b.time > maxTime) return false;
    const keys = b.keys;
    const nss = b.nss;
    for (;;) {
      const i = b.cursor++;
      const key = keys[i] as Key;
      const ns = nss[i] as N;
      const byKey = b.index.get(ns);
      if (byKey === undefined || byKey.get(key) !== i) continue;
      byKey.delete(key);
      if (byKey.size === 0) b.index.delete(ns);
      keys[i] = undefined;
      nss[i] = undefined;
      b.live--;
      this.count--;
      if (b.live === 0) {
        this.buckets.delete(b.time);
        this.heapPop();
      }
      this.polledKey = key;
      this.polledNamespace = ns;
      this.polledTime = b.time;
      return true;
    }
  }

  /** All timers in firing order. */
  forEachInOrder(fn: (key: Key, namespace: N, time: number) => void): void {
    const times = Array.from(this.buckets.keys()).sort((a, b) => a - b);
    for (const t of times) {
      const b = this.buckets.get(t) as Bucket<N>;
      for (let i = b.cursor; i < b.keys.length; i++) {
        const key = b.keys[i] as Key;
        const ns = b.nss[i] as N;
        if (b.index.get(ns)?.get(key) === i) fn(key, ns, t);
      }
    }
  }

  clear(): void {
    this.heap = [];
    this.buckets.clear();
    this.count = 0;
  }

  private compact(b: Bucket<N>): void {
    const keys: Array<Key | undefined> = [];
    const nss: Array<N | undefined> = [];
    for (let i = b.cursor; i < b.keys.length; i++) {
      const key = b.keys[i] as Key;
      const ns = b.nss[i] as N;
      const byKey = b.index.get(ns);
      if (byKey !== undefined && byKey.get(key) === i) {
        byKey.set(key, keys.length);
        keys.push(key);
        nss.push(ns);
      }
    }
    b.keys = keys;
    b.nss = nss;
    b.cursor = 0;
  }

  private rebuildHeap(): void {
    this.heap = Array.from(this.buckets.keys()).sort((a, b) => a - b);
  }

  private heapPush(t: number): void {
    const h = this.heap;
    let i = h.length;
    h.push(t);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = h[parent] as number;
      if (p <= t) break;
      h[i] = p;
      i = parent;
    }
    h[i] = t;
  }

  private heapPop(): void {
    const h = this.heap;
    const last = h.pop() as number;
    const n = h.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && (h[r] as number) < (h[l] as number) ? r : l;
      if ((h[c] as number) >= last) break;
      h[i] = h[c] as number;
      i = c;
    }
    h[i] = last;
  }
}
