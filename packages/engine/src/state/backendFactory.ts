/**
 * Where keyed operators obtain their state backend: `settings.stateBackend` ("heap" | "disk") picks the
 * implementation behind the same `KeyedStateBackend` interface.
 */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDiskKeyedStateBackend } from './disk/DiskKeyedStateBackend';
import { createHeapKeyedStateBackend } from './HeapKeyedStateBackend';
import type { KeyGroupRange } from './keyGroups';
import type { KeyedStateBackend } from './types';

export type StateBackendKind = 'heap' | 'disk';

/** The job-wide choice (JobOptions / the spec's settings). */
export interface StateBackendConfig {
  kind: StateBackendKind;
  /** Disk backend: where the stores go (default `<os tmpdir>/flowstate-state/<jobId>`). */
  stateDir?: string;
  /** Disk backend: cache entries per state before a write batch (default: a share of the heap budget). */
  cacheEntries?: number;
  /** Disk backend: full checkpoints of at least this many entries are LMDB files (default 100 000). */
  nativeMinEntries?: number;
  /** Names the job in the store's directory. */
  jobId?: string;
  /** Called with every backend created (the job disposes the disk ones when it ends). */
  onCreated?: (b: KeyedStateBackend) => void;
}

export interface KeyedBackendParams {
  maxParallelism: number;
  keyGroupRange: KeyGroupRange;
  nowMs: () => number;
  /** e.g. `<nodeId>-<subtask>` */
  label: string;
}

let testOverride: StateBackendKind | undefined;

/**
 * Test hook: the backend of every job that does not choose one in its JobOptions (the engine's whole-job tests
 * run once per backend; see vitest.config.ts).
 */
export function setStateBackendForTests(kind: StateBackendKind | undefined): void {
  testOverride = kind;
}

export function stateBackendOverride(): StateBackendKind | undefined {
  return testOverride;
}

export function defaultStateDir(jobId: string | undefined): string {
  return join(tmpdir(), 'flowstate-state', (jobId ?? 'job').replace(/[^A-Za-z0-9._-]/g, '_'));
}

export function createKeyedStateBackend(
  config: StateBackendConfig | undefined,
  p: KeyedBackendParams,
): KeyedStateBackend {
  let b: KeyedStateBackend;
  if (config?.kind === 'disk') {
    b = createDiskKeyedStateBackend({
      maxParallelism: p.maxParallelism,
      keyGroupRange: p.keyGroupRange,
      nowMs: p.nowMs,
      stateDir: config.stateDir ?? defaultStateDir(config.jobId),
      label: p.label,
      ...(config.cacheEntries !== undefined ? { cacheEntries: config.cacheEntries } : {}),
      ...(config.nativeMinEntries !== undefined ? { nativeMinEntries: config.nativeMinEntries } : {}),
    });
  } else {
    b = createHeapKeyedStateBackend({
      maxParallelism: p.maxParallelism,
      keyGroupRange: p.keyGroupRange,
      nowMs: p.nowMs,
    });
  }
  config?.onCreated?.(b);
  return b;
}
