/**
 * The embedded store under the disk backend: one LMDB environment per keyed operator subtask, one named
 * database per state (Flink RocksDB's column family per state). LMDB because its reads are synchronous (the
 * operators' hot path cannot await), its read transactions are MVCC snapshots (an asynchronous checkpoint
 * reads the state as of the barrier while processing goes on) and its npm package ships prebuilt binaries.
 * See docs/state-backends.md.
 *
 * Node-only (an edge of the engine, like the file connectors): the browser build uses the heap backend.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, open, type RootDatabase } from 'lmdb';

/** A failure of the state store (full disk, unwritable directory): fails the job, naming the path. */
export class DiskStateError extends Error {
  override readonly name = 'DiskStateError';
  constructor(
    readonly path: string,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export function storeError(path: string, action: string, e: unknown): DiskStateError {
  if (e instanceof DiskStateError) return e;
  const err = e as { code?: unknown; message?: string };
  const code = typeof err.code === 'string' ? err.code : undefined;
  const msg = err.message ?? String(e);
  let why = msg;
  if (code === 'ENOSPC' || /ENOSPC|No space left|MDB_MAP_FULL/i.test(msg))
    why = `the disk is full (${msg}); free space or set stateDir to a larger volume`;
  else if (
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS' ||
    /EACCES|EPERM|EROFS|Permission denied/i.test(msg)
  )
    why = `the directory is not writable (${msg}); set stateDir to a writable directory`;
  return new DiskStateError(
    path,
    `disk state backend: cannot ${action} state store at ${path}: ${why}`,
    code,
  );
}

export interface StateStore {
  /** The store's directory (changes when the store adopts a restored one). */
  readonly path: string;
  db(stateName: string): Database<unknown, Buffer>;
  /** The same database with raw bytes for keys and values (a checkpoint copies them as they are). */
  rawDb(stateName: string): Database<Buffer, Buffer>;
  /**
   * Replaces this store by the store in `dir` (a restored checkpoint's LMDB file, staged by
   * checkpoint/restore.ts): the current environment is closed and its directory deleted; `dir` becomes the
   * store (and is deleted by `destroy`). Database handles obtained before are stale: ask `db()` again.
   */
  adopt(dir: string): void;
  /** Closes the environment and deletes its directory. */
  destroy(): void;
}

let counter = 0;
/** Stores alive in this process: removed at exit if nobody disposed them (a killed run leaves nothing behind). */
const live = new Set<string>();
let exitHook = false;

/** Deletes `path` at process exit unless `untrackDir` was called (stores, staged restores, checkpoint copies). */
export function trackDir(path: string): void {
  live.add(path);
  if (exitHook) return;
  exitHook = true;
  process.once('exit', () => {
    for (const p of live) {
      try {
        rmSync(p, { recursive: true, force: true });
      } catch {
        // best effort
      }
    }
  });
}

export function untrackDir(path: string): void {
  live.delete(path);
}

/** A new, unique directory name under `parent` for `label`. */
export function uniqueDir(parent: string, label: string): string {
  const safe = label.replace(/[^A-Za-z0-9._-]/g, '_');
  return join(parent, `${safe}-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`);
}

/** How every environment of the disk backend is opened (the store, checkpoint copies, staged restores). */
export function openEnv(path: string): RootDatabase {
  mkdirSync(path, { recursive: true });
  return open({
    path,
    // scratch state: durability comes from checkpoints, not from the store
    noSync: true,
    noMetaSync: true,
    compression: false,
    maxDbs: 256,
    // grows in steps instead of needing a fixed size; 64 MiB to start
    mapSize: 64 * 1024 * 1024,
  });
}

/** A state's database in `env`, values in msgpack (structuredClone: Maps, Sets, undefined, NaN round-trip). */
export function stateDb(env: RootDatabase, stateName: string): Database<unknown, Buffer> {
  return env.openDB<unknown, Buffer>(`s:${stateName}`, {
    keyEncoding: 'binary',
    encoding: 'msgpack',
    structuredClone: true,
  } as Parameters<RootDatabase['openDB']>[1]);
}

/** A state's database in `env` with raw bytes for keys and values. */
export function rawStateDb(env: RootDatabase, stateName: string): Database<Buffer, Buffer> {
  return env.openDB<Buffer, Buffer>(`s:${stateName}`, {
    keyEncoding: 'binary',
    encoding: 'binary',
  } as Parameters<RootDatabase['openDB']>[1]);
}

/** Closes `env` (if open) and deletes its directory; it is no longer removed at exit. */
export function closeAndDelete(env: RootDatabase | undefined, path: string): void {
  untrackDir(path);
  try {
    void env?.close().catch(() => {});
  } catch {
    // closing a broken environment: the directory goes anyway
  }
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // best effort
  }
}

/** Opens a fresh store in a new directory under `stateDir` (created if missing). */
export function openStateStore(stateDir: string, label: string): StateStore {
  let path = uniqueDir(stateDir, label);
  let env: RootDatabase;
  try {
    env = openEnv(path);
  } catch (e) {
    throw storeError(path, 'create', e);
  }
  trackDir(path);
  let dbs = new Map<string, Database<unknown, Buffer>>();
  let raws = new Map<string, Database<Buffer, Buffer>>();
  let destroyed = false;
  return {
    get path() {
      return path;
    },
    db(stateName) {
      let db = dbs.get(stateName);
      if (db === undefined) {
        try {
          db = stateDb(env, stateName);
        } catch (e) {
          throw storeError(path, `open state '${stateName}' in`, e);
        }
        dbs.set(stateName, db);
      }
      return db;
    },
    rawDb(stateName) {
      let db = raws.get(stateName);
      if (db === undefined) {
        try {
          db = rawStateDb(env, stateName);
        } catch (e) {
          throw storeError(path, `open state '${stateName}' in`, e);
        }
        raws.set(stateName, db);
      }
      return db;
    },
    adopt(dir) {
      let next: RootDatabase;
      try {
        next = openEnv(dir);
      } catch (e) {
        throw storeError(dir, 'open the restored', e);
      }
      trackDir(dir);
      closeAndDelete(env, path);
      env = next;
      path = dir;
      dbs = new Map();
      raws = new Map();
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      closeAndDelete(env, path);
    },
  };
}
