/**
 * The joins in virtual time (harness style, as Flink's `KeyedTwoInputStreamOperatorTestHarness` tests): matches
 * at the interval's and the window's bounds, outer padding when the watermark passes, temporal versions, TTL
 * expiry, NULL keys, late rows, and a snapshot restored into a fresh operator (also split over two subtasks).
 */
import { type JoinNode, NodeSchema, type RowSchema } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import type { Row } from '../../runtime/elements';
import type { OperatorRestore } from '../../runtime/operator';
import { joinHarness, type OperatorHarness } from '../../testing/harness';
import { ManualClock } from '../../time/index';

const L: RowSchema = { k: 'int', a: 'string', ts: 'timestamp' };
const R: RowSchema = { id: 'int', b: 'string', ts: 'timestamp' };
const left = { schema: L, key: ['k'] };
const right = { schema: R, key: ['id'] };
const node = (n: Record<string, unknown>): JoinNode =>
  NodeSchema.parse({ id: 'j', fields: { k: 'l.k', a: 'a', b: 'b' }, ...n }) as JoinNode;
const l = (k: number | null, a: string, ts: number): [Row, number] => [{ k, a, ts }, ts];
const r = (id: number | null, b: string, ts: number): [Row, number] => [{ id, b, ts }, ts];

function feedLeft(h: OperatorHarness, ...rows: Array<[Row, number]>): void {
  for (const [row, ts] of rows) h.processElement(row, ts);
}
function feedRight(h: OperatorHarness, ...rows: Array<[Row, number]>): void {
  for (const [row, ts] of rows) h.processElement2(row, ts);
}
const out = (h: OperatorHarness) => h.emitted.splice(0).map((e) => [e.row, e.ts]);

describe('intervalJoin', () => {
  const interval = (type = 'inner') =>
    node({ kind: 'intervalJoin', lowerBoundMs: -2, upperBoundMs: 3, type });

  it('joins r when r.ts is in [l.ts + lower, l.ts + upper] — both bounds included — at max(l.ts, r.ts)', () => {
    const h = joinHarness(interval(), left, right);
    feedLeft(h, l(1, 'x', 10));
    feedRight(
      h,
      r(1, 'at-lower', 8),
      r(1, 'below', 7),
      r(1, 'at-upper', 13),
      r(1, 'above', 14),
      r(2, 'other-key', 10),
    );
    expect(out(h)).toEqual([
      [{ k: 1, a: 'x', b: 'at-lower' }, 10],
      [{ k: 1, a: 'x', b: 'at-upper' }, 13],
    ]);
    // A left row arriving later finds the buffered right rows (the window seen from the right: [r.ts − 3, r.ts + 2]).
    feedLeft(h, l(1, 'y', 5));
    expect(out(h)).toEqual([
      [{ k: 1, a: 'y', b: 'at-lower' }, 8],
      [{ k: 1, a: 'y', b: 'below' }, 7],
    ]);
  });

  it('drops buffered rows when the watermark passes their interval, so later partners miss them', () => {
    const h = joinHarness(interval(), left, right);
    feedLeft(h, l(1, 'x', 10));
    expect(h.operator.numKeys()).toBe(1);
    h.processWatermark(12); // left cleanup at 10 + 3 = 13: not yet
    feedRight(h, r(1, 'in-time', 13));
    expect(out(h)).toEqual([[{ k: 1, a: 'x', b: 'in-time' }, 13]]);
    h.processWatermark(13); // the left row's interval ends: it is dropped
    feedRight(h, r(1, 'on-time-but-alone', 13));
    expect(out(h)).toEqual([]);
    h.processWatermark(20); // right rows at 13 are cleaned at 13 + 2 = 15
    expect(h.operator.numKeys()).toBe(0);
  });

  it('drops and counts rows behind the watermark', () => {
    const h = joinHarness(interval(), left, right);
    h.processWatermark(100);
    feedLeft(h, l(1, 'late', 99));
    feedRight(h, r(1, 'late', 50), r(1, 'on-time', 100));
    expect(h.operator.metrics.lateRowsDropped).toBe(2);
    expect(out(h)).toEqual([]);
    expect(h.operator.metrics.recordsIn).toBe(3);
  });

  it('left/right/full: a row that never found a partner is emitted padded when the watermark passes its interval', () => {
    for (const [type, expected] of [
      ['left', [[{ k: 1, a: 'alone', b: null }, 10]]],
      ['right', [[{ k: null, a: null, b: 'alone' }, 30]]],
      [
        'full',
        [
          [{ k: 1, a: 'alone', b: null }, 10],
          [{ k: null, a: null, b: 'alone' }, 30],
        ],
      ],
    ] as const) {
      const h = joinHarness(interval(type), left, right);
      feedLeft(h, l(1, 'matched', 0), l(1, 'alone', 10));
      feedRight(h, r(1, 'matched', 1), r(1, 'alone', 30));
      expect(out(h), type).toEqual([[{ k: 1, a: 'matched', b: 'matched' }, 1]]);
      h.processWatermark(12);
      expect(out(h), `${type}: nothing before the interval ends`).toEqual([]);
      h.processWatermark(100);
      expect(out(h), type).toEqual(expected);
    }
  });

  it('a NULL key joins nothing: inner drops the row, an outer side pads it at once', () => {
    const inner = joinHarness(interval(), left, right);
    feedLeft(inner, l(null, 'n', 10));
    feedRight(inner, r(null, 'n', 10));
    inner.processWatermark(100);
    expect(out(inner)).toEqual([]);
    const full = joinHarness(interval('full'), left, right);
    feedLeft(full, l(null, 'n', 10));
    feedRight(full, r(null, 'm', 11));
    expect(out(full)).toEqual([
      [{ k: null, a: 'n', b: null }, 10],
      [{ k: null, a: null, b: 'm' }, 11],
    ]);
  });

  it('restores its buffers, joined marks and timers from a snapshot, also split over two subtasks', () => {
    const h = joinHarness(interval('left'), left, right);
    feedLeft(h, l(1, 'x', 10), l(2, 'y', 10), l(3, 'z', 10));
    feedRight(h, r(2, 'seen', 11));
    h.processWatermark(5);
    const snap = h.snapshot();
    out(h);
    const expectAfter = (restored: OperatorHarness[]) => {
      const rows: unknown[] = [];
      for (const x of restored) {
        feedRightWhereOwned(x, r(1, 'late-partner', 12));
        x.processWatermark(100);
        rows.push(...out(x));
      }
      expect(rows.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual([
        [{ k: 1, a: 'x', b: 'late-partner' }, 12],
        [{ k: 3, a: 'z', b: null }, 10],
      ]);
    };
    const one = joinHarness(interval('left'), left, right);
    one.operator.restoreState(snap);
    expectAfter([one]);
    const two = [0, 1].map((subtask) => {
      const x = joinHarness(interval('left'), left, right, { parallelism: 2, subtask });
      x.operator.restoreState(snap as OperatorRestore);
      return x;
    });
    expect(two.map((x) => x.operator.numKeys()).reduce((a, b) => a + b)).toBe(3);
    expectAfter(two);
  });
});

/** Feeds a right row only to the subtask that owns its key (as the exchange would). */
function feedRightWhereOwned(h: OperatorHarness, [row, ts]: [Row, number]): void {
  try {
    h.processElement2(row, ts);
  } catch (e) {
    if (!String(e).includes('key group')) throw e;
  }
}

describe('windowJoin', () => {
  const tumbling = (type = 'inner') =>
    node({
      kind: 'windowJoin',
      assigner: { type: 'tumbling', sizeMs: 10 },
      type,
      fields: { k: 'l.k', a: 'a', b: 'b', ws: 'window_start', we: 'window_end' },
    });

  it('emits every pair of a window when the watermark reaches window_end − 1, at window_end − 1', () => {
    const h = joinHarness(tumbling(), left, right);
    feedLeft(h, l(1, 'x', 0), l(1, 'y', 9), l(1, 'next-window', 10));
    feedRight(h, r(1, 'p', 5), r(1, 'q', 9), r(2, 'other-key', 5));
    h.processWatermark(8);
    expect(out(h)).toEqual([]);
    h.processWatermark(9);
    expect(out(h)).toEqual([
      [{ k: 1, a: 'x', b: 'p', ws: 0, we: 10 }, 9],
      [{ k: 1, a: 'x', b: 'q', ws: 0, we: 10 }, 9],
      [{ k: 1, a: 'y', b: 'p', ws: 0, we: 10 }, 9],
      [{ k: 1, a: 'y', b: 'q', ws: 0, we: 10 }, 9],
    ]);
    h.processWatermark(100);
    expect(out(h)).toEqual([]); // 'next-window' has no partner; inner join
    expect(h.operator.numKeys()).toBe(0);
  });

  it('outer types pad the side whose window has no row of the other', () => {
    const h = joinHarness(tumbling('full'), left, right);
    feedLeft(h, l(1, 'x', 3), l(2, 'y', 13));
    feedRight(h, r(3, 'p', 4));
    h.processWatermark(100);
    expect(out(h)).toEqual([
      [{ k: 1, a: 'x', b: null, ws: 0, we: 10 }, 9],
      [{ k: null, a: null, b: 'p', ws: 0, we: 10 }, 9],
      [{ k: 2, a: 'y', b: null, ws: 10, we: 20 }, 19],
    ]);
  });

  it('sliding windows: a row joins in every window it belongs to; late rows are dropped and counted', () => {
    const h = joinHarness(
      node({
        kind: 'windowJoin',
        assigner: { type: 'sliding', sizeMs: 10, slideMs: 5 },
        fields: { a: 'a', b: 'b', ws: 'window_start' },
      }),
      left,
      right,
    );
    feedLeft(h, l(1, 'x', 7));
    feedRight(h, r(1, 'p', 8));
    h.processWatermark(100);
    expect(out(h)).toEqual([
      [{ a: 'x', b: 'p', ws: 0 }, 9],
      [{ a: 'x', b: 'p', ws: 5 }, 14],
    ]);
    feedLeft(h, l(1, 'late', 90));
    expect(h.operator.metrics.lateRowsDropped).toBe(1);
  });

  it('restores the open windows from a snapshot', () => {
    const h = joinHarness(tumbling(), left, right);
    feedLeft(h, l(1, 'x', 3));
    const snap = h.snapshot();
    const restored = joinHarness(tumbling(), left, right);
    restored.operator.restoreState(snap);
    feedRight(restored, r(1, 'p', 4));
    restored.processWatermark(9);
    expect(out(restored)).toEqual([[{ k: 1, a: 'x', b: 'p', ws: 0, we: 10 }, 9]]);
  });
});

describe('temporalJoin', () => {
  const temporal = (type = 'inner') => node({ kind: 'temporalJoin', type });

  it('joins each left row with the version current at its time, when the watermark reaches it', () => {
    const h = joinHarness(temporal('left'), left, right);
    feedRight(h, r(1, 'v10', 10), r(1, 'v20', 20));
    feedLeft(h, l(1, 'before-any', 5), l(1, 'at-10', 10), l(1, 'at-19', 19), l(1, 'at-25', 25));
    feedRight(h, r(1, 'v22', 22)); // arrives after the left row at 25, but applies to it
    expect(out(h)).toEqual([]);
    h.processWatermark(19);
    expect(out(h)).toEqual([
      [{ k: 1, a: 'before-any', b: null }, 5],
      [{ k: 1, a: 'at-10', b: 'v10' }, 10],
      [{ k: 1, a: 'at-19', b: 'v10' }, 19],
    ]);
    h.processWatermark(30);
    expect(out(h)).toEqual([[{ k: 1, a: 'at-25', b: 'v22' }, 25]]);
  });

  it('a later right row at the same time replaces the version; inner drops left rows with no version', () => {
    const h = joinHarness(temporal(), left, right);
    feedRight(h, r(1, 'first', 10), r(1, 'replaced', 10));
    feedLeft(h, l(1, 'x', 12), l(1, 'too-early', 3), l(2, 'no-table', 12));
    h.processWatermark(50);
    expect(out(h)).toEqual([[{ k: 1, a: 'x', b: 'replaced' }, 12]]);
  });

  it('keeps only the newest version at or before the watermark (and later ones)', () => {
    const h = joinHarness(temporal(), left, right);
    feedRight(h, r(1, 'v1', 1), r(1, 'v2', 2), r(1, 'v3', 3), r(1, 'v9', 9));
    feedLeft(h, l(1, 'x', 4));
    h.processWatermark(5);
    expect(out(h)).toEqual([[{ k: 1, a: 'x', b: 'v3' }, 4]]);
    const view = (
      h.operator as unknown as { stateView(k: unknown): { versions: Array<{ ts: number }> } }
    ).stateView(1);
    expect(view.versions.map((v) => v.ts)).toEqual([3, 9]);
  });
});

describe('join (regular)', () => {
  it('emits every pair as soon as both rows have arrived, at the later timestamp', () => {
    const h = joinHarness(node({ kind: 'join' }), left, right);
    feedLeft(h, l(1, 'x', 10));
    expect(out(h)).toEqual([]);
    feedRight(h, r(1, 'p', 5), r(1, 'q', 20), r(2, 'other', 1));
    feedLeft(h, l(1, 'y', 7));
    expect(out(h)).toEqual([
      [{ k: 1, a: 'x', b: 'p' }, 10],
      [{ k: 1, a: 'x', b: 'q' }, 20],
      [{ k: 1, a: 'y', b: 'p' }, 7],
      [{ k: 1, a: 'y', b: 'q' }, 20],
    ]);
  });

  it('stateTtlMs: a kept row stops joining once its TTL has passed, and a timer frees the key', () => {
    const clock = new ManualClock(1000);
    const h = joinHarness(node({ kind: 'join', stateTtlMs: 100 }), left, right, { clock });
    feedLeft(h, l(1, 'x', 0));
    h.setProcessingTime(1099);
    feedRight(h, r(1, 'just-in-time', 0));
    expect(out(h)).toEqual([[{ k: 1, a: 'x', b: 'just-in-time' }, 0]]);
    h.setProcessingTime(1100); // x expires (stored at 1000)
    feedRight(h, r(1, 'too-late', 0));
    expect(out(h)).toEqual([]);
    expect(h.operator.numKeys()).toBe(1); // the right rows stored at 1099 and 1100
    h.setProcessingTime(1200);
    expect(h.operator.numKeys()).toBe(0);
  });
});
