/** What the benchmarks that start a server share: the server process, a free port, JSON over fetch, latency samples. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer as createNetServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** Fetches JSON; a status that is not 2xx throws with the method, the URL and the body. */
export async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const r = await fetch(url, init);
  const body = (await r.json()) as T;
  if (!r.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${r.status} ${JSON.stringify(body)}`);
  return body;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The server as a child process (`node --import tsx apps/server/src/main.ts`, loopback, `dataDir`), so its
 * figures are its own; `output()` is the tail of what it printed. `ready()` resolves once /api/health answers.
 */
export function startServerProcess(
  port: number,
  dataDir: string,
  vars: Record<string, string> = {},
): { child: ChildProcess; output: () => string; ready: () => Promise<void> } {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLOWSTATE_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    ...vars,
  };
  delete env.FLOWSTATE_TOKEN;
  delete env.DATABASE_URL;
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/main.ts'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const keep = (c: Buffer) => {
    out = (out + c.toString()).slice(-20_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const ready = async () => {
    const t0 = Date.now();
    for (;;) {
      try {
        await json(`http://127.0.0.1:${port}/api/health`);
        return;
      } catch {
        if (child.exitCode !== null || Date.now() - t0 > 60_000) {
          throw new Error(`the server did not start:\n${out}`);
        }
        await sleep(100);
      }
    }
  };
  return { child, output: () => out, ready };
}

/** GET `url` `perSecond` times a second for `seconds`, from a worker thread; latencies in ms. */
export function sampleLatency(url: string, seconds: number, perSecond: number): Promise<number[]> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      const { url, seconds, perSecond } = workerData;
      const out = [];
      const t0 = performance.now();
      const every = 1000 / perSecond;
      for (let i = 0; performance.now() - t0 < seconds * 1000; i++) {
        const due = t0 + i * every;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        const s = performance.now();
        const r = await fetch(url);
        await r.arrayBuffer();
        if (!r.ok) throw new Error('GET ' + url + ': ' + r.status);
        out.push(performance.now() - s);
      }
      parentPort.postMessage(out);
    })().catch((e) => { throw e; });
  `;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { url, seconds, perSecond } });
    w.once('message', (m: number[]) => resolve(m));
    w.once('error', reject);
  });
}

export function percentile(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

/** Stops a server child (SIGTERM, waiting up to 20 s). */
export async function stopServerProcess(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
    setTimeout(resolve, 20_000).unref();
  });
}
