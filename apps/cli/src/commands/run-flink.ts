/**
 * `flowstate run <spec.json> --engine flink [--flink-gateway URL]` — runs the spec on Apache Flink instead of
 * the embedded engine, and leaves the same output behind as the embedded run would.
 *
 * Through @flowstate/flink-run: sources Flink cannot read as they are (datagen, nexmark, csv) are materialized
 * to JSON lines files by Flowstate's own readers; the spec is exported to Flink SQL and run on a local Flink
 * (one JVM from @flowstate/flink-local, started here and stopped at the end) or on the SQL Gateway at
 * `--flink-gateway`; every sink's committed rows are read back (a rolling aggregate's changelog as one row
 * per update) and written as the embedded engine writes them: file sinks into their directories (committed
 * part files, jsonl with the schema's fields in order or csv with a header), collect sinks to
 * `<output>/<node>.jsonl`, console sinks on stdout.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ensureFlinkBuilt,
  FlinkGatewayClient,
  type LocalFlink,
  startLocalFlink,
} from '@flowstate/flink-local';
import {
  connectGateway,
  type FlinkConnection,
  type FlinkRunResult,
  planFlinkJob,
  runFlinkJob,
  writeFileSinks,
} from '@flowstate/flink-run';
import { validateSpec } from '@flowstate/spec';
import { CliError, ExitCode } from '../exit';
import { formatProblem, paint, plural } from '../format';
import type { CliIo } from '../io';
import type { SpecFile } from '../spec-file';

export interface FlinkRunOptions {
  file: SpecFile;
  /** What the user typed, for messages. */
  specPath: string;
  parallelism?: number;
  /** The SQL Gateway of a running Flink; absent: start a local one. */
  gatewayUrl?: string;
  /** Where collect sinks' rows go (`<dir>/<node>.jsonl`). */
  outputDir: (jobName: string) => string;
}

const fmtNum = (n: number): string => n.toLocaleString('en-US');
const secs = (ms: number): string => `${(ms / 1000).toFixed(2)}s`;

export async function runOnFlink(io: CliIo, options: FlinkRunOptions): Promise<number> {
  const p = paint(io.color);
  const { file } = options;
  const validation = validateSpec(file.document);
  if (!validation.ok) {
    io.stderr(`${p.red('✗')} ${file.displayPath} is not a valid job spec:\n`);
    for (const problem of validation.problems)
      io.stderr(`${formatProblem(problem, { document: file.document, paint: p, severity: 'error' })}\n`);
    io.stderr(`(flowstate validate ${options.specPath} shows the same problems)\n`);
    return ExitCode.Invalid;
  }
  const workDir = mkdtempSync(path.join(tmpdir(), 'flowstate-flink-run-'));
  let local: LocalFlink | undefined;
  const abort = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    io.stderr(`\n${p.yellow('stopping')}: cancelling the Flink job (Ctrl-C again to quit at once)…\n`);
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const planned = planFlinkJob(file.document, {
      baseDir: file.directory,
      workDir,
      ...(options.parallelism !== undefined ? { parallelism: options.parallelism } : {}),
    });
    if (!planned.ok) {
      for (const problem of planned.problems) {
        const where = problem.nodeId !== undefined ? `node '${problem.nodeId}'` : problem.path || '(spec)';
        io.stderr(`${where}: ${problem.message}\n`);
      }
      io.stderr(`${p.red('flowstate:')} cannot run ${file.displayPath} on Flink\n`);
      return ExitCode.Invalid;
    }
    const plan = planned.plan;
    for (const note of plan.notes) {
      io.stderr(`note: ${note.nodeId !== undefined ? `node '${note.nodeId}': ` : ''}${note.message}\n`);
    }

    let connection: FlinkConnection;
    let version: string;
    if (options.gatewayUrl !== undefined) {
      try {
        const c = await connectGateway(options.gatewayUrl);
        connection = c;
        version = c.version;
      } catch (e) {
        throw new CliError(
          'flink-unavailable',
          `cannot reach the Flink SQL Gateway at ${options.gatewayUrl}: ${(e as Error).message}`,
        );
      }
      io.stderr(
        `Flink ${version} at ${options.gatewayUrl}${connection.restUrl ? ` (REST API ${connection.restUrl})` : ' (no REST API found: the job runs as a synchronous statement)'}\n`,
      );
    } else {
      io.stderr('starting a local Flink (one JVM: MiniCluster + SQL Gateway)…\n');
      const prep = ensureFlinkBuilt({ log: (m) => io.stderr(`${m}\n`) });
      if (!prep.ok)
        throw new CliError(
          'flink-unavailable',
          `cannot start a local Flink: ${prep.reason.replace(/^skipped: /, '')}`,
        );
      local = await startLocalFlink({ launcher: prep.launcher });
      connection = { gateway: new FlinkGatewayClient(local.gatewayUrl), restUrl: local.restUrl };
      version = local.flinkVersion;
      io.stderr(`Flink ${version} ready in ${secs(local.startupMs)} (dashboard ${local.restUrl}/)\n`);
    }
    if (abort.signal.aborted) return ExitCode.Ok;

    const result = await runFlinkJob(plan, connection, {
      baseDir: file.directory,
      timeoutMs: 7 * 24 * 3600_000,
      signal: abort.signal,
      log: (m) => io.stderr(`${m}\n`),
      onSubmitted: (jobId) =>
        io.stderr(
          `job ${jobId} submitted${connection.restUrl ? ` (${connection.restUrl}/#/job/running/${jobId}/overview)` : ''}\n`,
        ),
    });
    for (const m of result.materialized) {
      if (m.rowErrors.length === 0) continue;
      for (const e of m.rowErrors.slice(0, 20))
        io.stderr(`${p.yellow('row error')} in ${m.nodeId}: ${e.message} (${e.position})\n`);
      io.stderr(
        `${p.yellow('!')} source '${m.nodeId}': ${plural(m.rowErrors.length, 'row error')} (skipped)\n`,
      );
    }
    if (result.status === 'CANCELED') {
      io.stderr(`${p.yellow('■')} cancelled after ${secs(result.wallMs)}\n`);
      return ExitCode.Ok;
    }
    if (result.status === 'FAILED') {
      io.stderr(`${p.red('✗ job failed on Flink:')} ${result.rootCause ?? 'unknown error'}\n`);
      return ExitCode.Invalid;
    }
    io.stderr(summary(io, result, version, options.outputDir(validation.spec.name)));
    return ExitCode.Ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await local?.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** Writes the sinks' output (file sinks, collect files, console lines) and returns the summary text. */
function summary(io: CliIo, result: FlinkRunResult, version: string, outDir: string): string {
  const p = paint(io.color);
  const lines = [
    `${p.green('✓')} finished on Flink ${version} in ${secs(result.wallMs)}${result.jobDurationMs !== undefined ? ` (the job ran ${secs(result.jobDurationMs)})` : ''}`,
  ];
  for (const m of result.materialized)
    lines.push(`  source '${m.nodeId}': ${plural(m.rows, 'row')} materialized`);
  const written = new Map(writeFileSinks(result).map((w) => [w.nodeId, w]));
  for (const sink of result.sinks) {
    const rows = sink.rows;
    if (rows === null) {
      lines.push(`  ${sink.nodeId}  ${sink.kind}`);
      continue;
    }
    lines.push(
      `  ${sink.nodeId}  ${sink.kind} · in ${fmtNum(rows.length)}${sink.updating ? ' (updates)' : ''}`,
    );
    if (sink.kind === 'console') {
      let text = '';
      for (const row of rows) text += `${JSON.stringify(row)}\n`;
      io.stdout(text);
    } else if (sink.kind === 'collect') {
      try {
        mkdirSync(outDir, { recursive: true });
        const out = path.join(outDir, `${sink.nodeId}.jsonl`);
        writeFileSync(out, rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
        lines.push(`${p.bold(`output of '${sink.nodeId}'`)}: ${plural(rows.length, 'row')} → ${out}`);
      } catch (e) {
        throw new CliError(
          'file-unreadable',
          `cannot write the output of '${sink.nodeId}' to ${outDir}: ${(e as Error).message}`,
        );
      }
    } else if (sink.kind === 'file') {
      const w = written.get(sink.nodeId);
      lines.push(
        `${p.bold(`output of '${sink.nodeId}'`)}: ${plural(rows.length, 'row')} → ${w?.file ?? `${sink.target?.path} (no rows, no file)`}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
