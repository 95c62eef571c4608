/**
 * What a disk job reports about its size: each completed checkpoint's full and incremental size (from
 * `_metadata`, also when the history is rebuilt from storage), and each stateful node's bytes on disk in the
 * figures. Virtual time drives the source (a manual clock: rows arrive only when the test moves it), real time
 * the checkpoint I/O.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CompletedCheckpoint, createFsCheckpointStorage, Job, ManualClock } from '../src/index';
import { settle, tempDirs } from './support/checkpoints';
import { collect, spec } from './support/jobs';

const tempDir = tempDirs();

/** One row per ms of clock time, key = the row's sequence number: every row adds a new key. */
const sequenceSpec = spec(
  'disk-sizes',
  [
    {
      id: 'gen',
      kind: 'source',
      connector: {
        type: 'datagen',
        rowsPerSecond: 1000,
        count: 10_000,
        fields: { k: { kind: 'sequence', start: 0 }, v: { kind: 'sequence', start: 1 } },
      },
      schema: { k: 'int', v: 'int' },
    },
    { id: 'byK', kind: 'keyBy', key: ['k'] },
    { id: 'agg', kind: 'aggregate', aggregates: { n: 'COUNT(*)', total: 'SUM(v)' } },
    collect('out'),
  ],
  ['gen -> byK', 'byK -> agg', 'agg -> out'],
  // checkpoints only when the test triggers them
  { checkpointing: { intervalMs: 0, timeoutMs: 60_000, minPauseMs: 0, retained: 5 } },
);

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 2000 && !ok(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!ok()) throw new Error(`timed out waiting for ${what}`);
}

const bytesOf = (dir: string, keep: (name: string) => boolean = () => true) =>
  readdirSync(dir)
    .filter(keep)
    .reduce((n, f) => n + statSync(path.join(dir, f)).size, 0);

describe('disk backend: checkpoint sizes and state on disk', () => {
  it('a second checkpoint after few changes wrote less than it consists of, and says exactly how much', async () => {
    const base = tempDir('disk-sizes');
    const cpDir = path.join(base, 'cp');
    const clock = new ManualClock(0);
    const completed: CompletedCheckpoint[] = [];
    const job = Job.fromSpec(sequenceSpec, {
      baseDir: base,
      clock,
      stateBackend: 'disk',
      stateDir: path.join(base, 'state'),
      checkpointStorage: createFsCheckpointStorage(cpDir),
      writeConsole: () => {},
      onEvent: (e) => {
        if (e.type === 'checkpoint-completed') completed.push(e.checkpoint);
      },
    });
    const running = job.run();
    const keys = () => job.metrics().nodes.find((n) => n.nodeId === 'agg')!.numKeys;
    const checkpoint = async () => {
      const id = job.triggerCheckpoint();
      await until(`checkpoint ${id}`, () => completed.some((c) => c.checkpointId === id));
      return completed.find((c) => c.checkpointId === id)!;
    };

    // the source's rate clock starts at its first read, in the job's first round
    await until('the job to run', () => job.metrics().status === 'running');
    clock.set(2000); // 2 000 rows: 2 000 keys
    await until('2000 keys', () => keys() === 2000);
    const first = await checkpoint();
    clock.set(2010); // 10 more rows: 10 new keys, everything else unchanged
    await until('2010 keys', () => keys() === 2010);
    const second = await checkpoint();

    // What the store takes on disk now: the files of the node's one subtask store.
    const [backend] = job.stateBackends('agg') as unknown as Array<{ storePath: string }>;
    const onDisk = bytesOf(backend!.storePath);
    expect(onDisk).toBeGreaterThan(0);
    const agg = job.metrics().nodes.find((n) => n.nodeId === 'agg')!;
    expect(agg.stateBytesOnDisk).toBe(onDisk);
    // stateless nodes have no store
    expect(job.metrics().nodes.find((n) => n.nodeId === 'gen')!.stateBytesOnDisk).toBeUndefined();

    job.cancel();
    await running;
    await settle(job);

    // Checkpoint 1 wrote the full state: what it wrote is all it consists of.
    expect(first.fullSizeBytes).toBeGreaterThan(0);
    expect(first.incrementalSizeBytes).toBe(first.fullSizeBytes);

    // Checkpoint 2 is a delta of 10 keys: its own state files (timers, state names) + the one shared file it
    // wrote; its full size adds checkpoint 1's base file, which it refers to.
    const shared = path.join(cpDir, job.jobId, 'shared');
    const sharedOf = (id: number) => bytesOf(shared, (f) => f.includes(`-chk${id}-`));
    expect(readdirSync(shared).filter((f) => f.includes('-chk2-'))).toEqual([
      expect.stringMatching(/^agg-0-chk2-delta-/),
    ]);
    const ownFiles = (id: number) =>
      bytesOf(path.join(cpDir, job.jobId, `chk-${id}`), (f) => f !== '_metadata');
    expect(second.incrementalSizeBytes).toBe(ownFiles(2) + sharedOf(2));
    expect(second.fullSizeBytes).toBe(ownFiles(2) + sharedOf(1) + sharedOf(2));
    expect(second.incrementalSizeBytes!).toBeLessThan(second.fullSizeBytes!);
    // 10 changed keys of 2 010: the delta is a small part of the whole
    expect(sharedOf(2) * 20).toBeLessThan(sharedOf(1));
    expect(first.fullSizeBytes).toBe(ownFiles(1) + sharedOf(1));

    // The coordinator's history and one rebuilt from storage (a process restart) say the same.
    const pick = (c: CompletedCheckpoint | undefined) => ({
      checkpointId: c?.checkpointId,
      fullSizeBytes: c?.fullSizeBytes,
      incrementalSizeBytes: c?.incrementalSizeBytes,
    });
    expect(job.checkpoints().map(pick)).toEqual([first, second].map(pick));
    job.dispose();
    const reloaded = Job.fromSpec(sequenceSpec, {
      baseDir: base,
      stateBackend: 'disk',
      stateDir: path.join(base, 'state2'),
      checkpointStorage: createFsCheckpointStorage(cpDir),
      writeConsole: () => {},
    });
    await reloaded.loadCheckpoint({ checkpointId: second.checkpointId });
    expect(reloaded.checkpoints().map(pick)).toEqual([first, second].map(pick));
    reloaded.dispose();
  });

  it('a heap job reports no bytes on disk and no incremental sizes', async () => {
    const base = tempDir('heap-sizes');
    const clock = new ManualClock(0);
    const completed: CompletedCheckpoint[] = [];
    const job = Job.fromSpec(sequenceSpec, {
      baseDir: base,
      clock,
      stateBackend: 'heap',
      checkpointStorage: createFsCheckpointStorage(path.join(base, 'cp')),
      writeConsole: () => {},
      onEvent: (e) => {
        if (e.type === 'checkpoint-completed') completed.push(e.checkpoint);
      },
    });
    const running = job.run();
    await until('the job to run', () => job.metrics().status === 'running');
    clock.set(100);
    await until('100 keys', () => job.metrics().nodes.find((n) => n.nodeId === 'agg')!.numKeys === 100);
    const id = job.triggerCheckpoint();
    await until(`checkpoint ${id}`, () => completed.length === 1);
    expect(job.metrics().nodes.every((n) => n.stateBytesOnDisk === undefined)).toBe(true);
    expect(completed[0]!.sizeBytes).toBeGreaterThan(0);
    expect(completed[0]).not.toHaveProperty('fullSizeBytes');
    expect(completed[0]).not.toHaveProperty('incrementalSizeBytes');
    job.cancel();
    await running;
    await settle(job);
    job.dispose();
  });
});
