import { describe, expect, it } from 'vitest';
import {
  backpressureLevel,
  backpressureRatio,
  compactPositions,
  figureLines,
  nodeFigures,
  runRowHeight,
} from './graph-metrics';
import { jobMetrics, nodeMetrics } from './test-support';

const node = nodeMetrics;
const sample = jobMetrics;

describe('backpressure', () => {
  it('is the share of the interval each subtask spent blocked', () => {
    expect(backpressureRatio({ backpressureMs: 100 }, node({ backpressureMs: 600 }), 1000)).toBe(0.5);
    // Four subtasks blocked 200 ms each in one second: 20 % each.
    expect(
      backpressureRatio({ backpressureMs: 0 }, node({ backpressureMs: 800, parallelism: 4 }), 1000),
    ).toBe(0.2);
    expect(backpressureRatio({ backpressureMs: 0 }, node({ backpressureMs: 5000 }), 1000)).toBe(1);
  });

  it('cannot be told without a previous sample, without elapsed time, or after a reset', () => {
    expect(backpressureRatio(undefined, node({ backpressureMs: 10 }), 1000)).toBeNull();
    expect(backpressureRatio({ backpressureMs: 0 }, node({ backpressureMs: 10 }), 0)).toBeNull();
    expect(backpressureRatio({ backpressureMs: 900 }, node({ backpressureMs: 10 }), 1000)).toBeNull();
  });

  it('has Flink’s levels', () => {
    expect(backpressureLevel(0)).toBe('ok');
    expect(backpressureLevel(0.1)).toBe('ok');
    expect(backpressureLevel(0.11)).toBe('low');
    expect(backpressureLevel(0.5)).toBe('low');
    expect(backpressureLevel(0.51)).toBe('high');
  });
});

describe('nodeFigures', () => {
  it('takes rates from the newest sample and backpressure from the two', () => {
    const prev = sample(1000, [node({ nodeId: 'a', backpressureMs: 0 })]);
    const cur = sample(2000, [node({ nodeId: 'a', backpressureMs: 700, recordsInPerSec: 42, watermark: 5 })]);
    const a = nodeFigures(prev, cur).get('a')!;
    expect(a.recordsInPerSec).toBe(42);
    expect(a.watermark).toBe(5);
    expect(a.backpressure).toBeCloseTo(0.7);
    expect(a.level).toBe('high');
  });

  it('passes a disk-backed node’s state size on disk through; null for any other', () => {
    const cur = sample(2000, [node({ nodeId: 'agg', stateBytesOnDisk: 225_360 }), node({ nodeId: 'map' })]);
    const figures = nodeFigures(null, cur);
    expect(figures.get('agg')!.stateBytesOnDisk).toBe(225_360);
    expect(figures.get('map')!.stateBytesOnDisk).toBeNull();
  });

  it('does not compare samples of different runs of the engine', () => {
    const prev = sample(5000, [node({ nodeId: 'a' })], 1000);
    const cur = sample(1000, [node({ nodeId: 'a', backpressureMs: 10 })], 9000);
    expect(nodeFigures(prev, cur).get('a')!.backpressure).toBeNull();
    expect(nodeFigures(null, cur).get('a')!.level).toBeNull();
    expect(nodeFigures(null, null).size).toBe(0);
  });
});

describe('compactPositions', () => {
  it('keeps the editor’s order of columns and rows, a node’s width and a gap apart', () => {
    const positions = compactPositions(
      [
        { id: 'a', position: { x: 0, y: 0 } },
        { id: 'b', position: { x: 260, y: -56 } },
        { id: 'c', position: { x: 260, y: 56 } },
        { id: 'd', position: { x: 905, y: 3 } },
      ],
      120,
    );
    expect(Object.fromEntries(positions)).toEqual({
      a: { x: 0, y: 144 },
      b: { x: 236, y: 0 },
      c: { x: 236, y: 288 },
      d: { x: 472, y: 144 },
    });
  });
});

describe('figureLines and runRowHeight', () => {
  const base = {
    recordsInPerSec: 1,
    recordsOutPerSec: 1,
    watermark: null,
    idleInputs: 0,
    inputs: 1,
    numKeys: 0,
    stateBytesOnDisk: null,
    backpressure: null,
    level: null,
    rowErrors: 0,
    lateRowsDropped: 0,
    totalRecordsIn: 1,
    totalRecordsOut: 1,
  };
  it('counts the lines a node box shows: rows and backpressure always, the rest when they say something', () => {
    expect(figureLines(base, 0)).toBe(2);
    const all = { ...base, watermark: 5, idleInputs: 1, numKeys: 3, stateBytesOnDisk: 0, rowErrors: 2 };
    expect(figureLines(all, 4)).toBe(8);
  });
  it('keeps rows at least six lines tall, and grows them for a box with more', () => {
    expect(runRowHeight(0)).toBe(166);
    expect(runRowHeight(6)).toBe(166);
    expect(runRowHeight(7)).toBe(184);
    expect(runRowHeight(8)).toBe(202);
  });
});
