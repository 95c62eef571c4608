/**
 * A job spec → what running it on Flink takes: the Flink SQL script, the sources to materialize, and for
 * every sink where Flink writes its rows and how to read them back in Flowstate's format.
 *
 * The script is the export of a copy of the spec whose `collect`, `console` and `file` sinks all write JSON
 * lines into a scratch directory (`<workDir>/sinks/<node>`): Flink's own formats are not Flowstate's (its
 * JSON writes doubles as Java does, `csv` has no header, `print` writes `+I[…]`), so Flowstate reads the
 * committed files back and writes each sink's rows as the embedded engine would. A sink fed by a rolling
 * aggregate gets the export's changelog format (debezium-json), which `output.ts` turns into Flowstate's
 * append form. Refusals and notes come from exporting the spec as it is, so they name its real sinks.
 */
import path from 'node:path';
import {
  type ExportNote,
  type ExportProblem,
  exportFlinkSql,
  type SourceOverride,
} from '@flowstate/flink-sql';
import {
  type JobNode,
  type JobSpec,
  type RowSchema,
  type SinkNode,
  type SourceNode,
  type SpecAnalysis,
  validateSpec,
} from '@flowstate/spec';
import { needsMaterializing } from './materialize';

export type SinkKind = SinkNode['connector']['type'];

export interface FlinkSinkPlan {
  nodeId: string;
  kind: SinkKind;
  /** The rows the sink receives: their fields in order and types. */
  schema: RowSchema;
  /** Its input is a rolling aggregate's updates: Flink writes them as a debezium-json changelog. */
  updating: boolean;
  /** Where Flink writes the sink's rows (absent for blackhole sinks). */
  flinkDir?: string;
  /** A `file` sink's own directory (resolved against the spec's directory) and format. */
  target?: { path: string; format: 'jsonl' | 'csv' };
  /** A `collect` sink keeps at most this many rows (the newest), as the embedded engine does. */
  maxRows?: number;
}

export interface FlinkSourcePlan {
  nodeId: string;
  node: SourceNode;
  schema: RowSchema;
  /** The JSON lines file Flink reads instead of the connector (materialized by Flowstate). */
  file: string;
}

export interface FlinkJobPlan {
  analysis: SpecAnalysis;
  sql: string;
  /** The export's notes about the spec as it is, minus those about sink formats, which the run undoes. */
  notes: ExportNote[];
  sinks: FlinkSinkPlan[];
  /** Sources materialized to JSON lines files before the job runs. */
  materialize: FlinkSourcePlan[];
}

export interface PlanOptions {
  /** The spec file's directory: relative paths in the spec resolve against it. */
  baseDir: string;
  /** Scratch directory: materialized sources (`sources/`) and Flink's sink output (`sinks/`). */
  workDir: string;
  /** Overrides `settings.parallelism` (as `flowstate run --parallelism`). */
  parallelism?: number;
  /** Sources already materialized (node id → JSON lines file): read from there and not materialized again. */
  sourceFiles?: Readonly<Record<string, string>>;
  /** `pipeline.name` of the Flink job (default: the spec's name). */
  jobName?: string;
}

export type PlanResult = { ok: true; plan: FlinkJobPlan } | { ok: false; problems: ExportProblem[] };

/** Whether a node's rows are updates of a rolling aggregate (an `aggregate` upstream of it, or itself). */
function updatingNodes(analysis: SpecAnalysis): Set<string> {
  const updating = new Set<string>();
  for (const id of analysis.order) {
    const info = analysis.nodes.get(id)!;
    if (info.node.kind === 'aggregate' || info.inputs.some((e) => updating.has(e.from))) updating.add(id);
  }
  return updating;
}

const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** Plans a Flink run of `spec` (validated here): the refusals of the export, or the plan. */
export function planFlinkJob(spec: unknown, options: PlanOptions): PlanResult {
  const validation = validateSpec(spec);
  if (!validation.ok) {
    return { ok: false, problems: validation.problems.filter((p) => !p.code.startsWith('warning/')) };
  }
  let doc: JobSpec = validation.spec;
  if (options.parallelism !== undefined) {
    doc = { ...doc, settings: { ...doc.settings, parallelism: options.parallelism } };
  }
  const analysis = validation.analysis;
  const workDir = path.resolve(options.workDir);

  const materialize: FlinkSourcePlan[] = [];
  const sourceOverrides: Record<string, SourceOverride> = {};
  const problems: ExportProblem[] = [];
  for (const [i, node] of doc.nodes.entries()) {
    if (node.kind !== 'source') continue;
    const given = options.sourceFiles?.[node.id];
    if (given !== undefined) {
      sourceOverrides[node.id] = { path: path.resolve(options.baseDir, given), format: 'jsonl' };
      continue;
    }
    if (!needsMaterializing(node)) continue;
    const c = node.connector;
    if ((c.type === 'datagen' || c.type === 'nexmark') && c.count === undefined) {
      // Read from a file as far as the export is concerned, so that it does not refuse the source again.
      sourceOverrides[node.id] = { path: path.join(workDir, 'sources', `${node.id}.jsonl`), format: 'jsonl' };
      problems.push({
        code: 'unbounded-source',
        nodeId: node.id,
        path: `/nodes/${i}/connector/count`,
        message: `source '${node.id}': a ${c.type} source without "count" never ends, and its rows are materialized to a file for Flink (Flowstate's generator is the reference; Flink's ${c.type === 'datagen' ? 'datagen is unseeded' : 'Nexmark connector is not in Maven Central'}): set "count" to run it on Flink`,
      });
      continue;
    }
    const file = path.join(workDir, 'sources', `${node.id}.jsonl`);
    materialize.push({ nodeId: node.id, node, schema: analysis.nodes.get(node.id)!.outputSchema, file });
    sourceOverrides[node.id] = { path: file, format: 'jsonl' };
  }

  // Refusals and notes: the spec as it is (collect sinks as files, as they will be).
  const asIs = exportFlinkSql(doc, {
    baseDir: options.baseDir,
    sourceOverrides,
    collectAs: 'filesystem',
    collectDir: path.join(workDir, 'sinks'),
  });
  if (!asIs.ok) return { ok: false, problems: [...problems, ...asIs.problems] };
  if (problems.length > 0) return { ok: false, problems };

  const updating = updatingNodes(analysis);
  const sinks: FlinkSinkPlan[] = [];
  const nodes: JobNode[] = doc.nodes.map((node) => {
    if (node.kind !== 'sink') return node;
    const info = analysis.nodes.get(node.id)!;
    const plan: FlinkSinkPlan = {
      nodeId: node.id,
      kind: node.connector.type,
      schema: info.outputSchema,
      updating: updating.has(node.id),
    };
    sinks.push(plan);
    const c = node.connector;
    if (c.type === 'blackhole') return node;
    if (c.type === 'file') plan.target = { path: path.resolve(options.baseDir, c.path), format: c.format };
    if (c.type === 'collect') plan.maxRows = c.maxRows;
    plan.flinkDir = path.join(workDir, 'sinks', node.id);
    return { ...node, connector: { type: 'file', path: plan.flinkDir, format: 'jsonl' } } as SinkNode;
  });
  const rewritten = exportFlinkSql(
    { ...doc, nodes },
    { baseDir: options.baseDir, sourceOverrides, changelogFormat: 'debezium-json' },
  );
  if (!rewritten.ok) return { ok: false, problems: rewritten.problems };
  const sinkIds = new Set(sinks.map((s) => s.nodeId));
  const name = options.jobName ?? doc.name;
  return {
    ok: true,
    plan: {
      analysis,
      sql: `SET 'pipeline.name' = ${sqlString(name)};\n${rewritten.sql}`,
      // Sink notes are about Flink's formats (changelog rows, +I[…] lines, csv headers): the run reads the
      // rows back and writes them as Flowstate does.
      notes: asIs.notes.filter((n) => n.nodeId === undefined || !sinkIds.has(n.nodeId)),
      sinks,
      materialize,
    },
  };
}
