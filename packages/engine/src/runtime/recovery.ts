/**
 * What a restore (on start, after a failure, or by request) reads and rolls back, apart from rebuilding the
 * execution (the Job's): which checkpoint a target names, the retained checkpoints it brings back into the
 * coordinator's history, an empty restore for a start from scratch, and the collect sinks' rows rolled back to
 * exactly what the checkpoint covered.
 */
import type { CompletedCheckpoint } from '../checkpoint/coordinator';
import type {
  CheckpointListing,
  CheckpointMetadata,
  CheckpointStorage,
  LoadedCheckpoint,
} from '../checkpoint/storage/index';
import type { PhysicalPlan } from '../plan/plan';
import type { CollectStore } from './collect';
import type { RestoreData } from './execution';
import type { RestoreTarget } from './job-types';

/**
 * Loads the checkpoint `target` names, for a chosen checkpoint or path. Its large store files (the disk
 * backend's LMDB bases) are checked while the restore copies them and applies the deltas: a wrong checksum
 * still fails the restore, only later. `latest` goes through `restoreLatest`, which can fall back.
 */
export function loadRestoreTarget(
  storage: CheckpointStorage,
  jobId: string,
  target: Exclude<RestoreTarget, 'latest'>,
): Promise<LoadedCheckpoint> {
  return 'path' in target
    ? storage.load({ path: target.path }, { deferStores: true })
    : storage.load({ jobId, checkpointId: target.checkpointId }, { deferStores: true });
}

/**
 * Restores the newest checkpoint or savepoint of `jobId` that restores (`restore` does the restoring) and
 * resolves with it, or with undefined when none does. One that fails its checks is skipped, reported through
 * `notice` with the reason: an invalid listing, a file that fails its check on load, or a store file whose
 * deferred check fails while `restore` stages it (`deferStores`, so that a large base is hashed while it is
 * copied rather than before). Any other error from `restore` is thrown: it is not the checkpoint's fault.
 */
export function restoreLatest(
  storage: CheckpointStorage,
  jobId: string,
  notice: (message: string) => void,
  restore: (cp: LoadedCheckpoint) => Promise<void>,
): Promise<LoadedCheckpoint | undefined> {
  return storage.loadLatestValid(jobId, {
    deferStores: true,
    use: restore,
    onSkip: (l, e) => notice(`skipping ${l.location.path}: ${e.message}`),
  });
}

/** The completed checkpoints (not savepoints) up to `upTo` found in storage, oldest first. */
export function retainedUpTo(listed: readonly CheckpointListing[], upTo: number): CompletedCheckpoint[] {
  return listed
    .filter(
      (l) =>
        l.status === 'completed' &&
        l.metadata &&
        l.location.kind === 'checkpoint' &&
        l.location.checkpointId <= upTo,
    )
    .map((l) => completedOf(l.metadata!, l.location.path, l.sizeBytes))
    .reverse();
}

export function completedOf(m: CheckpointMetadata, path: string, sizeBytes: number): CompletedCheckpoint {
  return {
    checkpointId: m.checkpointId,
    kind: m.kind,
    trigger: m.trigger,
    timestamp: m.timestamp,
    durationMs: m.durationMs,
    sizeBytes: sizeBytes || m.totalSize,
    ...(m.fullSize !== undefined ? { fullSizeBytes: m.fullSize } : {}),
    ...(m.incrementalSize !== undefined ? { incrementalSizeBytes: m.incrementalSize } : {}),
    path,
  };
}

/** Every operator subtask restores from "nothing" (a start from scratch: sinks drop what they had not committed). */
export function emptyRestoreData(plan: PhysicalPlan): RestoreData {
  const empty: RestoreData = new Map();
  for (const [id, lop] of plan.operators) {
    empty.set(
      id,
      Array.from({ length: lop.parallelism }, () => ({
        checkpointId: 0,
        keyed: [],
        timers: [],
        operatorStates: [],
      })),
    );
  }
  return empty;
}

/** Collect sinks keep exactly the rows the checkpoint covered (per writer tag, frozen tags included). */
export function rollbackCollectStores(
  stores: ReadonlyMap<string, CollectStore>,
  m: CheckpointMetadata,
): void {
  for (const op of m.operators) {
    const store = stores.get(op.nodeId);
    if (!store) continue;
    const keep: Record<string, number> = {};
    for (const s of op.subtasks) {
      const st = s.operatorState as
        | { tag?: string; count?: number; frozen?: Record<string, number> }
        | undefined;
      if (st?.tag !== undefined && st.count !== undefined) keep[st.tag] = st.count;
      if (st?.frozen) Object.assign(keep, st.frozen);
    }
    store.rollback(keep);
  }
  // A collect sink the checkpoint does not know (no rows then): empty it.
  for (const [nodeId, store] of stores) {
    if (!m.operators.some((o) => o.nodeId === nodeId)) store.clear();
  }
}
