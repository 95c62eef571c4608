/**
 * A `flowstate` process the test can watch and kill: `node apps/cli/bin/flowstate.mjs …` as a user runs it,
 * with its stderr kept as lines so a test can wait for "checkpoint n completed" and then SIGKILL it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { bin, repoRoot } from '../run-cli';

export interface CliExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The environment of a user's shell: the test runner's, minus what `pnpm test` put there. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|INIT_CWD$|FORCE_COLOR$|NO_COLOR$|NODE_OPTIONS$|VITEST)/i.test(key)) continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export class LiveCli {
  readonly child: ChildProcess;
  readonly startedAt = performance.now();
  stdout = '';
  stderr = '';
  readonly exited: Promise<CliExit>;
  private done = false;

  constructor(args: string[], cwd = repoRoot) {
    this.child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (c: string) => (this.stdout += c));
    this.child.stderr!.setEncoding('utf8').on('data', (c: string) => (this.stderr += c));
    this.exited = new Promise((resolve, reject) => {
      this.child.on('error', reject);
      this.child.on('close', (code, signal) => {
        this.done = true;
        resolve({ code, signal, stdout: this.stdout, stderr: this.stderr });
      });
    });
  }

  get running(): boolean {
    return !this.done;
  }

  /** Complete stderr lines so far. */
  lines(): string[] {
    const all = this.stderr.split('\n');
    all.pop();
    return all;
  }

  /** Ids of the checkpoints this process reported completed (`✓ checkpoint n (…) completed`). */
  completedCheckpoints(): number[] {
    return this.lines().flatMap((l) => {
      const m = /^✓ (?:checkpoint|savepoint) (\d+) \(\w+\) completed/.exec(l);
      return m ? [Number(m[1])] : [];
    });
  }

  /** The checkpoint it restored from on start (`↺ restored from checkpoint n`), null if it started afresh. */
  restoredFrom(): number | null {
    for (const l of this.lines()) {
      const m = /^↺ restored from checkpoint (\d+) /.exec(l);
      if (m) return Number(m[1]);
    }
    return null;
  }

  /** Polls `ready` every few ms; false if the process exited (or `timeoutMs` passed) first. */
  async until(ready: () => boolean, timeoutMs = 20_000): Promise<boolean> {
    const end = performance.now() + timeoutMs;
    while (!ready()) {
      if (!this.running || performance.now() > end) return false;
      await sleep(3);
    }
    return true;
  }

  /** SIGKILL (no chance to clean up, as a crash or an OOM kill) and wait for the process to be gone. */
  async kill(): Promise<CliExit> {
    if (this.running) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** Waits for a normal exit; kills the process if it takes longer than `timeoutMs`. */
  async finish(timeoutMs = 40_000): Promise<CliExit> {
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    try {
      return await this.exited;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A stack trace line, which a user-facing error must never show. */
export const STACK_LINE = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;
