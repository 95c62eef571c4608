/** Shared files of incremental checkpoints: reference counting across retained checkpoints, checksums. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { harnesses, metadataFor, type StorageFixture } from './test-support';
import { CheckpointCorruptedError, type SharedStateRef, type WrittenStateFile } from './types';

const JOB = 'inc-job';

/** Checkpoint `id`: writes the shared files `fresh`, refers to `fresh` + `reuse` (a chain), finalizes. */
async function incremental(
  f: StorageFixture,
  id: number,
  reuse: SharedStateRef[],
  fresh: string[],
  lmdbBase = false,
) {
  const w = await f.storage.createWriter(JOB, id, 'checkpoint');
  const own: WrittenStateFile = await w.writeStateFile('op-counts-0.state', [`timers of ${id}`]);
  const chain = [...reuse];
  for (const name of fresh) {
    const sf = await w.writeSharedFile(name, [`state of ${name}`]);
    chain.push({
      name,
      size: sf.size,
      sha256: sf.sha256,
      checkpointId: id,
      full: chain.length === 0,
      keyGroupIndex: [],
      ...(lmdbBase && chain.length === 0 ? { format: 'lmdb' as const } : {}),
    });
  }
  const meta = metadataFor(w.location, [own]);
  meta.operators[0]!.subtasks[0]!.shared = chain;
  const written = await w.finalize(meta);
  return { location: w.location, chain, metadata: written };
}

describe.each(harnesses)('shared state files ($name storage)', (h) => {
  let f: StorageFixture;
  beforeEach(async () => {
    f = await h.create();
  });
  afterEach(async () => {
    await f.dispose();
  });

  it('are reference-counted across retained checkpoints and deleted only when none refers to them', async () => {
    const c1 = await incremental(f, 1, [], ['full-1']);
    const c2 = await incremental(f, 2, c1.chain, ['delta-2']);
    const c3 = await incremental(f, 3, c2.chain, ['delta-3']);
    expect(Object.fromEntries(await f.storage.sharedReferenceCounts(JOB))).toEqual({
      'full-1': 3,
      'delta-2': 2,
      'delta-3': 1,
    });
    // retention drops checkpoint 1: every file it wrote is still needed by 2 and 3
    await f.storage.delete(c1.location);
    expect(Object.fromEntries(await f.storage.sharedReferenceCounts(JOB))).toEqual({
      'full-1': 2,
      'delta-2': 2,
      'delta-3': 1,
    });
    // checkpoint 3 restores without checkpoint 1's directory
    const loaded = await f.storage.load({ jobId: JOB, checkpointId: 3 });
    expect(new TextDecoder().decode(await loaded.readSharedFileRange('full-1', 0, 13))).toBe('state of full');
    await f.storage.delete(c2.location);
    await f.storage.delete(c3.location);
    expect(Object.fromEntries(await f.storage.sharedReferenceCounts(JOB))).toEqual({});
  });

  it('an aborted checkpoint takes the shared files it wrote with it; orphans are collected', async () => {
    const c1 = await incremental(f, 1, [], ['full-1']);
    const w = await f.storage.createWriter(JOB, 2, 'checkpoint');
    await w.writeSharedFile('delta-2', ['x']);
    // an open writer's files are never collected
    expect(await f.storage.collectSharedFiles(JOB)).toEqual([]);
    await w.abort();
    expect(Object.fromEntries(await f.storage.sharedReferenceCounts(JOB))).toEqual({ 'full-1': 1 });
    expect(c1.metadata.operators[0]!.subtasks[0]!.shared).toHaveLength(1);
  });

  it('a damaged shared file is found by its checksum; loadLatestValid falls back past the checkpoint', async () => {
    const c1 = await incremental(f, 1, [], ['full-1']);
    await incremental(f, 2, c1.chain, ['delta-2']);
    await f.tamper(f.pathOf(JOB, 'shared'), 'delta-2', 'bit-flip');
    await expect(f.storage.load({ jobId: JOB, checkpointId: 2 })).rejects.toThrow(
      /shared\/delta-2 has SHA-256 .* but _metadata says/,
    );
    const skipped: string[] = [];
    const cp = await f.storage.loadLatestValid(JOB, { onSkip: (_l, e) => skipped.push(e.message) });
    expect(cp?.metadata.checkpointId).toBe(1);
    expect(skipped).toHaveLength(1);
    expect(skipped[0]).toMatch(/checkpoint .*chk-2 is corrupted: state file shared\/delta-2/);
    const err = await f.storage.load({ jobId: JOB, checkpointId: 2 }).catch((e) => e);
    expect(err).toBeInstanceOf(CheckpointCorruptedError);
  });

  it('loadLatestValid with use: a corrupt-file error from using a candidate skips it; any other error is thrown', async () => {
    await incremental(f, 1, [], ['full-1']);
    await incremental(f, 2, [], ['full-2']);
    const used: number[] = [];
    const skipped: string[] = [];
    const cp = await f.storage.loadLatestValid(JOB, {
      onSkip: (l, e) => skipped.push(`${l.location.checkpointId}: ${e.message}`),
      use: async (c) => {
        used.push(c.metadata.checkpointId);
        if (c.metadata.checkpointId === 2)
          throw new CheckpointCorruptedError('CHECKPOINT_CORRUPTED', c.location.path, 'damaged while staged');
      },
    });
    expect(cp?.metadata.checkpointId).toBe(1);
    expect(used).toEqual([2, 1]);
    expect(skipped).toEqual(['2: damaged while staged']);
    await expect(
      f.storage.loadLatestValid(JOB, {
        use: async () => {
          throw new Error('disk full');
        },
      }),
    ).rejects.toThrow('disk full');
  });

  it('deferStores: a store file is checked while it is staged; a damaged one fails its staging, not the load', async () => {
    const c1 = await incremental(f, 1, [], ['full-1'], true);
    await incremental(f, 2, c1.chain, ['delta-2']);
    const dest = mkdtempSync(join(tmpdir(), 'flowstate-stage-'));
    try {
      const ok = await f.storage.load({ jobId: JOB, checkpointId: 2 }, { deferStores: true });
      await (await ok.stageSharedFileTo('full-1', join(dest, 'a'))).verified;
      expect(readFileSync(join(dest, 'a'), 'utf8')).toBe('state of full-1');

      await f.tamper(f.pathOf(JOB, 'shared'), 'full-1', 'bit-flip');
      // a load that may fall back to an older checkpoint refuses it up front
      await expect(f.storage.load({ jobId: JOB, checkpointId: 2 })).rejects.toThrow(
        /shared\/full-1 has SHA-256 .* but _metadata says/,
      );
      // deferred: the load resolves (the delta was checked), the staging's check names the file
      const cp = await f.storage.load({ jobId: JOB, checkpointId: 2 }, { deferStores: true });
      // (a storage that cannot copy locally reads the verified bytes, so its staging itself fails)
      const err = await cp
        .stageSharedFileTo('full-1', join(dest, 'b'))
        .then((staged) => staged.verified)
        .catch((e) => e);
      expect(err).toBeInstanceOf(CheckpointCorruptedError);
      expect((err as Error).message).toMatch(/shared\/full-1 has SHA-256 .* but _metadata says/);
      await expect(cp.copySharedFileTo('full-1', join(dest, 'c'))).rejects.toThrow(
        /shared\/full-1 has SHA-256/,
      );
      await expect(cp.readSharedFileRange('full-1', 0, 4)).rejects.toThrow(/shared\/full-1 has SHA-256/);
      // a damaged delta is still refused by the load itself
      await f.tamper(f.pathOf(JOB, 'shared'), 'delta-2', 'bit-flip');
      await expect(f.storage.load({ jobId: JOB, checkpointId: 2 }, { deferStores: true })).rejects.toThrow(
        /shared\/delta-2 has SHA-256/,
      );
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });
});
