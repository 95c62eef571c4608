/**
 * `flowstate run SPEC --restore PATH [--allow-non-restored-state]` with an edited spec: the compatibility report
 * (the engine's `checkRestoreCompatibility`) is printed before anything runs; a restore that would lose state is
 * refused (exit 1) unless the flag drops it; then the kept state continues and the summary says which counts
 * carried over from the checkpoint.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTempFiles, runCli, tempFiles } from './run-cli';

afterAll(removeTempFiles);

/** gen (datagen) → byK → agg (COUNT) → out (collect); byK → extreme (MAX, or MIN in v2) → drop; v2 adds firsts. */
function spec(v: 1 | 2) {
  const nodes: unknown[] = [
    {
      id: 'gen',
      kind: 'source',
      connector: {
        type: 'datagen',
        count: v === 1 ? 2000 : 3000,
        seed: 3,
        fields: {
          seq: { kind: 'sequence' },
          k: { kind: 'random', min: 0, max: 4 },
          v: { kind: 'random', min: 1, max: 100 },
        },
      },
      schema: { seq: 'int', k: 'int', v: 'int' },
    },
    { id: 'byK', kind: 'keyBy', key: ['k'] },
    { id: 'agg', kind: 'aggregate', aggregates: { n: 'COUNT(*)' } },
    { id: 'out', kind: 'sink', connector: { type: 'collect' } },
    { id: 'extreme', kind: 'aggregate', aggregates: { top: v === 1 ? 'MAX(v)' : 'MIN(v)' } },
    { id: 'drop', kind: 'sink', connector: { type: 'blackhole' } },
  ];
  const edges = [
    { from: 'gen', to: 'byK' },
    { from: 'byK', to: 'agg' },
    { from: 'agg', to: 'out' },
    { from: 'byK', to: 'extreme' },
    { from: 'extreme', to: 'drop' },
  ];
  if (v === 2) {
    nodes.push(
      { id: 'firsts', kind: 'aggregate', aggregates: { first: 'FIRST_VALUE(seq)' } },
      { id: 'drop2', kind: 'sink', connector: { type: 'blackhole' } },
    );
    edges.push({ from: 'byK', to: 'firsts' }, { from: 'firsts', to: 'drop2' });
  }
  return JSON.stringify({ specVersion: 1, name: 'upgrade', nodes, edges });
}

let dir: string;
let checkpoint: string;

beforeAll(async () => {
  dir = tempFiles({ 'v1.json': spec(1), 'v2.json': spec(2) });
  const r = await runCli(['run', 'v1.json', '--checkpoint-dir', 'cp', '--output', 'o1'], { cwd: dir });
  expect(r.code, r.stderr).toBe(0);
  checkpoint = path.join(dir, 'cp/upgrade/chk-1');
  expect(r.stderr).toContain(`✓ checkpoint 1 (stop) completed in`);
}, 60_000);

const REPORT = (
  action: 'refused' | 'dropped',
  reason: string,
) => `restoring checkpoint 1 (${path.join(dir, 'cp/upgrade/chk-1')}):
  gen      source       restored      state restored: reading resumes at the positions in the checkpoint
  byK      keyBy        —             keeps no state
  agg      aggregate    restored      keyed state restored (matched by node id)
  out      sink         restored      state restored (matched by node id)
  extreme  aggregate    ${action.padEnd(12)}  ${reason}
                                      aggregates: top = MAX(v) → top = MIN(v)
  drop     sink         —             keeps no state
  firsts   aggregate    starts empty  a new node: it starts with empty state
  drop2    sink         —             keeps no state
`;

describe('flowstate run --restore with an edited spec', () => {
  it('prints the report and refuses state with no compatible node (exit 1)', async () => {
    const r = await runCli(['run', 'v2.json', '--restore', checkpoint, '--output', 'o2'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `${REPORT(
        'refused',
        'its state layout changed (aggregates): refused — allow non-restored state to drop it and start the node empty',
      )}✗ checkpoint 1 cannot be restored as it is: the state of 'extreme' (incompatible) has no compatible node in the new spec — allow non-restored state to drop it (3 nodes restore their state, 1 node starts empty)
(run again with --allow-non-restored-state to drop that state and start those nodes empty)
`,
    );
  });

  it('--allow-non-restored-state drops it: the kept state continues, the counts carry over', async () => {
    const r = await runCli(
      [
        'run',
        'v2.json',
        '--restore',
        checkpoint,
        '--allow-non-restored-state',
        '--job-id',
        'v2',
        '--output',
        'o2',
      ],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      `${REPORT(
        'dropped',
        'its state layout changed (aggregates): its state is dropped (allowNonRestoredState) and it starts empty',
      )}✓ checkpoint 1: 3 nodes restore their state, 1 node starts empty; the state of 'extreme' (incompatible) is dropped (allowNonRestoredState)
↺ restored from checkpoint 1 (${checkpoint})
`,
    );
    expect(r.stderr).toContain(`  counts since the job's input began, carried over from checkpoint 1
  gen      source    · out 3,000 (1,000 since the restore)
  agg      aggregate · in 3,000 (1,000 since the restore) · out 3,000 (1,000 since the restore) · 5 keys
  out      sink      · in 3,000 (1,000 since the restore)
  extreme  aggregate · in 1,000 · out 1,000 · 5 keys
  drop     sink      · in 3,000 (1,000 since the restore)
  firsts   aggregate · in 1,000 · out 1,000 · 5 keys
  drop2    sink      · in 1,000
`);
    // The kept COUNT(*) continues from the checkpoint: the rows after it carry each key's count past v1's.
    const rows = (file: string) =>
      readFileSync(path.join(dir, file), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { k: number; n: number });
    const last = (rs: Array<{ k: number; n: number }>) =>
      Object.fromEntries(rs.map((row) => [row.k, row.n] as const));
    const v1 = last(rows('o1/out.jsonl'));
    const v2 = rows('o2/out.jsonl');
    expect(v2).toHaveLength(1000);
    const firstAfter = Object.fromEntries([...v2].reverse().map((row) => [row.k, row.n] as const));
    for (const [k, n] of Object.entries(firstAfter)) expect(n, `key ${k}`).toBe((v1[k] ?? 0) + 1);
    expect(Object.values(last(v2)).reduce((a, b) => a + b, 0)).toBe(3000);
  });

  it('the same spec restores quietly; the flag without --restore is a usage error', async () => {
    const same = await runCli(
      ['run', 'v1.json', '--restore', checkpoint, '--job-id', 'again', '--output', 'o3'],
      {
        cwd: dir,
      },
    );
    expect(same.code, same.stderr).toBe(0);
    expect(same.stderr.split('\n').slice(0, 2)).toEqual([
      '↺ checkpoint 1: 4 nodes restore their state',
      `↺ restored from checkpoint 1 (${checkpoint})`,
    ]);
    const usage = await runCli(['run', 'v1.json', '--allow-non-restored-state'], { cwd: dir });
    expect(usage.code).toBe(2);
    expect(usage.stderr.split('\n')[0]).toBe('flowstate: --allow-non-restored-state goes with --restore');
  });
});
