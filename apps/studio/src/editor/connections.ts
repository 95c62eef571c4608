/**
 * Connection rules, with the reason shown when a connection is refused (what React Flow's
 * `isValidConnection` asks, and what `connect` answers).
 *
 * The structural rules (no self loop, no cycle, a source takes no input, a sink has no output, `late`
 * only from a window, `left` / `right` only into a join, no repeated edge) are plain graph facts, checked
 * here with reasons worded for a connection being drawn; the tests check that each of them is a rule the
 * spec package reports too. A connection into a join without a side (a test, a keyboard connection) takes
 * the side that has no input yet. A join side takes one edge: the spec allows a union on a side (several
 * edges), but the canvas asks for it before the keyBy, as Flink writes it (`a.union(b).keyBy(…)`), so that a
 * connection dropped on an occupied side is a mistake it can refuse with a reason; a spec that has a union
 * on a join side still imports and shows as written. Whether a keyed node (window, rolling aggregate, OVER, Top-N,
 * deduplicate, each side of a join) gets a keyed stream is the spec package's call: it analyses
 * the graph as it would be with the new edge (each node reduced to a stand-in of its kind, so a half
 * filled form elsewhere does not hide the answer), and a `not-keyed` problem refuses the connection
 * with the spec's own message.
 */
import { type NodeKind, validateSpec } from '@flowstate/spec';
import { specWithoutLayout } from './convert';
import {
  type FlowEdge,
  type FlowGraph,
  type FlowNode,
  HANDLE_IN,
  HANDLE_LATE,
  HANDLE_LEFT,
  HANDLE_MAIN,
  HANDLE_RIGHT,
  isJoinKind,
  type JoinInput,
  makeEdge,
  type SourceHandleId,
  type TargetHandleId,
} from './types';

/** React Flow's `Connection` (and `Edge`) fit this. */
export interface ConnectionLike {
  source: string;
  target: string;
  sourceHandle?: string | null;
  targetHandle?: string | null;
}

export type ConnectionRefusal =
  | 'unknown-node'
  | 'self-loop'
  | 'source-has-input'
  | 'sink-has-output'
  | 'invalid-port'
  | 'invalid-input'
  | 'missing-join-side'
  | 'join-side-taken'
  | 'duplicate-edge'
  | 'cycle'
  | 'not-keyed';

export type ConnectionCheck = { ok: true } | { ok: false; code: ConnectionRefusal; reason: string };

const label = (node: FlowNode) => `${node.type} '${node.id}'`;

/** The source handle a connection leaves from (`main` when none is named). */
export function connectionPort(connection: ConnectionLike): string {
  return connection.sourceHandle ?? HANDLE_MAIN;
}

/**
 * The target handle a connection goes into: the one it names, else — into a join — the first side with no
 * edge yet (`null` when both have one: the person must choose), else `in`.
 */
export function connectionInput(graph: FlowGraph, connection: ConnectionLike): string | null {
  const named = connection.targetHandle;
  if (named !== null && named !== undefined && named !== '') return named;
  const target = graph.nodes.find((n) => n.id === connection.target);
  if (target === undefined || !isJoinKind(target.type)) return HANDLE_IN;
  const fed = (side: JoinInput) => graph.edges.some((e) => e.target === target.id && e.targetHandle === side);
  return !fed(HANDLE_LEFT) ? HANDLE_LEFT : !fed(HANDLE_RIGHT) ? HANDLE_RIGHT : null;
}

/** The canvas edge a valid connection becomes (`graph` tells a join's free side when none is named). */
export function connectionToEdge(connection: ConnectionLike, graph?: FlowGraph): FlowEdge {
  const input =
    graph === undefined ? (connection.targetHandle ?? HANDLE_IN) : connectionInput(graph, connection);
  return makeEdge(
    connection.source,
    connection.target,
    connectionPort(connection) as SourceHandleId,
    (input ?? HANDLE_IN) as TargetHandleId,
  );
}

const ONE_STREAM =
  'a join side reads one stream; to join several on one side, connect them all into the keyBy before it (a union)';

/** Whether `connection` may be added to `graph`, and if not, why. */
export function checkConnection(graph: FlowGraph, connection: ConnectionLike): ConnectionCheck {
  const refuse = (code: ConnectionRefusal, reason: string): ConnectionCheck => ({ ok: false, code, reason });
  const source = graph.nodes.find((n) => n.id === connection.source);
  const target = graph.nodes.find((n) => n.id === connection.target);
  if (source === undefined || target === undefined) {
    const missing = source === undefined ? connection.source : connection.target;
    return refuse('unknown-node', `there is no node '${missing}'`);
  }
  if (source.id === target.id) {
    return refuse('self-loop', `${label(source)} cannot feed its own input: a pipeline must not loop back`);
  }
  if (target.type === 'source') {
    return refuse(
      'source-has-input',
      `${label(target)} takes no input: a source reads its rows from its connector`,
    );
  }
  if (source.type === 'sink') {
    return refuse('sink-has-output', `${label(source)} has no output: a sink ends the pipeline`);
  }
  const port = connectionPort(connection);
  if (port !== HANDLE_MAIN && port !== HANDLE_LATE) {
    return refuse('invalid-port', `${label(source)} has no output '${port}'`);
  }
  if (port === HANDLE_LATE && source.type !== 'window') {
    return refuse(
      'invalid-port',
      `only a window has a 'late' output, and ${label(source)} is not a window: connect its main output`,
    );
  }
  const input = connectionInput(graph, connection);
  const join = isJoinKind(target.type);
  if (join && input === null) {
    return refuse(
      'missing-join-side',
      `${label(target)} already has a left and a right input: ${ONE_STREAM}`,
    );
  }
  if (join && input !== HANDLE_LEFT && input !== HANDLE_RIGHT) {
    return refuse(
      'missing-join-side',
      `${label(target)} has two inputs: connect to its left or its right handle`,
    );
  }
  const taken = join
    ? graph.edges.find((e) => e.target === target.id && e.targetHandle === input)
    : undefined;
  if (taken !== undefined) {
    return refuse(
      'join-side-taken',
      taken.source === source.id && connectionPort(connection) === taken.sourceHandle
        ? `'${source.id}' is already the ${input} input of ${label(target)}`
        : `the ${input} input of ${label(target)} already takes '${taken.source}': ${ONE_STREAM}`,
    );
  }
  if (!join && input !== HANDLE_IN) {
    return refuse(
      'invalid-input',
      `only a join has a '${input}' input, and ${label(target)} is not a join: connect to its input`,
    );
  }
  const edge = connectionToEdge(connection, graph);
  if (graph.edges.some((e) => e.id === edge.id)) {
    const side = join ? ` (${input} input)` : '';
    return refuse(
      'duplicate-edge',
      `'${source.id}' is already connected to '${target.id}'${port === HANDLE_LATE ? ' (late rows)' : ''}${side}: every row would arrive twice`,
    );
  }
  const path = pathBetween(graph, target.id, source.id);
  if (path !== null) {
    return refuse(
      'cycle',
      `connecting '${source.id}' to '${target.id}' would close the loop ${[...path, target.id]
        .map((id) => `'${id}'`)
        .join(' → ')}: a pipeline must not loop back`,
    );
  }
  return checkKeyedness(graph, edge, target);
}

/** A path of node ids from `from` to `to` along the edges, or null. */
function pathBetween(graph: FlowGraph, from: string, to: string): string[] | null {
  const parent = new Map<string, string | null>([[from, null]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    if (v === to) {
      const path: string[] = [];
      for (let at: string | null = v; at !== null; at = parent.get(at)!) path.unshift(at);
      return path;
    }
    for (const e of graph.edges) {
      if (e.source === v && !parent.has(e.target)) {
        parent.set(e.target, v);
        queue.push(e.target);
      }
    }
  }
  return null;
}

/** Each node as the smallest valid node of its kind; keyBy keeps its key, which keyedness compares. */
function standIn(node: FlowNode): FlowNode {
  const data = (() => {
    switch (node.type as NodeKind) {
      case 'source':
        return { connector: { type: 'datagen', fields: {} }, schema: {} };
      case 'map':
        return { fields: { x: '1' } };
      case 'filter':
        return { where: 'TRUE' };
      case 'flatMap':
        return { explode: "SPLIT('a', ',')", as: 'x' };
      case 'keyBy': {
        const key = (node.data as Record<string, unknown>).key;
        const valid =
          Array.isArray(key) && key.length > 0 && key.every((k) => typeof k === 'string' && k !== '');
        return { key: valid ? key : [`__key_of_${node.id}`] };
      }
      case 'window':
        return {
          assigner: { type: 'tumbling', sizeMs: 1000 },
          time: 'processing',
          aggregates: { n: 'COUNT(*)' },
        };
      case 'aggregate':
        return { aggregates: { n: 'COUNT(*)' } };
      case 'sink':
        return { connector: { type: 'blackhole' } };
      case 'intervalJoin':
        return { lowerBoundMs: 0, upperBoundMs: 0 };
      case 'windowJoin':
        return { assigner: { type: 'tumbling', sizeMs: 1000 } };
      case 'temporalJoin':
      case 'join':
      case 'deduplicate':
        return {};
      case 'over':
        return { aggregates: { n: 'COUNT(*)' }, precedingRows: 0 };
      case 'topN':
        return { n: 1, orderBy: [{ field: 'x' }] };
    }
  })();
  return { ...node, data } as FlowNode;
}

function notKeyedProblems(graph: FlowGraph): Map<string, string> {
  const standIns: FlowGraph = {
    name: 'connection-check',
    nodes: graph.nodes.map(standIn),
    edges: graph.edges,
  };
  const result = validateSpec(specWithoutLayout(standIns));
  const found = new Map<string, string>();
  for (const p of result.problems) {
    if (p.code === 'not-keyed' && p.nodeId !== undefined && !found.has(p.nodeId))
      found.set(p.nodeId, p.message);
  }
  return found;
}

function checkKeyedness(graph: FlowGraph, edge: FlowEdge, target: FlowNode): ConnectionCheck {
  const after = notKeyedProblems({ ...graph, edges: [...graph.edges, edge] });
  const onTarget = after.get(target.id);
  if (onTarget !== undefined) return { ok: false, code: 'not-keyed', reason: onTarget };
  if (after.size === 0) return { ok: true };
  const before = notKeyedProblems(graph);
  for (const [nodeId, message] of after) {
    if (!before.has(nodeId)) {
      return {
        ok: false,
        code: 'not-keyed',
        reason: `this connection would leave the stream unkeyed: ${message}`,
      };
    }
  }
  return { ok: true };
}
