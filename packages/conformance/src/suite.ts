/**
 * One conformance case: a job spec run on Flowstate and on Flink over the same input files, outputs compared.
 *
 * 1. Sources Flink cannot read as they are (datagen, nexmark, csv) are materialized once by Flowstate's own
 *    readers (@flowstate/flink-run); Flowstate then reads the same file (the source becomes a `file` source
 *    with the same schema and watermark), Flink reads it through the export's `sourceOverrides`.
 * 2. Every sink becomes a `collect` sink on both sides, so rows are compared (a blackhole's count would
 *    say little).
 * 3. Flink runs the spec through @flowstate/flink-run (export, SQL Gateway, committed files, changelog →
 *    append form); Flowstate runs it with the embedded engine.
 * 4. Outputs are compared per sink (compare.ts). When they differ, the deliberate differences that can apply
 *    to the spec (differences.ts) are applied on the Flowstate side — alone, then in pairs, … — and the case
 *    is accepted only if one set of them makes the outputs equal. A late edge cannot be exported at all, so
 *    Flink runs without it and only the main outputs are compared.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Job, type Row } from '@flowstate/engine';
import type { WindowFuzzRules } from '@flowstate/engine/testing';
import {
  type FlinkConnection,
  materializeSource,
  needsMaterializing,
  planFlinkJob,
  runFlinkJob,
} from '@flowstate/flink-run';
import { type JobNode, type JobSpec, type SpecAnalysis, validateSpec } from '@flowstate/spec';
import {
  compareMultisets,
  compareSequences,
  type Difference,
  project,
  withoutRepeatedUpdates,
} from './compare';
import { type DifferenceId, REFUSALS } from './differences';

export interface ConformanceCase {
  /** e.g. `example word-count`, `fuzz seed 17`. */
  name: string;
  spec: unknown;
  /** Directory relative paths in the spec resolve against. */
  baseDir: string;
  /**
   * A reference model of the case's main output (fuzz cases: the engine's reference model), which can run
   * under Flink SQL's rules where Flowstate cannot (a watermark at or below 0 is not emitted).
   */
  model?: { sink: string; rows: (rules: WindowFuzzRules) => Row[] };
}

export type Verdict = 'equal' | 'documented' | 'different' | 'failed';

export interface SinkComparison {
  sink: string;
  /** How the outputs were compared. */
  how: string;
  flowstateRows: number;
  flinkRows: number;
}

export interface CaseResult {
  name: string;
  verdict: Verdict;
  /** The deliberate differences the case needed to compare equal (empty when equal as it is). */
  differences: DifferenceId[];
  comparisons: SinkComparison[];
  /** False when the export refused the spec for a documented reason: the case was not run on Flink. */
  ranOnFlink: boolean;
  /** What differs (different), why the case was not run (refused), or why it could not be compared (failed). */
  detail?: string;
  flinkMs: number;
  flowstateMs: number;
}

export interface CaseContext {
  connection: FlinkConnection;
  /** A scratch directory of its own for this case. */
  workDir: string;
  timeoutMs?: number;
}

const COLLECT = { type: 'collect' as const, maxRows: 10_000_000 };

/** Rewrites the nodes of a spec (a deep copy). */
function mapNodes(spec: JobSpec, f: (node: JobNode) => JobNode): JobSpec {
  return { ...structuredClone(spec), nodes: spec.nodes.map((n) => f(structuredClone(n))) };
}

/** The key of an updating sink's rows: the key fields of the rolling aggregate upstream, when the sink has them. */
function updateKey(analysis: SpecAnalysis, sinkId: string): string[] | null {
  const seen = new Set<string>();
  const stack = [sinkId];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const info = analysis.nodes.get(id)!;
    if (info.node.kind === 'aggregate') {
      const key = analysis.nodes.get(info.inputs[0]!.from)!.keyFields ?? [];
      const sinkFields = Object.keys(analysis.nodes.get(sinkId)!.outputSchema);
      return key.every((k) => sinkFields.includes(k)) ? key : null;
    }
    for (const e of info.inputs) stack.push(e.from);
  }
  return null;
}

interface Variant {
  ids: DifferenceId[];
  spec: JobSpec;
  normalizeUpdates: boolean;
}

/** Every subset of the applicable differences, smallest first (the empty set is the case as it is). */
function subsets<T>(items: readonly T[]): T[][] {
  const out: T[][] = [[]];
  for (const item of items) for (const s of [...out]) out.push([...s, item]);
  return out.sort((a, b) => a.length - b.length);
}

async function runFlowstate(spec: JobSpec, baseDir: string): Promise<Map<string, Row[]>> {
  const job = Job.fromSpec(spec, { baseDir, writeConsole: () => {} });
  try {
    const result = await job.run();
    if (result.status !== 'finished')
      throw new Error(`Flowstate: the job ${result.status}: ${result.error?.message ?? ''}`);
    const out = new Map<string, Row[]>();
    for (const n of spec.nodes) if (n.kind === 'sink') out.set(n.id, job.collected(n.id));
    return out;
  } finally {
    job.dispose();
  }
}

export async function runConformanceCase(c: ConformanceCase, ctx: CaseContext): Promise<CaseResult> {
  const result: CaseResult = {
    name: c.name,
    verdict: 'failed',
    differences: [],
    comparisons: [],
    ranOnFlink: true,
    flinkMs: 0,
    flowstateMs: 0,
  };
  const v = validateSpec(c.spec);
  if (!v.ok) throw new Error(`${c.name}: invalid spec: ${v.problems.map((p) => p.message).join('; ')}`);
  const analysis = v.analysis;
  mkdirSync(ctx.workDir, { recursive: true });

  // 1-2. Materialized sources and collect sinks, for both engines.
  const sourceFiles: Record<string, string> = {};
  const base = mapNodes(v.spec, (node) => {
    if (node.kind === 'sink') return { ...node, connector: { ...COLLECT } };
    if (node.kind !== 'source' || !needsMaterializing(node)) return node;
    const schema = analysis.nodes.get(node.id)!.outputSchema;
    const file = path.join(ctx.workDir, 'sources', `${node.id}.jsonl`);
    materializeSource(node, schema, file, { baseDir: c.baseDir });
    sourceFiles[node.id] = file;
    return { ...node, connector: { type: 'file', path: file, format: 'jsonl' }, schema: { ...schema } };
  });

  // Flink: the sources as they are (it reads the files through sourceOverrides), without late edges.
  const lateSinks = new Set<string>();
  const lateEdges = base.edges.filter((e) => e.port === 'late');
  for (const e of lateEdges) {
    const sink = analysis.nodes.get(e.to)!;
    if (sink.node.kind === 'sink' && sink.inputs.every((i) => i.port === 'late')) lateSinks.add(e.to);
  }
  const flinkSpec = mapNodes(
    {
      ...v.spec,
      nodes: v.spec.nodes.filter((n) => !lateSinks.has(n.id)),
      edges: v.spec.edges.filter((e) => e.port !== 'late'),
    },
    (node) => (node.kind === 'sink' ? { ...node, connector: { ...COLLECT } } : node),
  );
  const runFlink = async (files: Record<string, string>, tag: string) => {
    const planned = planFlinkJob(flinkSpec, {
      baseDir: c.baseDir,
      workDir: path.join(ctx.workDir, tag),
      sourceFiles: files,
      jobName: `conformance: ${c.name}${tag === 'flink' ? '' : ` (${tag})`}`,
    });
    if (!planned.ok) return planned;
    const t0 = performance.now();
    const flink = await runFlinkJob(planned.plan, ctx.connection, {
      baseDir: c.baseDir,
      timeoutMs: ctx.timeoutMs ?? 120_000,
    });
    result.flinkMs += performance.now() - t0;
    return { ok: true as const, flink, notes: planned.plan.notes };
  };
  const first = await runFlink(sourceFiles, 'flink');
  if (!first.ok) {
    const planned = first;
    result.detail = `the export refused the spec: ${planned.problems.map((p) => `node '${p.nodeId ?? ''}': ${p.message}`).join('; ')}`;
    const explained = planned.problems.map((p) => REFUSALS[p.code]);
    if (explained.every((id) => id !== undefined)) {
      result.verdict = 'documented';
      result.differences = [...new Set(explained)];
      result.ranOnFlink = false;
    }
    return result;
  }
  const flink = first.flink;
  if (flink.status !== 'FINISHED') {
    result.detail = `the Flink job ${flink.status}: ${flink.rootCause ?? ''}`;
    return result;
  }

  // 3-4. Flowstate, as it is and with the deliberate differences that can apply.
  const applicable: DifferenceId[] = [];
  if (lateEdges.length > 0) result.differences.push('late-port');
  if (base.nodes.some((n) => n.kind === 'window' && n.allowedLatenessMs > 0))
    applicable.push('allowed-lateness');
  if (base.nodes.some((n) => n.kind === 'source' && (n.watermark?.emitEveryRows ?? 1) > 1))
    applicable.push('watermark-every-row');
  const updatingSinks = flink.sinks.filter((s) => s.updating);
  if (updatingSinks.length > 0) applicable.push('unchanged-update');
  const model = c.model;
  if (model && compareMultisets(model.rows({}), model.rows({ minWatermark: 0 })) !== null)
    applicable.push('watermark-before-epoch');
  if (base.nodes.some((n) => n.kind === 'over' && n.precedingMs !== undefined))
    applicable.push('over-late-rows');
  if (base.nodes.some((n) => n.kind === 'intervalJoin')) applicable.push('interval-join-late-rows');
  const ties = topNTies(analysis);
  if (ties.size > 0) applicable.push('top-n-ties');

  const versions = temporalVersionSources(analysis, first.notes);
  if (versions.size > 0) applicable.push('temporal-versions-order');

  // Differences confined to some input rows: both engines run again on the input without them (once per set).
  const reruns = new Map<string, { files: Record<string, string>; flink: typeof flink }>();
  const rerun = async (ids: DifferenceId[]) => {
    const tag = ids.join('+');
    const done = reruns.get(tag);
    if (done !== undefined) return done;
    const files: Record<string, string> = { ...sourceFiles };
    mkdirSync(path.join(ctx.workDir, 'sources'), { recursive: true });
    for (const n of base.nodes) {
      if (n.kind !== 'source') continue;
      const shared =
        n.connector.type === 'file' && n.connector.format === 'jsonl'
          ? path.resolve(c.baseDir, n.connector.path)
          : undefined;
      const input = files[n.id] ?? shared;
      if (input === undefined) continue;
      let from = input;
      if (
        (ids.includes('over-late-rows') || ids.includes('interval-join-late-rows')) &&
        n.watermark !== undefined
      ) {
        const to = path.join(ctx.workDir, 'sources', `${n.id}.on-time.jsonl`);
        writeOnTime(from, to, n.watermark);
        from = to;
      }
      const key = versions.get(n.id);
      if (ids.includes('temporal-versions-order') && key !== undefined && n.watermark !== undefined) {
        const to = path.join(ctx.workDir, 'sources', `${n.id}.in-order.jsonl`);
        writeVersionsInOrder(from, to, key, n.watermark.timestampField);
        from = to;
      }
      if (from !== input) files[n.id] = from;
    }
    const again = await runFlink(files, `flink-${tag}`);
    if (!again.ok) throw new Error(`${c.name}: the export refused the rewritten input`);
    if (again.flink.status !== 'FINISHED')
      throw new Error(`${c.name}: the Flink job on the rewritten input ${again.flink.status}`);
    const r = { files, flink: again.flink };
    reruns.set(tag, r);
    return r;
  };

  const variant = (ids: DifferenceId[], files: Record<string, string> | null): Variant => ({
    ids,
    normalizeUpdates: ids.includes('unchanged-update'),
    spec: mapNodes(base, (node) => {
      if (node.kind === 'window' && ids.includes('allowed-lateness'))
        return { ...node, allowedLatenessMs: 0 };
      if (node.kind === 'source' && node.watermark && ids.includes('watermark-every-row'))
        return { ...node, watermark: { ...node.watermark, emitEveryRows: 1 } };
      if (node.kind === 'source' && files?.[node.id] !== undefined && node.connector.type === 'file')
        return { ...node, connector: { ...node.connector, path: files[node.id]! } };
      return node;
    }),
  });

  const compareAll = (
    flowstate: Map<string, Row[]>,
    normalizeUpdates: boolean,
    flinkSinks = flink.sinks,
    projectTies = false,
  ) => {
    const comparisons: SinkComparison[] = [];
    let first: Difference | null = null;
    let firstSink = '';
    for (const sink of flinkSinks) {
      let flinkRows = sink.rows ?? [];
      let ours = flowstate.get(sink.nodeId) ?? [];
      const tieFields = projectTies ? ties.get(sink.nodeId) : undefined;
      if (tieFields !== undefined) {
        flinkRows = project(flinkRows, tieFields);
        ours = project(ours, tieFields);
      }
      let how = 'multiset of rows';
      let diff: Difference | null;
      const key = sink.updating ? updateKey(analysis, sink.nodeId) : null;
      if (sink.updating && key !== null) {
        how = `per-key sequence of updates (key ${key.join(', ')})`;
        if (normalizeUpdates) ours = withoutRepeatedUpdates(ours, key);
        diff = compareSequences(ours, flinkRows, key);
      } else {
        if (sink.updating) how = 'multiset of update rows (the key is not in the output)';
        diff = compareMultisets(ours, flinkRows);
      }
      comparisons.push({ sink: sink.nodeId, how, flowstateRows: ours.length, flinkRows: flinkRows.length });
      if (diff && !first) {
        first = diff;
        firstSink = sink.nodeId;
      }
    }
    return { comparisons, first, firstSink };
  };

  let firstDifference = '';
  let flowstateAsIs: Map<string, Row[]> | null = null;
  for (const ids of subsets(applicable)) {
    let cmp: ReturnType<typeof compareAll>;
    if (ids.includes('watermark-before-epoch') && model) {
      // Flowstate cannot run under this rule; the reference model can. It stands in for Flowstate only when
      // Flowstate's own output equals the model's under the spec's rules.
      if (flowstateAsIs === null || compareMultisets(flowstateAsIs.get(model.sink) ?? [], model.rows({})))
        continue;
      const rows = model.rows({
        minWatermark: 0,
        ...(ids.includes('allowed-lateness') ? { allowedLatenessMs: 0 } : {}),
        ...(ids.includes('watermark-every-row') ? { emitEveryRows: 1 } : {}),
      });
      cmp = compareAll(new Map([[model.sink, rows]]), false);
    } else {
      const rewrites = ids.filter((id) => INPUT_REWRITES.has(id));
      const late = rewrites.length > 0 ? await rerun(rewrites) : null;
      const vr = variant(ids, late?.files ?? null);
      const t1 = performance.now();
      const flowstate = await runFlowstate(vr.spec, c.baseDir);
      result.flowstateMs += performance.now() - t1;
      if (ids.length === 0) flowstateAsIs = flowstate;
      cmp = compareAll(
        flowstate,
        vr.normalizeUpdates,
        late?.flink.sinks ?? flink.sinks,
        ids.includes('top-n-ties'),
      );
    }
    if (ids.length === 0) result.comparisons = cmp.comparisons;
    if (cmp.first === null) {
      result.differences.push(...ids);
      result.comparisons = cmp.comparisons;
      result.verdict = result.differences.length === 0 ? 'equal' : 'documented';
      return result;
    }
    if (ids.length === 0) {
      const d = cmp.first;
      firstDifference = `sink '${cmp.firstSink}': ${d.summary}; only in Flowstate: ${d.flowstateOnly.slice(0, 5).join(' ')}; only in Flink: ${d.flinkOnly.slice(0, 5).join(' ')}`;
    }
  }
  result.verdict = 'different';
  result.detail = `${firstDifference}${applicable.length > 0 ? ` (also with the deliberate differences ${applicable.join(', ')} applied)` : ''}`;
  return result;
}

/**
 * Copies a JSON lines source file without the rows that arrive behind the source's watermark (a row at or
 * before `max timestamp so far − maxOutOfOrdernessMs − 1`, the watermark emitted every `emitEveryRows` rows):
 * the input neither engine can call late anywhere downstream.
 */
export function writeOnTime(
  from: string,
  to: string,
  watermark: { timestampField: string; maxOutOfOrdernessMs: number; emitEveryRows: number },
): void {
  const lines = readFileSync(from, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  let max = Number.NEGATIVE_INFINITY;
  let wm = Number.NEGATIVE_INFINITY;
  let since = 0;
  const out: string[] = [];
  for (const line of lines) {
    const ts = (JSON.parse(line) as Record<string, unknown>)[watermark.timestampField];
    if (typeof ts !== 'number') continue;
    if (ts > wm) out.push(line);
    if (ts > max) max = ts;
    if (++since >= watermark.emitEveryRows) {
      since = 0;
      wm = Math.max(wm, max - watermark.maxOutOfOrdernessMs - 1);
    }
  }
  writeFileSync(to, out.map((l) => `${l}\n`).join(''));
}

/**
 * Sinks fed by a row_number Top-N (through filters): sink → the fields that are the same whichever tied rows a
 * Top-N keeps — its key (the window and partition), its orderBy fields and its rank.
 */
function topNTies(analysis: SpecAnalysis): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const info of analysis.nodes.values()) {
    if (info.node.kind !== 'sink') continue;
    let up = analysis.nodes.get(info.inputs[0]!.from)!;
    while (up.node.kind === 'filter' && up.inputs.length === 1) up = analysis.nodes.get(up.inputs[0]!.from)!;
    const top = up.node;
    if (top.kind !== 'topN' || top.function !== 'row_number') continue;
    const key = analysis.nodes.get(up.inputs[0]!.from)!.keyFields ?? [];
    out.set(info.id, [
      ...new Set([...key, ...top.orderBy.map((o) => o.field), ...(top.rankField ? [top.rankField] : [])]),
    ]);
  }
  return out;
}

/** The differences that rerun both engines on a rewritten input. */
const INPUT_REWRITES: ReadonlySet<DifferenceId> = new Set([
  'over-late-rows',
  'interval-join-late-rows',
  'temporal-versions-order',
]);

/**
 * Temporal joins whose versioned table the export made by deduplication (its note says so) and whose right side
 * is one source's rows with the key fields as they are: source → its key columns.
 */
function temporalVersionSources(
  analysis: SpecAnalysis,
  notes: ReadonlyArray<{ nodeId?: string; message: string }>,
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const info of analysis.nodes.values()) {
    if (info.node.kind !== 'temporalJoin' || info.sides === undefined) continue;
    if (!notes.some((n) => n.nodeId === info.id && n.message.includes('versioned table by deduplication')))
      continue;
    const right = info.inputs.filter((e) => e.input === 'right');
    if (right.length !== 1) continue;
    let key = [...info.sides.right.keyFields];
    let up = analysis.nodes.get(right[0]!.from)!;
    let ok = true;
    while (up.node.kind !== 'source' && ok) {
      const n = up.node;
      if (n.kind === 'map') {
        key = key.map((k) => /^`?([A-Za-z_][A-Za-z0-9_]*)`?$/.exec(n.fields[k]?.trim() ?? '')?.[1] ?? '');
        ok = key.every((k) => k !== '');
      } else ok = n.kind === 'filter' || n.kind === 'keyBy';
      ok &&= up.inputs.length === 1;
      if (ok) up = analysis.nodes.get(up.inputs[0]!.from)!;
    }
    if (ok) out.set(up.id, key);
  }
  return out;
}

/**
 * Copies a JSON lines source file without the rows older than an earlier row with the same key (the versions
 * a deduplicated versioned view drops): then every version arrives in time order per key.
 */
export function writeVersionsInOrder(
  from: string,
  to: string,
  key: readonly string[],
  timeField: string,
): void {
  const newest = new Map<string, number>();
  const out: string[] = [];
  for (const line of readFileSync(from, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const row = JSON.parse(line) as Record<string, unknown>;
    const k = JSON.stringify(key.map((f) => row[f] ?? null));
    const ts = row[timeField];
    if (typeof ts !== 'number') continue;
    const seen = newest.get(k);
    if (seen !== undefined && ts < seen) continue;
    newest.set(k, ts);
    out.push(line);
  }
  writeFileSync(to, out.map((l) => `${l}\n`).join(''));
}
