/**
 * Rescaling a job with a join and an OVER from a checkpoint: two rate-limited datagen sources (four splits
 * each) feed a full outer interval join and a per-ad OVER at parallelism 4; the run is checkpointed mid-way and
 * cancelled, then restored at parallelism 1 and 3 — key groups (with their buffered rows, their cleanup
 * timers and each subtask's watermark) move between subtasks — and run to the end. The exactly-once file
 * output must be the rows of a run that never stopped, as a multiset; `flowstate run --restore --parallelism 3`
 * through the CLI too.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { type CompletedCheckpoint, createFsCheckpointStorage, Job, type JobEvent } from '@flowstate/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';
import { committedLines, describeDiff, multisetDiff, TempDirs } from './support/output';
import { writeSpec } from './support/specs';

const temp = new TempDirs();
afterAll(() => temp.removeAll());

async function settle(job: Job): Promise<void> {
  for (let i = 0; i < 200 && job.coordinator.pendingCheckpoint; i++)
    await new Promise((r) => setTimeout(r, 5));
  if (job.coordinator.pendingCheckpoint) {
    job.coordinator.abortAll('test cleanup');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const wm = { timestampField: 'ts', maxOutOfOrdernessMs: 400, emitEveryRows: 10 };
const source = (id: string, count: number, stepMs: number, seed: number) => ({
  id,
  kind: 'source',
  connector: {
    type: 'datagen',
    rowsPerSecond: count, // ~1 s of input: the first checkpoint (200 ms) falls mid-run
    count,
    seed,
    fields: {
      ts: { kind: 'timestamp', startMs: 0, stepMs, maxJitterMs: 300 },
      ad: { kind: 'random', min: 1, max: 40 },
      n: { kind: 'sequence', start: 0 },
    },
  },
  schema: { ts: 'timestamp', ad: 'int', n: 'int' },
  watermark: wm,
});

const spec = {
  specVersion: 1,
  name: 'rescale-join',
  settings: {
    parallelism: 4,
    checkpointing: { intervalMs: 200, retained: 3 },
    restart: { strategy: 'none' },
  },
  nodes: [
    source('imps', 8000, 5, 1),
    source('clicks', 2000, 20, 2),
    { id: 'impsByAd', kind: 'keyBy', key: ['ad'] },
    { id: 'clicksByAd', kind: 'keyBy', key: ['ad'] },
    {
      id: 'j',
      kind: 'intervalJoin',
      lowerBoundMs: -50,
      upperBoundMs: 100,
      type: 'full',
      fields: { ad: 'l.ad', imp: 'l.n', click: 'r.n' },
    },
    { id: 'recent', kind: 'over', precedingMs: 1000, aggregates: { clicks: 'COUNT(*)' } },
    { id: 'joined', kind: 'sink', connector: { type: 'file', path: 'out', format: 'jsonl' } },
    { id: 'windowed', kind: 'sink', connector: { type: 'file', path: 'over', format: 'jsonl' } },
  ],
  edges: [
    { from: 'imps', to: 'impsByAd' },
    { from: 'clicks', to: 'clicksByAd' },
    { from: 'impsByAd', to: 'j', input: 'left' },
    { from: 'clicksByAd', to: 'j', input: 'right' },
    { from: 'j', to: 'joined' },
    { from: 'clicksByAd', to: 'recent' },
    { from: 'recent', to: 'windowed' },
  ],
};

const outputs = (dir: string) => ({
  joined: committedLines(path.join(dir, 'out')),
  windowed: committedLines(path.join(dir, 'over')),
});

let straight: ReturnType<typeof outputs>;
let stopped: { dir: string; checkpoint: CompletedCheckpoint };

beforeAll(async () => {
  const sdir = temp.make('rescale-join-straight');
  writeSpec(sdir, spec);
  const job = Job.fromSpec(spec, { baseDir: sdir, writeConsole: () => {} });
  const r = await job.run();
  await settle(job);
  expect(r.status, r.error?.message).toBe('finished');
  straight = outputs(sdir);
  expect(straight.windowed).toHaveLength(2000);
  expect(straight.joined.length).toBeGreaterThan(8000);

  const dir = temp.make('rescale-join-p4');
  writeSpec(dir, spec);
  let checkpoint: CompletedCheckpoint | undefined;
  const p4: Job = Job.fromSpec(spec, {
    baseDir: dir,
    checkpointStorage: createFsCheckpointStorage(path.join(dir, 'cp')),
    writeConsole: () => {},
    onEvent: (e: JobEvent) => {
      if (e.type === 'checkpoint-completed' && !checkpoint) {
        checkpoint = e.checkpoint;
        p4.cancel();
      }
    },
  });
  expect((await p4.run()).status).toBe('cancelled');
  await settle(p4);
  const loaded = await createFsCheckpointStorage(path.join(dir, 'cp')).load({ path: checkpoint!.path });
  const join = loaded.metadata.operators.find((o) => o.nodeId === 'j')!;
  expect(join.subtasks).toHaveLength(4);
  // Mid-run: part of the output is committed, not all of it.
  const before = outputs(dir);
  expect(before.windowed.length).toBeGreaterThan(0);
  expect(before.windowed.length).toBeLessThan(2000);
  stopped = { dir, checkpoint: checkpoint! };
}, 60_000);

function resumable() {
  const dir = temp.copy(stopped.dir, 'rescale-join-resume');
  const chk = path.join(dir, 'cp', spec.name, path.basename(stopped.checkpoint.path));
  expect(existsSync(path.join(chk, '_metadata'))).toBe(true);
  return { dir, chk };
}

function expectStraightOutput(dir: string) {
  const o = outputs(dir);
  for (const sink of ['joined', 'windowed'] as const) {
    const d = multisetDiff(o[sink], straight[sink]);
    expect(d, `${sink}: ${describeDiff(d)}`).toEqual({ missing: [], extra: [] });
  }
}

describe('rescale a join and an OVER from a parallelism-4 checkpoint', () => {
  it.each([1, 3])('restored in-process at parallelism %i: the straight run’s output', async (p) => {
    const { dir, chk } = resumable();
    const events: JobEvent[] = [];
    const job = Job.fromSpec(spec, {
      baseDir: dir,
      parallelism: p,
      checkpointStorage: createFsCheckpointStorage(path.join(dir, 'cp')),
      restoreFrom: { path: chk },
      writeConsole: () => {},
      onEvent: (e) => events.push(e),
    });
    const r = await job.run();
    await settle(job);
    expect(r.status, r.error?.message).toBe('finished');
    expect(events).toContainEqual(expect.objectContaining({ type: 'restored' }));
    expect(r.metrics.nodes.find((n) => n.nodeId === 'j')!.parallelism).toBe(p);
    expectStraightOutput(dir);
  });

  it('`flowstate run --restore <checkpoint> --parallelism 3` gives the straight run’s output', async () => {
    const { dir, chk } = resumable();
    const run = await runCli(['run', 'spec.json', '--restore', chk, '--parallelism', '3'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expectStraightOutput(dir);
  });
});
