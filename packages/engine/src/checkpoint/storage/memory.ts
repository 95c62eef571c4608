/**
 * Checkpoint storage in memory — same rules as the fs storage (they share `core.ts`), for tests and browser
 * previews. No Node imports. `tamperWithMemoryCheckpoint` damages a stored file so tests can check that
 * corruption is detected.
 */

import { type CheckpointStorageIO, createCheckpointStorage, type StorageDirEntry } from './core';
import { Sha256, sha256Hex } from './sha256';
import {
  type CheckpointLocation,
  type CheckpointStorage,
  CheckpointStorageError,
  type WrittenStateFile,
} from './types';

const SCHEME = 'memory://';

interface MemoryFile {
  bytes: Uint8Array;
  mtimeMs: number;
}

interface MemoryDir {
  files: Map<string, MemoryFile>;
  mtimeMs: number;
}

export interface MemoryCheckpointStorageOptions {
  /** Clock for modification times (default `Date.now`). */
  now?: () => number;
}

class MemoryIO implements CheckpointStorageIO {
  /** `memory://<jobId>/<dirName>` → its files. */
  readonly dirs = new Map<string, MemoryDir>();
  private readonly encoder = new TextEncoder();

  constructor(readonly now: () => number) {}

  checkpointPath(jobId: string, dirName: string): string {
    return `${SCHEME}${jobId}/${dirName}`;
  }

  resolveUserPath(path: string): string {
    let p = path.startsWith(SCHEME) ? path.slice(SCHEME.length) : path;
    p = p.replace(/\/+$/, '');
    if (p.endsWith('/_metadata')) p = p.slice(0, -'/_metadata'.length);
    return `${SCHEME}${p}`;
  }

  baseName(path: string): string {
    return path.slice(path.lastIndexOf('/') + 1);
  }

  private split(path: string): [string, string] | undefined {
    if (!path.startsWith(SCHEME)) return undefined;
    const rest = path.slice(SCHEME.length);
    const slash = rest.indexOf('/');
    if (slash <= 0 || rest.indexOf('/', slash + 1) !== -1) return undefined;
    return [rest.slice(0, slash), rest.slice(slash + 1)];
  }

  async listJobDirs(): Promise<string[]> {
    const jobs = new Set<string>();
    for (const key of this.dirs.keys()) {
      const parts = this.split(key);
      if (parts !== undefined) jobs.add(parts[0]);
    }
    return [...jobs];
  }

  async listCheckpointDirs(jobId: string): Promise<string[]> {
    const out: string[] = [];
    for (const key of this.dirs.keys()) {
      const parts = this.split(key);
      if (parts !== undefined && parts[0] === jobId) out.push(parts[1]);
    }
    return out;
  }

  async listDir(path: string): Promise<StorageDirEntry[] | undefined> {
    const dir = this.dirs.get(path);
    if (dir === undefined) return undefined;
    return [...dir.files].map(([name, f]) => ({
      name,
      isDirectory: false,
      size: f.bytes.length,
      mtimeMs: f.mtimeMs,
    }));
  }

  private file(dir: string, name: string): MemoryFile | undefined {
    return this.dirs.get(dir)?.files.get(name);
  }

  async readFile(dir: string, name: string): Promise<Uint8Array | undefined> {
    return this.file(dir, name)?.bytes.slice();
  }

  async readRange(dir: string, name: string, offset: number, length: number): Promise<Uint8Array> {
    const f = this.file(dir, name);
    if (f === undefined) throw Object.assign(new Error(`ENOENT: ${dir}/${name}`), { code: 'ENOENT' });
    return f.bytes.slice(offset, offset + length);
  }

  async hashFile(dir: string, name: string): Promise<{ size: number; sha256: string } | undefined> {
    const f = this.file(dir, name);
    return f === undefined ? undefined : { size: f.bytes.length, sha256: sha256Hex(f.bytes) };
  }

  hash(bytes: Uint8Array): string {
    return sha256Hex(bytes);
  }

  async createDir(path: string): Promise<void> {
    if (!this.dirs.has(path)) this.dirs.set(path, { files: new Map(), mtimeMs: this.now() });
  }

  async writeFile(
    dir: string,
    name: string,
    chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  ): Promise<WrittenStateFile> {
    const d = this.dirs.get(dir);
    if (d === undefined) throw new Error(`ENOENT: no directory ${dir}`);
    if (d.files.has(name)) throw new Error(`EEXIST: ${dir}/${name}`);
    const parts: Uint8Array[] = [];
    const offsets: number[] = [];
    const hash = new Sha256();
    let size = 0;
    for await (const chunk of chunks) {
      // Copy: the caller may reuse its buffer for the next chunk.
      const bytes = typeof chunk === 'string' ? this.encoder.encode(chunk) : chunk.slice();
      offsets.push(size);
      size += bytes.length;
      hash.update(bytes);
      parts.push(bytes);
    }
    const all = new Uint8Array(size);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    if (this.dirs.get(dir) !== d) throw new Error(`ENOENT: ${dir} was removed while ${name} was written`);
    d.files.set(name, { bytes: all, mtimeMs: this.now() });
    return { name, size, sha256: hash.digestHex(), offsets };
  }

  async writeFileAtomic(dir: string, _tmpName: string, name: string, bytes: Uint8Array): Promise<void> {
    const d = this.dirs.get(dir);
    if (d === undefined) throw new Error(`ENOENT: no directory ${dir}`);
    d.files.set(name, { bytes: bytes.slice(), mtimeMs: this.now() });
  }

  async removeDir(path: string): Promise<void> {
    this.dirs.delete(path);
  }

  async removeFile(dir: string, name: string): Promise<void> {
    this.dirs.get(dir)?.files.delete(name);
  }

  sharedPathOf(dir: string): string {
    return `${dir.replace(/\/+$/, '').replace(/\/[^/]*$/, '')}/shared`;
  }
}

const ios = new WeakMap<CheckpointStorage, MemoryIO>();

/** A checkpoint storage held in memory; paths are `memory://<jobId>/chk-<n>`. */
export function createMemoryCheckpointStorage(opts: MemoryCheckpointStorageOptions = {}): CheckpointStorage {
  const io = new MemoryIO(opts.now ?? (() => Date.now()));
  const storage = createCheckpointStorage(io);
  ios.set(storage, io);
  return storage;
}

/** How `tamperWithMemoryCheckpoint` damages a file. */
export type MemoryTamper =
  /** Drop the last byte. */
  | 'truncate'
  /** Flip the lowest bit of the middle byte. */
  | 'bit-flip'
  | 'delete'
  /** Replace the content (creating the file, and the directory, if needed). */
  | { write: string | Uint8Array };

/**
 * For tests: damages `file` (a state file, `_metadata`, or any name) of a checkpoint kept by a memory storage.
 * `where` is a location or its path.
 */
export function tamperWithMemoryCheckpoint(
  storage: CheckpointStorage,
  where: CheckpointLocation | string,
  file: string,
  tamper: MemoryTamper,
): void {
  const io = ios.get(storage);
  if (io === undefined) {
    throw new CheckpointStorageError(
      'INVALID_PATH',
      'tamperWithMemoryCheckpoint works on memory storages only',
    );
  }
  const path = io.resolveUserPath(typeof where === 'string' ? where : where.path);
  let dir = io.dirs.get(path);
  if (typeof tamper === 'object') {
    if (dir === undefined) io.dirs.set(path, (dir = { files: new Map(), mtimeMs: io.now() }));
    const bytes =
      typeof tamper.write === 'string' ? new TextEncoder().encode(tamper.write) : tamper.write.slice();
    dir.files.set(file, { bytes, mtimeMs: io.now() });
    return;
  }
  const f = dir?.files.get(file);
  if (dir === undefined || f === undefined) {
    throw new CheckpointStorageError('INVALID_PATH', `no file ${file} in ${path}`);
  }
  if (tamper === 'delete') dir.files.delete(file);
  else if (tamper === 'truncate') f.bytes = f.bytes.slice(0, Math.max(0, f.bytes.length - 1));
  else {
    if (f.bytes.length === 0) throw new CheckpointStorageError('INVALID_PATH', `${file} in ${path} is empty`);
    const bytes = f.bytes.slice();
    const mid = bytes.length >> 1;
    bytes[mid] = bytes[mid]! ^ 1;
    f.bytes = bytes;
  }
}
