import { describe, expect, it } from 'vitest';
import { createFsCheckpointStorage } from './fs';
import { createMemoryCheckpointStorage, tamperWithMemoryCheckpoint } from './memory';
import { writeCheckpoint } from './test-support';

describe('memory checkpoint storage', () => {
  it('keys checkpoints as memory://<jobId>/<dir> and accepts paths with or without the scheme', async () => {
    let now = 5_000;
    const storage = createMemoryCheckpointStorage({ now: () => now++ });
    const { location } = await writeCheckpoint(storage, 'job', 2, 'savepoint');
    expect(location.path).toBe('memory://job/savepoint-2');
    expect((await storage.load({ path: 'job/savepoint-2' })).location).toEqual(location);
    expect((await storage.load({ path: 'memory://job/savepoint-2/_metadata' })).location).toEqual(location);
    const [l] = await storage.list('job');
    expect(l!.modifiedAt).toBeGreaterThanOrEqual(5_000);
    expect(l!.modifiedAt).toBeLessThan(now);
  });

  it('hands out copies, so a caller cannot change stored state', async () => {
    const storage = createMemoryCheckpointStorage();
    const { location } = await writeCheckpoint(storage, 'job', 1);
    const loaded = await storage.load(location);
    (await loaded.readStateFile('op-counts-0.state')).fill(0);
    (await loaded.readStateFileRange('op-counts-0.state', 0, 3)).fill(0);
    await expect(storage.load(location)).resolves.toBeDefined();
    expect(new TextDecoder().decode(await loaded.readStateFile('op-counts-0.state'))).toBe('hello state');
  });

  it('tampering needs a memory storage and an existing file', async () => {
    const storage = createMemoryCheckpointStorage();
    const { location } = await writeCheckpoint(storage, 'job', 1);
    expect(() => tamperWithMemoryCheckpoint(storage, location, 'nope', 'delete')).toThrow(/no file nope/);
    expect(() =>
      tamperWithMemoryCheckpoint(createFsCheckpointStorage('/tmp/x'), location, '_metadata', 'delete'),
    ).toThrow(/memory storages only/);
  });
});
