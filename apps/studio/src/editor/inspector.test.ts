import { FIELD_TYPES, type JobSpecInput, validateSpec } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { jobMeta } from './changes';
import { specToGraph } from './convert';
import {
  AGGREGATE_FUNCTION_NAMES,
  addAggregate,
  addMapField,
  addSchemaField,
  aggregateFieldsFor,
  aggregateText,
  appendKey,
  describeExpressionProblem,
  draftExpressionProblem,
  type FormField,
  fieldNameProblem,
  formatDuration,
  GENERATOR_FIELDS,
  GENERATOR_KINDS,
  generatorFieldsFor,
  generatorKindsFor,
  generatorRows,
  jobFieldProblems,
  jobForm,
  keyOptions,
  moveKey,
  nodeForm,
  nodeSummary,
  otherKeys,
  parseAggregateRow,
  parseListValue,
  readField,
  removeSchemaField,
  renameKey,
  renameSchemaField,
  setGeneratorKind,
  setIn,
  setSchemaFieldType,
  toggleKey,
  withAggregateFunction,
  withoutChoiceValue,
  writeField,
  writeJobField,
} from './inspector';
import { createNode, defaultGenerator, PALETTE_ITEMS, paletteItem } from './palette';
import { loadExamples } from './test-support';
import { type FlowNode, type FlowNodeDataOf, nodeToSpec } from './types';

const errors = (spec: JobSpecInput) =>
  validateSpec(spec).problems.filter((p) => !p.code.startsWith('warning/'));

/** The node wired between the default source (and a keyBy) and the default sink. */
function wired(node: FlowNode): JobSpecInput {
  const make = (item: string, id: string) => ({
    ...nodeToSpec(createNode(item, { x: 0, y: 0 }, [])),
    id,
    ...(item === 'keyBy' ? { key: ['category'] } : {}),
  });
  const self = nodeToSpec(node);
  const chain =
    node.type === 'source'
      ? [self, make('sink', 'sink1')]
      : node.type === 'sink'
        ? [make('source', 'source1'), self]
        : node.type === 'window' || node.type === 'aggregate'
          ? [make('source', 'source1'), make('keyBy', 'keyBy1'), self, make('sink', 'sink1')]
          : [make('source', 'source1'), self, make('sink', 'sink1')];
  return {
    specVersion: 1,
    name: 'inspector',
    nodes: chain,
    edges: chain.slice(1).map((to, i) => ({ from: chain[i]!.id, to: to.id })),
  };
}

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
    expect(keys('source.file')).toEqual(
      expect.arrayContaining(['connector.path', 'connector.format', 'schema']),
    );
    expect(keys('source.file')).not.toContain('connector.rowsPerSecond');
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

describe('source schema editing', () => {
  const datagen = () => createNode('source', { x: 0, y: 0 }, []);
  const edit = (node: FlowNode, f: (d: FlowNodeDataOf<'source'>) => FlowNodeDataOf<'source'>) =>
    withData(node, f(node.data as FlowNodeDataOf<'source'>));

  it('keeps datagen generators in step with the schema', () => {
    let node = datagen();
    node = edit(node, (d) => addSchemaField(d));
    expect(readField(node, ['schema', 'field1'])).toBe('string');
    expect(readField(node, ['connector', 'fields', 'field1'])).toMatchObject({ kind: 'choice' });
    expect(errors(wired(node))).toEqual([]);

    node = edit(node, (d) => renameSchemaField(d, 'ts', 'eventTime'));
    expect(Object.keys(readField(node, ['schema']) as object)).toEqual([
      'id',
      'category',
      'amount',
      'eventTime',
      'field1',
    ]);
    expect(readField(node, ['watermark', 'timestampField'])).toBe('eventTime');
    expect(errors(wired(node))).toEqual([]);

    node = edit(node, (d) => setSchemaFieldType(d, 'field1', 'bool'));
    expect(readField(node, ['connector', 'fields', 'field1'])).toEqual({
      kind: 'choice',
      values: [true, false],
    });
    node = edit(node, (d) => setSchemaFieldType(d, 'amount', 'float'));
    expect(readField(node, ['connector', 'fields', 'amount'])).toEqual({ kind: 'random', min: 1, max: 100 });
    expect(errors(wired(node))).toEqual([]);

    node = edit(node, (d) => removeSchemaField(d, 'category'));
    expect(readField(node, ['connector', 'fields', 'category'])).toBeUndefined();
    // The default map/filter read `category`; the source alone is still valid.
    expect(errors(wired(node))).toEqual([]);

    node = edit(node, (d) => setGeneratorKind(d, 'id', 'random'));
    expect(readField(node, ['connector', 'fields', 'id'])).toEqual({ kind: 'random', min: 0, max: 100 });
    expect(errors(wired(node))).toEqual([]);
  });

  it('asks the spec package which generators fit which type', () => {
    expect(generatorKindsFor('bool')).toEqual(['choice']);
    expect(generatorKindsFor('string')).toEqual(['random', 'choice']);
    expect(generatorKindsFor('int')).toEqual(['sequence', 'random', 'choice', 'timestamp']);
  });

  it.each(GENERATOR_KINDS)('describes the %s generator’s fields', (kind) => {
    const type = kind === 'timestamp' ? 'timestamp' : 'int';
    let node = edit(datagen(), (d) => setGeneratorKind(setSchemaFieldType(d, 'id', type), 'id', kind));
    for (const field of GENERATOR_FIELDS[kind]) {
      const value =
        field.input === 'values-list'
          ? field.key === 'weights'
            ? [1, 2, 3]
            : [1, 2, 3]
          : field.key === 'nullRate'
            ? 0.5
            : field.key === 'length'
              ? undefined
              : (field.defaultValue ?? 5);
      if (value === undefined) continue;
      node = withData(node, writeField(node, ['connector', 'fields', 'id', ...field.path], value));
    }
    expect(errors(wired(node))).toEqual([]);
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
    expect(graph.nodes.map(nodeSummary)).toEqual([
      'datagen · txnId, ts, userId, amount, merchant',
      'by userId',
      'sliding 1 min every 10 s · total, txns, largest',
      'total > 4000',
      'collect',
    ]);
    expect(nodeSummary(createNode('source.file', { x: 0, y: 0 }, []))).toBe('file · data/input.txt');
  });

  it('formats durations', () => {
    expect([250, 1500, 10_000, 60_000, 90_000, 3_600_000].map(formatDuration)).toEqual([
      '250 ms',
      '1.5 s',
      '10 s',
      '1 min',
      '1.5 min',
      '1 h',
    ]);
  });

  it('offers the default item of a kind', () => {
    expect(paletteItem('aggregate')?.defaults()).toEqual({ aggregates: { count: 'COUNT(*)' } });
  });
});

describe('schema editor model', () => {
  const datagen = () => createNode('source', { x: 0, y: 0 }, []);
  const schemaOf = (node: FlowNode) => readField(node, ['schema']) as Record<string, string>;
  const write = (node: FlowNode, schema: Record<string, string>) =>
    withData(node, writeField(node, ['schema'], schema));

  it('writes a whole schema: a rename in place carries the generator and the watermark with it', () => {
    let node = datagen();
    const generator = readField(node, ['connector', 'fields', 'ts']);
    node = write(node, { id: 'int', category: 'string', amount: 'int', eventTime: 'timestamp' });
    expect(readField(node, ['connector', 'fields', 'eventTime'])).toEqual(generator);
    expect(readField(node, ['connector', 'fields', 'ts'])).toBeUndefined();
    expect(readField(node, ['watermark', 'timestampField'])).toBe('eventTime');
    expect(errors(wired(node))).toEqual([]);
  });

  it('writes a whole schema: added, removed, retyped and reordered fields keep the generators valid', () => {
    let node = datagen();
    node = write(node, { amount: 'float', id: 'int', ts: 'timestamp', flag: 'bool' });
    expect(Object.keys(schemaOf(node))).toEqual(['amount', 'id', 'ts', 'flag']);
    expect(Object.keys(readField(node, ['connector', 'fields']) as object).sort()).toEqual(
      ['amount', 'flag', 'id', 'ts'].sort(),
    );
    expect(readField(node, ['connector', 'fields', 'flag'])).toEqual({
      kind: 'choice',
      values: [true, false],
    });
    // The default filter reads `amount`, which is still there (a float now).
    expect(errors(wired(withData(node, node.data)))).toEqual([]);
  });

  it('flags empty, padded and duplicate names', () => {
    expect(fieldNameProblem('', ['a'])).toMatch(/needs a name/);
    expect(fieldNameProblem(' a', [])).toMatch(/space/);
    expect(fieldNameProblem('a', ['a', 'b'])).toMatch(/already a field called a/);
    expect(fieldNameProblem('c', ['a', 'b'])).toBeNull();
    expect(otherKeys({ a: 1, b: 2, c: 3 }, 'b')).toEqual(['a', 'c']);
  });

  it('makes the schema of a text file and a Nexmark table read-only', () => {
    const schemaField = (node: FlowNode) =>
      nodeForm(node)
        .flatMap((s) => s.fields)
        .find((x) => x.key === 'schema');
    expect(schemaField(createNode('source.file', { x: 0, y: 0 }, []))).toMatchObject({ readOnly: true });
    expect(schemaField(createNode('source.nexmark', { x: 0, y: 0 }, []))).toMatchObject({ readOnly: true });
    expect(schemaField(datagen())?.readOnly).toBeUndefined();
    let csv = createNode('source.file', { x: 0, y: 0 }, []);
    csv = withData(csv, writeField(csv, ['connector', 'format'], 'csv'));
    expect(schemaField(csv)?.readOnly).toBeUndefined();
  });
});

describe('generators editor model', () => {
  const source = (data: unknown) => withData(createNode('source', { x: 0, y: 0 }, []), data);

  it('gives one row per schema field, and flags missing and extra generators', () => {
    const node = createNode('source', { x: 0, y: 0 }, []);
    const data = node.data as FlowNodeDataOf<'source'>;
    expect(generatorRows(data).map((r) => [r.field, r.type, r.status])).toEqual([
      ['id', 'int', 'ok'],
      ['category', 'string', 'ok'],
      ['amount', 'int', 'ok'],
      ['ts', 'timestamp', 'ok'],
    ]);
    let broken = setIn(data, ['schema', 'extra'], 'float');
    broken = setIn(broken, ['connector', 'fields', 'gone'], { kind: 'sequence' });
    const rows = generatorRows(broken);
    expect(rows.find((r) => r.field === 'extra')).toMatchObject({ status: 'missing', generator: undefined });
    expect(rows.at(-1)).toMatchObject({ field: 'gone', type: undefined, status: 'extra' });
    // The one-click fix: a default generator for the field's type; the spec is valid again.
    const fixed = source(
      setIn(
        setIn(broken, ['connector', 'fields', 'extra'], defaultGenerator('float')),
        ['connector', 'fields', 'gone'],
        undefined,
      ),
    );
    expect(errors(wired(fixed))).toEqual([]);
  });

  it.each(FIELD_TYPES)(
    'defaults a %s field to a generator the spec accepts, for every kind it allows',
    (type) => {
      for (const kind of generatorKindsFor(type)) {
        const node = createNode('source', { x: 0, y: 0 }, []);
        const data = setGeneratorKind(
          setSchemaFieldType(node.data as FlowNodeDataOf<'source'>, 'category', type),
          'category',
          kind,
        );
        expect(readField(source(data), ['connector', 'fields', 'category'])).toMatchObject({ kind });
        expect(errors(wired(source(data))), `${type} ${kind}`).toEqual([]);
      }
    },
  );

  it('parses list values by the field type', () => {
    expect(parseListValue('books', 'string')).toEqual({ ok: true, value: 'books' });
    expect(parseListValue('', 'string')).toMatchObject({ ok: false });
    expect(parseListValue(' 42 ', 'int')).toEqual({ ok: true, value: 42 });
    expect(parseListValue('4.2', 'int')).toMatchObject({ ok: false, reason: /whole number/ });
    expect(parseListValue('1700000000000', 'timestamp')).toEqual({ ok: true, value: 1_700_000_000_000 });
    expect(parseListValue('2.5', 'float')).toEqual({ ok: true, value: 2.5 });
    expect(parseListValue('x', 'float')).toMatchObject({ ok: false });
    expect(parseListValue('TRUE', 'bool')).toEqual({ ok: true, value: true });
    expect(parseListValue('yes', 'bool')).toMatchObject({ ok: false, reason: /true or false/ });
    expect(parseListValue('3', 'weight')).toEqual({ ok: true, value: 3 });
    expect(parseListValue('-1', 'weight')).toMatchObject({ ok: false, reason: /negative/ });
  });

  it('shows a random string its length, and a random number its bounds', () => {
    expect(generatorFieldsFor('random', 'string').map((x) => x.key)).toEqual(['length', 'nullRate']);
    expect(generatorFieldsFor('random', 'float').map((x) => x.key)).toEqual(['min', 'max', 'nullRate']);
    expect(generatorFieldsFor('choice', 'int').map((x) => x.key)).toEqual(['values', 'weights']);
  });

  it('removes a choice value with its weight', () => {
    const g = { kind: 'choice', values: ['a', 'b', 'c'], weights: [1, 2, 3] };
    expect(withoutChoiceValue(g, 1)).toEqual({ kind: 'choice', values: ['a', 'c'], weights: [1, 3] });
    expect(withoutChoiceValue({ kind: 'choice', values: ['a', 'b'] }, 0)).toEqual({
      kind: 'choice',
      values: ['b'],
    });
  });
});

describe('map fields editor model', () => {
  it('moves, appends and adds fields', () => {
    const fields = { a: 'x', b: 'y', c: 'z' };
    expect(Object.keys(moveKey(fields, 'b', -1))).toEqual(['b', 'a', 'c']);
    expect(Object.keys(moveKey(fields, 'b', 1))).toEqual(['a', 'c', 'b']);
    expect(moveKey(fields, 'a', -1)).toBe(fields);
    expect(moveKey(fields, 'c', 1)).toBe(fields);
    expect(appendKey(fields, 'a', 'w')).toEqual({ ...fields, a2: 'w' });
    const input = [
      { name: 'a', type: 'int' },
      { name: 'select', type: 'string' },
    ];
    expect(addMapField({ a: 'a' }, input)).toEqual({ a: 'a', select: '`select`' });
    expect(addMapField({ a: 'a', select: 'x' }, input)).toEqual({ a: 'a', select: 'x', field1: '' });
  });

  it('checks a draft expression as if it were written', () => {
    const graph = specToGraph(loadExamples().find((e) => e.name === 'word-count')!.spec);
    expect(draftExpressionProblem(graph, 'nonEmpty', ['where'], "word <> ''")).toBeNull();
    const problem = draftExpressionProblem(graph, 'nonEmpty', ['where'], 'wrd <> 1');
    expect(problem).toMatchObject({ column: 1 });
    expect(describeExpressionProblem(problem!)).toMatch(/^Column 1: .*wrd/);
    expect(describeExpressionProblem(problem!)).not.toMatch(/at column/);
    // The graph itself is untouched.
    expect(readField(graph.nodes.find((n) => n.id === 'nonEmpty')!, ['where'])).toBe("word <> ''");
  });
});

describe('aggregates editor model', () => {
  it.each([
    ['COUNT(*)', { fn: 'COUNT', field: null }],
    ['count(*)', { fn: 'COUNT', field: null }],
    ['COUNT(word)', { fn: 'COUNT', field: 'word' }],
    ['SUM(amount)', { fn: 'SUM', field: 'amount' }],
    ['MAX(`select`)', { fn: 'MAX', field: 'select' }],
    ['LAST_VALUE( ts )', { fn: 'LAST_VALUE', field: 'ts' }],
  ] as const)('reads %s as a row', (text, row) => {
    expect(parseAggregateRow(text)).toEqual(row);
    expect(parseAggregateRow(aggregateText(row))).toEqual(row);
  });

  it.each([
    'SUM(price * qty)',
    'COUNT(DISTINCT x)',
    'SUM(a) / COUNT(*)',
    'LOWER(x)',
    'SUM(',
    'SUM(*)',
    'x',
    '',
  ])('leaves %s to the text box', (text) => {
    expect(parseAggregateRow(text)).toBeNull();
  });

  it('writes the expressions the spec uses', () => {
    expect(aggregateText({ fn: 'COUNT', field: null })).toBe('COUNT(*)');
    expect(aggregateText({ fn: 'AVG', field: 'amount' })).toBe('AVG(amount)');
    expect(aggregateText({ fn: 'MIN', field: 'order' })).toBe('MIN(`order`)');
  });

  it('offers the fields a function can take, and keeps the argument when it fits', () => {
    const input = [
      { name: 'word', type: 'string' },
      { name: 'amount', type: 'int' },
      { name: 'price', type: 'float' },
    ];
    expect(aggregateFieldsFor('SUM', input).map((x) => x.name)).toEqual(['amount', 'price']);
    expect(aggregateFieldsFor('MAX', input).map((x) => x.name)).toEqual(['word', 'amount', 'price']);
    expect(withAggregateFunction({ fn: 'COUNT', field: null }, 'SUM', input)).toEqual({
      fn: 'SUM',
      field: 'amount',
    });
    expect(withAggregateFunction({ fn: 'MAX', field: 'word' }, 'SUM', input)).toEqual({
      fn: 'SUM',
      field: 'amount',
    });
    expect(withAggregateFunction({ fn: 'SUM', field: 'price' }, 'AVG', input)).toEqual({
      fn: 'AVG',
      field: 'price',
    });
    expect(withAggregateFunction({ fn: 'MAX', field: 'word' }, 'COUNT', input)).toEqual({
      fn: 'COUNT',
      field: 'word',
    });
    expect(withAggregateFunction({ fn: 'SUM', field: 'amount' }, 'COUNT', [])).toEqual({
      fn: 'COUNT',
      field: 'amount',
    });
    expect(withAggregateFunction({ fn: 'SUM', field: 'word' }, 'COUNT', input)).toEqual({
      fn: 'COUNT',
      field: 'word',
    });
    expect(addAggregate({ count: 'COUNT(*)' })).toEqual({ count: 'COUNT(*)', count2: 'COUNT(*)' });
  });

  it('every row the form can make is a valid aggregate of the word-count pipeline', () => {
    const example = loadExamples().find((e) => e.name === 'word-count')!.spec;
    for (const fn of AGGREGATE_FUNCTION_NAMES) {
      const row = withAggregateFunction({ fn: 'COUNT', field: null }, fn, [{ name: 'word', type: 'string' }]);
      if (fn === 'SUM' || fn === 'AVG') continue; // no number to sum in word count
      const spec = {
        ...example,
        nodes: example.nodes.map((n) =>
          n.id === 'counts' ? { ...n, aggregates: { x: aggregateText(row) } } : n,
        ),
      } as JobSpecInput;
      expect(errors(spec), fn).toEqual([]);
    }
  });
});

describe('key picker model', () => {
  const input = [{ name: 'word' }, { name: 'line' }];

  it('offers the input fields and flags keys the input does not have', () => {
    expect(keyOptions([], input)).toEqual([
      { name: 'word', checked: false, missing: false },
      { name: 'line', checked: false, missing: false },
    ]);
    expect(keyOptions(['category', 'line'], input)).toEqual([
      { name: 'word', checked: false, missing: false },
      { name: 'line', checked: true, missing: false },
      { name: 'category', checked: true, missing: true },
    ]);
    // Nothing known upstream: the keys are shown, but not called missing.
    expect(keyOptions(['category'], [])).toEqual([{ name: 'category', checked: true, missing: false }]);
  });

  it('checks in the input’s order and unchecks', () => {
    expect(toggleKey([], 'line', true, input)).toEqual(['line']);
    expect(toggleKey(['line'], 'word', true, input)).toEqual(['word', 'line']);
    expect(toggleKey(['category', 'line'], 'word', true, input)).toEqual(['word', 'line', 'category']);
    expect(toggleKey(['word', 'line'], 'word', false, input)).toEqual(['line']);
    expect(toggleKey(['word'], 'word', true, input)).toEqual(['word']);
  });
});

describe('job settings form model', () => {
  const example = () => loadExamples().find((e) => e.name === 'word-count')!.spec;

  it('shows every setting of the spec', () => {
    const keys = jobForm().flatMap((s) => s.fields.map((x) => x.key));
    for (const key of [
      'name',
      'description',
      'settings.parallelism',
      'settings.maxParallelism',
      'settings.stateBackend',
      'settings.rowErrors',
      'settings.checkpointing.intervalMs',
      'settings.checkpointing.minPauseMs',
      'settings.checkpointing.timeoutMs',
      'settings.checkpointing.retained',
      'settings.restart.strategy',
      'settings.restart.maxAttempts',
      'settings.restart.delayMs',
    ]) {
      expect(keys).toContain(key);
    }
  });

  it('shows the fields of the restart strategy, and switching it drops the others', () => {
    const graph = specToGraph(example());
    const restartKeys = (job: ReturnType<typeof jobMeta>) =>
      jobForm(job)
        .find((s) => s.id === 'restart')!
        .fields.map((x) => x.key);
    let job = jobMeta(graph);
    expect(restartKeys(job)).toEqual([
      'settings.restart.strategy',
      'settings.restart.maxAttempts',
      'settings.restart.delayMs',
    ]);
    job = writeJobField(job, ['settings', 'restart', 'strategy'], 'exponential-backoff');
    expect(restartKeys(job)).toContain('settings.restart.backoffMultiplier');
    job = writeJobField(job, ['settings', 'restart', 'backoffMultiplier'], 2);
    job = writeJobField(job, ['settings', 'restart', 'maxDelayMs'], 30_000);
    expect(errors({ ...example(), ...job })).toEqual([]);
    job = writeJobField(job, ['settings', 'restart', 'strategy'], 'fixed-delay');
    expect(job.settings?.restart).toEqual({ strategy: 'fixed-delay', maxAttempts: 3, delayMs: 1000 });
    job = writeJobField(job, ['settings', 'restart', 'strategy'], 'none');
    expect(job.settings?.restart).toEqual({ strategy: 'none' });
    expect(restartKeys(job)).toEqual(['settings.restart.strategy']);
    expect(errors({ ...example(), ...job })).toEqual([]);
    // The other settings are untouched.
    expect(job.settings?.checkpointing).toEqual(example().settings?.checkpointing);
  });

  it('reports the problems of a setting at its path', () => {
    const graph = specToGraph(example());
    const job = writeJobField(jobMeta(graph), ['settings', 'parallelism'], 500);
    const tooHigh = { ...graph, ...job };
    expect(jobFieldProblems(tooHigh, ['settings', 'parallelism'])).toEqual([
      expect.objectContaining({ code: 'parallelism-exceeds-max' }),
    ]);
    expect(jobFieldProblems(graph, ['settings'])).toEqual([]);
  });
});
