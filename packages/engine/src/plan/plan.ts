import { hasKeyedState, type JobNode, type JobSpec, type SpecAnalysis } from '@flowstate/spec';

/**
 * Spec → logical plan → physical plan.
 *
 * Logical: `keyBy` nodes are not operators (as in Flink, keyBy is a partitioning, not a transformation): each
 * path `a → keyBy → b` becomes one edge a → b that is *hash-partitioned* by the key fields. Every other node
 * is an operator.
 *
 * Physical: operators connected by a forward edge (one producer output, one consumer input, same parallelism,
 * main port) are *chained* into one vertex, run synchronously over a batch by one task per subtask. A hash edge
 * between two vertices of parallelism 1 is chained too (every key group lands on the only subtask), so a
 * single-core job pays no exchange. Everything else is an exchange between vertices: `hash` (by key group,
 * Flink's KeyGroupRangeAssignment), `forward` (subtask i → i) or `rebalance` (round-robin).
 */
export type Partitioning = 'forward' | 'rebalance' | 'hash';

export interface LogicalEdge {
  from: string;
  to: string;
  port: 'main' | 'late';
  partitioning: Partitioning;
  /** Hash edges: the key fields (from the keyBy the edge went through). */
  keyFields: readonly string[] | null;
  /** Into a join: the side the edge feeds. */
  input?: 'left' | 'right';
}

export interface LogicalOperator {
  id: string;
  node: JobNode;
  parallelism: number;
  inputs: LogicalEdge[];
  outputs: LogicalEdge[];
  /** For keyed operators: the key fields of their keyed input (a join's: its left input's). */
  keyFields: readonly string[] | null;
  /** For joins: each side's key fields (left key field i joins right key field i). */
  sideKeys?: { left: readonly string[]; right: readonly string[] };
}

export interface JobVertex {
  /** The id of the vertex's first operator. */
  id: string;
  operators: LogicalOperator[];
  parallelism: number;
  isSource: boolean;
  inputs: PhysicalEdge[];
  outputs: PhysicalEdge[];
}

export interface PhysicalEdge {
  from: string;
  to: string;
  /** Operator ids at the two ends (the last operator of `from`, the first of `to`). */
  fromOperator: string;
  toOperator: string;
  port: 'main' | 'late';
  partitioning: Partitioning;
  keyFields: readonly string[] | null;
  /** Into a join: the side the edge feeds. */
  input?: 'left' | 'right';
}

export interface PhysicalPlan {
  spec: JobSpec;
  operators: Map<string, LogicalOperator>;
  /** Topologically ordered (sources first). */
  vertices: JobVertex[];
  edges: PhysicalEdge[];
  maxParallelism: number;
}

export function buildPlan(analysis: SpecAnalysis, parallelismOverride?: number): PhysicalPlan {
  const { spec } = analysis;
  const par = (n: JobNode): number => {
    if (parallelismOverride !== undefined)
      return n.kind === 'source' && isSingleSplit(n) ? 1 : parallelismOverride;
    return n.parallelism ?? spec.settings.parallelism;
  };

  // --- logical: eliminate keyBy nodes.
  const ops = new Map<string, LogicalOperator>();
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id)!;
    if (info.node.kind === 'keyBy') continue;
    ops.set(id, {
      id,
      node: info.node,
      parallelism: par(info.node),
      inputs: [],
      outputs: [],
      keyFields: null,
    });
  }
  /** Follows keyBy chains from an edge target; returns the operators reached with the key in force. */
  type Target = { to: string; key: readonly string[] | null; input: 'left' | 'right' | undefined };
  const resolve = (to: string, key: readonly string[] | null, input: Target['input'], out: Target[]) => {
    const info = analysis.nodes.get(to)!;
    if (info.node.kind !== 'keyBy') {
      out.push({ to, key, input });
      return;
    }
    for (const e of info.outputs) resolve(e.to, info.node.key, e.input, out);
  };
  for (const op of ops.values()) {
    const info = analysis.nodes.get(op.id)!;
    for (const e of info.outputs) {
      const targets: Target[] = [];
      resolve(e.to, null, e.input, targets);
      for (const t of targets) {
        const target = ops.get(t.to)!;
        const port = e.port === 'late' ? 'late' : 'main';
        const partitioning: Partitioning =
          t.key !== null ? 'hash' : op.parallelism === target.parallelism ? 'forward' : 'rebalance';
        const le: LogicalEdge = {
          from: op.id,
          to: t.to,
          port,
          partitioning,
          keyFields: t.key,
          ...(t.input ? { input: t.input } : {}),
        };
        op.outputs.push(le);
        target.inputs.push(le);
      }
    }
  }
  for (const op of ops.values()) {
    const sides = analysis.nodes.get(op.id)!.sides;
    if (sides !== undefined) {
      op.sideKeys = { left: sides.left.keyFields, right: sides.right.keyFields };
      op.keyFields = sides.left.keyFields;
    } else if (hasKeyedState(op.node)) {
      // The key of the keyed stream feeding it (a keyBy, possibly followed by filters), from the analysis.
      const first = analysis.nodes.get(op.id)!.inputs[0];
      op.keyFields = first ? (analysis.nodes.get(first.from)!.keyFields ?? null) : null;
    }
  }

  // --- physical: chain forward edges.
  const chainable = (e: LogicalEdge): boolean => {
    const a = ops.get(e.from)!;
    const b = ops.get(e.to)!;
    if (a.outputs.length !== 1 || b.inputs.length !== 1 || e.port !== 'main') return false;
    if (a.parallelism !== b.parallelism) return false;
    return e.partitioning === 'forward' || (e.partitioning === 'hash' && a.parallelism === 1);
  };
  const vertexOf = new Map<string, JobVertex>();
  const vertices: JobVertex[] = [];
  for (const id of analysis.order) {
    const op = ops.get(id);
    if (!op || vertexOf.has(id)) continue;
    const head =
      op.inputs.length === 1 && chainable(op.inputs[0]!) ? vertexOf.get(op.inputs[0]!.from) : undefined;
    if (head) {
      head.operators.push(op);
      vertexOf.set(id, head);
      continue;
    }
    const v: JobVertex = {
      id,
      operators: [op],
      parallelism: op.parallelism,
      isSource: op.node.kind === 'source',
      inputs: [],
      outputs: [],
    };
    vertices.push(v);
    vertexOf.set(id, v);
  }
  const edges: PhysicalEdge[] = [];
  for (const op of ops.values()) {
    for (const e of op.outputs) {
      const a = vertexOf.get(e.from)!;
      const b = vertexOf.get(e.to)!;
      if (a === b) continue;
      const pe: PhysicalEdge = {
        from: a.id,
        to: b.id,
        fromOperator: e.from,
        toOperator: e.to,
        port: e.port,
        partitioning:
          e.partitioning === 'forward' && a.parallelism !== b.parallelism ? 'rebalance' : e.partitioning,
        keyFields: e.keyFields,
        ...(e.input ? { input: e.input } : {}),
      };
      a.outputs.push(pe);
      b.inputs.push(pe);
      edges.push(pe);
    }
  }
  return { spec, operators: ops, vertices, edges, maxParallelism: spec.settings.maxParallelism };
}

/** A source that cannot be split: a file is read by one subtask. */
function isSingleSplit(n: JobNode): boolean {
  return n.kind === 'source' && n.connector.type === 'file';
}

/** A compact text rendering of the plan, for `flowstate run --explain` and debugging. */
export function explainPlan(plan: PhysicalPlan): string {
  const lines: string[] = [];
  for (const v of plan.vertices) {
    const chain = v.operators.map((o) => `${o.id}(${o.node.kind})`).join(' → ');
    lines.push(`[${v.id}] ×${v.parallelism}: ${chain}`);
    for (const e of v.outputs) {
      const how = e.partitioning === 'hash' ? `hash(${e.keyFields!.join(', ')})` : e.partitioning;
      lines.push(
        `    ${e.port === 'late' ? 'late ' : ''}─${how}→ [${e.to}]${e.input ? ` (${e.input})` : ''}`,
      );
    }
  }
  return lines.join('\n');
}
