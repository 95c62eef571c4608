import type { JobNode } from '../schema';
import type { Problem } from './types';

/**
 * The graph and type rules' problem codes. Besides these, shape problems are `schema/<zod issue code>`
 * and expression errors `expression/<expression error code>`. Codes starting with `warning/` do not make
 * a spec invalid. The codes are stable: tools and tests match on them.
 */
export const PROBLEM_CODES = [
  'duplicate-node-id',
  'unknown-node',
  'invalid-port',
  'duplicate-edge',
  'cycle',
  'source-has-input',
  'sink-has-output',
  'missing-input',
  'unreachable-node',
  'dead-end-node',
  'no-source',
  'no-sink',
  'not-keyed',
  'schema-mismatch',
  'unknown-field',
  'duplicate-field',
  'null-type',
  'array-type',
  'not-an-array',
  'not-boolean',
  'missing-watermark',
  'bad-timestamp-field',
  'slide-larger-than-size',
  'offset-too-large',
  'missing-schema',
  'fixed-schema-mismatch',
  'missing-generator',
  'generator-type-mismatch',
  'invalid-generator',
  'parallelism-exceeds-max',
  'invalid-input',
  'missing-join-side',
  'join-key-mismatch',
  'invalid-bounds',
  'over-frame',
  'topn-key',
  'warning/size-not-multiple-of-slide',
  'warning/no-late-rows',
  'warning/unknown-layout-node',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number] | `schema/${string}` | `expression/${string}`;

/** True for problems that do not make a spec invalid. */
export const isWarning = (problem: Problem): boolean => problem.code.startsWith('warning/');

/** Collects problems in the order they are found (validateSpec sorts them into document order). */
export class Reporter {
  readonly problems: Problem[] = [];

  add(code: ProblemCode, path: string, message: string, nodeId?: string, column?: number): void {
    const problem: Problem = { code, message, path };
    if (nodeId !== undefined) problem.nodeId = nodeId;
    if (column !== undefined) problem.column = column;
    this.problems.push(problem);
  }
}

/** `window 'counts'` — how messages name a node. */
export const label = (node: JobNode): string => `${node.kind} '${node.id}'`;
