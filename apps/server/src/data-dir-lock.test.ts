import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDataDir } from '../test/test-support';
import { LOCK_FILE, lockDataDir } from './data-dir-lock';

describe('lockDataDir', () => {
  const data = tempDataDir();
  afterAll(() => data.remove());
  const file = path.join(data.dir, LOCK_FILE);

  it('is refused while another live process holds the directory', () => {
    writeFileSync(file, String(process.ppid));
    expect(() => lockDataDir(data.dir)).toThrow(
      `another Flowstate server (pid ${process.ppid}) uses the data directory ${data.dir}: stop it, or give this one another FLOWSTATE_DATA_DIR`,
    );
  });

  it('takes over a lock whose process is gone, and releases it', () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(file, String(gone));
    const lock = lockDataDir(data.dir);
    expect(readFileSync(file, 'utf8')).toBe(String(process.pid));
    lock.release();
    expect(existsSync(file)).toBe(false);
  });
});
