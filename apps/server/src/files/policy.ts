/**
 * Which files the server's jobs may touch: the data directory (read and write; uploads are under `files/`), the
 * repository's examples (read only: the studio's templates read their data there), and the directories listed in
 * FLOWSTATE_FILE_ROOTS (read and write) — never the checkpoints or the database. The same policy checks a spec
 * when it is saved or started (a 422 naming the node and the path) and confines the job's worker when it runs.
 */
import path from 'node:path';
import { confinedFileAccess, type FileAccess } from '@flowstate/engine';
import { databaseFile } from '../db/index';
import { type Env, REPO_ROOT } from '../env';
import { defaultFilePolicy, type FilePolicy } from '../jobs/index';

export const EXAMPLES_DIR = path.join(REPO_ROOT, 'examples');

export function serverFilePolicy(env: Pick<Env, 'dataDir' | 'databaseUrl' | 'fileRoots'>): FilePolicy {
  const base = defaultFilePolicy(env.dataDir);
  const db = databaseFile({
    dataDir: env.dataDir,
    ...(env.databaseUrl !== undefined ? { databaseUrl: env.databaseUrl } : {}),
  });
  return {
    roots: [
      ...base.roots,
      { dir: EXAMPLES_DIR, writable: false, label: 'the examples' },
      ...env.fileRoots.map((dir) => ({ dir, writable: true })),
    ],
    deny: [
      ...base.deny,
      ...['', '-wal', '-shm', '-journal'].map((suffix) => ({
        path: `${db}${suffix}`,
        what: "the server's database",
      })),
    ],
  };
}

/** The policy as the engine checks it, with relative paths against the data directory. */
export function fileAccessOf(dataDir: string, policy: FilePolicy): FileAccess {
  return confinedFileAccess({ baseDir: dataDir, ...policy });
}
