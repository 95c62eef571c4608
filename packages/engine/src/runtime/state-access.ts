/**
 * Reading a running job's keyed state: pages of a stateful node's keys over all its subtasks, one key's value,
 * and live subscriptions. A subscription is the one coalescing path of live state: per node, one timer on the
 * injected `Timers` drains the changed keys of every subtask's backend (each key once, with its latest value,
 * at most `maxKeys` a delivery, the rest counted in `dropped`) and hands the delivery to every listener of that
 * node. Whoever fans it out further (the server's socket hub) listens once per node.
 */
import { type SpecAnalysis, STATEFUL_NODE_KINDS } from '@flowstate/spec';
import { KeyedOperator } from '../operators/keyed';
import type { PhysicalPlan } from '../plan/plan';
import {
  compareKeys,
  cursorOf,
  type Key,
  type KeyedStateBackend,
  KeyGroupRangeAssignment,
} from '../state/index';
import type { Clock, Timers } from '../time/index';
import type { Execution } from './execution';
import { type StateChanges, StateQueryError } from './job-types';

export interface StateAccessHost {
  readonly analysis: SpecAnalysis;
  readonly plan: PhysicalPlan;
  readonly clock: Clock;
  readonly timers: Timers;
  execution(): Execution;
  /** Bumped by every restart and restore: a subscriber then reloads its whole view. */
  attempt(): number;
}

interface NodeSubscription {
  listeners: Set<(c: StateChanges) => void>;
  stop: () => void;
}

export class StateAccess {
  private readonly subscriptions = new Map<string, NodeSubscription>();

  constructor(private readonly host: StateAccessHost) {}

  /** The keyed operators of a stateful node, one per subtask (throws StateQueryError otherwise). */
  keyedOperators(nodeId: string): KeyedOperator<never>[] {
    const out: KeyedOperator<never>[] = [];
    for (const st of this.host.execution().subtasks) {
      const op = st.operators.get(nodeId);
      if (op instanceof KeyedOperator) out.push(op as KeyedOperator<never>);
    }
    if (out.length === 0) {
      const known = this.host.plan.operators.has(nodeId) || this.host.analysis.nodes.has(nodeId);
      throw known
        ? new StateQueryError(
            'NO_KEYED_STATE',
            `node '${nodeId}' holds no keyed state (only ${STATEFUL_NODE_KINDS.join(' and ')} nodes do)`,
          )
        : new StateQueryError('NO_SUCH_NODE', `there is no node '${nodeId}'`);
    }
    return out;
  }

  backends(nodeId: string): KeyedStateBackend[] {
    return this.keyedOperators(nodeId).map((op) => op.stateBackend);
  }

  /**
   * Pages through the keys of a stateful node over all its subtasks, ordered by the key's string form; each
   * entry's value is what the operator holds for the key (aggregates, or open windows with their aggregates).
   */
  query(
    nodeId: string,
    q: { prefix?: string; cursor?: string; limit?: number } = {},
  ): { entries: Array<{ key: Key; value: unknown }>; nextCursor: string | null } {
    const limit = Math.max(1, Math.min(q.limit ?? 100, 10_000));
    const ops = this.keyedOperators(nodeId);
    const page = {
      limit,
      ...(q.prefix !== undefined ? { prefix: q.prefix } : {}),
      ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
    };
    // Each subtask holds its own key groups; merge their pages.
    const all: Array<{ key: Key; op: KeyedOperator<never> }> = [];
    let more = false;
    for (const op of ops) {
      const r = op.stateBackend.listKeys(page);
      for (const e of r.entries) all.push({ key: e.key, op });
      if (r.nextCursor !== undefined) more = true;
    }
    all.sort((x, y) => compareKeys(x.key, y.key));
    if (all.length > limit) more = true;
    const entries = all.slice(0, limit).map((e) => ({ key: e.key, value: e.op.stateView(e.key) ?? null }));
    const last = entries[entries.length - 1];
    return { entries, nextCursor: more && last ? cursorOf(last.key) : null };
  }

  /** What a stateful node holds for one key, or undefined. */
  ofKey(nodeId: string, key: Key): unknown {
    const ops = this.keyedOperators(nodeId);
    const kg = KeyGroupRangeAssignment.assignToKeyGroup(key, this.host.plan.maxParallelism);
    for (const op of ops) if (op.stateBackend.keyGroupRange.contains(kg)) return op.stateView(key);
    return undefined;
  }

  numKeys(nodeId: string): number {
    let n = 0;
    for (const op of this.keyedOperators(nodeId)) n += op.numKeys();
    return n;
  }

  /**
   * Live state of a node: every `intervalMs` (of the injected timers) the listener gets the keys that changed
   * since the last delivery, coalesced per key (a key updated 10,000 times in an interval is one entry, with its
   * latest value), at most `maxKeys` of them, and how many more changed (`dropped`). Never one message per record.
   * The first listener of a node sets the interval and the key limit. Returns the unsubscribe function.
   */
  subscribe(
    nodeId: string,
    listener: (changes: StateChanges) => void,
    opts: { intervalMs?: number; maxKeys?: number } = {},
  ): () => void {
    this.keyedOperators(nodeId); // throws for a node without keyed state
    let sub = this.subscriptions.get(nodeId);
    if (!sub) {
      const intervalMs = Math.max(10, opts.intervalMs ?? 100);
      const maxKeys = Math.max(1, opts.maxKeys ?? 500);
      const listeners = new Set<(c: StateChanges) => void>();
      let seenAttempt = this.host.attempt();
      const tick = () => {
        // Operators are looked up each time: a restart or restore replaces them.
        const ops = this.keyedOperators(nodeId);
        for (const op of ops) op.stateBackend.setChangeTracking(true);
        const reset = seenAttempt !== this.host.attempt();
        seenAttempt = this.host.attempt();
        const changes: StateChanges['changes'] = [];
        let dropped = 0;
        for (const op of ops) {
          const r = op.stateBackend.drainChanges(Math.max(0, maxKeys - changes.length));
          dropped += r.dropped;
          for (const key of r.keys) changes.push({ key, value: op.stateView(key) ?? null });
        }
        if (changes.length === 0 && dropped === 0 && !reset) return;
        let numKeys = 0;
        for (const op of ops) numKeys += op.numKeys();
        const ev: StateChanges = { nodeId, at: this.host.clock.now(), changes, dropped, numKeys, reset };
        for (const l of listeners) l(ev);
      };
      for (const op of this.keyedOperators(nodeId)) op.stateBackend.setChangeTracking(true);
      sub = { listeners, stop: this.host.timers.every(intervalMs, tick) };
      this.subscriptions.set(nodeId, sub);
    }
    sub.listeners.add(listener);
    const s = sub;
    return () => {
      s.listeners.delete(listener);
      if (s.listeners.size > 0 || this.subscriptions.get(nodeId) !== s) return;
      s.stop();
      this.subscriptions.delete(nodeId);
      for (const op of this.keyedOperators(nodeId)) op.stateBackend.setChangeTracking(false);
    };
  }

  /** Nodes with a live subscription (diagnostics). */
  subscribedNodes(): string[] {
    return [...this.subscriptions.keys()];
  }

  /** Ends every subscription. */
  close(): void {
    for (const s of this.subscriptions.values()) s.stop();
    this.subscriptions.clear();
  }
}
