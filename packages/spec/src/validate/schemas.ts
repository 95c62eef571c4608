/** Row-schema helpers shared by the rules. */
import type { FieldType, RowSchema } from '../expr/index';

/** The type of `field` in `schema`, or undefined — own properties only (a field named `constructor` is fine). */
export function fieldType(schema: RowSchema, field: string): FieldType | undefined {
  return Object.hasOwn(schema, field) ? schema[field] : undefined;
}

export const hasField = (schema: RowSchema, field: string): boolean => Object.hasOwn(schema, field);

/** Same fields with the same types; the order of the fields does not matter. */
export function sameSchema(a: RowSchema, b: RowSchema): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => fieldType(b, k) === a[k]);
}

/** `{word: string, count: int}` */
export function formatSchema(schema: RowSchema): string {
  return `{${Object.entries(schema)
    .map(([name, type]) => `${name}: ${type}`)
    .join(', ')}}`;
}

export const sameKey = (a: readonly string[], b: readonly string[]): boolean =>
  a.length === b.length && a.every((field, i) => field === b[i]);
