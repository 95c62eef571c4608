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
 * A third figure, for comparison: the same COUNT(*) as a tumbling event-time window that is still open
 * (every row has the same timestamp; the job is driven round by round with `job.round()` and measured
 * after the last row went in, before the end of input fires the window), int keys: the window's state
 * plus its per-key end-of-window timers.
 *
 * A fourth figure: heap bytes per row buffered by an interval join (issue 13) — 1M left rows (int key, 1,000
 * distinct keys, one timestamp, three fields: `k`, `n`, `ts`) held in the join's left buffer, no right row and
 * the watermark below their interval's end, so nothing is emitted or cleaned; measured after the last row went
 * in, minus the same job with one row. This counts the row object itself, its buffer entry, the per-timestamp
 * bucket and map entry and the key's cleanup timer.
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
type Case = { keyType: KeyType; window: boolean };

function jobSpec({ keyType, window }: Case, keys: number) {
  const source = {
    id: 'gen',
    kind: 'source',
    connector: {
      type: 'datagen',
      count: KEYS, // the same number of rows whatever the number of keys
      rowsPerSecond: 0,
      seed: 1,
      fields: {
        id: { kind: 'sequence', start: 0, end: keys - 1 },
        ts: { kind: 'timestamp', startMs: 1_700_000_000_000, stepMs: 0, maxJitterMs: 0 },
      },
    },
    schema: { id: 'int', ts: 'timestamp' },
    ...(window ? { watermark: { timestampField: 'ts', maxOutOfOrdernessMs: 0 } } : {}),
  };
  const tail = [
    { id: 'byKey', kind: 'keyBy', key: ['key'] },
    window
      ? {
          id: 'counts',
          kind: 'window',
          assigner: { type: 'tumbling', sizeMs: 10_000 },
          aggregates: { count: 'COUNT(*)' },
        }
      : { id: 'counts', kind: 'aggregate', aggregates: { count: 'COUNT(*)' } },
    { id: 'out', kind: 'sink', connector: { type: 'blackhole' } },
  ];
  const tailEdges = [
    { from: 'byKey', to: 'counts' },
    { from: 'counts', to: 'out' },
  ];
  const toKey = keyType === 'int' ? 'id' : "'key-' || CAST(id AS STRING)";
  return {
    specVersion: 1,
    name: `bench-state-bytes-${keyType}${window ? '-window' : ''}`,
    settings: { parallelism: 1 },
    nodes: [source, { id: 'keyed', kind: 'map', fields: { key: toKey, ts: 'ts' } }, ...tail],
    edges: [{ from: 'gen', to: 'keyed' }, { from: 'keyed', to: 'byKey' }, ...tailEdges],
  };
}

/** Heap growth while a job with `keys` keys in state is held (finished; a window job: all rows in, still open). */
async function heapDelta(c: Case, keys: number): Promise<number> {
  const before = heapUsedAfterGc();
  const job = Job.fromSpec(jobSpec(c, keys), { writeConsole: () => {} });
  if (c.window) {
    job.open();
    const seen = () => job.metrics().nodes.find((n) => n.nodeId === 'counts')!.recordsIn;
    while (seen() < KEYS) check(job.round(), 'the job stopped before all rows were in');
    check(job.metrics().nodes.find((n) => n.nodeId === 'out')!.recordsIn === 0, 'the window fired early');
  } else {
    const result = await job.run();
    check(result.status === 'finished', `job ended ${result.status}: ${result.error?.message ?? ''}`);
  }
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

function joinSpec(rows: number) {
  const gen = (id: string, count: number) => ({
    id,
    kind: 'source',
    connector: {
      type: 'datagen',
      count,
      rowsPerSecond: 0,
      seed: 1,
      fields: {
        n: { kind: 'sequence', start: 0 },
        k: { kind: 'sequence', start: 0, end: 999 },
        ts: { kind: 'timestamp', startMs: 1_700_000_000_000, stepMs: 0, maxJitterMs: 0 },
      },
    },
    schema: { n: 'int', k: 'int', ts: 'timestamp' },
    watermark: { timestampField: 'ts', maxOutOfOrdernessMs: 0 },
  });
  return {
    specVersion: 1,
    name: 'bench-state-bytes-interval-join',
    settings: { parallelism: 1 },
    nodes: [
      gen('left', rows),
      gen('right', 0),
      { id: 'lk', kind: 'keyBy', key: ['k'] },
      { id: 'rk', kind: 'keyBy', key: ['k'] },
      {
        id: 'j',
        kind: 'intervalJoin',
        lowerBoundMs: 0,
        upperBoundMs: 60_000,
        fields: { n: 'l.n', m: 'r.n' },
      },
      { id: 'out', kind: 'sink', connector: { type: 'blackhole' } },
    ],
    edges: [
      { from: 'left', to: 'lk' },
      { from: 'right', to: 'rk' },
      { from: 'lk', to: 'j', input: 'left' },
      { from: 'rk', to: 'j', input: 'right' },
      { from: 'j', to: 'out' },
    ],
  };
}

/** Heap growth while an interval join holds `rows` left rows in its buffer. */
async function joinHeapDelta(rows: number): Promise<number> {
  const before = heapUsedAfterGc();
  const job = Job.fromSpec(joinSpec(rows), { writeConsole: () => {} });
  job.open();
  const seen = () => job.metrics().nodes.find((n) => n.nodeId === 'j')!.recordsIn;
  while (seen() < rows) check(job.round(), 'the job stopped before all rows were in');
  const after = heapUsedAfterGc();
  const keys = job.stateBackends('j').reduce((n, b) => n + b.numKeys(), 0);
  check(
    keys === Math.min(rows, 1000),
    `expected ${Math.min(rows, 1000)} keys in the join's state, found ${keys}`,
  );
  check(job.metrics().nodes.find((n) => n.nodeId === 'out')!.recordsIn === 0, 'the join emitted rows');
  job.dispose();
  return after - before;
}

async function main(): Promise<void> {
  banner('state-bytes: heap bytes per key of a COUNT(*) state', [
    `${KEYS.toLocaleString('en')} rows into ${KEYS.toLocaleString('en')} keys vs the same rows into 1 key; ${SAMPLES} samples each, after a warm-up`,
    `${process.version}, heapUsed after 3 × gc(); per key = (Δheap(${KEYS.toLocaleString('en')} keys) − Δheap(1 key)) / (${KEYS.toLocaleString('en')} − 1)`,
  ]);
  const cases: Array<Case & { label: string; goal: boolean }> = [
    { keyType: 'int', window: false, label: 'rolling COUNT, int keys', goal: true },
    {
      keyType: 'string',
      window: false,
      label: 'rolling COUNT, string keys (incl. the 10-char key string)',
      goal: true,
    },
    { keyType: 'int', window: true, label: 'open tumbling-window COUNT + its timers, int keys', goal: false },
  ];
  for (const c of cases) {
    await heapDelta(c, KEYS); // warm-up: compile the code paths, grow the heap once
    await heapDelta(c, 1);
    const perKey: number[] = [];
    for (let s = 0; s < SAMPLES; s++) {
      const one = await heapDelta(c, 1);
      const many = await heapDelta(c, KEYS);
      const b = (many - one) / (KEYS - 1);
      perKey.push(b);
      console.log(
        `   ${c.label}, sample ${s + 1}: Δheap 1 key ${(one / 1024).toFixed(0)} KiB, ${KEYS.toLocaleString('en')} keys ${(many / 1048576).toFixed(1)} MiB → ${b.toFixed(1)} bytes/key`,
      );
    }
    const st = stats(perKey);
    console.log(
      `   ${c.label}: median ${st.median.toFixed(1)} bytes/key (min ${st.min.toFixed(1)}, max ${st.max.toFixed(1)})` +
        (c.goal ? `; goal <= ${GOAL}: ${st.median <= GOAL ? 'met' : 'NOT met'}` : ''),
    );
    report({
      bench: 'state-bytes',
      metric: `bytes/key, ${c.label}`,
      value: st.median,
      unit: 'B',
      ...(c.goal ? { goal: `<= ${GOAL}`, met: st.median <= GOAL } : {}),
    });
  }

  const label = 'interval join, per buffered row (3-field row included)';
  await joinHeapDelta(KEYS);
  await joinHeapDelta(1);
  const perRow: number[] = [];
  for (let s = 0; s < SAMPLES; s++) {
    const one = await joinHeapDelta(1);
    const many = await joinHeapDelta(KEYS);
    const b = (many - one) / (KEYS - 1);
    perRow.push(b);
    console.log(
      `   ${label}, sample ${s + 1}: Δheap 1 row ${(one / 1024).toFixed(0)} KiB, ${KEYS.toLocaleString('en')} rows ${(many / 1048576).toFixed(1)} MiB → ${b.toFixed(1)} bytes/row`,
    );
  }
  const st = stats(perRow);
  console.log(
    `   ${label}: median ${st.median.toFixed(1)} bytes/row (min ${st.min.toFixed(1)}, max ${st.max.toFixed(1)})`,
  );
  report({ bench: 'state-bytes', metric: `bytes/row, ${label}`, value: st.median, unit: 'B' });
}

await main();
