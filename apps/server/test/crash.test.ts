/**
 * Jobs survive a server crash (Flink's HA behaviour), tested as a process: the real server (`tsx src/main.ts`)
 * runs a checkpointed job with an exactly-once file sink; it is killed with SIGKILL at seeded random moments,
 * started again each time, and resumes the job from its newest checkpoint on its own. The committed output must
 * equal a failure-free run's, and every key's rolling COUNT must run 1..n exactly once (Flink's
 * SemanticsCheckMapper idea: a duplicate or a loss breaks the sequence).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Job } from '@flowstate/engine';
import { Prng } from '@flowstate/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { Api, sleep, tempDataDir, waitFor } from './test-support';

const SERVER_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KILLS = 6;
const ROWS = 30_000;
const KEYS = 16;

const spec = {
  specVersion: 1,
  name: 'crash-counts',
  settings: {
    checkpointing: { intervalMs: 150, timeoutMs: 30_000, minPauseMs: 0, retained: 3 },
    restart: { strategy: 'fixed-delay', maxAttempts: 3, delayMs: 0 },
  },
  nodes: [
    {
      id: 'gen',
      kind: 'source',
      connector: {
        type: 'datagen',
        rowsPerSecond: 2500,
        count: ROWS,
        seed: 11,
        fields: { seq: { kind: 'sequence', start: 0 }, k: { kind: 'random', min: 0, max: KEYS - 1 } },
      },
      schema: { seq: 'int', k: 'int' },
    },
    { id: 'byK', kind: 'keyBy', key: ['k'] },
    { id: 'counts', kind: 'aggregate', aggregates: { n: 'COUNT(*)', last: 'LAST_VALUE(seq)' } },
    { id: 'out', kind: 'sink', connector: { type: 'file', path: 'out', format: 'jsonl' } },
  ],
  edges: [
    { from: 'gen', to: 'byK' },
    { from: 'byK', to: 'counts' },
    { from: 'counts', to: 'out' },
  ],
};

interface Server {
  proc: ChildProcess;
  api: Api;
}

/** Starts `tsx src/main.ts` on the data directory; resolves once it listens. */
function startServerProcess(dataDir: string): Promise<Server> {
  // `node --import tsx`, not the tsx CLI: the CLI runs the server in a child process, which a SIGKILL of the
  // CLI would leave running.
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: SERVER_DIR,
    env: { ...process.env, FLOWSTATE_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        proc.stdout!.off('data', onData);
        proc.stdout!.resume();
        resolve({ proc, api: new Api(m[1]!) });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (c: Buffer) => {
      out += c.toString();
    });
    proc.once('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${out}`)));
  });
}

function kill9(s: Server): Promise<void> {
  return new Promise((resolve) => {
    s.proc.once('exit', () => resolve());
    s.proc.kill('SIGKILL');
  });
}

/** Committed rows of a file sink directory (in-progress `.`/`_` files skipped). */
function committed(dir: string): string[] {
  return readdirSync(dir)
    .filter((n) => !n.startsWith('.') && !n.startsWith('_'))
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n'))
    .filter((l) => l !== '')
    .sort();
}

describe('kill -9 of the server while a checkpointed job runs', () => {
  const data = tempDataDir();
  const reference = tempDataDir();
  let server: Server | undefined;
  afterAll(async () => {
    if (server && server.proc.exitCode === null) await kill9(server);
    data.remove();
    reference.remove();
  });

  it(`resumes the job after each of ${KILLS} kills; the committed output is exactly once`, async () => {
    // The failure-free run, in-process, for the expected output.
    const ref = Job.fromSpec(spec, { baseDir: reference.dir, writeConsole: () => {} });
    expect((await ref.run()).status).toBe('finished');
    const expected = committed(path.join(reference.dir, 'out'));
    expect(expected).toHaveLength(ROWS);

    const prng = new Prng(20261207);
    server = await startServerProcess(data.dir);
    const started = await server.api.post('/api/jobs', { spec });
    expect(started.status).toBe(201);
    const jobId = started.body.id as string;
    const resumedFrom: Array<number | null> = [];
    for (let kill = 1; kill <= KILLS; kill++) {
      await sleep(prng.int(200, 900));
      await kill9(server);
      server = await startServerProcess(data.dir);
      const api = server.api;
      // `live`: this server process runs it (the row alone still says what the killed one wrote).
      const job = await waitFor(async () => {
        const j = (await api.get(`/api/jobs/${jobId}`)).body;
        return (j.status === 'running' && j.live) || j.status === 'finished' ? j : null;
      }, `the job to run again after kill ${kill}`);
      resumedFrom.push(job.restoredFrom?.checkpointId ?? null);
      if (job.status === 'finished') break;
    }
    const api = server.api;
    const done = await waitFor(
      async () => {
        const j = (await api.get(`/api/jobs/${jobId}`)).body;
        return j.status === 'finished' || j.status === 'failed' ? j : null;
      },
      'the job to finish',
      60_000,
    );
    expect(done.status).toBe('finished');
    console.log(
      `crash test: ${resumedFrom.length} kills; resumed from checkpoints ${resumedFrom.map((c) => c ?? 'none (from the start)').join(', ')}`,
    );
    expect(resumedFrom.length).toBeGreaterThanOrEqual(5);

    const rows = committed(path.join(data.dir, 'out'));
    expect(rows).toEqual(expected);
    const byKey = new Map<number, number[]>();
    for (const line of rows) {
      const r = JSON.parse(line) as { k: number; n: number };
      byKey.set(r.k, [...(byKey.get(r.k) ?? []), r.n]);
    }
    expect(byKey.size).toBe(KEYS);
    for (const ns of byKey.values()) {
      const sorted = ns.sort((a, b) => a - b);
      expect(sorted).toEqual(sorted.map((_, i) => i + 1));
    }
    const events = (await api.get(`/api/jobs/${jobId}/events?limit=1000`)).body.events as Array<{
      type: string;
    }>;
    expect(events.filter((e) => e.type === 'resume')).toHaveLength(resumedFrom.length);
  }, 240_000);
});
