/**
 * Checkpoint storage without the Node edge: types, metadata validation, the in-memory storage and the
 * generic core. Safe to import in a browser worker; `./index` adds the fs storage.
 */

export { type CheckpointStorageIO, createCheckpointStorage, SHARED_DIR, type StorageDirEntry } from './core';
export {
  checkpointDirName,
  jobIdProblem,
  METADATA_FILE,
  METADATA_TMP_FILE,
  parseCheckpointDirName,
  stateFileNameProblem,
} from './layout';
export {
  createMemoryCheckpointStorage,
  type MemoryCheckpointStorageOptions,
  type MemoryTamper,
  tamperWithMemoryCheckpoint,
} from './memory';
export {
  CHECKPOINT_FORMAT_VERSION,
  parseCheckpointMetadata,
  parseCheckpointMetadataText,
  serializeCheckpointMetadata,
  sharedFilesOf,
} from './metadata';
export { Sha256, sha256Hex } from './sha256';
export {
  type CheckpointCorruptedCode,
  CheckpointCorruptedError,
  type CheckpointKind,
  type CheckpointListing,
  type CheckpointLocation,
  type CheckpointMetadata,
  type CheckpointRef,
  type CheckpointStorage,
  CheckpointStorageError,
  type CheckpointStorageErrorCode,
  type CheckpointTrigger,
  type CheckpointWriter,
  type LoadedCheckpoint,
  type LoadLatestValidOptions,
  type LoadOptions,
  type NodeCounters,
  type OperatorStateRef,
  type SharedStateRef,
  type StateFileRef,
  type SubtaskStateRef,
  type WrittenStateFile,
} from './types';
