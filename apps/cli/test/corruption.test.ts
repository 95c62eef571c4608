/**
 * Damaged checkpoints, as the CLI meets them: a real `flowstate run --checkpoint-dir` is SIGKILLed mid-run,
 * then the newest checkpoint's state file or `_metadata` is truncated, bit-flipped or deleted (each case on
 * its own copy). `flowstate checkpoints` shows it invalid (a flipped bit in a state file is only found by
 * hashing, which `checkpoints` leaves to restore), `flowstate state` and `run --restore <its id>` fail with a
 * message naming the checkpoint and the file (non-zero exit, no stack trace), and `run --restore latest`
 * says it skips it, restores the newest older checkpoint, and finishes with nothing lost — and, with the
 * exactly-once file sink, nothing duplicated.
 */
import { readdirSync, readFileSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createFsCheckpointStorage } from '@flowstate/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli';
import { LiveCli, STACK_LINE } from './support/cli-process';
import {
  committedLines,
  committedRows,
  describeDiff,
  multisetDiff,
  sequenceProblems,
  TempDirs,
} from './support/output';
import { countingSpec, writeSpec } from './support/specs';

const temp = new TempDirs();
afterAll(() => temp.removeAll());

const JOB = {
  name: 'corrupt',
  count: 150_000,
  rowsPerSecond: 60_000, // ~2.5 s of input: time for 3 checkpoints before the kill on a busy machine
  intervalMs: 100,
  keys: 32,
  retained: 5,
};

type Damage = 'truncate' | 'bit-flip' | 'delete';

function damage(file: string, how: Damage): void {
  if (how === 'delete') unlinkSync(file);
  else if (how === 'truncate') truncateSync(file, Math.max(0, statSync(file).size - 1));
  else {
    const bytes = readFileSync(file);
    const mid = bytes.length >> 1;
    bytes[mid] = bytes[mid]! ^ 0x01;
    writeFileSync(file, bytes);
  }
}

/** The killed run: its directory (spec.json, out/, cp/), its valid checkpoints (newest first). */
let fixture: { dir: string; valid: number[] };
let reference: string[];

beforeAll(async () => {
  const spec = countingSpec(JOB);
  const refDir = temp.make('corrupt-ref');
  const ref = await runCli(['run', writeSpec(refDir, spec), '--checkpoint-dir', path.join(refDir, 'cp')]);
  expect(ref.code, ref.stderr).toBe(0);
  reference = committedLines(path.join(refDir, 'out'));
  expect(reference).toHaveLength(JOB.count);

  const dir = temp.make('corrupt-fixture');
  const cli = new LiveCli(['run', writeSpec(dir, spec), '--checkpoint-dir', path.join(dir, 'cp')]);
  const reached = await cli.until(() => cli.completedCheckpoints().length >= 3, 40_000);
  const exit = await cli.kill();
  expect(reached && exit.signal === 'SIGKILL', `the run was to be killed mid-run:\n${exit.stderr}`).toBe(
    true,
  );
  const listing = await createFsCheckpointStorage(path.join(dir, 'cp')).list(JOB.name);
  const valid = listing.filter((l) => l.status === 'completed').map((l) => l.location.checkpointId);
  expect(valid.length).toBeGreaterThanOrEqual(3);
  fixture = { dir, valid };
  console.info(`corruption fixture: killed after checkpoints [${valid.join(',')}] (newest first)`);
}, 90_000);

/** A copy of the killed run with `file` of its newest valid checkpoint damaged. */
function damagedCopy(file: 'state' | '_metadata', how: Damage) {
  const dir = temp.copy(fixture.dir, 'corrupt-case');
  const newest = fixture.valid[0]!;
  const chk = path.join(dir, 'cp', JOB.name, `chk-${newest}`);
  const name = file === '_metadata' ? '_metadata' : readdirSync(chk).find((n) => /^op-.+\.state$/.test(n))!;
  damage(path.join(chk, name), how);
  return { dir, chk, newest, name, older: fixture.valid[1]! };
}

function expectCleanError(run: { code: number | null; stderr: string }, chk: string, file: string) {
  expect(run.code, run.stderr).not.toBe(0);
  expect(run.code).not.toBe(3); // 3 is flowstate's own crash
  expect(run.stderr).toContain(chk);
  expect(run.stderr).toContain(file);
  expect(run.stderr).not.toMatch(STACK_LINE);
}

const cases = (['state', '_metadata'] as const).flatMap((file) =>
  (['truncate', 'bit-flip', 'delete'] as const).map((how) => ({ file, how })),
);

describe.concurrent('a damaged newest checkpoint', () => {
  it.each(cases)('$how of its $file file', async ({ file, how }) => {
    const { dir, chk, newest, name, older } = damagedCopy(file, how);
    const cp = path.join(dir, 'cp');
    const spec = path.join(dir, 'spec.json');
    const [listed, state, restoreIt] = await Promise.all([
      runCli(['checkpoints', cp, '--json']),
      runCli(['state', chk, '--node', 'agg', '--limit', '3']),
      runCli(['run', spec, '--checkpoint-dir', cp, '--restore', String(newest)]),
    ]);

    // `checkpoints` checks metadata, presence and sizes (not checksums): all but a flipped state bit show.
    expect(listed.code, listed.stderr).toBe(0);
    const row = (JSON.parse(listed.stdout) as Array<{ id: number; status: string; error?: string }>).find(
      (r) => r.id === newest,
    );
    if (file === 'state' && how === 'bit-flip') expect(row?.status).toBe('completed');
    else {
      expect(row?.status).toBe('invalid');
      expect(row?.error).toContain(name);
    }
    // `state` and `run --restore <id>` refuse it, naming the checkpoint and the file.
    expectCleanError(state, `chk-${newest}`, name);
    expectCleanError(restoreIt, `chk-${newest}`, name);
    expect(restoreIt.code).toBe(1);

    // `run --restore latest` skips it (and says why), restores the one before, and finishes.
    const latest = await runCli(['run', spec, '--checkpoint-dir', cp, '--restore', 'latest']);
    expect(latest.code, latest.stderr).toBe(0);
    const skip = latest.stderr
      .split('\n')
      .find((l) => l.includes(`skipping `) && l.includes(`chk-${newest}`));
    expect(skip, latest.stderr).toBeDefined();
    expect(skip).toContain(name);
    expect(latest.stderr).toContain(`restored from checkpoint ${older} (`);
    expect(latest.stderr).not.toMatch(STACK_LINE);
    // Nothing lost: every reference row is committed (duplicates are the next test's subject).
    const diff = multisetDiff(committedLines(path.join(dir, 'out')), reference);
    expect(diff.missing, describeDiff(diff)).toEqual([]);
  });
});

describe('falling back to an older checkpoint', () => {
  it('keeps the file sink exactly-once (rows that the skipped checkpoint committed are not committed twice)', async () => {
    // The skipped checkpoint's completion had committed (renamed to part-*) the files its barrier closed;
    // restoring the checkpoint before it replays those rows.
    const { dir, older } = damagedCopy('state', 'bit-flip');
    const run = await runCli([
      'run',
      path.join(dir, 'spec.json'),
      '--checkpoint-dir',
      path.join(dir, 'cp'),
      '--restore',
      'latest',
    ]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain(`restored from checkpoint ${older} (`);
    const out = path.join(dir, 'out');
    const diff = multisetDiff(committedLines(out), reference);
    expect(diff.extra.length + diff.missing.length, describeDiff(diff)).toBe(0);
    expect(sequenceProblems(committedRows(out), 'k', 'n')).toEqual([]);
  });
});
