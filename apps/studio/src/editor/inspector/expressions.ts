/** Expressions and fields in the forms: a map's output fields, an expression's problem while typed. */
import { formatIdentifier, type Problem } from '@flowstate/spec';
import {
  type ExpressionProblem,
  expressionProblem,
  fieldProblems,
  toPointer,
  valueAtPath,
} from '../analysis';
import type { FlowGraph, FlowNode } from '../types';
import { appendKey, setIn } from './records';

/**
 * The map's output fields with one more: the first input field not yet in the output, passed through
 * (else `field1`… with an empty expression, which the form then asks to fill).
 */
export function addMapField(
  fields: Record<string, string>,
  input: readonly { name: string }[],
): Record<string, string> {
  const free = input.find((x) => !Object.hasOwn(fields, x.name));
  if (free !== undefined) return { ...fields, [free.name]: formatIdentifier(free.name) };
  return appendKey(fields, 'field1', '');
}

/**
 * The expression problem `text` would have at `path` of the node — for an edit not yet written (a
 * draft in a text box): the node is analysed with `text` in place. The written text gives
 * `expressionProblem`'s answer.
 */
export function draftExpressionProblem(
  graph: FlowGraph,
  nodeId: string,
  path: readonly string[],
  text: string,
): ExpressionProblem | null {
  const node = graph.nodes.find((n) => n.id === nodeId);
  if (node === undefined) return null;
  if (valueAtPath(node.data, path) === text) return expressionProblem(graph, nodeId, path);
  const data = setIn(node.data, path, text);
  const trial: FlowGraph = {
    ...graph,
    nodes: graph.nodes.map((n) => (n.id === nodeId ? ({ ...n, data } as FlowNode) : n)),
  };
  return expressionProblem(trial, nodeId, path);
}

/** `Column 4: unknown field 'x'` — how an expression problem reads under its text box. */
export function describeExpressionProblem(problem: ExpressionProblem): string {
  return `Column ${problem.column}: ${problem.message.replace(/ at column \d+$/, '')}`;
}

/** The problems at exactly this path of the node (not inside it). */
export function ownFieldProblems(graph: FlowGraph, nodeId: string, path: readonly string[]): Problem[] {
  const index = graph.nodes.findIndex((n) => n.id === nodeId);
  const pointer = `/nodes/${index}${toPointer(path)}`;
  return fieldProblems(graph, nodeId, path).filter((p) => p.path === pointer);
}
