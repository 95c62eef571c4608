import { describe, expect, it } from 'vitest';
import { jobMetrics, nodeMetrics } from './test-support';
import { type TimeFigures, timeFigures, windowDiagnosis } from './time-figures';

const T0 = 1_700_000_000_000;

const windowNode = (over: Parameters<typeof nodeMetrics>[0] = {}) =>
  nodeMetrics({
    nodeId: 'win',
    kind: 'window',
    recordsIn: 500,
    watermark: T0 + 58_999,
    maxEventTime: T0 + 60_000,
    inputs: 2,
    openWindows: 1,
    nextFireAt: T0 + 119_999,
    lateSample: [],
    ...over,
  });

const figuresOf = (node: ReturnType<typeof nodeMetrics>, now = T0 + 3_600_000): TimeFigures =>
  timeFigures(jobMetrics(1000, [node]), now)[0]!;

describe('timeFigures', () => {
  it('derives the lags and a window’s figures, and leaves keyBy out', () => {
    const metrics = jobMetrics(1000, [
      nodeMetrics({ nodeId: 'by', kind: 'keyBy' }),
      windowNode({
        lateRowsDropped: 3,
        lateSample: [{ ts: T0 + 1000, watermark: T0 + 58_999 }],
      }),
    ]);
    expect(timeFigures(metrics, T0 + 3_600_000)).toEqual([
      {
        nodeId: 'win',
        kind: 'window',
        recordsIn: 500,
        watermark: T0 + 58_999,
        maxEventTime: T0 + 60_000,
        heldBackMs: 1001,
        behindClockMs: 3_541_001,
        idleInputs: 0,
        inputs: 2,
        rowErrors: 0,
        lastRowError: null,
        window: {
          open: 1,
          nextFireAt: T0 + 119_999,
          untilFireMs: 61_000,
          lateDropped: 3,
          lateSample: [{ ts: T0 + 1000, watermark: T0 + 58_999, behindMs: 57_999 }],
        },
      },
    ]);
  });
});

describe('windowDiagnosis', () => {
  it('says when the next window fires and what holds the watermark back', () => {
    expect(windowDiagnosis(figuresOf(windowNode({ idleInputs: 1 })), 'event', false)).toBe(
      'The next window fires when the watermark reaches 2023-11-14 22:15:19.999Z: 1 min 1 s of event time from now. The watermark is 1 s behind the newest event (the allowed out-of-orderness). 1 of 2 inputs idle: they do not hold the watermark back.',
    );
  });

  it('explains a window that cannot fire: no rows, no watermark, every input idle', () => {
    expect(windowDiagnosis(figuresOf(windowNode({ recordsIn: 0, openWindows: 0 })), 'event', false)).toBe(
      'No rows have arrived yet: a window opens with its first row.',
    );
    expect(windowDiagnosis(figuresOf(windowNode({ watermark: null })), 'event', false)).toBe(
      'No watermark yet: windows fire once the watermark passes their end. Every source upstream needs a watermark and must have read a row; an input that sends nothing holds it back (give such a source an idle timeout).',
    );
    expect(windowDiagnosis(figuresOf(windowNode({ watermark: null, idleInputs: 2 })), 'event', false)).toBe(
      'No watermark yet, and every input is idle: windows fire once a watermark passes their end. 2 of 2 inputs idle: they do not hold the watermark back.',
    );
  });

  it('says what late rows mean and what to do about them', () => {
    const late = windowNode({
      lateRowsDropped: 2626,
      lateSample: [
        { ts: T0 + 50_000, watermark: T0 + 58_999 },
        { ts: T0 + 1000, watermark: T0 + 58_999 },
      ],
    });
    expect(windowDiagnosis(figuresOf(late), 'event', false)).toBe(
      'The next window fires when the watermark reaches 2023-11-14 22:15:19.999Z: 1 min 1 s of event time from now. The watermark is 1 s behind the newest event (the allowed out-of-orderness). 2,626 late rows dropped (the latest up to 57 s behind the watermark): allow more out-of-orderness on the source, allowed lateness on the window, or take them from its late output.',
    );
  });

  it('an ended job, and processing time', () => {
    expect(
      windowDiagnosis(
        figuresOf(windowNode({ openWindows: 0, nextFireAt: null, watermark: null })),
        'event',
        true,
      ),
    ).toBe('The input ended: the final watermark fired every window.');
    expect(
      windowDiagnosis(figuresOf(windowNode({ watermark: null, nextFireAt: T0 + 9999 })), 'processing', false),
    ).toBe('Processing time: the next window fires at 2023-11-14 22:13:29.999Z by the clock.');
    expect(windowDiagnosis(figuresOf(nodeMetrics({ kind: 'map' })), 'event', false)).toBe('');
  });
});
