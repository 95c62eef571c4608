/** What the run view needs to know about a job's spec (taken as the JSON the server stored). */
import { hasKeyedState, isCollectSink, type JobNode, NODE_KINDS, type NodeKind } from '@flowstate/spec';

export interface NodeRef {
  id: string;
  name: string;
  kind: string;
}

function nodesOf(
  spec: unknown,
): { id?: unknown; name?: unknown; kind?: unknown; connector?: { type?: unknown } }[] {
  const nodes = (spec as { nodes?: unknown } | null)?.nodes;
  return Array.isArray(nodes) ? nodes : [];
}

function ref(n: { id?: unknown; name?: unknown; kind?: unknown }): NodeRef {
  const id = String(n.id);
  return { id, name: typeof n.name === 'string' && n.name ? n.name : id, kind: String(n.kind) };
}

const kindOf = (n: { kind?: unknown }): NodeKind | undefined => NODE_KINDS.find((k) => k === n.kind);

/** Nodes that hold keyed state (the spec's `hasKeyedState`): what the state table can show. */
export function statefulNodes(spec: unknown): NodeRef[] {
  return nodesOf(spec)
    .filter((n) => {
      const kind = kindOf(n);
      return kind !== undefined && hasKeyedState({ kind });
    })
    .map(ref);
}

/** Collect sinks (the spec's `isCollectSink`): the nodes whose output rows the server keeps and streams. */
export function collectSinks(spec: unknown): NodeRef[] {
  return nodesOf(spec)
    .filter((n) => n.kind === 'sink' && typeof n.connector === 'object' && isCollectSink(n as JobNode))
    .map(ref);
}

/** Every node's display name by id. */
export function nodeNames(spec: unknown): Map<string, string> {
  return new Map(nodesOf(spec).map((n) => [String(n.id), ref(n).name]));
}
