import type { RowSchema } from '../expr/index';
import type { Edge, JobNode, JobSpec } from '../schema';

/**
 * One thing wrong with (or, when `code` starts with `warning/`, worth knowing about) a job spec.
 *
 * - `code` is stable: `schema/<zod issue code>` for shape problems, `expression/<expression error code>`
 *   for expression errors, a kebab-case graph or type rule (see `PROBLEM_CODES`), or `warning/…`.
 * - `path` is a JSON pointer (RFC 6901) into the spec as written; it may point at a property that is
 *   missing (where it should be added), and is `""` for the document itself.
 * - `nodeId` is the node the problem is about (the studio highlights it), when there is one.
 * - `column` is the 1-based column inside the expression text, for expression errors.
 */
export interface Problem {
  code: string;
  message: string;
  nodeId?: string;
  path: string;
  column?: number;
}

/** What validation derived about one node; the engine, the Flink export and the studio read it. */
export interface NodeInfo {
  id: string;
  node: JobNode;
  /** Index in `spec.nodes`. */
  index: number;
  /** Edges into this node (port included). */
  inputs: Edge[];
  /** Edges out of this node (port included). */
  outputs: Edge[];
  /** The schema of the rows this node receives; `null` for sources and joins (see `sides`). */
  inputSchema: RowSchema | null;
  /** Joins: each input's schema and key fields (left key field i joins right key field i). */
  sides?: {
    left: { schema: RowSchema; keyFields: string[] };
    right: { schema: RowSchema; keyFields: string[] };
  };
  /** The schema of the rows on the main output; for sinks, their input schema. */
  outputSchema: RowSchema;
  /** Windows only: the schema of the `late` port (the window's input schema). */
  lateSchema?: RowSchema;
  /**
   * Key fields of the stream on the main output, or `null` when it is not a keyed stream: set by
   * `keyBy`, kept by `filter` (and passed through by `sink`), dropped by everything else.
   */
  keyFields: string[] | null;
  /** `node.parallelism ?? settings.parallelism`. */
  parallelism: number;
}

export interface SpecAnalysis {
  spec: JobSpec;
  nodes: Map<string, NodeInfo>;
  /** Node ids in topological order (ties broken by position in `spec.nodes`). */
  order: string[];
}

/**
 * What validation can tell about one node's rows, also when the spec is not valid (a form half filled): the
 * schemas derived by the rules where the node and everything upstream is valid (`exact`), else inferred from
 * the node's kind, its fields as written and what flows in (`exact: false`); `null` where nothing is known.
 */
export interface NodeSchemas {
  /** The rows the node receives (several inputs merged); `null` for sources and when unknown. */
  input: RowSchema | null;
  /** The rows on its main output (for a sink, its input); `null` when unknown. */
  output: RowSchema | null;
  /** Windows only: the rows on the `late` port (the window's input). */
  late?: RowSchema | null;
  /** Key fields of the output stream, or `null` when it is not keyed (or not known to be). */
  key: string[] | null;
  /** True when the rules derived these schemas from exact inputs; false when they are inferred. */
  exact: boolean;
}

/**
 * `schemas`: every node's schemas by id (the partial analysis), whether or not the spec is valid. `spec` on a
 * failure: the parsed spec, when only the graph and type rules failed (not the shape).
 */
export type ValidationResult =
  | {
      ok: true;
      spec: JobSpec;
      analysis: SpecAnalysis;
      problems: Problem[];
      schemas: Map<string, NodeSchemas>;
    }
  | { ok: false; problems: Problem[]; spec?: JobSpec; schemas: Map<string, NodeSchemas> };
