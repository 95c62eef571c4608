import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { StateCoalescer, type StateDelivery } from '../src/socket/coalescer';

const delivery = (keys: string[], extra: Partial<StateDelivery> = {}): StateDelivery => ({
  changes: keys.map((k, i) => ({ key: k, value: { n: i } })),
  dropped: 0,
  numKeys: 100,
  reset: false,
  at: 1,
  ...extra,
});

describe('StateCoalescer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends at most one message per interval, each key once with its latest value', () => {
    const sent: StateDelivery[] = [];
    const c = new StateCoalescer(
      (d) => sent.push(d),
      100,
      10,
      () => Date.now(),
    );
    c.push(delivery(['a']));
    expect(sent).toHaveLength(1);
    c.push({ ...delivery([]), changes: [{ key: 'a', value: 1 }] });
    c.push({ ...delivery([]), changes: [{ key: 'b', value: 2 }] });
    c.push({ ...delivery([]), changes: [{ key: 'a', value: 3 }], reset: true });
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.changes).toEqual([
      { key: 'b', value: 2 },
      { key: 'a', value: 3 },
    ]);
    expect(sent[1]!.reset).toBe(true);
    vi.advanceTimersByTime(1000);
    expect(sent).toHaveLength(2); // nothing pending: nothing sent
  });

  it('keeps the most recently changed keys and counts the rest', () => {
    const sent: StateDelivery[] = [];
    const c = new StateCoalescer(
      (d) => sent.push(d),
      100,
      3,
      () => Date.now(),
    );
    c.push(delivery([]));
    c.push(delivery(['k1', 'k2', 'k3', 'k4', 'k5'], { dropped: 7 }));
    vi.advanceTimersByTime(100);
    const last = sent[sent.length - 1]!;
    expect(last.changes.map((x) => x.key)).toEqual(['k3', 'k4', 'k5']);
    expect(last.dropped).toBe(7 + 2);
    c.close();
  });
});
