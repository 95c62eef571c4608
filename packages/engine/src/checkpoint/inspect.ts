/**
 * Opening a checkpoint (or savepoint) to read the state it holds, without running anything: what
 * `flowstate state` and the server's "state in checkpoint n" view both do. The directory (or its `_metadata`)
 * is read, the job is built from the spec given or the one the checkpoint carries, and only its keyed state is
 * restored (sources and sinks are not opened: no file is touched).
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Job } from '../runtime/job';
import { createFsCheckpointStorage } from './storage/fs';
import { METADATA_FILE } from './storage/layout';
import { parseCheckpointMetadataText } from './storage/metadata';
import type { CheckpointMetadata } from './storage/types';

/** What cannot be opened, and why: `NOT_A_CHECKPOINT` (no readable `_metadata`) or `NO_SPEC`. */
export class CheckpointInspectionError extends Error {
  override readonly name = 'CheckpointInspectionError';
  constructor(
    readonly code: 'NOT_A_CHECKPOINT' | 'NO_SPEC',
    message: string,
  ) {
    super(message);
  }
}

export interface InspectedCheckpoint {
  /** A job that never runs, holding the checkpoint's keyed state (`queryState`, `stateOfKey`). */
  job: Job;
  metadata: CheckpointMetadata;
  /** The checkpoint's directory. */
  dir: string;
}

/**
 * Opens checkpoint `path` (a `chk-n`/`savepoint-n` directory under `<storage>/<jobId>/`, or its `_metadata`)
 * for reading. `spec`: the spec to read its state with (default: the one stored in the checkpoint). Verifies the
 * state files' checksums; throws CheckpointInspectionError, or the storage's CheckpointCorruptedError.
 */
export async function openCheckpointForInspection(
  path: string,
  opts: { spec?: unknown } = {},
): Promise<InspectedCheckpoint> {
  const dir = basename(path) === METADATA_FILE ? dirname(path) : path;
  let text: string;
  try {
    text = await readFile(join(dir, METADATA_FILE), 'utf8');
  } catch (e) {
    throw new CheckpointInspectionError(
      'NOT_A_CHECKPOINT',
      `${dir} is not a checkpoint: ${(e as Error).message}`,
    );
  }
  const metadata = parseCheckpointMetadataText(text, dir);
  const spec = opts.spec ?? metadata.spec;
  if (spec === undefined || spec === null) {
    throw new CheckpointInspectionError(
      'NO_SPEC',
      `checkpoint ${dir} does not carry its job spec: pass the spec to read its state with`,
    );
  }
  // `<storage>/<jobId>/chk-<n>`: the storage is two levels up.
  const job = Job.fromSpec(spec, {
    checkpointStorage: createFsCheckpointStorage(dirname(dirname(dir))),
    jobId: metadata.jobId,
    writeConsole: () => {},
  });
  await job.loadCheckpoint({ path: dir });
  return { job, metadata, dir };
}
