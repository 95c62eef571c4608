/**
 * The editor store: one zustand (vanilla) store, state and actions typed apart, every edit a list of
 * change objects applied by `applyGraphChanges`. Undo keeps, per step, the changes that undo it;
 * undoing applies them and keeps what redoes it. A drag is one step: the position changes React Flow
 * sends while a drag is under way (`dragging: true`) are folded into the step the drag started.
 *
 * The React layer subscribes with `useStore(store, selector)` and wires React Flow's callbacks to
 * `onNodesChange`, `onEdgesChange`, `connect` and `checkConnection` (for `isValidConnection`).
 */
import { type JobSpecInput, NodeIdSchema } from '@flowstate/spec';
import type { EdgeChange, NodeChange } from '@xyflow/react';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { analyzeGraph, type GraphAnalysis } from './analysis';
import { applyGraphChangesWithInverse, type GraphChange, jobMeta, renameChanges } from './changes';
import { type ConnectionCheck, type ConnectionLike, checkConnection, connectionToEdge } from './connections';
import { graphToSpec, specToGraph } from './convert';
import { writeField, writeJobField } from './inspector';
import { layoutPositions, placeNewNode } from './layout';
import { createNode, type NodeDefaults } from './palette';
import type { FlowEdge, FlowGraph, FlowNode, FlowNodeData, JobMeta, XYPosition } from './types';

export interface EditorState {
  graph: FlowGraph;
  /** Selected node ids and edge ids (edge ids hold `->`, node ids never do). */
  selection: string[];
  /** Undo stack: per step, the changes that undo it; the last is the most recent. */
  past: GraphChange[][];
  /** Redo stack: per undone step, the changes that redo it; the last is the next to redo. */
  future: GraphChange[][];
  /** The graph differs from the one loaded or last saved. */
  dirty: boolean;
}

export type ActionResult = { ok: true } | { ok: false; reason: string };
export type ConnectResult = { ok: true; edgeId: string } | Extract<ConnectionCheck, { ok: false }>;

export interface EditorActions {
  /** Applies changes as one undo step (position changes of one drag fold into one step). */
  applyChanges(changes: GraphChange[]): void;
  /** React Flow's `onNodesChange`: moves, sizes, selection, deletion. */
  onNodesChange(changes: NodeChange<FlowNode>[]): void;
  /** React Flow's `onEdgesChange`: selection and deletion. */
  onEdgesChange(changes: EdgeChange<FlowEdge>[]): void;
  /**
   * Adds a node from a palette item (or a kind's default item) at `position` (a drop), or, without one
   * (a click), right of the selected node — else of the rightmost one — where it overlaps no other node
   * (`placeNewNode`). Selects it and returns its id, so that clicks in a row build a chain.
   */
  addNode(item: string, position?: XYPosition): string;
  /** Adds the edge, or refuses with the reason (nothing changes then). */
  connect(connection: ConnectionLike): ConnectResult;
  /** Merges `patch` into the node's data (`undefined` removes a key). */
  updateNodeData(id: string, patch: Record<string, unknown>): void;
  /**
   * Writes one form field (see `writeField`); `['id']` renames the node. `typing`: the write is one
   * keystroke of a text the form writes as it is typed — consecutive typing writes to the same field are
   * one undo step (any other edit, undo or redo ends the run).
   */
  setField(id: string, path: readonly string[], value: unknown, options?: { typing?: boolean }): ActionResult;
  /** Renames a node, its edges and its selection with it. */
  renameNode(id: string, newId: string): ActionResult;
  /** Changes the job's name, description or settings (`undefined` removes description / settings). */
  updateJob(patch: Partial<JobMeta>): void;
  /** Writes one field of the job form (`['settings', 'parallelism']`). */
  setJobField(path: readonly string[], value: unknown): void;
  /** Deletes the selected nodes (with their edges) and edges, as one step. */
  removeSelection(): void;
  /** Deletes these nodes (with their edges) and edges, as one step. */
  removeElements(ids: readonly string[]): void;
  select(ids: readonly string[]): void;
  undo(): void;
  redo(): void;
  /** Lays the graph out left to right (one undo step). */
  autoLayout(): void;
  /** Replaces everything with this spec: no history, not dirty. */
  load(spec: JobSpecInput): void;
  /**
   * Replaces the canvas with this spec as one undoable step (an import, or an older version opened in
   * the editor): positions from its `layout`, else auto layout. Clears the selection. The caller checks
   * the spec first (`importSpec`); this throws on what a canvas cannot hold.
   */
  replaceSpec(spec: JobSpecInput): void;
  toSpec(): JobSpecInput;
  /** The current graph is what is saved: not dirty (and dirty again after undoing past it). */
  markSaved(): void;
}

export type EditorStore = StoreApi<EditorState & EditorActions>;

export const EMPTY_GRAPH: FlowGraph = { name: 'untitled', nodes: [], edges: [] };

/**
 * What a new pipeline starts as: no nodes and no name yet, and checkpoints every 3 seconds, as the live
 * templates take them — so that its first run can be watched checkpointing, rolled back and resumed
 * without a visit to the job settings first.
 */
export const NEW_PIPELINE_SPEC: JobSpecInput = {
  specVersion: 1,
  name: '',
  settings: { checkpointing: { intervalMs: 3000 } },
  nodes: [],
  edges: [],
};

export interface EditorOptions {
  /** Defaults of new nodes that depend on the studio's surroundings (a data file that exists). */
  nodeDefaults?: NodeDefaults;
}

export function createEditorStore(initial?: JobSpecInput, options: EditorOptions = {}): EditorStore {
  const nodeDefaults = options.nodeDefaults ?? {};
  // Undo bookkeeping kept beside the state: a token per step (to know when the saved step is on top
  // again) and the drag under way, whose position changes fold into the step it started.
  let pastTokens: number[] = [];
  let futureTokens: number[] = [];
  let nextToken = 1;
  let savedToken = 0;
  let openDrag: string | null = null;
  /** The field (node and path) the last commit typed into, while a typing run can still grow. */
  let openTyping: string | null = null;
  const topToken = () => pastTokens[pastTokens.length - 1] ?? 0;

  return createStore<EditorState & EditorActions>()((set, get) => {
    const pruneSelection = (selection: string[], graph: FlowGraph): string[] => {
      const kept = selection.filter(
        (id) => graph.nodes.some((n) => n.id === id) || graph.edges.some((e) => e.id === id),
      );
      return kept.length === selection.length ? selection : kept;
    };

    const commit = (changes: readonly GraphChange[], typingKey?: string): void => {
      const state = get();
      const foldsTyping = typingKey !== undefined && typingKey === openTyping && state.past.length > 0;
      const positional =
        changes.length > 0 && changes.every((c) => c.type === 'position' || c.type === 'dimensions');
      const moves = changes.filter((c) => c.type === 'position');
      const dragging = positional && moves.some((c) => c.dragging === true);
      const dragKey = moves
        .map((c) => c.id)
        .sort()
        .join('\u0000');
      const { graph, inverse } = applyGraphChangesWithInverse(state.graph, changes);
      const folds = openDrag !== null && positional && moves.length > 0 && openDrag === dragKey;
      if (!positional || moves.length > 0) openDrag = dragging ? dragKey : null;
      if (graph === state.graph) return;
      if (inverse.length === 0) {
        // Measured sizes only: not an edit.
        set({ graph });
        return;
      }
      // An edit: a typing run goes on only with another keystroke in the same field (measured sizes, which
      // change as a label is typed, returned above without ending it).
      openTyping = typingKey ?? null;
      let past: GraphChange[][];
      if (folds && state.past.length > 0) {
        const top = state.past[state.past.length - 1]!;
        const moved = new Set(top.map((c) => (c.type === 'position' ? c.id : '')));
        const merged = [...top, ...inverse.filter((c) => c.type === 'position' && !moved.has(c.id))];
        past = [...state.past.slice(0, -1), merged];
        if (topToken() === savedToken) pastTokens[pastTokens.length - 1] = nextToken++;
      } else if (foldsTyping) {
        // The top step already restores the field as it was before the run began.
        past = state.past;
        if (topToken() === savedToken) pastTokens[pastTokens.length - 1] = nextToken++;
      } else {
        past = [...state.past, inverse];
        pastTokens = [...pastTokens, nextToken++];
      }
      futureTokens = [];
      set({
        graph,
        past,
        future: [],
        dirty: topToken() !== savedToken,
        selection: pruneSelection(state.selection, graph),
      });
    };

    const nodeById = (id: string) => get().graph.nodes.find((n) => n.id === id);

    const removeChanges = (ids: readonly string[]): GraphChange[] => {
      const { graph } = get();
      const wanted = new Set(ids);
      const nodes = graph.nodes.filter((n) => wanted.has(n.id)).map((n) => n.id);
      const gone = new Set(nodes);
      const edges = graph.edges
        .filter((e) => wanted.has(e.id) && !gone.has(e.source) && !gone.has(e.target))
        .map((e) => e.id);
      return [
        ...edges.map((id): GraphChange => ({ type: 'removeEdge', id })),
        ...nodes.map((id): GraphChange => ({ type: 'remove', id })),
      ];
    };

    const applySelection = (changes: readonly (NodeChange<FlowNode> | EdgeChange<FlowEdge>)[]) => {
      const selects = changes.filter((c) => c.type === 'select');
      if (selects.length === 0) return;
      const selection = new Set(get().selection);
      for (const c of selects) {
        if (c.selected) selection.add(c.id);
        else selection.delete(c.id);
      }
      get().select([...selection]);
    };

    const replaceData = (id: string, data: FlowNodeData): void => commit([{ type: 'update', id, data }]);

    const historyStep = (from: 'past' | 'future'): void => {
      const state = get();
      const stack = state[from];
      const step = stack[stack.length - 1];
      if (step === undefined) return;
      openDrag = null;
      openTyping = null;
      const { graph, inverse } = applyGraphChangesWithInverse(state.graph, step);
      if (from === 'past') {
        const token = pastTokens[pastTokens.length - 1]!;
        pastTokens = pastTokens.slice(0, -1);
        futureTokens = [...futureTokens, token];
        set({
          graph,
          past: stack.slice(0, -1),
          future: [...state.future, inverse],
          dirty: topToken() !== savedToken,
          selection: pruneSelection(state.selection, graph),
        });
      } else {
        const token = futureTokens[futureTokens.length - 1]!;
        futureTokens = futureTokens.slice(0, -1);
        pastTokens = [...pastTokens, token];
        set({
          graph,
          past: [...state.past, inverse],
          future: stack.slice(0, -1),
          dirty: topToken() !== savedToken,
          selection: pruneSelection(state.selection, graph),
        });
      }
    };

    return {
      graph: initial === undefined ? EMPTY_GRAPH : specToGraph(initial),
      selection: [],
      past: [],
      future: [],
      dirty: false,

      applyChanges: (changes) => commit(changes),

      onNodesChange: (changes) => {
        const edits: GraphChange[] = [];
        const removed: string[] = [];
        for (const c of changes) {
          switch (c.type) {
            case 'position': {
              const position = c.position ?? nodeById(c.id)?.position;
              if (position !== undefined) {
                edits.push({
                  type: 'position',
                  id: c.id,
                  position,
                  ...(c.dragging === undefined ? {} : { dragging: c.dragging }),
                });
              }
              break;
            }
            case 'dimensions':
              if (c.dimensions !== undefined)
                edits.push({ type: 'dimensions', id: c.id, measured: c.dimensions });
              break;
            case 'remove':
              removed.push(c.id);
              break;
            case 'add':
              edits.push({ type: 'add', node: c.item, ...(c.index === undefined ? {} : { index: c.index }) });
              break;
            case 'replace':
              edits.push({ type: 'update', id: c.id, data: c.item.data });
              edits.push({ type: 'position', id: c.id, position: c.item.position });
              break;
            case 'select':
              break;
          }
        }
        if (edits.length > 0) commit(edits);
        if (removed.length > 0) get().removeElements(removed);
        applySelection(changes);
      },

      onEdgesChange: (changes) => {
        const removed = changes.filter((c) => c.type === 'remove').map((c) => c.id);
        // Deleting a node makes React Flow send the removal of its edges separately; those are gone
        // already (with the node, in the same undo step), so this is then a no-op.
        if (removed.length > 0) get().removeElements(removed);
        applySelection(changes);
      },

      addNode: (item, position) => {
        const { graph } = get();
        const node = createNode(
          item,
          position ?? placeNewNode(graph.nodes, get().selection),
          graph.nodes.map((n) => n.id),
          nodeDefaults,
        );
        commit([{ type: 'add', node }]);
        set({ selection: [node.id] });
        return node.id;
      },

      connect: (connection) => {
        const check = checkConnection(get().graph, connection);
        if (!check.ok) return check;
        const edge = connectionToEdge(connection, get().graph);
        commit([{ type: 'addEdge', edge }]);
        return { ok: true, edgeId: edge.id };
      },

      updateNodeData: (id, patch) => {
        const node = nodeById(id);
        if (node === undefined) return;
        let data = node.data as Record<string, unknown>;
        for (const [key, value] of Object.entries(patch)) data = setKeyKeepingOrder(data, key, value);
        replaceData(id, data as FlowNodeData);
      },

      setField: (id, path, value, options) => {
        if (path.length === 1 && path[0] === 'id') return get().renameNode(id, String(value ?? ''));
        const node = nodeById(id);
        if (node === undefined) return { ok: false, reason: `there is no node '${id}'` };
        const typingKey = options?.typing ? `${id}\u0000${path.join('\u0000')}` : undefined;
        commit([{ type: 'update', id, data: writeField(node, path, value, nodeDefaults) }], typingKey);
        return { ok: true };
      },

      renameNode: (id, newId) => {
        const { graph } = get();
        const refused = renameProblem(graph, id, newId);
        if (refused !== null) return { ok: false, reason: refused };
        if (id === newId) return { ok: true };
        const selected = get().selection.includes(id);
        commit(renameChanges(graph, id, newId));
        if (selected) set({ selection: [...get().selection, newId] });
        return { ok: true };
      },

      updateJob: (patch) => {
        let job: Record<string, unknown> = { ...jobMeta(get().graph) };
        for (const [key, value] of Object.entries(patch)) job = setKeyKeepingOrder(job, key, value);
        commit([{ type: 'job', job: job as unknown as JobMeta }]);
      },

      setJobField: (path, value) => {
        commit([{ type: 'job', job: writeJobField(jobMeta(get().graph), path, value) }]);
      },

      removeSelection: () => get().removeElements(get().selection),

      removeElements: (ids) => {
        const changes = removeChanges(ids);
        if (changes.length > 0) commit(changes);
      },

      select: (ids) => {
        const { graph, selection } = get();
        const next = pruneSelection([...new Set(ids)], graph);
        if (next.length === selection.length && next.every((id, i) => id === selection[i])) return;
        set({ selection: next });
      },

      undo: () => historyStep('past'),
      redo: () => historyStep('future'),

      autoLayout: () => {
        const { graph } = get();
        const positions = layoutPositions(graph.nodes, graph.edges);
        commit(
          graph.nodes.map(
            (n): GraphChange => ({ type: 'position', id: n.id, position: positions.get(n.id)! }),
          ),
        );
      },

      load: (spec) => {
        pastTokens = [];
        futureTokens = [];
        savedToken = 0;
        openDrag = null;
        openTyping = null;
        set({ graph: specToGraph(spec), selection: [], past: [], future: [], dirty: false });
      },

      replaceSpec: (spec) => {
        const { graph } = get();
        const next = specToGraph(spec);
        const changes: GraphChange[] = [
          ...graph.edges.map((e): GraphChange => ({ type: 'removeEdge', id: e.id })),
          ...graph.nodes.map((n): GraphChange => ({ type: 'remove', id: n.id })),
          { type: 'job', job: jobMeta(next) },
          ...next.nodes.map((node): GraphChange => ({ type: 'add', node })),
          ...next.edges.map((edge): GraphChange => ({ type: 'addEdge', edge })),
        ];
        openDrag = null;
        set({ selection: [] });
        commit(changes);
      },

      toSpec: () => graphToSpec(get().graph),

      markSaved: () => {
        openDrag = null;
        openTyping = null;
        savedToken = topToken();
        set({ dirty: false });
      },
    };
  });
}

/** `record` with `key` set (in place, keeping its position) or removed when `value` is undefined. */
function setKeyKeepingOrder(
  record: Record<string, unknown>,
  key: string,
  value: unknown,
): Record<string, unknown> {
  if (value === undefined) {
    if (!Object.hasOwn(record, key)) return record;
    const { [key]: _removed, ...rest } = record;
    return rest;
  }
  if (Object.hasOwn(record, key)) {
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, k === key ? value : v]));
  }
  return { ...record, [key]: value };
}

/** Where a node added without a position goes: right of the rightmost node, at its height. */
// -------------------------------------------------------------------------------------------- selectors

export const selectCanUndo = (s: EditorState): boolean => s.past.length > 0;
export const selectCanRedo = (s: EditorState): boolean => s.future.length > 0;
export const selectAnalysis = (s: EditorState): GraphAnalysis => analyzeGraph(s.graph);

/** The one selected node, when exactly one node is selected (what the inspector shows). */
export const selectInspectedNode = (s: EditorState): FlowNode | undefined => {
  const nodes = s.graph.nodes.filter((n) => s.selection.includes(n.id));
  return nodes.length === 1 ? nodes[0] : undefined;
};

const specCache = new WeakMap<FlowGraph, JobSpecInput>();
/** The spec the canvas serializes to (memoized per graph: for the read-only JSON view). */
export const selectSpec = (s: EditorState): JobSpecInput => {
  let spec = specCache.get(s.graph);
  if (spec === undefined) specCache.set(s.graph, (spec = graphToSpec(s.graph)));
  return spec;
};

function decorate<T extends { id: string; selected?: boolean }>(): (items: T[], selection: string[]) => T[] {
  let lastItems: T[] | null = null;
  let lastSelection: string[] | null = null;
  let lastResult: T[] = [];
  const cache = new WeakMap<T, { selected: boolean; item: T }>();
  return (items, selection) => {
    if (items === lastItems && selection === lastSelection) return lastResult;
    const selected = new Set(selection);
    lastResult = items.map((item) => {
      const want = selected.has(item.id);
      const hit = cache.get(item);
      if (hit !== undefined && hit.selected === want) return hit.item;
      const out = { ...item, selected: want };
      cache.set(item, { selected: want, item: out });
      return out;
    });
    lastItems = items;
    lastSelection = selection;
    return lastResult;
  };
}

/**
 * Selectors for React Flow's controlled `nodes` / `edges`: the graph's items with `selected` set,
 * the same objects as long as neither the item nor its selection changed. Make one per component
 * (`useMemo(makeSelectFlowNodes, [])`) so that each keeps its own memo.
 */
export function makeSelectFlowNodes(): (s: EditorState) => FlowNode[] {
  const run = decorate<FlowNode>();
  return (s) => run(s.graph.nodes, s.selection);
}

export function makeSelectFlowEdges(): (s: EditorState) => FlowEdge[] {
  const run = decorate<FlowEdge>();
  return (s) => run(s.graph.edges, s.selection);
}

// -------------------------------------------------------------------------------------------- shortcuts

export type EditorCommand = 'undo' | 'redo' | 'delete';

/**
 * The command a key press means on the canvas: Ctrl/⌘+Z undo, Ctrl/⌘+Shift+Z (or Ctrl+Y) redo,
 * Delete/Backspace delete. The React layer ignores key presses inside text fields before asking.
 */
export function commandForKey(event: {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  shiftKey?: boolean;
  altKey?: boolean;
}): EditorCommand | null {
  const mod = event.ctrlKey === true || event.metaKey === true;
  const key = event.key.toLowerCase();
  if (event.altKey === true) return null;
  if (mod && key === 'z') return event.shiftKey === true ? 'redo' : 'undo';
  if (mod && key === 'y' && event.shiftKey !== true) return 'redo';
  if (!mod && (event.key === 'Delete' || event.key === 'Backspace')) return 'delete';
  return null;
}
/** Why node `id` cannot be renamed to `newId` (not a valid id, or taken), or null when it can. */
export function renameProblem(graph: FlowGraph, id: string, newId: string): string | null {
  if (!graph.nodes.some((n) => n.id === id)) return `there is no node '${id}'`;
  if (id === newId) return null;
  const valid = NodeIdSchema.safeParse(newId);
  if (!valid.success) return valid.error.issues[0]?.message ?? 'not a valid id';
  if (graph.nodes.some((n) => n.id === newId)) return `the id '${newId}' is already used by another node`;
  return null;
}
