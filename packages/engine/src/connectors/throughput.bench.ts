/**
 * Throughput of the connectors on one core (not run by the tests):
 *   pnpm exec tsx packages/engine/src/connectors/throughput.bench.ts
 * Prints rows/s (best of several rounds) for datagen, the nexmark readers, the file source formats
 * and the file sink (the two-phase `FileSink`, committed at the end as a job without checkpoints does).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DatagenSource, type FileSource, type NexmarkSource, SinkNodeSchema } from '@flowstate/spec';
import { Collector } from '../runtime/operator';
import { sinkHarness } from '../testing/harness';
import { createSplitReader, openFileAccess } from './index';
import type { Row, RowSchema, SplitContext, SplitReader } from './types';

const ctx: SplitContext = {
  subtask: 0,
  parallelism: 1,
  nowMs: () => Date.now(),
  files: openFileAccess(process.cwd()),
  strict: false,
  onError: () => {},
};

function measure(name: string, make: () => SplitReader, rows: number, rounds = 5): void {
  let best = 0;
  const out: Row[] = [];
  for (let r = 0; r < rounds; r++) {
    const reader = make();
    const t0 = performance.now();
    let n = 0;
    while (n < rows) {
      out.length = 0;
      const got = reader.read(1024, out);
      if (got === 0 && reader.ended) break;
      n += got;
    }
    const dt = (performance.now() - t0) / 1000;
    reader.close();
    best = Math.max(best, n / dt);
  }
  console.log(`${name.padEnd(44)} ${(best / 1e6).toFixed(2).padStart(6)} M rows/s`);
}

const simple: DatagenSource = {
  type: 'datagen',
  fields: {
    id: { kind: 'sequence', start: 0 },
    v: { kind: 'random', min: 0, max: 1000 },
    k: { kind: 'choice', values: ['a', 'b', 'c', 'd'] },
  },
  rowsPerSecond: 0,
  seed: 1,
};
const wide: DatagenSource = {
  type: 'datagen',
  fields: {
    id: { kind: 'sequence', start: 0 },
    v: { kind: 'random', min: 0, max: 1000, nullRate: 0.1 },
    f: { kind: 'random', min: 0, max: 1 },
    s: { kind: 'random', min: 0, max: 0, length: 8 },
    b: { kind: 'random', min: 0, max: 1 },
    k: { kind: 'choice', values: ['a', 'b', 'c', 'd'], weights: [1, 2, 3, 4] },
    ts: { kind: 'timestamp', startMs: 0, stepMs: 10, maxJitterMs: 100 },
  },
  rowsPerSecond: 0,
  seed: 1,
};
const wideSchema: RowSchema = {
  id: 'int',
  v: 'int',
  f: 'float',
  s: 'string',
  b: 'bool',
  k: 'string',
  ts: 'timestamp',
};
const nexmark = (table: NexmarkSource['table']): NexmarkSource => ({
  type: 'nexmark',
  table,
  eventsPerSecond: 0,
  seed: 0,
});

measure(
  'datagen, 3 fields (sequence, random int, choice)',
  () => createSplitReader(simple, { id: 'int', v: 'int', k: 'string' }, ctx),
  10_000_000,
);
measure(
  'datagen, 7 fields (incl. 8-char random string)',
  () => createSplitReader(wide, wideSchema, ctx),
  5_000_000,
);
measure('nexmark bid', () => createSplitReader(nexmark('bid'), {}, ctx), 5_000_000);
measure('nexmark auction', () => createSplitReader(nexmark('auction'), {}, ctx), 2_000_000);
measure('nexmark person', () => createSplitReader(nexmark('person'), {}, ctx), 2_000_000);

// File formats: write 1M datagen rows with the file sink, then read them back.
const dir = mkdtempSync(join(tmpdir(), 'flowstate-bench-'));
try {
  const fileRows = 1_000_000;
  const source = createSplitReader({ ...wide, count: fileRows }, wideSchema, ctx);
  const all: Row[] = [];
  while (source.read(4096, all) > 0) {}
  for (const format of ['jsonl', 'csv'] as const) {
    const node = SinkNodeSchema.parse({
      id: 'out',
      kind: 'sink',
      connector: { type: 'file', path: format, format },
    });
    const t0 = performance.now();
    const sink = sinkHarness(node, wideSchema, { baseDir: dir }).operator;
    const ts = new Array<number>(1024).fill(0);
    for (let i = 0; i < all.length; i += 1024) {
      const batch = all.slice(i, i + 1024);
      sink.processBatch(batch, ts.slice(0, batch.length), new Collector());
    }
    sink.endInput(new Collector());
    sink.snapshotState(Number.MAX_SAFE_INTEGER);
    sink.notifyCheckpointComplete(Number.MAX_SAFE_INTEGER);
    sink.close();
    const dt = (performance.now() - t0) / 1000;
    console.log(
      `${`file sink ${format} (7 fields)`.padEnd(44)} ${(fileRows / dt / 1e6).toFixed(2).padStart(6)} M rows/s`,
    );
  }
  for (const format of ['jsonl', 'csv', 'text'] as const) {
    const conn: FileSource = { type: 'file', path: join(dir, format === 'text' ? 'csv' : format), format };
    measure(
      `file source ${format}${format === 'text' ? ' (the csv file)' : ' (7 fields)'}`,
      () => createSplitReader(conn, wideSchema, ctx),
      fileRows,
      3,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
