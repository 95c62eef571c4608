/**
 * Automatic failover when the newest checkpoint is damaged: a job with a file system checkpoint storage fails
 * (JobOptions.failures); while it restarts, the newest completed checkpoint gets a state file or its
 * `_metadata` truncated, bit-flipped or deleted. The restart must skip it with a notice naming the checkpoint
 * and the file, restore the newest older one, and still give exactly the output of a run without failures.
 */
import { readdirSync, readFileSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFsCheckpointStorage, Job, type JobEvent } from '../src/index';
import { settle, tempDirs } from './support/checkpoints';
import { collect, spec } from './support/jobs';

const tempDir = tempDirs();

const COUNT = 24_000;
/**
 * ~1.2 s of input, a checkpoint every 40 ms; the failure comes after a third of the rows and at least three
 * completed checkpoints (so there are older ones to fall back to, however busy the machine).
 */
function countingSpec(sink: 'collect' | 'file') {
  return spec(
    'corrupt-failover',
    [
      {
        id: 'gen',
        kind: 'source',
        connector: {
          type: 'datagen',
          rowsPerSecond: 20_000,
          count: COUNT,
          seed: 3,
          fields: {
            seq: { kind: 'sequence', start: 0 },
            k: { kind: 'random', min: 0, max: 31 },
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
      sink === 'collect'
        ? collect('out')
        : { id: 'out', kind: 'sink', connector: { type: 'file', path: 'out', format: 'jsonl' } },
    ],
    ['gen -> byK', 'byK -> agg', 'agg -> out'],
    {
      checkpointing: { intervalMs: 40, timeoutMs: 60_000, minPauseMs: 0, retained: 3 },
      restart: { strategy: 'fixed-delay', maxAttempts: 3, delayMs: 0 },
    },
  );
}

type Damage = 'truncate' | 'bit-flip' | 'delete';

/** Damages `file` of checkpoint directory `dir` synchronously (the job is between attempts). */
function damage(dir: string, file: string, how: Damage): void {
  const p = path.join(dir, file);
  if (how === 'delete') unlinkSync(p);
  else if (how === 'truncate') truncateSync(p, Math.max(0, statSync(p).size - 1));
  else {
    const bytes = readFileSync(p);
    const mid = bytes.length >> 1;
    bytes[mid] = bytes[mid]! ^ 0x01;
    writeFileSync(p, bytes);
  }
}

const committed = (dir: string) =>
  readdirSync(dir)
    .filter((n) => !n.startsWith('.') && !n.startsWith('_'))
    .flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n'))
    .filter((l) => l !== '');

/** Runs the job with one injected failure; corrupts the newest completed checkpoint when it restarts. */
async function runWithCorruption(sink: 'collect' | 'file', file: 'state' | '_metadata', how: Damage) {
  const base = tempDir('corrupt-failover');
  const events: JobEvent[] = [];
  const completed: Array<{ id: number; path: string }> = [];
  let damaged: { id: number; file: string } | undefined;
  const job = Job.fromSpec(countingSpec(sink), {
    baseDir: base,
    checkpointStorage: createFsCheckpointStorage(path.join(base, 'cp')),
    writeConsole: () => {},
    failures: [{ nodeId: 'agg', afterRecords: Math.floor(COUNT / 3), afterCheckpoints: 3 }],
    onEvent: (e) => {
      events.push(e);
      if (e.type === 'checkpoint-completed')
        completed.push({ id: e.checkpoint.checkpointId, path: e.checkpoint.path });
      if (e.type === 'restarting' && completed.length > 0) {
        const newest = completed[completed.length - 1]!;
        const name =
          file === '_metadata'
            ? '_metadata'
            : readdirSync(newest.path).find((n) => n.startsWith('op-') && n.endsWith('.state'))!;
        damage(newest.path, name, how);
        damaged = { id: newest.id, file: name };
      }
    },
  });
  const result = await job.run();
  await settle(job);
  return { job, result, events, completed, damaged, base };
}

let straight: { collected: unknown[]; lines: string[]; state: unknown };

beforeAll(async () => {
  const base = tempDir('corrupt-straight');
  const job = Job.fromSpec(countingSpec('collect'), { baseDir: base, writeConsole: () => {} });
  const r = await job.run();
  await settle(job);
  expect(r.status).toBe('finished');
  const fileJob = Job.fromSpec(countingSpec('file'), { baseDir: base, writeConsole: () => {} });
  expect((await fileJob.run()).status).toBe('finished');
  await settle(fileJob);
  straight = {
    collected: job.collected('out'),
    lines: committed(path.join(base, 'out')).sort(),
    state: job.queryState('agg', { limit: 1000 }),
  };
  expect(straight.collected).toHaveLength(COUNT);
  expect(straight.lines).toHaveLength(COUNT);
}, 30_000);

describe('failover past a damaged newest checkpoint (in-process, fs storage)', () => {
  const cases = (['state', '_metadata'] as const).flatMap((file) =>
    (['truncate', 'bit-flip', 'delete'] as const).map((how) => ({ file, how })),
  );

  it.each(cases)(
    '$how of the $file file: falls back with a notice, output exactly-once',
    async ({ file, how }) => {
      const { job, result, events, completed, damaged } = await runWithCorruption('collect', file, how);
      expect(result.status, result.error?.message).toBe('finished');
      expect(events.filter((e) => e.type === 'restarting')).toHaveLength(1);
      expect(damaged, 'a checkpoint completed before the failure').toBeDefined();
      const { id, file: name } = damaged!;
      const older = completed.filter((c) => c.id < id).map((c) => c.id);
      expect(older.length, 'an older checkpoint to fall back to').toBeGreaterThan(0);

      // The notice names the checkpoint and the damaged file…
      const notices = events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
      const skip = notices.find((m) => m.includes(`checkpoint ${id} cannot be restored`));
      expect(skip, notices.join('\n')).toBeDefined();
      expect(skip).toContain(name);
      expect(skip).toContain(`chk-${id}`);
      expect(skip).toMatch(/falling back to an older one/);
      // …and the restart restored the newest older checkpoint that is still retained.
      const restored = events.flatMap((e) => (e.type === 'restored' ? [e] : []));
      expect(restored).toHaveLength(1);
      expect(restored[0]!.checkpointId).toBe(Math.max(...older));

      expect(job.collected('out')).toEqual(straight.collected);
      expect(job.queryState('agg', { limit: 1000 })).toEqual(straight.state);
    },
  );

  it('with a file sink: the committed part files are exactly-once after falling back', async () => {
    // Checkpoint n's completion already committed (renamed to part-*) the files its barrier closed. Falling
    // back to checkpoint n-1 replays those rows: unless the sink takes back what n committed, they show twice.
    const { result, damaged, events, base } = await runWithCorruption('file', 'state', 'bit-flip');
    expect(result.status, result.error?.message).toBe('finished');
    expect(damaged).toBeDefined();
    expect(events.some((e) => e.type === 'restored' && e.checkpointId < damaged!.id)).toBe(true);
    const lines = committed(path.join(base, 'out')).sort();
    const extra = lines.length - straight.lines.length;
    expect(extra, `${extra} rows committed twice after the fallback`).toBe(0);
    expect(lines).toEqual(straight.lines);
  });
});
