/** @flowstate/cli — the `flowstate` command, callable in-process (tests, other tools). */
export type { Command } from './command';
export { CliError, type CliErrorCode, ExitCode, UsageError } from './exit';
export { type CliIo, processIo, userDirectory } from './io';
export { COMMANDS, main, usage, version } from './main';
export { readSpecFile, type SpecFile } from './spec-file';
