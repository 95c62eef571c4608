/**
 * The canvas model: React Flow's node and edge shapes, typed for Flowstate's job spec.
 *
 * A canvas node is a spec node split the way React Flow wants it: `id` is the spec node's id, `type` is
 * its `kind` (so React Flow picks the component by kind), and `data` holds every other field of the
 * spec node exactly as written (defaults may be omitted; while a form is being edited it may even be
 * invalid — validation says so, it is not prevented). An edge joins a source handle (`main`, or a
 * window's `late`) to the one input handle (`in`) of its target — or, into a join, to its `left` or `right`
 * handle: the spec edge's `input`.
 *
 * Only types are imported from `@xyflow/react`: this module has no React at run time.
 */
import { JOIN_KINDS, type JobSpecInput, type NodeKind } from '@flowstate/spec';
import type { Edge, Node, XYPosition } from '@xyflow/react';

export type { XYPosition };

/** A spec node as written (the zod input type: defaults may be omitted). */
export type SpecNodeInput = JobSpecInput['nodes'][number];
export type SpecNodeInputOf<K extends NodeKind> = Extract<SpecNodeInput, { kind: K }>;
export type SpecEdgeInput = NonNullable<JobSpecInput['edges']>[number];
export type SettingsInput = NonNullable<JobSpecInput['settings']>;

/** A canvas node's `data`: the spec node's fields except `id` and `kind`. */
export type FlowNodeDataOf<K extends NodeKind> = Omit<SpecNodeInputOf<K>, 'id' | 'kind'>;
export type FlowNodeData = { [K in NodeKind]: FlowNodeDataOf<K> }[NodeKind];

/** A canvas node of one kind: `type` is the kind, so narrowing on `type` narrows `data`. */
export type FlowNodeOf<K extends NodeKind> = Node<FlowNodeDataOf<K>, K>;
export type FlowNode = { [K in NodeKind]: FlowNodeOf<K> }[NodeKind];

/** Handle ids. Every node but a source has one input handle (a join two); every node but a sink a `main` output. */
export const HANDLE_IN = 'in';
export const HANDLE_MAIN = 'main';
/** A window's side output for late rows (the spec's `"port": "late"`). */
export const HANDLE_LATE = 'late';
/** A join's two inputs (the spec edge's `"input"`). */
export const HANDLE_LEFT = 'left';
export const HANDLE_RIGHT = 'right';
export type SourceHandleId = typeof HANDLE_MAIN | typeof HANDLE_LATE;
export type JoinInput = typeof HANDLE_LEFT | typeof HANDLE_RIGHT;
export type TargetHandleId = typeof HANDLE_IN | JoinInput;

export type FlowEdge = Edge & { sourceHandle: SourceHandleId; targetHandle: TargetHandleId };

/** The job's own fields, besides its nodes and edges. */
export interface JobMeta {
  name: string;
  description?: string;
  /** Absent when the spec has no `settings` (all defaults). */
  settings?: SettingsInput;
}

/** What the canvas holds: nodes and edges in React Flow's shapes, plus the job's own fields. */
export interface FlowGraph extends JobMeta {
  nodes: FlowNode[];
  edges: FlowEdge[];
}

/** Whether a node kind has two inputs (`left`, `right`): the spec's join kinds. */
export function isJoinKind(kind: string | undefined): boolean {
  return (JOIN_KINDS as readonly string[]).includes(kind ?? '');
}

/** The handles a node of this kind shows, for the React node component. */
export function handlesOf(kind: NodeKind): { inputs: TargetHandleId[]; outputs: SourceHandleId[] } {
  return {
    inputs: kind === 'source' ? [] : isJoinKind(kind) ? [HANDLE_LEFT, HANDLE_RIGHT] : [HANDLE_IN],
    outputs: kind === 'sink' ? [] : kind === 'window' ? [HANDLE_MAIN, HANDLE_LATE] : [HANDLE_MAIN],
  };
}

/**
 * Where handle `index` of `count` on one side of a node sits (CSS `top`): evenly spread when there are several
 * (a join's `left` above `right`, a window's `main` above `late`), the middle (undefined) when there is one.
 */
export function handleTop(index: number, count: number): string | undefined {
  return count > 1 ? `${((index + 1) * 100) / (count + 1)}%` : undefined;
}

/**
 * The id of the edge `from → to` (on `port`, into `input`). Node ids hold only letters, digits, `_` and
 * `-`, so `->` and `:` keep these ids unambiguous: `a->b`, `w:late->b`, `k->j:left`.
 */
export function edgeId(
  from: string,
  to: string,
  port: SourceHandleId = HANDLE_MAIN,
  input: TargetHandleId = HANDLE_IN,
): string {
  const head = port === HANDLE_LATE ? `${from}:late->${to}` : `${from}->${to}`;
  return input === HANDLE_IN ? head : `${head}:${input}`;
}

/** A canvas edge from `from` to `to` on `port`, into the target's `input` handle (`in`, or a join's side). */
export function makeEdge(
  from: string,
  to: string,
  port: SourceHandleId = HANDLE_MAIN,
  input: TargetHandleId = HANDLE_IN,
): FlowEdge {
  return {
    id: edgeId(from, to, port, input),
    source: from,
    target: to,
    sourceHandle: port,
    targetHandle: input,
  };
}

/** A spec node (as written) from a canvas node. */
export function nodeToSpec(node: FlowNode): SpecNodeInput {
  return { id: node.id, kind: node.type, ...node.data } as SpecNodeInput;
}

/** A canvas node from a spec node (as written). */
export function nodeFromSpec(node: SpecNodeInput, position: XYPosition): FlowNode {
  const { id, kind, ...data } = node;
  return { id, type: kind, position, data } as FlowNode;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
