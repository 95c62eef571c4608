/**
 * Write / list / load-and-verify speed of a ~100 MB checkpoint (4 state files of 25 MB in 64 KiB chunks),
 * against a baseline measured in the same run: `readFile` + one `createHash('sha256')` per file.
 *
 *   cd packages/engine && node --import tsx src/checkpoint/storage/storage.bench.ts [megabytes]
 *
 * Not a test: it prints figures. The OS page cache is warm after the write, as it is for a restore
 * right after a crash on the same machine; a cold-cache restore adds the disk's read time.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFsCheckpointStorage, createMemoryCheckpointStorage } from './index';
import { metadataFor } from './test-support';
import type { CheckpointStorage, WrittenStateFile } from './types';

const MB = Number(globalThis.process?.argv[2] ?? 100);
const FILES = 4;
const CHUNK = 64 << 10;
const perFile = Math.floor((MB << 20) / FILES / CHUNK);
const block = randomBytes(CHUNK * 16);

function* chunks(seed: number) {
  for (let i = 0; i < perFile; i++) {
    const at = ((i + seed) % 16) * CHUNK;
    yield block.subarray(at, at + CHUNK);
  }
}

async function time<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await fn();
  return [out, performance.now() - t0];
}

async function write(storage: CheckpointStorage, id: number) {
  const w = await storage.createWriter('bench', id, 'checkpoint');
  const refs: WrittenStateFile[] = [];
  for (let f = 0; f < FILES; f++) refs.push(await w.writeStateFile(`op-agg-${f}.state`, chunks(f)));
  await w.finalize(metadataFor(w.location, refs));
  return { location: w.location, refs };
}

const fmt = (ms: number, bytes: number) =>
  `${ms.toFixed(0).padStart(6)} ms  ${((bytes / ms) * 1e-3).toFixed(0).padStart(5)} MB/s`;

const base = await mkdtemp(join(tmpdir(), 'flowstate-bench-'));
try {
  const storage = createFsCheckpointStorage(base);
  const [{ location, refs }, writeMs] = await time(() => write(storage, 1));
  const bytes = refs.reduce((n, r) => n + r.size, 0);
  const [, listMs] = await time(() => storage.list('bench'));
  const [, baselineMs] = await time(async () => {
    for (const r of refs)
      createHash('sha256')
        .update(await readFile(join(location.path, r.name)))
        .digest('hex');
  });
  const [, eagerMs] = await time(() => storage.load(location));
  const [, readAllMs] = await time(async () => {
    const loaded = await storage.load(location, { verify: 'lazy' });
    for (const r of refs) await loaded.readStateFile(r.name);
  });
  const [, rangeMs] = await time(async () => {
    const loaded = await storage.load(location, { verify: 'lazy' });
    return loaded.readStateFileRange(refs[0]!.name, 1 << 20, 1 << 20);
  });
  console.log(`checkpoint of ${(bytes / 2 ** 20).toFixed(0)} MiB in ${FILES} files, node ${process.version}`);
  console.log(`fs  write + fsync + finalize       ${fmt(writeMs, bytes)}`);
  console.log(`fs  list (metadata + stat only)    ${listMs.toFixed(1).padStart(6)} ms`);
  console.log(`    baseline readFile + sha256     ${fmt(baselineMs, bytes)}`);
  console.log(
    `fs  load, eager verify             ${fmt(eagerMs, bytes)}  ×${(eagerMs / baselineMs).toFixed(2)} baseline`,
  );
  console.log(
    `fs  load lazy + readStateFile all  ${fmt(readAllMs, bytes)}  ×${(readAllMs / baselineMs).toFixed(2)} baseline`,
  );
  console.log(`fs  load lazy + one 1 MiB range    ${fmt(rangeMs, refs[0]!.size)}  (hashes its 1 file)`);

  const memory = createMemoryCheckpointStorage();
  const [m, memWriteMs] = await time(() => write(memory, 1));
  const [, memLoadMs] = await time(() => memory.load(m.location));
  console.log(`mem write (pure-JS SHA-256)        ${fmt(memWriteMs, bytes)}`);
  console.log(`mem load, eager verify             ${fmt(memLoadMs, bytes)}`);
} finally {
  await rm(base, { recursive: true, force: true });
}
