/**
 * Editing a source's schema: a field added, renamed, retyped or removed keeps a datagen source's generators
 * in step (and a watermark on a renamed field moves with it).
 */
import type { FieldTypeName, Generator } from '@flowstate/spec';
import { defaultGenerator } from '../palette';
import { type FlowNodeDataOf, isRecord } from '../types';
import { generatorKindsFor } from './generators';
import { removeKey, renameKey, setIn, uniqueName } from './records';

export type SourceData = FlowNodeDataOf<'source'>;

export function generatorsOf(data: SourceData): Record<string, unknown> | null {
  const connector = data.connector as unknown;
  return isRecord(connector) && connector.type === 'datagen' && isRecord(connector.fields)
    ? connector.fields
    : null;
}

function withGenerators(data: SourceData, fields: Record<string, unknown>): SourceData {
  return setIn(data, ['connector', 'fields'], fields);
}

/** Adds a schema field (a datagen source also gets a generator for it). */
export function addSchemaField(data: SourceData, name?: string, type: FieldTypeName = 'string'): SourceData {
  const schema = isRecord(data.schema) ? data.schema : {};
  const field = name ?? uniqueName('field1', Object.keys(schema));
  let next = setIn(data, ['schema', field], type);
  const generators = generatorsOf(next);
  if (generators !== null && !Object.hasOwn(generators, field)) {
    next = withGenerators(next, { ...generators, [field]: defaultGenerator(type) });
  }
  return next;
}

/** Renames a schema field, with its generator and a watermark on it, keeping their order. */
export function renameSchemaField(data: SourceData, from: string, to: string): SourceData {
  const schema = (isRecord(data.schema) ? data.schema : {}) as Record<string, FieldTypeName>;
  if (from === to || to === '' || !Object.hasOwn(schema, from) || Object.hasOwn(schema, to)) return data;
  let next = setIn(data, ['schema'], renameKey(schema, from, to));
  const generators = generatorsOf(next);
  if (generators !== null) next = withGenerators(next, renameKey(generators, from, to));
  if (isRecord(next.watermark) && next.watermark.timestampField === from) {
    next = setIn(next, ['watermark', 'timestampField'], to);
  }
  return next;
}

/** Changes a schema field's type; a datagen source's generator is replaced by one that fits. */
export function setSchemaFieldType(data: SourceData, name: string, type: FieldTypeName): SourceData {
  const schema = isRecord(data.schema) ? data.schema : {};
  if (!Object.hasOwn(schema, name) || schema[name] === type) return data;
  let next = setIn(data, ['schema', name], type);
  const generators = generatorsOf(next);
  if (generators !== null) {
    const current = generators[name];
    const kind = isRecord(current) ? (current.kind as Generator['kind']) : undefined;
    const keep = kind !== undefined && generatorKindsFor(type).includes(kind) && kind !== 'choice';
    if (!keep) next = withGenerators(next, setIn(generators, [name], defaultGenerator(type)));
  }
  return next;
}

/** Removes a schema field and its generator. */
export function removeSchemaField(data: SourceData, name: string): SourceData {
  let next = setIn(data, ['schema', name], undefined);
  const generators = generatorsOf(next);
  if (generators !== null) next = withGenerators(next, removeKey(generators, name));
  return next;
}

/** Switches a datagen field's generator to another kind (with that kind's defaults). */
export function setGeneratorKind(data: SourceData, field: string, kind: Generator['kind']): SourceData {
  const schema = isRecord(data.schema) ? data.schema : {};
  const type = (schema[field] as FieldTypeName | undefined) ?? 'string';
  const generators = generatorsOf(data);
  if (generators === null) return data;
  return withGenerators(data, setIn(generators, [field], defaultGenerator(type, kind)));
}

/**
 * The source's data with `schema` as its schema: the changes from the old schema (a field renamed in
 * place, added, removed, retyped, the order) are applied with the helpers above, so a datagen source's
 * generators and a watermark on a renamed field follow. A field whose name differs at the same
 * position, while neither name is in the other schema, counts as renamed.
 */
export function replaceSchema(data: SourceData, schema: Record<string, FieldTypeName>): SourceData {
  const old = (isRecord(data.schema) ? data.schema : {}) as Record<string, FieldTypeName>;
  const oldNames = Object.keys(old);
  const newNames = Object.keys(schema);
  let next = data;
  if (oldNames.length === newNames.length) {
    oldNames.forEach((from, i) => {
      const to = newNames[i]!;
      if (from !== to && !Object.hasOwn(old, to) && !Object.hasOwn(schema, from)) {
        next = renameSchemaField(next, from, to);
      }
    });
  }
  const current = () => (isRecord(next.schema) ? next.schema : {}) as Record<string, FieldTypeName>;
  for (const name of Object.keys(current())) {
    if (!Object.hasOwn(schema, name)) next = removeSchemaField(next, name);
  }
  for (const [name, type] of Object.entries(schema)) {
    if (!Object.hasOwn(current(), name)) next = addSchemaField(next, name, type);
    else next = setSchemaFieldType(next, name, type);
  }
  return setIn(next, ['schema'], { ...schema });
}
