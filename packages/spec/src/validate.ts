/**
 * Validation of a job spec (JOB-SPEC.md): the zod shape first, then the graph and type rules, reporting
 * every problem found (sorted into the order of the spec as written), and — when there are no errors —
 * the analysis the engine, the Flink export and the studio run on: each node's derived schemas,
 * keyedness, parallelism and the topological order. Pure: no I/O, deterministic.
 *
 * Rules and their codes (see `PROBLEM_CODES`; paths are JSON pointers into the spec as written):
 * - ids and edges: `duplicate-node-id` (/nodes/N/id of the later node), `unknown-node`
 *   (/edges/N/from|to; nodeId = the end that exists), `invalid-port` (/edges/N/port; `late` is a
 *   window's), `duplicate-edge` (/edges/N), `source-has-input` (/edges/N/to), `sink-has-output`
 *   (/edges/N/from); such edges are left out of the graph for the remaining rules.
 * - the graph: `cycle` (/edges/N of an edge closing it; nodeId = the cycle's first node), `missing-input`,
 *   `unreachable-node` (fed only from a cycle), `dead-end-node` (reported on the last node that leads
 *   nowhere, not on everything before it), all at /nodes/N; `no-source`, `no-sink` at /nodes.
 * - flow: `not-keyed` and `schema-mismatch` (/nodes/N), `unknown-field` (/nodes/N/key/I),
 *   `duplicate-field`, `null-type` and `array-type` (map fields), `not-an-array` (/nodes/N/explode),
 *   `not-boolean` (/nodes/N/where), `expression/<code>` (the expression's path, with `column`).
 * - time: `missing-watermark` — nodeId is the window and the path is /nodes/<window>/time, the window's
 *   setting; the message names the source that lacks the watermark (one problem per such source);
 *   `bad-timestamp-field` (/nodes/<source>/watermark/timestampField), `slide-larger-than-size`,
 *   `offset-too-large` (as Flink's window assigners require), `warning/size-not-multiple-of-slide`,
 *   `warning/no-late-rows` (processing-time windows have no late rows).
 * - sources: `missing-schema`, `fixed-schema-mismatch` (nexmark and text-file schemas are fixed),
 *   `missing-generator`, `unknown-field`, `generator-type-mismatch`, `invalid-generator` (datagen).
 * - settings and layout: `parallelism-exceeds-max`, `warning/unknown-layout-node`.
 *
 * Keyedness (as Flink's KeyedStream): keyBy keys the stream; filter keeps the key (and a sink passes it
 * through); map, flatMap, window, aggregate and a window's `late` port give an unkeyed stream. A node with
 * several inputs is keyed only when all of them are keyed by the same fields in the same order, and its
 * inputs must have the same schema (the same fields and types; their order may differ — the first
 * input's order is kept).
 *
 * To report causes, not echoes: a node whose id repeats an earlier one is left out of the graph rules
 * (only the id is reported) until its id is unique; nodes on or after a cycle get no schema checks; a
 * schema that cannot be known (after an error) turns off the schema checks downstream of it.
 */

import type { RowSchema } from './expr/index';
import { type JobSpec, JobSpecSchema } from './schema';
import { isWarning, Reporter } from './validate/codes';
import { deriveSchemas } from './validate/flow';
import { buildGraph, checkStructure } from './validate/graph';
import { checkLayout, checkParallelism, checkWindow } from './validate/local';
import { lenientSpec, partialSchemas } from './validate/partial';
import { sortProblemsByDocumentOrder } from './validate/pointer';
import { checkSource, sourceSchema } from './validate/sources';
import type { NodeInfo, Problem, SpecAnalysis, ValidationResult } from './validate/types';
import { DEFAULT_MESSAGE, zodIssuesToProblems } from './validate/zod-problems';

export { PROBLEM_CODES, type ProblemCode } from './validate/codes';
export type { NodeInfo, NodeSchemas, Problem, SpecAnalysis, ValidationResult } from './validate/types';
export { sourceSchema };

/**
 * Validates a job spec as read from JSON (or as the canvas holds it); reports all problems, and every node's
 * schemas as far as they can be known (`schemas`). When the shape check fails, the graph and type rules still
 * run on the nodes that parse (with stand-ins for those that do not, see validate/partial.ts), so one empty
 * field does not hide the other problems.
 */
export function validateSpec(input: unknown): ValidationResult {
  const parsed = JobSpecSchema.safeParse(input, { error: () => DEFAULT_MESSAGE });
  if (!parsed.success) {
    const shape = zodIssuesToProblems(parsed.error.issues, input, JobSpecSchema);
    const lenient = lenientSpec(input);
    if (lenient === null) {
      return { ok: false, problems: sortProblemsByDocumentOrder(input, shape), schemas: new Map() };
    }
    const rules = checkRules(lenient.spec, lenient.broken);
    const kept = lenient.sound ? rules.problems : [];
    return {
      ok: false,
      problems: sortProblemsByDocumentOrder(input, [...shape, ...kept]),
      schemas: rules.schemas,
    };
  }
  const spec = parsed.data;
  const { problems: found, schemas, graph, order, derived } = checkRules(spec, new Map());
  const problems = sortProblemsByDocumentOrder(input, found);
  if (problems.some((p) => !isWarning(p))) return { ok: false, problems, spec, schemas };

  const nodes = new Map<string, NodeInfo>();
  for (const index of order) {
    const node = spec.nodes[index]!;
    const info = derived.get(index);
    const sides = info?.sides;
    const joinKnown =
      sides !== undefined &&
      sides.left.schema !== null &&
      sides.right.schema !== null &&
      sides.left.key !== null &&
      sides.right.key !== null;
    if (info?.output == null || (node.kind !== 'source' && info.input === null && !joinKnown)) {
      // Every unknown schema stems from a reported error; reaching here would be a bug in validation.
      throw new Error(`validateSpec: no schema derived for node '${node.id}' although no error was found`);
    }
    nodes.set(node.id, {
      id: node.id,
      node,
      index,
      inputs: graph.ins[index]!.map((ref) => ref.edge),
      outputs: graph.outs[index]!.map((ref) => ref.edge),
      inputSchema: node.kind === 'source' ? null : info.input,
      ...(joinKnown
        ? {
            sides: {
              left: { schema: sides.left.schema!, keyFields: sides.left.key! },
              right: { schema: sides.right.schema!, keyFields: sides.right.key! },
            },
          }
        : {}),
      outputSchema: info.output,
      ...(node.kind === 'window' && info.late != null ? { lateSchema: info.late } : {}),
      keyFields: info.key,
      parallelism: node.parallelism ?? spec.settings.parallelism,
    });
  }
  const analysis: SpecAnalysis = { spec, nodes, order: order.map((i) => spec.nodes[i]!.id) };
  return { ok: true, spec, analysis, problems, schemas };
}

/** The graph and type rules over a parsed (or leniently read) spec; `broken` nodes are stand-ins. */
function checkRules(spec: JobSpec, broken: ReadonlyMap<number, Record<string, unknown>>) {
  const r = new Reporter();
  const graph = buildGraph(spec, r);
  const order = checkStructure(graph, r);
  checkParallelism(spec, r);
  const sourceSchemas = new Map<number, RowSchema | null>();
  for (const index of graph.members) {
    if (broken.has(index)) continue;
    const node = spec.nodes[index]!;
    if (node.kind === 'source') sourceSchemas.set(index, checkSource(node, index, r));
    else if (node.kind === 'window') checkWindow(graph, node, index, r);
  }
  const brokenIndexes = new Set(broken.keys());
  const derived = deriveSchemas(graph, order, sourceSchemas, r, brokenIndexes);
  checkLayout(graph, r);
  const schemas = partialSchemas(graph, order, derived, broken);
  return { problems: r.problems, schemas, graph, order, derived };
}

/** One `path: message` line per problem (`(spec)` for the document itself; warnings marked). */
export function problemsToText(problems: readonly Problem[]): string {
  return problems
    .map((p) => `${p.path === '' ? '(spec)' : p.path}: ${isWarning(p) ? 'warning: ' : ''}${p.message}`)
    .join('\n');
}
