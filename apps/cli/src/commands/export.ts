/**
 * `flowstate export <spec.json> --to flink-sql [--out FILE] [--source ID=FILE]` — translates a job spec
 * into a runnable Flink SQL script (see docs/flink.md).
 *
 * The script goes to stdout (or --out), notes to stderr; exit 0. A refused export (or an invalid spec)
 * exits 1 with one `node 'x': message` line per problem; 2 for usage errors and unreadable files.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { exportFlinkSql, type SourceOverride } from '@flowstate/flink-sql';
import { type Command, onePositional, parseCommandArgs } from '../command';
import { CliError, ExitCode, UsageError } from '../exit';
import { paint } from '../format';
import type { CliIo } from '../io';
import { readSpecFile, resolveUserPath } from '../spec-file';

const TARGETS = ['flink-sql'] as const;

const help = `Usage: flowstate export <spec.json> --to flink-sql [--out FILE] [--source ID=FILE]...

Translates a job spec into a Flink SQL script (Flink 2.x) that runs the same pipeline on Apache Flink:
SET statements, a CREATE TABLE per source and sink, a view per transformation, the INSERTs. What Flink
cannot do exactly as Flowstate does is a "-- note:" line in the script (and printed on stderr); what it
cannot express at all is refused with the node and the reason. See docs/flink.md.

Arguments:
  <spec.json>        the spec file, relative to the current directory; - reads standard input
                     (relative paths inside the spec resolve against the spec file's directory)

Options:
  --to flink-sql     the target (the only one so far)
  --out FILE         write the script to FILE instead of standard output
  --source ID=FILE   read source ID from a JSON lines file instead of its connector (timestamps as
                     epoch-millisecond integers); may be repeated. Needed for nexmark sources.
  --collect-dir DIR  write collect sinks as JSON lines under DIR/<node> instead of printing them
  -h, --help         show this help

Exit codes:
  0  the script was written (notes, if any, on stderr)
  1  the spec is invalid or cannot be exported: every problem is printed as "node 'x': message"
  2  usage error, or the file cannot be read or is not JSON
`;

export const exportCommand: Command = {
  name: 'export',
  summary: 'translate a job spec into a runnable Flink SQL script',
  synopsis: '<spec.json> --to flink-sql [--out FILE] [--source ID=FILE]',
  help,
  run(argv, io) {
    const { values, positionals } = parseCommandArgs('export', () =>
      parseArgs({
        args: argv,
        options: {
          to: { type: 'string' },
          out: { type: 'string' },
          source: { type: 'string', multiple: true },
          'collect-dir': { type: 'string' },
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
    const specPath = onePositional('export', positionals, 'the path of a spec file', 'spec file');
    if (values.to === undefined) throw new UsageError('export needs --to flink-sql', 'export');
    if (!(TARGETS as readonly string[]).includes(values.to)) {
      throw new UsageError(`export --to takes ${TARGETS.join(', ')}, not '${values.to}'`, 'export');
    }
    const sourceOverrides: Record<string, SourceOverride> = {};
    for (const entry of values.source ?? []) {
      const eq = entry.indexOf('=');
      if (eq <= 0 || eq === entry.length - 1) {
        throw new UsageError(`--source takes ID=FILE, not '${entry}'`, 'export');
      }
      sourceOverrides[entry.slice(0, eq)] = {
        path: resolveUserPath(io, entry.slice(eq + 1)),
        format: 'jsonl',
      };
    }

    const file = readSpecFile(io, specPath);
    const collectDir = values['collect-dir'];
    const result = exportFlinkSql(file.document, {
      baseDir: file.directory,
      sourceOverrides,
      ...(collectDir !== undefined
        ? { collectAs: 'filesystem', collectDir: resolveUserPath(io, collectDir) }
        : {}),
    });
    const p = paint(io.color);
    if (!result.ok) {
      const lines = result.problems.map((problem) => {
        const where = problem.nodeId !== undefined ? `node '${problem.nodeId}'` : problem.path || '(spec)';
        return `${where}: ${problem.message}\n`;
      });
      io.stderr(`${lines.join('')}${p.red('flowstate:')} cannot export ${file.displayPath} to Flink SQL\n`);
      return ExitCode.Invalid;
    }
    for (const note of result.notes) {
      io.stderr(`note: ${note.nodeId !== undefined ? `node '${note.nodeId}': ` : ''}${note.message}\n`);
    }
    if (values.out !== undefined) {
      writeOut(io, values.out, result.sql);
      io.stderr(`${p.green('✓')} wrote ${values.out}\n`);
    } else {
      io.stdout(result.sql);
    }
    return ExitCode.Ok;
  },
};

function writeOut(io: CliIo, userPath: string, text: string): void {
  try {
    writeFileSync(resolveUserPath(io, userPath), text);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new CliError('file-unreadable', `cannot write ${userPath}: ${reason}`, { path: userPath });
  }
}
