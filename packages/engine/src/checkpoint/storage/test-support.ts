/** Test helpers shared by the storage tests (Node: the fs harness touches the disk). */

import { mkdir, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createFsCheckpointStorage } from './fs';
import { createMemoryCheckpointStorage, type MemoryTamper, tamperWithMemoryCheckpoint } from './memory';
import type {
  CheckpointKind,
  CheckpointLocation,
  CheckpointMetadata,
  CheckpointStorage,
  OperatorStateRef,
  WrittenStateFile,
} from './types';

export interface StorageFixture {
  storage: CheckpointStorage;
  /** Damages or writes a file of a checkpoint directory behind the storage's back. */
  tamper(where: CheckpointLocation | string, file: string, how: MemoryTamper): Promise<void>;
  /** Where `<jobId>/<dirName>` lives for this storage. */
  pathOf(jobId: string, dirName: string): string;
  dispose(): Promise<void>;
}

export interface StorageHarness {
  name: string;
  create(): Promise<StorageFixture>;
}

export const memoryHarness: StorageHarness = {
  name: 'memory',
  async create() {
    let t = 1_000_000;
    const storage = createMemoryCheckpointStorage({ now: () => t++ });
    return {
      storage,
      async tamper(where, file, how) {
        tamperWithMemoryCheckpoint(storage, where, file, how);
      },
      pathOf: (jobId, dirName) => `memory://${jobId}/${dirName}`,
      async dispose() {},
    };
  },
};

export const fsHarness: StorageHarness = {
  name: 'fs',
  async create() {
    const base = await mkdtemp(join(tmpdir(), 'flowstate-chk-'));
    return {
      storage: createFsCheckpointStorage(base),
      async tamper(where, file, how) {
        const path = join(typeof where === 'string' ? where : where.path, file);
        if (how === 'delete') await rm(path);
        else if (how === 'truncate') {
          const bytes = await readFile(path);
          await truncate(path, Math.max(0, bytes.length - 1));
        } else if (how === 'bit-flip') {
          const bytes = await readFile(path);
          const mid = bytes.length >> 1;
          bytes[mid] = bytes[mid]! ^ 1;
          await writeFile(path, bytes);
        } else {
          await mkdir(dirname(path), { recursive: true });
          await writeFile(path, how.write);
        }
      },
      pathOf: (jobId, dirName) => join(base, jobId, dirName),
      dispose: () => rm(base, { recursive: true, force: true }),
    };
  },
};

export const harnesses = [memoryHarness, fsHarness];

/** Metadata for a checkpoint at `location` with one operator whose subtask i holds `files[i]`. */
export function metadataFor(
  location: Pick<CheckpointLocation, 'jobId' | 'checkpointId' | 'kind'>,
  files: readonly WrittenStateFile[] = [],
  extra: Partial<CheckpointMetadata> = {},
): CheckpointMetadata {
  const op: OperatorStateRef = {
    nodeId: 'counts',
    parallelism: Math.max(1, files.length),
    subtasks: files.map((f, i) => ({
      subtask: i,
      keyGroupRange: [i * 8, i * 8 + 7],
      file: { name: f.name, size: f.size, sha256: f.sha256 },
    })),
  };
  return {
    formatVersion: 1,
    jobId: location.jobId,
    jobName: 'Test job',
    checkpointId: location.checkpointId,
    kind: location.kind,
    trigger: location.kind === 'savepoint' ? 'manual' : 'periodic',
    timestamp: 1_700_000_000_000 + location.checkpointId,
    durationMs: 12,
    maxParallelism: 128,
    operators: [
      op,
      { nodeId: 'source', parallelism: 1, subtasks: [{ subtask: 0, operatorState: { offset: 42 } }] },
    ],
    totalSize: 0,
    ...extra,
  };
}

/** Writes and finalizes a checkpoint with `files` (name → chunks); returns its location and metadata. */
export async function writeCheckpoint(
  storage: CheckpointStorage,
  jobId: string,
  checkpointId: number,
  kind: CheckpointKind = 'checkpoint',
  files: Record<string, Array<string | Uint8Array>> = { 'op-counts-0.state': ['hello ', 'state'] },
): Promise<{ location: CheckpointLocation; metadata: CheckpointMetadata; written: WrittenStateFile[] }> {
  const writer = await storage.createWriter(jobId, checkpointId, kind);
  const written: WrittenStateFile[] = [];
  for (const [name, chunks] of Object.entries(files)) written.push(await writer.writeStateFile(name, chunks));
  const metadata = await writer.finalize(metadataFor(writer.location, written));
  return { location: writer.location, metadata, written };
}

export const utf8 = (s: string) => new TextEncoder().encode(s);
export const text = (b: Uint8Array) => new TextDecoder().decode(b);
