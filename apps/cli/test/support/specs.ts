/**
 * The job the recovery, corruption and rescale tests run: a datagen source (row i depends only on seed and i),
 * keyBy k → a rolling aggregate whose `n = COUNT(*)` is a per-key sequence number → an exactly-once `file`
 * sink (jsonl) in `out/` beside the spec.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface CountingJob {
  name?: string;
  count: number;
  /** 0 = as fast as possible. */
  rowsPerSecond: number;
  intervalMs: number;
  keys?: number;
  parallelism?: number;
  retained?: number;
  /** `none`: a failure ends the process (the tests restart it themselves). */
  restart?: 'none' | 'fixed-delay';
}

export function countingSpec(o: CountingJob) {
  return {
    specVersion: 1,
    name: o.name ?? 'counting',
    settings: {
      parallelism: o.parallelism ?? 1,
      checkpointing: { intervalMs: o.intervalMs, retained: o.retained ?? 3 },
      restart:
        o.restart === 'fixed-delay'
          ? { strategy: 'fixed-delay', maxAttempts: 5, delayMs: 0 }
          : { strategy: 'none' },
    },
    nodes: [
      {
        id: 'gen',
        kind: 'source',
        connector: {
          type: 'datagen',
          rowsPerSecond: o.rowsPerSecond,
          count: o.count,
          seed: 7,
          fields: {
            seq: { kind: 'sequence', start: 0 },
            k: { kind: 'random', min: 0, max: (o.keys ?? 64) - 1 },
            v: { kind: 'random', min: 1, max: 1000 },
          },
        },
        schema: { seq: 'int', k: 'int', v: 'int' },
      },
      { id: 'byK', kind: 'keyBy', key: ['k'] },
      {
        id: 'agg',
        kind: 'aggregate',
        aggregates: { n: 'COUNT(*)', total: 'SUM(v)', low: 'MIN(v)', high: 'MAX(v)' },
      },
      { id: 'out', kind: 'sink', connector: { type: 'file', path: 'out', format: 'jsonl' } },
    ],
    edges: [
      { from: 'gen', to: 'byK' },
      { from: 'byK', to: 'agg' },
      { from: 'agg', to: 'out' },
    ],
  };
}

/** Writes `spec.json` into `dir` (and creates `out/`); returns the spec's path. */
export function writeSpec(dir: string, spec: unknown): string {
  mkdirSync(path.join(dir, 'out'), { recursive: true });
  const file = path.join(dir, 'spec.json');
  writeFileSync(file, `${JSON.stringify(spec, null, 2)}\n`);
  return file;
}
