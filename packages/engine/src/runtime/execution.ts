import { hasEventTime, type JobNode, type SourceNode, type SpecAnalysis } from '@flowstate/spec';
import type { FileAccess } from '../connectors/file-access';
import { createSplitReader, type RowErrorReport } from '../connectors/index';
import { RollingAggregateOperator } from '../operators/aggregate';
import { DeduplicateOperator } from '../operators/deduplicate';
import { IntervalJoinOperator } from '../operators/joins/interval-join';
import { RegularJoinOperator } from '../operators/joins/regular-join';
import { TemporalJoinOperator } from '../operators/joins/temporal-join';
import { WindowJoinOperator } from '../operators/joins/window-join';
import { KeyedOperator } from '../operators/keyed';
import { OverOperator } from '../operators/over';
import { createSinkOperator } from '../operators/sinks';
import { FilterOperator, FlatMapOperator, MapOperator } from '../operators/stateless';
import { TopNOperator } from '../operators/top-n';
import { WindowOperator } from '../operators/window';
import type { JobVertex, PhysicalPlan } from '../plan/plan';
import type { StateBackendConfig } from '../state/backendFactory';
import { KeyGroupRangeAssignment } from '../state/index';
import type { Clock } from '../time/index';
import { Channel } from './channel';
import type { CollectStore } from './collect';
import { describeRow, type RuntimeContext } from './context';
import type { Row } from './elements';
import { InputGate } from './gate';
import { type OperatorRestore, type RowError, readOperatorState, type StreamOperator } from './operator';
import { SOURCE_STATE, type SourceSplitState } from './source-state';
import {
  OperatorChain,
  type SnapshotListener,
  type SourceMetrics,
  type SourceSplit,
  SourceTask,
  StreamTask,
  type Task,
} from './task';
import { RecordWriter } from './writer';

export interface Subtask {
  vertex: JobVertex;
  index: number;
  task: Task;
  operators: Map<string, StreamOperator>;
}

/** Per node, per new subtask: what to restore (see checkpoint/restore.ts). */
export type RestoreData = Map<string, OperatorRestore[]>;

export interface ExecutionEnv {
  analysis: SpecAnalysis;
  plan: PhysicalPlan;
  clock: Clock;
  attempt: number;
  files: FileAccess;
  batchSize: number;
  channelCapacity: number;
  reportRowError(e: RowError): void;
  collectStore(nodeId: string): CollectStore;
  writeConsole(text: string): void;
  onSnapshot: SnapshotListener;
  /** Which keyed state backend keyed operators use (default: heap). */
  stateBackend?: StateBackendConfig;
  /** Restore keyed state only: no source reader, no sink or other operator opened (state inspection). */
  inspectOnly?: boolean;
  /** Test hook: wraps an operator (failure injection). */
  wrapOperator?: (op: StreamOperator) => StreamOperator;
}

/**
 * One execution attempt of a job: the physical plan instantiated as subtasks with channels between them,
 * operators created (and restored, when `restore` is given), source splits assigned. A restart or a restore
 * builds a new Execution; the Job outlives them.
 */
export class Execution {
  readonly subtasks: Subtask[] = [];

  constructor(
    private readonly env: ExecutionEnv,
    restore?: RestoreData,
  ) {
    this.build(restore);
  }

  get tasks(): Task[] {
    return this.subtasks.map((s) => s.task);
  }

  get finished(): boolean {
    for (const st of this.subtasks) if (!st.task.finished) return false;
    return true;
  }

  *operators(): Iterable<StreamOperator> {
    for (const st of this.subtasks) yield* st.operators.values();
  }

  private build(restore: RestoreData | undefined): void {
    const { plan, env } = { plan: this.env.plan, env: this.env };
    const maxP = plan.maxParallelism;
    // Channels: consumer vertex → subtask → its input channels; producer edge → subtask → writer's channels.
    const vertexById = new Map(plan.vertices.map((v) => [v.id, v]));
    const inputsOf = new Map<string, Channel[][]>();
    /** Parallel to inputsOf: the input (0 left/only, 1 right) each channel feeds. */
    const sidesOf = new Map<string, number[][]>();
    for (const v of plan.vertices) {
      inputsOf.set(
        v.id,
        Array.from({ length: v.parallelism }, () => []),
      );
      sidesOf.set(
        v.id,
        Array.from({ length: v.parallelism }, () => []),
      );
    }
    const writerChannels: Channel[][][] = plan.edges.map((e) => {
      const from = vertexById.get(e.from)!;
      const to = vertexById.get(e.to)!;
      const perProducer: Channel[][] = [];
      for (let i = 0; i < from.parallelism; i++) {
        const chans: Channel[] = [];
        const targets =
          e.partitioning === 'forward' ? [i] : Array.from({ length: to.parallelism }, (_, j) => j);
        for (const j of targets) {
          const ch = new Channel(`${e.fromOperator}[${i}]→${e.toOperator}[${j}]`, env.channelCapacity);
          inputsOf.get(to.id)![j]!.push(ch);
          sidesOf.get(to.id)![j]!.push(e.input === 'right' ? 1 : 0);
          chans.push(ch);
        }
        perProducer.push(chans);
      }
      return perProducer;
    });

    for (const v of plan.vertices) {
      for (let s = 0; s < v.parallelism; s++) {
        const mainWriters: RecordWriter[] = [];
        const lateWriters: RecordWriter[] = [];
        plan.edges.forEach((e, idx) => {
          if (e.from !== v.id) return;
          const w = new RecordWriter(
            e.partitioning,
            writerChannels[idx]![s]!,
            e.keyFields,
            maxP,
            env.batchSize,
            s,
          );
          (e.port === 'late' ? lateWriters : mainWriters).push(w);
        });
        const operators = new Map<string, StreamOperator>();
        const chainOps: StreamOperator[] = [];
        for (const lop of v.operators) {
          if (lop.node.kind === 'source') continue;
          let op = this.createOperator(lop.node, v, s, lop.keyFields, lop.sideKeys);
          if (env.wrapOperator) op = env.wrapOperator(op);
          // Opened here (state descriptors registered), then restored. Inspection opens keyed operators only.
          if (!env.inspectOnly || op instanceof KeyedOperator) {
            op.open();
            const r = restore?.get(lop.id)?.[s];
            if (r) op.restoreState(r);
          }
          operators.set(lop.id, op);
          chainOps.push(op);
        }
        const chain = new OperatorChain(chainOps, mainWriters, lateWriters);
        let task: Task;
        if (v.isSource) {
          const node = v.operators[0]!.node as SourceNode;
          const metrics: SourceMetrics = {
            recordsOut: 0,
            rowErrors: 0,
            currentWatermark: Number.NEGATIVE_INFINITY,
          };
          const splits = env.inspectOnly ? [] : this.sourceSplits(node, v, s, restore?.get(node.id), metrics);
          task = new SourceTask(
            v.id,
            s,
            chain,
            env.clock,
            env.onSnapshot,
            node,
            splits,
            (row) =>
              env.reportRowError({
                nodeId: node.id,
                subtask: s,
                code: 'BAD_TIMESTAMP',
                message: `the watermark's timestamp field '${node.watermark?.timestampField}' is NULL or not a number`,
                position: describeRow(row),
              }),
            metrics,
          );
        } else {
          task = new StreamTask(
            v.id,
            s,
            chain,
            env.clock,
            env.onSnapshot,
            new InputGate(inputsOf.get(v.id)![s]!, sidesOf.get(v.id)![s]!),
          );
        }
        this.subtasks.push({ vertex: v, index: s, task, operators });
      }
    }
  }

  /**
   * The splits a source subtask reads: on a fresh start, split s of p; on a restore, the checkpoint's splits
   * (any parallelism) dealt out by split number, each resumed at its recorded position.
   */
  private sourceSplits(
    node: SourceNode,
    v: JobVertex,
    s: number,
    restore: OperatorRestore[] | undefined,
    metrics: SourceMetrics,
  ): SourceSplit[] {
    const env = this.env;
    const schema = env.analysis.nodes.get(node.id)!.outputSchema;
    const strict = env.analysis.spec.settings.rowErrors === 'fail';
    const reader = (split: number, of: number) =>
      createSplitReader(node.connector, schema, {
        subtask: split,
        parallelism: of,
        nowMs: () => env.clock.now(),
        files: env.files,
        strict,
        onError: (r: RowErrorReport) => {
          metrics.rowErrors++;
          env.reportRowError({
            nodeId: node.id,
            subtask: s,
            code: 'PARSE_FAILED',
            message: r.message,
            position: r.position,
          });
        },
      });
    const r = restore?.[s];
    if (!r || r.operatorStates.length === 0) {
      return [
        {
          split: s,
          of: v.parallelism,
          reader: reader(s, v.parallelism),
          maxTs: Number.NEGATIVE_INFINITY,
          sinceWm: 0,
        },
      ];
    }
    const all: SourceSplitState[] = [];
    for (const o of r.operatorStates) all.push(...readOperatorState(SOURCE_STATE, node.id, o).state.splits);
    all.sort((a, b) => a.split - b.split);
    return all
      .filter((_, i) => i % v.parallelism === s)
      .map((st) => {
        const rd = reader(st.split, st.of);
        rd.seek(st.position);
        return {
          split: st.split,
          of: st.of,
          reader: rd,
          maxTs: st.maxTs ?? Number.NEGATIVE_INFINITY,
          sinceWm: 0,
        };
      });
  }

  context(node: JobNode, v: JobVertex, subtask: number): RuntimeContext {
    const env = this.env;
    const info = env.analysis.nodes.get(node.id)!;
    const maxP = env.plan.maxParallelism;
    return {
      jobName: env.analysis.spec.name,
      nodeId: node.id,
      attempt: env.attempt,
      subtask,
      parallelism: v.parallelism,
      maxParallelism: maxP,
      keyGroupRange: KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
        maxP,
        v.parallelism,
        subtask,
      ),
      clock: env.clock,
      files: env.files,
      analysis: env.analysis,
      inputSchema: info.inputSchema ?? info.outputSchema,
      strict: env.analysis.spec.settings.rowErrors === 'fail',
      ...(env.stateBackend ? { stateBackend: env.stateBackend } : {}),
      reportRowError: (e) => env.reportRowError(e),
      collectStore: (id) => env.collectStore(id),
      writeConsole: (t) => env.writeConsole(t),
    };
  }

  private createOperator(
    node: JobNode,
    v: JobVertex,
    subtask: number,
    keyFields: readonly string[] | null,
    sideKeys: { left: readonly string[]; right: readonly string[] } | undefined,
  ): StreamOperator {
    const ctx = this.context(node, v, subtask);
    const sides = () => {
      if (sideKeys === undefined) throw new Error(`internal: join '${node.id}' has no side keys in the plan`);
      return [sideKeys.left, sideKeys.right] as const;
    };
    switch (node.kind) {
      case 'map':
        return new MapOperator(node, ctx);
      case 'filter':
        return new FilterOperator(node, ctx);
      case 'flatMap':
        return new FlatMapOperator(node, ctx);
      case 'window':
        return new WindowOperator(node, ctx, keyFields ?? []);
      case 'aggregate':
        return new RollingAggregateOperator(node, ctx, keyFields ?? []);
      case 'sink':
        return createSinkOperator(node, ctx);
      case 'intervalJoin':
        return new IntervalJoinOperator(node, ctx, ...sides());
      case 'windowJoin':
        return new WindowJoinOperator(node, ctx, ...sides());
      case 'temporalJoin':
        return new TemporalJoinOperator(node, ctx, ...sides());
      case 'join':
        return new RegularJoinOperator(node, ctx, ...sides());
      case 'over':
        return new OverOperator(node, ctx, keyFields ?? []);
      case 'topN':
        return new TopNOperator(node, ctx, keyFields ?? []);
      case 'deduplicate':
        return new DeduplicateOperator(node, ctx, keyFields ?? [], hasEventTime(this.env.analysis, node.id));
      case 'source':
      case 'keyBy':
        throw new Error(`internal: ${node.kind} '${node.id}' is not a chained operator`);
    }
  }

  /** One scheduling round over every task; true when any task did work. */
  round(budget: number): boolean {
    let did = false;
    for (let i = 0; i < this.subtasks.length; i++) if (this.subtasks[i]!.task.step(budget)) did = true;
    return did;
  }

  /** Earliest clock time at which a task has timed work. */
  wakeAt(): number | undefined {
    let t: number | undefined;
    for (const st of this.subtasks) {
      const w = st.task.wakeAt();
      if (w !== undefined && (t === undefined || w < t)) t = w;
    }
    return t;
  }

  close(): void {
    for (const op of this.operators()) {
      try {
        op.close();
      } catch {
        // closing is best effort
      }
    }
  }
}

export type { Row };
