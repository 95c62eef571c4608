import type { PhysicalPlan } from '../plan/plan';
import type { RestoreData } from '../runtime/execution';
import type { OperatorRestore } from '../runtime/operator';
import { removeStaged } from '../state/disk/native';
import { uniqueDir } from '../state/disk/store';
import { KeyGroupRange, KeyGroupRangeAssignment } from '../state/index';
import { readSharedChain, stageChainForAdoption, stageRescaledStore, stageShared } from './incremental';
import { parseBinarySections, parseHeader, parseSections } from './state-file';
import type { LoadedCheckpoint, SharedStateRef, SubtaskStateRef } from './storage/index';

const decoder = new TextDecoder();

export interface RestoreOptions {
  /**
   * The job runs the disk backend with its stores in this directory: a subtask whose key groups are those of
   * a checkpointed subtask with an LMDB snapshot gets the file staged there, to adopt as its store.
   */
  adoptInto?: string;
  /** The time TTLs are judged at when snapshot values are read (default: now). */
  now?: number;
  /**
   * The checkpoint is the job's own, in the storage its next checkpoints go to (a failover, `latest`, a
   * retained checkpoint by id): an adopted store continues its chain, so the next checkpoint is a delta on it,
   * as Flink's incremental RocksDB backend goes on after a failover. Otherwise (a path, a savepoint) the first
   * checkpoint is full and depends on nothing restored: Flink's `NO_CLAIM` restore mode.
   */
  continueChain?: boolean;
}

/**
 * Turns a loaded (verified) checkpoint into what each operator subtask of `plan` restores, at the plan's
 * parallelism — which may differ from the checkpoint's: keyed state and timers are redistributed by key
 * group (each new subtask reads only the sections of the key groups it now owns), operator state goes to
 * every subtask (union), and a node that is not in the checkpoint starts empty. `only`: the nodes whose state
 * is restored (what `checkRestoreCompatibility` allows); every other node starts empty.
 */
export async function restoreDataFor(
  plan: PhysicalPlan,
  cp: LoadedCheckpoint,
  only?: ReadonlySet<string>,
  opts: RestoreOptions = {},
): Promise<RestoreData> {
  const meta = cp.metadata;
  if (meta.maxParallelism !== plan.maxParallelism) {
    throw new Error(
      `checkpoint ${meta.checkpointId} was taken with maxParallelism ${meta.maxParallelism}, the job has ${plan.maxParallelism}: key groups cannot be mapped (keep maxParallelism fixed across restores)`,
    );
  }
  const out: RestoreData = new Map();
  // Stores staged for adoption so far: if a later subtask's restore fails (a base file that fails its check
  // while it is staged), nothing adopts them, so they are removed here rather than left in the state directory.
  const staged: string[] = [];
  // A restore at another parallelism into disk backends: each old LMDB base is staged once, in a scratch
  // directory, and read by every new subtask that owns some of its key groups; removed at the end.
  const bases = new Map<string, Promise<string>>();
  const stageBase = (base: SharedStateRef): Promise<string> => {
    let p = bases.get(base.name);
    if (p === undefined) {
      const dir = uniqueDir(opts.adoptInto!, `rescale-${base.checkpointId}`);
      p = stageShared(cp, base, dir).then(() => dir);
      bases.set(base.name, p);
    }
    return p;
  };
  try {
    for (const op of meta.operators) {
      const lop = plan.operators.get(op.nodeId);
      if (!lop) continue; // the node was removed from the spec
      if (only && !only.has(op.nodeId)) continue; // dropped: it starts empty
      const p = lop.parallelism;
      const operatorStates = op.subtasks
        .filter((s) => s.operatorState !== undefined)
        .map((s) => ({ subtask: s.subtask, parallelism: op.parallelism, state: s.operatorState }));
      const perSubtask: OperatorRestore[] = [];
      for (let j = 0; j < p; j++) {
        const range = KeyGroupRangeAssignment.computeKeyGroupRangeForOperatorIndex(plan.maxParallelism, p, j);
        const r: OperatorRestore = { checkpointId: meta.checkpointId, keyed: [], timers: [], operatorStates };
        const overlapping = op.subtasks.filter(
          (s) =>
            s.file !== undefined &&
            s.keyGroupRange !== undefined &&
            KeyGroupRange.of(s.keyGroupRange[0], s.keyGroupRange[1]).intersect(range).numberOfKeyGroups > 0,
        );
        const sameRange =
          overlapping.length === 1 &&
          overlapping[0]!.keyGroupRange![0] === range.startKeyGroup &&
          overlapping[0]!.keyGroupRange![1] === range.endKeyGroup;
        if (
          opts.adoptInto !== undefined &&
          !sameRange &&
          overlapping.every((s) => (s.shared?.length ?? 0) > 0) &&
          overlapping.some((s) => s.shared![0]!.format === 'lmdb')
        ) {
          // another parallelism, a disk backend, large state: a new store built from the old files, entries
          // copied as bytes (never all in memory at once); the old files' timers are read as usual
          const dir = uniqueDir(opts.adoptInto, `restore-${op.nodeId}-${j}`);
          staged.push(dir);
          const parts = overlapping
            .map((s) => ({ chain: s.shared!, keyGroupRange: s.keyGroupRange! }))
            .sort((a, b) => a.keyGroupRange[0] - b.keyGroupRange[0]);
          r.keyed.push(await stageRescaledStore(cp, parts, range, dir, opts.now ?? Date.now(), stageBase));
          for (const s of overlapping) r.timers.push((await readSections(cp, s, range)).timers);
          perSubtask.push(r);
          continue;
        }
        for (const s of overlapping) {
          const keyGroupRange = s.keyGroupRange!;
          const parsed = await readSections(cp, s, range);
          // incremental (disk backend): the keyed state is the chain of shared files; the file holds the timers
          const chain = s.shared;
          if (chain !== undefined && chain.length > 0) {
            if (opts.adoptInto !== undefined && sameRange && chain[0]!.format === 'lmdb') {
              // a disk backend of the same key groups takes the store file as it is
              const dir = uniqueDir(opts.adoptInto, `restore-${op.nodeId}-${j}`);
              const adopted = await stageChainForAdoption(
                cp,
                chain,
                keyGroupRange,
                dir,
                opts.now ?? Date.now(),
              );
              staged.push(dir);
              if (opts.continueChain === true && chain.every((f) => f.exclusive !== true))
                adopted.store!.continues = { checkpointId: meta.checkpointId, chain: [...chain] };
              r.keyed.push(adopted);
            } else
              r.keyed.push(
                await readSharedChain(cp, chain, keyGroupRange, range, {
                  ...(opts.adoptInto !== undefined ? { scratchDir: opts.adoptInto } : {}),
                  ...(opts.now !== undefined ? { now: opts.now } : {}),
                }),
              );
          } else r.keyed.push(parsed.keyed);
          r.timers.push(parsed.timers);
        }
        perSubtask.push(r);
      }
      out.set(op.nodeId, perSubtask);
    }
  } catch (e) {
    for (const dir of staged) removeStaged(dir);
    throw e;
  } finally {
    for (const p of bases.values()) await p.then(removeStaged, () => {});
  }
  return out;
}

/** Reads the header and the sections of the key groups in `range` of one old subtask's state file. */
async function readSections(cp: LoadedCheckpoint, s: SubtaskStateRef, range: KeyGroupRange) {
  const file = s.file!;
  const name = `${cp.location.path}/${file.name}`;
  const index = s.keyGroupIndex ?? [];
  const firstOffset = index.length > 0 ? index[0]![1] : file.size;
  const header = decoder.decode(await cp.readStateFileRange(file.name, 0, firstOffset)).trimEnd();
  const binary = parseHeader(name, header).format === 2;
  const wanted = index.filter(([g]) => range.contains(g));
  const lines: string[] = [];
  const sections: Uint8Array[] = [];
  // Read contiguous runs of wanted sections in one go.
  let i = 0;
  while (i < wanted.length) {
    let j = i;
    while (j + 1 < wanted.length && wanted[j + 1]![1] === wanted[j]![1] + wanted[j]![2]) j++;
    const start = wanted[i]![1];
    const end = wanted[j]![1] + wanted[j]![2];
    const bytes = await cp.readStateFileRange(file.name, start, end - start);
    if (binary) {
      // binary sections are delimited by the index, not by newlines
      for (let k = i; k <= j; k++) {
        const [, off, len] = wanted[k]!;
        if (off - start + len > bytes.length)
          throw new Error(`${name}: section of key group ${wanted[k]![0]} is cut short`);
        sections.push(bytes.subarray(off - start, off - start + len));
      }
    } else {
      for (const line of decoder.decode(bytes).split('\n')) if (line.length > 0) lines.push(line);
    }
    i = j + 1;
  }
  return binary
    ? parseBinarySections(name, header, sections, range)
    : parseSections(name, header, lines, range);
}
