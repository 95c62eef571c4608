/**
 * The `flowstate` command line: parses the command name and global options, dispatches to
 * `commands/<name>.ts`, and turns errors into exit codes (see `exit.ts`).
 *
 * Run it as `pnpm flowstate <command>` from anywhere in the repo, `node apps/cli/bin/flowstate.mjs`,
 * or `tsx apps/cli/src/main.ts`.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from './command';
import { checkpointsCommand } from './commands/checkpoints';
import { exportCommand } from './commands/export';
import { runCommand } from './commands/run';
import { stateCommand } from './commands/state';
import { validateCommand } from './commands/validate';
import { CliError, ExitCode, UsageError } from './exit';
import { formatCliError, paint } from './format';
import { type CliIo, processIo } from './io';

/** Every command, in the order `flowstate --help` lists them. */
export const COMMANDS: readonly Command[] = [
  validateCommand,
  runCommand,
  checkpointsCommand,
  stateCommand,
  exportCommand,
];

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

export function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => `${c.name} ${c.synopsis}`.length));
  const lines = COMMANDS.map((c) => `  ${`${c.name} ${c.synopsis}`.padEnd(width)}   ${c.summary}`);
  return `Usage: flowstate <command> [options]

Flowstate: design, check and run stateful stream pipelines described by a job spec.

Commands:
${lines.join('\n')}

Options:
  -h, --help      show this help; \`flowstate <command> --help\` shows a command's
  -v, --version   print the version

Exit codes: 0 success, 1 invalid spec (or one that cannot be exported), 2 usage error or unreadable
input, 3 internal error.
Paths are relative to the directory you run the command in. Docs: docs/cli.md
`;
}

/** Runs the command line `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  // `pnpm run flowstate -- validate x` passes the `--` through to the script.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const [first, ...rest] = args;
  try {
    if (first === undefined) throw new UsageError('no command given');
    if (first === '-h' || first === '--help' || first === 'help') {
      const topic = first === 'help' ? rest[0] : undefined;
      if (topic === undefined) {
        io.stdout(usage());
        return ExitCode.Ok;
      }
      return await findCommand(topic).run(['--help'], io);
    }
    if (first === '-v' || first === '--version') {
      io.stdout(`flowstate ${version()}\n`);
      return ExitCode.Ok;
    }
    if (first.startsWith('-')) throw new UsageError(`unknown option '${first}'`);
    return await findCommand(first).run(rest, io);
  } catch (e) {
    return reportError(e, io, rest);
  }
}

function findCommand(name: string): Command {
  const command = COMMANDS.find((c) => c.name === name);
  if (command) return command;
  const near = COMMANDS.find((c) => c.name.startsWith(name) || editDistance(c.name, name) <= 2);
  throw new UsageError(`unknown command '${name}'${near ? ` (did you mean '${near.name}'?)` : ''}`);
}

/**
 * Prints an error and returns its exit code. A `CliError` is the user's to fix: one message on stderr
 * (with the usage for a `UsageError`), and with `--json` also `{ ok: false, problems: [], error }` on
 * stdout. Anything else is a bug in flowstate: message and stack on stderr, exit 3.
 */
function reportError(e: unknown, io: CliIo, commandArgs: readonly string[]): number {
  const p = paint(io.color);
  if (!(e instanceof CliError)) {
    const detail = e instanceof Error ? (e.stack ?? e.message) : String(e);
    io.stderr(`${p.red('flowstate: internal error')} (a bug in flowstate; please report it):\n${detail}\n`);
    return ExitCode.Internal;
  }
  const end = commandArgs.indexOf('--');
  if ((end < 0 ? commandArgs : commandArgs.slice(0, end)).includes('--json')) {
    const error = { code: e.code, message: e.message, ...e.details };
    delete error.sourceLine;
    io.stdout(`${JSON.stringify({ ok: false, problems: [], error }, null, 2)}\n`);
  }
  if (e instanceof UsageError) {
    const command = e.command === undefined ? undefined : COMMANDS.find((c) => c.name === e.command);
    const text = command
      ? `Usage: flowstate ${command.name} ${command.synopsis}\n(flowstate ${command.name} --help for more)\n`
      : usage();
    io.stderr(`${p.red('flowstate:')} ${e.message}\n\n${text}`);
  } else {
    io.stderr(formatCliError(e, p));
  }
  return e.exitCode;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** True when this module is the program (`tsx apps/cli/src/main.ts`), not imported by the bin or a test. */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exitCode = await main(process.argv.slice(2), processIo());
}
