/**
 * `flowstate run` with the disk state backend: a checkpoint's line shows what it wrote and what the state
 * consists of (its own directory holds only timers and `_metadata`), as `flowstate checkpoints` does.
 */
import { afterAll, expect, it } from 'vitest';
import { removeTempFiles, runCli, tempFiles } from './run-cli';

afterAll(removeTempFiles);

it('prints an incremental checkpoint as "<written> incremental / <state> full"', async () => {
  const spec = {
    specVersion: 1,
    name: 'disk-run',
    settings: { stateBackend: 'disk', checkpointing: { intervalMs: 0 } },
    nodes: [
      {
        id: 'gen',
        kind: 'source',
        connector: { type: 'datagen', count: 3000, seed: 1, fields: { k: { kind: 'sequence' } } },
        schema: { k: 'int' },
      },
      { id: 'byK', kind: 'keyBy', key: ['k'] },
      { id: 'agg', kind: 'aggregate', aggregates: { n: 'COUNT(*)' } },
      { id: 'out', kind: 'sink', connector: { type: 'blackhole' } },
    ],
    edges: [
      { from: 'gen', to: 'byK' },
      { from: 'byK', to: 'agg' },
      { from: 'agg', to: 'out' },
    ],
  };
  const dir = tempFiles({ 'job.json': JSON.stringify(spec) });
  const r = await runCli(['run', 'job.json', '--checkpoint-dir', 'cp'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  // the one (final) checkpoint is full: what it wrote is all of the state
  const line = /✓ checkpoint 1 \(stop\) completed in \d+ ms, (.+) → /.exec(r.stderr)?.[1];
  expect(line, r.stderr).toMatch(/^([\d.]+ KiB) incremental \/ \1 full$/);
  const listed = await runCli(['checkpoints', 'cp'], { cwd: dir });
  expect(listed.code, listed.stderr).toBe(0);
  expect(listed.stdout).toContain(line);
}, 60_000);
