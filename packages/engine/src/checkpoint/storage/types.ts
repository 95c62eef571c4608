/**
 * Checkpoint storage: the on-disk (or in-memory) format of checkpoints and savepoints, and the interface
 * the `CheckpointCoordinator`, the restore path and the CLI use to write, list, load and verify them.
 *
 * Layout: `<base>/<jobId>/chk-<n>/` and `<base>/<jobId>/savepoint-<n>/`, each holding state files and a
 * `_metadata` JSON written last by atomic rename. A directory without a valid `_metadata` is not a
 * checkpoint. Every state file carries its size and SHA-256 in `_metadata`.
 *
 * Pure types: no Node import may appear here (the engine core runs in browser workers too).
 */

import type { CheckpointKind, CheckpointTrigger } from '@flowstate/spec';

export type { CheckpointKind, CheckpointTrigger };

export interface StateFileRef {
  name: string;
  size: number;
  /** Lowercase hex SHA-256 of the file's bytes. */
  sha256: string;
}

/**
 * A file of an incremental checkpoint in the job's `shared/` directory (Flink's shared state): written once by
 * the checkpoint that created it, referenced by every later checkpoint whose state builds on it, deleted when no
 * retained checkpoint references it any more.
 */
export interface SharedStateRef extends StateFileRef {
  /** The checkpoint that wrote it. */
  checkpointId: number;
  /** A full snapshot (the base of a chain) or a delta (changed and removed entries). */
  full: boolean;
  /** `[keyGroup, offset, length][]`, like `SubtaskStateRef.keyGroupIndex` (empty for an `lmdb` file). */
  keyGroupIndex: Array<[number, number, number]>;
  /**
   * What the file is: absent = JSON-lines sections (incremental.ts); `lmdb` = a compacted copy of the disk
   * backend's LMDB store as of the barrier (a full snapshot only), which a restore at the same key-group range
   * takes as it is (state/disk/native.ts).
   */
  format?: 'lmdb';
  /**
   * The file is this checkpoint's own, in its directory next to the state files, not in the job's shared
   * directory: a savepoint's full snapshot (self-contained, as Flink's savepoints share no files). Nothing
   * else refers to it, and it goes when the savepoint is deleted.
   */
  exclusive?: true;
}

export interface SubtaskStateRef {
  subtask: number;
  /** Inclusive `[start, end]` key groups of a keyed operator's subtask. */
  keyGroupRange?: [number, number];
  /** Keyed state / timers in a file. */
  file?: StateFileRef;
  /** Byte offset in `file` of each key group's section, for reading only a range on rescale: `[keyGroup, offset, length][]`. */
  keyGroupIndex?: Array<[number, number, number]>;
  /** Small JSON inline: source positions, sink pending files, collect counts. */
  operatorState?: unknown;
  /**
   * Incremental (disk backend) keyed state: the chain of shared files, a full one first, then deltas in order;
   * `file` then holds the timers (and the state names) only.
   */
  shared?: SharedStateRef[];
}

export interface OperatorStateRef {
  nodeId: string;
  parallelism: number;
  subtasks: SubtaskStateRef[];
}

/** One node's row counts at a checkpoint (see `CheckpointMetadata.counters`). */
export interface NodeCounters {
  nodeId: string;
  recordsIn: number;
  recordsOut: number;
}

export interface CheckpointMetadata {
  formatVersion: 1;
  jobId: string;
  jobName: string;
  checkpointId: number;
  kind: CheckpointKind;
  trigger: CheckpointTrigger;
  /** Trigger time, epoch ms. */
  timestamp: number;
  durationMs: number;
  maxParallelism: number;
  specHash?: string;
  /** The job spec the checkpoint was taken with (what `flowstate state` and restores of another run read). */
  spec?: unknown;
  operators: OperatorStateRef[];
  /**
   * Rows each node had taken in and put out since the job's input began, as of this checkpoint's barrier (what
   * the restored checkpoint counted plus what came since): a job restored from the checkpoint carries its totals
   * on from here. Absent in checkpoints of older Flowstates (their totals then start at the restore).
   */
  counters?: NodeCounters[];
  /** Bytes of all state files + `_metadata` itself (filled in by `CheckpointWriter.finalize`). */
  totalSize: number;
  /**
   * Incremental checkpoints: bytes of all the state this checkpoint consists of (its own files and the shared
   * files it refers to: what a restore reads) ...
   */
  fullSize?: number;
  /** ... and bytes this checkpoint wrote (its own files + the shared files it created). */
  incrementalSize?: number;
}

export interface CheckpointLocation {
  jobId: string;
  checkpointId: number;
  kind: CheckpointKind;
  /** The checkpoint's directory: absolute for fs storage, a `memory://<jobId>/<dir>` key for memory storage. */
  path: string;
}

export type WrittenStateFile = StateFileRef & {
  /** Byte offset at which each chunk started (one entry per chunk, empty chunks included). */
  offsets: number[];
};

export interface CheckpointWriter {
  readonly location: CheckpointLocation;
  /**
   * Writes one state file from chunks (strings are written as UTF-8), hashing as it writes; returns its ref.
   * Chunked so large state never needs one giant string. Names: letters, digits, `.`, `_`, `-`; not starting
   * with `.`; not `_metadata`; unique within the checkpoint.
   */
  writeStateFile(
    name: string,
    chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  ): Promise<WrittenStateFile>;
  /**
   * Keeps shared files an incremental checkpoint in progress builds on from being collected (retention of an
   * older checkpoint) until this writer is finalized or aborted.
   */
  pinSharedFiles?(names: readonly string[]): void;
  /**
   * Writes a file into the job's shared directory (incremental checkpoints); its ref goes into a subtask's
   * `shared`. Deleted again if this writer aborts; afterwards, when no checkpoint references it.
   */
  writeSharedFile(
    name: string,
    chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  ): Promise<WrittenStateFile>;
  /**
   * Writes `_metadata` last (atomically); after this resolves the checkpoint exists. Validates the metadata
   * (same rules as loading), checks it names this writer's job/id/kind and that every file it references was
   * written by this writer with the same size and checksum. `totalSize` is computed here (the caller's value
   * is ignored); the metadata as written is returned.
   */
  finalize(metadata: CheckpointMetadata): Promise<CheckpointMetadata>;
  /** Deletes everything written (aborted/declined checkpoint). A second call is a no-op. */
  abort(): Promise<void>;
}

export interface CheckpointListing {
  location: CheckpointLocation;
  status: 'completed' | 'invalid';
  metadata?: CheckpointMetadata;
  /** Why the checkpoint is invalid. */
  error?: string;
  /** Bytes of every file in the directory. */
  sizeBytes: number;
  /** Epoch ms: when `_metadata` was written, or the newest file of an incomplete directory. */
  modifiedAt: number;
}

export interface LoadedCheckpoint {
  location: CheckpointLocation;
  metadata: CheckpointMetadata;
  /** Verified bytes of a state file. */
  readStateFile(name: string): Promise<Uint8Array>;
  /**
   * Verified bytes of one range inside a state file (for key-group sections). The whole file's checksum is
   * verified once, lazily, before any range is returned.
   */
  readStateFileRange(name: string, offset: number, length: number): Promise<Uint8Array>;
  /** Verified bytes of a range of a shared file this checkpoint references (whole file checksummed first). */
  readSharedFileRange(name: string, offset: number, length: number): Promise<Uint8Array>;
  /**
   * Copies a verified shared file to a local path (`destPath` must not exist): the kernel's file copy where the
   * storage is a local file system, else the verified bytes in chunks. Used to stage an LMDB snapshot.
   */
  copySharedFileTo(name: string, destPath: string): Promise<void>;
  /**
   * Like `copySharedFileTo`, but resolves once the copy is made, while the file's checksum may still be being
   * checked (a `load` with `deferStores`): `verified` settles when it was, and rejects with a
   * `CheckpointCorruptedError` naming the file when it is wrong. Do not use the copy before `verified` resolved.
   */
  stageSharedFileTo(name: string, destPath: string): Promise<{ verified: Promise<void> }>;
}

export type CheckpointRef = { jobId: string; checkpointId: number; kind?: CheckpointKind } | { path: string };

export interface LoadOptions {
  /** `eager` (default): verify every state file's size and SHA-256 before `load` resolves. `lazy`: on first read. */
  verify?: 'eager' | 'lazy';
  /**
   * With `eager`: shared files that are LMDB stores (`format: "lmdb"`, the large ones) are not waited for.
   * Their check starts at once (off the calling thread where the storage can: the file system's does) and runs
   * while they are staged (`stageSharedFileTo`): a damaged one fails the restore that stages it, only later.
   * A restore that falls back to an older checkpoint must then catch that failure as well as `load`'s
   * (`loadLatestValid` with `use` does).
   */
  deferStores?: boolean;
}

export interface LoadLatestValidOptions {
  /** Called for each newer checkpoint that was skipped, with the reason (a corrupt one names the file). */
  onSkip?: (listing: CheckpointListing, error: Error) => void;
  /** Which kinds to consider (default: both). */
  kinds?: CheckpointKind[];
  /** Load candidates with `LoadOptions.deferStores` (their store files are checked while `use` stages them). */
  deferStores?: boolean;
  /**
   * Called with each candidate before it is chosen (a restore): a `CheckpointCorruptedError` it throws skips the
   * candidate like one found on load (reported through `onSkip`); any other error is thrown.
   */
  use?: (checkpoint: LoadedCheckpoint) => Promise<void>;
}

export interface CheckpointStorage {
  createWriter(jobId: string, checkpointId: number, kind: CheckpointKind): Promise<CheckpointWriter>;
  /** Every checkpoint/savepoint directory of a job, newest first, valid or not (invalid ones say why). */
  list(jobId: string): Promise<CheckpointListing[]>;
  /** All job ids that have checkpoints, sorted. */
  jobs(): Promise<string[]>;
  /**
   * Loads and validates metadata; verifies every state file's size and SHA-256 (all up front by default, or
   * lazily per file with `{ verify: 'lazy' }`); throws `CheckpointCorruptedError` naming the checkpoint and
   * the file. `{ path }` may be a checkpoint directory or its `_metadata` file.
   */
  load(ref: CheckpointRef, opts?: LoadOptions): Promise<LoadedCheckpoint>;
  /** The newest checkpoint that loads and verifies; each one skipped is reported through `onSkip` with the reason. */
  loadLatestValid(jobId: string, opts?: LoadLatestValidOptions): Promise<LoadedCheckpoint | undefined>;
  delete(location: CheckpointLocation): Promise<void>;
  /**
   * Removes directories without valid `_metadata` (leftovers of crashed checkpoints), except those `keep`
   * names and those an open writer of this storage is still writing; returns what was removed.
   */
  cleanup(jobId: string, keep?: (l: CheckpointLocation) => boolean): Promise<CheckpointLocation[]>;
  /**
   * Reference counts of the job's shared files: how many checkpoints (with readable metadata) refer to each file
   * in its shared directory (0 = orphaned, deleted by the next `delete`/`collectSharedFiles`).
   */
  sharedReferenceCounts(jobId: string): Promise<Map<string, number>>;
  /** Deletes the shared files no checkpoint refers to (and no open writer wrote); returns their names. */
  collectSharedFiles(jobId: string): Promise<string[]>;
}

export type CheckpointCorruptedCode =
  | 'CHECKPOINT_CORRUPTED'
  | 'CHECKPOINT_MISSING_FILE'
  | 'CHECKPOINT_NO_METADATA'
  | 'CHECKPOINT_BAD_METADATA';

/** A checkpoint that exists on storage but cannot be used: incomplete, bad metadata, a missing or damaged file. */
export class CheckpointCorruptedError extends Error {
  override readonly name = 'CheckpointCorruptedError';
  constructor(
    readonly code: CheckpointCorruptedCode,
    /** The checkpoint's path (directory). */
    readonly checkpoint: string,
    message: string,
    /** The file at fault (`_metadata` or a state file name). */
    readonly file?: string,
  ) {
    super(message);
  }
}

export type CheckpointStorageErrorCode =
  | 'INVALID_JOB_ID'
  | 'INVALID_CHECKPOINT_ID'
  | 'INVALID_KIND'
  | 'INVALID_FILE_NAME'
  | 'INVALID_PATH'
  | 'CHECKPOINT_NOT_FOUND'
  | 'CHECKPOINT_AMBIGUOUS'
  | 'CHECKPOINT_EXISTS'
  | 'CHECKPOINT_IN_PROGRESS'
  | 'UNKNOWN_STATE_FILE'
  | 'INVALID_RANGE'
  | 'WRITER_CLOSED'
  | 'INVALID_METADATA'
  | 'METADATA_MISMATCH';

/** Misuse of the storage API (bad names, unknown checkpoints, writer used after close): not a damaged checkpoint. */
export class CheckpointStorageError extends Error {
  override readonly name = 'CheckpointStorageError';
  constructor(
    readonly code: CheckpointStorageErrorCode,
    message: string,
  ) {
    super(message);
  }
}
