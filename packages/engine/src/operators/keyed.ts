import type { JobNode } from '@flowstate/spec';
import type { RuntimeContext } from '../runtime/context';
import type { Row } from '../runtime/elements';
import { AbstractStreamOperator, type OperatorRestore, type OperatorSnapshot } from '../runtime/operator';
import { createKeyedStateBackend } from '../state/backendFactory';
import type { Key, KeyedStateBackend } from '../state/index';
import type { TimersSnapshotData } from '../time/index';
import { type AggregateOps, compileAggregates } from './aggregates';
import { type KeySelector, keySelector } from './keys';
import { rowFailed } from './row-errors';

/**
 * Base of the operators on a keyed stream: a `KeyedStateBackend` over the subtask's key-group range, the key
 * selector, the compiled aggregates (an `AggregateFunction` for an `AggregatingStateDescriptor`), and
 * row-error handling. `S` is the operator's non-keyed state, if any.
 */
export abstract class KeyedOperator<N extends JobNode, S = never> extends AbstractStreamOperator<N, S> {
  protected backend!: KeyedStateBackend;
  protected readonly keys: KeySelector;
  protected readonly aggs: AggregateOps;

  constructor(
    node: N,
    protected readonly ctx: RuntimeContext,
    keyFields: readonly string[],
    aggregates: Readonly<Record<string, string>> = {},
  ) {
    super(node);
    this.keys = keySelector(keyFields);
    this.aggs = compileAggregates(aggregates, ctx.inputSchema, `${node.kind} '${node.id}'`);
  }

  override open(): void {
    this.backend = createKeyedStateBackend(this.ctx.stateBackend, {
      maxParallelism: this.ctx.maxParallelism,
      keyGroupRange: this.ctx.keyGroupRange,
      nowMs: () => this.ctx.clock.now(),
      label: `${this.node.id}-${this.ctx.subtask}`,
    });
  }

  /** The state backend, for inspection (the studio's state view). */
  get stateBackend(): KeyedStateBackend {
    return this.backend;
  }

  /**
   * What a person sees for one key in the state view: the aggregates by name (rolling), or the key's open
   * windows with their aggregates so far. Undefined when the key holds no state.
   */
  abstract stateView(key: Key): unknown;

  override numKeys(): number {
    return this.backend ? this.backend.numKeys() : 0;
  }

  /** Bytes of the state store's files (disk backend); undefined for a backend that keeps none (heap). */
  stateBytesOnDisk(): number | undefined {
    return this.backend?.diskBytes?.();
  }

  protected rowFailed(err: unknown, row: Row): void {
    rowFailed(this, this.ctx, err, row);
  }

  override snapshotState(checkpointId: number, savepoint = false): OperatorSnapshot<S> | null {
    const timers = this.snapshotTimers();
    return {
      nodeId: this.node.id,
      subtask: this.ctx.subtask,
      // checkpoints write binary sections (checkpoint/io.ts), so the snapshot encodes from the start
      keyed: this.backend.snapshot(checkpointId, { encode: true, savepoint }),
      ...(timers ? { timers } : {}),
    };
  }

  protected override initializeState(r: OperatorRestore<S>): void {
    this.backend.restore(r.keyed);
    this.restoreTimers(r.timers);
  }

  /** Incremental backends use a completed checkpoint as the base of their next delta. */
  override notifyCheckpointComplete(checkpointId: number): void {
    super.notifyCheckpointComplete(checkpointId);
    (
      this.backend as { notifyCheckpointComplete?: (id: number) => void } | undefined
    )?.notifyCheckpointComplete?.(checkpointId);
  }

  protected snapshotTimers(): TimersSnapshotData | undefined {
    return undefined;
  }

  protected restoreTimers(_timers: TimersSnapshotData[]): void {}

  /** State stays readable after the job ends (a finished job's final state is worth inspecting). */
  override close(): void {}

  dispose(): void {
    this.backend?.dispose();
  }
}
