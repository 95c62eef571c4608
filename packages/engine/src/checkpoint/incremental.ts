/**
 * Files of incremental checkpoints (the disk state backend) and how a restore reads them.
 *
 * A subtask's keyed state is a chain of shared files (`SubtaskStateRef.shared`): a full snapshot, then deltas,
 * each written once by one checkpoint and referred to by the later ones. A shared file is a state file (see
 * state-file.ts: JSON lines, a header, one section per key group, indexed by byte offset in the metadata) whose
 * sections may also list removed entries:
 *
 *   line 0: header  { "format": 1, "incremental": "full" | "delta", "nodeId", "subtask", "maxParallelism",
 *                     "keyGroupRange", "states": [{ "name", "kind", "ttlMs"? }] }
 *   line k: section { "g": keyGroup, "s": [entries of state i | null], "d": [removed of state i | null] }
 *
 * A restore reads, for the key groups it now owns, the sections of every file of the chain in order and applies
 * them (later entries replace earlier ones; removed ones go) — whatever the parallelism was.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncrementalSnapshotInfo } from '../state/disk/DiskKeyedStateBackend';
import {
  applyToStagedStore,
  copyStagedRange,
  type NativeStoreMeta,
  readStagedStore,
  removeStaged,
  type StagedChanges,
  stageSharedFile,
} from '../state/disk/native';
import { trackDir, uniqueDir } from '../state/disk/store';
import {
  type ColumnarEntries,
  type Key,
  type KeyedStateSnapshotData,
  type KeyedStateSnapshotStateData,
  KeyGroupRange,
  type Namespace,
  type StateKind,
} from '../state/index';
import type { CheckpointWriter, LoadedCheckpoint, SharedStateRef } from './storage/index';

interface Removed {
  keys: Key[];
  namespaces: Namespace[];
}

interface SharedHeader {
  format: 1;
  incremental: 'full' | 'delta';
  nodeId: string;
  subtask: number;
  maxParallelism: number;
  keyGroupRange: [number, number];
  states: Array<{ name: string; kind: StateKind; ttlMs?: number }>;
}

interface SharedSection {
  g: number;
  s: Array<ColumnarEntries | null>;
  d?: Array<Removed | null>;
}

export interface SharedFileContent {
  chunks: Iterable<string>;
  /** Key group of each chunk after the header (filled as the chunks are produced). */
  keyGroups: number[];
}

/** The chunks of the shared file of one subtask's incremental snapshot. */
export function sharedFileContent(
  nodeId: string,
  subtask: number,
  keyed: KeyedStateSnapshotData,
  inc: IncrementalSnapshotInfo,
): SharedFileContent {
  const header: SharedHeader = {
    format: 1,
    incremental: inc.mode,
    nodeId,
    subtask,
    maxParallelism: keyed.maxParallelism,
    keyGroupRange: keyed.keyGroupRange,
    states: keyed.states.map((s) => ({
      name: s.name,
      kind: s.kind,
      ...(s.ttlMs !== undefined ? { ttlMs: s.ttlMs } : {}),
    })),
  };
  const byGroup = new Map<number, SharedSection>();
  const n = keyed.states.length;
  const section = (g: number) => {
    let sec = byGroup.get(g);
    if (!sec) byGroup.set(g, (sec = { g, s: new Array(n).fill(null) }));
    return sec;
  };
  keyed.states.forEach((st, i) => {
    for (const [g, entries] of st.byKeyGroup) section(g).s[i] = entries as ColumnarEntries;
  });
  inc.removed().forEach((perGroup, i) => {
    for (const [g, r] of perGroup as Array<[number, Removed]>) {
      const sec = section(g);
      sec.d ??= new Array(n).fill(null);
      sec.d[i] = r;
    }
  });
  const groups = [...byGroup.keys()].sort((a, b) => a - b);
  const keyGroups: number[] = [];
  function* chunks(): Iterable<string> {
    yield `${JSON.stringify(header)}\n`;
    for (const g of groups) {
      keyGroups.push(g);
      yield `${JSON.stringify(byGroup.get(g))}\n`;
    }
  }
  return { chunks: chunks(), keyGroups };
}

/**
 * Writes one subtask's incremental snapshot as a shared file of `writer` and returns its ref: an LMDB file for a
 * native full snapshot (`inc.native`), else JSON-lines sections of `data`. The files it builds on are pinned
 * until the checkpoint is written (retention cannot take them).
 */
export async function writeSharedSnapshot(
  writer: CheckpointWriter,
  nodeId: string,
  subtask: number,
  checkpointId: number,
  data: KeyedStateSnapshotData | undefined,
  inc: IncrementalSnapshotInfo,
): Promise<SharedStateRef> {
  const suffix = `${nodeId}-${subtask}-chk${checkpointId}-${inc.mode}-${Math.random().toString(36).slice(2, 10)}`;
  writer.pinSharedFiles?.(inc.base.map((b) => b.name));
  // a savepoint's snapshot goes in its own directory (`exclusive`), a checkpoint's in the job's shared one
  const write = (name: string, chunks: Parameters<CheckpointWriter['writeStateFile']>[1]) =>
    inc.exclusive === true ? writer.writeStateFile(name, chunks) : writer.writeSharedFile(name, chunks);
  const exclusive = inc.exclusive === true ? { exclusive: true as const } : {};
  if (inc.native !== undefined) {
    // a full snapshot as the store's own LMDB file: a restore at the same key groups takes it as it is
    const sf = await write(`${suffix}.lmdb`, inc.native.chunks());
    return {
      name: sf.name,
      size: sf.size,
      sha256: sf.sha256,
      checkpointId,
      full: true,
      keyGroupIndex: [],
      format: 'lmdb',
      ...exclusive,
    };
  }
  if (data === undefined) throw new Error('internal: a JSON-lines shared file needs the snapshot data');
  const shared = sharedFileContent(nodeId, subtask, data, inc);
  const sf = await write(`${suffix}.state`, shared.chunks);
  return {
    name: sf.name,
    size: sf.size,
    sha256: sf.sha256,
    checkpointId,
    full: inc.mode === 'full',
    keyGroupIndex: shared.keyGroups.map((g, i) => {
      const start = sf.offsets[i + 1]!;
      const end = sf.offsets[i + 2] ?? sf.size;
      return [g, start, end - start] as [number, number, number];
    }),
    ...exclusive,
  };
}

const decoder = new TextDecoder();

function entryId(ns: Namespace, key: Key): string {
  return `${typeof ns === 'number' ? 'n' : 's'}${ns}\u0000${typeof key}:${String(key)}`;
}

/** Reads the wanted key groups of one shared file: its header and sections. */
async function readShared(
  cp: LoadedCheckpoint,
  ref: SharedStateRef,
  range: KeyGroupRange,
): Promise<{ header: SharedHeader; sections: SharedSection[] }> {
  const index = ref.keyGroupIndex;
  const firstOffset = index.length > 0 ? index[0]![1] : ref.size;
  const where = `shared/${ref.name} (checkpoint ${cp.metadata.checkpointId})`;
  const parse = <T>(line: string): T => {
    try {
      return JSON.parse(line) as T;
    } catch (e) {
      throw new Error(`${where}: not valid JSON (${(e as Error).message})`);
    }
  };
  const header = parse<SharedHeader>(
    decoder.decode(await cp.readSharedFileRange(ref.name, 0, firstOffset)).trimEnd(),
  );
  if (header.format !== 1 || !Array.isArray(header.states))
    throw new Error(`${where}: not a flowstate shared state file`);
  const wanted = index.filter(([g]) => range.contains(g));
  const sections: SharedSection[] = [];
  let i = 0;
  while (i < wanted.length) {
    let j = i;
    while (j + 1 < wanted.length && wanted[j + 1]![1] === wanted[j]![1] + wanted[j]![2]) j++;
    const start = wanted[i]![1];
    const end = wanted[j]![1] + wanted[j]![2];
    const text = decoder.decode(await cp.readSharedFileRange(ref.name, start, end - start));
    for (const line of text.split('\n')) if (line.length > 0) sections.push(parse<SharedSection>(line));
    i = j + 1;
  }
  return { header, sections };
}

type EntryMap = Map<string, [Key, Namespace, unknown]>;
type StateMaps = Map<string, { info: SharedHeader['states'][number]; groups: Map<number, EntryMap> }>;

/** Where a restore stages an `lmdb` shared file it reads (not adopts), and the time TTLs are judged at. */
export interface SharedReadOptions {
  scratchDir?: string;
  now?: number;
}

/**
 * Applies JSON-lines shared files (`files`, in chain order) to `states`: later entries replace earlier ones;
 * removed entries go — or, with `keepRemoved`, stay as `[key, ns, undefined]` (changes to apply to a store).
 */
async function applyFiles(
  cp: LoadedCheckpoint,
  files: readonly SharedStateRef[],
  range: KeyGroupRange,
  states: StateMaps,
  keepRemoved: boolean,
): Promise<number | undefined> {
  let maxParallelism: number | undefined;
  for (const ref of files) {
    if (ref.format === 'lmdb')
      throw new Error(`shared/${ref.name}: an LMDB snapshot can only be the first file of a chain`);
    const { header, sections } = await readShared(cp, ref, range);
    maxParallelism = header.maxParallelism;
    for (const info of header.states) {
      const st = states.get(info.name);
      if (st === undefined) states.set(info.name, { info, groups: new Map() });
      else st.info = info;
    }
    for (const sec of sections) {
      header.states.forEach((info, i) => {
        const st = states.get(info.name)!;
        let g = st.groups.get(sec.g);
        if (g === undefined) st.groups.set(sec.g, (g = new Map()));
        const removed = sec.d?.[i];
        if (removed)
          for (let k = 0; k < removed.keys.length; k++) {
            const id = entryId(removed.namespaces[k]!, removed.keys[k]!);
            if (keepRemoved) g.set(id, [removed.keys[k]!, removed.namespaces[k]!, undefined]);
            else g.delete(id);
          }
        const e = sec.s[i];
        if (e)
          for (let k = 0; k < e.keys.length; k++) {
            const ns = e.namespaces ? e.namespaces[k]! : (e.namespace as Namespace);
            g.set(entryId(ns, e.keys[k]!), [e.keys[k]!, ns, e.values[k]]);
          }
      });
    }
  }
  return maxParallelism;
}

/** Copies an `lmdb` shared file of `cp` (verified by its checksum first) into `dir` as its data file. */
export function stageShared(cp: LoadedCheckpoint, ref: SharedStateRef, dir: string): Promise<void> {
  return stageSharedFile((dest) => cp.copySharedFileTo(ref.name, dest), dir);
}

/**
 * The keyed state of one old subtask as of checkpoint `cp`, for the key groups in `range`: its chain of shared
 * files applied in order (an `lmdb` base is staged in a scratch directory and read). Throws (a
 * CheckpointCorruptedError naming the file) when a file's checksum is wrong.
 */
export async function readSharedChain(
  cp: LoadedCheckpoint,
  chain: readonly SharedStateRef[],
  keyGroupRange: [number, number],
  range: KeyGroupRange,
  opts: SharedReadOptions = {},
): Promise<KeyedStateSnapshotData> {
  const states: StateMaps = new Map();
  let maxParallelism = cp.metadata.maxParallelism;
  let files = chain;
  const base = chain[0];
  if (base?.format === 'lmdb') {
    const dir = uniqueDir(
      opts.scratchDir ?? join(tmpdir(), 'flowstate-restore'),
      `read-${base.checkpointId}`,
    );
    await stageShared(cp, base, dir);
    try {
      const meta = await readStagedStore(
        dir,
        `shared/${base.name} (checkpoint ${cp.metadata.checkpointId})`,
        range,
        opts.now ?? Date.now(),
        (st, kg, key, ns, value) => {
          let s = states.get(st.name);
          if (s === undefined) {
            const info: SharedHeader['states'][number] = { name: st.name, kind: st.kind };
            if (st.ttlMs !== undefined) info.ttlMs = st.ttlMs;
            states.set(st.name, (s = { info, groups: new Map() }));
          }
          let g = s.groups.get(kg);
          if (g === undefined) s.groups.set(kg, (g = new Map()));
          g.set(entryId(ns, key), [key, ns, value]);
        },
      );
      maxParallelism = meta.maxParallelism;
      for (const st of meta.states) {
        if (states.has(st.name)) continue;
        const info: SharedHeader['states'][number] = { name: st.name, kind: st.kind };
        if (st.ttlMs !== undefined) info.ttlMs = st.ttlMs;
        states.set(st.name, { info, groups: new Map() });
      }
    } finally {
      removeStaged(dir);
    }
    files = chain.slice(1);
  }
  maxParallelism = (await applyFiles(cp, files, range, states, false)) ?? maxParallelism;
  const out: KeyedStateSnapshotStateData[] = [];
  for (const { info, groups } of states.values()) {
    const byKeyGroup: KeyedStateSnapshotStateData['byKeyGroup'] = [];
    for (const g of [...groups.keys()].sort((a, b) => a - b)) {
      const m = groups.get(g)!;
      if (m.size > 0) byKeyGroup.push([g, [...m.values()]]);
    }
    out.push({
      name: info.name,
      kind: info.kind,
      ...(info.ttlMs !== undefined ? { ttlMs: info.ttlMs } : {}),
      byKeyGroup,
    });
  }
  return { maxParallelism, keyGroupRange, states: out };
}

/** The entries `applyFiles` collected (with `keepRemoved`), as changes to apply to a staged store. */
function stagedChangesOf(states: StateMaps): StagedChanges[] {
  return [...states.values()].map(({ info, groups }) => ({
    name: info.name,
    kind: info.kind,
    ...(info.ttlMs !== undefined ? { ttlMs: info.ttlMs } : {}),
    entries: (function* () {
      for (const [kg, m] of groups)
        for (const [key, ns, v] of m.values()) yield [kg, key, ns, v] as [number, Key, Namespace, unknown];
    })(),
  }));
}

/**
 * A chain whose base is an `lmdb` file, restored by a disk backend of the same key-group range: the base is
 * copied into `dir` (in the job's state directory) and the deltas are applied to it there; the backend adopts
 * the directory as its store (state/disk/native.ts). Nothing is re-inserted but the deltas' keys.
 */
export async function stageChainForAdoption(
  cp: LoadedCheckpoint,
  chain: readonly SharedStateRef[],
  keyGroupRange: [number, number],
  dir: string,
  now: number,
): Promise<KeyedStateSnapshotData> {
  const base = chain[0]!;
  const where = `shared/${base.name} (checkpoint ${cp.metadata.checkpointId})`;
  const states: StateMaps = new Map();
  const range = KeyGroupRange.of(keyGroupRange[0], keyGroupRange[1]);
  // The deltas are read and parsed while the kernel copies the base file. The base's checksum may still be
  // being checked meanwhile (a `load` with `deferStores`): the deltas are applied to the copy, and the store
  // is handed over only once the check passed.
  let verified: Promise<void> = Promise.resolve();
  const [staged, read] = await Promise.allSettled([
    stageSharedFile(async (dest) => {
      verified = (await cp.stageSharedFileTo(base.name, dest)).verified;
    }, dir),
    applyFiles(cp, chain.slice(1), range, states, true),
  ]);
  try {
    if (staged.status === 'rejected') throw staged.reason;
    if (read.status === 'rejected') throw read.reason;
    const changes = stagedChangesOf(states);
    const [applied, checked] = await Promise.allSettled([
      applyToStagedStore(dir, where, changes, now),
      verified,
    ]);
    if (checked.status === 'rejected') throw checked.reason;
    if (applied.status === 'rejected') throw applied.reason;
    const meta = applied.value;
    return { maxParallelism: meta.maxParallelism, keyGroupRange, states: [], store: { dir, meta } };
  } catch (e) {
    // a failed check rejects `verified` whatever else went wrong: nothing is left unhandled
    verified.catch(() => {});
    removeStaged(dir);
    throw e;
  }
}

/** What `stageRescaledStore` builds a new subtask's store from: the chain of one old subtask. */
export interface RescalePart {
  chain: readonly SharedStateRef[];
  keyGroupRange: [number, number];
}

/**
 * A restore at another parallelism into a disk backend: the store of a new subtask owning `range` is built in
 * `dir` from the chains of the old subtasks it overlaps (`parts`, in key-group order) without reading the state
 * into memory. The entries of an old `lmdb` base (staged once by `stageBase` and shared by the new subtasks)
 * are copied as raw bytes, key group by key group; the deltas of the range, and a base written as sections
 * (a small state), are applied on top. The backend then adopts `dir` as its store, as at the same parallelism.
 */
export async function stageRescaledStore(
  cp: LoadedCheckpoint,
  parts: readonly RescalePart[],
  range: KeyGroupRange,
  dir: string,
  now: number,
  stageBase: (base: SharedStateRef) => Promise<string>,
): Promise<KeyedStateSnapshotData> {
  trackDir(dir);
  try {
    let meta: NativeStoreMeta | undefined;
    const changes: StagedChanges[] = [];
    for (const part of parts) {
      const old = KeyGroupRange.of(part.keyGroupRange[0], part.keyGroupRange[1]);
      const wanted = old.intersect(range);
      if (wanted.numberOfKeyGroups === 0) continue;
      const base = part.chain[0]!;
      let files = part.chain;
      if (base.format === 'lmdb') {
        const where = `shared/${base.name} (checkpoint ${cp.metadata.checkpointId})`;
        meta = await copyStagedRange(await stageBase(base), where, dir, wanted, range);
        files = part.chain.slice(1);
      }
      const states: StateMaps = new Map();
      await applyFiles(cp, files, wanted, states, true);
      changes.push(...stagedChangesOf(states));
    }
    if (meta === undefined) throw new Error('internal: a rescaled store needs an LMDB base');
    const name = `the store restored for key groups [${range.startKeyGroup}, ${range.endKeyGroup}]`;
    meta = await applyToStagedStore(dir, name, changes, now);
    return {
      maxParallelism: meta.maxParallelism,
      keyGroupRange: meta.keyGroupRange,
      states: [],
      store: { dir, meta },
    };
  } catch (e) {
    removeStaged(dir);
    throw e;
  }
}
