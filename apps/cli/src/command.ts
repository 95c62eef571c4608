/**
 * What a `flowstate` command is, and the argument parsing every command shares (node's `util.parseArgs`).
 */
import { UsageError } from './exit';
import type { CliIo } from './io';

export interface Command {
  name: string;
  /** One line for the command list in `flowstate --help`. */
  summary: string;
  /** The argument synopsis after the command name, e.g. `<spec.json> [--json]`. */
  synopsis: string;
  /** The full text of `flowstate <name> --help`. */
  help: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(argv: string[], io: CliIo): Promise<number> | number;
}

/**
 * Runs a command's `util.parseArgs` call (kept in the command so its option types are inferred) and turns
 * an unknown option or a missing value into a `UsageError` naming the command, so `main` prints that
 * command's usage.
 */
export function parseCommandArgs<T>(command: string, parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof TypeError && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS')) {
      throw new UsageError(e.message, command);
    }
    throw e;
  }
}

/** The one positional argument a command takes (`needs`: what is missing, `one`: what it takes one of). */
export function onePositional(
  command: string,
  positionals: readonly string[],
  needs: string,
  one: string,
): string {
  const [first, ...extra] = positionals;
  if (first === undefined) throw new UsageError(`${command} needs ${needs}`, command);
  if (extra.length > 0) throw new UsageError(`${command} takes one ${one}, not ${extra.join(' ')}`, command);
  return first;
}

/** A whole number ≥ 1 from an option, or undefined when the option is absent. */
export function positiveIntOption(
  command: string,
  value: string | undefined,
  flag: string,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`${flag} needs a whole number ≥ 1, not '${value}'`, command);
  return n;
}
