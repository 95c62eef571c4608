/**
 * `over`, `topN` and `deduplicate` in virtual time: OVER frames at their edges (RANGE and ROWS), rank ties for
 * each ranking function, deduplication with out-of-order rows inside the watermark, late rows, TTL, restore.
 */
import {
  type DeduplicateNode,
  NodeSchema,
  type OverNode,
  type RowSchema,
  type TopNNode,
} from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import type { Row } from '../runtime/elements';
import { keyedHarness, type OperatorHarness } from '../testing/harness';
import { ManualClock } from '../time/index';

const schema: RowSchema = { k: 'string', v: 'int', ts: 'timestamp' };
const row = (k: string, v: number, ts: number): [Row, number] => [{ k, v, ts }, ts];
const feed = (h: OperatorHarness, ...rows: Array<[Row, number]>) => {
  for (const [r, ts] of rows) h.processElement(r, ts);
};
const out = (h: OperatorHarness) => h.emitted.splice(0).map((e) => [e.row, e.ts]);

describe('over', () => {
  const over = (frame: Record<string, number>): OverNode =>
    NodeSchema.parse({
      id: 'o',
      kind: 'over',
      aggregates: { n: 'COUNT(*)', total: 'SUM(v)', hi: 'MAX(v)' },
      ...frame,
    }) as OverNode;

  it('RANGE: the frame is [t − precedingMs, t], both ends included; rows emitted in time order at the watermark', () => {
    const h = keyedHarness(over({ precedingMs: 10 }), schema, ['k']);
    feed(h, row('a', 1, 0), row('a', 4, 20), row('a', 2, 10), row('a', 3, 11), row('b', 100, 10));
    expect(out(h)).toEqual([]);
    h.processWatermark(10);
    expect(out(h)).toEqual([
      [{ k: 'a', v: 1, ts: 0, n: 1, total: 1, hi: 1 }, 0],
      [{ k: 'a', v: 2, ts: 10, n: 2, total: 3, hi: 2 }, 10], // 0 is at the frame's start: included
      [{ k: 'b', v: 100, ts: 10, n: 1, total: 100, hi: 100 }, 10],
    ]);
    h.processWatermark(30);
    expect(out(h)).toEqual([
      [{ k: 'a', v: 3, ts: 11, n: 2, total: 5, hi: 3 }, 11], // [1, 11]: 0 left the frame
      [{ k: 'a', v: 4, ts: 20, n: 3, total: 9, hi: 4 }, 20], // [10, 20]
    ]);
  });

  it('RANGE: rows at the same time share one frame that holds all of them', () => {
    const h = keyedHarness(over({ precedingMs: 0 }), schema, ['k']);
    feed(h, row('a', 1, 5), row('a', 2, 5));
    h.processWatermark(5);
    expect(out(h).map(([r]) => (r as Row).n)).toEqual([2, 2]);
  });

  it('ROWS: the row and the N before it, by time then arrival', () => {
    const h = keyedHarness(over({ precedingRows: 1 }), schema, ['k']);
    feed(h, row('a', 1, 0), row('a', 2, 5), row('a', 3, 5), row('a', 4, 9));
    h.processWatermark(100);
    expect(out(h).map(([r]) => [(r as Row).v, (r as Row).total, (r as Row).n])).toEqual([
      [1, 1, 1],
      [2, 3, 2],
      [3, 5, 2],
      [4, 7, 2],
    ]);
  });

  it("a row at or before the key's last emitted time is late: dropped and counted; old rows leave the state", () => {
    const h = keyedHarness(over({ precedingMs: 10 }), schema, ['k']);
    feed(h, row('a', 1, 10));
    h.processWatermark(10);
    out(h);
    feed(h, row('a', 9, 10), row('a', 9, 3), row('b', 5, 3)); // b has emitted nothing: not late for b
    expect(h.operator.metrics.lateRowsDropped).toBe(2);
    h.processWatermark(40);
    expect(out(h)).toEqual([[{ k: 'b', v: 5, ts: 3, n: 1, total: 5, hi: 5 }, 3]]);
    feed(h, row('a', 2, 45));
    h.processWatermark(45);
    expect(out(h)).toEqual([[{ k: 'a', v: 2, ts: 45, n: 1, total: 2, hi: 2 }, 45]]);
    const view = (h.operator as unknown as { stateView(k: string): { rows: unknown[] } }).stateView('a');
    expect(view.rows).toEqual([{ ts: 45, row: { k: 'a', v: 2, ts: 45 }, emitted: true }]);
  });

  it('restores waiting rows and the frame from a snapshot', () => {
    const h = keyedHarness(over({ precedingMs: 10 }), schema, ['k']);
    feed(h, row('a', 1, 0), row('a', 2, 5));
    h.processWatermark(0);
    out(h);
    const restored = keyedHarness(over({ precedingMs: 10 }), schema, ['k']);
    restored.operator.restoreState(h.snapshot());
    restored.processWatermark(5);
    expect(out(restored)).toEqual([[{ k: 'a', v: 2, ts: 5, n: 2, total: 3, hi: 2 }, 5]]);
  });
});

describe('topN', () => {
  const wschema: RowSchema = { k: 'string', window_start: 'timestamp', window_end: 'timestamp', c: 'int' };
  const top = (n: number, fn: string, rankField?: string): TopNNode =>
    NodeSchema.parse({
      id: 't',
      kind: 'topN',
      n,
      function: fn,
      orderBy: [{ field: 'c', direction: 'desc' }],
      ...(rankField ? { rankField } : {}),
    }) as TopNNode;
  const w = (k: string, c: number | null, end = 10): [Row, number] => [
    { k, window_start: end - 10, window_end: end, c },
    end - 1,
  ];
  const key = ['window_start', 'window_end'];

  it('emits the best n rows of each window when the watermark reaches window_end − 1', () => {
    const h = keyedHarness(top(2, 'row_number', 'rn'), wschema, key);
    feed(h, w('a', 3), w('b', 9), w('c', 5), w('d', 1), w('x', 7, 20));
    h.processWatermark(8);
    expect(out(h)).toEqual([]);
    h.processWatermark(9);
    expect(out(h)).toEqual([
      [{ k: 'b', window_start: 0, window_end: 10, c: 9, rn: 1 }, 9],
      [{ k: 'c', window_start: 0, window_end: 10, c: 5, rn: 2 }, 9],
    ]);
    h.processWatermark(19);
    expect(out(h)).toEqual([[{ k: 'x', window_start: 10, window_end: 20, c: 7, rn: 1 }, 19]]);
  });

  it('ties: row_number in arrival order, rank skips (1, 1, 3), dense_rank does not (1, 1, 2)', () => {
    const ranks = (fn: string, n: number) => {
      const h = keyedHarness(top(n, fn, 'r'), wschema, key);
      feed(h, w('a', 5), w('b', 7), w('c', 7), w('d', 5), w('e', 1));
      h.processWatermark(100);
      return out(h).map(([r]) => `${(r as Row).k}${(r as Row).r}`);
    };
    expect(ranks('row_number', 3)).toEqual(['b1', 'c2', 'a3']);
    expect(ranks('rank', 3)).toEqual(['b1', 'c1', 'a3', 'd3']);
    expect(ranks('rank', 2)).toEqual(['b1', 'c1']);
    expect(ranks('dense_rank', 2)).toEqual(['b1', 'c1', 'a2', 'd2']);
  });

  it('NULL sorts lowest (last when descending); late rows are dropped and counted', () => {
    const h = keyedHarness(top(3, 'row_number'), wschema, key);
    feed(h, w('n', null), w('a', 1));
    h.processWatermark(9);
    expect(out(h).map(([r]) => (r as Row).k)).toEqual(['a', 'n']);
    feed(h, w('late', 100));
    expect(h.operator.metrics.lateRowsDropped).toBe(1);
  });

  it('keeps only what can still rank: n rows for row_number', () => {
    const h = keyedHarness(top(2, 'row_number'), wschema, key);
    for (let i = 0; i < 50; i++) feed(h, w(`k${i}`, i));
    const view = (h.operator as unknown as { stateView(k: string): Array<{ rank: number }> }).stateView(
      JSON.stringify([0, 10]),
    );
    expect(view.map((e) => e.rank)).toEqual([1, 2]);
  });
});

describe('deduplicate', () => {
  const dedup = (ttl = 0): DeduplicateNode =>
    NodeSchema.parse({ id: 'd', kind: 'deduplicate', stateTtlMs: ttl }) as DeduplicateNode;

  it('event time: the row with the smallest timestamp, emitted when the watermark reaches it', () => {
    const h = keyedHarness(dedup(), schema, ['k']);
    feed(h, row('a', 1, 10), row('a', 2, 7), row('a', 3, 7), row('a', 4, 8), row('b', 5, 20));
    expect(out(h)).toEqual([]);
    h.processWatermark(9);
    expect(out(h)).toEqual([[{ k: 'a', v: 2, ts: 7 }, 7]]);
    feed(h, row('a', 6, 1)); // earlier, but a's first row has been emitted: a duplicate
    h.processWatermark(100);
    expect(out(h)).toEqual([[{ k: 'b', v: 5, ts: 20 }, 20]]);
  });

  it('a row behind the watermark is late: dropped and counted, even a key’s earliest or only row (Flink’s RowTimeDeduplicateKeepFirstRowFunction)', () => {
    const h = keyedHarness(dedup(), schema, ['k']);
    feed(h, row('a', 1, 50));
    h.processWatermark(40);
    // a@30 is earlier than the held a@50 but behind the watermark; b's only row is too.
    feed(h, row('a', 2, 30), row('b', 3, 39));
    expect(out(h)).toEqual([]);
    expect(h.operator.metrics.lateRowsDropped).toBe(2);
    // A row exactly at the watermark is not late: it replaces the held a@50 and fires at the next watermark.
    feed(h, row('a', 4, 40), row('c', 5, 40));
    expect(out(h)).toEqual([]);
    h.processWatermark(41);
    expect(out(h)).toEqual([
      [{ k: 'a', v: 4, ts: 40 }, 40],
      [{ k: 'c', v: 5, ts: 40 }, 40],
    ]);
    h.processWatermark(100);
    expect(out(h)).toEqual([]);
    expect(h.operator.metrics.lateRowsDropped).toBe(2);
  });

  it('without a watermark: by arrival; stateTtlMs forgets the key after the TTL', () => {
    const clock = new ManualClock(0);
    const h = keyedHarness(dedup(100), schema, ['k'], { eventTime: false, clock });
    feed(h, row('a', 1, 5), row('a', 2, 1));
    expect(out(h)).toEqual([[{ k: 'a', v: 1, ts: 5 }, 5]]);
    h.setProcessingTime(99);
    feed(h, row('a', 3, 1));
    expect(out(h)).toEqual([]);
    h.setProcessingTime(100);
    expect(h.operator.numKeys()).toBe(0);
    feed(h, row('a', 4, 1));
    expect(out(h)).toEqual([[{ k: 'a', v: 4, ts: 1 }, 1]]);
  });
});
