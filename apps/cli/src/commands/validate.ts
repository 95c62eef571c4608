/**
 * `flowstate validate <spec.json> [--json]` — checks a job spec without running it.
 *
 * Exit 0 when the spec is valid (warnings are printed), 1 when it is not (every problem printed as
 * `path: message`), 2 when the file cannot be read or is not JSON (see `exit.ts`).
 */
import { parseArgs } from 'node:util';
import { type Problem, validateSpec } from '@flowstate/spec';
import { type Command, onePositional, parseCommandArgs } from '../command';
import { ExitCode } from '../exit';
import { formatProblem, type Paint, paint, plural } from '../format';
import type { CliIo } from '../io';
import { readSpecFile } from '../spec-file';

const help = `Usage: flowstate validate <spec.json> [--json]

Checks a job spec without running it: its shape (the JSON Schema), the graph (node ids, edges,
cycles, ports), the row schema flowing through every node, keyed streams, watermarks for
event-time windows, and every expression (parsed and type checked against its input).

Arguments:
  <spec.json>   the spec file, relative to the current directory; - reads standard input

Options:
  --json        print { "ok": boolean, "problems": [...] } on standard output instead of text
                (when the file cannot be read or parsed: { "ok": false, "problems": [], "error": {...} })
  -h, --help    show this help

Exit codes:
  0  the spec is valid (warnings, if any, are printed)
  1  the spec is invalid: every problem is printed as \`path: message [code]\`
  2  usage error, the file cannot be read, or it is not JSON (with the line and column)
`;

export const validateCommand: Command = {
  name: 'validate',
  summary: 'check a job spec: shape, graph, field types, watermarks and expressions',
  synopsis: '<spec.json> [--json]',
  help,
  run(argv, io) {
    const { values, positionals } = parseCommandArgs('validate', () =>
      parseArgs({
        args: argv,
        options: { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
        allowPositionals: true,
        strict: true,
      }),
    );
    if (values.help) {
      io.stdout(help);
      return ExitCode.Ok;
    }
    const specPath = onePositional('validate', positionals, 'the path of a spec file', 'spec file');

    const file = readSpecFile(io, specPath);
    const result = validateSpec(file.document);
    if (values.json) {
      io.stdout(`${JSON.stringify({ ok: result.ok, problems: result.problems }, null, 2)}\n`);
    } else {
      const name = result.spec?.name ?? nameOf(file.document) ?? file.displayPath;
      io.stdout(
        result.ok
          ? validText(name, result.spec, result.problems, file.document, io)
          : invalidText(name, file.displayPath, result.problems, file.document, io),
      );
    }
    return result.ok ? ExitCode.Ok : ExitCode.Invalid;
  },
};

/** Problems whose code starts with `warning/` do not make a spec invalid (see `PROBLEM_CODES`). */
const isWarning = (problem: Problem) => problem.code.startsWith('warning/');

function problemLines(problems: Problem[], document: unknown, p: Paint): string {
  return problems
    .map((problem) =>
      formatProblem(problem, { document, paint: p, severity: isWarning(problem) ? 'warning' : 'error' }),
    )
    .join('');
}

function validText(
  name: string,
  spec: { nodes: unknown[]; edges: unknown[] },
  warnings: Problem[],
  document: unknown,
  io: CliIo,
): string {
  const p = paint(io.color);
  const counts = `${plural(spec.nodes.length, 'node')}, ${plural(spec.edges.length, 'edge')}`;
  const tail = warnings.length > 0 ? `, ${plural(warnings.length, 'warning')}` : '';
  return `${problemLines(warnings, document, p)}${p.green('✓')} ${name}: valid (${counts})${tail}\n`;
}

function invalidText(
  name: string,
  displayPath: string,
  problems: Problem[],
  document: unknown,
  io: CliIo,
): string {
  const p = paint(io.color);
  const warnings = problems.filter(isWarning).length;
  const errors = problems.length - warnings;
  const counts = [plural(errors, 'error'), ...(warnings > 0 ? [plural(warnings, 'warning')] : [])].join(', ');
  return `${problemLines(problems, document, p)}${p.red('✗')} ${name}: invalid, ${counts} (${displayPath})\n`;
}

function nameOf(document: unknown): string | undefined {
  if (document === null || typeof document !== 'object' || Array.isArray(document)) return undefined;
  const name = (document as { name?: unknown }).name;
  return typeof name === 'string' && name.trim() !== '' ? name : undefined;
}
