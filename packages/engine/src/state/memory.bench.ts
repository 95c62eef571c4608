/**
 * Heap cost per key of a COUNT state at 1M keys, and the pause of snapshot() at that size.
 *
 *   cd packages/engine && node --expose-gc --import tsx src/state/memory.bench.ts [keys]
 *
 * Not a test: it needs `--expose-gc` and prints figures. Totals include the key strings
 * (`key-123456`, created by the bench and owned by the state from then on).
 */
import {
  AggregatingStateDescriptor,
  createHeapKeyedStateBackend,
  KeyGroupRange,
  ValueStateDescriptor,
  VOID_NAMESPACE,
} from './index';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');
const N = Number(globalThis.process?.argv[2] ?? 1_000_000);

function heapUsed(): number {
  for (let i = 0; i < 3; i++) gc!();
  return globalThis.process.memoryUsage().heapUsed;
}

function newBackend() {
  return createHeapKeyedStateBackend({
    maxParallelism: 128,
    keyGroupRange: KeyGroupRange.of(0, 127),
    nowMs: () => Date.now(),
  });
}

type Result = { name: string; bytesPerKey: number; ms: number };

function measure(name: string, fill: (backend: ReturnType<typeof newBackend>) => void): Result {
  const before = heapUsed();
  const backend = newBackend();
  const t0 = performance.now();
  fill(backend);
  const ms = performance.now() - t0;
  const after = heapUsed();
  if (backend.numKeys() !== N) throw new Error(`expected ${N} keys, got ${backend.numKeys()}`);
  const r = { name, bytesPerKey: (after - before) / N, ms };
  backend.dispose();
  return r;
}

const results: Result[] = [];

results.push(
  measure('ValueState<number> (state object)', (b) => {
    const count = b.getOrCreateKeyedState(new ValueStateDescriptor<number>('count'));
    for (let i = 0; i < N; i++) {
      b.setCurrentKey(`key-${i}`);
      count.update((count.value() ?? 0) + 1);
    }
  }),
);

results.push(
  measure('AggregatingState<_, number, number>', (b) => {
    const count = b.getOrCreateKeyedState(
      new AggregatingStateDescriptor<unknown, number, number>('count', {
        createAccumulator: () => 0,
        add: (_v, acc) => acc + 1,
        getResult: (acc) => acc,
        merge: (a, c) => a + c,
      }),
    );
    for (let i = 0; i < N; i++) {
      b.setCurrentKey(`key-${i}`);
      count.add(i);
    }
  }),
);

results.push(
  measure('StateTable<number> (operator fast path)', (b) => {
    const t = b.getStateTable(new ValueStateDescriptor<number>('count'));
    for (let i = 0; i < N; i++) {
      const k = `key-${i}`;
      t.put(k, VOID_NAMESPACE, (t.get(k, VOID_NAMESPACE) ?? 0) + 1);
    }
  }),
);

// key strings alone, for reference
{
  const before = heapUsed();
  const keys: string[] = new Array(N);
  for (let i = 0; i < N; i++) keys[i] = `key-${i}`;
  const after = heapUsed();
  results.push({ name: '(reference) the key strings in an array', bytesPerKey: (after - before) / N, ms: 0 });
  keys.length = 0;
}

// snapshot pause and materialization at N keys
const backend = newBackend();
const table = backend.getStateTable(new ValueStateDescriptor<number>('count'));
for (let i = 0; i < N; i++) table.put(`key-${i}`, VOID_NAMESPACE, i);
const t0 = performance.now();
const snap = backend.snapshot(1);
const syncMs = performance.now() - t0;
let maxStepMs = 0;
let steps = 0;
const t1 = performance.now();
for (;;) {
  const s = performance.now();
  const done = snap.materializeStep(10_000);
  maxStepMs = Math.max(maxStepMs, performance.now() - s);
  steps++;
  // interleaved processing: overwrite a few keys between chunks
  for (let j = 0; j < 100; j++) table.put(`key-${(steps * 7919 + j) % N}`, VOID_NAMESPACE, -1);
  if (done) break;
}
const materializeMs = performance.now() - t1;
const entries = snap
  .result()
  .states[0]!.byKeyGroup.reduce((n, [, e]) => n + (Array.isArray(e) ? e.length : e.keys.length), 0);
snap.release();

for (const r of results) {
  console.log(
    `${r.name.padEnd(42)} ${r.bytesPerKey.toFixed(1).padStart(7)} bytes/key  fill ${r.ms.toFixed(0)} ms`,
  );
}
console.log(
  `snapshot() at ${N} keys: ${syncMs.toFixed(3)} ms synchronous; materialized ${entries} entries in ${steps} steps of 10k, ` +
    `${materializeMs.toFixed(0)} ms total, longest step ${maxStepMs.toFixed(1)} ms`,
);
console.log(`node ${globalThis.process.version} ${globalThis.process.arch}`);
