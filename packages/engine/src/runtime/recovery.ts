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

/** Loads the checkpoint `target` names; `latest` skips invalid ones, each reported through `notice`. */
export async function loadRestoreTarget(
  storage: CheckpointStorage,
  jobId: string,
  target: RestoreTarget,
  notice: (message: string) => void,
): Promise<LoadedCheckpoint> {
  if (target === 'latest') {
    const cp = await storage.loadLatestValid(jobId, {
      onSkip: (l, e) => notice(`skipping ${l.location.path}: ${e.message}`),
    });
    if (!cp) throw new Error(`there is no valid checkpoint of job '${jobId}' to restore`);
    return cp;
  }
  // A chosen checkpoint's large store files are checked while the restore copies them and applies the
  // deltas: a wrong checksum still fails the restore, only later (it has nothing to fall back to). `latest`
  // above verifies every file of each candidate before choosing it.
  return 'path' in target
    ? storage.load({ path: target.path }, { deferStores: true })
    : storage.load({ jobId, checkpointId: target.checkpointId }, { deferStores: true });
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
