/**
 * `flowstate run --engine flink`: the usage and refusal paths (no Flink needed), then one real run on a local
 * Flink that the command starts and stops itself, whose output must be exactly the embedded run's: file sinks
 * (a rolling aggregate's updates as jsonl, window rows as csv), collect and console sinks. (The conformance
 * suite, packages/conformance, runs the same code path through --flink-gateway on many specs.) The Flink run
 * is skipped, with the reason printed, when Java 17/Maven are missing and cannot be installed.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ensureFlinkBuilt } from '@flowstate/flink-local';
import { afterAll, describe, expect, it } from 'vitest';
import { removeTempFiles, runCli, tempFiles } from './run-cli';

afterAll(removeTempFiles);

const source = {
  id: 'src',
  kind: 'source',
  connector: {
    type: 'datagen',
    rowsPerSecond: 0,
    count: 800,
    seed: 3,
    fields: {
      ts: { kind: 'timestamp', startMs: 1_700_000_000_000, stepMs: 50, maxJitterMs: 0 },
      k: { kind: 'choice', values: ['a', 'b', 'c'] },
      v: { kind: 'random', min: 0, max: 10 },
    },
  },
  schema: { ts: 'timestamp', k: 'string', v: 'float' },
  watermark: { timestampField: 'ts', maxOutOfOrdernessMs: 0, emitEveryRows: 1 },
};

/** src → byK → roll (rolling COUNT, SUM) → file jsonl; byK → win (tumbling AVG, LAST_VALUE) → csv, console, collect */
const SPEC = {
  specVersion: 1,
  name: 'flink-run',
  nodes: [
    source,
    { id: 'byK', kind: 'keyBy', key: ['k'] },
    { id: 'roll', kind: 'aggregate', aggregates: { n: 'COUNT(*)', s: 'SUM(v)' } },
    { id: 'rolled', kind: 'sink', connector: { type: 'file', path: 'out/rolled', format: 'jsonl' } },
    {
      id: 'win',
      kind: 'window',
      assigner: { type: 'tumbling', sizeMs: 10_000 },
      aggregates: { avg: 'AVG(v)', last: 'LAST_VALUE(ts)' },
    },
    { id: 'windows', kind: 'sink', connector: { type: 'file', path: 'out/windows', format: 'csv' } },
    { id: 'shown', kind: 'sink', connector: { type: 'console' } },
    { id: 'kept', kind: 'sink', connector: { type: 'collect' } },
  ],
  edges: [
    { from: 'src', to: 'byK' },
    { from: 'byK', to: 'roll' },
    { from: 'roll', to: 'rolled' },
    { from: 'byK', to: 'win' },
    { from: 'win', to: 'windows' },
    { from: 'win', to: 'shown' },
    { from: 'win', to: 'kept' },
  ],
};

const specDir = () => tempFiles({ 'job.json': JSON.stringify(SPEC) });

describe('flowstate run --engine flink: usage and refusals', () => {
  it('takes embedded or flink; --flink-gateway only with --engine flink; no embedded-only flags', async () => {
    const dir = specDir();
    const bad = await runCli(['run', 'job.json', '--engine', 'spark'], { cwd: dir });
    expect([bad.code, bad.stderr.split('\n')[0]]).toEqual([
      2,
      "flowstate: --engine takes embedded or flink, not 'spark'",
    ]);
    const gw = await runCli(['run', 'job.json', '--flink-gateway', 'http://127.0.0.1:1'], { cwd: dir });
    expect([gw.code, gw.stderr.split('\n')[0]]).toEqual([
      2,
      'flowstate: --flink-gateway needs --engine flink',
    ]);
    const cp = await runCli(['run', 'job.json', '--engine', 'flink', '--checkpoint-dir', 'c', '--explain'], {
      cwd: dir,
    });
    expect([cp.code, cp.stderr.split('\n')[0]]).toEqual([
      2,
      'flowstate: --explain, --checkpoint-dir are for the embedded engine, not --engine flink (flowstate export --to flink-sql shows the Flink SQL)',
    ]);
  });

  it('exits 1 naming the node when the export refuses the spec, before starting any Flink', async () => {
    const late = structuredClone(SPEC);
    late.nodes.push({ id: 'lateRows', kind: 'sink', connector: { type: 'collect' } });
    (late.edges as Array<Record<string, string>>).push({ from: 'win', to: 'lateRows', port: 'late' });
    const dir = tempFiles({ 'late.json': JSON.stringify(late) });
    const r = await runCli(['run', 'late.json', '--engine', 'flink'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^node 'win': window 'win': a window's late rows \(the edge to 'lateRows' on port "late"\)/m,
    );
    expect(r.stderr).toContain('flowstate: cannot run late.json on Flink\n');
    expect(r.stderr).not.toContain('starting a local Flink');
  });

  it('exits 2 when the SQL Gateway cannot be reached', async () => {
    const r = await runCli(
      ['run', 'job.json', '--engine', 'flink', '--flink-gateway', 'http://127.0.0.1:9'],
      {
        cwd: specDir(),
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'flowstate: cannot reach the Flink SQL Gateway at http://127.0.0.1:9: fetch failed',
    );
  });
});

const prep = ensureFlinkBuilt({ log: (m) => process.stderr.write(`[run-flink] ${m}\n`) });
if (!prep.ok) process.stderr.write(`[run-flink] the local Flink run is SKIPPED: ${prep.reason}\n`);

/** The lines of every committed part file of a file sink directory, and the files' names. */
function sinkOutput(dir: string): { files: string[]; lines: string[] } {
  const files = readdirSync(dir).filter((f) => !f.startsWith('.') && !f.startsWith('_'));
  const lines = files.flatMap((f) => readFileSync(path.join(dir, f), 'utf8').split('\n').slice(0, -1));
  return { files, lines };
}

describe.skipIf(!prep.ok)('flowstate run --engine flink on a local Flink', () => {
  it("writes exactly the embedded run's output: file sinks, collect and console", async () => {
    const flinkDir = specDir();
    const embeddedDir = specDir();
    const flink = await runCli(['run', 'job.json', '--engine', 'flink', '--output', 'collected'], {
      cwd: flinkDir,
    });
    expect(flink.code, flink.stderr).toBe(0);
    expect(flink.stderr).toContain('starting a local Flink (one JVM: MiniCluster + SQL Gateway)…\n');
    expect(flink.stderr).toMatch(/^✓ finished on Flink 2\.3\.0 in /m);
    expect(flink.stderr).toContain("  source 'src': 800 rows materialized\n");
    expect(flink.stderr).toContain('  rolled  file · in 800 (updates)\n');
    const embedded = await runCli(['run', 'job.json', '--output', 'collected'], { cwd: embeddedDir });
    expect(embedded.code, embedded.stderr).toBe(0);

    // Rolling updates: the same rows in the same order per key (one part file each, keys interleaved freely).
    const rolled = sinkOutput(path.join(flinkDir, 'out/rolled'));
    expect(rolled.files).toEqual([expect.stringMatching(/^part-0-end-[0-9a-z]{9}-[0-9a-z]{4}\.jsonl$/)]);
    const perKey = (lines: string[]) =>
      ['a', 'b', 'c'].map((k) => lines.filter((l) => l.startsWith(`{"k":"${k}",`)));
    const embeddedRolled = sinkOutput(path.join(embeddedDir, 'out/rolled')).lines;
    expect(rolled.lines.length).toBe(800);
    expect(perKey(rolled.lines)).toEqual(perKey(embeddedRolled));

    // Window rows: csv with the header, the same multiset of lines.
    const windows = sinkOutput(path.join(flinkDir, 'out/windows')).lines;
    const embeddedWindows = sinkOutput(path.join(embeddedDir, 'out/windows')).lines;
    expect(windows[0]).toBe('k,window_start,window_end,avg,last');
    expect(windows.length).toBe(1 + 4 * 3); // 800 rows × 50 ms = four 10-s windows, three keys

    expect([...windows].sort()).toEqual([...embeddedWindows].sort());

    // Console and collect: the same JSON lines.
    expect(flink.stdout.split('\n').sort()).toEqual(embedded.stdout.split('\n').sort());
    const collected = (dir: string) =>
      readFileSync(path.join(dir, 'collected/kept.jsonl'), 'utf8').split('\n').sort();
    expect(collected(flinkDir)).toEqual(collected(embeddedDir));
    expect(collected(flinkDir).length).toBe(12 + 1); // the rows and the final newline's empty line
  }, 240_000);
});
