/** Structural rules: node ids, edges, cycles, reachability, topological order. */
import { type Edge, JOIN_INPUTS, JOIN_KINDS, type JobNode, type JobSpec } from '../schema';
import { label, type Reporter } from './codes';
import { pointer } from './pointer';
import { didYouMean, list, quote } from './text';

export interface EdgeRef {
  edge: Edge;
  /** Index in `spec.edges`. */
  index: number;
  /** Node indexes in `spec.nodes`. */
  from: number;
  to: number;
}

export interface Graph {
  spec: JobSpec;
  /** id → index of the node with that id (its first occurrence). */
  byId: Map<string, number>;
  /** Indexes of the nodes that take part in the graph (first occurrence of every id), ascending. */
  members: number[];
  /** Per node index: the edges that take part in the graph, in and out. */
  ins: EdgeRef[][];
  outs: EdgeRef[][];
}

const nodeAt = (spec: JobSpec, index: number): JobNode => spec.nodes[index]!;

/**
 * Indexes the nodes and checks ids and edges. An edge takes part in the graph only when both ends
 * exist and it is not into a source, out of a sink or a repeat: the problem is reported on the edge,
 * and leaving it out keeps it from causing follow-on problems.
 */
export function buildGraph(spec: JobSpec, r: Reporter): Graph {
  const byId = new Map<string, number>();
  const members: number[] = [];
  spec.nodes.forEach((node, index) => {
    const first = byId.get(node.id);
    if (first !== undefined) {
      r.add(
        'duplicate-node-id',
        pointer('nodes', index, 'id'),
        `node id ${quote(node.id)} is already used by the ${nodeAt(spec, first).kind} at /nodes/${first}: give this ${node.kind} a unique id`,
        node.id,
      );
      return;
    }
    byId.set(node.id, index);
    members.push(index);
  });

  const ins: EdgeRef[][] = spec.nodes.map(() => []);
  const outs: EdgeRef[][] = spec.nodes.map(() => []);
  const seen = new Map<string, number>();
  const ids = [...byId.keys()];
  spec.edges.forEach((edge, index) => {
    const from = byId.get(edge.from);
    const to = byId.get(edge.to);
    const other = from !== undefined ? edge.from : to !== undefined ? edge.to : undefined;
    for (const [end, at] of [
      ['from', from],
      ['to', to],
    ] as const) {
      if (at !== undefined) continue;
      const id = edge[end];
      r.add(
        'unknown-node',
        pointer('edges', index, end),
        `edge ${index} ${end === 'from' ? 'comes from' : 'goes to'} ${quote(id)}, but there is no node with that id${didYouMean(id, ids)}: use the id of an existing node (${list(ids)}) or delete the edge`,
        other,
      );
    }
    if (from === undefined || to === undefined) return;
    const source = nodeAt(spec, from);
    const target = nodeAt(spec, to);
    let ok = true;
    if (edge.port === 'late' && source.kind !== 'window') {
      r.add(
        'invalid-port',
        pointer('edges', index, 'port'),
        `edge ${index} takes the 'late' port of ${label(source)}, but only a window has a 'late' port: remove "port" to take its main output`,
        source.id,
      );
    }
    const intoJoin = (JOIN_KINDS as readonly string[]).includes(target.kind);
    if (edge.input !== undefined && !intoJoin) {
      r.add(
        'invalid-input',
        pointer('edges', index, 'input'),
        `edge ${index} says it feeds the ${edge.input} input of ${label(target)}, but only a join has two inputs: remove "input"`,
        target.id,
      );
    } else if (edge.input === undefined && intoJoin) {
      r.add(
        'missing-join-side',
        pointer('edges', index),
        `edge ${index} goes into ${label(target)} without saying which side it feeds: add "input": "left" or "input": "right"`,
        target.id,
      );
      // The edge stays in the graph (its rows do reach the join); the side it lacks is the problem.
    }
    if (target.kind === 'source') {
      r.add(
        'source-has-input',
        pointer('edges', index, 'to'),
        `${label(target)} cannot have an input (edge ${index} comes from ${quote(source.id)}): a source reads from its connector; delete the edge`,
        target.id,
      );
      ok = false;
    }
    if (source.kind === 'sink') {
      r.add(
        'sink-has-output',
        pointer('edges', index, 'from'),
        `${label(source)} cannot have an output (edge ${index} goes to ${quote(target.id)}): a sink ends the pipeline; delete the edge`,
        source.id,
      );
      ok = false;
    }
    const key = JSON.stringify([edge.from, edge.to, edge.port ?? null, edge.input ?? null]);
    const repeated = seen.get(key);
    if (repeated !== undefined) {
      r.add(
        'duplicate-edge',
        pointer('edges', index),
        `edge ${index} repeats edge ${repeated} (${quote(source.id)} → ${quote(target.id)}): every row would arrive twice; delete one of them`,
        target.id,
      );
      ok = false;
    } else {
      seen.set(key, index);
    }
    if (!ok) return;
    const ref: EdgeRef = { edge, index, from, to };
    outs[from]!.push(ref);
    ins[to]!.push(ref);
  });
  return { spec, byId, members, ins, outs };
}

/**
 * Tarjan's strongly connected components over the graph's members, iteratively (a long pipeline must
 * not overflow the call stack); components in the order they complete, each sorted by node index.
 */
function components(g: Graph): number[][] {
  const index = new Map<number, number>();
  const low = new Map<number, number>();
  const onStack = new Set<number>();
  const stack: number[] = [];
  const result: number[][] = [];
  let counter = 0;
  const enter = (v: number): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
  };
  for (const root of g.members) {
    if (index.has(root)) continue;
    enter(root);
    const work: { v: number; next: number }[] = [{ v: root, next: 0 }];
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const { v } = frame;
      const outs = g.outs[v]!;
      if (frame.next < outs.length) {
        const w = outs[frame.next++]!.to;
        if (!index.has(w)) {
          enter(w);
          work.push({ v: w, next: 0 });
        } else if (onStack.has(w)) {
          low.set(v, Math.min(low.get(v)!, index.get(w)!));
        }
        continue;
      }
      work.pop();
      if (low.get(v) === index.get(v)) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== v);
        result.push(component.sort((a, b) => a - b));
      }
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent.v, Math.min(low.get(parent.v)!, low.get(v)!));
    }
  }
  return result;
}

/** A shortest cycle through `start` inside its component: the nodes in order and the closing edge. */
function cycleThrough(
  g: Graph,
  start: number,
  component: ReadonlySet<number>,
): { nodes: number[]; closing: EdgeRef } {
  const parent = new Map<number, EdgeRef>();
  const queue = [start];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const ref of g.outs[v]!) {
      if (!component.has(ref.to)) continue;
      if (ref.to === start) {
        const nodes = [v];
        for (let at = v; at !== start; ) {
          at = parent.get(at)!.from;
          nodes.unshift(at);
        }
        return { nodes, closing: ref };
      }
      if (!parent.has(ref.to)) {
        parent.set(ref.to, ref);
        queue.push(ref.to);
      }
    }
  }
  throw new Error('unreachable: a strongly connected component has a cycle through every node');
}

function reach(g: Graph, starts: Iterable<number>, direction: 'forward' | 'backward'): Set<number> {
  const seen = new Set<number>(starts);
  const queue = [...seen];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    const refs = direction === 'forward' ? g.outs[v]! : g.ins[v]!;
    for (const ref of refs) {
      const w = direction === 'forward' ? ref.to : ref.from;
      if (!seen.has(w)) {
        seen.add(w);
        queue.push(w);
      }
    }
  }
  return seen;
}

/**
 * Checks the graph as a whole and returns the topological order of the nodes that are not on or after
 * a cycle (ties broken by position in `spec.nodes`).
 */
export function checkStructure(g: Graph, r: Reporter): number[] {
  const { spec } = g;
  const sources = g.members.filter((i) => nodeAt(spec, i).kind === 'source');
  const sinks = g.members.filter((i) => nodeAt(spec, i).kind === 'sink');
  if (sources.length === 0) {
    r.add(
      'no-source',
      '/nodes',
      'the job has no source: add a source node (datagen, file or nexmark) to read rows from',
    );
  }
  if (sinks.length === 0) {
    r.add(
      'no-sink',
      '/nodes',
      'the job has no sink: add a sink node (collect, console, blackhole or file) to send its results to',
    );
  }

  const orphans: number[] = [];
  for (const i of g.members) {
    const node = nodeAt(spec, i);
    if (node.kind !== 'source' && g.ins[i]!.length === 0) {
      orphans.push(i);
      r.add(
        'missing-input',
        pointer('nodes', i),
        `${label(node)} has no input: connect an edge into it from the node whose rows it should process`,
        node.id,
      );
    } else if (
      (JOIN_KINDS as readonly string[]).includes(node.kind) &&
      // An edge without a side is already reported: it may be the missing side.
      g.ins[i]!.every((ref) => ref.edge.input !== undefined)
    ) {
      for (const side of JOIN_INPUTS) {
        if (g.ins[i]!.some((ref) => ref.edge.input === side)) continue;
        r.add(
          'missing-input',
          pointer('nodes', i),
          `${label(node)} has no ${side} input: connect an edge with "input": "${side}" into it`,
          node.id,
        );
      }
    }
  }

  const comps = components(g);
  const componentOf = new Map<number, number[]>();
  for (const comp of comps) for (const v of comp) componentOf.set(v, comp);

  for (const comp of comps) {
    const first = comp[0]!;
    const selfLoop = g.outs[first]!.find((ref) => ref.to === first);
    if (comp.length === 1 && selfLoop === undefined) continue;
    const { nodes, closing } = cycleThrough(g, first, new Set(comp));
    const names = [...nodes, first].map((v) => quote(nodeAt(spec, v).id)).join(' → ');
    r.add(
      'cycle',
      pointer('edges', closing.index),
      nodes.length === 1
        ? `${label(nodeAt(spec, first))} feeds its own input (edge ${closing.index}): a pipeline must not loop back; delete the edge`
        : `the nodes ${names} form a cycle: a pipeline must not loop back; delete one of these edges (e.g. edge ${closing.index})`,
      nodeAt(spec, first).id,
    );
  }

  // Reported once, where the trouble starts: nodes fed only from a cycle (a node without any input, and
  // everything after it, is already reported as missing-input) and the last nodes before nothing.
  const fed = reach(g, [...sources, ...orphans], 'forward');
  const reported = new Set<number[]>();
  for (const v of g.members) {
    if (fed.has(v)) continue;
    const comp = componentOf.get(v)!;
    if (reported.has(comp)) continue;
    reported.add(comp);
    const entered = comp.some((w) => g.ins[w]!.some((ref) => !comp.includes(ref.from)));
    if (entered) continue;
    const node = nodeAt(spec, comp[0]!);
    r.add(
      'unreachable-node',
      pointer('nodes', comp[0]!),
      `${label(node)} gets no rows: no source leads to it (its inputs come only from a cycle): connect a source upstream of it or delete it`,
      node.id,
    );
  }
  if (sinks.length > 0) {
    const drained = reach(g, sinks, 'backward');
    reported.clear();
    for (const v of g.members) {
      if (drained.has(v)) continue;
      const comp = componentOf.get(v)!;
      if (reported.has(comp)) continue;
      reported.add(comp);
      const leaves = comp.some((w) => g.outs[w]!.some((ref) => !comp.includes(ref.to)));
      if (leaves) continue;
      const node = nodeAt(spec, comp[0]!);
      r.add(
        'dead-end-node',
        pointer('nodes', comp[0]!),
        `${label(node)} does not lead to any sink: connect it to a sink or delete it`,
        node.id,
      );
    }
  }

  // Kahn's algorithm; the ready node with the lowest index goes first, so the order is deterministic.
  const pending = new Map<number, number>();
  for (const v of g.members) pending.set(v, g.ins[v]!.length);
  const ready = g.members.filter((v) => pending.get(v) === 0);
  const order: number[] = [];
  while (ready.length > 0) {
    const v = ready.shift()!;
    order.push(v);
    for (const { to } of g.outs[v]!) {
      const left = pending.get(to)! - 1;
      pending.set(to, left);
      if (left === 0) {
        const at = ready.findIndex((w) => w > to);
        ready.splice(at === -1 ? ready.length : at, 0, to);
      }
    }
  }
  return order;
}
