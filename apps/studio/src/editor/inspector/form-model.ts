/**
 * The inspector's form model: what a form shows, as data — sections of fields, each with a label, a JSON
 * path, the kind of input and what the spec allows — so the React layer renders every form with one
 * generic component. Field paths are JSON paths inside the node's `data` (`['connector', 'path']`), except
 * `['id']`, the node's id; job forms have paths inside the job (`['settings', 'checkpointing', 'intervalMs']`).
 */
import { FIELD_TYPES, type FieldTypeName } from '@flowstate/spec';

export type FieldInputType =
  | 'text'
  | 'textarea'
  | 'number'
  | 'select'
  | 'expression'
  | 'schema-editor'
  | 'generators-editor'
  | 'fields-editor'
  | 'aggregates-editor'
  | 'key-picker'
  | 'field-picker'
  | 'values-list'
  /** A file source's path: a text box, the files the server has to choose from, and an upload. */
  | 'file-path'
  /** A join's output fields: name → expression over `l.` / `r.`, with completion from each side's schema. */
  | 'join-fields-editor'
  /** A Top-N's order: rows of input field and direction. */
  | 'order-by-editor'
  /** One side of a join: where its rows come from, and the key picker of the keyBy that keys it. */
  | 'join-side'
  /** A join's condition, from the two sides' keys (read-only). */
  | 'join-key'
  /** The key a keyed operator's input is partitioned by (read-only). */
  | 'keyed-input';

export interface SelectOption {
  value: string;
  label: string;
  description?: string;
}

export interface FormField {
  /** Unique within the form (the path joined by dots). */
  key: string;
  label: string;
  /** JSON path inside the node's data (`['id']` is the node's id) or, for job forms, inside the job. */
  path: readonly string[];
  input: FieldInputType;
  help?: string;
  /** `select`: the choices. */
  options?: readonly SelectOption[];
  required?: boolean;
  /** The value the spec assumes when the field is absent (show it as the placeholder). */
  defaultValue?: string | number | boolean;
  placeholder?: string;
  /** `number`: bounds and whether it must be whole. */
  min?: number;
  max?: number;
  integer?: boolean;
  unit?: 'ms' | 'rows/s' | 'events/s' | 'rows' | 'ratio';
  /** `expression`: what the expression must give. */
  expression?: 'condition' | 'array' | 'value' | 'aggregate';
  /** `key-picker` / `field-picker`: offer the node's input fields (a source: its own), of these types. */
  fieldTypes?: readonly FieldTypeName[];
  /** A select that switches the variant of the object it sits in (connector type, assigner type). */
  variant?: boolean;
  readOnly?: boolean;
  /**
   * Problems the spec reports on the node as a whole (its own pointer) with one of these codes are about
   * this field: they show under it (an OVER's `over-frame` under its frame).
   */
  problemCodes?: readonly string[];
  /** `join-side`: which side of the join. */
  side?: 'left' | 'right';
}

export interface FormSection {
  id: string;
  title: string;
  description?: string;
  fields: FormField[];
  /** An optional part of the spec (the watermark): a switch adds or removes the object at `path`. */
  optional?: { path: readonly string[]; label: string };
}

// ------------------------------------------------------------------------------------ field builders

export type FieldSpec = Omit<FormField, 'key' | 'path'>;
export const f = (path: readonly string[], spec: FieldSpec): FormField => ({
  key: path.join('.'),
  path,
  ...spec,
});

export const ms = (path: readonly string[], label: string, extra: Partial<FieldSpec> = {}): FormField =>
  f(path, { label, input: 'number', integer: true, min: 0, unit: 'ms', ...extra });

export const options = (values: readonly string[], labels: Record<string, string> = {}): SelectOption[] =>
  values.map((value) => ({ value, label: labels[value] ?? value }));

export const GENERAL: FormSection = {
  id: 'general',
  title: 'Node',
  fields: [
    f(['id'], {
      label: 'Id',
      input: 'text',
      required: true,
      help: 'Names the node in the spec: a letter or _, then letters, digits, _ and -',
    }),
    f(['name'], { label: 'Name', input: 'text', help: 'Shown on the canvas instead of the id' }),
    f(['parallelism'], {
      label: 'Parallelism',
      input: 'number',
      integer: true,
      min: 1,
      max: 1024,
      placeholder: 'job default',
      help: 'Parallel instances of this node; empty uses the job’s parallelism',
    }),
  ],
};

export const FIELD_TYPE_OPTIONS = options(FIELD_TYPES);
