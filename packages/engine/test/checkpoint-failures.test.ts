/**
 * Checkpoints that keep failing (a full disk, a directory that turned read-only) must not go unnoticed: after
 * `checkpointing.tolerableFailures` consecutive failures the job fails over by its restart strategy (Flink's
 * `tolerable-failed-checkpoints`), and once the strategy is exhausted it fails — instead of running on while its
 * file sink silently stops committing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CheckpointStorage, createFsCheckpointStorage, Job, type JobEvent } from '../src/index';
import { tempDirs } from './support/checkpoints';
import { spec } from './support/jobs';

const tempDir = tempDirs();

const COUNT = 20_000;

function countingSpec(tolerableFailures: number, maxAttempts: number) {
  return spec(
    'checkpoint-failures',
    [
      {
        id: 'gen',
        kind: 'source',
        connector: {
          type: 'datagen',
          // 2 s of input at 20-ms checkpoints: checkpoints 2 and 3 come well before the final one, even on a busy machine
          rowsPerSecond: 10_000,
          count: COUNT,
          seed: 5,
          fields: { k: { kind: 'random', min: 0, max: 9 } },
        },
        schema: { k: 'int' },
      },
      { id: 'byK', kind: 'keyBy', key: ['k'] },
      { id: 'agg', kind: 'aggregate', aggregates: { n: 'COUNT(*)' } },
      { id: 'out', kind: 'sink', connector: { type: 'file', path: 'out', format: 'jsonl' } },
    ],
    ['gen -> byK', 'byK -> agg', 'agg -> out'],
    {
      checkpointing: { intervalMs: 20, timeoutMs: 60_000, minPauseMs: 0, retained: 2, tolerableFailures },
      restart: { strategy: 'fixed-delay', maxAttempts, delayMs: 0 },
    },
  );
}

/** A file system storage whose writers fail (EACCES) while `broken()` says so. */
function breakable(dir: string, broken: (checkpointId: number) => boolean): CheckpointStorage {
  const fs = createFsCheckpointStorage(dir);
  return {
    ...fs,
    createWriter: (jobId, id, kind) =>
      broken(id)
        ? Promise.reject(
            Object.assign(new Error(`EACCES: permission denied, mkdir '${dir}/${jobId}/chk-${id}'`), {
              code: 'EACCES',
            }),
          )
        : fs.createWriter(jobId, id, kind),
    list: (j) => fs.list(j),
    jobs: () => fs.jobs(),
    load: (r, o) => fs.load(r, o),
    loadLatestValid: (j, o) => fs.loadLatestValid(j, o),
    delete: (l) => fs.delete(l),
    cleanup: (j, k) => fs.cleanup(j, k),
  };
}

const committedRows = (dir: string) =>
  readdirSync(dir)
    .filter((n) => !n.startsWith('.') && !n.startsWith('_'))
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n'))
    .filter((l) => l !== '');

describe('checkpointing.tolerableFailures', () => {
  it('a storage that keeps failing fails the job over, then fails it once the restarts are used up', async () => {
    const base = tempDir('cp-fail');
    const events: JobEvent[] = [];
    const job = Job.fromSpec(countingSpec(2, 1), {
      baseDir: base,
      checkpointStorage: breakable(path.join(base, 'checkpoints'), () => true),
      onEvent: (e) => events.push(e),
      writeConsole: () => {},
    });
    const r = await job.run();
    expect(r.status).toBe('failed');
    const restarts = events.filter((e) => e.type === 'restarting');
    expect(restarts).toHaveLength(1);
    expect(restarts[0]).toMatchObject({
      attempt: 1,
      cause: expect.stringMatching(
        /^3 checkpoints failed in a row, more than the 2 tolerated \(checkpointing\.tolerableFailures\); the last: checkpoint \d+ declined by .*EACCES: permission denied/,
      ),
    });
    expect(r.error?.message).toMatch(/^3 checkpoints failed in a row, .* \(after 1 restarts\)$/);
    // Nothing was ever committed: the sink's rows stayed in progress and were dropped.
    expect(committedRows(path.join(base, 'out'))).toEqual([]);
  });

  it('failures below the limit are tolerated: the job finishes and its output is exactly once', async () => {
    const base = tempDir('cp-some-fail');
    const events: JobEvent[] = [];
    // Checkpoints 2 and 3 fail (two in a row, as tolerated), the others succeed.
    const job = Job.fromSpec(countingSpec(2, 0), {
      baseDir: base,
      checkpointStorage: breakable(path.join(base, 'checkpoints'), (id) => id === 2 || id === 3),
      onEvent: (e) => events.push(e),
      writeConsole: () => {},
    });
    const r = await job.run();
    expect(r.error?.message).toBeUndefined();
    expect(r.status).toBe('finished');
    expect(events.filter((e) => e.type === 'restarting')).toEqual([]);
    expect(events.filter((e) => e.type === 'checkpoint-failed').map((e) => e.checkpointId)).toEqual([2, 3]);
    const rows = committedRows(path.join(base, 'out')).map((l) => JSON.parse(l) as { k: number; n: number });
    expect(rows).toHaveLength(COUNT);
    // Every key's rolling count takes each value 1..n exactly once (part files are not in commit order).
    const byKey = new Map<number, number[]>();
    for (const row of rows) byKey.set(row.k, [...(byKey.get(row.k) ?? []), row.n]);
    expect(byKey.size).toBe(10);
    for (const counts of byKey.values()) {
      expect(counts.sort((a, b) => a - b)).toEqual(counts.map((_, i) => i + 1));
    }
  });
});
