/**
 * The checkpoint storage rules — layout, validation, verification, ordering, cleanup — written once over a
 * small I/O interface, so the fs and in-memory storages (and any later one, e.g. OPFS) behave the same.
 * No Node imports: the I/O edge is injected. (One file on purpose: the rules are one format's, and a storage
 * that implements the I/O interface gets all of them.)
 */

import {
  assertValidCheckpointId,
  assertValidJobId,
  checkpointDirName,
  jobIdProblem,
  METADATA_FILE,
  METADATA_TMP_FILE,
  parseCheckpointDirName,
  stateFileNameProblem,
} from './layout';
import {
  parseCheckpointMetadataText,
  serializeCheckpointMetadata,
  sharedFilesOf,
  stateFilesOf,
} from './metadata';
import {
  CheckpointCorruptedError,
  type CheckpointKind,
  type CheckpointListing,
  type CheckpointLocation,
  type CheckpointMetadata,
  type CheckpointRef,
  type CheckpointStorage,
  CheckpointStorageError,
  type CheckpointWriter,
  type LoadedCheckpoint,
  type LoadLatestValidOptions,
  type LoadOptions,
  type SharedStateRef,
  type StateFileRef,
  type WrittenStateFile,
} from './types';

export interface StorageDirEntry {
  name: string;
  isDirectory: boolean;
  size: number;
  mtimeMs: number;
}

/**
 * What a checkpoint storage needs from its medium. Paths are opaque strings made by `checkpointPath` or
 * `resolveUserPath`; file operations take a checkpoint directory and a plain file name.
 */
export interface CheckpointStorageIO {
  /** Where `<jobId>/<dirName>` lives. */
  checkpointPath(jobId: string, dirName: string): string;
  /** A user-given path (a checkpoint directory or its `_metadata` file) → the checkpoint directory. */
  resolveUserPath(path: string): string;
  /** The last segment of a path (the directory's own name). */
  baseName(path: string): string;
  /** Names of the directories directly under the base (candidate job ids); [] if there is no base yet. */
  listJobDirs(): Promise<string[]>;
  /** Names of the directories directly under a job's directory; [] if it does not exist. */
  listCheckpointDirs(jobId: string): Promise<string[]>;
  /** Entries of a directory, or undefined if it does not exist (or is not a directory). */
  listDir(path: string): Promise<StorageDirEntry[] | undefined>;
  /** Whole file, or undefined if missing. */
  readFile(dir: string, name: string): Promise<Uint8Array | undefined>;
  /** Up to `length` bytes from `offset` (fewer at end of file); throws if the file is missing. */
  readRange(dir: string, name: string, offset: number, length: number): Promise<Uint8Array>;
  /** Copies a file to a local path (a storage on the local file system only). */
  copyFileTo?(dir: string, name: string, destPath: string): Promise<void>;
  /** Size and SHA-256 (hex) of a file, streaming; undefined if missing. */
  hashFile(dir: string, name: string): Promise<{ size: number; sha256: string } | undefined>;
  /** `hashFile` on another thread, where the storage can (so a large file is checked while the caller works). */
  hashFileOffThread?(dir: string, name: string): Promise<{ size: number; sha256: string } | undefined>;
  /** SHA-256 (hex) of bytes in memory. */
  hash(bytes: Uint8Array): string;
  /** Creates a directory and its parents. */
  createDir(path: string): Promise<void>;
  /** Creates a new file (fails if it exists) from chunks, hashing as it writes, durable when resolved. */
  writeFile(
    dir: string,
    name: string,
    chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  ): Promise<WrittenStateFile>;
  /** Writes `tmpName`, makes it durable, renames it to `name`, makes the rename durable. */
  writeFileAtomic(dir: string, tmpName: string, name: string, bytes: Uint8Array): Promise<void>;
  /** Removes a directory and everything in it; no error if it does not exist. */
  removeDir(path: string): Promise<void>;
  /** Removes one file; no error if it does not exist. */
  removeFile(dir: string, name: string): Promise<void>;
  /** The job's shared directory (incremental checkpoints) of the checkpoint directory `dir`: its sibling `shared`. */
  sharedPathOf(dir: string): string;
}

/** The directory, next to the checkpoints of a job, holding the files incremental checkpoints share. */
export const SHARED_DIR = 'shared';

interface Inspection {
  listing: CheckpointListing;
  error?: CheckpointCorruptedError;
}

interface Expected {
  jobId?: string;
  kind?: CheckpointKind;
  checkpointId?: number;
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });
/** Directories inspected / files hashed at once. */
const LIST_CONCURRENCY = 16;
const VERIFY_CONCURRENCY = 4;

async function mapPool<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** How messages name a shared file: `shared/<name>`, or a checkpoint's own (`exclusive`) file by its name. */
function sharedFileLabel(ref: SharedStateRef): string {
  return ref.exclusive === true ? ref.name : `${SHARED_DIR}/${ref.name}`;
}

function short(sha: string): string {
  return `${sha.slice(0, 12)}…`;
}

function missingFile(dir: string, name: string): CheckpointCorruptedError {
  return new CheckpointCorruptedError(
    'CHECKPOINT_MISSING_FILE',
    dir,
    `checkpoint ${dir} is incomplete: state file ${name} named in ${METADATA_FILE} is missing; restore an older checkpoint`,
    name,
  );
}

function wrongSize(dir: string, name: string, actual: number, expected: number): CheckpointCorruptedError {
  const how = actual < expected ? 'truncated' : 'longer than written';
  return new CheckpointCorruptedError(
    'CHECKPOINT_CORRUPTED',
    dir,
    `checkpoint ${dir} is corrupted: state file ${name} is ${actual} bytes but ${METADATA_FILE} says ${expected} (${how}); restore an older checkpoint`,
    name,
  );
}

function wrongHash(dir: string, name: string, actual: string, expected: string): CheckpointCorruptedError {
  return new CheckpointCorruptedError(
    'CHECKPOINT_CORRUPTED',
    dir,
    `checkpoint ${dir} is corrupted: state file ${name} has SHA-256 ${short(actual)} but ${METADATA_FILE} says ${short(expected)} (its bytes changed after it was written); restore an older checkpoint`,
    name,
  );
}

function badMetadata(dir: string, message: string): CheckpointCorruptedError {
  return new CheckpointCorruptedError('CHECKPOINT_BAD_METADATA', dir, `${dir}: ${message}`, METADATA_FILE);
}

/** Newest first: higher id, then later timestamp (a checkpoint and a savepoint share Flink's id counter). */
function compareNewestFirst(a: CheckpointListing, b: CheckpointListing): number {
  return (
    b.location.checkpointId - a.location.checkpointId ||
    (b.metadata?.timestamp ?? b.modifiedAt) - (a.metadata?.timestamp ?? a.modifiedAt) ||
    (a.location.kind === b.location.kind ? 0 : a.location.kind === 'savepoint' ? -1 : 1)
  );
}

/** A `CheckpointStorage` over any medium. */
export function createCheckpointStorage(io: CheckpointStorageIO): CheckpointStorage {
  /** Directories an open writer of this storage is filling: never cleaned up, never overwritten. */
  const writing = new Set<string>();
  /** Shared files open writers wrote or refer to (never collected while the writer is open), by job. */
  const pinnedShared = new Map<string, Map<string, number>>();
  const pin = (jobId: string, name: string, delta: number) => {
    let m = pinnedShared.get(jobId);
    if (m === undefined) pinnedShared.set(jobId, (m = new Map()));
    const n = (m.get(name) ?? 0) + delta;
    if (n <= 0) m.delete(name);
    else m.set(name, n);
  };

  /** How many checkpoints with readable metadata refer to each file of the job's shared directory. */
  async function sharedReferenceCounts(jobId: string): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    const entries = await io.listDir(io.checkpointPath(jobId, SHARED_DIR));
    for (const e of entries ?? []) if (!e.isDirectory) counts.set(e.name, 0);
    // no shared files (heap backend only): nothing to count, no need to read every checkpoint's metadata
    if (counts.size === 0) return counts;
    for (const { listing } of await listInternal(jobId)) {
      if (listing.metadata === undefined) continue;
      for (const [name, ref] of sharedFilesOf(listing.metadata))
        if (ref.exclusive !== true) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return counts;
  }

  /** Deletes shared files no checkpoint refers to and no open writer pins. */
  async function collectSharedFiles(jobId: string): Promise<string[]> {
    const dir = io.checkpointPath(jobId, SHARED_DIR);
    const removed: string[] = [];
    for (const [name, n] of await sharedReferenceCounts(jobId)) {
      if (n > 0 || pinnedShared.get(jobId)?.has(name)) continue;
      await io.removeFile(dir, name);
      removed.push(name);
    }
    return removed;
  }

  /** Metadata + cheap checks (files present, sizes right); no hashing. */
  async function inspect(
    dir: string,
    entries: StorageDirEntry[],
    expected: Expected,
    location: CheckpointLocation | undefined,
  ): Promise<Inspection> {
    const files = new Map(entries.filter((e) => !e.isDirectory).map((e) => [e.name, e]));
    const sizeBytes = [...files.values()].reduce((n, e) => n + e.size, 0);
    const newest = entries.reduce((t, e) => Math.max(t, e.mtimeMs), 0);
    const fallbackLocation: CheckpointLocation = location ?? {
      jobId: expected.jobId ?? '',
      checkpointId: expected.checkpointId ?? -1,
      kind: expected.kind ?? 'checkpoint',
      path: dir,
    };
    const invalid = (error: CheckpointCorruptedError, metadata?: CheckpointMetadata): Inspection => {
      const listing: CheckpointListing = {
        location: fallbackLocation,
        status: 'invalid',
        error: error.message,
        sizeBytes,
        modifiedAt: newest,
      };
      if (metadata !== undefined) listing.metadata = metadata;
      return { listing, error };
    };
    const metaEntry = files.get(METADATA_FILE);
    if (metaEntry === undefined) {
      const why = writing.has(dir)
        ? 'the checkpoint is still being written'
        : files.has(METADATA_TMP_FILE)
          ? `the checkpoint did not complete (an unfinished ${METADATA_TMP_FILE} is present)`
          : 'the checkpoint did not complete';
      return invalid(
        new CheckpointCorruptedError(
          'CHECKPOINT_NO_METADATA',
          dir,
          `${dir}: no ${METADATA_FILE}: ${why}`,
          METADATA_FILE,
        ),
      );
    }
    let metadata: CheckpointMetadata;
    try {
      const bytes = await io.readFile(dir, METADATA_FILE);
      if (bytes === undefined) {
        return invalid(
          new CheckpointCorruptedError(
            'CHECKPOINT_NO_METADATA',
            dir,
            `${dir}: no ${METADATA_FILE}: it disappeared while being read (deleted concurrently?)`,
            METADATA_FILE,
          ),
        );
      }
      let text: string;
      try {
        text = textDecoder.decode(bytes);
      } catch {
        return invalid(badMetadata(dir, `${METADATA_FILE} is not UTF-8 text (damaged?)`));
      }
      metadata = parseCheckpointMetadataText(text, dir);
    } catch (e) {
      if (e instanceof CheckpointCorruptedError) return invalid(e);
      throw e;
    }
    const loc: CheckpointLocation = location ?? {
      jobId: expected.jobId ?? metadata.jobId,
      checkpointId: expected.checkpointId ?? metadata.checkpointId,
      kind: expected.kind ?? metadata.kind,
      path: dir,
    };
    fallbackLocation.jobId = loc.jobId;
    fallbackLocation.checkpointId = loc.checkpointId;
    fallbackLocation.kind = loc.kind;
    if (expected.jobId !== undefined && metadata.jobId !== expected.jobId) {
      return invalid(
        badMetadata(
          dir,
          `${METADATA_FILE} belongs to job ${metadata.jobId} but is stored under job ${expected.jobId}`,
        ),
        metadata,
      );
    }
    if (
      (expected.kind !== undefined && metadata.kind !== expected.kind) ||
      (expected.checkpointId !== undefined && metadata.checkpointId !== expected.checkpointId)
    ) {
      return invalid(
        badMetadata(
          dir,
          `${METADATA_FILE} describes ${checkpointDirName(metadata.kind, metadata.checkpointId)} but the directory is ${checkpointDirName(expected.kind ?? metadata.kind, expected.checkpointId ?? metadata.checkpointId)}`,
        ),
        metadata,
      );
    }
    for (const ref of stateFilesOf(metadata).values()) {
      const entry = files.get(ref.name);
      if (entry === undefined) return invalid(missingFile(dir, ref.name), metadata);
      if (entry.size !== ref.size) return invalid(wrongSize(dir, ref.name, entry.size, ref.size), metadata);
    }
    const shared = sharedFilesOf(metadata);
    if (shared.size > 0) {
      const sdir = io.sharedPathOf(dir);
      const inShared = [...shared.values()].some((r) => r.exclusive !== true);
      const present = new Map(inShared ? ((await io.listDir(sdir))?.map((e) => [e.name, e]) ?? []) : []);
      for (const ref of shared.values()) {
        const entry = ref.exclusive === true ? files.get(ref.name) : present.get(ref.name);
        const name = sharedFileLabel(ref);
        if (entry === undefined) return invalid(missingFile(dir, name), metadata);
        if (entry.size !== ref.size) return invalid(wrongSize(dir, name, entry.size, ref.size), metadata);
      }
    }
    return {
      listing: { location: loc, status: 'completed', metadata, sizeBytes, modifiedAt: metaEntry.mtimeMs },
    };
  }

  async function listInternal(jobId: string): Promise<Inspection[]> {
    assertValidJobId(jobId);
    const dirs = (await io.listCheckpointDirs(jobId)).flatMap((name) => {
      const parsed = parseCheckpointDirName(name);
      return parsed === undefined ? [] : [{ ...parsed, path: io.checkpointPath(jobId, name) }];
    });
    const inspected = await mapPool(dirs, LIST_CONCURRENCY, async (d) => {
      const entries = await io.listDir(d.path);
      if (entries === undefined) return undefined; // removed concurrently
      const location: CheckpointLocation = {
        jobId,
        checkpointId: d.checkpointId,
        kind: d.kind,
        path: d.path,
      };
      return inspect(d.path, entries, { jobId, kind: d.kind, checkpointId: d.checkpointId }, location);
    });
    return inspected
      .filter((i): i is Inspection => i !== undefined)
      .sort((a, b) => compareNewestFirst(a.listing, b.listing));
  }

  function open(
    location: CheckpointLocation,
    metadata: CheckpointMetadata,
    verify: 'eager' | 'lazy',
    deferStores = false,
  ) {
    const dir = location.path;
    const refs = stateFilesOf(metadata);
    /** Per file: settles once its size and checksum were checked (rejects with the reason if they are wrong). */
    const verified = new Map<string, Promise<void>>();

    const refOf = (name: string): StateFileRef => {
      const ref = refs.get(name);
      if (ref === undefined) {
        const known = [...refs.keys()];
        throw new CheckpointStorageError(
          'UNKNOWN_STATE_FILE',
          `checkpoint ${dir} has no state file ${JSON.stringify(name)} in its ${METADATA_FILE} (it has ${known.length === 0 ? 'none' : known.join(', ')})`,
        );
      }
      return ref;
    };
    const remember = (name: string, p: Promise<unknown>): Promise<void> => {
      const done = p.then(() => undefined);
      done.catch(() => {}); // a failure is reported to whoever reads the file
      verified.set(name, done);
      return done;
    };
    const verifyStreaming = (ref: StateFileRef): Promise<void> =>
      verified.get(ref.name) ??
      remember(
        ref.name,
        (async () => {
          const h = await io.hashFile(dir, ref.name);
          if (h === undefined) throw missingFile(dir, ref.name);
          if (h.size !== ref.size) throw wrongSize(dir, ref.name, h.size, ref.size);
          if (h.sha256 !== ref.sha256) throw wrongHash(dir, ref.name, h.sha256, ref.sha256);
        })(),
      );
    const readChecked = async (ref: StateFileRef, hash: boolean): Promise<Uint8Array> => {
      const bytes = await io.readFile(dir, ref.name);
      if (bytes === undefined) throw missingFile(dir, ref.name);
      if (bytes.length !== ref.size) throw wrongSize(dir, ref.name, bytes.length, ref.size);
      if (hash) {
        const sha = io.hash(bytes);
        if (sha !== ref.sha256) throw wrongHash(dir, ref.name, sha, ref.sha256);
      }
      return bytes;
    };

    const loaded: LoadedCheckpoint = {
      readSharedFileRange: () => Promise.reject(new Error('internal: not set')),
      copySharedFileTo: () => Promise.reject(new Error('internal: not set')),
      stageSharedFileTo: () => Promise.reject(new Error('internal: not set')),
      location,
      metadata,
      async readStateFile(name) {
        const ref = refOf(name);
        const pending = verified.get(name);
        if (pending === undefined) {
          // Not verified yet: read and hash the same bytes (one pass).
          const read = readChecked(ref, true);
          remember(name, read);
          return read;
        }
        await pending;
        return readChecked(ref, false);
      },
      async readStateFileRange(name, offset, length) {
        const ref = refOf(name);
        if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
          throw new CheckpointStorageError(
            'INVALID_RANGE',
            `a range needs a non-negative integer offset and length, got offset ${offset}, length ${length}`,
          );
        }
        if (offset + length > ref.size) {
          throw new CheckpointStorageError(
            'INVALID_RANGE',
            `range [${offset}, ${offset + length}) is outside state file ${name} of checkpoint ${dir} (${ref.size} bytes)`,
          );
        }
        await verifyStreaming(ref);
        if (length === 0) return new Uint8Array(0);
        let bytes: Uint8Array;
        try {
          bytes = await io.readRange(dir, name, offset, length);
        } catch (e) {
          if ((e as { code?: unknown }).code === 'ENOENT') throw missingFile(dir, name);
          throw e;
        }
        if (bytes.length !== length) {
          throw new CheckpointCorruptedError(
            'CHECKPOINT_CORRUPTED',
            dir,
            `checkpoint ${dir} is corrupted: state file ${name} became shorter after it was verified`,
            name,
          );
        }
        return bytes;
      },
    };
    // Shared files (incremental checkpoints): in the job's shared directory (a savepoint's own, `exclusive`,
    // in its directory), verified the same way.
    const sharedRefs = sharedFilesOf(metadata);
    const jobShared = io.sharedPathOf(dir);
    const dirOf = (ref: SharedStateRef) => (ref.exclusive === true ? dir : jobShared);
    const sharedVerified = new Map<string, Promise<void>>();
    const verifyShared = (ref: SharedStateRef): Promise<void> => {
      let p = sharedVerified.get(ref.name);
      if (p === undefined) {
        const name = sharedFileLabel(ref);
        const sdir = dirOf(ref);
        p = (async () => {
          // a store file (hundreds of MB) is hashed on another thread where the storage can
          const h =
            ref.format === 'lmdb' && io.hashFileOffThread !== undefined
              ? await io.hashFileOffThread(sdir, ref.name)
              : await io.hashFile(sdir, ref.name);
          if (h === undefined) throw missingFile(dir, name);
          if (h.size !== ref.size) throw wrongSize(dir, name, h.size, ref.size);
          if (h.sha256 !== ref.sha256) throw wrongHash(dir, name, h.sha256, ref.sha256);
        })();
        p.catch(() => {});
        sharedVerified.set(ref.name, p);
      }
      return p;
    };
    const sharedRefOf = (name: string): SharedStateRef => {
      const ref = sharedRefs.get(name);
      if (ref === undefined)
        throw new CheckpointStorageError(
          'UNKNOWN_STATE_FILE',
          `checkpoint ${dir} refers to no shared file ${name}`,
        );
      return ref;
    };
    loaded.stageSharedFileTo = async (name, destPath) => {
      const ref = sharedRefOf(name);
      // the check (started by `load`, or now) runs while the kernel copies the file
      const verified = verifyShared(ref);
      if (io.copyFileTo !== undefined) await io.copyFileTo(dirOf(ref), name, destPath);
      else await loaded.copySharedFileTo(name, destPath);
      return { verified };
    };
    loaded.copySharedFileTo = async (name, destPath) => {
      const ref = sharedRefOf(name);
      await verifyShared(ref);
      if (io.copyFileTo !== undefined) {
        await io.copyFileTo(dirOf(ref), name, destPath);
        return;
      }
      const { open: openFile } = await import('node:fs/promises');
      const fh = await openFile(destPath, 'wx');
      try {
        const step = 8 * 1024 * 1024;
        for (let off = 0; off < ref.size; off += step)
          await fh.write(await loaded.readSharedFileRange(name, off, Math.min(step, ref.size - off)));
      } finally {
        await fh.close();
      }
    };
    loaded.readSharedFileRange = async (name, offset, length) => {
      const ref = sharedRefs.get(name);
      if (ref === undefined)
        throw new CheckpointStorageError(
          'UNKNOWN_STATE_FILE',
          `checkpoint ${dir} refers to no shared file ${name}`,
        );
      if (
        !Number.isSafeInteger(offset) ||
        !Number.isSafeInteger(length) ||
        offset < 0 ||
        length < 0 ||
        offset + length > ref.size
      )
        throw new CheckpointStorageError(
          'INVALID_RANGE',
          `range [${offset}, ${offset + length}) is outside shared file ${name} (${ref.size} bytes)`,
        );
      await verifyShared(ref);
      if (length === 0) return new Uint8Array(0);
      const bytes = await io.readRange(dirOf(ref), name, offset, length);
      if (bytes.length !== length)
        throw new CheckpointCorruptedError(
          'CHECKPOINT_CORRUPTED',
          dir,
          `checkpoint ${dir} is corrupted: shared file ${name} became shorter after it was verified`,
          sharedFileLabel(ref),
        );
      return bytes;
    };
    // Store files with deferStores: their check starts now and is awaited by whoever stages them
    // (`stageSharedFileTo`), which also reports a failure; every other shared file is checked before `load`.
    const checkedFirst: SharedStateRef[] = [];
    for (const r of sharedRefs.values()) {
      if (verify === 'eager' && deferStores && r.format === 'lmdb') verifyShared(r);
      else checkedFirst.push(r);
    }
    const ready =
      verify === 'eager'
        ? mapPool([...refs.values()], VERIFY_CONCURRENCY, verifyStreaming)
            .then(() => mapPool(checkedFirst, VERIFY_CONCURRENCY, verifyShared))
            .then(() => loaded)
        : Promise.resolve(loaded);
    return ready;
  }

  async function openDir(
    dir: string,
    expected: Expected,
    location: CheckpointLocation | undefined,
    opts?: LoadOptions,
  ) {
    const entries = await io.listDir(dir);
    if (entries === undefined) {
      throw new CheckpointStorageError('CHECKPOINT_NOT_FOUND', `there is no checkpoint directory at ${dir}`);
    }
    const { listing, error } = await inspect(dir, entries, expected, location);
    if (error !== undefined) throw error;
    return open(listing.location, listing.metadata!, opts?.verify ?? 'eager', opts?.deferStores === true);
  }

  async function resolveRef(
    ref: CheckpointRef,
  ): Promise<{ dir: string; expected: Expected; location?: CheckpointLocation }> {
    if ('path' in ref) {
      if (typeof ref.path !== 'string' || ref.path === '') {
        throw new CheckpointStorageError('INVALID_PATH', 'a checkpoint path must be a non-empty string');
      }
      const dir = io.resolveUserPath(ref.path);
      // A directory named like ours must hold what its name says; a renamed/moved savepoint is fine too.
      return { dir, expected: parseCheckpointDirName(io.baseName(dir)) ?? {} };
    }
    assertValidJobId(ref.jobId);
    assertValidCheckpointId(ref.checkpointId);
    const locate = (kind: CheckpointKind): CheckpointLocation => ({
      jobId: ref.jobId,
      checkpointId: ref.checkpointId,
      kind,
      path: io.checkpointPath(ref.jobId, checkpointDirName(kind, ref.checkpointId)),
    });
    let location: CheckpointLocation;
    if (ref.kind !== undefined) location = locate(ref.kind);
    else {
      const candidates = (['checkpoint', 'savepoint'] as const).map(locate);
      const present = (
        await Promise.all(candidates.map(async (c) => ((await io.listDir(c.path)) === undefined ? [] : [c])))
      ).flat();
      if (present.length > 1) {
        throw new CheckpointStorageError(
          'CHECKPOINT_AMBIGUOUS',
          `job ${ref.jobId} has both chk-${ref.checkpointId} and savepoint-${ref.checkpointId}; say which with { kind }`,
        );
      }
      location = present[0] ?? candidates[0]!;
    }
    return {
      dir: location.path,
      expected: { jobId: location.jobId, kind: location.kind, checkpointId: location.checkpointId },
      location,
    };
  }

  async function createWriter(
    jobId: string,
    checkpointId: number,
    kind: CheckpointKind,
  ): Promise<CheckpointWriter> {
    assertValidJobId(jobId);
    assertValidCheckpointId(checkpointId);
    if (kind !== 'checkpoint' && kind !== 'savepoint') {
      throw new CheckpointStorageError(
        'INVALID_PATH',
        `kind must be 'checkpoint' or 'savepoint', got ${String(kind)}`,
      );
    }
    const dirName = checkpointDirName(kind, checkpointId);
    const dir = io.checkpointPath(jobId, dirName);
    if (writing.has(dir)) {
      throw new CheckpointStorageError(
        'CHECKPOINT_IN_PROGRESS',
        `${dirName} of job ${jobId} is already being written (${dir})`,
      );
    }
    writing.add(dir);
    try {
      const existing = await io.listDir(dir);
      if (existing?.some((e) => e.name === METADATA_FILE)) {
        throw new CheckpointStorageError(
          'CHECKPOINT_EXISTS',
          `${dirName} of job ${jobId} already exists (${dir}); checkpoint ids are never reused — delete it first if it must be replaced`,
        );
      }
      // A directory without _metadata is the leftover of a crashed attempt at this id: start afresh.
      if (existing !== undefined) await io.removeDir(dir);
      await io.createDir(dir);
    } catch (e) {
      writing.delete(dir);
      throw e;
    }
    const pinned: string[] = [];
    return new Writer(
      { jobId, checkpointId, kind, path: dir },
      io,
      () => {
        writing.delete(dir);
        for (const n of pinned.splice(0)) pin(jobId, n, -1);
      },
      (name) => {
        pinned.push(name);
        pin(jobId, name, 1);
      },
    );
  }

  return {
    createWriter,
    async list(jobId) {
      return (await listInternal(jobId)).map((i) => i.listing);
    },
    async jobs() {
      const names = (await io.listJobDirs()).filter((n) => jobIdProblem(n) === undefined);
      const has = await mapPool(names, LIST_CONCURRENCY, async (n) =>
        (await io.listCheckpointDirs(n)).some((d) => parseCheckpointDirName(d) !== undefined),
      );
      return names.filter((_, i) => has[i]).sort();
    },
    async load(ref, opts) {
      const { dir, expected, location } = await resolveRef(ref);
      return openDir(dir, expected, location, opts);
    },
    async loadLatestValid(jobId, opts: LoadLatestValidOptions = {}) {
      const kinds = opts.kinds ?? ['checkpoint', 'savepoint'];
      for (const { listing, error } of await listInternal(jobId)) {
        if (!kinds.includes(listing.location.kind)) continue;
        if (error !== undefined) {
          opts.onSkip?.(listing, error);
          continue;
        }
        const { location } = listing;
        try {
          const cp = await openDir(
            location.path,
            { jobId, kind: location.kind, checkpointId: location.checkpointId },
            location,
            { verify: 'eager', deferStores: opts.deferStores === true },
          );
          await opts.use?.(cp);
          return cp;
        } catch (e) {
          if (!(e instanceof CheckpointCorruptedError)) throw e;
          const skipped: CheckpointListing = { ...listing, status: 'invalid', error: e.message };
          opts.onSkip?.(skipped, e);
        }
      }
      return undefined;
    },
    async delete(location) {
      assertValidJobId(location.jobId);
      assertValidCheckpointId(location.checkpointId);
      const dir = io.checkpointPath(location.jobId, checkpointDirName(location.kind, location.checkpointId));
      if (io.resolveUserPath(location.path) !== dir) {
        throw new CheckpointStorageError(
          'INVALID_PATH',
          `refusing to delete ${location.path}: this storage keeps ${checkpointDirName(location.kind, location.checkpointId)} of job ${location.jobId} at ${dir}`,
        );
      }
      if (writing.has(dir)) {
        throw new CheckpointStorageError(
          'CHECKPOINT_IN_PROGRESS',
          `${dir} is still being written; abort its writer instead of deleting it`,
        );
      }
      await io.removeDir(dir);
      // shared files only this checkpoint referred to are not needed any more
      await collectSharedFiles(location.jobId);
    },
    sharedReferenceCounts,
    collectSharedFiles,
    async cleanup(jobId, keep) {
      const removed: CheckpointLocation[] = [];
      for (const { listing, error } of await listInternal(jobId)) {
        if (error === undefined) continue;
        // Only leftovers (no or unreadable _metadata); a completed checkpoint with a damaged state file
        // stays for inspection.
        if (error.code !== 'CHECKPOINT_NO_METADATA' && error.code !== 'CHECKPOINT_BAD_METADATA') continue;
        if (writing.has(listing.location.path) || keep?.(listing.location)) continue;
        await io.removeDir(listing.location.path);
        removed.push(listing.location);
      }
      return removed;
    },
  };
}

type WriterState = 'open' | 'finalizing' | 'failed' | 'finalized' | 'aborted';

class Writer implements CheckpointWriter {
  private state: WriterState = 'open';
  private readonly names = new Set<string>();
  private readonly written = new Map<string, WrittenStateFile>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private finalizing: Promise<unknown> | undefined;

  private readonly sharedWritten = new Map<string, WrittenStateFile>();

  constructor(
    readonly location: CheckpointLocation,
    private readonly io: CheckpointStorageIO,
    private readonly release: () => void,
    /** Keeps a shared file from being collected while this writer is open. */
    private readonly pinShared: (name: string) => void,
  ) {}

  pinSharedFiles(names: readonly string[]): void {
    if (this.state !== 'open') return;
    for (const n of names) this.pinShared(n);
  }

  writeSharedFile(
    name: string,
    chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  ): Promise<WrittenStateFile> {
    if (this.state !== 'open') return Promise.reject(this.closed(`write shared ${name}`));
    const problem = stateFileNameProblem(name);
    if (problem !== undefined)
      return Promise.reject(new CheckpointStorageError('INVALID_FILE_NAME', problem));
    if (this.sharedWritten.has(name) || this.names.has(`shared/${name}`))
      return Promise.reject(
        new CheckpointStorageError('INVALID_FILE_NAME', `shared file ${name} was already written`),
      );
    this.names.add(`shared/${name}`);
    this.pinShared(name);
    const dir = this.io.checkpointPath(this.location.jobId, SHARED_DIR);
    const p = this.io
      .createDir(dir)
      .then(() => this.io.writeFile(dir, name, chunks))
      .then((ref) => {
        this.sharedWritten.set(name, ref);
        return ref;
      });
    const tracked = p.finally(() => this.inFlight.delete(tracked));
    tracked.catch(() => {});
    this.inFlight.add(tracked);
    return p;
  }

  private closed(action: string): CheckpointStorageError {
    return new CheckpointStorageError(
      'WRITER_CLOSED',
      `cannot ${action}: the writer of ${this.location.path} is ${this.state === 'failed' ? 'failed (abort it)' : this.state}`,
    );
  }

  writeStateFile(
    name: string,
    chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  ): Promise<WrittenStateFile> {
    if (this.state !== 'open') return Promise.reject(this.closed(`write ${name}`));
    const problem = stateFileNameProblem(name);
    if (problem !== undefined)
      return Promise.reject(new CheckpointStorageError('INVALID_FILE_NAME', problem));
    if (this.names.has(name)) {
      return Promise.reject(
        new CheckpointStorageError(
          'INVALID_FILE_NAME',
          `state file ${name} was already written to ${this.location.path}`,
        ),
      );
    }
    this.names.add(name);
    const p = this.io.writeFile(this.location.path, name, chunks).then((ref) => {
      this.written.set(name, ref);
      return ref;
    });
    const tracked = p.finally(() => this.inFlight.delete(tracked));
    tracked.catch(() => {});
    this.inFlight.add(tracked);
    return p;
  }

  finalize(metadata: CheckpointMetadata): Promise<CheckpointMetadata> {
    if (this.state !== 'open') return Promise.reject(this.closed('finalize'));
    this.state = 'finalizing';
    const p = this.doFinalize(metadata).then(
      (m) => {
        this.state = 'finalized';
        this.release();
        return m;
      },
      (e) => {
        this.state = 'failed';
        throw e;
      },
    );
    this.finalizing = p.catch(() => {});
    return p;
  }

  private async doFinalize(given: CheckpointMetadata): Promise<CheckpointMetadata> {
    await Promise.allSettled([...this.inFlight]);
    const { path, jobId, checkpointId, kind } = this.location;
    let metadata: CheckpointMetadata;
    try {
      // Validate exactly what will be read back.
      metadata = parseCheckpointMetadataText(serializeCheckpointMetadata({ ...given, totalSize: 0 }), path);
    } catch (e) {
      if (e instanceof CheckpointCorruptedError) {
        throw new CheckpointStorageError('INVALID_METADATA', `refusing to finalize: ${e.message}`);
      }
      throw e;
    }
    const mismatch = (what: string) =>
      new CheckpointStorageError('METADATA_MISMATCH', `refusing to finalize ${path}: ${what}`);
    if (metadata.jobId !== jobId || metadata.checkpointId !== checkpointId || metadata.kind !== kind) {
      throw mismatch(
        `the metadata describes ${checkpointDirName(metadata.kind, metadata.checkpointId)} of job ${metadata.jobId}, this writer writes ${checkpointDirName(kind, checkpointId)} of job ${jobId}`,
      );
    }
    for (const ref of stateFilesOf(metadata).values()) {
      const written = this.written.get(ref.name);
      if (written === undefined) throw mismatch(`state file ${ref.name} was not written by this writer`);
      if (written.size !== ref.size || written.sha256 !== ref.sha256) {
        throw mismatch(
          `state file ${ref.name} was written with ${written.size} bytes / ${short(written.sha256)}, the metadata says ${ref.size} bytes / ${short(ref.sha256)}`,
        );
      }
    }
    for (const ref of sharedFilesOf(metadata).values()) {
      const written = (ref.exclusive === true ? this.written : this.sharedWritten).get(ref.name);
      if (ref.exclusive === true && written === undefined)
        throw mismatch(`the checkpoint's own file ${ref.name} was not written by this writer`);
      if (written !== undefined && (written.size !== ref.size || written.sha256 !== ref.sha256))
        throw mismatch(
          `shared file ${ref.name} was written with ${written.size} bytes, the metadata says ${ref.size}`,
        );
    }
    const stateBytes = [...this.written.values()].reduce((n, f) => n + f.size, 0);
    // totalSize counts _metadata itself, whose length depends on totalSize's digits: iterate to the fixpoint.
    let bytes = textEncoder.encode(serializeCheckpointMetadata({ ...metadata, totalSize: stateBytes }));
    for (;;) {
      metadata = { ...metadata, totalSize: stateBytes + bytes.length };
      const next = textEncoder.encode(serializeCheckpointMetadata(metadata));
      if (next.length === bytes.length) {
        bytes = next;
        break;
      }
      bytes = next;
    }
    await this.io.writeFileAtomic(path, METADATA_TMP_FILE, METADATA_FILE, bytes);
    return metadata;
  }

  async abort(): Promise<void> {
    if (this.state === 'aborted') return;
    if (this.finalizing !== undefined) await this.finalizing;
    if (this.state === 'finalized') {
      throw new CheckpointStorageError(
        'WRITER_CLOSED',
        `cannot abort ${this.location.path}: it was finalized and is a completed checkpoint; use CheckpointStorage.delete`,
      );
    }
    this.state = 'aborted';
    await Promise.allSettled([...this.inFlight]);
    try {
      await this.io.removeDir(this.location.path);
      const sdir = this.io.checkpointPath(this.location.jobId, SHARED_DIR);
      for (const name of this.sharedWritten.keys()) await this.io.removeFile(sdir, name);
    } finally {
      this.release();
    }
  }
}
