/**
 * `flowstate export --to flink-sql`, run as a user runs it: the bin entry in a child process, checking exit
 * codes, stdout and stderr.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { examplesDir, mainTs, removeTempFiles, repoRoot, runCli, tempFiles, tsxCli } from './run-cli';

afterAll(removeTempFiles);

describe.concurrent('flowstate export --to flink-sql', () => {
  it('prints the script on stdout and the notes on stderr (exit 0); paths resolve against the spec file', async () => {
    const run = await runCli(['export', 'examples/word-count-windowed/job.json', '--to', 'flink-sql']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^-- Flink SQL for job 'word-count-windowed', exported by Flowstate/);
    expect(run.stdout).toContain(
      `'path' = '${path.join(examplesDir, 'word-count-windowed/data/lines.jsonl')}'`,
    );
    expect(run.stdout).toContain("WATERMARK FOR __rowtime AS __rowtime - INTERVAL '2.001' SECOND");
    expect(
      run.stderr
        .split('\n')
        .filter(Boolean)
        .map((l) => l.slice(0, 22)),
    ).toEqual(['note: settings.rowErro', "note: node 'words': ex"]);
  });

  it('--out writes the file; --source replaces a nexmark source by a JSONL file', async () => {
    const dir = tempFiles({ 'bids.jsonl': '' });
    const out = path.join(dir, 'q1.sql');
    const run = await runCli([
      'export',
      'examples/nexmark-q1/job.json',
      '--to',
      'flink-sql',
      '--source',
      `bids=${path.join(dir, 'bids.jsonl')}`,
      '--out',
      out,
    ]);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/✓ wrote .*q1\.sql\n$/);
    expect(run.code).toBe(0);
    const sql = readFileSync(out, 'utf8');
    expect(sql).toContain(`'path' = '${path.join(dir, 'bids.jsonl')}'`);
    expect(sql).toContain("'connector' = 'blackhole'");
  });

  it('a refused export exits 1, one "node \'x\': message" line per problem', async () => {
    const run = await runCli(['export', 'examples/nexmark-q1/job.json', '--to', 'flink-sql']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      "node 'bids': source 'bids': there is no Nexmark connector for Flink SQL in Maven Central (and its generator is not seeded), so the source cannot be exported as it is: materialize the rows to a JSON lines file and pass it in options.sourceOverrides (flowstate export: --source bids=FILE)\n" +
        'flowstate: cannot export examples/nexmark-q1/job.json to Flink SQL\n',
    );
  });

  it('an invalid spec exits 1 with its validation problems', async () => {
    const spec = JSON.parse(readFileSync(path.join(examplesDir, 'word-count/job.json'), 'utf8'));
    spec.nodes[2].where = 'word <> 0';
    const dir = tempFiles({ 'job.json': JSON.stringify(spec) });
    const run = await runCli(['export', 'job.json', '--to', 'flink-sql'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^node 'nonEmpty': filter 'nonEmpty', where: cannot compare string with int/);
  });

  it('as the root `flowstate` script, resolves the spec path against INIT_CWD', async () => {
    const run = await runCli(['export', 'word-count/job.json', '--to', 'flink-sql'], {
      entry: [tsxCli, mainTs],
      cwd: repoRoot,
      env: { INIT_CWD: examplesDir, npm_lifecycle_event: 'flowstate' },
    });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`'path' = '${path.join(examplesDir, 'word-count/data/words.txt')}'`);
  });

  it('usage errors exit 2: no --to, an unknown target, a bad --source', async () => {
    const noTo = await runCli(['export', 'examples/word-count/job.json']);
    expect(noTo.code).toBe(2);
    expect(noTo.stderr).toMatch(/^flowstate: export needs --to flink-sql\n\nUsage: flowstate export /);
    const bad = await runCli(['export', 'examples/word-count/job.json', '--to', 'spark']);
    expect(bad.stderr).toMatch(/^flowstate: export --to takes flink-sql, not 'spark'/);
    const src = await runCli([
      'export',
      'examples/word-count/job.json',
      '--to',
      'flink-sql',
      '--source',
      'x',
    ]);
    expect(src.stderr).toMatch(/^flowstate: --source takes ID=FILE, not 'x'/);
    expect(bad.code).toBe(2);
    expect(src.code).toBe(2);
  });

  it('--help prints the usage', async () => {
    const run = await runCli(['export', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: flowstate export <spec.json> --to flink-sql/);
  });
});
