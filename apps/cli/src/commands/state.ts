import { parseArgs } from 'node:util';
import {
  CheckpointInspectionError,
  type Job,
  JobSpecError,
  openCheckpointForInspection,
  StateQueryError,
} from '@flowstate/engine';
import { type Command, onePositional, parseCommandArgs, positiveIntOption } from '../command';
import { CliError, ExitCode, UsageError } from '../exit';
import { readSpecFile, resolveUserPath } from '../spec-file';

const help = `Usage: flowstate state <checkpoint> --node ID [--key K] [--prefix P] [--limit N] [--json]

Prints the keyed state a node held in a checkpoint, without running the job. <checkpoint> is a
checkpoint directory (…/<job>/chk-<n>) or its _metadata file. Every file is verified (SHA-256) first.

Options:
  --node ID     the window or aggregate node whose state to print (required)
  --key K       only this key (compared with the key's text form)
  --prefix P    only keys whose text starts with P
  --limit N     at most N keys (default 100)
  --spec FILE   the job spec, for a checkpoint that does not carry one
  --json        print JSON: { "checkpointId", "node", "entries": [{ "key", "value" }], "more" }
  -h, --help    show this help
`;

export const stateCommand: Command = {
  name: 'state',
  summary: 'print the state a node held in a checkpoint, without running the job',
  synopsis: '<checkpoint> --node ID [--key K] [--json]',
  help,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs('state', () =>
      parseArgs({
        args: argv,
        options: {
          node: { type: 'string' },
          key: { type: 'string' },
          prefix: { type: 'string' },
          limit: { type: 'string' },
          spec: { type: 'string' },
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
    const where = onePositional('state', positionals, 'a checkpoint directory', 'checkpoint');
    if (!values.node) throw new UsageError('state needs --node ID', 'state');
    const limit = positiveIntOption('state', values.limit, '--limit') ?? 100;

    const dir = resolveUserPath(io, where);
    let job: Job;
    let checkpointId: number;
    let checkpointDir: string;
    try {
      const opened = await openCheckpointForInspection(dir, {
        ...(values.spec ? { spec: readSpecFile(io, values.spec).document } : {}),
      });
      job = opened.job;
      checkpointId = opened.metadata.checkpointId;
      checkpointDir = opened.dir;
    } catch (e) {
      if (e instanceof CheckpointInspectionError && e.code === 'NO_SPEC') {
        throw new CliError(
          'file-unreadable',
          `checkpoint ${where} does not carry its job spec: pass it with --spec`,
          { path: where },
        );
      }
      if (e instanceof JobSpecError) throw e;
      throw new CliError('file-unreadable', `cannot read checkpoint ${where}: ${(e as Error).message}`, {
        path: where,
      });
    }
    let entries: Array<{ key: unknown; value: unknown }>;
    let more = false;
    try {
      if (values.key !== undefined) {
        const page = job.queryState(values.node, { prefix: values.key, limit: 10_000 });
        entries = page.entries.filter((e) => String(e.key) === values.key);
      } else {
        const page = job.queryState(values.node, {
          ...(values.prefix ? { prefix: values.prefix } : {}),
          limit,
        });
        entries = page.entries;
        more = page.nextCursor !== null;
      }
    } catch (e) {
      if (e instanceof StateQueryError) throw new CliError('usage', e.message, {}, ExitCode.Invalid);
      throw e;
    }
    const id = checkpointId;
    if (values.json) {
      io.stdout(`${JSON.stringify({ checkpointId: id, node: values.node, entries, more }, null, 2)}\n`);
      return ExitCode.Ok;
    }
    if (entries.length === 0) {
      io.stdout(
        values.key !== undefined
          ? `key '${values.key}' holds no state in '${values.node}' at checkpoint ${id}\n`
          : `'${values.node}' held no keys at checkpoint ${id}\n`,
      );
      return values.key !== undefined ? ExitCode.Invalid : ExitCode.Ok;
    }
    io.stdout(`state of '${values.node}' at checkpoint ${id} (${checkpointDir}):\n`);
    for (const e of entries) io.stdout(`${JSON.stringify(e.key)}\t${JSON.stringify(e.value)}\n`);
    if (more) io.stdout(`… more keys: use --limit or --prefix\n`);
    return ExitCode.Ok;
  },
};
