/** Source rules: schema (declared, fixed by the connector, or missing), datagen generators, watermark field. */
import type { FieldType, RowSchema } from '../expr/index';
import { NEXMARK_SCHEMAS } from '../nexmark';
import type { DatagenSource, Generator, SourceNode } from '../schema';
import { label, type Reporter } from './codes';
import { pointer } from './pointer';
import { fieldType, formatSchema, sameSchema } from './schemas';
import { didYouMean, list, orList, quote, show } from './text';

/** The schema of a `file` source with format `text`: one field per line. */
export const TEXT_LINE_SCHEMA: RowSchema = Object.freeze({ line: 'string' });

/**
 * The schema of the rows a source emits: its declared `schema`, else the one its connector fixes
 * (the Nexmark table's, or `{ line: string }` for a text file), else `null` (a schema is missing).
 */
export function sourceSchema(node: SourceNode): RowSchema | null {
  if (node.schema !== undefined) return node.schema;
  return fixedSchema(node);
}

function fixedSchema(node: SourceNode): RowSchema | null {
  const connector = node.connector;
  if (connector.type === 'nexmark') return NEXMARK_SCHEMAS[connector.table];
  if (connector.type === 'file' && connector.format === 'text') return TEXT_LINE_SCHEMA;
  return null;
}

/** Which generators can produce which field type (after Flink's datagen connector). */
const GENERATORS_FOR: Readonly<Record<FieldType, readonly Generator['kind'][]>> = {
  string: ['random', 'choice'],
  int: ['sequence', 'random', 'choice', 'timestamp'],
  float: ['sequence', 'random', 'choice'],
  bool: ['choice'],
  timestamp: ['timestamp', 'sequence', 'choice'],
};

function fitsType(value: string | number | boolean, type: FieldType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'bool':
      return typeof value === 'boolean';
    case 'float':
      return typeof value === 'number';
    case 'int':
    case 'timestamp':
      return typeof value === 'number' && Number.isInteger(value);
  }
}

function checkDatagen(
  node: SourceNode,
  index: number,
  connector: DatagenSource,
  schema: RowSchema,
  r: Reporter,
): void {
  const fieldsPath = ['nodes', index, 'connector', 'fields'] as const;
  const generators = connector.fields;
  const schemaFields = Object.keys(schema);
  for (const field of schemaFields) {
    if (!Object.hasOwn(generators, field)) {
      r.add(
        'missing-generator',
        pointer(...fieldsPath, field),
        `datagen ${label(node)}: schema field ${quote(field)} has no generator: add one under connector.fields, e.g. "${field}": {"kind": "${GENERATORS_FOR[schema[field]!][0]}"}`,
        node.id,
      );
    }
  }
  for (const [field, generator] of Object.entries(generators)) {
    const path = [...fieldsPath, field] as const;
    const type = fieldType(schema, field);
    if (type === undefined) {
      r.add(
        'unknown-field',
        pointer(...path),
        `datagen ${label(node)}: there is a generator for ${quote(field)}, but the schema has no such field${didYouMean(field, schemaFields)} (fields: ${list(schemaFields)}): add it to the schema or delete the generator`,
        node.id,
      );
      continue;
    }
    const what = `datagen ${label(node)}, field ${quote(field)}`;
    const allowed = GENERATORS_FOR[type];
    if (!allowed.includes(generator.kind)) {
      r.add(
        'generator-type-mismatch',
        pointer(...path, 'kind'),
        `${what}: a ${generator.kind} generator cannot produce a ${type}: use a ${orList(allowed)} generator${type === 'bool' ? ' (e.g. {"kind": "choice", "values": [true, false]})' : ''}`,
        node.id,
      );
      continue;
    }
    switch (generator.kind) {
      case 'random':
        if (generator.min > generator.max) {
          r.add(
            'invalid-generator',
            pointer(...path, 'max'),
            `${what}: random min (${generator.min}) is greater than max (${generator.max}): swap them`,
            node.id,
          );
        }
        break;
      case 'sequence':
        if (generator.end !== undefined && generator.end < generator.start) {
          r.add(
            'invalid-generator',
            pointer(...path, 'end'),
            `${what}: sequence end (${generator.end}) is before start (${generator.start}): make end at least start`,
            node.id,
          );
        }
        break;
      case 'choice': {
        generator.values.forEach((value, i) => {
          if (!fitsType(value, type)) {
            r.add(
              'generator-type-mismatch',
              pointer(...path, 'values', i),
              `${what}: choice value ${show(value)} is not ${type === 'int' || type === 'timestamp' ? `a whole number (the field is a ${type})` : `a ${type}`}: make every value fit the field's type`,
              node.id,
            );
          }
        });
        const weights = generator.weights;
        if (weights !== undefined && weights.length !== generator.values.length) {
          r.add(
            'invalid-generator',
            pointer(...path, 'weights'),
            `${what}: ${weights.length} weights for ${generator.values.length} values: give one weight per value`,
            node.id,
          );
        } else if (weights !== undefined && !weights.some((w) => w > 0)) {
          r.add(
            'invalid-generator',
            pointer(...path, 'weights'),
            `${what}: every weight is 0, so no value could be chosen: make at least one weight positive`,
            node.id,
          );
        }
        break;
      }
      case 'timestamp':
        break;
    }
  }
}

/**
 * Checks a source on its own (no edges needed) and returns the schema its rows have for the rest of
 * validation, or `null` when it cannot be known.
 */
export function checkSource(node: SourceNode, index: number, r: Reporter): RowSchema | null {
  const connector = node.connector;
  const fixed = fixedSchema(node);
  let schema: RowSchema | null;
  if (fixed !== null) {
    schema = node.schema !== undefined && sameSchema(node.schema, fixed) ? node.schema : fixed;
    if (node.schema !== undefined && schema === fixed && node.schema !== fixed) {
      const what =
        connector.type === 'nexmark'
          ? `reads the Nexmark table ${quote(connector.table)}`
          : 'reads a text file (one row per line)';
      r.add(
        'fixed-schema-mismatch',
        pointer('nodes', index, 'schema'),
        `${label(node)} ${what}, whose schema is fixed: ${formatSchema(fixed)}; remove "schema" or declare exactly these fields`,
        node.id,
      );
    }
  } else if (node.schema === undefined) {
    schema = null;
    const example = connector.type === 'datagen' ? Object.keys(connector.fields) : [];
    const hint =
      example.length > 0
        ? ` (one per generated field: ${list(example)})`
        : ', e.g. {"name": "string", "ts": "timestamp"}';
    const what = connector.type === 'file' ? `${connector.format} file source` : `${connector.type} source`;
    r.add(
      'missing-schema',
      pointer('nodes', index, 'schema'),
      `${what} '${node.id}' needs a schema: declare "schema" with the type of each field${hint}`,
      node.id,
    );
  } else {
    schema = node.schema;
  }

  if (connector.type === 'datagen' && schema !== null) checkDatagen(node, index, connector, schema, r);

  if (node.watermark !== undefined && schema !== null) {
    const field = node.watermark.timestampField;
    const type = fieldType(schema, field);
    const path = pointer('nodes', index, 'watermark', 'timestampField');
    const candidates = Object.keys(schema).filter((f) => schema[f] === 'timestamp' || schema[f] === 'int');
    const use = candidates.length > 0 ? `use ${orList(candidates)}` : 'add a timestamp field to the schema';
    if (type === undefined) {
      r.add(
        'bad-timestamp-field',
        path,
        `${label(node)}: the watermark's timestampField ${quote(field)} is not a field of the source${didYouMean(field, Object.keys(schema))} (fields: ${list(Object.keys(schema))}): ${use}`,
        node.id,
      );
    } else if (type !== 'timestamp' && type !== 'int') {
      r.add(
        'bad-timestamp-field',
        path,
        `${label(node)}: the watermark's timestampField ${quote(field)} is a ${type}, but event time needs a timestamp or int field (epoch milliseconds): ${use}`,
        node.id,
      );
    }
  }
  return schema;
}
