/**
 * Benchmark — the disk state backend (LMDB behind a cache) against the heap backend, in the same run:
 *
 * 1. throughput, disk / heap (goal >= 0.3): a keyed tumbling COUNT (tumbling-count.ts's workload) and a rolling
 *    COUNT over 100k string keys, datagen → keyBy → window/aggregate → blackhole, parallelism 1;
 * 2. incremental checkpoint bytes at 1 % updated keys (goal <= 5 %): a disk backend with 1M keys (100k quick)
 *    takes a full checkpoint, 1 % of the keys change, the next checkpoint's shared file vs the full one;
 * 3. restore time of that checkpoint (full + delta chain) into a disk and into a heap backend;
 * 4. larger than memory: a rolling COUNT over N distinct string keys (--keys, default 20M; 200k quick) in a child
 *    process with --max-old-space-size=256, once per backend: heap is expected to run out of memory.
 *
 *   pnpm bench state-backends [--quick] [--keys=N] [--inc-keys=N] [--only=throughput|incremental|ltm]
 *                             [--cache=N]   (disk cache entries per generation per state; default 131 072)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Job, KeyGroupRange, KeyGroupRangeAssignment, ValueStateDescriptor } from '@flowstate/engine';
import {
  readSharedChain,
  stageChainForAdoption,
  stageRescaledStore,
  stageShared,
  writeSharedSnapshot,
} from '../packages/engine/src/checkpoint/incremental';
import {
  createFsCheckpointStorage,
  type SharedStateRef,
} from '../packages/engine/src/checkpoint/storage/index';
import { DiskKeyedStateBackend } from '../packages/engine/src/state/disk/DiskKeyedStateBackend';
import { removeStaged } from '../packages/engine/src/state/disk/native';
import { HeapKeyedStateBackend } from '../packages/engine/src/state/HeapKeyedStateBackend';
import { banner, check, collectGarbage, QUICK, report, stats } from './lib/measure';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];

// ------------------------------------------------------------------------------------------ child: larger than memory
const ltm = arg('ltm');
if (ltm !== undefined) {
  const keys = Number(arg('keys'));
  const dir = mkdtempSync(join(tmpdir(), 'fs-ltm-'));
  const t0 = performance.now();
  const job = Job.fromSpec(rollingSpec(keys, keys), {
    stateBackend: ltm as 'heap' | 'disk',
    stateDir: dir,
    writeConsole: () => {},
  });
  const r = await job.run();
  const ms = performance.now() - t0;
  const m = r.metrics.nodes.find((n) => n.nodeId === 'counts');
  console.log(
    JSON.stringify({
      status: r.status,
      error: r.error?.message,
      ms,
      rowsIn: m?.recordsIn,
      keys: job.stateBackends('counts')[0]?.numKeys(),
      rssMb: process.memoryUsage().rss / 2 ** 20,
    }),
  );
  job.dispose();
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}

function rollingSpec(rows: number, keys: number) {
  return {
    specVersion: 1,
    name: 'bench-rolling-count',
    settings: { parallelism: 1 },
    nodes: [
      {
        id: 'gen',
        kind: 'source',
        connector: {
          type: 'datagen',
          count: rows,
          rowsPerSecond: 0,
          seed: 1,
          fields: { n: { kind: 'sequence', start: 0, end: keys - 1 } },
        },
        schema: { n: 'int' },
      },
      { id: 'str', kind: 'map', fields: { user: "CONCAT('user-', CAST(n AS STRING))" } },
      { id: 'byUser', kind: 'keyBy', key: ['user'] },
      { id: 'counts', kind: 'aggregate', aggregates: { count: 'COUNT(*)' } },
      { id: 'out', kind: 'sink', connector: { type: 'blackhole' } },
    ],
    edges: [
      { from: 'gen', to: 'str' },
      { from: 'str', to: 'byUser' },
      { from: 'byUser', to: 'counts' },
      { from: 'counts', to: 'out' },
    ],
  };
}

function tumblingSpec(rows: number, keys: number) {
  return {
    specVersion: 1,
    name: 'bench-tumbling-count',
    settings: { parallelism: 1 },
    nodes: [
      {
        id: 'gen',
        kind: 'source',
        connector: {
          type: 'datagen',
          count: rows,
          rowsPerSecond: 0,
          seed: 1,
          fields: {
            key: { kind: 'sequence', start: 0, end: keys - 1 },
            ts: { kind: 'timestamp', startMs: 1_700_000_000_000, stepMs: 1, maxJitterMs: 0 },
          },
        },
        schema: { key: 'int', ts: 'timestamp' },
        watermark: { timestampField: 'ts', maxOutOfOrdernessMs: 0, emitEveryRows: 1024 },
      },
      { id: 'byKey', kind: 'keyBy', key: ['key'] },
      {
        id: 'counts',
        kind: 'window',
        assigner: { type: 'tumbling', sizeMs: 10_000 },
        aggregates: { count: 'COUNT(*)' },
      },
      { id: 'out', kind: 'sink', connector: { type: 'blackhole' } },
    ],
    edges: [
      { from: 'gen', to: 'byKey' },
      { from: 'byKey', to: 'counts' },
      { from: 'counts', to: 'out' },
    ],
  };
}

async function rate(
  spec: unknown,
  backend: 'heap' | 'disk',
  rows: number,
): Promise<{ rate: number; out: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'fs-bench-state-'));
  collectGarbage();
  const t0 = performance.now();
  const cache = arg('cache');
  const job = Job.fromSpec(spec, {
    stateBackend: backend,
    stateDir: dir,
    writeConsole: () => {},
    ...(cache !== undefined ? { stateCacheEntries: Number(cache) } : {}),
  });
  const r = await job.run();
  const s = (performance.now() - t0) / 1000;
  check(r.status === 'finished', `${backend}: ${r.status} ${r.error?.message ?? ''}`);
  const out = r.metrics.nodes.find((n) => n.nodeId === 'counts')!.recordsOut;
  job.dispose();
  rmSync(dir, { recursive: true, force: true });
  return { rate: rows / s, out };
}

const RUNS = QUICK ? 2 : 3;

async function throughput(name: string, spec: unknown, rows: number): Promise<void> {
  const heap: number[] = [];
  const disk: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const h = await rate(spec, 'heap', rows);
    const d = await rate(spec, 'disk', rows);
    check(h.out === d.out, `${name}: heap emitted ${h.out} rows, disk ${d.out}`);
    heap.push(h.rate);
    disk.push(d.rate);
  }
  const hs = stats(heap);
  const ds = stats(disk);
  const ratio = ds.median / hs.median;
  console.log(
    `${name}: heap ${Math.round(hs.median)} rows/s, disk ${Math.round(ds.median)} rows/s, ratio ${ratio.toFixed(2)}`,
  );
  report({ bench: 'state-backends', metric: `${name} heap`, value: hs.median, unit: 'rows/s' });
  report({ bench: 'state-backends', metric: `${name} disk`, value: ds.median, unit: 'rows/s' });
  report({
    bench: 'state-backends',
    metric: `${name} disk/heap`,
    value: ratio,
    unit: 'x',
    goal: '>= 0.3',
    met: ratio >= 0.3,
  });
}

async function incremental(): Promise<void> {
  const KEYS = Number(arg('inc-keys') ?? (QUICK ? 100_000 : 1_000_000));
  const base = mkdtempSync(join(tmpdir(), 'fs-bench-inc-'));
  const storage = createFsCheckpointStorage(join(base, 'cp'));
  const range = KeyGroupRange.of(0, 127);
  const b = new DiskKeyedStateBackend({
    maxParallelism: 128,
    keyGroupRange: range,
    nowMs: () => 0,
    stateDir: join(base, 'state'),
  });
  const v = b.getOrCreateKeyedState(new ValueStateDescriptor<{ count: number; sum: number }>('agg'));
  const tLoad = performance.now();
  for (let i = 0; i < KEYS; i++) {
    b.setCurrentKey(`user-${i}`);
    v.update({ count: 1, sum: i });
  }
  console.log(`loaded ${KEYS} keys in ${((performance.now() - tLoad) / 1000).toFixed(1)} s`);
  const chain: SharedStateRef[] = [];
  // As checkpoint/io.ts does: the synchronous part at the barrier, then materialization in steps of 8192
  // entries (the longest step is the processing pause), then the file written and hashed.
  const checkpoint = async (id: number, backend: DiskKeyedStateBackend = b) => {
    const t0 = performance.now();
    const snap = backend.snapshot(id);
    const syncMs = performance.now() - t0;
    let longestStep = 0;
    for (;;) {
      const s0 = performance.now();
      const done = snap.materializeStep(8192);
      longestStep = Math.max(longestStep, performance.now() - s0);
      if (done) break;
      await new Promise((r) => setImmediate(r));
    }
    const w = await storage.createWriter('inc', id, 'checkpoint');
    const inc = snap.incremental;
    const ref = await writeSharedSnapshot(w, 'agg', 0, id, inc.native ? undefined : snap.result(), inc);
    inc.written(ref);
    snap.release();
    if (inc.mode === 'full') chain.length = 0;
    chain.push(ref);
    await w.finalize({
      formatVersion: 1,
      jobId: 'inc',
      jobName: 'inc',
      checkpointId: id,
      kind: 'checkpoint',
      trigger: 'periodic',
      timestamp: Date.now(),
      durationMs: 0,
      maxParallelism: 128,
      totalSize: 0,
      operators: [
        {
          nodeId: 'agg',
          parallelism: 1,
          subtasks: [{ subtask: 0, keyGroupRange: [0, 127], shared: [...chain] }],
        },
      ],
    });
    backend.notifyCheckpointComplete(id);
    return { mode: inc.mode, bytes: ref.size, ms: performance.now() - t0, syncMs, longestStep };
  };
  const full = await checkpoint(1);
  for (let i = 0; i < KEYS; i += 100) {
    b.setCurrentKey(`user-${i}`);
    v.update({ count: 2, sum: -i });
  }
  const delta = await checkpoint(2);
  check(full.mode === 'full' && delta.mode === 'delta', `modes ${full.mode}/${delta.mode}`);
  const ratio = delta.bytes / full.bytes;
  const fmt = (c: typeof full) =>
    `${c.bytes} B in ${c.ms.toFixed(0)} ms (barrier ${c.syncMs.toFixed(1)} ms, longest step ${c.longestStep.toFixed(1)} ms)`;
  console.log(
    `incremental, ${KEYS} keys: full ${fmt(full)}; 1 % delta ${fmt(delta)}; ratio ${(ratio * 100).toFixed(2)} %`,
  );
  report({
    bench: 'state-backends',
    metric: `full checkpoint bytes (${KEYS} keys)`,
    value: full.bytes,
    unit: 'B',
  });
  report({
    bench: 'state-backends',
    metric: `full checkpoint duration (${KEYS} keys)`,
    value: full.ms,
    unit: 'ms',
  });
  report({
    bench: 'state-backends',
    metric: `1 % delta checkpoint duration (${KEYS} keys)`,
    value: delta.ms,
    unit: 'ms',
  });
  report({
    bench: 'state-backends',
    metric: 'incremental bytes at 1 % updated / full',
    value: ratio * 100,
    unit: '%',
    goal: '<= 5',
    met: ratio <= 0.05,
  });
  b.dispose();
  // restore the chain (LMDB full + 1 % delta), from loading the checkpoint (checksums verified) to a backend
  // ready: into a disk backend of the same key groups (the file copied and taken as it is, the delta applied),
  // and into a heap backend (every entry read and inserted)
  // (the heap restore of more than 2M keys is left out: reading the chain as data takes several GB of heap)
  const chain2 = [...chain]; // checkpoint 2's (checkpoint 3 below, after the restore, adds to `chain`)
  for (const kind of KEYS > 2_000_000 ? (['disk'] as const) : (['disk', 'heap'] as const)) {
    collectGarbage();
    const t0 = performance.now();
    // loading verifies every file's SHA-256 (part of a restore's time); a chosen checkpoint, as a user's
    // restore loads it: the LMDB base is checked on another thread while it is copied and the delta applied
    const cp = await storage.load({ jobId: 'inc', checkpointId: 2 }, { deferStores: kind === 'disk' });
    const loadMs = performance.now() - t0;
    const target =
      kind === 'disk'
        ? new DiskKeyedStateBackend({
            maxParallelism: 128,
            keyGroupRange: range,
            nowMs: () => 0,
            stateDir: join(base, 'restore'),
          })
        : new HeapKeyedStateBackend({ maxParallelism: 128, keyGroupRange: range, nowMs: () => 0 });
    const data =
      kind === 'disk'
        ? await stageChainForAdoption(cp, chain2, [0, 127], join(base, 'restore', 'staged'), 0)
        : await readSharedChain(cp, chain2, [0, 127], range, { scratchDir: join(base, 'scratch'), now: 0 });
    // the job's own checkpoint (a failover, `latest`): the restored backend continues its chain
    if (data.store !== undefined) data.store.continues = { checkpointId: 2, chain: [...chain2] };
    target.restore([data]);
    const ms = performance.now() - t0;
    check(target.numKeys() === KEYS, `restored ${target.numKeys()} keys`);
    target.setCurrentKey('user-100');
    const got = target
      .getOrCreateKeyedState(new ValueStateDescriptor<{ count: number; sum: number }>('agg'))
      .value();
    check(got?.count === 2 && got.sum === -100, `user-100 restored as ${JSON.stringify(got)}`);
    console.log(
      `restore ${KEYS} keys into ${kind}: ${ms.toFixed(0)} ms (of which loading ${loadMs.toFixed(0)} ms${kind === 'disk' ? ', the base file checked meanwhile' : ' and verifying'})`,
    );
    report({
      bench: 'state-backends',
      metric: `restore ${KEYS} keys (full + 1 % delta) into ${kind}`,
      value: ms,
      unit: 'ms',
      ...(kind === 'disk' ? { goal: '<= 2000 at 10M keys', met: ms <= 2000 } : {}),
    });
    if (target instanceof DiskKeyedStateBackend) {
      // the first checkpoint after the restore, with another 1 % of the keys updated: a delta on the restored files
      const tv = target.getOrCreateKeyedState(
        new ValueStateDescriptor<{ count: number; sum: number }>('agg'),
      );
      for (let i = 50; i < KEYS; i += 100) {
        target.setCurrentKey(`user-${i}`);
        tv.update({ count: 3, sum: i });
      }
      const after = await checkpoint(3, target);
      check(after.mode === 'delta', `the first checkpoint after the restore is ${after.mode}`);
      console.log(`first checkpoint after the restore, 1 % updated: ${after.mode}, ${fmt(after)}`);
      report({
        bench: 'state-backends',
        metric: `first checkpoint after restoring ${KEYS} keys, 1 % updated`,
        value: after.bytes,
        unit: 'B',
      });
    }
    target.dispose();
  }
  // a restore at parallelism 2 into disk backends: each new store built from the base's key groups (copied as
  // bytes) and the delta's; the state is never read into the heap
  {
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    let heapPeak = heapBefore;
    const sample = setInterval(() => {
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }, 20);
    const t0 = performance.now();
    const cp = await storage.load({ jobId: 'inc', checkpointId: 2 });
    const staged = new Map<string, Promise<string>>();
    const stageBase = (ref: SharedStateRef) => {
      let p = staged.get(ref.name);
      if (p === undefined) {
        const dir = join(base, 'rescale', 'base');
        p = stageShared(cp, ref, dir).then(() => dir);
        staged.set(ref.name, p);
      }
      return p;
    };
    const halves = [KeyGroupRange.of(0, 63), KeyGroupRange.of(64, 127)];
    const targets = await Promise.all(
      halves.map(async (r, j) => {
        const data = await stageRescaledStore(
          cp,
          [{ chain: chain2, keyGroupRange: [0, 127] }],
          r,
          join(base, 'rescale', `new-${j}`),
          0,
          stageBase,
        );
        const t = new DiskKeyedStateBackend({
          maxParallelism: 128,
          keyGroupRange: r,
          nowMs: () => 0,
          stateDir: join(base, 'rescale'),
        });
        t.restore([data]);
        return t;
      }),
    );
    const ms = performance.now() - t0;
    clearInterval(sample);
    heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    const restoredKeys = targets.reduce((n, t) => n + t.numKeys(), 0);
    check(restoredKeys === KEYS, `rescaled ${restoredKeys} keys`);
    const owner = targets.find((t) =>
      t.keyGroupRange.contains(KeyGroupRangeAssignment.assignToKeyGroup('user-100', 128)),
    )!;
    owner.setCurrentKey('user-100');
    const got = owner
      .getOrCreateKeyedState(new ValueStateDescriptor<{ count: number; sum: number }>('agg'))
      .value();
    check(got?.count === 2 && got.sum === -100, `user-100 rescaled as ${JSON.stringify(got)}`);
    const heapMb = (heapPeak - heapBefore) / 1048576;
    collectGarbage();
    const keptMb = (process.memoryUsage().heapUsed - heapBefore) / 1048576;
    console.log(
      `restore ${KEYS} keys into 2 disk backends (parallelism 1 -> 2): ${ms.toFixed(0)} ms; heap in use rose by at most ${heapMb.toFixed(0)} MB (garbage included), ${keptMb.toFixed(0)} MB kept after a GC`,
    );
    report({
      bench: 'state-backends',
      metric: `restore ${KEYS} keys at parallelism 1 -> 2 into disk`,
      value: ms,
      unit: 'ms',
      note: `heap +${heapMb.toFixed(0)} MB at most, +${keptMb.toFixed(0)} MB kept`,
    });
    for (const t of targets) t.dispose();
    await staged.get(chain2[0]!.name)?.then(removeStaged);
  }
  rmSync(base, { recursive: true, force: true });
}

function largerThanMemory(): void {
  const keys = Number(arg('keys') ?? (QUICK ? 200_000 : 20_000_000));
  for (const backend of ['heap', 'disk'] as const) {
    const self = fileURLToPath(import.meta.url);
    const r = spawnSync(
      process.execPath,
      ['--max-old-space-size=256', '--import', 'tsx', self, `--ltm=${backend}`, `--keys=${keys}`],
      {
        encoding: 'utf8',
        timeout: 60 * 60 * 1000,
      },
    );
    const line = r.stdout.trim().split('\n').pop() ?? '';
    let res: { status?: string; ms?: number; keys?: number; rssMb?: number } = {};
    try {
      res = JSON.parse(line);
    } catch {
      res = {
        status:
          r.status === 0
            ? 'unknown'
            : `crashed (exit ${r.status ?? r.signal}: ${/heap out of memory/i.test(r.stderr) ? 'JavaScript heap out of memory' : r.stderr.trim().split('\n').pop()})`,
      };
    }
    console.log(
      `larger than memory, ${backend}, ${keys} keys, --max-old-space-size=256: ${JSON.stringify(res)}`,
    );
    report({
      bench: 'state-backends',
      metric: `rolling COUNT ${keys} distinct keys, 256 MB heap, ${backend}`,
      value: res.status === 'finished' ? keys / ((res.ms ?? 1) / 1000) : 0,
      unit: 'rows/s',
      note:
        res.status === 'finished'
          ? `finished, ${res.keys} keys, rss ${Math.round(res.rssMb ?? 0)} MB`
          : String(res.status),
    });
  }
}

banner('state backends: disk (LMDB) vs heap', [
  `tumbling COUNT and rolling COUNT throughput, ${RUNS} runs each; incremental checkpoint at 1 % updates; restore;`,
  'larger-than-memory rolling COUNT under --max-old-space-size=256',
]);
const ROWS = QUICK ? 200_000 : 2_000_000;
// --only=throughput|incremental|ltm runs one part
const only = arg('only');
if (only === undefined || only === 'throughput') {
  await throughput('tumbling COUNT (10k keys)', tumblingSpec(ROWS, 10_000), ROWS);
  await throughput('rolling COUNT (100k string keys)', rollingSpec(ROWS, 100_000), ROWS);
}
if (only === undefined || only === 'incremental') await incremental();
if (only === undefined || only === 'ltm') largerThanMemory();
