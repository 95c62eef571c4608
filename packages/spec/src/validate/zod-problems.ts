/** Turns zod issues into readable `schema/<zod code>` problems. */
import { z } from 'zod';
import { pointer } from './pointer';
import { didYouMean, list, quote, show } from './text';
import type { Problem } from './types';

/**
 * Passed as the per-parse error map so that zod's own default messages come back as this marker and
 * can be rewritten here, while the messages written into the schema (which take precedence over a
 * per-parse map) are kept as they are.
 */
export const DEFAULT_MESSAGE = '\u0000zod-default';

type Issue = z.core.$ZodIssue;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<PropertyKey, unknown>)[segment];
  }
  return value;
}

/** Follows `path` through the schema, choosing discriminated-union options by the input's discriminator. */
function schemaAt(root: z.ZodType, path: readonly PropertyKey[], input: unknown): z.ZodType | undefined {
  let schema: z.ZodType | undefined = unwrap(root, input);
  let value = input;
  for (const segment of path) {
    if (schema === undefined) return undefined;
    if (schema instanceof z.ZodObject) schema = (schema.shape as Record<PropertyKey, z.ZodType>)[segment];
    else if (schema instanceof z.ZodArray) schema = schema.element as z.ZodType;
    else if (schema instanceof z.ZodRecord) schema = schema.valueType as z.ZodType;
    else return undefined;
    value = valueAt(value, [segment]);
    schema = schema === undefined ? undefined : unwrap(schema, value);
  }
  return schema;
}

function unwrap(schema: z.ZodType, value: unknown): z.ZodType | undefined {
  for (;;) {
    if (schema instanceof z.ZodDefault || schema instanceof z.ZodOptional) {
      schema = schema.unwrap() as z.ZodType;
    } else if (schema instanceof z.ZodDiscriminatedUnion) {
      const discriminator = schema.def.discriminator;
      const wanted = valueAt(value, [discriminator]);
      const option = (schema.options as readonly z.ZodType[]).find((candidate) => {
        if (!(candidate instanceof z.ZodObject)) return false;
        const literal = (candidate.shape as Record<string, z.ZodType>)[discriminator];
        return literal instanceof z.ZodLiteral && literal.values.has(wanted as z.core.util.Literal);
      });
      if (option === undefined) return undefined;
      schema = option;
    } else {
      return schema;
    }
  }
}

const article = (word: string): string => (/^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`);

function describeType(expected: string): string {
  switch (expected) {
    case 'int':
      return 'a whole number';
    case 'record':
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'nonoptional':
      return 'a value';
    default:
      return article(expected);
  }
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  return article(typeof value);
}

function lastKey(path: readonly PropertyKey[]): string | undefined {
  const last = path[path.length - 1];
  return typeof last === 'string' ? last : undefined;
}

/** What a discriminator is called in a message: "node kind", "source connector type", … */
function discriminatorLabel(path: readonly PropertyKey[], input: unknown, discriminator: string): string {
  const parent = path[path.length - 2];
  if (path[0] === 'nodes' && path.length === 3) return 'node kind';
  if (parent === 'connector') {
    const kind = valueAt(input, [...path.slice(0, -2), 'kind']);
    return typeof kind === 'string' ? `${kind} connector type` : 'connector type';
  }
  if (parent === 'assigner') return 'window assigner type';
  if (path.includes('fields') && discriminator === 'kind') return 'generator kind';
  return discriminator;
}

function rangeMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const small = issue.code === 'too_small';
  const bound = small
    ? (issue as z.core.$ZodIssueTooSmall).minimum
    : (issue as z.core.$ZodIssueTooBig).maximum;
  const n = Number(bound);
  switch (issue.origin) {
    case 'string':
      if (small && n === 1) return 'must not be empty';
      if (issue.exact) return `must be exactly ${n} character${n === 1 ? '' : 's'} long`;
      return `must be at ${small ? 'least' : 'most'} ${n} character${n === 1 ? '' : 's'} long`;
    case 'array':
    case 'set':
      if (issue.exact) return `must have exactly ${n} item${n === 1 ? '' : 's'}`;
      return `must have at ${small ? 'least' : 'most'} ${n} item${n === 1 ? '' : 's'}`;
    default:
      if (issue.inclusive === false) return `must be ${small ? 'greater' : 'less'} than ${n}`;
      return `must be at ${small ? 'least' : 'most'} ${n}`;
  }
}

function message(issue: Issue, input: unknown): string {
  const custom = issue.message !== DEFAULT_MESSAGE;
  const value = valueAt(input, issue.path);
  const key = lastKey(issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      if (custom) return issue.message;
      if (issue.path.length === 0) return `a job spec must be a JSON object, not ${describeValue(value)}`;
      if (value === undefined) {
        const what = key === undefined ? 'a value is missing' : `missing required property ${quote(key)}`;
        return `${what}: give ${describeType(issue.expected)}`;
      }
      return `expected ${describeType(issue.expected)}, got ${describeValue(value)}`;
    }
    case 'invalid_value': {
      if (custom) return issue.message;
      const allowed = issue.values.map((v) => (typeof v === 'string' ? v : String(v)));
      if (allowed.length === 1) return `must be ${show(issue.values[0])}, got ${show(value)}`;
      const hint = typeof value === 'string' ? didYouMean(value, allowed) : '';
      return `${show(value)} is not allowed here: use one of ${list(allowed)}${hint}`;
    }
    case 'invalid_union': {
      if (custom) return issue.message;
      if (issue.discriminator !== undefined && 'options' in issue && issue.options !== undefined) {
        const label = discriminatorLabel(issue.path, input, issue.discriminator);
        const options = issue.options.map(String);
        if (value === undefined)
          return `missing ${quote(issue.discriminator)}: set the ${label} to one of ${list(options)}`;
        const hint = typeof value === 'string' ? didYouMean(value, options) : '';
        return `unknown ${label} ${show(value)}: use one of ${list(options)}${hint}`;
      }
      const expected = new Set<string>();
      for (const branch of issue.errors) {
        const first = branch[0];
        if (first?.code === 'invalid_type') expected.add(describeType(first.expected));
      }
      return expected.size > 0
        ? `expected ${[...expected].join(' or ')}, got ${describeValue(value)}`
        : 'does not match any of the allowed forms';
    }
    case 'too_small':
    case 'too_big':
      return custom ? issue.message : rangeMessage(issue);
    case 'invalid_format':
      if (custom) return issue.message;
      return issue.pattern === undefined ? `is not a valid ${issue.format}` : `must match ${issue.pattern}`;
    case 'not_multiple_of':
      return custom ? issue.message : `must be a multiple of ${issue.divisor}`;
    case 'invalid_key': {
      const inner = issue.issues[0];
      if (inner !== undefined && inner.message !== DEFAULT_MESSAGE) return inner.message;
      return custom ? issue.message : `${show(key)} is not an allowed key here`;
    }
    case 'unrecognized_keys': {
      // zodIssuesToProblems reports default ones per key; this is for a custom message.
      return custom ? issue.message : `unknown properties ${list(issue.keys.map(quote))}`;
    }
    default:
      return custom ? issue.message : 'is not valid here';
  }
}

function nodeIdAt(input: unknown, path: readonly PropertyKey[]): string | undefined {
  if (path[0] !== 'nodes' || typeof path[1] !== 'number') return undefined;
  const id = valueAt(input, ['nodes', path[1], 'id']);
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** One problem per issue, except unrecognized keys, which give one problem per key (pointing at it). */
export function zodIssuesToProblems(issues: readonly Issue[], input: unknown, root: z.ZodType): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    const nodeId = nodeIdAt(input, issue.path);
    const base = { code: `schema/${issue.code}`, ...(nodeId === undefined ? {} : { nodeId }) };
    if (issue.code === 'unrecognized_keys' && issue.message === DEFAULT_MESSAGE) {
      const schema = schemaAt(root, issue.path, input);
      const allowed = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
      for (const key of issue.keys) {
        const hint = didYouMean(key, allowed);
        const where = allowed.length > 0 ? ` (allowed here: ${list(allowed)})` : '';
        problems.push({
          ...base,
          path: pointer(...issue.path, key),
          message: `unknown property ${quote(key)}${hint}: remove or rename it${where}`,
        });
      }
      continue;
    }
    problems.push({ ...base, path: pointer(...issue.path), message: message(issue, input) });
  }
  return problems;
}
