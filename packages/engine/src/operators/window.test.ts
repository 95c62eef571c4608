import { type RowSchema, type WindowNode, WindowNodeSchema } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { windowHarness } from '../testing/harness';

const schema: RowSchema = { k: 'string', v: 'int', ts: 'timestamp' };
const win = (extra: Record<string, unknown>): WindowNode =>
  WindowNodeSchema.parse({ id: 'w', kind: 'window', aggregates: { n: 'COUNT(*)' }, ...extra });
const row = (k: string, ts: number, v = 1) => ({ k, v, ts });

describe('tumbling event-time windows', () => {
  it('fires each window when the watermark reaches window_end - 1', () => {
    const h = windowHarness(win({ assigner: { type: 'tumbling', sizeMs: 10 } }), schema, ['k']);
    h.processElement(row('a', 1), 1).processElement(row('a', 5), 5).processElement(row('a', 12), 12);
    h.processWatermark(8);
    expect(h.takeOutput()).toEqual([]);
    h.processWatermark(9);
    expect(h.emitted).toEqual([{ row: { k: 'a', window_start: 0, window_end: 10, n: 2 }, ts: 9 }]);
    h.takeOutput();
    h.processWatermark(19);
    expect(h.takeOutput()).toEqual([{ k: 'a', window_start: 10, window_end: 20, n: 1 }]);
  });

  it('counts out-of-order rows that arrive before the watermark passes their window', () => {
    const h = windowHarness(win({ assigner: { type: 'tumbling', sizeMs: 10 } }), schema, ['k']);
    h.processElement(row('a', 12), 12).processElement(row('a', 3), 3).processElement(row('b', 4), 4);
    h.processWatermark(9);
    expect(h.takeOutput()).toEqual([
      { k: 'a', window_start: 0, window_end: 10, n: 1 },
      { k: 'b', window_start: 0, window_end: 10, n: 1 },
    ]);
  });

  it('applies the offset like TimeWindow.getWindowStartWithOffset, also for negative timestamps', () => {
    const h = windowHarness(win({ assigner: { type: 'tumbling', sizeMs: 10, offsetMs: 3 } }), schema, ['k']);
    h.processElement(row('a', 2), 2).processElement(row('a', -4), -4);
    h.processWatermark(100);
    expect(h.takeOutput()).toEqual([{ k: 'a', window_start: -7, window_end: 3, n: 2 }]);
  });

  it('drops late rows and counts them when no late edge takes them', () => {
    const h = windowHarness(win({ assigner: { type: 'tumbling', sizeMs: 10 } }), schema, ['k'], {
      lateOutput: false,
    });
    h.processWatermark(9);
    h.processElement(row('a', 5), 5);
    expect(h.takeOutput()).toEqual([]);
    expect(h.operator.metrics.lateRowsDropped).toBe(1);
  });

  it('sends late rows to the late port when an edge takes it', () => {
    const h = windowHarness(win({ assigner: { type: 'tumbling', sizeMs: 10 } }), schema, ['k']);
    h.processWatermark(9);
    h.processElement(row('a', 5), 5);
    expect(h.lateRows).toEqual([{ row: row('a', 5), ts: 5 }]);
  });

  it('re-fires a window for a row within allowed lateness and purges it after', () => {
    const h = windowHarness(
      win({ assigner: { type: 'tumbling', sizeMs: 10 }, allowedLatenessMs: 5 }),
      schema,
      ['k'],
    );
    h.processElement(row('a', 1), 1).processWatermark(9);
    expect(h.takeOutput()).toEqual([{ k: 'a', window_start: 0, window_end: 10, n: 1 }]);
    h.processElement(row('a', 7), 7); // behind the watermark, within lateness: fires again at once
    expect(h.takeOutput()).toEqual([{ k: 'a', window_start: 0, window_end: 10, n: 2 }]);
    h.processWatermark(13);
    h.processElement(row('a', 2), 2);
    expect(h.takeOutput()).toEqual([{ k: 'a', window_start: 0, window_end: 10, n: 3 }]);
    h.processWatermark(14); // window_end - 1 + lateness: purged
    expect(h.takeOutput()).toEqual([]);
    h.processElement(row('a', 3), 3);
    expect(h.takeOutput()).toEqual([]);
    expect(h.lateRows.map((r) => r.ts)).toEqual([3]);
    expect(h.operator.numKeys()).toBe(0);
  });

  it('a first row within allowed lateness fires its new window at once, and only once', () => {
    const h = windowHarness(
      win({ assigner: { type: 'tumbling', sizeMs: 10 }, allowedLatenessMs: 100 }),
      schema,
      ['k'],
    );
    h.processWatermark(50);
    h.processElement(row('a', 5), 5);
    expect(h.takeOutput()).toEqual([{ k: 'a', window_start: 0, window_end: 10, n: 1 }]);
    h.processWatermark(60);
    expect(h.takeOutput()).toEqual([]);
  });

  it('fires every open window on the final watermark', () => {
    const h = windowHarness(win({ assigner: { type: 'tumbling', sizeMs: 10 } }), schema, ['k']);
    h.processElement(row('a', 1), 1).processElement(row('b', 25), 25).processElement(row('a', 1000), 1000);
    h.processWatermark(Number.POSITIVE_INFINITY);
    expect(h.takeOutput()).toEqual([
      { k: 'a', window_start: 0, window_end: 10, n: 1 },
      { k: 'b', window_start: 20, window_end: 30, n: 1 },
      { k: 'a', window_start: 1000, window_end: 1010, n: 1 },
    ]);
    expect(h.operator.numKeys()).toBe(0);
  });
});

describe('sliding windows', () => {
  it('puts a row in every window of size starting at a multiple of slide that contains it', () => {
    const h = windowHarness(win({ assigner: { type: 'sliding', sizeMs: 10, slideMs: 5 } }), schema, ['k']);
    h.processElement(row('a', 7), 7).processElement(row('a', 12), 12);
    h.processWatermark(Number.POSITIVE_INFINITY);
    expect(h.takeOutput()).toEqual([
      { k: 'a', window_start: 0, window_end: 10, n: 1 },
      { k: 'a', window_start: 5, window_end: 15, n: 2 },
      { k: 'a', window_start: 10, window_end: 20, n: 1 },
    ]);
  });

  it('keeps separate accumulators per window with several aggregates', () => {
    const node = WindowNodeSchema.parse({
      id: 'w',
      kind: 'window',
      assigner: { type: 'sliding', sizeMs: 10, slideMs: 5 },
      aggregates: {
        n: 'COUNT(*)',
        total: 'SUM(v)',
        avg: 'AVG(v)',
        lo: 'MIN(v)',
        hi: 'MAX(v)',
        first: 'FIRST_VALUE(v)',
        last: 'LAST_VALUE(v)',
      },
    });
    const h = windowHarness(node, schema, ['k']);
    h.processElement(row('a', 7, 4), 7)
      .processElement(row('a', 8, 2), 8)
      .processElement(row('a', 11, 9), 11);
    h.processWatermark(Number.POSITIVE_INFINITY);
    expect(h.takeOutput()).toEqual([
      { k: 'a', window_start: 0, window_end: 10, n: 2, total: 6, avg: 3, lo: 2, hi: 4, first: 4, last: 2 },
      { k: 'a', window_start: 5, window_end: 15, n: 3, total: 15, avg: 5, lo: 2, hi: 9, first: 4, last: 9 },
      { k: 'a', window_start: 10, window_end: 20, n: 1, total: 9, avg: 9, lo: 9, hi: 9, first: 9, last: 9 },
    ]);
  });

  it('a row is late only when every window it belongs to is late', () => {
    const h = windowHarness(win({ assigner: { type: 'sliding', sizeMs: 10, slideMs: 5 } }), schema, ['k']);
    h.processWatermark(9); // [0,10) is done; [5,15) is not
    h.processElement(row('a', 7), 7);
    expect(h.lateRows).toEqual([]);
    h.processWatermark(Number.POSITIVE_INFINITY);
    expect(h.takeOutput()).toEqual([{ k: 'a', window_start: 5, window_end: 15, n: 1 }]);
  });
});

describe('session windows', () => {
  const session = win({ assigner: { type: 'session', gapMs: 10 } });

  it('groups rows closer than the gap and splits at a gap', () => {
    const h = windowHarness(session, schema, ['k']);
    h.processElement(row('a', 0), 0).processElement(row('a', 5), 5).processElement(row('a', 30), 30);
    h.processWatermark(Number.POSITIVE_INFINITY);
    expect(h.takeOutput()).toEqual([
      { k: 'a', window_start: 0, window_end: 15, n: 2 },
      { k: 'a', window_start: 30, window_end: 40, n: 1 },
    ]);
  });

  it('merges two sessions that a row bridges, and fires only the merged window', () => {
    const h = windowHarness(session, schema, ['k']);
    h.processElement(row('a', 0), 0).processElement(row('a', 20), 20);
    h.processElement(row('a', 10), 10); // [10,20) touches [0,10) and [20,30)
    h.processWatermark(Number.POSITIVE_INFINITY);
    expect(h.takeOutput()).toEqual([{ k: 'a', window_start: 0, window_end: 30, n: 3 }]);
  });

  it('windows that only touch merge (TimeWindow.intersects)', () => {
    const h = windowHarness(session, schema, ['k']);
    h.processElement(row('a', 0), 0).processElement(row('a', 10), 10);
    h.processWatermark(Number.POSITIVE_INFINITY);
    expect(h.takeOutput()).toEqual([{ k: 'a', window_start: 0, window_end: 20, n: 2 }]);
  });

  it('keeps keys apart', () => {
    const h = windowHarness(session, schema, ['k']);
    h.processElement(row('a', 0), 0).processElement(row('b', 5), 5);
    h.processWatermark(Number.POSITIVE_INFINITY);
    expect(h.takeOutput()).toEqual([
      { k: 'a', window_start: 0, window_end: 10, n: 1 },
      { k: 'b', window_start: 5, window_end: 15, n: 1 },
    ]);
  });

  it('fires a session at its end and treats rows past it as late', () => {
    const h = windowHarness(session, schema, ['k']);
    h.processElement(row('a', 0), 0).processWatermark(9);
    expect(h.takeOutput()).toEqual([{ k: 'a', window_start: 0, window_end: 10, n: 1 }]);
    h.processElement(row('a', -5), -5); // [−5, 5) merged with [0,10) would be [−5,10): late
    expect(h.lateRows.map((r) => r.ts)).toEqual([-5]);
  });
});

describe('processing-time windows', () => {
  it('assign by the clock and fire on processing-time timers', () => {
    const h = windowHarness(win({ assigner: { type: 'tumbling', sizeMs: 10 }, time: 'processing' }), schema, [
      'k',
    ]);
    h.setProcessingTime(3);
    h.processElement(row('a', 999), 999).processElement(row('a', 999), 999);
    h.setProcessingTime(8);
    expect(h.takeOutput()).toEqual([]);
    h.setProcessingTime(9);
    expect(h.takeOutput()).toEqual([{ k: 'a', window_start: 0, window_end: 10, n: 2 }]);
  });

  it('fire what is open at the end of input', () => {
    const h = windowHarness(win({ assigner: { type: 'tumbling', sizeMs: 10 }, time: 'processing' }), schema, [
      'k',
    ]);
    h.setProcessingTime(3).processElement(row('a', 0), 0).endInput();
    expect(h.takeOutput()).toEqual([{ k: 'a', window_start: 0, window_end: 10, n: 1 }]);
  });
});

describe('window state', () => {
  it('restores from a snapshot and produces the same results', () => {
    const node = win({ assigner: { type: 'tumbling', sizeMs: 10 } });
    const a = windowHarness(node, schema, ['k']);
    a.processElement(row('a', 1), 1).processElement(row('b', 2), 2).processElement(row('a', 15), 15);
    const snap = a.snapshot(1);
    a.processElement(row('a', 3), 3);
    const b = windowHarness(node, schema, ['k']);
    b.operator.restoreState(snap);
    b.processElement(row('a', 3), 3);
    a.processWatermark(Number.POSITIVE_INFINITY);
    b.processWatermark(Number.POSITIVE_INFINITY);
    // Same results; the order across keys at one timestamp is not defined (as in Flink).
    const sorted = (rows: unknown[]) => rows.map((r) => JSON.stringify(r)).sort();
    expect(sorted(b.takeOutput())).toEqual(sorted(a.takeOutput()));
  });

  it('multi-field keys come back as typed key fields', () => {
    const node = win({ assigner: { type: 'tumbling', sizeMs: 10 } });
    const h = windowHarness(node, schema, ['k', 'v']);
    h.processElement(row('a', 1, 7), 1);
    h.processWatermark(Number.POSITIVE_INFINITY);
    expect(h.takeOutput()).toEqual([{ k: 'a', v: 7, window_start: 0, window_end: 10, n: 1 }]);
  });

  it('refuses a checkpoint whose operator state is not a window state, naming the node and subtask', () => {
    const h = windowHarness(win({ assigner: { type: 'tumbling', sizeMs: 10 } }), schema, ['k']);
    const restore = (state: unknown) =>
      h.operator.restoreState({
        checkpointId: 2,
        keyed: [],
        timers: [],
        operatorStates: [
          { subtask: 0, parallelism: 2, state: { watermark: 5 } },
          { subtask: 1, parallelism: 2, state },
        ],
      });
    expect(() => restore({ watermark: '9' })).toThrowError(
      `node 'w': the checkpointed operator state of subtask 1 is not a window's state ({ watermark }): watermark: expected a number or null, got "9"`,
    );
    restore({ watermark: null }); // a subtask that had seen no watermark: the lowest wins
    expect(h.operator.metrics.currentWatermark).toBe(Number.NEGATIVE_INFINITY);
    restore({ watermark: 7 });
    expect(h.operator.metrics.currentWatermark).toBe(5);
  });
});
