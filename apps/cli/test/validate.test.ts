/**
 * `flowstate validate`, run as a user runs it: `node apps/cli/bin/flowstate.mjs …` in a child process,
 * checking exit codes, stdout and stderr.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { examplesDir, mainTs, removeTempFiles, repoRoot, runCli, tempFiles, tsxCli } from './run-cli';

const wordCount = JSON.parse(readFileSync(path.join(examplesDir, 'word-count/job.json'), 'utf8'));
const exampleNames = readdirSync(examplesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

/** word-count with the given changes applied to a deep copy. */
afterAll(removeTempFiles);

function brokenWordCount(change: (spec: typeof wordCount) => void): string {
  const spec = structuredClone(wordCount);
  change(spec);
  return `${JSON.stringify(spec, null, 2)}\n`;
}

describe.concurrent('flowstate validate: valid specs (exit 0)', () => {
  it.each(exampleNames)('examples/%s/job.json is valid', async (name) => {
    const spec = JSON.parse(readFileSync(path.join(examplesDir, name, 'job.json'), 'utf8'));
    const run = await runCli(['validate', `examples/${name}/job.json`]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`✓ ${name}: valid (${spec.nodes.length} nodes, ${spec.edges.length} edges)\n`);
    expect(run.code).toBe(0);
  });

  it('resolves a relative path against the working directory', async () => {
    const run = await runCli(['validate', 'word-count/job.json'], { cwd: examplesDir });
    expect(run.stdout).toBe('✓ word-count: valid (6 nodes, 5 edges)\n');
    expect(run.code).toBe(0);
  });

  it('as the root `flowstate` script (tsx apps/cli/src/main.ts), resolves against INIT_CWD', async () => {
    // pnpm runs the root script in the repo root and passes the caller's directory in INIT_CWD.
    const run = await runCli(['validate', 'word-count/job.json'], {
      entry: [tsxCli, mainTs],
      cwd: repoRoot,
      env: { INIT_CWD: examplesDir, npm_lifecycle_event: 'flowstate' },
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('✓ word-count: valid (6 nodes, 5 edges)\n');
    expect(run.code).toBe(0);
  });

  it('ignores INIT_CWD left behind by another script', async () => {
    const run = await runCli(['validate', 'examples/word-count/job.json'], {
      cwd: repoRoot,
      env: { INIT_CWD: examplesDir, npm_lifecycle_event: 'test' },
    });
    expect(run.code).toBe(0);
  });

  it('reads standard input for -', async () => {
    const run = await runCli(['validate', '-'], { input: JSON.stringify(wordCount) });
    expect(run.stdout).toBe('✓ word-count: valid (6 nodes, 5 edges)\n');
    expect(run.code).toBe(0);
  });

  it('accepts a UTF-8 byte-order mark', async () => {
    const dir = tempFiles({ 'job.json': `\ufeff${JSON.stringify(wordCount)}` });
    const run = await runCli(['validate', path.join(dir, 'job.json')]);
    expect(run.code).toBe(0);
  });

  it('prints warnings and still exits 0', async () => {
    const dir = tempFiles({
      'job.json': brokenWordCount((s) => {
        s.layout.ghost = { x: 0, y: 120 };
      }),
    });
    const run = await runCli(['validate', 'job.json'], { cwd: dir });
    expect(run.stdout).toMatch(/^\/layout\/ghost: warning: .+ \[warning\/unknown-layout-node\]\n/);
    expect(run.stdout).toMatch(/✓ word-count: valid \(6 nodes, 5 edges\), 1 warning\n$/);
    expect(run.code).toBe(0);
  });
});

describe.concurrent('flowstate validate: invalid specs (exit 1)', () => {
  it('prints every problem as `path: message [code]` and a summary', async () => {
    const dir = tempFiles({
      'job.json': brokenWordCount((s) => {
        s.nodes[2].where = "wrod <> ''"; // unknown field, in an expression
        s.nodes.splice(3, 1); // drop keyBy: the aggregate is not keyed
        delete s.layout.byWord;
        s.edges.splice(2, 2, { from: 'nonEmpty', to: 'counts' });
        s.edges.push({ from: 'counts', to: 'nowhere' }); // unknown node
      }),
    });
    const run = await runCli(['validate', 'job.json'], { cwd: dir });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    expect(lines).toContainEqual(
      expect.stringMatching(/^\/nodes\/2\/where: .*'wrod'.* \[expression\/UNKNOWN_FIELD\]$/),
    );
    // The expression, and a caret under the column of the error.
    const at = lines.findIndex((l) => l.startsWith('/nodes/2/where:'));
    expect(lines[at + 1]).toBe("    wrod <> ''");
    expect(lines[at + 2]).toBe('    ^');
    expect(lines).toContainEqual(expect.stringMatching(/^\/nodes\/3: .*\[not-keyed\]$/));
    expect(lines).toContainEqual(expect.stringMatching(/^\/edges\/\d+\/to: .*'nowhere'.*\[unknown-node\]$/));
    expect(run.stdout).toMatch(/\n✗ word-count: invalid, 3 errors \(job\.json\)\n$/);
  });

  it('puts the caret under the column inside a longer expression', async () => {
    const dir = tempFiles({
      'job.json': brokenWordCount((s) => {
        s.nodes[1].explode = "REGEXP_SPLIT(LOWER(lines), '[^a-z0-9]+')";
      }),
    });
    const run = await runCli(['validate', 'job.json'], { cwd: dir });
    expect(run.code).toBe(1);
    const lines = run.stdout.split('\n');
    const at = lines.findIndex((l) => l.startsWith('/nodes/1/explode:'));
    expect(lines[at]).toMatch(/'lines'.*at column 20 \[expression\/UNKNOWN_FIELD\]$/);
    expect(lines[at + 1]).toBe("    REGEXP_SPLIT(LOWER(lines), '[^a-z0-9]+')");
    expect(lines[at + 2]).toBe(`    ${' '.repeat(19)}^`);
  });

  it('reports shape problems with the JSON path', async () => {
    const dir = tempFiles({
      'job.json': brokenWordCount((s) => {
        s.specVersion = 2;
        s.nodes[3].kind = 'groupBy';
        s.nodes[4].aggregates = {};
      }),
    });
    const run = await runCli(['validate', 'job.json'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^\/specVersion: .*\[schema\/[a-z_]+\]$/m);
    expect(run.stdout).toMatch(/^\/nodes\/3\/kind: .*\[schema\/[a-z_]+\]$/m);
    expect(run.stdout).toMatch(/^\/nodes\/4\/aggregates: .*\[schema\/[a-z_]+\]$/m);
    expect(run.stdout).toMatch(/✗ word-count: invalid, 3 errors \(job\.json\)\n$/);
  });

  it('names the document itself (spec) when the JSON is not an object', async () => {
    const dir = tempFiles({ 'job.json': '[1, 2, 3]\n' });
    const run = await runCli(['validate', 'job.json'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^\(spec\): /);
    expect(run.stdout).toMatch(/✗ job\.json: invalid, 1 error \(job\.json\)\n$/);
  });
});

describe.concurrent('flowstate validate: unreadable input (exit 2)', () => {
  it('says the path and the OS reason when the file is missing', async () => {
    const run = await runCli(['validate', 'no/such/spec.json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('flowstate: cannot read no/such/spec.json: no such file or directory (ENOENT)\n');
  });

  it('says so when the path is a directory', async () => {
    const run = await runCli(['validate', 'examples']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('cannot read examples: it is a directory, not a file (EISDIR)');
  });

  it('gives the line and column of a JSON syntax error that V8 reports with a position', async () => {
    const dir = tempFiles({ 'bad.json': '{\n  "specVersion": 1,\n  "name": "x"\n  "nodes": []\n}\n' });
    const run = await runCli(['validate', 'bad.json'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      [
        "flowstate: bad.json:4:3: not valid JSON: Expected ',' or '}' after property value",
        '      "nodes": []',
        '      ^',
        '',
      ].join('\n'),
    );
  });

  it('gives the line and column of a JSON syntax error that V8 reports without a position', async () => {
    // Node 20: `Unexpected token '}', "…" is not valid JSON` carries no position; the CLI finds it.
    const dir = tempFiles({ 'bad.json': '{\n  "specVersion": 1,\n  "name": }\n' });
    const run = await runCli(['validate', 'bad.json'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe("flowstate: bad.json:3:11: not valid JSON: Unexpected token '}'");
  });

  it('reports an empty file as the end of the input at line 1, column 1', async () => {
    const dir = tempFiles({ 'empty.json': '' });
    const run = await runCli(['validate', 'empty.json'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr.split('\n')[0]).toBe(
      'flowstate: empty.json:1:1: not valid JSON: Unexpected end of JSON input',
    );
  });
});

describe.concurrent('flowstate validate --json', () => {
  it('prints { ok: true, problems: [] } for a valid spec', async () => {
    const run = await runCli(['validate', 'examples/word-count/job.json', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ ok: true, problems: [] });
  });

  it('prints the problems of an invalid spec', async () => {
    const dir = tempFiles({
      'job.json': brokenWordCount((s) => {
        s.nodes[2].where = "wrod <> ''";
      }),
    });
    const run = await runCli(['validate', '--json', 'job.json'], { cwd: dir });
    expect(run.code).toBe(1);
    expect(run.stderr).toBe('');
    const out = JSON.parse(run.stdout);
    expect(out.ok).toBe(false);
    expect(out.problems).toEqual([
      expect.objectContaining({
        code: 'expression/UNKNOWN_FIELD',
        path: '/nodes/2/where',
        nodeId: 'nonEmpty',
        column: 1,
      }),
    ]);
  });

  it('prints an error object for a missing file', async () => {
    const run = await runCli(['validate', 'missing.json', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      problems: [],
      error: {
        code: 'file-unreadable',
        message: 'cannot read missing.json: no such file or directory (ENOENT)',
        path: 'missing.json',
        reason: 'ENOENT',
      },
    });
    expect(run.stderr).toContain('no such file or directory');
  });

  it('prints an error object with the line and column for a file that is not JSON', async () => {
    const dir = tempFiles({ 'bad.json': '{ "specVersion": 1,, }' });
    const run = await runCli(['validate', 'bad.json', '--json'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      problems: [],
      error: {
        code: 'not-json',
        message: 'not valid JSON: Expected double-quoted property name',
        path: 'bad.json',
        line: 1,
        column: 20,
      },
    });
  });

  it('prints an error object for a usage error', async () => {
    const run = await runCli(['validate', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, problems: [], error: { code: 'usage' } });
    expect(run.stderr).toContain('Usage: flowstate validate <spec.json> [--json]');
  });
});

describe.concurrent('flowstate: usage', () => {
  it('--help prints the usage on stdout and exits 0', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: flowstate <command> \[options\]/);
    expect(run.stdout).toMatch(/^ {2}validate <spec\.json> \[--json\] +check a job spec/m);
    expect(run.stderr).toBe('');
  });

  it('<command> --help and help <command> print the command help', async () => {
    for (const args of [
      ['validate', '--help'],
      ['validate', '-h'],
      ['help', 'validate'],
    ]) {
      const run = await runCli(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^Usage: flowstate validate <spec\.json> \[--json\]\n/);
    }
  });

  it('no command: usage on stderr, exit 2', async () => {
    const run = await runCli([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^flowstate: no command given\n\nUsage: flowstate <command>/);
  });

  it('an unknown command: usage on stderr with a suggestion, exit 2', async () => {
    const run = await runCli(['valdate', 'x.json']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      /^flowstate: unknown command 'valdate' \(did you mean 'validate'\?\)\n\nUsage:/,
    );
  });

  it('an unknown option or a missing argument: the command usage on stderr, exit 2', async () => {
    const unknown = await runCli(['validate', 'x.json', '--strict']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^flowstate: Unknown option '--strict'/);
    expect(unknown.stderr).toContain('Usage: flowstate validate <spec.json> [--json]');
    const missing = await runCli(['validate']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^flowstate: validate needs the path of a spec file\n/);
    const extra = await runCli(['validate', 'a.json', 'b.json']);
    expect(extra.code).toBe(2);
  });

  it('--version prints the version', async () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'apps/cli/package.json'), 'utf8'));
    const run = await runCli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`flowstate ${pkg.version}\n`);
  });

  it('drops the `--` that `pnpm run flowstate -- …` passes through', async () => {
    const run = await runCli(['--', 'validate', 'examples/word-count/job.json']);
    expect(run.code).toBe(0);
  });
});
