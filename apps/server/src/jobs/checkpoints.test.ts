import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cursorOf, type Key } from '@flowstate/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobManager, JobManagerError, type StatePage } from './index';
import { recordEvents, tempDataDir, unboundedSpec, waitFor } from './test-support';

const trades = (p: StatePage) =>
  Object.fromEntries(p.entries.map((e) => [String(e.key), (e.value as { trades: number }).trades]));
const total = (p: StatePage) => p.entries.reduce((a, e) => a + (e.value as { trades: number }).trades, 0);

describe('JobManager: checkpoints, restore, savepoints', () => {
  const dataDir = tempDataDir();
  let m: JobManager;
  let rec: ReturnType<typeof recordEvents>;

  beforeAll(() => {
    m = new JobManager({ dataDir, outputIntervalMs: 50 });
    rec = recordEvents(m);
  });
  afterAll(() => m.shutdown());

  it('triggers a checkpoint; restore rolls the running job back to it in place', async () => {
    // 10 rows/s: a restored source's first row comes 100 ms after the restore, so the state read right after it
    // is exactly the checkpoint's.
    const spec = unboundedSpec(10);
    await m.start('cp', spec);
    await waitFor(async () => total(await m.queryState('cp', 'totals')) >= 5, 'some state');

    const id = await m.triggerCheckpoint('cp');
    expect(id).toBeGreaterThan(0);
    await rec.next('cp', 'checkpoint-triggered', (e) => e.checkpointId === id);
    const done = (await rec.next('cp', 'checkpoint-completed', (e) => e.checkpoint.checkpointId === id))
      .checkpoint;
    expect(done).toMatchObject({ kind: 'checkpoint', trigger: 'manual' });
    expect(relative(join(dataDir, 'checkpoints', 'cp'), done.path)).toBe(`chk-${id}`);
    expect(existsSync(join(done.path, '_metadata'))).toBe(true);
    expect(done.sizeBytes).toBeGreaterThan(0);
    expect(
      rec
        .of('cp', 'checkpoint-completed')
        .at(-1)!
        .operators.find((o) => o.nodeId === 'totals'),
    ).toMatchObject({ subtasks: 1 });

    // The checkpoint's state, read in a throwaway worker (with the spec given, and with the stored one).
    const atCheckpoint = await m.checkpointState(done.path, spec, 'totals', {});
    expect(total(atCheckpoint)).toBeGreaterThanOrEqual(5);
    expect(await m.checkpointState(done.path, null, 'totals', {})).toEqual(atCheckpoint);
    const paged = await m.checkpointState(done.path, null, 'totals', { limit: 2 });
    expect(paged.entries).toEqual(atCheckpoint.entries.slice(0, 2));
    expect(paged.nextCursor).toBe(cursorOf(paged.entries[1]!.key as Key));
    expect(m.internals.inspectionWorkers()).toBeGreaterThan(0);

    // State moves on.
    await waitFor(
      async () => total(await m.queryState('cp', 'totals')) >= total(atCheckpoint) + 5,
      'state to move on',
    );
    const before = await m.output('cp', 'out', { limit: 1 });
    expect(before.epoch).toBe(0);

    const restored = await m.restore('cp', id);
    const restoredAt = performance.now();
    expect(restored).toEqual({ checkpointId: id, path: done.path });
    const after = await m.queryState('cp', 'totals');
    expect(trades(after)).toEqual(trades(atCheckpoint));
    for (const e of atCheckpoint.entries) expect(await m.stateOfKey('cp', 'totals', e.key)).toEqual(e.value);
    await rec.next('cp', 'restored', (e) => e.checkpointId === id);

    // The output rolled back: a new epoch, for output() and for the stream.
    // At 10 rows/s the restored source emits its first row 100 ms after the restore; on a loaded machine the
    // reads above can take longer than that, so the output holds the checkpoint's rows plus at most one row per
    // 100 ms since the restore — and not the rows written before the restore (≥ 5 more than the checkpoint's).
    const out = await m.output('cp', 'out', { limit: 5 });
    const since = Math.floor((performance.now() - restoredAt) / 100);
    expect(out.epoch).toBe(before.epoch + 1);
    expect(out.next).toBeGreaterThanOrEqual(total(atCheckpoint));
    expect(out.next).toBeLessThanOrEqual(total(atCheckpoint) + since);
    if (since === 0) expect(out.next).toBe(total(atCheckpoint));
    const epochEvent = await rec.next('cp', 'output', (e) => e.epoch === before.epoch + 1);
    expect(epochEvent.from).toBe(0);

    // It goes on from there.
    await waitFor(
      async () => total(await m.queryState('cp', 'totals')) > total(atCheckpoint),
      'progress after the restore',
    );
    expect(m.status('cp')?.status).toBe('running');
  });

  it('stops with a savepoint; a new job starts from it', async () => {
    const spec = unboundedSpec(5);
    await m.start('sp', spec);
    await waitFor(async () => total(await m.queryState('sp', 'totals')) >= 5, 'some state');
    const { savepoint } = await m.stop('sp', { savepoint: true });
    expect(savepoint).toMatchObject({
      checkpointId: expect.any(Number),
      path: expect.stringMatching(/savepoint-\d+$/),
    });
    expect(existsSync(join(savepoint!.path, '_metadata'))).toBe(true);
    expect(relative(join(dataDir, 'checkpoints', 'sp'), savepoint!.path)).toBe(
      `savepoint-${savepoint!.checkpointId}`,
    );
    expect(m.status('sp')?.status).toBe('cancelled');
    const completed = await rec.next('sp', 'checkpoint-completed', (e) => e.checkpoint.kind === 'savepoint');
    expect(completed.checkpoint).toMatchObject({ trigger: 'stop', checkpointId: savepoint!.checkpointId });

    // The savepoint as stored. (The stopped job may hold a row or two more: the engine's stopWithSavepoint
    // keeps processing while the savepoint is written, and cancels after.)
    const atSavepoint = await m.checkpointState(savepoint!.path, null, 'totals', {});
    expect(total(atSavepoint)).toBeGreaterThanOrEqual(5);
    const stopped = trades(await m.queryState('sp', 'totals'));
    for (const [key, n] of Object.entries(trades(atSavepoint)))
      expect(stopped[key]).toBeGreaterThanOrEqual(n);

    // A new job from the savepoint (5 rows/s: the first new row comes 200 ms after it runs).
    await m.start('sp2', spec, { restoreFrom: { path: savepoint!.path } });
    expect(m.status('sp2')?.status).toBe('running');
    expect(trades(await m.queryState('sp2', 'totals'))).toEqual(trades(atSavepoint));
    const restored = await rec.next('sp2', 'restored');
    expect(restored).toMatchObject({ checkpointId: savepoint!.checkpointId, path: savepoint!.path });
    await waitFor(
      async () => total(await m.queryState('sp2', 'totals')) > total(atSavepoint),
      'the new job to go on',
    );
    // Its own checkpoints are numbered past the savepoint, in its own directory.
    const id = await m.triggerCheckpoint('sp2');
    expect(id).toBeGreaterThan(savepoint!.checkpointId);
    const c = (await rec.next('sp2', 'checkpoint-completed', (e) => e.checkpoint.checkpointId === id))
      .checkpoint;
    expect(relative(join(dataDir, 'checkpoints', 'sp2'), c.path)).toBe(`chk-${id}`);
    await m.stop('sp2');
    expect(m.status('sp2')?.status).toBe('cancelled');
  });

  it('a damaged checkpoint: NO_SUCH_CHECKPOINT for a start from it and for reading it', async () => {
    const done = rec.of('cp', 'checkpoint-completed')[0]!.checkpoint;
    const copy = join(tempDataDir(), 'copied', 'chk-1');
    cpSync(done.path, copy, { recursive: true });
    const stateFile = readdirSync(copy).find((f) => f.endsWith('.state'))!;
    const bytes = readFileSync(join(copy, stateFile));
    bytes[bytes.length - 2] = (bytes[bytes.length - 2] ?? 0) ^ 0xff;
    writeFileSync(join(copy, stateFile), bytes);

    const err = await m.start('from-bad', unboundedSpec(10), { restoreFrom: { path: copy } }).catch((e) => e);
    expect(err).toBeInstanceOf(JobManagerError);
    expect((err as JobManagerError).code).toBe('NO_SUCH_CHECKPOINT');
    expect((err as JobManagerError).message).toContain(stateFile);
    expect(m.status('from-bad')).toMatchObject({ status: 'failed' });
    expect(m.status('from-bad')!.cause).toContain(stateFile);
    const read = await m.checkpointState(copy, null, 'totals', {}).catch((e) => e);
    expect((read as JobManagerError).code).toBe('NO_SUCH_CHECKPOINT');
  });

  it('checkpointState: bad node, bad spec, and a spec that does not match', async () => {
    const done = rec.of('cp', 'checkpoint-completed')[0]!.checkpoint;
    const err = (p: Promise<unknown>) =>
      p.then(
        () => undefined,
        (e: JobManagerError) => e.code,
      );
    expect(await err(m.checkpointState(done.path, null, 'ghost', {}))).toBe('NO_SUCH_NODE');
    expect(await err(m.checkpointState(done.path, null, 'trades', {}))).toBe('NO_KEYED_STATE');
    expect(await err(m.checkpointState(done.path, unboundedSpec(10), 'ghost', {}))).toBe('NO_SUCH_NODE');
    expect(await err(m.checkpointState(done.path, { specVersion: 1 }, 'totals', {}))).toBe('INVALID_SPEC');
    expect(await err(m.checkpointState(join(done.path, '_metadata'), null, 'totals', {}))).toBeUndefined();
  });
});
