/**
 * Problems as the forms say them. The spec package names what is wrong by the spec's property
 * (`sizeMs must be positive`, `missing required property 'path'`); a person filling a form knows the
 * field by its label. So a problem at a form field's path reads with the label instead (`Size must be
 * positive`, `Path is required`), under the field and in the problems list alike.
 */
import type { Problem } from '@flowstate/spec';
import { locateProblem, toPointer } from '../analysis';
import { jobMeta } from '../changes';
import type { FlowGraph } from '../types';
import type { FormField } from './form-model';
import { GENERATOR_FIELDS } from './generators';
import { jobForm } from './job-form';
import { nodeForm } from './node-form';

/** A camelCase property name (`sizeMs`, `rowsPerSecond`): distinctive enough to replace in a sentence. */
const CAMEL = /[a-z][A-Z]/;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * How `problem` reads under `field` (or anywhere it is shown beside that field's label):
 * - a missing value: `<Label> is required`;
 * - a message that names the property (`sizeMs`, `checkpointing.intervalMs`, `'sizeMs'`): the label in
 *   its place — and the labels of the other fields of the form (`form`) in place of theirs — when the
 *   property's name is camelCase (a plain word like `path` may mean something else in a sentence);
 * - else the label, then the message: `Size: expected a number, got a string`.
 */
export function problemText(
  problem: Pick<Problem, 'code' | 'message'>,
  field: FormField | null,
  form: readonly FormField[] = [],
): string {
  if (field === null) return problem.message;
  if (problem.code === 'schema/invalid_type' && problem.message.startsWith('missing required property')) {
    return `${field.label} is required`;
  }
  let text = problem.message;
  let named = false;
  for (const f of [field, ...form.filter((x) => x !== field)]) {
    const property = f.path[f.path.length - 1] ?? '';
    if (!CAMEL.test(property)) continue;
    const p = escapeRegExp(property);
    const pattern = new RegExp(`'(?:[A-Za-z]+\\.)*${p}'|\\b(?:[A-Za-z]+\\.)*${p}\\b`, 'g');
    const replaced = text.replace(pattern, f.label);
    if (f === field) named = replaced !== text;
    text = replaced;
  }
  if (!named) return `${field.label}: ${problem.message}`;
  return text;
}

/** The form field a pointer is at, in the fields of a form (its sections) given their paths' prefix. */
function fieldAt(pointer: string, prefix: string, fields: Iterable<FormField>): FormField | null {
  for (const field of fields) if (`${prefix}${toPointer(field.path)}` === pointer) return field;
  return null;
}

/** A form field a problem is at, with the fields of the form it belongs to. */
export interface ProblemField {
  field: FormField;
  form: FormField[];
}

/**
 * The form field a problem is about: a field of its node's form (a generator's field inside a datagen
 * source's generators), or of the job's form; null when it is at no field (the graph as a whole, an edge).
 */
export function problemField(graph: FlowGraph, problem: Problem): ProblemField | null {
  const { nodeId } = locateProblem(graph, problem);
  if (nodeId === undefined) {
    const form = jobForm(jobMeta(graph)).flatMap((s) => s.fields);
    const field = fieldAt(problem.path, '', form);
    return field === null ? null : { field, form };
  }
  const index = graph.nodes.findIndex((n) => n.id === nodeId);
  const form = nodeForm(graph.nodes[index]!).flatMap((s) => s.fields);
  const own = fieldAt(problem.path, `/nodes/${index}`, form);
  if (own !== null) return { field: own, form };
  const generator = /^\/nodes\/\d+\/connector\/fields\/([^/]+)\/([^/]+)$/.exec(problem.path);
  if (generator === null) return null;
  const fieldName = generator[1]!.replaceAll('~1', '/').replaceAll('~0', '~');
  const option = Object.values(GENERATOR_FIELDS)
    .flat()
    .find((x) => x.path.length === 1 && x.path[0] === generator[2]);
  return option === undefined
    ? null
    : { field: { ...option, label: `${option.label} of ${fieldName}` }, form: [] };
}

/** A problem as the problems list shows it: with the labels of the form it is in. */
export function labelledProblem(graph: FlowGraph, problem: Problem): string {
  const at = problemField(graph, problem);
  return problemText(problem, at?.field ?? null, at?.form ?? []);
}
