import { describe, expect, it } from 'vitest';
import { type Key, KeyGroupRangeAssignment, type Namespace } from '../state/index';
import { newBackend } from '../state/test-support';
import { InternalTimerServiceImpl, ManualClock, MIN_WATERMARK, TimerQueue, type Triggerable } from './index';

type Fired = [kind: 'event' | 'proc', key: Key, ns: Namespace, time: number, currentKey: Key];

function setup(clock = new ManualClock(0)) {
  const { backend } = newBackend();
  const fired: Fired[] = [];
  let onFire: ((f: Fired) => void) | undefined;
  const target: Triggerable<Namespace> = {
    onEventTime(key, ns, time) {
      const f: Fired = ['event', key, ns, time, backend.getCurrentKey()];
      fired.push(f);
      onFire?.(f);
    },
    onProcessingTime(key, ns, time) {
      const f: Fired = ['proc', key, ns, time, backend.getCurrentKey()];
      fired.push(f);
      onFire?.(f);
    },
  };
  const timers = new InternalTimerServiceImpl<Namespace>(backend, clock, target);
  const at = (key: Key) => {
    backend.setCurrentKey(key);
    return timers;
  };
  return { backend, timers, fired, at, clock, setOnFire: (f: (x: Fired) => void) => (onFire = f) };
}

describe('InternalTimerServiceImpl', () => {
  it('fires event-time timers in (time, registration) order with the key set', () => {
    const { timers, fired, at } = setup();
    expect(timers.currentWatermark()).toBe(MIN_WATERMARK);
    at('b').registerEventTimeTimer(1, 20);
    at('a').registerEventTimeTimer(1, 10);
    at('c').registerEventTimeTimer(2, 20);
    at('a').registerEventTimeTimer(2, 20);
    at('z').registerEventTimeTimer(1, 30);
    expect(timers.numEventTimeTimers()).toBe(5);
    timers.advanceWatermark(19);
    expect(fired).toEqual([['event', 'a', 1, 10, 'a']]);
    expect(timers.currentWatermark()).toBe(19);
    timers.advanceWatermark(20);
    expect(fired.slice(1)).toEqual([
      ['event', 'b', 1, 20, 'b'],
      ['event', 'c', 2, 20, 'c'],
      ['event', 'a', 2, 20, 'a'],
    ]);
    expect(timers.numEventTimeTimers()).toBe(1);
  });

  it('deduplicates per (key, namespace, time)', () => {
    const { timers, fired, at } = setup();
    at('a').registerEventTimeTimer(1, 10);
    at('a').registerEventTimeTimer(1, 10);
    at('a').registerEventTimeTimer(2, 10);
    at('b').registerEventTimeTimer(1, 10);
    at('a').registerEventTimeTimer(1, 11);
    expect(timers.numEventTimeTimers()).toBe(4);
    timers.advanceWatermark(100);
    expect(fired.map((f) => f.slice(1, 4))).toEqual([
      ['a', 1, 10],
      ['a', 2, 10],
      ['b', 1, 10],
      ['a', 1, 11],
    ]);
  });

  it('deletes timers; a re-registered timer fires in its new registration position', () => {
    const { timers, fired, at } = setup();
    at('a').registerEventTimeTimer(1, 10);
    at('b').registerEventTimeTimer(1, 10);
    at('c').registerEventTimeTimer(1, 10);
    at('a').deleteEventTimeTimer(1, 10);
    at('a').deleteEventTimeTimer(1, 10); // no-op
    at('x').deleteEventTimeTimer(9, 99); // no-op
    at('a').registerEventTimeTimer(1, 10);
    at('d').registerEventTimeTimer(1, 5);
    at('d').deleteEventTimeTimer(1, 5);
    expect(timers.numEventTimeTimers()).toBe(3);
    timers.advanceWatermark(10);
    expect(fired.map((f) => f[1])).toEqual(['b', 'c', 'a']);
    expect(timers.numEventTimeTimers()).toBe(0);
  });

  it('fires timers registered during firing when they are due, including earlier ones', () => {
    const { timers, fired, at, setOnFire } = setup();
    at('a').registerEventTimeTimer(1, 10);
    setOnFire(([, key, , time]) => {
      if (key === 'a' && time === 10) {
        at('b').registerEventTimeTimer(1, 10); // same time: fires in this call
        at('c').registerEventTimeTimer(1, 5); // earlier: fires next (always the earliest pending timer first)
        at('d').registerEventTimeTimer(1, 50); // later than the watermark: stays
        at('e').registerEventTimeTimer(1, 15);
      }
    });
    timers.advanceWatermark(20);
    expect(fired.map((f) => [f[1], f[3]])).toEqual([
      ['a', 10],
      ['c', 5],
      ['b', 10],
      ['e', 15],
    ]);
    expect(timers.numEventTimeTimers()).toBe(1);
  });

  it('a callback may delete a pending timer of the same time', () => {
    const { timers, fired, at, setOnFire } = setup();
    at('a').registerEventTimeTimer(1, 10);
    at('b').registerEventTimeTimer(1, 10);
    setOnFire(([, key]) => {
      if (key === 'a') at('b').deleteEventTimeTimer(1, 10);
    });
    timers.advanceWatermark(10);
    expect(fired.map((f) => f[1])).toEqual(['a']);
  });

  it('fires processing-time timers with a ManualClock', () => {
    const clock = new ManualClock(1000);
    const { timers, fired, at } = setup(clock);
    expect(timers.currentProcessingTime()).toBe(1000);
    at('a').registerProcessingTimeTimer(1, 1500);
    at('b').registerProcessingTimeTimer(1, 1200);
    at('b').registerProcessingTimeTimer(1, 1200);
    expect(timers.numProcessingTimeTimers()).toBe(2);
    expect(timers.nextProcessingTime()).toBe(1200);
    clock.advance(300);
    timers.advanceProcessingTime(clock.now());
    expect(fired).toEqual([['proc', 'b', 1, 1200, 'b']]);
    expect(timers.nextProcessingTime()).toBe(1500);
    at('a').deleteProcessingTimeTimer(1, 1500);
    expect(timers.nextProcessingTime()).toBeUndefined();
    clock.set(5000);
    timers.advanceProcessingTime(clock.now());
    expect(fired).toHaveLength(1);
    // event time is independent
    at('a').registerEventTimeTimer(1, 1);
    timers.advanceProcessingTime(Number.POSITIVE_INFINITY);
    expect(timers.numEventTimeTimers()).toBe(1);
  });

  it('snapshots by key group and restores the timers of a key-group range, in order', () => {
    const { timers, at, backend } = setup();
    const keys = Array.from({ length: 200 }, (_, i) => `key-${i}`);
    for (const k of keys) at(k).registerEventTimeTimer(7, 100);
    for (const k of keys.slice(0, 50)) at(k).registerEventTimeTimer(8, 50);
    for (const k of keys.slice(0, 10)) at(k).registerProcessingTimeTimer('p', 1000);
    const snap = JSON.parse(JSON.stringify(timers.snapshot()));
    for (const [kg, entries] of snap.eventTime as Array<[number, Array<[Key]>]>) {
      for (const [k] of entries)
        expect(KeyGroupRangeAssignment.assignToKeyGroup(k, backend.maxParallelism)).toBe(kg);
    }
    // restore at parallelism 2: each side gets exactly its key groups, and the union is everything
    const firedAll: string[] = [];
    let total = 0;
    for (let i = 0; i < 2; i++) {
      const range = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(128, 2, i);
      const { timers: t2, fired } = setup();
      t2.restore([snap], range, 128);
      total += t2.numEventTimeTimers();
      t2.advanceWatermark(1000);
      t2.advanceProcessingTime(1000);
      for (const f of fired) {
        expect(range.contains(KeyGroupRangeAssignment.assignToKeyGroup(f[1], 128))).toBe(true);
        firedAll.push(`${f[0]}:${String(f[1])}:${f[2]}:${f[3]}`);
      }
      // order within the restored subtask follows the original registration order
      const at100 = fired.filter((f) => f[3] === 100).map((f) => keys.indexOf(f[1] as string));
      expect(at100).toEqual([...at100].sort((a, b) => a - b));
    }
    expect(total).toBe(250);
    expect(firedAll).toHaveLength(260);
    expect(new Set(firedAll).size).toBe(260);
    // same parallelism: identical firing order
    const { timers: t3, fired: fired3 } = setup();
    t3.restore([snap], backend.keyGroupRange, 128);
    t3.advanceWatermark(1000);
    expect(fired3.map((f) => f[1])).toEqual([...keys.slice(0, 50), ...keys]);
    expect(() => setup().timers.restore([snap], backend.keyGroupRange, 256)).toThrowError(
      expect.objectContaining({ code: 'STATE_MAX_PARALLELISM_MISMATCH' }),
    );
  });
});

describe('TimerQueue', () => {
  it('fires each of many keys sharing one timestamp once, duplicates dropped', () => {
    // (Its cost — O(1) amortised per timer — is a benchmark's business, not a timed assertion's.)
    const q = new TimerQueue<number>();
    const n = 200_000;
    for (let i = 0; i < n; i++) q.add(`key-${i}`, 1, 60_000);
    for (let i = 0; i < n; i++) q.add(`key-${i}`, 1, 60_000); // duplicates
    let fired = 0;
    while (q.poll(60_000)) fired++;
    expect(fired).toBe(n);
    expect(q.size()).toBe(0);
  });

  it('compacts after many deletes and keeps order', () => {
    const q = new TimerQueue<number>();
    for (let round = 0; round < 50; round++) {
      for (let i = 0; i < 100; i++) q.add(i, 0, 10);
      for (let i = 0; i < 100; i++) if (i % 10 !== round % 10) q.remove(i, 0, 10);
      for (let i = 0; i < 100; i++) q.remove(i, 0, 10);
    }
    expect(q.size()).toBe(0);
    for (let t = 0; t < 1000; t++) {
      q.add('k', 0, t);
      q.remove('k', 0, t);
    }
    expect(q.peekTime()).toBeUndefined();
    q.add('a', 0, 3);
    q.add('b', 0, 1);
    q.add('c', 0, 2);
    const order: Key[] = [];
    while (q.poll(Number.POSITIVE_INFINITY)) order.push(q.polledKey);
    expect(order).toEqual(['b', 'c', 'a']);
  });

  it('matches a sorted-array model under random operations', () => {
    let seed = 12345;
    const random = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) | 0;
      return ((seed >>> 8) & 0xffff) / 0x10000;
    };
    const q = new TimerQueue<number>();
    let model: Array<{ key: Key; ns: number; time: number; seq: number }> = [];
    let seq = 0;
    for (let step = 0; step < 20_000; step++) {
      const key = Math.floor(random() * 20);
      const ns = Math.floor(random() * 3);
      const time = Math.floor(random() * 50);
      const r = random();
      if (r < 0.5) {
        const added = q.add(key, ns, time);
        const exists = model.some((m) => m.key === key && m.ns === ns && m.time === time);
        expect(added).toBe(!exists);
        if (!exists) model.push({ key, ns, time, seq: seq++ });
      } else if (r < 0.8) {
        const removed = q.remove(key, ns, time);
        const before = model.length;
        model = model.filter((m) => !(m.key === key && m.ns === ns && m.time === time));
        expect(removed).toBe(model.length !== before);
      } else {
        const until = Math.floor(random() * 50);
        model.sort((a, b) => a.time - b.time || a.seq - b.seq);
        const due = model.filter((m) => m.time <= until);
        model = model.filter((m) => m.time > until);
        for (const m of due) {
          expect(q.poll(until)).toBe(true);
          expect([q.polledKey, q.polledNamespace, q.polledTime]).toEqual([m.key, m.ns, m.time]);
        }
        expect(q.poll(until)).toBe(false);
      }
      expect(q.size()).toBe(model.length);
      const min = model.reduce((a, m) => Math.min(a, m.time), Number.POSITIVE_INFINITY);
      expect(q.peekTime()).toBe(model.length === 0 ? undefined : min);
    }
  });
});
