/**
 * Benchmark 3 — heap bytes per key of a COUNT state at 1M keys, through the engine.
 *
 * Job: datagen (1M rows) → keyBy(key) → aggregate COUNT(*) (rolling) → blackhole, parallelism 1.
 * A sample runs the job to its end, keeps the job object alive, and measures `heapUsed` after full
 * collections, minus `heapUsed` measured the same way just before the job was created. The same job over
 * 1 key (same number of rows) is measured the same way; its delta — the job's fixed costs — is
 * subtracted, so bytes/key = (delta(1M keys) − delta(1 key)) / (1M − 1).
 *
 * Two key types: int keys (`sequence` 0 … 999,999, small integers) and string keys built by a map node
 * (`'key-' || CAST(id AS STRING)`, 10 characters, owned by the state once stored), both counted.
 *
 * Needs `node --expose-gc` (run.ts spawns it so). The job's keys in state are confirmed through
 * `job.metrics()` and `job.stateBackends(nodeId)` while the job is held.
 */
import { Job } from '@flowstate/engine';
import { banner, check, heapUsedAfterGc, QUICK, report, stats } from './lib/measure';

const KEYS = QUICK ? 50_000 : 1_000_000;
const SAMPLES = QUICK ? 3 : 5;
const GOAL = 150;

type KeyType = 'int' | 'string';

function jobSpec(keyType: KeyType, keys: number) {
  const source = {
    id: 'gen',
    kind: 'source',
    connector: {
      type: 'datagen',
      count: KEYS, // the same number of rows whatever the number of keys
      rowsPerSecond: 0,
      seed: 1,
      fields: { id: { kind: 'sequence', start: 0, end: keys - 1 } },
    },
    schema: { id: 'int' },
  };
  const tail = [
    { id: 'byKey', kind: 'keyBy', key: ['key'] },
    { id: 'counts', kind: 'aggregate', aggregates: { count: 'COUNT(*)' } },
    { id: 'out', kind: 'sink', connector: { type: 'blackhole' } },
  ];
  const tailEdges = [
    { from: 'byKey', to: 'counts' },
    { from: 'counts', to: 'out' },
  ];
  const toKey = keyType === 'int' ? 'id' : "'key-' || CAST(id AS STRING)";
  return {
    specVersion: 1,
    name: `bench-state-bytes-${keyType}`,
    settings: { parallelism: 1 },
    nodes: [source, { id: 'keyed', kind: 'map', fields: { key: toKey } }, ...tail],
    edges: [{ from: 'gen', to: 'keyed' }, { from: 'keyed', to: 'byKey' }, ...tailEdges],
  };
}

/** Heap growth while a finished job with `keys` keys in state is held. */
async function heapDelta(keyType: KeyType, keys: number): Promise<number> {
  const before = heapUsedAfterGc();
  const job = Job.fromSpec(jobSpec(keyType, keys), { writeConsole: () => {} });
  const result = await job.run();
  check(result.status === 'finished', `job ended ${result.status}: ${result.error?.message ?? ''}`);
  const after = heapUsedAfterGc();
  // The job is still referenced here, so its state was live during the measurement.
  const inMetrics = job.metrics().nodes.find((n) => n.nodeId === 'counts')!.numKeys;
  const inBackends = job.stateBackends('counts').reduce((n, b) => n + b.numKeys(), 0);
  check(
    inMetrics === keys && inBackends === keys,
    `expected ${keys} keys in state, metrics say ${inMetrics}, backends ${inBackends}`,
  );
  job.dispose();
  return after - before;
}

async function main(): Promise<void> {
  banner('state-bytes: heap bytes per key of a rolling COUNT(*) state', [
    `${KEYS.toLocaleString('en')} rows into ${KEYS.toLocaleString('en')} keys vs the same rows into 1 key; ${SAMPLES} samples each, after a warm-up`,
    `${process.version}, heapUsed after 3 × gc(); per key = (Δheap(${KEYS.toLocaleString('en')} keys) − Δheap(1 key)) / (${KEYS.toLocaleString('en')} − 1)`,
  ]);
  for (const keyType of ['int', 'string'] as const) {
    await heapDelta(keyType, KEYS); // warm-up: compile the code paths, grow the heap once
    await heapDelta(keyType, 1);
    const perKey: number[] = [];
    for (let s = 0; s < SAMPLES; s++) {
      const one = await heapDelta(keyType, 1);
      const many = await heapDelta(keyType, KEYS);
      const b = (many - one) / (KEYS - 1);
      perKey.push(b);
      console.log(
        `   ${keyType} keys, sample ${s + 1}: Δheap 1 key ${(one / 1024).toFixed(0)} KiB, ${KEYS.toLocaleString('en')} keys ${(many / 1048576).toFixed(1)} MiB → ${b.toFixed(1)} bytes/key`,
      );
    }
    const st = stats(perKey);
    console.log(
      `   ${keyType} keys: median ${st.median.toFixed(1)} bytes/key (min ${st.min.toFixed(1)}, max ${st.max.toFixed(1)}); goal <= ${GOAL}: ${st.median <= GOAL ? 'met' : 'NOT met'}`,
    );
    report({
      bench: 'state-bytes',
      metric: `bytes/key, ${keyType} keys${keyType === 'string' ? ' (incl. the 10-char key string)' : ''}`,
      value: st.median,
      unit: 'B',
      goal: `<= ${GOAL}`,
      met: st.median <= GOAL,
    });
  }
}

await main();
