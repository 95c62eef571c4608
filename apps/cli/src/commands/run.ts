/**
 * `flowstate run <spec.json> [--parallelism N] [--explain] [--output DIR] [--engine flink]` — runs a job with
 * the embedded engine until every bounded source has ended (or Ctrl-C stops it gracefully); with
 * `--engine flink`, on Apache Flink (run-flink.ts).
 *
 * Console sinks write to stdout; progress (rows/s, watermark) goes to stderr — a live line on a terminal,
 * plain lines otherwise; collect sinks' rows are written to `<output>/<node>.jsonl` at the end.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  type CheckpointMetadata,
  checkRestoreCompatibility,
  createFsCheckpointStorage,
  explainPlan,
  Job,
  type JobEvent,
  type JobMetrics,
  JobSpecError,
  METADATA_FILE,
  parseCheckpointMetadataText,
  type RestoreTarget,
} from '@flowstate/engine';
import { validateSpec } from '@flowstate/spec';
import { type Command, onePositional, parseCommandArgs, positiveIntOption } from '../command';
import { CliError, ExitCode, UsageError } from '../exit';
import { fmtCheckpointSize, formatProblem, paint, plural } from '../format';
import type { CliIo } from '../io';
import { formatRestoreReport } from '../restore-report';
import { readSpecFile, resolveUserPath } from '../spec-file';
import { runOnFlink } from './run-flink';

const help = `Usage: flowstate run <spec.json> [options]

Runs a job spec with the embedded engine until every bounded source has ended, then prints a summary.
Ctrl-C stops the job gracefully. Relative paths inside the spec resolve against the spec file's directory.

Options:
  --engine E            embedded (default) or flink: export the spec to Flink SQL and run it on Apache
                        Flink — a local one (one JVM, started and stopped by this command; needs Java 17
                        and Maven, installed from Debian when missing and run as root) or the one at
                        --flink-gateway. datagen/nexmark/csv sources are materialized to JSON lines files
                        first; the output is written as the embedded engine writes it (docs/flink.md)
  --flink-gateway URL   with --engine flink: run on the Flink whose SQL Gateway is at URL (it must see
                        the same files: the materialized sources and the sinks' output)
  -p, --parallelism N   run every node with N parallel subtasks (default: the spec's settings)
  --output DIR          where collect sinks' rows are written as <node>.jsonl
                        (default: .flowstate/output/<job name> in the current directory)
  --checkpoint-dir DIR  keep checkpoints in DIR (<DIR>/<job>/chk-<n>/): checkpoints are taken every
                        settings.checkpointing.intervalMs, by hand (s + Enter, or SIGUSR1), and at the end
                        of input; file sinks commit exactly once
  --restore WHAT        start from a checkpoint: latest (the newest valid one, or the beginning if there is
                        none yet), a checkpoint id, or a checkpoint directory; needs --checkpoint-dir
                        (or a directory). The spec may be an edited version of the one the checkpoint was
                        taken with: its state is matched to nodes by id, and a report says what each node
                        restores, what starts empty and what cannot be restored
  --allow-non-restored-state
                        with --restore: drop the state of nodes the spec no longer has, or whose state
                        layout changed, instead of refusing to start (Flink's --allowNonRestoredState)
  --job-id ID           the job's name under the checkpoint directory (default: the spec's name)
  --explain             print the physical plan (operator chains and exchanges) and exit
  --progress-ms N       how often progress is reported (default 500 on a terminal, 2000 otherwise)
  -h, --help            show this help

Output:
  stdout   console sinks, one JSON line per row
  stderr   progress (rows/s, watermark), row errors, and the final summary

Exit codes: 0 finished (or stopped with Ctrl-C), 1 the spec is invalid, cannot be exported (--engine
flink) or the job failed, 2 usage error, unreadable input or no Flink to run on.
`;

export const runCommand: Command = {
  name: 'run',
  summary: 'run a job with the embedded engine until its bounded sources end',
  synopsis:
    '<spec.json> [--parallelism N] [--output DIR] [--explain] [--checkpoint-dir DIR] [--restore WHAT [--allow-non-restored-state]] [--engine flink [--flink-gateway URL]]',
  help,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('run', () =>
      parseArgs({
        args: argv,
        options: {
          parallelism: { type: 'string', short: 'p' },
          output: { type: 'string' },
          explain: { type: 'boolean' },
          'checkpoint-dir': { type: 'string' },
          restore: { type: 'string' },
          'allow-non-restored-state': { type: 'boolean' },
          'job-id': { type: 'string' },
          'progress-ms': { type: 'string' },
          engine: { type: 'string' },
          'flink-gateway': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        allowPositionals: true,
        strict: true,
      }),
    );
    if (values.help) {
      io.stdout(help);
      return ExitCode.Ok;
    }
    const specPath = onePositional('run', positionals, 'the path of a spec file', 'spec file');
    const parallelism = positiveIntOption('run', values.parallelism, '--parallelism');
    const p = paint(io.color);
    const engine = values.engine ?? 'embedded';
    if (engine !== 'embedded' && engine !== 'flink')
      throw new UsageError(`--engine takes embedded or flink, not '${engine}'`, 'run');
    if (values['flink-gateway'] !== undefined && engine !== 'flink')
      throw new UsageError('--flink-gateway needs --engine flink', 'run');
    if (engine === 'flink') {
      const embeddedOnly = (
        ['explain', 'checkpoint-dir', 'restore', 'allow-non-restored-state', 'job-id', 'progress-ms'] as const
      ).filter((k) => values[k] !== undefined);
      if (embeddedOnly.length > 0) {
        throw new UsageError(
          `${embeddedOnly.map((k) => `--${k}`).join(', ')} ${embeddedOnly.length === 1 ? 'is' : 'are'} for the embedded engine, not --engine flink (flowstate export --to flink-sql shows the Flink SQL)`,
          'run',
        );
      }
      return runOnFlink(io, {
        file: readSpecFile(io, specPath),
        specPath,
        ...(parallelism !== undefined ? { parallelism } : {}),
        ...(values['flink-gateway'] !== undefined ? { gatewayUrl: values['flink-gateway'] } : {}),
        outputDir: (name) =>
          values.output
            ? resolveUserPath(io, values.output)
            : path.join(io.cwd, '.flowstate', 'output', safeName(name)),
      });
    }

    const tty = io.color;
    const every = positiveIntOption('run', values['progress-ms'], '--progress-ms') ?? (tty ? 500 : 2000);
    const progress = new Progress(io, tty);
    const file = readSpecFile(io, specPath);
    const result = validateSpec(file.document);
    if (!result.ok) {
      io.stderr(`${p.red('✗')} ${file.displayPath} is not a valid job spec:\n`);
      for (const problem of result.problems)
        io.stderr(`${formatProblem(problem, { document: file.document, paint: p, severity: 'error' })}\n`);
      io.stderr(`(flowstate validate ${specPath} shows the same problems)\n`);
      return ExitCode.Invalid;
    }

    const checkpointDir = values['checkpoint-dir']
      ? resolveUserPath(io, values['checkpoint-dir'])
      : undefined;
    if (values.restore !== undefined && !checkpointDir && !/[/\\]/.test(values.restore)) {
      throw new UsageError('--restore needs --checkpoint-dir (or a checkpoint directory path)', 'run');
    }
    const restoreFrom = parseRestore(values.restore, io);
    const allowNonRestoredState = values['allow-non-restored-state'] === true;
    if (allowNonRestoredState && restoreFrom === undefined) {
      throw new UsageError('--allow-non-restored-state goes with --restore', 'run');
    }
    const storageDir =
      checkpointDir ??
      (restoreFrom && typeof restoreFrom === 'object' && 'path' in restoreFrom
        ? path.dirname(path.dirname(restoreFrom.path))
        : undefined);

    let reported: string | undefined;
    let job: Job;
    try {
      job = new Job(result.analysis, {
        baseDir: file.directory,
        ...(storageDir ? { checkpointStorage: createFsCheckpointStorage(storageDir) } : {}),
        ...(restoreFrom !== undefined ? { restoreFrom } : {}),
        ...(allowNonRestoredState ? { allowNonRestoredState } : {}),
        ...(values['job-id'] ? { jobId: values['job-id'] } : {}),
        onEvent: (e) => {
          // The restore's summary was printed with its report already.
          if (e.type === 'notice' && e.message === reported) return;
          reportEvent(e, io, progress);
        },
        ...(parallelism !== undefined ? { parallelism } : {}),
        writeConsole: (text) => io.stdout(text),
        onRowError: (e) => {
          if (rowErrors++ < 20)
            io.stderr(`${p.yellow('row error')} in ${e.nodeId}: ${e.message} (${e.position})\n`);
          else if (rowErrors === 21)
            io.stderr(`${p.yellow('…')} more row errors are counted in the summary\n`);
        },
      });
    } catch (e) {
      if (e instanceof JobSpecError) {
        io.stderr(`${p.red('✗')} ${e.message}\n`);
        return ExitCode.Invalid;
      }
      throw e;
    }
    let rowErrors = 0;
    progress.attach(job);

    if (values.explain) {
      io.stdout(`${explainPlan(job.plan)}\n`);
      return ExitCode.Ok;
    }

    // What the restore will do with each node's state — refused before anything runs when it cannot go ahead.
    const checkpoint =
      restoreFrom !== undefined && storageDir
        ? await checkpointToRestore(storageDir, job.jobId, restoreFrom)
        : undefined;
    if (checkpoint) {
      const report = checkRestoreCompatibility(result.analysis, checkpoint.metadata, {
        allowNonRestoredState,
      });
      const plain =
        report.compatible &&
        report.problems.length === 0 &&
        report.nodes.every((n) => n.status === 'restored' || n.status === 'stateless');
      // (A plain `latest` says nothing more: the engine may yet fall back past a damaged newest checkpoint.)
      if (plain) {
        if (restoreFrom !== 'latest') io.stderr(`${p.green('↺')} ${report.summary}\n`);
      } else io.stderr(formatRestoreReport(report, checkpoint.path, p));
      reported = report.summary;
      if (!report.ok) {
        if (report.problems.length === 0)
          io.stderr(
            `(run again with --allow-non-restored-state to drop that state and start those nodes empty)\n`,
          );
        return ExitCode.Invalid;
      }
    }

    const timer = setInterval(() => progress.report(job.metrics()), every);
    let interrupted = false;
    const onSigint = () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      io.stderr(`\n${p.yellow('stopping')} (Ctrl-C again to quit at once)…\n`);
      job.cancel();
    };
    process.on('SIGINT', onSigint);
    process.on('SIGTERM', onSigint);
    // A checkpoint by hand: SIGUSR1, or `s` + Enter on an interactive terminal.
    const manual = () => {
      try {
        const id = job.triggerCheckpoint();
        progress.line(`checkpoint ${id} requested`);
      } catch (e) {
        progress.line(`cannot checkpoint now: ${(e as Error).message}`);
      }
    };
    process.on('SIGUSR1', manual);
    const stdin = process.stdin;
    const onLine = (chunk: Buffer) => {
      if (chunk.toString().trim().toLowerCase() === 's') manual();
    };
    const interactive = stdin.isTTY === true;
    if (interactive) {
      stdin.on('data', onLine);
      progress.line('press s + Enter to take a checkpoint, Ctrl-C to stop');
    }
    let res: Awaited<ReturnType<Job['run']>>;
    try {
      res = await job.run();
    } finally {
      clearInterval(timer);
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
      process.off('SIGUSR1', manual);
      if (interactive) {
        stdin.off('data', onLine);
        stdin.pause();
      }
      progress.clear();
    }

    const outDir = values.output
      ? resolveUserPath(io, values.output)
      : path.join(io.cwd, '.flowstate', 'output', safeName(job.name));
    const written = writeCollected(job, outDir);
    io.stderr(summary(res.metrics, res.status, written, io));
    if (res.status === 'failed') {
      io.stderr(`${p.red('✗ job failed:')} ${res.error?.message ?? 'unknown error'}\n`);
      return ExitCode.Invalid;
    }
    return ExitCode.Ok;
  },
};

/**
 * The metadata of the checkpoint a restore names (without verifying its state files: the restore does that), or
 * undefined when there is no such checkpoint (the engine then says why: none yet, or which file is damaged).
 */
async function checkpointToRestore(
  storageDir: string,
  jobId: string,
  target: RestoreTarget,
): Promise<{ metadata: CheckpointMetadata; path: string } | undefined> {
  if (typeof target === 'object' && 'path' in target) {
    const dir = path.basename(target.path) === METADATA_FILE ? path.dirname(target.path) : target.path;
    let text: string;
    try {
      text = readFileSync(path.join(dir, METADATA_FILE), 'utf8');
    } catch (e) {
      throw new CliError('file-unreadable', `${dir} is not a checkpoint: ${(e as Error).message}`);
    }
    try {
      return { metadata: parseCheckpointMetadataText(text, dir), path: dir };
    } catch (e) {
      throw new CliError('file-unreadable', (e as Error).message);
    }
  }
  const listed = await createFsCheckpointStorage(storageDir).list(jobId);
  const found =
    target === 'latest'
      ? listed.find((l) => l.status === 'completed')
      : listed.find((l) => l.location.checkpointId === target.checkpointId && l.status === 'completed');
  // None: `latest` starts from the beginning, and a missing or damaged one fails the restore naming the file.
  return found?.metadata ? { metadata: found.metadata, path: found.location.path } : undefined;
}

function parseRestore(v: string | undefined, io: CliIo): RestoreTarget | undefined {
  if (v === undefined) return undefined;
  if (v === 'latest') return 'latest';
  if (/^\d+$/.test(v)) return { checkpointId: Number(v) };
  return { path: resolveUserPath(io, v) };
}

function reportEvent(e: JobEvent, io: CliIo, progress: Progress): void {
  const p = paint(io.color);
  switch (e.type) {
    case 'checkpoint-completed':
      progress.line(
        `${p.green('✓')} ${e.checkpoint.kind} ${e.checkpoint.checkpointId} (${e.checkpoint.trigger}) completed in ${e.checkpoint.durationMs} ms, ${fmtCheckpointSize(e.checkpoint)} → ${e.checkpoint.path}`,
      );
      break;
    case 'checkpoint-failed':
      progress.line(`${p.yellow('!')} checkpoint ${e.checkpointId} failed: ${e.reason}`);
      break;
    case 'restarting':
      progress.line(`${p.yellow('↻')} restart ${e.attempt} in ${e.delayMs} ms after: ${e.cause}`);
      break;
    case 'restored':
      progress.line(`${p.green('↺')} restored from checkpoint ${e.checkpointId} (${e.path})`);
      break;
    case 'notice':
      progress.line(`${p.yellow('note:')} ${e.message}`);
      break;
    default:
      break;
  }
}

function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'job';
}

/** Writes every collect sink's rows to `<dir>/<node>.jsonl`; returns what was written. */
function writeCollected(job: Job, dir: string): Array<{ nodeId: string; file: string; rows: number }> {
  const out: Array<{ nodeId: string; file: string; rows: number }> = [];
  for (const n of job.analysis.spec.nodes) {
    if (n.kind !== 'sink' || n.connector.type !== 'collect') continue;
    const rows = job.collected(n.id);
    try {
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${n.id}.jsonl`);
      writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
      out.push({ nodeId: n.id, file, rows: rows.length });
    } catch (e) {
      throw new CliError(
        'file-unreadable',
        `cannot write the output of '${n.id}' to ${dir}: ${(e as Error).message}`,
      );
    }
  }
  return out;
}

function fmtWatermark(wm: number): string {
  if (wm === Number.NEGATIVE_INFINITY) return '—';
  if (wm === Number.POSITIVE_INFINITY) return 'end';
  return new Date(wm).toISOString().replace('.000Z', 'Z');
}

function fmtNum(n: number): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: 0 });
}

/** The progress line: source rows/s since the last report, total rows, the lowest sink/window watermark. */
class Progress {
  private last = { at: performance.now(), rows: 0 };
  private shown = false;
  private job: Job | null = null;

  attach(job: Job): void {
    this.job = job;
  }

  /** A line that stays (checkpoint events), printed above the live progress line. */
  line(text: string): void {
    this.clear();
    this.shown = false;
    this.io.stderr(`${text}\n`);
    if (this.live && this.job) this.report(this.job.metrics());
  }
  constructor(
    private readonly io: CliIo,
    private readonly live: boolean,
  ) {}

  report(m: JobMetrics): void {
    const now = performance.now();
    const rows = m.nodes.filter((n) => n.kind === 'source').reduce((a, n) => a + n.recordsOut, 0);
    const rate = ((rows - this.last.rows) * 1000) / Math.max(1, now - this.last.at);
    this.last = { at: now, rows };
    const sinks = m.nodes.filter((n) => n.kind !== 'source');
    const wm = sinks.length ? Math.min(...sinks.map((n) => n.watermark)) : Number.NEGATIVE_INFINITY;
    const line = `${fmtNum(rate)} rows/s · ${fmtNum(rows)} rows read · watermark ${fmtWatermark(wm)}${m.rowErrors ? ` · ${plural(m.rowErrors, 'row error')}` : ''}`;
    if (this.live) {
      this.io.stderr(`\r\u001b[2K${line}`);
      this.shown = true;
    } else {
      this.io.stderr(`${line}\n`);
    }
  }

  clear(): void {
    if (this.shown) this.io.stderr('\r\u001b[2K');
  }
}

function summary(
  m: JobMetrics,
  status: string,
  written: Array<{ nodeId: string; file: string; rows: number }>,
  io: CliIo,
): string {
  const p = paint(io.color);
  const lines: string[] = [];
  const secs = (m.uptimeMs / 1000).toFixed(2);
  const mark = status === 'failed' ? p.red('✗') : p.green('✓');
  lines.push(`${mark} ${status} in ${secs}s`);
  const w = Math.max(...m.nodes.map((n) => n.nodeId.length));
  // After a restore the totals carry on from the checkpoint; the rows of this run are said beside them.
  const restored = m.countersSince.checkpointId !== null;
  const count = (total: number, since: number) =>
    restored && total !== since ? `${fmtNum(total)} (${fmtNum(since)} since the restore)` : fmtNum(total);
  if (restored)
    lines.push(
      `  counts since the job's input began, carried over from checkpoint ${m.countersSince.checkpointId}`,
    );
  for (const n of m.nodes) {
    const parts = [`${n.nodeId.padEnd(w)}  ${n.kind.padEnd(9)}`];
    if (n.kind !== 'source') parts.push(`in ${count(n.totalRecordsIn, n.recordsIn)}`);
    if (n.kind !== 'sink') parts.push(`out ${count(n.totalRecordsOut, n.recordsOut)}`);
    if (n.numKeys) parts.push(`${fmtNum(n.numKeys)} keys`);
    if (n.rowErrors) parts.push(p.yellow(plural(n.rowErrors, 'row error')));
    if (n.lateRowsDropped) parts.push(p.yellow(`${fmtNum(n.lateRowsDropped)} late rows dropped`));
    lines.push(`  ${parts.join(' · ')}`);
  }
  for (const o of written) {
    lines.push(`${p.bold(`output of '${o.nodeId}'`)}: ${plural(o.rows, 'row')} → ${o.file}`);
  }
  return `${lines.join('\n')}\n`;
}
