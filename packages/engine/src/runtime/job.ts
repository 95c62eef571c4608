import {
  type JobNode,
  type Problem,
  type SourceNode,
  type SpecAnalysis,
  validateSpec,
} from '@flowstate/spec';
import { createSplitReader } from '../connectors/index';
import { RollingAggregateOperator } from '../operators/aggregate';
import { KeyedOperator } from '../operators/keyed';
import { createSinkOperator } from '../operators/sinks';
import { FilterOperator, FlatMapOperator, MapOperator } from '../operators/stateless';
import { WindowOperator } from '../operators/window';
import { buildPlan, type JobVertex, type PhysicalPlan } from '../plan/plan';
import { type Key, type KeyedStateBackend, KeyGroupRangeAssignment } from '../state/index';
import { type Clock, systemClock } from '../time/index';
import { Channel } from './channel';
import { CollectStore } from './collect';
import { describeRow, type RuntimeContext } from './context';
import type { Row } from './elements';
import { InputGate } from './gate';
import type { RowError, StreamOperator } from './operator';
import { OperatorChain, type SnapshotListener, SourceTask, StreamTask, type Task } from './task';
import { RecordWriter } from './writer';

export type JobStatus = 'created' | 'running' | 'finished' | 'failed' | 'cancelled';

export interface JobOptions {
  /** Processing time and rate limits come from this clock (tests pass a ManualClock). */
  clock?: Clock;
  /** Relative connector paths resolve against this directory. */
  baseDir?: string;
  /** Overrides every node's parallelism (`flowstate run --parallelism N`). */
  parallelism?: number;
  /** Rows per batch (default 1024). */
  batchSize?: number;
  /** Rows a channel holds before its producer is backpressured (default 4 × batchSize). */
  channelCapacity?: number;
  /** Console sinks write here (default: process.stdout when it exists). */
  writeConsole?: (text: string) => void;
  onRowError?: (e: RowError) => void;
  /** Work done between two yields to the event loop, in ms (default 8). */
  sliceMs?: number;
}

/** A spec that did not validate: the job cannot be created. */
export class JobSpecError extends Error {
  constructor(readonly problems: Problem[]) {
    super(
      `the job spec is not valid:\n${problems.map((p) => `  ${p.path || '/'}: ${p.message}`).join('\n')}`,
    );
    this.name = 'JobSpecError';
  }
}

export interface NodeMetrics {
  nodeId: string;
  kind: JobNode['kind'];
  parallelism: number;
  recordsIn: number;
  recordsOut: number;
  rowErrors: number;
  lateRowsDropped: number;
  /** Minimum over the node's subtasks; -Infinity before the first watermark. */
  watermark: number;
  /** Keyed nodes: keys in state over all subtasks. */
  numKeys: number;
  /** ms its tasks spent unable to emit because a consumer was full. */
  backpressureMs: number;
}

export interface JobMetrics {
  status: JobStatus;
  startedAt: number;
  /** Wall-clock ms since start (from the job's clock). */
  uptimeMs: number;
  nodes: NodeMetrics[];
  rowErrors: number;
}

export interface JobResult {
  status: JobStatus;
  error?: Error;
  metrics: JobMetrics;
}

interface Subtask {
  vertex: JobVertex;
  index: number;
  task: Task;
  operators: Map<string, StreamOperator>;
}

const yieldToEventLoop: () => Promise<void> =
  typeof setImmediate === 'function'
    ? () => new Promise((r) => setImmediate(r))
    : () => new Promise((r) => setTimeout(r, 0));

/**
 * A running job: the physical plan instantiated as subtasks with channels between them, and a cooperative
 * scheduler. Each round gives every task (sources first) a budget of rows; between slices of `sliceMs` the job
 * yields to the event loop, so the host process stays responsive. Backpressure is structural: a task whose
 * consumers' channels are full does not run.
 */
export class Job {
  readonly plan: PhysicalPlan;
  readonly analysis: SpecAnalysis;
  readonly clock: Clock;
  private readonly opts: Required<Pick<JobOptions, 'batchSize' | 'channelCapacity' | 'sliceMs' | 'baseDir'>>;
  private readonly subtasks: Subtask[] = [];
  private readonly collects = new Map<string, CollectStore>();
  private _status: JobStatus = 'created';
  private cancelRequested = false;
  private startedAt = 0;
  private rowErrorCount = 0;
  /** The most recent row errors (at most 100). */
  readonly recentRowErrors: RowError[] = [];
  private error: Error | undefined;
  private runPromise: Promise<JobResult> | null = null;
  private readonly writeConsole: (s: string) => void;
  private readonly onRowError: ((e: RowError) => void) | undefined;
  private onSnapshot: SnapshotListener = () => {};

  /** Validates the spec (throws JobSpecError) and builds the job. */
  static fromSpec(input: unknown, opts: JobOptions = {}): Job {
    const r = validateSpec(input);
    if (!r.ok) throw new JobSpecError(r.problems);
    return new Job(r.analysis, opts);
  }

  constructor(analysis: SpecAnalysis, opts: JobOptions = {}) {
    this.analysis = analysis;
    this.clock = opts.clock ?? systemClock;
    const batchSize = opts.batchSize ?? 1024;
    this.opts = {
      batchSize,
      channelCapacity: opts.channelCapacity ?? batchSize * 4,
      sliceMs: opts.sliceMs ?? 8,
      baseDir: opts.baseDir ?? '.',
    };
    this.writeConsole =
      opts.writeConsole ??
      ((s: string) => {
        (globalThis as { process?: { stdout?: { write(s: string): void } } }).process?.stdout?.write(s);
      });
    this.onRowError = opts.onRowError;
    this.plan = buildPlan(analysis, opts.parallelism);
    this.instantiate();
  }

  get status(): JobStatus {
    return this._status;
  }

  get name(): string {
    return this.analysis.spec.name;
  }

  private reportRowError = (e: RowError): void => {
    this.rowErrorCount++;
    if (this.recentRowErrors.length >= 100) this.recentRowErrors.shift();
    this.recentRowErrors.push(e);
    this.onRowError?.(e);
  };

  private collectStore = (nodeId: string): CollectStore => {
    let s = this.collects.get(nodeId);
    if (!s) {
      const node = this.analysis.nodes.get(nodeId)!.node;
      const max =
        node.kind === 'sink' && node.connector.type === 'collect' ? node.connector.maxRows : 100_000;
      s = new CollectStore(max);
      this.collects.set(nodeId, s);
    }
    return s;
  };

  private instantiate(): void {
    const { plan, opts } = this;
    const maxP = plan.maxParallelism;
    // Channels: consumer vertex → subtask → its input channels; producer edge → subtask → writer's channels.
    const inputsOf = new Map<string, Channel[][]>();
    for (const v of plan.vertices) {
      inputsOf.set(
        v.id,
        Array.from({ length: v.parallelism }, () => []),
      );
    }
    const writerChannels = new Map<string, Channel[][]>(); // key: edge index
    plan.edges.forEach((e, idx) => {
      const from = plan.vertices.find((v) => v.id === e.from)!;
      const to = plan.vertices.find((v) => v.id === e.to)!;
      const perProducer: Channel[][] = [];
      for (let i = 0; i < from.parallelism; i++) {
        const chans: Channel[] = [];
        if (e.partitioning === 'forward') {
          const ch = new Channel(`${e.fromOperator}[${i}]→${e.toOperator}[${i}]`, opts.channelCapacity);
          inputsOf.get(to.id)![i]!.push(ch);
          chans.push(ch);
        } else {
          for (let j = 0; j < to.parallelism; j++) {
            const ch = new Channel(`${e.fromOperator}[${i}]→${e.toOperator}[${j}]`, opts.channelCapacity);
            inputsOf.get(to.id)![j]!.push(ch);
            chans.push(ch);
          }
        }
        perProducer.push(chans);
      }
      writerChannels.set(String(idx), perProducer);
    });

    for (const v of plan.vertices) {
      for (let s = 0; s < v.parallelism; s++) {
        const mainWriters: RecordWriter[] = [];
        const lateWriters: RecordWriter[] = [];
        plan.edges.forEach((e, idx) => {
          if (e.from !== v.id) return;
          const w = new RecordWriter(
            e.partitioning,
            writerChannels.get(String(idx))![s]!,
            e.keyFields,
            maxP,
            opts.batchSize,
            s,
          );
          (e.port === 'late' ? lateWriters : mainWriters).push(w);
        });
        const operators = new Map<string, StreamOperator>();
        const chainOps: StreamOperator[] = [];
        for (const lop of v.operators) {
          if (lop.node.kind === 'source') continue;
          const op = this.createOperator(lop.node, v, s, lop.keyFields);
          operators.set(lop.id, op);
          chainOps.push(op);
        }
        const chain = new OperatorChain(chainOps, mainWriters, lateWriters);
        let task: Task;
        const onSnapshot: SnapshotListener = (t, b, st) => this.onSnapshot(t, b, st);
        if (v.isSource) {
          const node = v.operators[0]!.node as SourceNode;
          const ctx = this.context(node, v, s);
          const schema = this.analysis.nodes.get(node.id)!.outputSchema;
          const reader = createSplitReader(node.connector, schema, {
            subtask: s,
            parallelism: v.parallelism,
            nowMs: () => this.clock.now(),
            baseDir: opts.baseDir,
            strict: ctx.strict,
            onError: (r) =>
              this.reportRowError({
                nodeId: node.id,
                subtask: s,
                code: 'PARSE_FAILED',
                message: r.message,
                position: r.position,
              }),
          });
          task = new SourceTask(v.id, s, chain, this.clock, onSnapshot, node, reader, (row) =>
            this.reportRowError({
              nodeId: node.id,
              subtask: s,
              code: 'BAD_TIMESTAMP',
              message: `the watermark's timestamp field '${node.watermark?.timestampField}' is NULL or not a number`,
              position: describeRow(row),
            }),
          );
        } else {
          task = new StreamTask(
            v.id,
            s,
            chain,
            this.clock,
            onSnapshot,
            new InputGate(inputsOf.get(v.id)![s]!),
          );
        }
        this.subtasks.push({ vertex: v, index: s, task, operators });
      }
    }
  }

  private context(node: JobNode, v: JobVertex, subtask: number): RuntimeContext {
    const info = this.analysis.nodes.get(node.id)!;
    const maxP = this.plan.maxParallelism;
    return {
      jobName: this.analysis.spec.name,
      nodeId: node.id,
      subtask,
      parallelism: v.parallelism,
      maxParallelism: maxP,
      keyGroupRange: KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(
        maxP,
        v.parallelism,
        subtask,
      ),
      clock: this.clock,
      baseDir: this.opts.baseDir,
      analysis: this.analysis,
      inputSchema: info.inputSchema ?? info.outputSchema,
      strict: this.analysis.spec.settings.rowErrors === 'fail',
      reportRowError: this.reportRowError,
      collectStore: this.collectStore,
      writeConsole: this.writeConsole,
    };
  }

  private createOperator(
    node: JobNode,
    v: JobVertex,
    subtask: number,
    keyFields: readonly string[] | null,
  ): StreamOperator {
    const ctx = this.context(node, v, subtask);
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
      case 'source':
      case 'keyBy':
        throw new Error(`internal: ${node.kind} '${node.id}' is not a chained operator`);
    }
  }

  /** Opens every operator. Called by run(); tests that drive `round()` themselves call it first. */
  open(): void {
    if (this._status !== 'created') return;
    for (const st of this.subtasks) for (const op of st.operators.values()) op.open();
    this._status = 'running';
    this.startedAt = this.clock.now();
  }

  /** One scheduling round over every task; true when any task did work. */
  round(): boolean {
    let did = false;
    const budget = this.opts.batchSize;
    for (let i = 0; i < this.subtasks.length; i++) {
      if (this.subtasks[i]!.task.step(budget)) did = true;
    }
    return did;
  }

  get finished(): boolean {
    for (const st of this.subtasks) if (!st.task.finished) return false;
    return true;
  }

  /** Runs rounds until nothing can progress without time passing (virtual-time tests). */
  runUntilIdle(maxRounds = 1_000_000): void {
    this.open();
    for (let i = 0; i < maxRounds; i++) {
      if (!this.round()) break;
    }
    if (this.finished) this.complete('finished');
  }

  /** Earliest clock time at which a task has timed work. */
  private wakeAt(): number | undefined {
    let t: number | undefined;
    for (const st of this.subtasks) {
      const w = st.task.wakeAt();
      if (w !== undefined && (t === undefined || w < t)) t = w;
    }
    return t;
  }

  /** Runs the job until every bounded source has ended and all data has drained, or until cancel(). */
  run(): Promise<JobResult> {
    if (!this.runPromise) this.runPromise = this.loop();
    return this.runPromise;
  }

  private async loop(): Promise<JobResult> {
    try {
      this.open();
      const { sliceMs } = this.opts;
      while (!this.cancelRequested) {
        const sliceStart = performance.now();
        let did = false;
        do {
          did = this.round();
        } while (did && !this.cancelRequested && performance.now() - sliceStart < sliceMs);
        if (this.finished) break;
        if (did) {
          await yieldToEventLoop();
          continue;
        }
        const wake = this.wakeAt();
        const wait = wake === undefined ? 10 : Math.max(0, Math.min(50, wake - this.clock.now()));
        await new Promise((r) => setTimeout(r, wait));
      }
      this.complete(this.cancelRequested ? 'cancelled' : 'finished');
    } catch (e) {
      this.error = e instanceof Error ? e : new Error(String(e));
      this.complete('failed');
    }
    return { status: this._status, ...(this.error ? { error: this.error } : {}), metrics: this.metrics() };
  }

  private complete(status: JobStatus): void {
    if (this._status === 'finished' || this._status === 'failed' || this._status === 'cancelled') return;
    this._status = status;
    for (const st of this.subtasks) {
      for (const op of st.operators.values()) {
        try {
          op.close();
        } catch {
          // closing is best effort; the status already says how the job ended
        }
      }
    }
  }

  /** Frees the job's state (after it has ended and nobody will inspect it any more). */
  dispose(): void {
    this.cancel();
    for (const st of this.subtasks)
      for (const op of st.operators.values()) if (op instanceof KeyedOperator) op.dispose();
  }

  /** Asks the job to stop after the current round; run() then resolves with status `cancelled`. */
  cancel(): void {
    this.cancelRequested = true;
  }

  /** The rows a collect sink kept. */
  collected(nodeId: string): Row[] {
    return this.collectStore(nodeId).rows();
  }

  output(nodeId: string): CollectStore {
    return this.collectStore(nodeId);
  }

  metrics(): JobMetrics {
    const byNode = new Map<string, NodeMetrics>();
    for (const [id, lop] of this.plan.operators) {
      byNode.set(id, {
        nodeId: id,
        kind: lop.node.kind,
        parallelism: lop.parallelism,
        recordsIn: 0,
        recordsOut: 0,
        rowErrors: 0,
        lateRowsDropped: 0,
        watermark: Number.POSITIVE_INFINITY,
        numKeys: 0,
        backpressureMs: 0,
      });
    }
    for (const st of this.subtasks) {
      const bp = st.task.metrics.backpressureMs;
      if (st.task instanceof SourceTask) {
        const m = byNode.get(st.task.node.id)!;
        m.recordsOut += st.task.sourceMetrics.recordsOut;
        m.rowErrors += st.task.sourceMetrics.rowErrors;
        m.watermark = Math.min(m.watermark, st.task.sourceMetrics.currentWatermark);
        m.backpressureMs += bp;
      }
      for (const [id, op] of st.operators) {
        const m = byNode.get(id)!;
        m.recordsIn += op.metrics.recordsIn;
        m.recordsOut += op.metrics.recordsOut;
        m.rowErrors += op.metrics.rowErrors;
        m.lateRowsDropped += op.metrics.lateRowsDropped;
        m.watermark = Math.min(m.watermark, op.metrics.currentWatermark);
        m.numKeys += op.numKeys();
        m.backpressureMs += bp;
      }
    }
    for (const m of byNode.values())
      if (m.watermark === Number.POSITIVE_INFINITY && m.recordsIn === 0 && m.kind !== 'source')
        m.watermark = Number.NEGATIVE_INFINITY;
    const now = this.clock.now();
    return {
      status: this._status,
      startedAt: this.startedAt,
      uptimeMs: this.startedAt ? now - this.startedAt : 0,
      nodes: [...byNode.values()],
      rowErrors: this.rowErrorCount,
    };
  }

  /** The keyed state backends of a stateful node, one per subtask (for inspection). */
  stateBackends(nodeId: string): KeyedStateBackend[] {
    const out: KeyedStateBackend[] = [];
    for (const st of this.subtasks) {
      const op = st.operators.get(nodeId);
      if (op instanceof KeyedOperator) out.push(op.stateBackend);
    }
    return out;
  }

  /** Pages through the keys of a stateful node over all its subtasks, in key order. */
  queryState(
    nodeId: string,
    q: { prefix?: string; cursor?: string; limit?: number } = {},
  ): { entries: Array<{ key: Key; value: unknown }>; nextCursor?: string } {
    const limit = Math.max(1, Math.min(q.limit ?? 100, 10_000));
    const backends = this.stateBackends(nodeId);
    if (backends.length === 0) throw new Error(`node '${nodeId}' holds no keyed state`);
    const page = {
      limit,
      ...(q.prefix !== undefined ? { prefix: q.prefix } : {}),
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
    };
    // Each subtask holds its own key groups; merge their pages (each ordered by the key's string form).
    const all: Array<{ key: Key; value: unknown }> = [];
    let more = false;
    for (const b of backends) {
      const r = b.listKeys(page);
      all.push(...r.entries);
      if (r.nextCursor !== undefined) more = true;
    }
    all.sort((x, y) => (String(x.key) < String(y.key) ? -1 : String(x.key) > String(y.key) ? 1 : 0));
    if (all.length > limit) more = true;
    const entries = all.slice(0, limit);
    const last = entries[entries.length - 1];
    return more && last ? { entries, nextCursor: String(last.key) } : { entries };
  }

  /** The state of one key of a stateful node (all of its states), or undefined. */
  stateOfKey(nodeId: string, key: Key): unknown {
    const backends = this.stateBackends(nodeId);
    if (backends.length === 0) throw new Error(`node '${nodeId}' holds no keyed state`);
    const kg = KeyGroupRangeAssignment.assignToKeyGroup(key, this.plan.maxParallelism);
    for (const b of backends) if (b.keyGroupRange.contains(kg)) return b.getKeyView(key);
    return undefined;
  }

  /** For the checkpoint machinery: the tasks and the hook that receives their snapshots. */
  setSnapshotListener(l: SnapshotListener): void {
    this.onSnapshot = l;
  }

  get tasks(): readonly Task[] {
    return this.subtasks.map((s) => s.task);
  }
}
