/**
 * The disk state backend end to end: a job's periodic checkpoints are incremental (a chain of shared files),
 * and the newest one restores at another parallelism into either backend with the state the job ended with.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFsCheckpointStorage, Job, type JobEvent, type JobOptions } from '../src/index';
import { settle, tempDirs } from './support/checkpoints';
import { collect, spec } from './support/jobs';

const tempDir = tempDirs();
const KEYS = 500;

const counting = (rows: number, keys = KEYS, rowsPerSecond = 0, intervalMs = 1) =>
  spec(
    'disk-incremental',
    [
      {
        id: 'gen',
        kind: 'source',
        connector: {
          type: 'datagen',
          count: rows,
          rowsPerSecond,
          seed: 7,
          fields: { k: { kind: 'random', min: 0, max: keys - 1 }, v: { kind: 'random', min: 1, max: 100 } },
        },
        schema: { k: 'int', v: 'int' },
      },
      { id: 'byK', kind: 'keyBy', key: ['k'] },
      { id: 'agg', kind: 'aggregate', aggregates: { n: 'COUNT(*)', total: 'SUM(v)' } },
      collect('out'),
    ],
    ['gen -> byK', 'byK -> agg', 'agg -> out'],
    { checkpointing: { intervalMs, timeoutMs: 60_000, minPauseMs: 0, retained: 5 } },
  );

/**
 * Options of a disk-backend job with its files under `base` (state in `base/<stateDir>`, checkpoints in
 * `base/cp`), writing LMDB base files whatever the state's size.
 */
const diskJob = (base: string, stateDir: string, more: Partial<JobOptions> = {}) => ({
  baseDir: base,
  stateBackend: 'disk' as const,
  stateNativeMinEntries: 0,
  stateDir: path.join(base, stateDir),
  checkpointStorage: createFsCheckpointStorage(path.join(base, 'cp')),
  writeConsole: () => {},
  ...more,
});

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

  // ~2 s at 15k rows/s with a checkpoint every 100 ms: ~1,500 rows between two, a delta over 5,000 keys
  const NATIVE_ROWS = 30_000;
  const NATIVE_KEYS = 5_000;
  it('a full checkpoint is the store as an LMDB file; a restore at the same key groups takes it as it is', async () => {
    const base = tempDir('disk-native');
    const cpDir = path.join(base, 'cp');
    const job = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100), {
      baseDir: base,
      stateBackend: 'disk',
      stateNativeMinEntries: 0,
      stateDir: path.join(base, 'state'),
      checkpointStorage: createFsCheckpointStorage(cpDir),
      writeConsole: () => {},
      batchSize: 256,
    });
    expect((await job.run()).status).toBe('finished');
    await settle(job);
    const final = job.queryState('agg', { limit: 100_000 }).entries;
    job.dispose();
    const storage = createFsCheckpointStorage(cpDir);
    const listed = (await storage.list(job.jobId)).filter((l) => l.status === 'completed');
    // the newest checkpoint but the final one whose chain has deltas on top of its LMDB base (the oldest
    // retained ones may be on their way out: retention deletes asynchronously)
    const withDeltas = listed
      .slice(1)
      .find((l) => l.metadata!.operators.find((o) => o.nodeId === 'agg')!.subtasks[0]!.shared!.length > 1)!
      .metadata!;
    const chain = withDeltas.operators.find((o) => o.nodeId === 'agg')!.subtasks[0]!.shared!;
    expect(chain[0]).toMatchObject({ full: true, format: 'lmdb', keyGroupIndex: [] });
    expect(chain[0]!.name).toMatch(/^agg-0-chk\d+-full-[a-z0-9]+\.lmdb$/);
    expect(chain.slice(1).every((f) => !f.full && f.format === undefined)).toBe(true);

    const stateDir = path.join(base, 'state3');
    const restored = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100), {
      baseDir: base,
      stateBackend: 'disk',
      stateNativeMinEntries: 0,
      stateDir,
      checkpointStorage: createFsCheckpointStorage(cpDir),
      writeConsole: () => {},
    });
    await restored.loadCheckpoint({ checkpointId: withDeltas.checkpointId });
    // the backend's store is the staged checkpoint file (deltas applied), not a fresh store refilled
    const backend = restored.stateBackends('agg')[0] as unknown as { storePath: string; numKeys(): number };
    expect(path.basename(backend.storePath)).toMatch(/^restore-agg-0-/);
    expect(path.dirname(backend.storePath)).toBe(stateDir);
    // the same state as reading the chain into a heap backend
    const heap = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100), {
      baseDir: base,
      stateBackend: 'heap',
      checkpointStorage: createFsCheckpointStorage(cpDir),
      writeConsole: () => {},
    });
    await heap.loadCheckpoint({ checkpointId: withDeltas.checkpointId });
    const atCheckpoint = heap.queryState('agg', { limit: 100_000 }).entries;
    heap.dispose();
    expect(atCheckpoint).not.toEqual(final); // a checkpoint mid-run
    expect(backend.numKeys()).toBe(atCheckpoint.length);
    expect(restored.queryState('agg', { limit: 100_000 }).entries).toEqual(atCheckpoint);
    // (a copy of the checkpoints as they are now, to damage below: the resumed run's retention prunes these)
    const cpCopy = path.join(base, 'cp-copy');
    cpSync(cpDir, cpCopy, { recursive: true });
    // and it runs on from there to the same end state as the uninterrupted job
    const resumed = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100), {
      baseDir: base,
      stateBackend: 'disk',
      stateNativeMinEntries: 0,
      stateDir,
      checkpointStorage: createFsCheckpointStorage(cpDir),
      restoreFrom: { checkpointId: withDeltas.checkpointId },
      writeConsole: () => {},
    });
    expect((await resumed.run()).status).toBe('finished');
    expect(resumed.queryState('agg', { limit: 100_000 }).entries).toEqual(final);
    resumed.dispose();
    restored.dispose();

    // a damaged LMDB file is caught by its checksum. A chosen checkpoint (nothing to fall back to) has it
    // checked while it is copied and the deltas are applied: the restore fails naming it and leaves nothing
    // staged. A load that may fall back (no deferStores) refuses it before anything is restored.
    const file = path.join(cpCopy, job.jobId, 'shared', chain[0]!.name);
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(file, bytes);
    const damaged = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100), {
      baseDir: base,
      stateBackend: 'disk',
      stateDir: path.join(base, 'state4'),
      checkpointStorage: createFsCheckpointStorage(cpCopy),
      writeConsole: () => {},
    });
    await expect(damaged.loadCheckpoint({ checkpointId: withDeltas.checkpointId })).rejects.toThrow(
      `state file shared/${chain[0]!.name} has SHA-256`,
    );
    expect(readdirSync(path.join(base, 'state4')).filter((n) => n.startsWith('restore-'))).toEqual([]);
    damaged.dispose();
    await expect(
      createFsCheckpointStorage(cpCopy).load({ jobId: job.jobId, checkpointId: withDeltas.checkpointId }),
    ).rejects.toThrow(`state file shared/${chain[0]!.name} has SHA-256`);
  });
  it('failover past checkpoints whose LMDB base fails its check while it is staged: notices, then exactly the uninterrupted end state', async () => {
    const base = tempDir('disk-failover');
    const stateDir = path.join(base, 'state');
    const opts = {
      baseDir: base,
      stateBackend: 'disk' as const,
      stateNativeMinEntries: 0,
      stateDir,
      writeConsole: () => {},
    };
    const straight = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100), opts);
    expect((await straight.run()).status).toBe('finished');
    const expected = straight.queryState('agg', { limit: 100_000 }).entries;
    straight.dispose();

    const events: JobEvent[] = [];
    const completed: Array<{ id: number; path: string }> = [];
    const damagedBases = new Set<string>();
    const cpDir = path.join(base, 'cp');
    const job = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100), {
      ...opts,
      stateDir: path.join(base, 'state-failover'),
      checkpointStorage: createFsCheckpointStorage(cpDir),
      failures: [{ nodeId: 'agg', afterRecords: NATIVE_ROWS / 2, afterCheckpoints: 3 }],
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'checkpoint-completed')
          completed.push({ id: e.checkpoint.checkpointId, path: e.checkpoint.path });
        if (e.type !== 'restarting') return;
        // every retained checkpoint's LMDB base gets one flipped bit (load still passes: it checks them later)
        for (const c of completed) {
          if (!existsSync(path.join(c.path, '_metadata'))) continue; // retention removed it
          const meta = JSON.parse(readFileSync(path.join(c.path, '_metadata'), 'utf8')) as {
            operators: Array<{
              nodeId: string;
              subtasks: Array<{ shared?: Array<{ name: string; format?: string }> }>;
            }>;
          };
          const lmdb = meta.operators.find((o) => o.nodeId === 'agg')!.subtasks[0]!.shared![0]!;
          if (lmdb.format !== 'lmdb' || damagedBases.has(lmdb.name)) continue;
          const file = path.join(cpDir, job.jobId, 'shared', lmdb.name);
          const bytes = readFileSync(file);
          bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
          writeFileSync(file, bytes);
          damagedBases.add(lmdb.name);
        }
      },
    });
    const result = await job.run();
    await settle(job);
    expect(result.status, result.error?.message).toBe('finished');
    expect(damagedBases.size).toBeGreaterThan(0);
    const notices = events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
    const skipped = notices.filter((m) =>
      /checkpoint \d+ cannot be restored .*shared\/.*\.lmdb has SHA-256/.test(m),
    );
    expect(skipped.length, notices.join('\n')).toBeGreaterThan(0);
    expect(skipped.every((m) => m.endsWith('falling back to an older one'))).toBe(true);
    // no checkpoint was left to restore: the restart began again from the start, and ended where a run without
    // failure ends, with no staged store left behind
    expect(events.filter((e) => e.type === 'restored')).toHaveLength(0);
    expect(job.queryState('agg', { limit: 100_000 }).entries).toEqual(expected);
    expect(readdirSync(path.join(base, 'state-failover')).filter((n) => n.startsWith('restore-'))).toEqual(
      [],
    );
    job.dispose();
  });

  it('--restore latest skips a checkpoint whose LMDB base fails its check while it is staged, and restores the one before', async () => {
    const base = tempDir('disk-latest');
    const cpDir = path.join(base, 'cp');
    const opts = (stateDir: string) => diskJob(base, stateDir);
    const baseOf = (m: {
      operators: Array<{ nodeId: string; subtasks: Array<{ shared?: Array<{ name: string }> }> }>;
    }) => m.operators.find((o) => o.nodeId === 'agg')!.subtasks[0]!.shared![0]!.name;
    // run 1 ends with its final checkpoint; run 2 restores it by path (as another job's: Flink's NO_CLAIM), so its
    // own final checkpoint is a full one, a new LMDB base
    const first = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS), opts('state1'));
    expect((await first.run()).status).toBe('finished');
    await settle(first);
    const expected = first.queryState('agg', { limit: 100_000 }).entries;
    expect(expected).toHaveLength(4_989); // the keys 30,000 seeded random draws over 5,000 hit
    first.dispose();
    const storage = createFsCheckpointStorage(cpDir);
    const older = (await storage.list(first.jobId))[0]!.metadata!;
    const second = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS), {
      ...opts('state2'),
      restoreFrom: { path: (await storage.list(first.jobId))[0]!.location.path },
    });
    expect((await second.run()).status).toBe('finished');
    await settle(second);
    second.dispose();
    const newest = (await storage.list(first.jobId))[0]!;
    expect(newest.location.checkpointId).toBeGreaterThan(older.checkpointId);
    const damagedBase = baseOf(newest.metadata!);
    expect(damagedBase).not.toBe(baseOf(older));
    const file = path.join(cpDir, first.jobId, 'shared', damagedBase);
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(file, bytes);

    // the listing and a load cannot tell (the base is checked while it is staged)...
    expect((await storage.list(first.jobId))[0]!.status).toBe('completed');
    // ...the restore finds it, says so, and restores the checkpoint before it
    const events: JobEvent[] = [];
    const third = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS), {
      ...opts('state3'),
      restoreFrom: 'latest',
      onEvent: (e) => events.push(e),
    });
    expect((await third.run()).status).toBe('finished');
    await settle(third);
    const notices = events.flatMap((e) => (e.type === 'notice' ? [e.message] : []));
    expect(notices).toEqual([
      expect.stringMatching(
        new RegExp(`^skipping ${newest.location.path}: .*state file shared/${damagedBase} has SHA-256`),
      ),
    ]);
    const restored = events.flatMap((e) => (e.type === 'restored' ? [e.checkpointId] : []));
    expect(restored).toEqual([older.checkpointId]);
    expect(third.queryState('agg', { limit: 100_000 }).entries).toEqual(expected);
    expect(readdirSync(path.join(base, 'state3')).filter((n) => n.startsWith('restore-'))).toHaveLength(1);
    third.dispose();
  });

  it('a savepoint is self-contained: its state is a file of its own, and a copy of its directory alone restores', async () => {
    const base = tempDir('disk-savepoint');
    const cpDir = path.join(base, 'cp');
    const opts = (stateDir: string) => diskJob(base, stateDir);
    const job = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100), opts('state1'));
    const running = job.run();
    while ((job.metrics().nodes.find((n) => n.nodeId === 'gen')?.recordsOut ?? 0) < 10_000)
      await new Promise((r) => setTimeout(r, 5));
    const spId = job.triggerCheckpoint('savepoint');
    expect((await running).status).toBe('finished');
    await settle(job);
    const final = job.queryState('agg', { limit: 100_000 }).entries;
    job.dispose();
    const storage = createFsCheckpointStorage(cpDir);
    const sp = (await storage.list(job.jobId)).find((l) => l.location.kind === 'savepoint')!;
    expect(sp.location.checkpointId).toBe(spId);
    const own = sp.metadata!.operators.find((o) => o.nodeId === 'agg')!.subtasks[0]!.shared!;
    expect(own).toHaveLength(1);
    expect(own[0]).toMatchObject({ full: true, format: 'lmdb', exclusive: true, checkpointId: spId });
    expect(readdirSync(sp.location.path)).toContain(own[0]!.name);
    expect(existsSync(path.join(cpDir, job.jobId, 'shared', own[0]!.name))).toBe(false);
    // the checkpoints after it build on the checkpoints before it, never on the savepoint
    for (const l of await storage.list(job.jobId))
      for (const o of l.metadata!.operators)
        for (const sub of o.subtasks)
          for (const f of sub.shared ?? [])
            if (l.location.kind === 'checkpoint') expect(f.exclusive).toBe(undefined);

    // the state at the savepoint, read from where it was written
    const reader = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100), {
      ...opts('state2'),
      stateBackend: 'heap',
    });
    await reader.loadCheckpoint({ path: sp.location.path });
    const atSavepoint = reader.queryState('agg', { limit: 100_000 }).entries;
    reader.dispose();
    expect(atSavepoint).not.toEqual(final);

    // its directory alone, copied elsewhere; the job's checkpoints and shared files gone
    const copy = path.join(base, 'backup', 'my-savepoint');
    cpSync(sp.location.path, copy, { recursive: true });
    rmSync(cpDir, { recursive: true });
    for (const [stateBackend, parallelism] of [
      ['disk', 1],
      ['disk', 3],
      ['heap', 2],
    ] as const) {
      const restored = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100), {
        ...opts(`state-${stateBackend}-${parallelism}`),
        stateBackend,
        parallelism,
      });
      await restored.loadCheckpoint({ path: copy });
      expect(
        restored.queryState('agg', { limit: 100_000 }).entries,
        `${stateBackend} ${parallelism}`,
      ).toEqual(atSavepoint);
      restored.dispose();
    }
    // and runs on from there to the end state of the job that took it
    const resumed = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100), {
      ...opts('state3'),
      restoreFrom: { path: copy },
    });
    expect((await resumed.run()).status).toBe('finished');
    expect(resumed.queryState('agg', { limit: 100_000 }).entries).toEqual(final);
    resumed.dispose();

    // a damaged own file is named as the savepoint's file
    const file = path.join(copy, own[0]!.name);
    const bytes = readFileSync(file);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x01;
    writeFileSync(file, bytes);
    await expect(createFsCheckpointStorage(path.join(base, 'backup')).load({ path: copy })).rejects.toThrow(
      `state file ${own[0]!.name} has SHA-256`,
    );
  });

  it('after a failover the chain goes on: the first checkpoint is a delta on the restored files', async () => {
    const base = tempDir('disk-continue');
    const cpDir = path.join(base, 'cp');
    const opts = {
      baseDir: base,
      stateBackend: 'disk' as const,
      stateNativeMinEntries: 0,
      writeConsole: () => {},
    };
    const straight = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100), {
      ...opts,
      stateDir: path.join(base, 'state0'),
    });
    expect((await straight.run()).status).toBe('finished');
    const expected = straight.queryState('agg', { limit: 100_000 }).entries;
    straight.dispose();

    type Chain = Array<{ name: string; full: boolean; checkpointId: number }>;
    const chains = new Map<number, Chain>();
    const chainOf = (cpPath: string): Chain => {
      const meta = JSON.parse(readFileSync(path.join(cpPath, '_metadata'), 'utf8')) as {
        operators: Array<{ nodeId: string; subtasks: Array<{ shared: Chain }> }>;
      };
      return meta.operators.find((o) => o.nodeId === 'agg')!.subtasks[0]!.shared;
    };
    const events: JobEvent[] = [];
    const job = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100), {
      ...opts,
      stateDir: path.join(base, 'state1'),
      checkpointStorage: createFsCheckpointStorage(cpDir),
      failures: [{ nodeId: 'agg', afterRecords: NATIVE_ROWS / 2, afterCheckpoints: 3 }],
      onEvent: (e) => {
        events.push(e);
        // read each chain as it completes (retention deletes the old ones)
        if (e.type === 'checkpoint-completed')
          chains.set(e.checkpoint.checkpointId, chainOf(e.checkpoint.path));
      },
    });
    expect((await job.run()).status).toBe('finished');
    await settle(job);
    expect(job.queryState('agg', { limit: 100_000 }).entries).toEqual(expected);
    const restoredAt = events.flatMap((e) => (e.type === 'restored' ? [e.checkpointId] : []));
    expect(restoredAt).toHaveLength(1);
    const restored = chains.get(restoredAt[0]!)!;
    expect(restored.length).toBeLessThanOrEqual(10); // (a longer chain would be compacted anyway)
    const nextId = [...chains.keys()].find((id) => id > restoredAt[0]!)!;
    const next = chains.get(nextId)!;
    // the restored chain, then one delta of the new checkpoint: nothing of the state was written again
    expect(next.slice(0, -1)).toEqual(restored);
    expect(next.at(-1)).toMatchObject({ full: false, checkpointId: nextId });
    job.dispose();

    // the job's last checkpoint (built on files from before the failure) restores to the state it ended with
    const reader = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100), {
      ...opts,
      stateBackend: 'heap',
      checkpointStorage: createFsCheckpointStorage(cpDir),
    });
    await reader.loadCheckpoint('latest');
    expect(reader.queryState('agg', { limit: 100_000 }).entries).toEqual(expected);
    reader.dispose();
  });

  it('a restore at another parallelism builds each new store from the old LMDB files, never holding the state in memory', async () => {
    const base = tempDir('disk-rescale');
    const cpDir = path.join(base, 'cp');
    const opts = (stateDir: string, parallelism: number, stateBackend: 'disk' | 'heap' = 'disk') =>
      diskJob(base, stateDir, { parallelism, stateBackend });
    const job = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100), opts('state2', 2));
    expect((await job.run()).status).toBe('finished');
    await settle(job);
    const final = job.queryState('agg', { limit: 100_000 }).entries;
    job.dispose();
    const storage = createFsCheckpointStorage(cpDir);
    // a checkpoint mid-run whose chains have deltas on their LMDB bases
    const mid = (await storage.list(job.jobId))
      .filter(
        (l) =>
          l.status === 'completed' &&
          l.metadata!.counters!.find((c) => c.nodeId === 'gen')!.recordsOut < NATIVE_ROWS,
      )
      .find((l) =>
        l.metadata!.operators.find((o) => o.nodeId === 'agg')!.subtasks.every((s) => s.shared!.length > 1),
      )!.metadata!;
    const subtasks = mid.operators.find((o) => o.nodeId === 'agg')!.subtasks;
    expect(subtasks.map((s) => [s.keyGroupRange, s.shared![0]!.format])).toEqual([
      [[0, 63], 'lmdb'],
      [[64, 127], 'lmdb'],
    ]);
    const heap = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100), opts('heap', 1, 'heap'));
    await heap.loadCheckpoint({ checkpointId: mid.checkpointId });
    const atCheckpoint = heap.queryState('agg', { limit: 100_000 }).entries;
    heap.dispose();
    expect(atCheckpoint).not.toEqual(final);

    for (const parallelism of [1, 3]) {
      const stateDir = `state-p${parallelism}`;
      const restored = Job.fromSpec(
        counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100),
        opts(stateDir, parallelism),
      );
      await restored.loadCheckpoint({ checkpointId: mid.checkpointId });
      // every new subtask adopted a store built for its key groups (not a fresh store refilled)
      const backends = restored.stateBackends('agg') as unknown as Array<{
        storePath: string;
        numKeys(): number;
      }>;
      expect(backends).toHaveLength(parallelism);
      expect(backends.map((b) => path.basename(b.storePath).split('-').slice(0, 3).join('-'))).toEqual(
        Array.from({ length: parallelism }, (_, j) => `restore-agg-${j}`),
      );
      expect(backends.reduce((n, b) => n + b.numKeys(), 0)).toBe(atCheckpoint.length);
      expect(restored.queryState('agg', { limit: 100_000 }).entries, `parallelism ${parallelism}`).toEqual(
        atCheckpoint,
      );
      // the old bases staged to copy from are gone
      expect(readdirSync(path.join(base, stateDir)).filter((n) => n.startsWith('rescale-'))).toEqual([]);
      restored.dispose();
    }
    // and a job at parallelism 3 runs on from it to the same end state
    const resumed = Job.fromSpec(counting(NATIVE_ROWS, NATIVE_KEYS, 15_000, 100), {
      ...opts('state-resumed', 3),
      restoreFrom: { checkpointId: mid.checkpointId },
    });
    expect((await resumed.run()).status).toBe('finished');
    expect(resumed.queryState('agg', { limit: 100_000 }).entries).toEqual(final);
    resumed.dispose();
  });
});
