import { FIELD_TYPES, type JobSpecInput, validateSpec } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { createNode, defaultGenerator } from '../palette';
import { type FlowNode, type FlowNodeDataOf, nodeToSpec } from '../types';
import {
  addSchemaField,
  fieldNameProblem,
  GENERATOR_FIELDS,
  GENERATOR_KINDS,
  generatorFieldsFor,
  generatorKindsFor,
  generatorRows,
  nodeForm,
  otherKeys,
  parseListValue,
  readField,
  removeSchemaField,
  renameSchemaField,
  setGeneratorKind,
  setIn,
  setSchemaFieldType,
  withoutChoiceValue,
  writeField,
} from './index';

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
