/** Runs the `flowstate` command as a user would: a separate node process through the bin entry (tsx). */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const examplesDir = path.join(repoRoot, 'examples');
export const bin = path.join(repoRoot, 'apps/cli/bin/flowstate.mjs');
export const mainTs = path.join(repoRoot, 'apps/cli/src/main.ts');
export const tsxCli = path.join(repoRoot, 'apps/cli/node_modules/tsx/dist/cli.mjs');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  /** Added to a clean environment (no npm/pnpm script variables, no colour). */
  env?: Record<string, string>;
  input?: string;
  /** The node arguments before the CLI's own; default: the bin entry. */
  entry?: string[];
}

/** The environment of a user's shell: the test runner's, minus what `pnpm test` put there. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|INIT_CWD$|FORCE_COLOR$|NO_COLOR$|NODE_OPTIONS$|VITEST)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

export function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.entry ?? [bin]), ...args], {
      cwd: options.cwd ?? repoRoot,
      env: cleanEnv(options.env ?? {}),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

const tempDirs: string[] = [];

/** A fresh temporary directory holding the given files (removed by `removeTempFiles`). */
export function tempFiles(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'flowstate-cli-'));
  tempDirs.push(dir);
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(dir, name), content);
  return dir;
}

export function removeTempFiles(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
