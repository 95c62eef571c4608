/** A datagen source's generators in the inspector: kinds and fields per field type, rows, value lists. */
import { FIELD_TYPES, type FieldTypeName, type Generator, validateSpec } from '@flowstate/spec';
import { defaultGenerator } from '../palette';
import { isRecord } from '../types';
import { type FormField, f, ms } from './form-model';
import { setIn } from './records';
import { generatorsOf, type SourceData } from './schema-editing';

export const GENERATOR_KINDS = ['sequence', 'random', 'choice', 'timestamp'] as const;

/** The fields of each generator kind; paths are inside the generator object. */
export const GENERATOR_FIELDS: Readonly<Record<Generator['kind'], readonly FormField[]>> = {
  sequence: [
    f(['start'], { label: 'Start', input: 'number', integer: true, defaultValue: 0 }),
    f(['end'], {
      label: 'End',
      input: 'number',
      integer: true,
      help: 'Optional last value; wraps to start after it',
    }),
  ],
  random: [
    f(['min'], { label: 'Min', input: 'number', defaultValue: 0 }),
    f(['max'], { label: 'Max', input: 'number', defaultValue: 100 }),
    f(['length'], {
      label: 'Length',
      input: 'number',
      integer: true,
      min: 0,
      max: 1024,
      help: 'Strings: characters',
    }),
    f(['nullRate'], {
      label: 'Null rate',
      input: 'number',
      min: 0,
      max: 1,
      unit: 'ratio',
      help: 'Share of NULLs, 0–1',
    }),
  ],
  choice: [
    f(['values'], { label: 'Values', input: 'values-list', required: true }),
    f(['weights'], {
      label: 'Weights',
      input: 'values-list',
      help: 'Optional relative weights, one per value',
    }),
  ],
  timestamp: [
    f(['startMs'], {
      label: 'Start',
      input: 'number',
      integer: true,
      unit: 'ms',
      defaultValue: 1_700_000_000_000,
    }),
    ms(['stepMs'], 'Step', { defaultValue: 10 }),
    ms(['maxJitterMs'], 'Max jitter', {
      defaultValue: 0,
      help: 'Up to this much earlier: out-of-order event time',
    }),
  ],
};

/** The fields of a generator kind that apply to a field of `type` (a random string has a length, not bounds). */
export function generatorFieldsFor(
  kind: Generator['kind'],
  type: FieldTypeName | undefined,
): readonly FormField[] {
  const fields = GENERATOR_FIELDS[kind] ?? [];
  if (kind !== 'random') return fields;
  return fields.filter((x) => (type === 'string' ? x.key !== 'min' && x.key !== 'max' : x.key !== 'length'));
}

let generatorKindsCache: Map<FieldTypeName, Generator['kind'][]> | null = null;

/** The generator kinds a field of `type` may use — asked of the spec package, once. */
export function generatorKindsFor(type: FieldTypeName): Generator['kind'][] {
  if (generatorKindsCache === null) {
    generatorKindsCache = new Map();
    for (const t of FIELD_TYPES) {
      const fits = GENERATOR_KINDS.filter((kind) => {
        const result = validateSpec({
          specVersion: 1,
          name: 'generator-probe',
          nodes: [
            {
              id: 'source',
              kind: 'source',
              connector: { type: 'datagen', fields: { x: defaultGenerator(t, kind) } },
              schema: { x: t },
            },
            { id: 'sink', kind: 'sink', connector: { type: 'blackhole' } },
          ],
          edges: [{ from: 'source', to: 'sink' }],
        });
        return !result.problems.some((p) => p.code === 'generator-type-mismatch');
      });
      generatorKindsCache.set(t, fits);
    }
  }
  return [...(generatorKindsCache.get(type) ?? [])];
}

// ------------------------------------------------------------------------------ datagen generator rows

export interface GeneratorRow {
  field: string;
  /** The schema field's type; `undefined` for a generator of a field the schema does not have. */
  type: FieldTypeName | undefined;
  /** The generator as written; `undefined` when the schema field has none. */
  generator: Record<string, unknown> | undefined;
  /** `missing`: a schema field without a generator; `extra`: a generator without a schema field. */
  status: 'ok' | 'missing' | 'extra';
}

/** One row per schema field (in schema order), then one per generator the schema has no field for. */
export function generatorRows(data: SourceData): GeneratorRow[] {
  const schema = (isRecord(data.schema) ? data.schema : {}) as Record<string, FieldTypeName>;
  const generators = generatorsOf(data) ?? {};
  const rows: GeneratorRow[] = Object.entries(schema).map(([field, type]) => {
    const g = generators[field];
    return isRecord(g)
      ? { field, type, generator: g, status: 'ok' }
      : { field, type, generator: undefined, status: 'missing' };
  });
  for (const [field, g] of Object.entries(generators)) {
    if (!Object.hasOwn(schema, field)) {
      rows.push({ field, type: undefined, generator: isRecord(g) ? g : undefined, status: 'extra' });
    }
  }
  return rows;
}

/** What a choice value or weight list holds: a field type's values, or weights (numbers ≥ 0). */
export type ListValueType = FieldTypeName | 'weight';

/** A list value typed by a person, as the spec wants it, or why it cannot be one. */
export function parseListValue(
  text: string,
  type: ListValueType,
): { ok: true; value: string | number | boolean } | { ok: false; reason: string } {
  const t = text.trim();
  switch (type) {
    case 'string':
      return text === '' ? { ok: false, reason: 'Type a value first' } : { ok: true, value: text };
    case 'bool':
      if (/^true$/i.test(t)) return { ok: true, value: true };
      if (/^false$/i.test(t)) return { ok: true, value: false };
      return { ok: false, reason: 'A bool value is true or false' };
    case 'int':
    case 'timestamp': {
      const n = Number(t);
      if (t === '' || !/^-?\d+$/.test(t) || !Number.isSafeInteger(n)) {
        return {
          ok: false,
          reason: `A ${type} value is a whole number${type === 'timestamp' ? ' (epoch ms)' : ''}`,
        };
      }
      return { ok: true, value: n };
    }
    case 'float':
    case 'weight': {
      const n = Number(t);
      if (t === '' || !Number.isFinite(n)) return { ok: false, reason: 'Type a number' };
      if (type === 'weight' && n < 0) return { ok: false, reason: 'A weight cannot be negative' };
      return { ok: true, value: n };
    }
  }
}

/** A choice generator without its value at `index` (and that value's weight, when weights are given). */
export function withoutChoiceValue(
  generator: Record<string, unknown>,
  index: number,
): Record<string, unknown> {
  const values = Array.isArray(generator.values) ? generator.values : [];
  const weights = Array.isArray(generator.weights) ? generator.weights : undefined;
  let next = setIn(
    generator,
    ['values'],
    values.filter((_, i) => i !== index),
  );
  if (weights !== undefined && weights.length === values.length) {
    next = setIn(
      next,
      ['weights'],
      weights.filter((_, i) => i !== index),
    );
  }
  return next;
}
