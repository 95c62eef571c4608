/** What only the fs storage can show: the bytes on disk, another process's leftovers, paths. */

import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFsCheckpointStorage } from './fs';
import { metadataFor, writeCheckpoint } from './test-support';

let base: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'flowstate-chk-fs-'));
});
afterEach(() => rm(base, { recursive: true, force: true }));

describe('fs checkpoint storage', () => {
  it('lays checkpoints out as <base>/<jobId>/chk-<n>/ with _metadata and no temp file left', async () => {
    const storage = createFsCheckpointStorage(relative(process.cwd(), base));
    const { location, metadata } = await writeCheckpoint(storage, 'job', 12);
    await writeCheckpoint(storage, 'job', 13, 'savepoint');
    expect(isAbsolute(location.path)).toBe(true);
    expect(location.path).toBe(join(base, 'job', 'chk-12'));
    expect((await readdir(join(base, 'job'))).sort()).toEqual(['chk-12', 'savepoint-13']);
    expect((await readdir(location.path)).sort()).toEqual(['_metadata', 'op-counts-0.state']);
    expect(await readFile(join(location.path, 'op-counts-0.state'), 'utf8')).toBe('hello state');
    const onDisk = JSON.parse(await readFile(join(location.path, '_metadata'), 'utf8'));
    expect(onDisk).toMatchObject({ ...metadata, metadataSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('a checkpoint left by a crashed process is invalid for the next one, which cleans it up', async () => {
    const crashed = createFsCheckpointStorage(base);
    await writeCheckpoint(crashed, 'job', 1);
    const w = await crashed.createWriter('job', 2, 'checkpoint');
    await w.writeStateFile('op-counts-0.state', ['half of the state']);
    await writeFile(join(w.location.path, '._metadata.tmp'), '{"formatVersion":1,"job');
    // The process dies here: no finalize, no abort.

    const restarted = createFsCheckpointStorage(base);
    const listing = await restarted.list('job');
    expect(listing[0]).toMatchObject({
      status: 'invalid',
      error: `${w.location.path}: no _metadata: the checkpoint did not complete (an unfinished ._metadata.tmp is present)`,
    });
    expect((await restarted.loadLatestValid('job'))?.location.checkpointId).toBe(1);
    expect(await restarted.cleanup('job')).toEqual([w.location]);
    expect(await readdir(join(base, 'job'))).toEqual(['chk-1']);
  });

  it('loads a checkpoint by relative path, by _metadata path, and a savepoint moved elsewhere', async () => {
    const storage = createFsCheckpointStorage(base);
    const { location } = await writeCheckpoint(storage, 'job', 3, 'savepoint');
    const rel = relative(process.cwd(), location.path);
    expect((await storage.load({ path: rel })).location).toEqual(location);
    expect((await storage.load({ path: join(rel, '_metadata') })).location).toEqual(location);

    const moved = join(base, 'backups', 'before-upgrade');
    await mkdir(join(base, 'backups'));
    await cp(location.path, moved, { recursive: true });
    const loaded = await storage.load({ path: moved });
    expect(loaded.location).toEqual({ jobId: 'job', checkpointId: 3, kind: 'savepoint', path: moved });
    expect(new TextDecoder().decode(await loaded.readStateFile('op-counts-0.state'))).toBe('hello state');
    // A file that is not a checkpoint directory.
    await expect(storage.load({ path: join(moved, 'op-counts-0.state') })).rejects.toMatchObject({
      code: 'CHECKPOINT_NOT_FOUND',
    });
  });

  it('works before the base directory exists and ignores what is not a job or a checkpoint', async () => {
    const storage = createFsCheckpointStorage(join(base, 'not-yet'));
    expect(await storage.jobs()).toEqual([]);
    expect(await storage.list('job')).toEqual([]);
    expect(await storage.loadLatestValid('job')).toBeUndefined();
    await writeCheckpoint(storage, 'job', 1);
    await writeFile(join(base, 'not-yet', 'README'), 'x');
    await mkdir(join(base, 'not-yet', 'bad name'));
    await mkdir(join(base, 'not-yet', 'empty-job'));
    await writeFile(join(base, 'not-yet', 'job', 'chk-2'), 'a file, not a directory');
    expect(await storage.jobs()).toEqual(['job']);
    expect((await storage.list('job')).map((l) => l.location.checkpointId)).toEqual([1]);
  });

  it('writes large and small chunks in order with the right offsets', async () => {
    const storage = createFsCheckpointStorage(base);
    const chunks = [
      randomBytes(10),
      randomBytes(3 << 20),
      'tail',
      randomBytes(700_000),
      randomBytes(600_000),
    ];
    const w = await storage.createWriter('job', 1, 'checkpoint');
    const ref = await w.writeStateFile('big.state', chunks);
    const bytes = Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));
    expect(ref.size).toBe(bytes.length);
    expect(ref.offsets).toEqual([0, 10, 10 + (3 << 20), 14 + (3 << 20), 700_014 + (3 << 20)]);
    await w.finalize(metadataFor(w.location, [ref]));
    const loaded = await storage.load(w.location, { verify: 'lazy' });
    expect(Buffer.from(await loaded.readStateFileRange('big.state', ref.offsets[3]!, 700_000))).toEqual(
      chunks[3],
    );
    expect(Buffer.from(await loaded.readStateFile('big.state')).equals(bytes)).toBe(true);
  });

  it('removes a half-written state file when its chunks fail', async () => {
    const storage = createFsCheckpointStorage(base);
    const w = await storage.createWriter('job', 1, 'checkpoint');
    function* failing() {
      yield 'some';
      throw new Error('serializer broke');
    }
    await expect(w.writeStateFile('a.state', failing())).rejects.toThrow('serializer broke');
    expect(await readdir(w.location.path)).toEqual([]);
    await w.abort();
  });
});
