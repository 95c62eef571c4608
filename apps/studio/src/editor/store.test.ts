import { validateSpec } from '@flowstate/spec';
import type { NodeChange } from '@xyflow/react';
import { describe, expect, it } from 'vitest';
import { graphToSpec } from './convert';
import {
  commandForKey,
  createEditorStore,
  makeSelectFlowNodes,
  NEW_PIPELINE_SPEC,
  renameProblem,
  selectCanRedo,
  selectCanUndo,
  selectInspectedNode,
} from './store';
import { loadExamples } from './test-support';
import type { FlowNode } from './types';

const json = (value: unknown) => JSON.stringify(value);

/** React Flow's changes for dragging `id` through `points` (the last one ends the drag). */
function drag(id: string, points: [number, number][]): NodeChange<FlowNode>[][] {
  return points.map(([x, y], i) => [
    { type: 'position', id, position: { x, y }, dragging: i < points.length - 1 },
  ]);
}

describe('editor store', () => {
  it('undoes and redoes a whole editing session: add, connect, move, update, delete', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    const specs = [json(s().toSpec())];
    const step = () => specs.push(json(s().toSpec()));

    const source = s().addNode('source.file', { x: 0, y: 0 });
    step();
    const words = s().addNode('flatMap', { x: 232, y: 0 });
    step();
    const sink = s().addNode('sink'); // click-to-add: right of the rightmost node
    step();
    expect([source, words, sink]).toEqual(['source1', 'flatMap1', 'sink1']);
    expect(s().graph.nodes[2]!.position).toEqual({ x: 464, y: 0 });

    expect(s().connect({ source, target: words, sourceHandle: 'main', targetHandle: 'in' })).toEqual({
      ok: true,
      edgeId: 'source1->flatMap1',
    });
    step();
    expect(s().connect({ source: words, target: sink, sourceHandle: null, targetHandle: null }).ok).toBe(
      true,
    );
    step();

    // A drag is many position changes but one undo step.
    for (const changes of drag(words, [
      [270, 10],
      [300, 40],
      [320, 80],
      [330, 90],
    ])) {
      s().onNodesChange(changes);
    }
    expect(s().graph.nodes[1]!.position).toEqual({ x: 330, y: 90 });
    step();

    s().updateNodeData(words, { explode: "SPLIT(line, ' ')", as: 'word' });
    step();
    s().setField(sink, ['connector', 'type'], 'console');
    step();
    expect(validateSpec(s().toSpec()).ok).toBe(true);

    // Delete the flatMap: its two edges go with it, in the same step.
    s().select([words]);
    s().removeSelection();
    expect(s().graph.edges).toEqual([]);
    expect(s().selection).toEqual([]);
    step();

    expect(s().past).toHaveLength(specs.length - 1);
    expect(s().dirty).toBe(true);
    for (let i = specs.length - 2; i >= 0; i--) {
      s().undo();
      expect(json(s().toSpec())).toBe(specs[i]);
    }
    expect(selectCanUndo(s())).toBe(false);
    expect(s().dirty).toBe(false);
    s().undo(); // nothing to undo: no-op
    for (let i = 1; i < specs.length; i++) {
      s().redo();
      expect(json(s().toSpec())).toBe(specs[i]);
    }
    expect(selectCanRedo(s())).toBe(false);
  });

  it('keeps two drags apart, and a drag apart from the step before it', () => {
    const store = createEditorStore(loadExamples()[0]!.spec);
    const s = () => store.getState();
    const id = s().graph.nodes[0]!.id;
    const start = s().graph.nodes[0]!.position;
    for (const c of drag(id, [
      [10, 10],
      [20, 20],
    ]))
      s().onNodesChange(c);
    for (const c of drag(id, [
      [30, 30],
      [40, 40],
    ]))
      s().onNodesChange(c);
    expect(s().past).toHaveLength(2);
    s().undo();
    expect(s().graph.nodes[0]!.position).toEqual({ x: 20, y: 20 });
    s().undo();
    expect(s().graph.nodes[0]!.position).toEqual(start);
  });

  it('folds a multi-node drag into one step', () => {
    const store = createEditorStore(loadExamples()[0]!.spec);
    const s = () => store.getState();
    const [a, b] = s().graph.nodes;
    const before = json(s().toSpec());
    for (let i = 1; i <= 5; i++) {
      s().onNodesChange([
        { type: 'position', id: a!.id, position: { x: a!.position.x + i, y: i }, dragging: i < 5 },
        { type: 'position', id: b!.id, position: { x: b!.position.x + i, y: i }, dragging: i < 5 },
      ]);
    }
    expect(s().past).toHaveLength(1);
    s().undo();
    expect(json(s().toSpec())).toBe(before);
  });

  it('refuses a connection with its reason and changes nothing', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    const source = s().addNode('source', { x: 0, y: 0 });
    const window = s().addNode('window', { x: 300, y: 0 });
    const past = s().past;
    expect(s().connect({ source, target: window, sourceHandle: null, targetHandle: null })).toEqual({
      ok: false,
      code: 'not-keyed',
      reason: "window 'window1' needs a keyed stream: add a keyBy before it",
    });
    expect(s().past).toBe(past);
    expect(s().graph.edges).toEqual([]);
  });

  it('deletes by React Flow’s remove changes: node and edges in one step', () => {
    const example = loadExamples().find((e) => e.name === 'word-count')!;
    const store = createEditorStore(example.spec);
    const s = () => store.getState();
    s().onNodesChange([{ type: 'remove', id: 'nonEmpty' }]);
    // React Flow then reports the node's edges as removed too: already gone, no second step.
    s().onEdgesChange([
      { type: 'remove', id: 'words->nonEmpty' },
      { type: 'remove', id: 'nonEmpty->byWord' },
    ]);
    expect(s().past).toHaveLength(1);
    expect(s().graph.edges).toHaveLength(3);
    s().undo();
    expect(json(s().toSpec())).toBe(json(example.spec));
  });

  it('removes selected edges alone', () => {
    const store = createEditorStore(loadExamples().find((e) => e.name === 'word-count')!.spec);
    const s = () => store.getState();
    s().onEdgesChange([{ type: 'select', id: 'words->nonEmpty', selected: true }]);
    expect(s().selection).toEqual(['words->nonEmpty']);
    s().removeSelection();
    expect(s().graph.nodes).toHaveLength(6);
    expect(s().graph.edges.map((e) => e.id)).not.toContain('words->nonEmpty');
  });

  it('records measured sizes without history or dirtiness', () => {
    const store = createEditorStore(loadExamples()[0]!.spec);
    const s = () => store.getState();
    const id = s().graph.nodes[0]!.id;
    s().onNodesChange([{ type: 'dimensions', id, dimensions: { width: 240, height: 90 } }]);
    expect(s().graph.nodes[0]!.measured).toEqual({ width: 240, height: 90 });
    expect(s().past).toEqual([]);
    expect(s().dirty).toBe(false);
  });

  it('tracks selection from React Flow and for the inspector', () => {
    const store = createEditorStore(loadExamples()[0]!.spec);
    const s = () => store.getState();
    const [a, b] = s().graph.nodes;
    s().onNodesChange([{ type: 'select', id: a!.id, selected: true }]);
    expect(selectInspectedNode(s())?.id).toBe(a!.id);
    s().onNodesChange([{ type: 'select', id: b!.id, selected: true }]);
    expect(selectInspectedNode(s())).toBeUndefined();
    s().onNodesChange([{ type: 'select', id: a!.id, selected: false }]);
    expect(s().selection).toEqual([b!.id]);
    s().select(['ghost', b!.id]);
    expect(s().selection).toEqual([b!.id]);
  });

  it('gives React Flow stable node objects with selected set', () => {
    const store = createEditorStore(loadExamples()[0]!.spec);
    const s = () => store.getState();
    const selectNodes = makeSelectFlowNodes();
    const first = selectNodes(s());
    expect(selectNodes(s())).toBe(first);
    s().select([first[1]!.id]);
    const second = selectNodes(s());
    expect(second[0]).toBe(first[0]);
    expect(second[1]).toMatchObject({ id: first[1]!.id, selected: true });
  });

  it('is dirty until saved, and clean again when undo or redo comes back to the save', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    s().addNode('source');
    s().addNode('sink');
    expect(s().dirty).toBe(true);
    s().markSaved();
    expect(s().dirty).toBe(false);
    s().undo();
    expect(s().dirty).toBe(true);
    s().redo();
    expect(s().dirty).toBe(false);
    s().undo();
    s().addNode('filter'); // a new branch: the saved state cannot come back by redo
    expect(s().dirty).toBe(true);
    expect(selectCanRedo(s())).toBe(false);
  });

  it('loads a spec with fresh history and gives it back', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    s().addNode('source');
    for (const example of loadExamples()) {
      s().load(example.spec);
      expect(s()).toMatchObject({ past: [], future: [], dirty: false, selection: [] });
      expect(json(s().toSpec())).toBe(json(example.spec));
    }
  });

  it('renames a node through the id field, with its edges and selection; undo renames it back', () => {
    const example = loadExamples().find((e) => e.name === 'word-count')!;
    const store = createEditorStore(example.spec);
    const s = () => store.getState();
    s().select(['words']);
    expect(s().setField('words', ['id'], 'split')).toEqual({ ok: true });
    expect(s().selection).toEqual(['split']);
    expect(s().toSpec().edges).toContainEqual({ from: 'lines', to: 'split' });
    expect(validateSpec(s().toSpec()).ok).toBe(true);
    expect(s().renameNode('split', 'lines')).toEqual({
      ok: false,
      reason: "the id 'lines' is already used by another node",
    });
    expect(s().renameNode('split', '9lives')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/starts with a letter/),
    });
    s().undo();
    expect(json(s().toSpec())).toBe(json(example.spec));
  });

  it('changes job settings as undoable steps', () => {
    const example = loadExamples().find((e) => e.name === 'nexmark-q1')!;
    const store = createEditorStore(example.spec);
    const s = () => store.getState();
    s().setJobField(['settings', 'checkpointing', 'intervalMs'], 5000);
    s().updateJob({ name: 'q1', description: undefined });
    expect(s().toSpec()).toMatchObject({ name: 'q1', settings: { checkpointing: { intervalMs: 5000 } } });
    expect(s().toSpec().description).toBeUndefined();
    expect(validateSpec(s().toSpec()).ok).toBe(true);
    s().undo();
    s().undo();
    expect(json(s().toSpec())).toBe(json(example.spec));
  });

  it('auto-lays out in one undo step', () => {
    const example = loadExamples().find((e) => e.name === 'word-count')!;
    const store = createEditorStore(example.spec);
    const s = () => store.getState();
    s().graph.nodes.forEach((node, i) => {
      s().applyChanges([
        { type: 'position', id: node.id, position: { x: (i * 137) % 500, y: (i * 71) % 300 } },
      ]);
    });
    const past = s().past.length;
    s().autoLayout();
    expect(s().past).toHaveLength(past + 1);
    expect(s().toSpec().layout).toEqual(example.spec.layout);
    s().autoLayout(); // already laid out: nothing to do
    expect(s().past).toHaveLength(past + 1);
  });

  it('replaces the canvas with another spec as one undoable step (import, opening a version)', () => {
    const examples = loadExamples();
    const wordCount = examples.find((e) => e.name === 'word-count')!;
    const other = examples.find((e) => e.name === 'nexmark-q1')!;
    const store = createEditorStore(wordCount.spec);
    const s = () => store.getState();
    s().select(['words']);
    s().replaceSpec(other.spec);
    expect(json(s().toSpec())).toBe(json(other.spec));
    expect(s()).toMatchObject({ dirty: true, selection: [] });
    expect(s().past).toHaveLength(1);
    s().undo();
    expect(json(s().toSpec())).toBe(json(wordCount.spec));
    expect(s().dirty).toBe(false);
    s().redo();
    expect(json(s().toSpec())).toBe(json(other.spec));
    // The same spec again (node ids shared with the canvas): still one step, still exact.
    s().replaceSpec(other.spec);
    expect(s().past).toHaveLength(2);
    expect(json(s().toSpec())).toBe(json(other.spec));
  });

  it('replaces an empty canvas, laying out a spec without positions', () => {
    const store = createEditorStore({ specVersion: 1, name: '', nodes: [], edges: [] });
    const s = () => store.getState();
    const wordCount = loadExamples().find((e) => e.name === 'word-count')!;
    const { layout, ...bare } = wordCount.spec;
    s().replaceSpec(bare);
    expect(s().toSpec().layout).toEqual(layout);
    expect(s().toSpec().name).toBe('word-count');
    s().undo();
    expect(s().toSpec()).toEqual({ specVersion: 1, name: '', nodes: [], edges: [], layout: {} });
  });

  it('starts a new pipeline with checkpoints every 3 s; clicked nodes form a chain, new file sources read the given file', () => {
    const store = createEditorStore(NEW_PIPELINE_SPEC, {
      nodeDefaults: { filePath: '/repo/examples/word-count/data/words.txt' },
    });
    expect(store.getState().toSpec().settings).toEqual({ checkpointing: { intervalMs: 3000 } });
    const ids = ['source.file', 'flatMap', 'filter', 'keyBy'].map((item) => store.getState().addNode(item));
    expect(ids).toEqual(['source1', 'flatMap1', 'filter1', 'keyBy1']);
    expect(store.getState().graph.nodes.map((n) => n.position)).toEqual([
      { x: 0, y: 0 },
      { x: 232, y: 0 },
      { x: 464, y: 0 },
      { x: 696, y: 0 },
    ]);
    expect(store.getState().toSpec().nodes[0]).toMatchObject({
      connector: { type: 'file', path: '/repo/examples/word-count/data/words.txt', format: 'text' },
    });
    // A datagen source switched to a file reads the same file.
    const other = store.getState().addNode('source.datagen');
    store.getState().setField(other, ['connector', 'type'], 'file');
    expect(
      store
        .getState()
        .toSpec()
        .nodes.find((n) => n.id === other),
    ).toMatchObject({
      connector: { type: 'file', path: '/repo/examples/word-count/data/words.txt' },
    });
  });

  it('serializes what it holds', () => {
    const store = createEditorStore(loadExamples()[0]!.spec);
    expect(store.getState().toSpec()).toEqual(graphToSpec(store.getState().graph));
  });
});

describe('commandForKey', () => {
  it('maps Ctrl+Z / Ctrl+Shift+Z / Delete', () => {
    expect(commandForKey({ key: 'z', ctrlKey: true })).toBe('undo');
    expect(commandForKey({ key: 'z', metaKey: true })).toBe('undo');
    expect(commandForKey({ key: 'Z', ctrlKey: true, shiftKey: true })).toBe('redo');
    expect(commandForKey({ key: 'y', ctrlKey: true })).toBe('redo');
    expect(commandForKey({ key: 'Delete' })).toBe('delete');
    expect(commandForKey({ key: 'Backspace' })).toBe('delete');
    expect(commandForKey({ key: 'z' })).toBeNull();
    expect(commandForKey({ key: 'Delete', ctrlKey: true })).toBeNull();
  });
});

describe('typing into a form field', () => {
  it('is one undo step per run of keystrokes in one field', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    const id = s().addNode('filter', { x: 0, y: 0 });
    const where = () => (s().graph.nodes[0]!.data as { where?: string }).where;
    const before = where();
    for (const text of ['a', 'am', 'amo', 'amou']) s().setField(id, ['where'], text, { typing: true });
    expect(where()).toBe('amou');
    expect(s().past).toHaveLength(2); // the add, the typing run
    s().undo();
    expect(where()).toBe(before);
    s().redo();
    expect(where()).toBe('amou');
  });

  it('starts a new step after another field, another edit, an undo or a save', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    const id = s().addNode('filter', { x: 0, y: 0 });
    const type = (path: string[], text: string) => s().setField(id, path, text, { typing: true });
    type(['where'], 'x > 1');
    type(['name'], 'Big'); // another field
    type(['where'], 'x > 2');
    expect(s().past).toHaveLength(4);
    s().updateNodeData(id, { parallelism: 2 }); // another edit
    type(['where'], 'x > 3');
    expect(s().past).toHaveLength(6);
    s().markSaved();
    type(['where'], 'x > 4'); // after a save: the saved text stays an undo point
    expect(s().past).toHaveLength(7);
    expect(s().dirty).toBe(true);
    s().undo();
    expect(s().dirty).toBe(false);
    type(['where'], 'x > 5'); // after an undo
    expect(s().past).toHaveLength(7);
    // Without `typing`, every write is its own step (a select, a committed draft).
    s().setField(id, ['where'], 'x > 6');
    s().setField(id, ['where'], 'x > 7');
    expect(s().past).toHaveLength(9);
  });
});

describe('renameProblem', () => {
  it('says why an id cannot be used, as renameNode refuses it', () => {
    const store = createEditorStore();
    const s = () => store.getState();
    const a = s().addNode('filter', { x: 0, y: 0 });
    const b = s().addNode('filter', { x: 260, y: 0 });
    expect(renameProblem(s().graph, a, a)).toBeNull();
    expect(renameProblem(s().graph, a, 'fresh')).toBeNull();
    expect(renameProblem(s().graph, a, b)).toBe(`the id '${b}' is already used by another node`);
    expect(renameProblem(s().graph, a, '1bad')).not.toBeNull();
    expect(renameProblem(s().graph, 'ghost', 'x')).toBe("there is no node 'ghost'");
    expect(s().renameNode(a, b)).toEqual({ ok: false, reason: renameProblem(s().graph, a, b) });
    expect(s().renameNode(a, 'fresh')).toEqual({ ok: true });
  });
});
