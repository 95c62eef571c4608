/**
 * The proving test: a real Flink 2.3 (MiniCluster + SQL Gateway in one JVM) runs SQL scripts submitted
 * through the gateway's REST API, and we read what its filesystem sinks committed.
 * Skipped, with the reason printed, when Java 17+/Maven are missing and cannot be installed.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFlinkBuilt } from './build.ts';
import { FlinkGatewayClient } from './gateway.ts';
import { type LocalFlink, startLocalFlink } from './launcher.ts';
import { waitForJob } from './rest.ts';
import { FlinkScriptError, runScript } from './script.ts';

const log = (m: string) => {
  if (!m.startsWith('[jvm] ')) process.stderr.write(`[flink-local] ${m}\n`);
};
const prep = ensureFlinkBuilt({ log });
if (!prep.ok) process.stderr.write(`\n[flink-local] local Flink tests SKIPPED: ${prep.reason}\n\n`);

/** Committed part files of a filesystem sink, in write order (in-progress files start with "." or "_"). */
function committedLines(dir: string): string[] {
  const files: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name.startsWith('.') || name.startsWith('_')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else files.push(p);
    }
  };
  walk(dir);
  // part-<uuid>-<subtask>-<counter>: one subtask's files in counter order.
  const key = (f: string) => {
    const m = /-(\d+)-(\d+)(\.\w+)?$/.exec(f);
    return m ? [Number(m[1]), Number(m[2])] : [0, 0];
  };
  files.sort((a, b) => {
    const [sa, ca] = key(a);
    const [sb, cb] = key(b);
    return sa! - sb! || ca! - cb! || relative(dir, a).localeCompare(relative(dir, b));
  });
  return files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l.trim()),
  );
}

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const T0 = 1_700_000_000_000; // 2023-11-14 22:13:20 UTC, a multiple of 10 s

/** word + event time; out of order by less than the 1 s watermark delay, so nothing is late. */
const EVENTS: Array<[string, number]> = [
  ['apple', T0 + 1_000],
  ['pear', T0 + 2_000],
  ['apple', T0 + 1_500],
  ['apple', T0 + 9_999],
  ['pear', T0 + 10_000],
  ['apple', T0 + 12_000],
  ['fig', T0 + 11_800],
  ['pear', T0 + 19_000],
  ['fig', T0 + 25_000],
  ['pear', T0 + 24_600],
];

describe.skipIf(!prep.ok)('local Flink through the SQL Gateway', () => {
  let flink: LocalFlink;
  let gateway: FlinkGatewayClient;
  let work: string;
  let input: string;
  const timings: string[] = [];

  beforeAll(async () => {
    if (!prep.ok) return;
    if (prep.built) timings.push(`launcher build ${secs(prep.buildMs)}`);
    flink = await startLocalFlink({ launcher: prep.launcher, log });
    timings.push(`JVM start to ready ${secs(flink.startupMs)}`);
    gateway = new FlinkGatewayClient(flink.gatewayUrl);
    work = mkdtempSync(join(tmpdir(), 'flowstate-flink-test-'));
    input = join(work, 'words.jsonl');
    writeFileSync(input, EVENTS.map(([word, ts]) => JSON.stringify({ word, ts })).join('\n'));
  }, 300_000);

  afterAll(async () => {
    try {
      const hwm = /VmHWM:\s*(\d+) kB/.exec(readFileSync(`/proc/${flink.pid}/status`, 'utf8'))?.[1];
      if (hwm) timings.push(`JVM peak RSS ${Math.round(Number(hwm) / 1024)} MB`);
    } catch {
      // not Linux, or the JVM is gone already
    }
    await flink?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
    if (timings.length) process.stderr.write(`[flink-local] timings: ${timings.join(', ')}\n`);
  }, 60_000);

  /** The streaming source table over the JSONL file: rowtime from epoch millis, 1 s bounded out-of-orderness. */
  const sourceDdl = () => `
    CREATE TABLE words (
      word STRING,
      ts BIGINT,
      rowtime AS TO_TIMESTAMP_LTZ(ts, 3),
      WATERMARK FOR rowtime AS rowtime - INTERVAL '1' SECOND
    ) WITH (
      'connector' = 'filesystem',
      'path' = 'file://${input}',
      'format' = 'json'
    );`;

  /** Streaming with checkpoints: the filesystem sink commits its files on checkpoints (and at the end). */
  const streamingSettings = (jobName: string) => `
    SET 'execution.runtime-mode' = 'streaming';
    SET 'execution.checkpointing.interval' = '1 s';
    SET 'parallelism.default' = '4';
    SET 'pipeline.name' = '${jobName}';`;

  it('answers /v2/info and serves the dashboard', async () => {
    expect(await gateway.getInfo()).toEqual({ productName: 'Apache Flink', version: '2.3.0' });
    expect(flink.dashboardUrl).toBe(`${flink.restUrl}/`);
    const overview = (await (await fetch(`${flink.restUrl}/overview`)).json()) as Record<string, unknown>;
    expect(overview['slots-total']).toBe(8);
  });

  it('counts words per 10-second tumbling event-time window into committed JSON files', async () => {
    const t0 = performance.now();
    const out = join(work, 'window-counts');
    const sql = `
      ${streamingSettings('window-counts')}
      ${sourceDdl()}
      CREATE TABLE window_counts (
        word STRING,
        window_start TIMESTAMP(3),
        window_end TIMESTAMP(3),
        cnt BIGINT
      ) WITH (
        'connector' = 'filesystem',
        'path' = 'file://${out}',
        'format' = 'json'
      );
      -- one row per word and window, emitted when the watermark passes the window's end
      INSERT INTO window_counts
      SELECT word, window_start, window_end, COUNT(*) AS cnt
      FROM TABLE(TUMBLE(TABLE words, DESCRIPTOR(rowtime), INTERVAL '10' SECOND))
      GROUP BY word, window_start, window_end;`;
    const { jobIds } = await runScript(gateway, sql, { timeoutMs: 60_000 });
    const submittedMs = performance.now() - t0;
    expect(jobIds).toHaveLength(1);
    const job = await waitForJob(flink.restUrl, jobIds[0]!, { timeoutMs: 120_000 });
    expect(job.rootCause).toBeUndefined();
    expect(job.status).toBe('FINISHED');

    const rows = committedLines(out).map((l) => JSON.parse(l) as Record<string, unknown>);
    const sorted = rows.map((r) => `${r.window_start} ${r.word} ${r.cnt}`).sort((a, b) => a.localeCompare(b));
    expect(sorted).toEqual([
      '2023-11-14 22:13:20 apple 3',
      '2023-11-14 22:13:20 pear 1',
      '2023-11-14 22:13:30 apple 1',
      '2023-11-14 22:13:30 fig 1',
      '2023-11-14 22:13:30 pear 2',
      '2023-11-14 22:13:40 fig 1',
      '2023-11-14 22:13:40 pear 1',
    ]);
    expect(rows.find((r) => r.word === 'fig' && r.cnt === 1)?.window_end).toBe('2023-11-14 22:13:40');
    timings.push(
      `tumbling window case ${secs(performance.now() - t0)} (script submitted in ${secs(submittedMs)}, job ran ${secs(job.durationMs)})`,
    );
  }, 180_000);

  it('writes a rolling GROUP BY count as a debezium-json changelog', async () => {
    const t0 = performance.now();
    const out = join(work, 'rolling-counts');
    const sql = `
      ${streamingSettings('rolling-counts')}
      ${sourceDdl()}
      CREATE TABLE rolling_counts (word STRING, cnt BIGINT) WITH (
        'connector' = 'filesystem',
        'path' = 'file://${out}',
        'format' = 'debezium-json'
      );
      INSERT INTO rolling_counts SELECT word, COUNT(*) AS cnt FROM words GROUP BY word;`;
    const { jobIds } = await runScript(gateway, sql, { timeoutMs: 60_000 });
    const submittedMs = performance.now() - t0;
    const job = await waitForJob(flink.restUrl, jobIds[0]!, { timeoutMs: 120_000 });
    expect(job.rootCause).toBeUndefined();
    expect(job.status).toBe('FINISHED');

    type Count = { word: string; cnt: number };
    type Change = { op: string; before: Count | null; after: Count | null };
    const changes = committedLines(out).map((l) => JSON.parse(l) as Change);
    const afters = new Map<string, number[]>();
    const befores = new Map<string, number[]>();
    for (const c of changes) {
      const word = (c.after ?? c.before)!.word;
      if (c.after) afters.set(word, [...(afters.get(word) ?? []), c.after.cnt]);
      if (c.before) befores.set(word, [...(befores.get(word) ?? []), c.before.cnt]);
    }
    // Per key the changelog is in order: +I 1, then -U n / +U n+1 for every further record.
    expect(Object.fromEntries(afters)).toEqual({ apple: [1, 2, 3, 4], pear: [1, 2, 3, 4], fig: [1, 2] });
    expect(Object.fromEntries(befores)).toEqual({ apple: [1, 2, 3], pear: [1, 2, 3], fig: [1] });
    expect(new Set(changes.map((c) => c.op))).toEqual(new Set(['c', 'd']));
    timings.push(
      `debezium-json case ${secs(performance.now() - t0)} (script submitted in ${secs(submittedMs)}, job ran ${secs(job.durationMs)})`,
    );
  }, 180_000);

  it('returns FAILED with the root cause of a failing job', async () => {
    const { jobIds } = await runScript(
      gateway,
      `SET 'execution.runtime-mode' = 'streaming';
       CREATE TABLE numbers (n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');
       CREATE TABLE nowhere (n INT) WITH ('connector' = 'blackhole');
       INSERT INTO nowhere SELECT 10 / (n - n) FROM numbers;`,
    );
    const job = await waitForJob(flink.restUrl, jobIds[0]!, { timeoutMs: 60_000 });
    expect(job.status).toBe('FAILED');
    expect(job.rootCause).toBe('java.lang.ArithmeticException: / by zero');
  }, 90_000);

  it('reports a failing statement with Flink’s reason', async () => {
    const err = await runScript(gateway, 'SELECT * FROM no_such_table;').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlinkScriptError);
    expect((err as FlinkScriptError).reason).toMatch(/no_such_table/);
  });
});

describe.skipIf(!prep.ok)('the local Flink JVM and its parent', () => {
  it('exits by itself when the Node process that started it is killed', async () => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(new URL('../test/orphan-child.ts', import.meta.url))],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const started = await new Promise<{ pid: number; tmpDir: string }>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', (l) => resolve(JSON.parse(l)));
      child.once('exit', (code) => reject(new Error(`fixture exited (${code}) before Flink was ready`)));
    });
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(alive(started.pid)).toBe(true);
    child.kill('SIGKILL');
    const t0 = Date.now();
    while (alive(started.pid) && Date.now() - t0 < 20_000) await new Promise((r) => setTimeout(r, 100));
    expect(alive(started.pid)).toBe(false);
    expect(existsSync(started.tmpDir)).toBe(false);
  }, 180_000);
});
