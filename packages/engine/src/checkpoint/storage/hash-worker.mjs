// A worker thread that hashes one file (SHA-256, streaming) and posts `{ size, sha256 }`, or `null` when the
// file does not exist. Plain JavaScript, so it starts without the TypeScript loader the engine may run under.
// Used by the file-system checkpoint storage to check a large shared store file off the processing thread.
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const BUFFER = 4 << 20;

function hash(path) {
  let fd;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if (e && e.code === 'ENOENT') return null;
    throw e;
  }
  try {
    const h = createHash('sha256');
    const buf = Buffer.allocUnsafe(BUFFER);
    let size = 0;
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, size);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
      size += n;
    }
    return { size, sha256: h.digest('hex') };
  } finally {
    closeSync(fd);
  }
}

parentPort.postMessage(hash(workerData.path));
