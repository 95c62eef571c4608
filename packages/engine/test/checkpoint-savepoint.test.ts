/**
 * Stop with savepoint, then start a new job from it (Flink's `stop --savepointPath` + `run -s`): the savepoint
 * is a `savepoint-<n>` directory, the new job continues where the old one stopped, and together they give
 * the output and the final state of a run that never stopped — with an exactly-once file sink, nothing the
 * stopped job wrote after its savepoint may stay visible.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFsCheckpointStorage, Job, type JobEvent } from '../src/index';
import { settle, tempDirs } from './support/checkpoints';
import { spec } from './support/jobs';

const tempDir = tempDirs();

const COUNT = 30_000;

/** ~1 s of input (30k rows at 30k rows/s), keyed rolling aggregate → exactly-once file sink `out/`. */
function savepointSpec(intervalMs: number) {
  return spec(
    'savepoint-job',
    [
      {
        id: 'gen',
        kind: 'source',
        connector: {
          type: 'datagen',
          rowsPerSecond: 30_000,
          count: COUNT,
          seed: 11,
          fields: {
            seq: { kind: 'sequence', start: 0 },
            k: { kind: 'random', min: 0, max: 19 },
            v: { kind: 'random', min: 1, max: 100 },
          },
        },
        schema: { seq: 'int', k: 'int', v: 'int' },
      },
      { id: 'byK', kind: 'keyBy', key: ['k'] },
      {
        id: 'agg',
        kind: 'aggregate',
        aggregates: { n: 'COUNT(*)', total: 'SUM(v)', last: 'LAST_VALUE(seq)' },
      },
      { id: 'out', kind: 'sink', connector: { type: 'file', path: 'out', format: 'jsonl' } },
    ],
    ['gen -> byK', 'byK -> agg', 'agg -> out'],
    { checkpointing: { intervalMs, timeoutMs: 60_000, minPauseMs: 0, retained: 3 } },
  );
}

const committed = (dir: string) =>
  readdirSync(dir)
    .filter((n) => !n.startsWith('.') && !n.startsWith('_'))
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n'))
    .filter((l) => l !== '')
    .sort();

let straight: { lines: string[]; state: unknown };

beforeAll(async () => {
  const base = tempDir('savepoint-straight');
  const job = Job.fromSpec(savepointSpec(0), { baseDir: base, writeConsole: () => {} });
  expect((await job.run()).status).toBe('finished');
  await settle(job);
  straight = { lines: committed(path.join(base, 'out')), state: job.queryState('agg', { limit: 1000 }) };
  expect(straight.lines).toHaveLength(COUNT);
}, 30_000);

/** Runs until `rows` rows were read, stops with a savepoint, and resumes from it in a new job. */
async function stopAndResume(intervalMs: number, rows: number) {
  const base = tempDir('savepoint');
  const storage = () => createFsCheckpointStorage(path.join(base, 'cp'));
  const events: JobEvent[] = [];
  const first = Job.fromSpec(savepointSpec(intervalMs), {
    baseDir: base,
    checkpointStorage: storage(),
    writeConsole: () => {},
    onEvent: (e) => events.push(e),
  });
  const running = first.run();
  const read = () => first.metrics().nodes.find((n) => n.nodeId === 'gen')!.recordsOut;
  while (read() < rows) await new Promise((r) => setTimeout(r, 5));
  const savepoint = await first.stopWithSavepoint();
  const firstResult = await running;
  // Let whatever the stopped job still had in flight settle.
  await settle(first);
  const after = events.flatMap((e) =>
    (e.type === 'checkpoint-triggered' && e.checkpointId > savepoint.checkpointId) ||
    (e.type === 'checkpoint-completed' && e.checkpoint.checkpointId > savepoint.checkpointId)
      ? [`${e.type} ${e.type === 'checkpoint-triggered' ? e.checkpointId : e.checkpoint.checkpointId}`]
      : [],
  );

  const resumedEvents: JobEvent[] = [];
  const second = Job.fromSpec(savepointSpec(intervalMs), {
    baseDir: base,
    checkpointStorage: storage(),
    restoreFrom: { path: savepoint.path },
    writeConsole: () => {},
    onEvent: (e) => resumedEvents.push(e),
  });
  const result = await second.run();
  await settle(second);
  return { base, savepoint, firstResult, after, second, result, resumedEvents };
}

describe('stop with savepoint, resume from it', () => {
  it('writes savepoint-<n>, and a new job restoring it gives the straight run’s output and state', async () => {
    const r = await stopAndResume(10_000, COUNT / 3);
    expect(r.savepoint.kind).toBe('savepoint');
    expect(path.basename(r.savepoint.path)).toBe(`savepoint-${r.savepoint.checkpointId}`);
    expect(existsSync(path.join(r.savepoint.path, '_metadata'))).toBe(true);
    expect(r.firstResult.status).not.toBe('failed');
    // Taken mid-run: its source position is past the start and before the end.
    const loaded = await createFsCheckpointStorage(path.join(r.base, 'cp')).load({ path: r.savepoint.path });
    const gen = loaded.metadata.operators.find((o) => o.nodeId === 'gen')!;
    const position = (gen.subtasks[0]!.operatorState as { splits: Array<{ position: { index: number } }> })
      .splits[0]!.position.index;
    expect(position).toBeGreaterThan(0);
    expect(position).toBeLessThan(COUNT);

    expect(r.result.status, r.result.error?.message).toBe('finished');
    expect(r.resumedEvents).toContainEqual(
      expect.objectContaining({ type: 'restored', checkpointId: r.savepoint.checkpointId }),
    );
    expect(r.second.queryState('agg', { limit: 1000 })).toEqual(straight.state);
    expect(committed(path.join(r.base, 'out'))).toEqual(straight.lines);
  });

  it('a job that finished takes no checkpoint after its final one', async () => {
    // The final (`stop`) checkpoint completes, and CheckpointCoordinator.completePendingCheckpoint's tick()
    // starts the periodic one that is due (1 ms interval) before the job stops its scheduler: it is written
    // after run() resolved with `finished`.
    const base = tempDir('savepoint-final');
    const events: JobEvent[] = [];
    const job = Job.fromSpec(savepointSpec(1), {
      baseDir: base,
      checkpointStorage: createFsCheckpointStorage(path.join(base, 'cp')),
      writeConsole: () => {},
      onEvent: (e) => events.push(e),
    });
    expect((await job.run()).status).toBe('finished');
    const atEnd = events.length;
    await settle(job);
    const final = events.flatMap((e) =>
      e.type === 'checkpoint-completed' && e.checkpoint.trigger === 'stop' ? [e.checkpoint.checkpointId] : [],
    );
    expect(final).toHaveLength(1);
    const later = events.flatMap((e, i) =>
      e.type === 'checkpoint-triggered' && e.checkpointId > final[0]!
        ? [`checkpoint ${e.checkpointId} triggered${i >= atEnd ? ' after run() resolved' : ''}`]
        : [],
    );
    expect(later, `checkpoints after the final one (${final[0]})`).toEqual([]);
  });

  it('no checkpoint is taken after the savepoint, even when a periodic one is due as it completes', async () => {
    // With a 1 ms interval a periodic checkpoint is due the moment the savepoint completes, and
    // completePendingCheckpoint's tick() starts it before stopWithSavepoint() cancels the job. The job must
    // stop at its savepoint (Flink suspends periodic checkpoints for a stop-with-savepoint): a later checkpoint
    // that completes commits rows the resumed job writes again.
    const r = await stopAndResume(1, COUNT / 3);
    expect(r.result.status, r.result.error?.message).toBe('finished');
    expect(r.after.join('; '), `checkpoints after savepoint ${r.savepoint.checkpointId}`).toBe('');
    expect.soft(r.second.queryState('agg', { limit: 1000 })).toEqual(straight.state);
    const lines = committed(path.join(r.base, 'out'));
    expect.soft(lines.length - straight.lines.length, 'rows committed twice').toBe(0);
    expect.soft(lines).toEqual(straight.lines);
  });
});
