/**
 * Checkpoint files across formats: a checkpoint written before the binary sections (state file format 1, JSON
 * lines; a fixture written by the previous engine) still restores, at its parallelism and at another; new
 * checkpoints are written in format 2 and restore the same state.
 */
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsCheckpointStorage, Job, type JobEvent } from '../src/index';
import { settle, tempDirs } from './support/checkpoints';

const tempDir = tempDirs();
const FIXTURE = path.join(import.meta.dirname, 'fixtures', 'format1-checkpoint');
const expected = JSON.parse(readFileSync(path.join(FIXTURE, 'expected-state.json'), 'utf8')) as {
  entries: Array<{ key: number; value: { n: number; total: number } }>;
};

function fixtureSpec(parallelism: number) {
  const meta = JSON.parse(readFileSync(path.join(FIXTURE, 'format1', 'chk-1', '_metadata'), 'utf8')) as {
    spec: { settings: { parallelism: number } };
  };
  return { ...meta.spec, settings: { ...meta.spec.settings, parallelism } };
}

function copyFixture(): string {
  const base = tempDir('format1');
  cpSync(path.join(FIXTURE, 'format1'), path.join(base, 'format1'), { recursive: true });
  return base;
}

describe('checkpoint file formats', () => {
  it('the fixture is format 1 (JSON lines)', () => {
    const line = readFileSync(path.join(FIXTURE, 'format1', 'chk-1', 'op-agg-0.state'), 'utf8').split(
      '\n',
    )[0]!;
    expect(JSON.parse(line).format).toBe(1);
    expect(expected.entries).toHaveLength(60);
    expect(expected.entries[0]).toEqual({ key: 0, value: { n: 10, total: 459 } });
  });

  it.each([2, 3, 1])('a format-1 checkpoint restores at parallelism %i', async (p) => {
    const base = copyFixture();
    const job = Job.fromSpec(fixtureSpec(p), {
      jobId: 'format1',
      checkpointStorage: createFsCheckpointStorage(base),
      writeConsole: () => {},
    });
    await job.loadCheckpoint({ path: path.join(base, 'format1', 'chk-1') });
    expect(job.queryState('agg', { limit: 1000 })).toEqual(expected);
    job.dispose();
  });

  it('a new checkpoint of the restored state is format 2 and restores the same state at another parallelism', async () => {
    const base = copyFixture();
    const events: JobEvent[] = [];
    const job = Job.fromSpec(fixtureSpec(2), {
      jobId: 'format1',
      checkpointStorage: createFsCheckpointStorage(base),
      writeConsole: () => {},
      onEvent: (e) => events.push(e),
      restoreFrom: { path: path.join(base, 'format1', 'chk-1') },
    });
    const r = await job.run();
    expect(r.status, r.error?.message).toBe('finished');
    await settle(job);
    const done = events.filter((e) => e.type === 'checkpoint-completed');
    expect(done.length).toBeGreaterThan(0);
    const cp = done.at(-1)!.checkpoint;
    const file = readdirSync(cp.path).find((n) => n.startsWith('op-agg-'))!;
    const bytes = readFileSync(path.join(cp.path, file));
    const header = JSON.parse(bytes.subarray(0, bytes.indexOf(10)).toString('utf8'));
    expect(header.format).toBe(2);
    const again = Job.fromSpec(fixtureSpec(3), {
      jobId: 'format1',
      checkpointStorage: createFsCheckpointStorage(base),
      writeConsole: () => {},
    });
    await again.loadCheckpoint({ path: cp.path });
    // the source had already read all its input: the state is the fixture's
    expect(again.queryState('agg', { limit: 1000 })).toEqual(expected);
    again.dispose();
    job.dispose();
  });
});
