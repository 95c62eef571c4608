/**
 * One server per data directory. Two server processes on the same directory would both resume the same jobs
 * after a restart and write the same checkpoints and sink files (split brain; Flink prevents it with leader
 * election). `<data dir>/server.lock` holds the pid of the server that owns the directory: a second process is
 * refused while that pid is alive; a lock left by a process that died (kill -9) is taken over.
 */
import { closeSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

export const LOCK_FILE = 'server.lock';

export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the data directory's lock (the directory must exist); `release()` gives it back. */
export function lockDataDir(dataDir: string): { release(): void } {
  const file = path.join(dataDir, LOCK_FILE);
  const mine = String(process.pid);
  try {
    const fd = openSync(file, 'wx');
    writeSync(fd, mine);
    closeSync(fd);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    const holder = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
      throw new DataDirLockedError(
        `another Flowstate server (pid ${holder}) uses the data directory ${dataDir}: stop it, or give this one another FLOWSTATE_DATA_DIR`,
      );
    }
    writeFileSync(file, mine); // left by a process that is gone (or by this one): ours now
  }
  return {
    release() {
      try {
        if (readFileSync(file, 'utf8').trim() === mine) rmSync(file);
      } catch {
        // already gone
      }
    },
  };
}
