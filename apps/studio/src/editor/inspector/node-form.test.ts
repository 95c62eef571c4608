import { type JobSpecInput, validateSpec } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { jobMeta } from '../changes';
import { specToGraph } from '../convert';
import { createNode, PALETTE_ITEMS, paletteItem } from '../palette';
import { loadExamples, wiredSpec } from '../test-support';
import { type FlowNode, type FlowNodeDataOf, nodeToSpec } from '../types';
import {
  addSchemaField,
  type FormField,
  fileFormatOfPath,
  jobForm,
  nodeForm,
  nodeSummary,
  readField,
  renameKey,
  setIn,
  writeField,
  writeJobField,
} from './index';

const errors = (spec: JobSpecInput) =>
  validateSpec(spec).problems.filter((p) => !p.code.startsWith('warning/'));

/** The node wired between the default source (and a keyBy; a source on each side of a join) and the default sink. */
const wired = (node: FlowNode): JobSpecInput => wiredSpec(nodeToSpec(node));

const withData = (node: FlowNode, data: unknown): FlowNode => ({ ...node, data }) as FlowNode;

/** A value the spec accepts for a simple field. */
function sample(field: FormField): unknown[] {
  switch (field.input) {
    case 'number': {
      const special: Record<string, number> = {
        'assigner.sizeMs': 5000,
        'assigner.slideMs': 1000,
        'assigner.gapMs': 1000,
        'connector.count': 10,
      };
      return [
        special[field.key] ??
          (typeof field.defaultValue === 'number' ? field.defaultValue : (field.min ?? 1)),
      ];
    }
    case 'text':
      return [
        { name: 'A name', as: 'piece', 'connector.path': 'data/x.txt', 'connector.delimiter': ';' }[
          field.key
        ],
      ];
    case 'select':
      return (field.options ?? []).map((o) => o.value);
    default:
      return [];
  }
}

/** Every palette item's default node (a keyBy keyed by the default source's `category`). */
const variants = PALETTE_ITEMS.map((item) => {
  const node = createNode(item.id, { x: 0, y: 0 }, []);
  return [item.id, item.kind === 'keyBy' ? withData(node, { key: ['category'] }) : node] as const;
});

describe('inspector forms', () => {
  it.each(variants)('%s: has a form with the general fields and unique keys', (_, node) => {
    const sections = nodeForm(node);
    expect(sections[0]!.fields.map((f) => f.key)).toEqual(['id', 'name', 'parallelism']);
    const keys = sections.flatMap((s) => s.fields.map((f) => f.key));
    expect(new Set(keys).size).toBe(keys.length);
    expect(readField(node, ['id'])).toBe(node.id);
  });

  it.each(variants)('%s: every simple field writes something the spec knows', (_, node) => {
    expect(errors(wired(node))).toEqual([]);
    // An optional section's fields show only when it is switched on.
    const shown = nodeForm(node).filter(
      (s) => s.optional === undefined || readField(node, s.optional.path) !== undefined,
    );
    for (const field of shown.flatMap((s) => s.fields)) {
      if (field.variant || field.key === 'id') continue;
      for (const value of sample(field)) {
        if (value === undefined) continue;
        const next = withData(node, writeField(node, field.path, value));
        expect(readField(next, field.path), field.key).toEqual(value);
        expect(errors(wired(next)), `${field.key} = ${JSON.stringify(value)}`).toEqual([]);
      }
    }
  });

  it('shows the connector fields of the connector type, and the watermark as optional', () => {
    const keys = (item: string) =>
      nodeForm(createNode(item, { x: 0, y: 0 }, [])).flatMap((s) => s.fields.map((f) => f.key));
    expect(keys('source.file')).toEqual([
      'id',
      'name',
      'parallelism',
      'connector.type',
      'connector.path',
      'connector.format',
      'schema',
      'watermark.timestampField',
      'watermark.maxOutOfOrdernessMs',
      'watermark.idleTimeoutMs',
      'watermark.emitEveryRows',
    ]);
    expect(keys('source.nexmark')).toContain('connector.table');
    expect(keys('sink.collect')).toContain('connector.maxRows');
    expect(keys('window.session')).toContain('assigner.gapMs');
    expect(keys('window.session')).not.toContain('assigner.sizeMs');
    const source = nodeForm(createNode('source', { x: 0, y: 0 }, []));
    expect(source.find((s) => s.id === 'watermark')?.optional?.path).toEqual(['watermark']);
    const nexmarkSchema = nodeForm(createNode('source.nexmark', { x: 0, y: 0 }, []))
      .flatMap((s) => s.fields)
      .find((f) => f.key === 'schema');
    expect(nexmarkSchema).toMatchObject({ readOnly: true });
  });

  it.each([
    ['source', 'source', ['datagen', 'file', 'nexmark', 'datagen']],
    ['sink', 'sink', ['console', 'blackhole', 'file', 'collect']],
  ] as const)('switches the %s connector type to a valid connector each time', (_, item, types) => {
    let node = createNode(item, { x: 0, y: 0 }, []);
    node = withData(node, writeField(node, ['name'], 'Kept'));
    for (const type of types) {
      node = withData(node, writeField(node, ['connector', 'type'], type));
      expect(readField(node, ['connector', 'type'])).toBe(type);
      expect(readField(node, ['name'])).toBe('Kept');
      expect(errors(wired(node)), type).toEqual([]);
    }
  });

  it('switches the window type, keeping the size where both have one', () => {
    let node = createNode('window', { x: 0, y: 0 }, []);
    node = withData(node, writeField(node, ['assigner', 'sizeMs'], 60_000));
    node = withData(node, writeField(node, ['assigner', 'type'], 'sliding'));
    expect(readField(node, ['assigner'])).toEqual({ type: 'sliding', sizeMs: 60_000, slideMs: 2_000 });
    node = withData(node, writeField(node, ['assigner', 'type'], 'session'));
    expect(readField(node, ['assigner'])).toEqual({ type: 'session', gapMs: 30_000 });
    expect(readField(node, ['aggregates'])).toEqual({ count: 'COUNT(*)' });
    expect(errors(wired(node))).toEqual([]);
  });

  it('removes an emptied optional field, and keeps key order when changing one', () => {
    const node = createNode('source', { x: 0, y: 0 }, []);
    const counted = withData(node, writeField(node, ['connector', 'count'], 100));
    expect(Object.keys(readField(counted, ['connector']) as object)).toEqual([
      'type',
      'rowsPerSecond',
      'seed',
      'fields',
      'count',
    ]);
    const uncounted = withData(counted, writeField(counted, ['connector', 'count'], undefined));
    expect(readField(uncounted, ['connector'])).toEqual(readField(node, ['connector']));
    const faster = withData(node, writeField(node, ['connector', 'rowsPerSecond'], 1000));
    expect(Object.keys(readField(faster, ['connector']) as object)).toEqual([
      'type',
      'rowsPerSecond',
      'seed',
      'fields',
    ]);
    const noWatermark = withData(node, writeField(node, ['watermark'], undefined));
    expect(noWatermark.data).not.toHaveProperty('watermark');
    expect(() => writeField(node, ['id'], 'x')).toThrow(/renaming/);
  });

  it('fixes the schema a text file or a Nexmark table gives', () => {
    let node = createNode('source.file', { x: 0, y: 0 }, []);
    node = withData(node, writeField(node, ['connector', 'format'], 'jsonl'));
    node = withData(node, addSchemaField(node.data as FlowNodeDataOf<'source'>, 'ts', 'timestamp'));
    node = withData(node, writeField(node, ['connector', 'format'], 'text'));
    expect(readField(node, ['schema'])).toEqual({ line: 'string' });
    let nexmark = createNode('source.nexmark', { x: 0, y: 0 }, []);
    nexmark = withData(nexmark, setIn(nexmark.data, ['schema'], { x: 'int' }));
    nexmark = withData(nexmark, writeField(nexmark, ['connector', 'table'], 'person'));
    expect(nexmark.data).not.toHaveProperty('schema');
    expect(errors(wired(nexmark))).toEqual([]);
  });

  it('has a job form whose fields all write valid settings', () => {
    const example = loadExamples().find((e) => e.name === 'nexmark-q1')!;
    const graph = specToGraph(example.spec);
    for (const field of jobForm().flatMap((s) => s.fields)) {
      for (const value of field.key === 'name'
        ? ['renamed']
        : field.key === 'description'
          ? ['text']
          : sample(field)) {
        const job = writeJobField(jobMeta(graph), field.path, value);
        const spec = { ...example.spec, ...job };
        expect(errors(spec), `${field.key} = ${JSON.stringify(value)}`).toEqual([]);
      }
    }
  });
});

describe('helpers', () => {
  it('renames record keys in place', () => {
    expect(Object.keys(renameKey({ a: 1, b: 2, c: 3 }, 'b', 'x'))).toEqual(['a', 'x', 'c']);
    const r = { a: 1, b: 2 };
    expect(renameKey(r, 'a', 'b')).toBe(r);
  });

  it('summarizes nodes for the canvas', () => {
    const graph = specToGraph(loadExamples().find((e) => e.name === 'risk-control')!.spec);
    expect(graph.nodes.map((n) => nodeSummary(n))).toEqual([
      'datagen · txnId, ts, userId, amount, merchant',
      'by userId',
      'over range 1 min preceding · spend1m, txns1m, largest1m',
      'spend1m > 4000',
      'collect',
    ]);
    expect(nodeSummary(createNode('source.file', { x: 0, y: 0 }, []))).toBe('file · data/input.txt');
    expect(
      nodeSummary(createNode('source.file', { x: 0, y: 0 }, [], { filePath: '/srv/examples/words.txt' })),
    ).toBe('file · /srv/examples/words.txt');
  });

  it('says which duration is not set instead of NaN', () => {
    const window = (assigner: Record<string, unknown>) =>
      withData(createNode('window', { x: 0, y: 0 }, []), { assigner, aggregates: { count: 'COUNT(*)' } });
    expect(nodeSummary(window({ type: 'tumbling' }))).toBe('tumbling (size not set) · count');
    expect(nodeSummary(window({ type: 'sliding', sizeMs: 60_000, slideMs: 10_000 }))).toBe(
      'sliding 1 min every 10 s · count',
    );
    expect(nodeSummary(window({ type: 'sliding', sizeMs: 60_000 }))).toBe(
      'sliding 1 min every (slide not set) · count',
    );
    expect(nodeSummary(window({ type: 'session', gapMs: '3' }))).toBe('session with no gap set · count');
    expect(nodeSummary(window({ type: 'session', gapMs: 30_000 }))).toBe('session gap 30 s · count');
    expect(nodeSummary(window({}))).toBe('window (size not set) · count');
  });

  it('shows the delimiter for CSV files only, and drops it when the format is no longer CSV', () => {
    const keys = (node: FlowNode) => nodeForm(node).flatMap((x) => x.fields.map((f) => f.key));
    let file = createNode('source.file', { x: 0, y: 0 }, []);
    expect(keys(file)).not.toContain('connector.delimiter');
    file = withData(file, writeField(file, ['connector', 'format'], 'jsonl'));
    expect(keys(file)).not.toContain('connector.delimiter');
    file = withData(file, writeField(file, ['connector', 'format'], 'csv'));
    file = withData(file, writeField(file, ['connector', 'delimiter'], ';'));
    expect(keys(file)).toContain('connector.delimiter');
    file = withData(file, writeField(file, ['connector', 'format'], 'jsonl'));
    expect(readField(file, ['connector'])).toEqual({ type: 'file', path: 'data/input.txt', format: 'jsonl' });
  });

  it('offers the default item of a kind', () => {
    expect(paletteItem('aggregate')?.defaults()).toEqual({ aggregates: { count: 'COUNT(*)' } });
  });

  it('reads the format of a data file from its extension', () => {
    expect(['files/a.jsonl', 'b.NDJSON', '/x/sales.csv', 'words.txt', 'data'].map(fileFormatOfPath)).toEqual([
      'jsonl',
      'jsonl',
      'csv',
      'text',
      'text',
    ]);
  });
});
