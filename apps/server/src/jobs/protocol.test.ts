import type { JobMetrics, NodeMetrics } from '@flowstate/engine';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { toWireError } from './errors';
import { toJsonSafe } from './json-safe';
import {
  CommandSchema,
  type ManagedJobMetrics,
  ManagerEventSchema,
  RequestSchema,
  WorkerInitSchema,
  WorkerMessageSchema,
} from './protocol';

describe('toJsonSafe', () => {
  it('turns what JSON cannot carry into null, the same as it would arrive over a socket', () => {
    const input = {
      watermark: Number.NEGATIVE_INFINITY,
      end: Number.POSITIVE_INFINITY,
      ratio: Number.NaN,
      missing: undefined,
      list: [1, undefined, Number.POSITIVE_INFINITY, 'x', null, true],
      nested: { deep: [{ w: Number.NEGATIVE_INFINITY }] },
      map: new Map<string, unknown>([['a', 1]]),
      big: 12n,
    };
    const out = toJsonSafe(input);
    expect(out).toEqual({
      watermark: null,
      end: null,
      ratio: null,
      missing: null,
      list: [1, null, null, 'x', null, true],
      nested: { deep: [{ w: null }] },
      map: { a: 1 },
      big: '12',
    });
    // What a socket delivers is what postMessage delivered.
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
    // The input is untouched.
    expect(input.watermark).toBe(Number.NEGATIVE_INFINITY);
    expect(toJsonSafe(undefined)).toBeNull();
    expect(toJsonSafe(-0)).toBe(-0);
  });
});

describe('protocol schemas', () => {
  it('the metrics shape is the engine JobMetrics with JSON-safe watermarks', () => {
    type SafeNode = { [K in keyof NodeMetrics]: K extends 'watermark' ? number | null : NodeMetrics[K] };
    type Safe = { [K in keyof JobMetrics]: K extends 'nodes' ? SafeNode[] : JobMetrics[K] };
    expectTypeOf<ManagedJobMetrics>().toEqualTypeOf<Safe>();
  });

  it('events: non-finite numbers are not accepted (they must have been made null)', () => {
    const node = {
      nodeId: 'n',
      kind: 'aggregate',
      parallelism: 1,
      recordsIn: 1,
      recordsOut: 1,
      rowErrors: 0,
      lateRowsDropped: 0,
      watermark: null as number | null,
      numKeys: 1,
      backpressureMs: 0,
      recordsInPerSec: 0,
      recordsOutPerSec: 0,
      maxEventTime: null as number | null,
      idleInputs: 0,
      inputs: 1,
      lastRowError: null,
      totalRecordsIn: 1,
      totalRecordsOut: 1,
    };
    const metrics = {
      status: 'running',
      startedAt: 1,
      uptimeMs: 1,
      restarts: 0,
      rowErrors: 0,
      countersSince: { cause: 'start', at: 1, checkpointId: null },
      nodes: [node],
    };
    expect(ManagerEventSchema.safeParse({ type: 'metrics', jobId: 'j', metrics }).success).toBe(true);
    node.watermark = Number.NEGATIVE_INFINITY;
    expect(ManagerEventSchema.safeParse({ type: 'metrics', jobId: 'j', metrics }).success).toBe(false);
    expect(
      ManagerEventSchema.safeParse({ type: 'metrics', jobId: 'j', metrics: toJsonSafe(metrics) }).success,
    ).toBe(true);
  });

  it('rejects malformed messages both ways', () => {
    expect(RequestSchema.safeParse({ kind: 'request', id: 1, command: { cmd: 'stop' } }).success).toBe(false);
    expect(RequestSchema.safeParse({ kind: 'request', id: -1, command: { cmd: 'metrics' } }).success).toBe(
      false,
    );
    expect(CommandSchema.safeParse({ cmd: 'stateOfKey', nodeId: 'n', key: { a: 1 } }).success).toBe(false);
    expect(CommandSchema.safeParse({ cmd: 'rm -rf' }).success).toBe(false);
    expect(
      WorkerMessageSchema.safeParse({ kind: 'response', id: 1, ok: false, error: { code: 'NOPE' } }).success,
    ).toBe(false);
    expect(
      WorkerMessageSchema.safeParse({ kind: 'event', event: { type: 'status', jobId: 'j' } }).success,
    ).toBe(false);
    expect(WorkerInitSchema.safeParse({ mode: 'job', jobId: 'j' }).success).toBe(false);
  });

  it('worker errors cross with a stable code', () => {
    expect(toWireError(new Error('x'))).toEqual({ code: 'FAILED', message: 'x' });
    expect(toWireError('plain')).toEqual({ code: 'FAILED', message: 'plain' });
  });
});
