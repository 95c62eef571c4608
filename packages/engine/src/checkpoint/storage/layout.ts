/** Names in the checkpoint layout and their validation. No Node imports. */

import { type CheckpointKind, CheckpointStorageError } from './types';

export const METADATA_FILE = '_metadata';
export const METADATA_TMP_FILE = '._metadata.tmp';

const MAX_NAME_LENGTH = 200;
const JOB_ID = /^[A-Za-z0-9._-]+$/;
const STATE_FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const DIR_NAME = /^(chk|savepoint)-(0|[1-9][0-9]*)$/;

/** Why `jobId` is not usable as a directory name, or undefined if it is. */
export function jobIdProblem(jobId: unknown): string | undefined {
  if (typeof jobId !== 'string') return `a job id must be a string, got ${typeof jobId}`;
  if (jobId.length === 0) return 'a job id must not be empty';
  if (jobId.length > MAX_NAME_LENGTH) return `a job id must be at most ${MAX_NAME_LENGTH} characters`;
  if (!JOB_ID.test(jobId)) {
    return `job id ${JSON.stringify(jobId)} may only hold letters, digits, '.', '_' and '-' (it names a directory)`;
  }
  if (jobId === '.' || jobId.includes('..'))
    return `job id ${JSON.stringify(jobId)} must not be '.' or contain '..'`;
  return undefined;
}

export function assertValidJobId(jobId: string): void {
  const problem = jobIdProblem(jobId);
  if (problem !== undefined) throw new CheckpointStorageError('INVALID_JOB_ID', problem);
}

/** Why `name` is not usable as a state file name, or undefined if it is. */
export function stateFileNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `a state file name must be a string, got ${typeof name}`;
  if (name.length === 0) return 'a state file name must not be empty';
  if (name.length > MAX_NAME_LENGTH) return `a state file name must be at most ${MAX_NAME_LENGTH} characters`;
  if (!STATE_FILE_NAME.test(name)) {
    return `state file name ${JSON.stringify(name)} may only hold letters, digits, '.', '_' and '-', and must not start with '.'`;
  }
  if (name === METADATA_FILE) return `${METADATA_FILE} is reserved for the checkpoint's metadata`;
  if (name.includes('..')) return `state file name ${JSON.stringify(name)} must not contain '..'`;
  return undefined;
}

export function assertValidCheckpointId(checkpointId: number): void {
  if (!Number.isSafeInteger(checkpointId) || checkpointId < 0) {
    throw new CheckpointStorageError(
      'INVALID_CHECKPOINT_ID',
      `a checkpoint id must be a non-negative integer, got ${String(checkpointId)}`,
    );
  }
}

export function checkpointDirName(kind: CheckpointKind, checkpointId: number): string {
  return `${kind === 'savepoint' ? 'savepoint' : 'chk'}-${checkpointId}`;
}

/** `chk-12` → checkpoint 12; anything else (including `chk-012`) → undefined. */
export function parseCheckpointDirName(
  name: string,
): { kind: CheckpointKind; checkpointId: number } | undefined {
  const m = DIR_NAME.exec(name);
  if (m === null) return undefined;
  const checkpointId = Number(m[2]);
  if (!Number.isSafeInteger(checkpointId)) return undefined;
  return { kind: m[1] === 'savepoint' ? 'savepoint' : 'checkpoint', checkpointId };
}
