/**
 * Checkpoint storage on the local file system — the Node edge. State files are written through a 1 MiB
 * buffer and fsync'd; `_metadata` goes to `._metadata.tmp`, is fsync'd, renamed, and the directory fsync'd,
 * so after a crash a checkpoint either has a complete `_metadata` or none.
 */

import { createHash } from 'node:crypto';
import { type Dirent, constants as fsConstants } from 'node:fs';
import {
  copyFile,
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
} from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { type CheckpointStorageIO, createCheckpointStorage, type StorageDirEntry } from './core';
import { METADATA_FILE } from './layout';
import type { CheckpointStorage, WrittenStateFile } from './types';

const WRITE_BUFFER = 1 << 20;
const HASH_BUFFER = 4 << 20;
/** Hashes one file on a worker thread (`hashFileOffThread`): plain JS, started without any loader. */
const HASH_WORKER = new URL('./hash-worker.mjs', import.meta.url);

function isErrno(e: unknown, ...codes: string[]): boolean {
  return typeof e === 'object' && e !== null && codes.includes((e as { code?: string }).code ?? '');
}

async function writeAll(fh: FileHandle, bytes: Uint8Array): Promise<void> {
  let at = 0;
  while (at < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, at, bytes.length - at);
    at += bytesWritten;
  }
}

/** fsync a directory so a rename or a new entry in it is durable. Not supported on Windows: skipped there. */
async function syncDir(path: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(path, 'r');
    await fh.sync();
  } catch (e) {
    if (!isErrno(e, 'EISDIR', 'EPERM', 'EINVAL', 'EACCES', 'ENOTSUP')) throw e;
  } finally {
    await fh?.close();
  }
}

class FsIO implements CheckpointStorageIO {
  constructor(private readonly base: string) {}

  checkpointPath(jobId: string, dirName: string): string {
    return join(this.base, jobId, dirName);
  }

  resolveUserPath(path: string): string {
    const p = resolve(path);
    return basename(p) === METADATA_FILE ? dirname(p) : p;
  }

  baseName(path: string): string {
    return basename(path);
  }

  private async subdirs(path: string): Promise<string[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch (e) {
      if (isErrno(e, 'ENOENT', 'ENOTDIR')) return [];
      throw e;
    }
    return entries.filter((e) => e.isDirectory()).map((e) => e.name);
  }

  listJobDirs(): Promise<string[]> {
    return this.subdirs(this.base);
  }

  listCheckpointDirs(jobId: string): Promise<string[]> {
    return this.subdirs(join(this.base, jobId));
  }

  async listDir(path: string): Promise<StorageDirEntry[] | undefined> {
    let names: string[];
    try {
      names = await readdir(path);
    } catch (e) {
      if (isErrno(e, 'ENOENT', 'ENOTDIR')) return undefined;
      throw e;
    }
    const entries = await Promise.all(
      names.map(async (name) => {
        try {
          const s = await stat(join(path, name));
          return {
            name,
            isDirectory: s.isDirectory(),
            size: s.isDirectory() ? 0 : s.size,
            mtimeMs: s.mtimeMs,
          };
        } catch (e) {
          if (isErrno(e, 'ENOENT')) return undefined; // removed meanwhile
          throw e;
        }
      }),
    );
    return entries.filter((e): e is StorageDirEntry => e !== undefined);
  }

  async readFile(dir: string, name: string): Promise<Uint8Array | undefined> {
    try {
      const b = await readFile(join(dir, name));
      return new Uint8Array(b.buffer, b.byteOffset, b.length);
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return undefined;
      throw e;
    }
  }

  async readRange(dir: string, name: string, offset: number, length: number): Promise<Uint8Array> {
    const fh = await open(join(dir, name), 'r');
    try {
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return new Uint8Array(buf.buffer, buf.byteOffset, got);
    } finally {
      await fh.close();
    }
  }

  async copyFileTo(dir: string, name: string, destPath: string): Promise<void> {
    // copy_file_range in the kernel (a reflink where the file system has them): no bytes through JS
    await copyFile(join(dir, name), destPath, fsConstants.COPYFILE_EXCL | fsConstants.COPYFILE_FICLONE);
  }

  hashFileOffThread(dir: string, name: string): Promise<{ size: number; sha256: string } | undefined> {
    return new Promise((resolvePromise, reject) => {
      // execArgv: [] — a clean, quick start, whatever loader the engine itself runs under
      const worker = new Worker(HASH_WORKER, { workerData: { path: join(dir, name) }, execArgv: [] });
      let answered = false;
      worker.once('message', (m: { size: number; sha256: string } | null) => {
        answered = true;
        resolvePromise(m ?? undefined);
      });
      worker.once('error', reject);
      worker.once('exit', (code) => {
        if (!answered) reject(new Error(`hashing ${join(dir, name)} stopped (worker exit code ${code})`));
      });
    });
  }

  async hashFile(dir: string, name: string): Promise<{ size: number; sha256: string } | undefined> {
    let fh: FileHandle;
    try {
      fh = await open(join(dir, name), 'r');
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return undefined;
      throw e;
    }
    try {
      const hash = createHash('sha256');
      const { size: statSize } = await fh.stat();
      const buf = Buffer.allocUnsafe(Math.max(1, Math.min(HASH_BUFFER, statSize)));
      let size = 0;
      for (;;) {
        const { bytesRead } = await fh.read(buf, 0, buf.length, size);
        if (bytesRead === 0) break;
        hash.update(buf.subarray(0, bytesRead));
        size += bytesRead;
      }
      return { size, sha256: hash.digest('hex') };
    } finally {
      await fh.close();
    }
  }

  hash(bytes: Uint8Array): string {
    return createHash('sha256').update(bytes).digest('hex');
  }

  async createDir(path: string): Promise<void> {
    await mkdir(path, { recursive: true });
  }

  async writeFile(
    dir: string,
    name: string,
    chunks: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>,
  ): Promise<WrittenStateFile> {
    const path = join(dir, name);
    const fh = await open(path, 'wx');
    try {
      const hash = createHash('sha256');
      const offsets: number[] = [];
      const buf = Buffer.allocUnsafe(WRITE_BUFFER);
      let used = 0;
      let size = 0;
      for await (const chunk of chunks) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
        offsets.push(size);
        size += bytes.length;
        hash.update(bytes);
        const direct = bytes.length >= buf.length / 2;
        if (used > 0 && (direct || used + bytes.length > buf.length)) {
          await writeAll(fh, buf.subarray(0, used));
          used = 0;
        }
        // Large chunks go straight out (after what is buffered); small ones are copied, so the caller may
        // reuse its buffer as soon as the next chunk is pulled.
        if (direct) await writeAll(fh, bytes);
        else {
          buf.set(bytes, used);
          used += bytes.length;
        }
      }
      await writeAll(fh, buf.subarray(0, used));
      await fh.sync();
      await fh.close();
      return { name, size, sha256: hash.digest('hex'), offsets };
    } catch (e) {
      await fh.close().catch(() => {});
      await rm(path, { force: true }).catch(() => {});
      throw e;
    }
  }

  async writeFileAtomic(dir: string, tmpName: string, name: string, bytes: Uint8Array): Promise<void> {
    const tmp = join(dir, tmpName);
    const fh = await open(tmp, 'w');
    try {
      await writeAll(fh, bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, join(dir, name));
    await syncDir(dir);
    // The checkpoint directory's own entry in the job directory, created by createWriter.
    await syncDir(dirname(dir));
  }

  async removeDir(path: string): Promise<void> {
    await rm(path, { recursive: true, force: true });
  }

  async removeFile(dir: string, name: string): Promise<void> {
    await rm(join(dir, name), { force: true });
  }

  sharedPathOf(dir: string): string {
    return join(dirname(dir), 'shared');
  }
}

/** Checkpoint storage under `baseDir` (created on first write): `<baseDir>/<jobId>/chk-<n>/`. */
export function createFsCheckpointStorage(baseDir: string): CheckpointStorage {
  return createCheckpointStorage(new FsIO(resolve(baseDir)));
}
