import type {
  AggregateNode,
  DeduplicateNode,
  JobNode,
  JoinNode,
  OverNode,
  RowSchema,
  SinkNode,
  SpecAnalysis,
  TopNNode,
  WindowNode,
} from '@flowstate/spec';
import { openFileAccess } from '../connectors/file-access';
import { RollingAggregateOperator } from '../operators/aggregate';
import { DeduplicateOperator } from '../operators/deduplicate';
import { IntervalJoinOperator } from '../operators/joins/interval-join';
import { RegularJoinOperator } from '../operators/joins/regular-join';
import { TemporalJoinOperator } from '../operators/joins/temporal-join';
import { WindowJoinOperator } from '../operators/joins/window-join';
import { OverOperator } from '../operators/over';
import { createSinkOperator } from '../operators/sinks';
import { TopNOperator } from '../operators/top-n';
import { WindowOperator } from '../operators/window';
import { CollectStore } from '../runtime/collect';
import type { RuntimeContext } from '../runtime/context';
import type { Row } from '../runtime/elements';
import {
  Collector,
  isTwoInput,
  type OperatorRestore,
  type RowError,
  type StreamOperator,
} from '../runtime/operator';
import { KeyGroupRangeAssignment } from '../state/index';
import { ManualClock } from '../time/index';

/**
 * Flink's `OneInputStreamOperatorTestHarness`, for virtual-time tests: feed rows with timestamps and
 * watermarks to one operator, read what it emitted (and its late side output). Nothing sleeps.
 */
export class OperatorHarness {
  readonly clock: ManualClock;
  readonly errors: RowError[] = [];
  private readonly out = new Collector();
  readonly emitted: Array<{ row: Row; ts: number }> = [];
  readonly lateRows: Array<{ row: Row; ts: number }> = [];
  readonly watermarks: number[] = [];

  constructor(
    readonly operator: StreamOperator,
    clock: ManualClock,
    lateOutput = true,
  ) {
    this.clock = clock;
    if (lateOutput) this.out.late = new Collector();
    operator.open();
  }

  private drain(): void {
    const b = this.out.take();
    for (let i = 0; i < b.rows.length; i++) this.emitted.push({ row: b.rows[i]!, ts: b.ts[i]! });
    if (!this.out.late) return;
    const l = this.out.late.take();
    for (let i = 0; i < l.rows.length; i++) this.lateRows.push({ row: l.rows[i]!, ts: l.ts[i]! });
  }

  processElement(row: Row, ts: number): this {
    this.operator.processBatch([row], [ts], this.out);
    this.drain();
    return this;
  }

  /** A row of a two-input operator's second (right) input. */
  processElement2(row: Row, ts: number): this {
    if (!isTwoInput(this.operator)) throw new Error('processElement2: the operator has one input');
    this.operator.processBatch2([row], [ts], this.out);
    this.drain();
    return this;
  }

  processElements(rows: Array<[Row, number]>): this {
    this.operator.processBatch(
      rows.map((r) => r[0]),
      rows.map((r) => r[1]),
      this.out,
    );
    this.drain();
    return this;
  }

  processWatermark(wm: number): this {
    this.operator.processWatermark(wm, this.out);
    this.watermarks.push(wm);
    this.drain();
    return this;
  }

  setProcessingTime(now: number): this {
    this.clock.set(now);
    const due = this.operator.nextProcessingTime();
    if (due !== undefined && due <= now) {
      this.operator.onProcessingTime(now, this.out);
      this.drain();
    }
    return this;
  }

  endInput(): this {
    this.operator.endInput(this.out);
    this.drain();
    return this;
  }

  /** Emitted rows since the last call (and forgets them). */
  takeOutput(): Row[] {
    return this.emitted.splice(0).map((e) => e.row);
  }

  /** Takes a snapshot and materializes it into what a restore reads (through JSON, as a checkpoint file would). */
  snapshot(checkpointId = 1): OperatorRestore {
    const s = this.operator.snapshotState(checkpointId);
    const keyed = s?.keyed ? s.keyed.result() : undefined;
    s?.keyed?.release();
    const r: OperatorRestore = {
      checkpointId,
      keyed: keyed ? [keyed] : [],
      timers: s?.timers ? [s.timers] : [],
      operatorStates:
        s?.operatorState !== undefined ? [{ subtask: 0, parallelism: 1, state: s.operatorState }] : [],
    };
    return JSON.parse(JSON.stringify(r)) as OperatorRestore;
  }
}

function context(
  node: JobNode,
  inputSchema: RowSchema,
  clock: ManualClock,
  errors: RowError[],
  opts: HarnessOptions,
  analysis: SpecAnalysis = {} as SpecAnalysis,
): RuntimeContext {
  const maxP = opts.maxParallelism ?? 128;
  const parallelism = opts.parallelism ?? 1;
  const subtask = opts.subtask ?? 0;
  return {
    jobName: 'test',
    nodeId: node.id,
    attempt: 0,
    subtask,
    parallelism,
    maxParallelism: maxP,
    keyGroupRange: KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(maxP, parallelism, subtask),
    clock,
    files: openFileAccess(opts.baseDir ?? '.'),
    analysis,
    inputSchema,
    strict: opts.strict ?? false,
    reportRowError: (e) => errors.push(e),
    collectStore: () => new CollectStore(1000),
    writeConsole: () => {},
  };
}

export interface HarnessOptions {
  maxParallelism?: number;
  parallelism?: number;
  subtask?: number;
  strict?: boolean;
  clock?: ManualClock;
  /** Whether a `late` edge takes late rows (default true); without one they are dropped and counted. */
  lateOutput?: boolean;
  /** The directory relative paths of connectors resolve against (default: the working directory). */
  baseDir?: string;
}

export function windowHarness(
  node: WindowNode,
  inputSchema: RowSchema,
  keyFields: string[],
  opts: HarnessOptions = {},
): OperatorHarness {
  const clock = opts.clock ?? new ManualClock(0);
  const errors: RowError[] = [];
  const op = new WindowOperator(node, context(node, inputSchema, clock, errors, opts), keyFields);
  return Object.assign(new OperatorHarness(op, clock, opts.lateOutput ?? true), { errors });
}

export function aggregateHarness(
  node: AggregateNode,
  inputSchema: RowSchema,
  keyFields: string[],
  opts: HarnessOptions = {},
): OperatorHarness {
  const clock = opts.clock ?? new ManualClock(0);
  const errors: RowError[] = [];
  const op = new RollingAggregateOperator(node, context(node, inputSchema, clock, errors, opts), keyFields);
  return Object.assign(new OperatorHarness(op, clock), { errors });
}

export function sinkHarness(
  node: SinkNode,
  inputSchema: RowSchema,
  opts: HarnessOptions = {},
): OperatorHarness {
  const clock = opts.clock ?? new ManualClock(0);
  const errors: RowError[] = [];
  const op = createSinkOperator(node, context(node, inputSchema, clock, errors, opts));
  return Object.assign(new OperatorHarness(op, clock, false), { errors });
}

/** Flink's `KeyedTwoInputStreamOperatorTestHarness`: a join, fed with `processElement` (left) and `processElement2` (right). */
export function joinHarness(
  node: JoinNode,
  left: { schema: RowSchema; key: string[] },
  right: { schema: RowSchema; key: string[] },
  opts: HarnessOptions = {},
): OperatorHarness {
  const clock = opts.clock ?? new ManualClock(0);
  const errors: RowError[] = [];
  const sides = {
    left: { schema: left.schema, keyFields: left.key },
    right: { schema: right.schema, keyFields: right.key },
  };
  const analysis = { nodes: new Map([[node.id, { node, sides }]]) } as unknown as SpecAnalysis;
  const ctx = context(node, {}, clock, errors, opts, analysis);
  const op = (() => {
    switch (node.kind) {
      case 'intervalJoin':
        return new IntervalJoinOperator(node, ctx, left.key, right.key);
      case 'windowJoin':
        return new WindowJoinOperator(node, ctx, left.key, right.key);
      case 'temporalJoin':
        return new TemporalJoinOperator(node, ctx, left.key, right.key);
      case 'join':
        return new RegularJoinOperator(node, ctx, left.key, right.key);
    }
  })();
  return Object.assign(new OperatorHarness(op, clock), { errors });
}

/** A harness for the keyed one-input process operators: `over`, `topN`, `deduplicate`. */
export function keyedHarness(
  node: OverNode | TopNNode | DeduplicateNode,
  inputSchema: RowSchema,
  keyFields: string[],
  opts: HarnessOptions & { eventTime?: boolean } = {},
): OperatorHarness {
  const clock = opts.clock ?? new ManualClock(0);
  const errors: RowError[] = [];
  const ctx = context(node, inputSchema, clock, errors, opts);
  const op =
    node.kind === 'over'
      ? new OverOperator(node, ctx, keyFields)
      : node.kind === 'topN'
        ? new TopNOperator(node, ctx, keyFields)
        : new DeduplicateOperator(node, ctx, keyFields, opts.eventTime ?? true);
  return Object.assign(new OperatorHarness(op, clock), { errors });
}
