/**
 * Data files uploaded through the API (`PUT /api/files/:name`), kept in `<data dir>/files/`: what a studio user
 * reads with a file source whose path is `files/<name>` — no absolute server path needed, and nothing outside
 * the data directory reachable.
 *
 * An upload streams to a hidden temporary file (`.upload-…`, which file sources skip) and is renamed over the
 * name when complete, so a reader never sees half a file and a failed upload leaves the old one. Limits: one
 * file at most `maxFileBytes`, all files together at most `quotaBytes` (the file being replaced not counted).
 */
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { DataFile } from '@flowstate/api';

/** The directory under the data directory, and the prefix a file source's path gives it. */
export const FILES_DIR = 'files';

export type DataFileErrorCode = 'too-large' | 'quota' | 'not-found';

export class DataFileError extends Error {
  override readonly name = 'DataFileError';
  constructor(
    readonly code: DataFileErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface DataFileLimits {
  maxFileBytes: number;
  quotaBytes: number;
}

export class DataFiles {
  readonly dir: string;
  /** Uploads in flight, by temporary name: their bytes count against the quota too. */
  private readonly inflight = new Map<string, number>();

  constructor(
    dataDir: string,
    readonly limits: DataFileLimits,
  ) {
    this.dir = path.join(path.resolve(dataDir), FILES_DIR);
  }

  /** Uploaded files (name order) and the bytes they take. */
  async list(): Promise<{ files: DataFile[]; usedBytes: number }> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { files: [], usedBytes: 0 };
      throw e;
    }
    const files: DataFile[] = [];
    let usedBytes = 0;
    for (const name of names.sort()) {
      if (name.startsWith('.') || name.startsWith('_')) continue;
      const s = await stat(path.join(this.dir, name)).catch(() => null);
      if (!s?.isFile()) continue;
      usedBytes += s.size;
      files.push({
        name,
        path: `${FILES_DIR}/${name}`,
        sizeBytes: s.size,
        modifiedAt: s.mtime.toISOString(),
      });
    }
    return { files, usedBytes };
  }

  /** Stores `body` as `name` (replacing a file of that name); `name` was checked by the route's schema. */
  async write(name: string, body: Readable): Promise<DataFile> {
    mkdirSync(this.dir, { recursive: true });
    const { files, usedBytes } = await this.list();
    const replaced = files.find((f) => f.name === name)?.sizeBytes ?? 0;
    let others = usedBytes - replaced;
    for (const n of this.inflight.values()) others += n;
    const room = Math.min(this.limits.maxFileBytes, this.limits.quotaBytes - others);
    const tmpName = `.upload-${randomBytes(6).toString('hex')}`;
    const tmp = path.join(this.dir, tmpName);
    const out = createWriteStream(tmp, { flags: 'wx' });
    this.inflight.set(tmpName, 0);
    let written = 0;
    try {
      await new Promise<void>((resolve, reject) => {
        const fail = (e: Error) => {
          body.unpipe(out);
          body.resume(); // drain what the client still sends; the answer goes out once it is read
          out.destroy();
          reject(e);
        };
        body.on('data', (chunk: Buffer) => {
          written += chunk.length;
          this.inflight.set(tmpName, written);
          if (written > room) {
            fail(
              written > this.limits.maxFileBytes
                ? new DataFileError(
                    'too-large',
                    `the file is larger than the limit of ${this.limits.maxFileBytes} bytes (FLOWSTATE_UPLOAD_MAX_BYTES)`,
                  )
                : new DataFileError(
                    'quota',
                    `storing the file would take the uploaded files past their quota of ${this.limits.quotaBytes} bytes (FLOWSTATE_FILES_MAX_BYTES); delete some first`,
                  ),
            );
          }
        });
        body.on('error', fail);
        out.on('error', fail);
        out.on('finish', resolve);
        body.pipe(out);
      });
      await rename(tmp, path.join(this.dir, name));
    } catch (e) {
      await unlink(tmp).catch(() => {});
      throw e;
    } finally {
      this.inflight.delete(tmpName);
    }
    const s = await stat(path.join(this.dir, name));
    return { name, path: `${FILES_DIR}/${name}`, sizeBytes: s.size, modifiedAt: s.mtime.toISOString() };
  }

  async delete(name: string): Promise<void> {
    try {
      await unlink(path.join(this.dir, name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new DataFileError(
          'not-found',
          `there is no uploaded file '${name}' (GET /api/files lists them)`,
        );
      }
      throw e;
    }
  }
}
