/**
 * The disk state backend end to end: a job's periodic checkpoints are incremental (a chain of shared files),
 * and the newest one restores at another parallelism into either backend with the state the job ended with.
 */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsCheckpointStorage, Job } from '../src/index';
import { settle, tempDirs } from './support/checkpoints';
import { collect, spec } from './support/jobs';

const tempDir = tempDirs();
const KEYS = 500;

const counting = (rows: number) =>
  spec(
    'disk-incremental',
    [
      {
        id: 'gen',
        kind: 'source',
        connector: {
          type: 'datagen',
          count: rows,
          rowsPerSecond: 0,
          seed: 7,
          fields: { k: { kind: 'random', min: 0, max: KEYS - 1 }, v: { kind: 'random', min: 1, max: 100 } },
        },
        schema: { k: 'int', v: 'int' },
      },
      { id: 'byK', kind: 'keyBy', key: ['k'] },
      { id: 'agg', kind: 'aggregate', aggregates: { n: 'COUNT(*)', total: 'SUM(v)' } },
      collect('out'),
    ],
    ['gen -> byK', 'byK -> agg', 'agg -> out'],
    { checkpointing: { intervalMs: 1, timeoutMs: 60_000, minPauseMs: 0, retained: 5 } },
  );

describe('disk backend: incremental checkpoints end to end', () => {
  it('writes a chain of shared files and restores it at another parallelism, into disk and heap', async () => {
    const base = tempDir('disk-inc');
    const cpDir = path.join(base, 'cp');
    const job = Job.fromSpec(counting(40_000), {
      baseDir: base,
      stateBackend: 'disk',
      stateDir: path.join(base, 'state'),
      checkpointStorage: createFsCheckpointStorage(cpDir),
      writeConsole: () => {},
      batchSize: 256,
    });
    expect((await job.run()).status).toBe('finished');
    await settle(job);
    const final = job.queryState('agg', { limit: 10_000 }).entries;
    expect(final).toHaveLength(KEYS);
    const storage = createFsCheckpointStorage(cpDir);
    const listed = (await storage.list(job.jobId)).filter((l) => l.status === 'completed');
    expect(listed.length).toBeGreaterThan(1);
    const newest = listed[0]!.metadata!;
    const chain = newest.operators.find((o) => o.nodeId === 'agg')!.subtasks[0]!.shared!;
    expect(chain[0]!.full).toBe(true);
    expect(newest.fullSize).toBeGreaterThanOrEqual(newest.incrementalSize!);
    // every shared file on disk is referenced by a retained checkpoint
    const counts = await storage.sharedReferenceCounts(job.jobId);
    expect([...counts.values()].every((n) => n > 0)).toBe(true);
    job.dispose();

    for (const stateBackend of ['disk', 'heap'] as const) {
      const restored = Job.fromSpec(counting(40_000), {
        baseDir: base,
        stateBackend,
        stateDir: path.join(base, 'state2'),
        checkpointStorage: createFsCheckpointStorage(cpDir),
        parallelism: 3,
        writeConsole: () => {},
      });
      await restored.loadCheckpoint({ checkpointId: newest.checkpointId });
      expect(restored.queryState('agg', { limit: 10_000 }).entries, stateBackend).toEqual(final);
      restored.dispose();
    }
  });
});
