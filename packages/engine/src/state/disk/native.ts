/**
 * Full snapshots of the disk backend as LMDB files — Flink RocksDB's native snapshots, whose SST files a restore
 * takes as they are instead of re-inserting every key.
 *
 * - **Checkpoint** (`NativeSnapshotWriter`): the asynchronous part copies every state's entries, as raw bytes
 *   (no decoding), from the LMDB read transaction opened at the barrier into a fresh environment next to the
 *   store, in key order with LMDB's append mode — a compacted copy of the store as of the barrier (~40 B per
 *   small entry, half the live store's pages). A metadata database (`m:flowstate`) records what the live
 *   tables keep in memory: per state its kind, TTL, entry count, per-namespace counts and insertion sequence.
 *   The environment's `data.mdb` becomes the checkpoint's shared file (`format: "lmdb"`).
 * - **Restore at the same key-group range** (`stageSharedFile` + `applyToStagedStore`, called by
 *   checkpoint/restore.ts): the file is copied into the job's state directory, the chain's deltas (few keys)
 *   are applied to it, and the disk backend adopts the directory as its store (`DiskKeyedStateBackend.restore`):
 *   restore time is a file copy, not one insert per key.
 * - **Any other restore** (another parallelism, a heap backend, inspection): `readStagedStore` reads the key
 *   groups wanted from the staged copy, decoded, as plain snapshot data.
 */
import { mkdirSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database, RootDatabase } from 'lmdb';
import { createCodec, SKIP } from '../codec';
import type { Key, KeyGroupRange } from '../keyGroups';
import type { Namespace, StateKind } from '../types';
import { decodeKey, encodeKey, keyGroupOf, keyGroupRangeBounds, namespaceEnd } from './keyLayout';
import { closeAndDelete, openEnv, rawStateDb, stateDb, storeError, trackDir } from './store';

/** The LMDB data file of an environment: what a native snapshot's shared file holds. */
export const DATA_FILE = 'data.mdb';
const META_DB = 'm:flowstate';
const META_KEY = 'meta';

/** What a disk table keeps in memory about its entries, stored with a native snapshot. */
export interface NativeTableMeta {
  name: string;
  kind: StateKind;
  ttlMs?: number;
  /** Entries. */
  live: number;
  /** Last insertion sequence handed out. */
  seq: number;
  /** Entries per namespace. */
  ns: Array<[Namespace, number]>;
}

export interface NativeStoreMeta {
  format: 1;
  maxParallelism: number;
  keyGroupRange: [number, number];
  states: NativeTableMeta[];
}

const KINDS: ReadonlySet<string> = new Set(['value', 'list', 'map', 'reducing', 'aggregating']);

function metaDb(env: RootDatabase): Database<unknown, string> {
  return env.openDB<unknown, string>(META_DB, { encoding: 'msgpack' } as Parameters<
    RootDatabase['openDB']
  >[1]);
}

export function writeStoreMeta(env: RootDatabase, meta: NativeStoreMeta): void {
  const db = metaDb(env);
  db.transactionSync(() => {
    db.putSync(META_KEY, meta);
  });
}

/** The metadata of a native snapshot, checked; `where` names the file in errors. */
export function readStoreMeta(env: RootDatabase, where: string): NativeStoreMeta {
  const m = metaDb(env).get(META_KEY) as Partial<NativeStoreMeta> | undefined;
  const bad = (why: string) => new Error(`${where}: not a flowstate LMDB state file (${why})`);
  if (m === undefined || m === null || typeof m !== 'object') throw bad('no metadata');
  if (m.format !== 1) throw bad(`format ${String(m.format)}`);
  if (!Number.isInteger(m.maxParallelism)) throw bad('no maxParallelism');
  const r = m.keyGroupRange;
  if (!Array.isArray(r) || r.length !== 2 || !r.every(Number.isInteger)) throw bad('no keyGroupRange');
  if (!Array.isArray(m.states)) throw bad('no states');
  for (const s of m.states) {
    if (
      typeof s?.name !== 'string' ||
      !KINDS.has(s.kind) ||
      !Number.isInteger(s.live) ||
      !Number.isInteger(s.seq) ||
      !Array.isArray(s.ns)
    )
      throw bad(`state ${JSON.stringify(s?.name)} is not described`);
  }
  return m as NativeStoreMeta;
}

/**
 * Copies a read transaction's entries of every state into a new LMDB environment in `dir`, in steps (the
 * asynchronous part of a checkpoint), then hands out its data file.
 */
export class NativeSnapshotWriter {
  private env: RootDatabase | undefined;
  private targets: Array<Database<Buffer, Buffer>> = [];
  private index = 0;
  private iter: Iterator<{ key: Buffer; value: Buffer }> | undefined;
  private finished = false;
  private discarded = false;
  /** Entries copied. */
  entries = 0;

  constructor(
    readonly dir: string,
    private readonly sources: ReadonlyArray<Database<Buffer, Buffer>>,
    private readonly txn: unknown,
    readonly meta: NativeStoreMeta,
  ) {}

  /** Every copied entry, decoded (state index, encoded key, stored value); before `chunks`. */
  forEachEntry(fn: (stateIndex: number, key: Buffer, stored: unknown) => void): void {
    const env = this.env;
    if (env === undefined || !this.finished)
      throw new Error(`the checkpoint copy ${this.dir} is not complete`);
    this.meta.states.forEach((st, i) => {
      for (const { key, value } of stateDb(env, st.name).getRange({})) fn(i, key as Buffer, value);
    });
  }

  /** Copies up to `budget` entries; true when everything is copied and the metadata written. */
  step(budget: number): boolean {
    if (this.discarded) throw new Error(`the checkpoint copy ${this.dir} was discarded`);
    if (this.finished) return true;
    try {
      if (this.env === undefined) {
        trackDir(this.dir);
        this.env = openEnv(this.dir);
        const env = this.env;
        this.targets = this.meta.states.map((s) => rawStateDb(env, s.name));
      }
      let n = Math.max(1, budget);
      while (this.index < this.sources.length && n > 0) {
        this.iter ??= this.sources[this.index]!.getRange({ transaction: this.txn } as never)[
          Symbol.iterator
        ]() as Iterator<{ key: Buffer; value: Buffer }>;
        const batch: Array<[Buffer, Buffer]> = [];
        let done = false;
        for (; n > 0; n--) {
          const r = this.iter.next();
          if (r.done) {
            done = true;
            break;
          }
          // the read transaction's buffers are reused by the iterator: copy them into the batch
          batch.push([Buffer.from(r.value.key), Buffer.from(r.value.value)]);
        }
        if (batch.length > 0) {
          const target = this.targets[this.index]!;
          target.transactionSync(() => {
            for (const [k, v] of batch) target.putSync(k, v, { append: true } as never);
          });
          this.entries += batch.length;
        }
        if (done) {
          this.iter = undefined;
          this.index++;
        }
      }
      if (this.index < this.sources.length) return false;
      writeStoreMeta(this.env, this.meta);
    } catch (e) {
      throw storeError(this.dir, 'write the checkpoint copy of the state store to', e);
    }
    this.finished = true;
    return true;
  }

  /** The environment's data file in chunks (closes it first); the directory is deleted afterwards. */
  async *chunks(chunkBytes = 4 * 1024 * 1024): AsyncGenerator<Uint8Array> {
    if (!this.finished) throw new Error(`the checkpoint copy ${this.dir} is not complete`);
    try {
      await this.env?.close();
      this.env = undefined;
      const fh = await openFile(join(this.dir, DATA_FILE), 'r');
      try {
        const size = (await fh.stat()).size;
        for (let off = 0; off < size; off += chunkBytes) {
          const buf = Buffer.allocUnsafe(Math.min(chunkBytes, size - off));
          const { bytesRead } = await fh.read(buf, 0, buf.length, off);
          yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
        }
      } finally {
        await fh.close();
      }
    } finally {
      this.discard();
    }
  }

  /** Closes and deletes the copy (after `chunks`, or when the checkpoint is abandoned). */
  discard(): void {
    if (this.discarded) return;
    this.discarded = true;
    closeAndDelete(this.env, this.dir);
    this.env = undefined;
  }
}

/** Puts a native snapshot file into `dir/data.mdb` with `copyTo(dest)`; `dir` is deleted on failure. */
export async function stageSharedFile(
  copyTo: (destPath: string) => Promise<void>,
  dir: string,
): Promise<void> {
  trackDir(dir);
  try {
    mkdirSync(dir, { recursive: true });
    await copyTo(join(dir, DATA_FILE));
  } catch (e) {
    removeStaged(dir);
    throw e;
  }
}

export function removeStaged(dir: string): void {
  closeAndDelete(undefined, dir);
}

/** A staged store's entries of the key groups in `range`, decoded to snapshot values (TTL-expired ones skipped). */
export async function readStagedStore(
  dir: string,
  where: string,
  range: KeyGroupRange,
  now: number,
  visit: (state: NativeTableMeta, keyGroup: number, key: Key, ns: Namespace, snapshotValue: unknown) => void,
): Promise<NativeStoreMeta> {
  const env = openEnv(dir);
  try {
    const meta = readStoreMeta(env, where);
    const start = Math.max(range.startKeyGroup, meta.keyGroupRange[0]);
    const end = Math.min(range.endKeyGroup, meta.keyGroupRange[1]);
    for (const st of meta.states) {
      if (start > end) break;
      const codec = createCodec(st.kind, st.ttlMs);
      const db = stateDb(env, st.name);
      for (const { key, value } of db.getRange(keyGroupRangeBounds(start, end))) {
        const d = decodeKey(key as Buffer);
        const snap = codec.toSnapshot((value as [number, unknown])[1], true, now);
        if (snap === SKIP) continue;
        visit(st, keyGroupOf(key as Buffer), d.key, d.namespace, snap);
      }
    }
    return meta;
  } finally {
    await env.close();
  }
}

/** Changes of one state to apply to a staged store: `value` undefined = removed. */
export interface StagedChanges {
  name: string;
  kind: StateKind;
  ttlMs?: number;
  entries: Iterable<[keyGroup: number, key: Key, ns: Namespace, value: unknown]>;
}

/** Applies a chain's deltas to a staged store (before a backend adopts it), keeping its metadata true. */
export async function applyToStagedStore(
  dir: string,
  where: string,
  changes: readonly StagedChanges[],
  now: number,
): Promise<NativeStoreMeta> {
  const env = openEnv(dir);
  try {
    const meta = readStoreMeta(env, where);
    for (const ch of changes) {
      let st = meta.states.find((s) => s.name === ch.name);
      if (st === undefined) {
        st = { name: ch.name, kind: ch.kind, live: 0, seq: 0, ns: [] };
        if (ch.ttlMs !== undefined) st.ttlMs = ch.ttlMs;
        meta.states.push(st);
      }
      const table = st;
      const codec = createCodec(table.kind, table.ttlMs);
      const hasTtl = ch.ttlMs !== undefined;
      const counts = new Map<Namespace, number>(table.ns);
      const count = (ns: Namespace, d: number) => {
        table.live += d;
        const n = (counts.get(ns) ?? 0) + d;
        if (n <= 0) counts.delete(ns);
        else counts.set(ns, n);
      };
      const db = stateDb(env, table.name);
      db.transactionSync(() => {
        for (const [kg, key, ns, v] of ch.entries) {
          const k = encodeKey(kg, ns, key);
          const old = db.get(k) as [number, unknown] | undefined;
          if (v === undefined) {
            if (old !== undefined) {
              db.removeSync(k);
              count(ns, -1);
            }
            continue;
          }
          db.putSync(k, [old !== undefined ? old[0] : ++table.seq, codec.fromSnapshot(v, hasTtl, now)]);
          if (old === undefined) count(ns, 1);
        }
      });
      table.ns = [...counts];
    }
    writeStoreMeta(env, meta);
    return meta;
  } catch (e) {
    throw storeError(dir, 'apply the checkpoint deltas to the restored state store at', e);
  } finally {
    await env.close();
  }
}

/** Entries per write transaction when a restore copies key groups between stores. */
const COPY_BATCH = 16_384;

/**
 * Copies the entries of the key groups in `range` from a staged store (`srcDir`, a native snapshot's file) into
 * the store being built in `dstDir`, as raw bytes — nothing is decoded but each key's namespace, to count them.
 * A restore at another parallelism builds each new subtask's store this way from the old subtasks' files, in
 * ascending key-group order (so every state's entries are appended), without reading the state into memory.
 * `dstDir`'s metadata (created on the first call, for the store's key groups `storeRange`) gains the copied
 * entries' counts.
 */
export async function copyStagedRange(
  srcDir: string,
  where: string,
  dstDir: string,
  range: KeyGroupRange,
  storeRange: KeyGroupRange,
): Promise<NativeStoreMeta> {
  const src = openEnv(srcDir);
  let dst: RootDatabase | undefined;
  try {
    const from = readStoreMeta(src, where);
    dst = openEnv(dstDir);
    const existing = metaDb(dst).get(META_KEY) as NativeStoreMeta | undefined;
    const meta: NativeStoreMeta = existing ?? {
      format: 1,
      maxParallelism: from.maxParallelism,
      keyGroupRange: [storeRange.startKeyGroup, storeRange.endKeyGroup],
      states: [],
    };
    if (from.maxParallelism !== meta.maxParallelism)
      throw new Error(
        `${where}: written with maxParallelism ${from.maxParallelism}, the restore needs ${meta.maxParallelism}`,
      );
    const start = Math.max(range.startKeyGroup, from.keyGroupRange[0]);
    const end = Math.min(range.endKeyGroup, from.keyGroupRange[1]);
    for (const st of from.states) {
      let table = meta.states.find((s) => s.name === st.name);
      if (table === undefined) {
        table = { name: st.name, kind: st.kind, live: 0, seq: 0, ns: [] };
        if (st.ttlMs !== undefined) table.ttlMs = st.ttlMs;
        meta.states.push(table);
      } else if (table.kind !== st.kind)
        throw new Error(
          `${where}: state '${st.name}' is a ${st.kind} state here and a ${table.kind} state elsewhere`,
        );
      // the copied values keep their insertion sequence numbers: new ones continue past every source's
      table.seq = Math.max(table.seq, st.seq);
      if (start > end) continue;
      const counts = new Map<Namespace, number>(table.ns);
      const source = rawStateDb(src, st.name);
      const target = rawStateDb(dst, st.name);
      const it = source.getRange(keyGroupRangeBounds(start, end))[Symbol.iterator]() as Iterator<{
        key: Buffer;
        value: Buffer;
      }>;
      let run = 0;
      let runNs: Buffer | undefined;
      let runOf: Namespace = 0;
      let done = false;
      while (!done) {
        const batch: Array<[Buffer, Buffer]> = [];
        while (batch.length < COPY_BATCH) {
          const r = it.next();
          if (r.done) {
            done = true;
            break;
          }
          // the iterator reuses its buffers: copy them into the batch
          batch.push([Buffer.from(r.value.key), Buffer.from(r.value.value)]);
        }
        if (batch.length === 0) break;
        target.transactionSync(() => {
          for (const [k, v] of batch) target.putSync(k, v, { append: true } as never);
        });
        // entries come in (key group, namespace, key) order: a namespace is decoded once per run of it
        for (const [k] of batch) {
          const nsBytes = k.subarray(2, namespaceEnd(k));
          if (run === 0 || !nsBytes.equals(runNs!)) {
            if (run > 0) counts.set(runOf, (counts.get(runOf) ?? 0) + run);
            runNs = nsBytes;
            runOf = decodeKey(k).namespace;
            run = 0;
          }
          run++;
        }
        table.live += batch.length;
      }
      if (run > 0) counts.set(runOf, (counts.get(runOf) ?? 0) + run);
      table.ns = [...counts];
    }
    writeStoreMeta(dst, meta);
    return meta;
  } catch (e) {
    throw storeError(dstDir, `copy the key groups of ${where} into the restored`, e);
  } finally {
    await src.close();
    await dst?.close();
  }
}
