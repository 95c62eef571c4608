/** One suite, run against both the in-memory and the fs checkpoint storage. */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { METADATA_FILE } from './layout';
import type { MemoryTamper } from './memory';
import { sha256Hex } from './sha256';
import { harnesses, metadataFor, type StorageFixture, text, utf8, writeCheckpoint } from './test-support';
import {
  CheckpointCorruptedError,
  type CheckpointListing,
  type CheckpointStorage,
  CheckpointStorageError,
} from './types';

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

async function* asyncChunks(chunks: Array<string | Uint8Array>) {
  for (const c of chunks) {
    await Promise.resolve();
    yield c;
  }
}

describe.each(harnesses)('$name checkpoint storage', (harness) => {
  let fx: StorageFixture;
  let storage: CheckpointStorage;
  beforeEach(async () => {
    fx = await harness.create();
    storage = fx.storage;
  });
  afterEach(() => fx.dispose());

  describe('round trip', () => {
    it('write → finalize → list → load → readStateFile', async () => {
      const writer = await storage.createWriter('job-1', 1, 'checkpoint');
      expect(writer.location).toEqual({
        jobId: 'job-1',
        checkpointId: 1,
        kind: 'checkpoint',
        path: fx.pathOf('job-1', 'chk-1'),
      });
      const a = await writer.writeStateFile('op-counts-0.state', ['{"k":1}\n', utf8('{"k":2}\n')]);
      const b = await writer.writeStateFile('op-counts-1.state', asyncChunks(['x', 'y', 'z']));
      expect(a).toMatchObject({
        name: 'op-counts-0.state',
        size: 16,
        sha256: sha256Hex(utf8('{"k":1}\n{"k":2}\n')),
      });
      expect(b).toMatchObject({ size: 3, sha256: sha256Hex(utf8('xyz')), offsets: [0, 1, 2] });
      const given = metadataFor(writer.location, [a, b], { specHash: 'abc', totalSize: 999 });
      const final = await writer.finalize(given);
      expect(final).toEqual({ ...given, totalSize: final.totalSize });

      const listing = await storage.list('job-1');
      expect(listing).toHaveLength(1);
      expect(listing[0]).toMatchObject({ location: writer.location, status: 'completed', metadata: final });
      expect(listing[0]!.error).toBeUndefined();
      // totalSize = state files + _metadata = every byte in the directory.
      expect(final.totalSize).toBe(listing[0]!.sizeBytes);
      expect(final.totalSize).toBeGreaterThan(16 + 3);
      expect(await storage.jobs()).toEqual(['job-1']);

      const loaded = await storage.load({ jobId: 'job-1', checkpointId: 1 });
      expect(loaded.location).toEqual(writer.location);
      expect(loaded.metadata).toEqual(final);
      expect(text(await loaded.readStateFile('op-counts-0.state'))).toBe('{"k":1}\n{"k":2}\n');
      expect(text(await loaded.readStateFile('op-counts-1.state'))).toBe('xyz');
      // A second read of a verified file.
      expect(text(await loaded.readStateFile('op-counts-1.state'))).toBe('xyz');
    });

    it('keeps operatorState, keyGroupIndex and an empty file intact', async () => {
      const writer = await storage.createWriter('job', 3, 'checkpoint');
      const empty = await writer.writeStateFile('empty.state', []);
      expect(empty).toMatchObject({ size: 0, offsets: [], sha256: sha256Hex(new Uint8Array(0)) });
      const m = metadataFor(writer.location, [empty]);
      m.operators[0]!.subtasks[0]!.keyGroupIndex = [];
      m.operators[1]!.subtasks[0]!.operatorState = {
        splits: [{ file: 'a.csv', offset: 10 }],
        ü: [null, true, 1.5],
      };
      const final = await writer.finalize(m);
      const loaded = await storage.load(writer.location);
      expect(loaded.metadata).toEqual(final);
      expect(loaded.metadata.operators[1]!.subtasks[0]!.operatorState).toEqual(
        m.operators[1]!.subtasks[0]!.operatorState,
      );
      expect((await loaded.readStateFile('empty.state')).length).toBe(0);
    });

    it('does not alias a chunk buffer the caller reuses', async () => {
      const writer = await storage.createWriter('job', 1, 'checkpoint');
      const buf = new Uint8Array(4);
      function* reuse() {
        for (let i = 0; i < 3; i++) {
          buf.fill(65 + i);
          yield buf;
        }
      }
      const ref = await writer.writeStateFile('s.state', reuse());
      await writer.finalize(metadataFor(writer.location, [ref]));
      expect(text(await (await storage.load(writer.location)).readStateFile('s.state'))).toBe('AAAABBBBCCCC');
    });
  });

  describe('offsets and ranges', () => {
    const chunks = ['kg0:é', '', 'kg2:🦀🦀', utf8('kg3:bytes'), 'kg4'];
    const encoded = chunks.map((c) => (typeof c === 'string' ? utf8(c) : c));

    async function writeIndexed() {
      const writer = await storage.createWriter('job', 7, 'checkpoint');
      const ref = await writer.writeStateFile('op-keyed-0.state', chunks);
      const m = metadataFor(writer.location, [ref]);
      m.operators[0]!.subtasks[0]!.keyGroupRange = [0, 4];
      m.operators[0]!.subtasks[0]!.keyGroupIndex = ref.offsets.map((o, kg) => [kg, o, encoded[kg]!.length]);
      await writer.finalize(m);
      return { ref, location: writer.location };
    }

    it('reports the byte offset where each chunk started (UTF-8 bytes, empty chunks included)', async () => {
      const { ref } = await writeIndexed();
      const expected: number[] = [];
      let at = 0;
      for (const e of encoded) {
        expected.push(at);
        at += e.length;
      }
      expect(ref.offsets).toEqual(expected);
      expect(ref.size).toBe(at);
    });

    it.each(['eager', 'lazy'] as const)('reads each key group section back (%s)', async (verify) => {
      const { location } = await writeIndexed();
      const loaded = await storage.load(location, { verify });
      const index = loaded.metadata.operators[0]!.subtasks[0]!.keyGroupIndex!;
      for (const [kg, offset, length] of index) {
        expect(await loaded.readStateFileRange('op-keyed-0.state', offset, length)).toEqual(encoded[kg]);
      }
      expect(text(await loaded.readStateFileRange('op-keyed-0.state', 0, 4))).toBe('kg0:');
    });

    it('rejects a range outside the file and an unknown file', async () => {
      const { location, ref } = await writeIndexed();
      const loaded = await storage.load(location);
      const outside = await rejection(loaded.readStateFileRange('op-keyed-0.state', ref.size - 2, 3));
      expect(outside).toBeInstanceOf(CheckpointStorageError);
      expect(outside).toMatchObject({ code: 'INVALID_RANGE' });
      expect(await rejection(loaded.readStateFileRange('op-keyed-0.state', -1, 1))).toMatchObject({
        code: 'INVALID_RANGE',
      });
      expect(await rejection(loaded.readStateFile('nope.state'))).toMatchObject({
        code: 'UNKNOWN_STATE_FILE',
        message: expect.stringContaining('op-keyed-0.state'),
      });
    });
  });

  describe('writer lifecycle', () => {
    it('abort deletes everything written', async () => {
      const writer = await storage.createWriter('job', 4, 'checkpoint');
      await writer.writeStateFile('a.state', ['aaa']);
      expect((await storage.list('job'))[0]).toMatchObject({
        status: 'invalid',
        error: expect.stringContaining('still being written'),
      });
      await writer.abort();
      expect(await storage.list('job')).toEqual([]);
      expect(await storage.jobs()).toEqual([]);
      await writer.abort(); // idempotent
      expect(await rejection(writer.writeStateFile('b.state', ['b']))).toMatchObject({
        code: 'WRITER_CLOSED',
      });
      expect(await rejection(writer.finalize(metadataFor(writer.location)))).toMatchObject({
        code: 'WRITER_CLOSED',
      });
    });

    it('abort waits for a write in flight', async () => {
      const writer = await storage.createWriter('job', 4, 'checkpoint');
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      async function* slow() {
        yield 'a';
        await gate;
        yield 'b';
      }
      const write = writer.writeStateFile('a.state', slow());
      const aborted = writer.abort();
      release();
      await write.catch(() => {});
      await aborted;
      expect(await storage.list('job')).toEqual([]);
    });

    it('refuses to abort or re-finalize a finalized checkpoint', async () => {
      const writer = await storage.createWriter('job', 1, 'checkpoint');
      await writer.finalize(metadataFor(writer.location));
      expect(await rejection(writer.abort())).toMatchObject({ code: 'WRITER_CLOSED' });
      expect(await rejection(writer.finalize(metadataFor(writer.location)))).toMatchObject({
        code: 'WRITER_CLOSED',
      });
      expect((await storage.list('job'))[0]!.status).toBe('completed');
    });

    it('checks the metadata against what was written before writing _metadata', async () => {
      const writer = await storage.createWriter('job', 2, 'checkpoint');
      const ref = await writer.writeStateFile('a.state', ['aaa']);
      const notWritten = metadataFor(writer.location, [{ ...ref, name: 'b.state' }]);
      expect(await rejection(writer.finalize(notWritten))).toMatchObject({
        code: 'METADATA_MISMATCH',
        message: expect.stringContaining('b.state was not written'),
      });
      // A failed finalize leaves a writer that can only be aborted.
      const writer2 = await storage.createWriter('job', 3, 'checkpoint');
      const ref2 = await writer2.writeStateFile('a.state', ['aaa']);
      expect(
        await rejection(
          writer2.finalize(metadataFor(writer2.location, [{ ...ref2, sha256: '0'.repeat(64) }])),
        ),
      ).toMatchObject({ code: 'METADATA_MISMATCH' });
      const writer3 = await storage.createWriter('job', 5, 'checkpoint');
      expect(
        await rejection(writer3.finalize(metadataFor({ ...writer3.location, checkpointId: 6 }))),
      ).toMatchObject({
        code: 'METADATA_MISMATCH',
        message: expect.stringContaining('chk-6'),
      });
      const writer4 = await storage.createWriter('job', 8, 'checkpoint');
      const bad = metadataFor(writer4.location, [], { maxParallelism: 0 });
      expect(await rejection(writer4.finalize(bad))).toMatchObject({
        code: 'INVALID_METADATA',
        message: expect.stringContaining('maxParallelism'),
      });
      for (const w of [writer, writer2, writer3, writer4]) await w.abort();
      expect(await storage.list('job')).toEqual([]);
    });

    it('validates state file names', async () => {
      const writer = await storage.createWriter('job', 1, 'checkpoint');
      for (const name of ['', '../x', 'a/b', '_metadata', '._metadata.tmp', '.hidden', 'a..b', 'a b']) {
        expect(await rejection(writer.writeStateFile(name, ['x'])), name).toMatchObject({
          code: 'INVALID_FILE_NAME',
        });
      }
      await writer.writeStateFile('ok_name-1.state', ['x']);
      expect(await rejection(writer.writeStateFile('ok_name-1.state', ['y']))).toMatchObject({
        code: 'INVALID_FILE_NAME',
        message: expect.stringContaining('already written'),
      });
      await writer.abort();
    });

    it('never overwrites a completed checkpoint; replaces a crashed leftover; one writer per id', async () => {
      await writeCheckpoint(storage, 'job', 1);
      expect(await rejection(storage.createWriter('job', 1, 'checkpoint'))).toMatchObject({
        code: 'CHECKPOINT_EXISTS',
      });
      await fx.tamper(fx.pathOf('job', 'chk-2'), 'old.state', { write: 'leftover' });
      const w = await storage.createWriter('job', 2, 'checkpoint');
      expect(await rejection(storage.createWriter('job', 2, 'checkpoint'))).toMatchObject({
        code: 'CHECKPOINT_IN_PROGRESS',
      });
      const ref = await w.writeStateFile('new.state', ['n']);
      await w.finalize(metadataFor(w.location, [ref]));
      const listing = await storage.list('job');
      expect(listing[0]!.status).toBe('completed');
      expect(listing[0]!.sizeBytes).toBe(listing[0]!.metadata!.totalSize); // old.state is gone
      expect(await rejection(storage.createWriter('job', -1, 'checkpoint'))).toMatchObject({
        code: 'INVALID_CHECKPOINT_ID',
      });
      expect(await rejection(storage.createWriter('job', 1.5, 'checkpoint'))).toMatchObject({
        code: 'INVALID_CHECKPOINT_ID',
      });
    });
  });

  describe('invalid metadata', () => {
    it('a directory without _metadata (crash before finalize) is listed invalid and removed by cleanup', async () => {
      await writeCheckpoint(storage, 'job', 1);
      // What a crash between the state files and the rename leaves behind.
      const crashed = fx.pathOf('job', 'chk-2');
      await fx.tamper(crashed, 'op-counts-0.state', { write: 'partial state' });
      await fx.tamper(crashed, '._metadata.tmp', { write: '{"formatVersion":1,"jo' });
      const listing = await storage.list('job');
      expect(listing.map((l) => [l.location.checkpointId, l.status])).toEqual([
        [2, 'invalid'],
        [1, 'completed'],
      ]);
      expect(listing[0]!.error).toContain('no _metadata: the checkpoint did not complete');
      expect(listing[0]!.location).toEqual({
        jobId: 'job',
        checkpointId: 2,
        kind: 'checkpoint',
        path: crashed,
      });
      expect(listing[0]!.sizeBytes).toBe(
        utf8('partial state').length + utf8('{"formatVersion":1,"jo').length,
      );
      expect(await rejection(storage.load({ jobId: 'job', checkpointId: 2 }))).toMatchObject({
        code: 'CHECKPOINT_NO_METADATA',
        checkpoint: crashed,
        file: METADATA_FILE,
      });

      expect(await storage.cleanup('job', (l) => l.checkpointId === 2)).toEqual([]);
      expect(await storage.cleanup('job')).toEqual([listing[0]!.location]);
      expect((await storage.list('job')).map((l) => l.location.checkpointId)).toEqual([1]);
    });

    it('cleanup spares a checkpoint an open writer is filling', async () => {
      const w = await storage.createWriter('job', 5, 'checkpoint');
      await w.writeStateFile('a.state', ['a']);
      expect(await storage.cleanup('job')).toEqual([]);
      expect(await rejection(storage.delete(w.location))).toMatchObject({ code: 'CHECKPOINT_IN_PROGRESS' });
      await w.abort();
    });

    const cases: Array<[string, string, RegExp]> = [
      ['invalid JSON', '{"formatVersion":1,', /_metadata is not valid JSON/],
      ['an empty file', '', /_metadata is not valid JSON \(the file is empty\)/],
      ['a JSON array', '[1,2]', /\(root\) must be an object, got an array/],
      ['a newer format', '{"formatVersion":2}', /formatVersion is 2; this engine reads format version 1/],
    ];
    it.each(cases)('_metadata with %s → invalid with the reason', async (_, content, reason) => {
      const { location } = await writeCheckpoint(storage, 'job', 1);
      await fx.tamper(location, METADATA_FILE, { write: content });
      const [l] = await storage.list('job');
      expect(l!.status).toBe('invalid');
      expect(l!.error).toMatch(reason);
      const err = await rejection(storage.load(location));
      expect(err).toBeInstanceOf(CheckpointCorruptedError);
      expect(err).toMatchObject({
        code: 'CHECKPOINT_BAD_METADATA',
        checkpoint: location.path,
        file: METADATA_FILE,
      });
      expect(err.message).toMatch(reason);
      expect(err.message).toContain(location.path);
    });

    it('_metadata with wrong field types → invalid naming each field', async () => {
      const { location, metadata } = await writeCheckpoint(storage, 'job', 1);
      const broken = {
        ...metadata,
        checkpointId: '1',
        kind: 'snapshot',
        operators: [{ ...metadata.operators[0], parallelism: 0 }],
      };
      await fx.tamper(location, METADATA_FILE, { write: JSON.stringify(broken) });
      const [l] = await storage.list('job');
      expect(l!.status).toBe('invalid');
      expect(l!.error).toContain('checkpointId must be an integer >= 0, got "1"');
      expect(l!.error).toContain(`kind must be one of 'checkpoint', 'savepoint', got "snapshot"`);
      expect(l!.error).toContain('operators[0].parallelism must be an integer in [1, 128], got 0');
      // The listing still says where it is, from the directory name.
      expect(l!.location).toEqual(location);
      expect(await storage.cleanup('job')).toEqual([location]);
    });

    it('_metadata that disagrees with its directory → invalid', async () => {
      const { location, metadata } = await writeCheckpoint(storage, 'job', 3);
      const moved = fx.pathOf('job', 'savepoint-4');
      const { serializeCheckpointMetadata } = await import('./metadata');
      await fx.tamper(moved, METADATA_FILE, { write: serializeCheckpointMetadata(metadata) });
      await fx.tamper(moved, 'op-counts-0.state', { write: 'hello state' });
      const otherJob = fx.pathOf('other', 'chk-3');
      await fx.tamper(otherJob, METADATA_FILE, { write: serializeCheckpointMetadata(metadata) });
      await fx.tamper(otherJob, 'op-counts-0.state', { write: 'hello state' });
      const [sp] = (await storage.list('job')).filter((l) => l.location.kind === 'savepoint');
      expect(sp!.error).toContain('_metadata describes chk-3 but the directory is savepoint-4');
      expect((await storage.list('other'))[0]!.error).toContain(
        '_metadata belongs to job job but is stored under job other',
      );
      expect((await storage.load(location)).metadata).toEqual(metadata);
    });
  });

  describe('corruption', () => {
    const matrix: Array<[string, MemoryTamper, string, boolean]> = [
      // file, tamper, code, still listed as completed (list does not hash)
      ['op-counts-0.state', 'truncate', 'CHECKPOINT_CORRUPTED', false],
      ['op-counts-0.state', 'bit-flip', 'CHECKPOINT_CORRUPTED', true],
      ['op-counts-0.state', 'delete', 'CHECKPOINT_MISSING_FILE', false],
      [METADATA_FILE, 'truncate', 'CHECKPOINT_BAD_METADATA', false],
      [METADATA_FILE, 'bit-flip', 'CHECKPOINT_BAD_METADATA', false],
      [METADATA_FILE, 'delete', 'CHECKPOINT_NO_METADATA', false],
    ];
    it.each(matrix)('%s %s → %s naming the checkpoint and the file', async (file, how, code, listedOk) => {
      const { location } = await writeCheckpoint(storage, 'job', 1, 'checkpoint', {
        'op-counts-0.state': ['a'.repeat(1000), 'b'.repeat(1000)],
        'op-counts-1.state': ['c'],
      });
      await fx.tamper(location, file, how);
      const [l] = await storage.list('job');
      expect(l!.status).toBe(listedOk ? 'completed' : 'invalid');
      if (!listedOk) expect(l!.error).toContain(file === METADATA_FILE ? METADATA_FILE : file);
      for (const verify of ['eager', 'lazy'] as const) {
        let err: Error;
        if (verify === 'lazy' && listedOk) {
          // Lazy: load succeeds, reading the damaged file fails (every time); the intact one reads fine.
          const loaded = await storage.load(location, { verify });
          expect(text(await loaded.readStateFile('op-counts-1.state'))).toBe('c');
          err = await rejection(loaded.readStateFile(file));
          expect(await rejection(loaded.readStateFile(file))).toBe(err);
          const ranged = await rejection(loaded.readStateFileRange(file, 0, 10));
          expect(ranged).toMatchObject({ code, file });
        } else {
          err = await rejection(storage.load(location, { verify }));
        }
        expect(err).toBeInstanceOf(CheckpointCorruptedError);
        expect(err).toMatchObject({ code, checkpoint: location.path, file });
        expect(err.message).toContain(location.path);
        expect(err.message).toContain(file);
      }
    });

    it('a lazily loaded checkpoint verifies the whole file before returning a range', async () => {
      const { location } = await writeCheckpoint(storage, 'job', 1, 'checkpoint', {
        'op-counts-0.state': ['good section|', 'x'.repeat(5000)],
      });
      await fx.tamper(location, 'op-counts-0.state', 'bit-flip'); // flips a byte far from the first section
      const loaded = await storage.load(location, { verify: 'lazy' });
      expect(await rejection(loaded.readStateFileRange('op-counts-0.state', 0, 13))).toMatchObject({
        code: 'CHECKPOINT_CORRUPTED',
        file: 'op-counts-0.state',
      });
    });

    it('every single-bit flip of _metadata is detected', async () => {
      const { location } = await writeCheckpoint(storage, 'job', 1);
      const original = await (async () => {
        const loaded = await storage.load(location);
        return loaded.metadata;
      })();
      const { serializeCheckpointMetadata } = await import('./metadata');
      const bytes = utf8(serializeCheckpointMetadata(original));
      // Exhaustive for memory; every 13th bit on disk to keep the test quick.
      const step = harness.name === 'memory' ? 1 : 13;
      let checked = 0;
      for (let bit = 0; bit < bytes.length * 8; bit += step) {
        const flipped = bytes.slice();
        flipped[bit >> 3] = flipped[bit >> 3]! ^ (1 << (bit & 7));
        await fx.tamper(location, METADATA_FILE, { write: flipped });
        const err = await rejection(storage.load(location, { verify: 'lazy' }));
        expect(err, `bit ${bit}`).toBeInstanceOf(CheckpointCorruptedError);
        checked++;
      }
      expect(checked).toBeGreaterThan(100);
    });
  });

  describe('loadLatestValid', () => {
    it('skips a corrupt newest checkpoint with the reason and returns the older valid one', async () => {
      await writeCheckpoint(storage, 'job', 8);
      const { location: newest } = await writeCheckpoint(storage, 'job', 9);
      await fx.tamper(fx.pathOf('job', 'chk-10'), 'op-counts-0.state', { write: 'crashed' });
      await fx.tamper(newest, 'op-counts-0.state', 'bit-flip');
      const skipped: Array<[CheckpointListing, Error]> = [];
      const loaded = await storage.loadLatestValid('job', { onSkip: (l, e) => skipped.push([l, e]) });
      expect(loaded?.location.checkpointId).toBe(8);
      expect(text(await loaded!.readStateFile('op-counts-0.state'))).toBe('hello state');
      expect(
        skipped.map(([l, e]) => [l.location.checkpointId, l.status, (e as CheckpointCorruptedError).code]),
      ).toEqual([
        [10, 'invalid', 'CHECKPOINT_NO_METADATA'],
        [9, 'invalid', 'CHECKPOINT_CORRUPTED'],
      ]);
      expect(skipped[1]![1]).toMatchObject({ file: 'op-counts-0.state', checkpoint: newest.path });
      expect(skipped[1]![0].error).toContain('op-counts-0.state');
    });

    it('filters by kind and returns undefined when nothing is valid', async () => {
      await writeCheckpoint(storage, 'job', 1);
      await writeCheckpoint(storage, 'job', 2, 'savepoint');
      expect((await storage.loadLatestValid('job'))?.location.kind).toBe('savepoint');
      expect((await storage.loadLatestValid('job', { kinds: ['checkpoint'] }))?.location.checkpointId).toBe(
        1,
      );
      expect(await storage.loadLatestValid('nothing-here')).toBeUndefined();
      await fx.tamper(fx.pathOf('job', 'chk-1'), 'op-counts-0.state', 'delete');
      expect(await storage.loadLatestValid('job', { kinds: ['checkpoint'] })).toBeUndefined();
    });
  });

  describe('listing', () => {
    it('lists newest first by numeric id, with savepoints and their kind', async () => {
      for (const id of [1, 2, 9, 10, 11]) await writeCheckpoint(storage, 'job', id);
      await writeCheckpoint(storage, 'job', 5, 'savepoint');
      // Not ours: ignored.
      await fx.tamper(fx.pathOf('job', 'chk-012'), 'x', { write: 'x' });
      await fx.tamper(fx.pathOf('job', 'notes'), 'x', { write: 'x' });
      const listing = await storage.list('job');
      expect(listing.map((l) => `${l.location.kind}-${l.location.checkpointId}`)).toEqual([
        'checkpoint-11',
        'checkpoint-10',
        'checkpoint-9',
        'savepoint-5',
        'checkpoint-2',
        'checkpoint-1',
      ]);
      expect(listing[3]!.location.path).toBe(fx.pathOf('job', 'savepoint-5'));
      expect(listing[3]!.metadata?.kind).toBe('savepoint');
      expect(listing.every((l) => l.modifiedAt > 0 && l.sizeBytes > 0)).toBe(true);
    });

    it('lists jobs that have checkpoints', async () => {
      expect(await storage.jobs()).toEqual([]);
      await writeCheckpoint(storage, 'b-job', 1);
      await writeCheckpoint(storage, 'a.job_2', 1, 'savepoint');
      expect(await storage.jobs()).toEqual(['a.job_2', 'b-job']);
      expect(await storage.list('unknown')).toEqual([]);
    });

    it('deletes a checkpoint', async () => {
      const { location } = await writeCheckpoint(storage, 'job', 1);
      await writeCheckpoint(storage, 'job', 2);
      expect(await rejection(storage.delete({ ...location, path: fx.pathOf('job', 'chk-2') }))).toMatchObject(
        {
          code: 'INVALID_PATH',
        },
      );
      await storage.delete(location);
      await storage.delete(location); // already gone: fine
      expect((await storage.list('job')).map((l) => l.location.checkpointId)).toEqual([2]);
    });
  });

  describe('load by reference', () => {
    it('finds a savepoint without a kind, by path, or by its _metadata path', async () => {
      const { location } = await writeCheckpoint(storage, 'job', 4, 'savepoint');
      expect((await storage.load({ jobId: 'job', checkpointId: 4 })).location).toEqual(location);
      expect((await storage.load({ path: location.path })).location).toEqual(location);
      expect((await storage.load({ path: `${location.path}/${METADATA_FILE}` })).location).toEqual(location);
      expect(
        await rejection(storage.load({ jobId: 'job', checkpointId: 4, kind: 'checkpoint' })),
      ).toMatchObject({
        code: 'CHECKPOINT_NOT_FOUND',
      });
      expect(await rejection(storage.load({ jobId: 'job', checkpointId: 5 }))).toMatchObject({
        code: 'CHECKPOINT_NOT_FOUND',
      });
      await writeCheckpoint(storage, 'job', 4, 'checkpoint');
      expect(await rejection(storage.load({ jobId: 'job', checkpointId: 4 }))).toMatchObject({
        code: 'CHECKPOINT_AMBIGUOUS',
      });
    });
  });

  describe('job ids', () => {
    const bad = ['', '.', '..', '../etc', 'a/b', 'a\\b', 'a..b', 'x y', 'job\n', 'é', 'a'.repeat(201)];
    it.each(bad)('rejects %j everywhere', async (jobId) => {
      const calls: Array<Promise<unknown>> = [
        storage.createWriter(jobId, 1, 'checkpoint'),
        storage.list(jobId),
        storage.load({ jobId, checkpointId: 1 }),
        storage.loadLatestValid(jobId),
        storage.cleanup(jobId),
        storage.delete({ jobId, checkpointId: 1, kind: 'checkpoint', path: '/tmp' }),
      ];
      for (const call of calls) {
        const err = await rejection(call);
        expect(err).toBeInstanceOf(CheckpointStorageError);
        expect(err).toMatchObject({ code: 'INVALID_JOB_ID' });
      }
    });

    it('accepts letters, digits, dots, underscores and dashes', async () => {
      await writeCheckpoint(storage, 'My_job-1.v2', 1);
      expect(await storage.jobs()).toEqual(['My_job-1.v2']);
    });
  });
});
