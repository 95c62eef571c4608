/**
 * `flowstate checkpoints <dir> [--job ID] [--json]` — lists the checkpoints and savepoints kept in a
 * checkpoint directory: id, kind, trigger, time, duration, size, status (invalid ones say why).
 */
import { parseArgs } from 'node:util';
import { type CheckpointListing, createFsCheckpointStorage } from '@flowstate/engine';
import { type Command, onePositional, parseCommandArgs } from '../command';
import { ExitCode } from '../exit';
import { fmtCheckpointSize, paint } from '../format';
import type { CliIo } from '../io';
import { resolveUserPath } from '../spec-file';

const help = `Usage: flowstate checkpoints <dir> [--job ID] [--json]

Lists the checkpoints and savepoints in a checkpoint directory (what \`flowstate run --checkpoint-dir\`
writes): id, kind, trigger, time, duration, size and status. A directory without a valid _metadata is
listed as invalid, with the reason. Nothing is verified beyond the metadata (restore verifies checksums).

Options:
  --job ID     only this job (default: every job in the directory)
  --json       print the listing as JSON
  -h, --help   show this help
`;

export const checkpointsCommand: Command = {
  name: 'checkpoints',
  summary: 'list the checkpoints and savepoints in a checkpoint directory',
  synopsis: '<dir> [--job ID] [--json]',
  help,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('checkpoints', () =>
      parseArgs({
        args: argv,
        options: {
          job: { type: 'string' },
          json: { type: 'boolean' },
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
    const dir = onePositional('checkpoints', positionals, 'a checkpoint directory', 'directory');
    const storage = createFsCheckpointStorage(resolveUserPath(io, dir));
    const jobs = values.job ? [values.job] : await storage.jobs();
    const all: Array<{ job: string; listing: CheckpointListing }> = [];
    for (const job of jobs) for (const listing of await storage.list(job)) all.push({ job, listing });
    if (values.json) {
      io.stdout(
        `${JSON.stringify(
          all.map(({ job, listing }) => row(job, listing)),
          null,
          2,
        )}\n`,
      );
      return ExitCode.Ok;
    }
    if (all.length === 0) {
      io.stdout(`no checkpoints in ${dir}${values.job ? ` for job '${values.job}'` : ''}\n`);
      return ExitCode.Ok;
    }
    io.stdout(table(all, io));
    return ExitCode.Ok;
  },
};

function row(job: string, l: CheckpointListing) {
  const m = l.metadata;
  return {
    job,
    id: l.location.checkpointId,
    kind: l.location.kind,
    trigger: m?.trigger ?? null,
    time: m ? new Date(m.timestamp).toISOString() : null,
    durationMs: m?.durationMs ?? null,
    sizeBytes: l.sizeBytes,
    // incremental checkpoints (disk state backend): what the state consists of vs what this checkpoint wrote
    ...(m?.fullSize !== undefined ? { fullSizeBytes: m.fullSize } : {}),
    ...(m?.incrementalSize !== undefined ? { incrementalSizeBytes: m.incrementalSize } : {}),
    status: l.status,
    ...(l.error ? { error: l.error } : {}),
    path: l.location.path,
  };
}

function table(all: Array<{ job: string; listing: CheckpointListing }>, io: CliIo): string {
  const p = paint(io.color);
  const header = ['JOB', 'ID', 'KIND', 'TRIGGER', 'TIME', 'DURATION', 'SIZE', 'STATUS'];
  const rows = all.map(({ job, listing: l }) => {
    const r = row(job, l);
    return [
      job,
      String(r.id),
      r.kind,
      r.trigger ?? '—',
      r.time ?? '—',
      r.durationMs === null ? '—' : `${r.durationMs} ms`,
      fmtCheckpointSize(r),
      r.status === 'completed' ? p.green('completed') : p.red(`invalid: ${r.error ?? ''}`),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => stripAnsi(r[i]!).length)));
  const fmt = (r: string[]) =>
    r.map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(widths[i]! - stripAnsi(c).length))).join('  ');
  return `${[p.bold(fmt(header)), ...rows.map(fmt)].join('\n')}\n`;
}

function stripAnsi(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}
