/** Shared by the checkpoint tests: temporary directories removed after the file, and settling a job's checkpoints. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { Job } from '../../src/index';

/** A temporary directory factory whose directories are removed after the calling test file. */
export function tempDirs(): (prefix: string) => string {
  const temps: string[] = [];
  afterAll(() => {
    for (const d of temps.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return (prefix) => {
    const d = mkdtempSync(path.join(tmpdir(), `flowstate-${prefix}-`));
    temps.push(d);
    return d;
  };
}

/**
 * Waits until no checkpoint is in flight any more: give a pending checkpoint a second, then abort it, so no
 * write lands after a test's cleanup.
 */
export async function settle(job: Job): Promise<void> {
  for (let i = 0; i < 200 && job.coordinator.pendingCheckpoint; i++)
    await new Promise((r) => setTimeout(r, 5));
  if (job.coordinator.pendingCheckpoint) {
    job.coordinator.abortAll('test cleanup');
    await new Promise((r) => setTimeout(r, 50));
  }
}
