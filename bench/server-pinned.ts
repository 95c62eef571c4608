/**
 * The API while jobs pin the CPU: the server (a child process, loopback) first runs one slow job and the REST
 * latency is sampled (the baseline); then jobs running flat out are added — as many as there are cores, so every
 * core is busy — and the same requests are sampled again. The goal (the safety issue): every request about a job
 * answers within 1 s; the figures are p50/p99/max of
 *
 *   GET /api/jobs/:id                 row + live metrics (answered from the last pushed metrics when fresh)
 *   GET /api/jobs/:id/state/:node     a page of live state (asks the job's worker, 1-s limit)
 *   GET /api/health
 *
 *   pnpm bench server-pinned            (or: node --import tsx bench/server-pinned.ts [--quick])
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import {
  freePort,
  json,
  percentile,
  sampleLatency,
  sleep,
  startServerProcess,
  stopServerProcess,
} from './lib/http';
import { check, QUICK, report } from './lib/measure';

const SECONDS = QUICK ? 3 : 15;
const SAMPLES_PER_S = 20;

function job(name: string, rowsPerSecond: number) {
  return {
    specVersion: 1,
    name,
    settings: { checkpointing: { intervalMs: 1000 } },
    nodes: [
      {
        id: 'events',
        kind: 'source',
        connector: {
          type: 'datagen',
          rowsPerSecond,
          seed: 3,
          fields: {
            key: { kind: 'random', min: 0, max: 99_999 },
            text: { kind: 'random', length: 40 },
          },
        },
        schema: { key: 'int', text: 'string' },
      },
      // A regular expression on every row: what used to pin a core on backtracking is linear here.
      { id: 'matching', kind: 'filter', where: "NOT REGEXP(text, '^(a+)+$')" },
      { id: 'byKey', kind: 'keyBy', key: ['key'] },
      { id: 'totals', kind: 'aggregate', aggregates: { n: 'COUNT(*)' } },
      { id: 'sink', kind: 'sink', connector: { type: 'blackhole' } },
    ],
    edges: [
      { from: 'events', to: 'matching' },
      { from: 'matching', to: 'byKey' },
      { from: 'byKey', to: 'totals' },
      { from: 'totals', to: 'sink' },
    ],
  };
}

interface Row {
  what: string;
  baseline: number[];
  pinned: number[];
}

async function main(): Promise<void> {
  const cpu = cpus();
  console.log(
    `server-pinned — REST latency with ${cpu.length} flat-out jobs vs one slow job, ${SECONDS} s each; node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  );
  const dataDir = mkdtempSync(path.join(tmpdir(), 'flowstate-server-pinned-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = startServerProcess(port, dataDir);
  try {
    await server.ready();
    const post = (spec: unknown) =>
      json<{ id: string }>(`${base}/api/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ spec }),
      });
    const slow = await post(job('slow', 200));
    await sleep(2000);
    const urls: Array<[string, string]> = [
      ['GET /api/jobs/:id', `${base}/api/jobs/${slow.id}`],
      ['GET /api/jobs/:id/state/totals', `${base}/api/jobs/${slow.id}/state/totals?limit=100`],
      ['GET /api/health', `${base}/api/health`],
    ];
    for (const [, u] of urls) await sampleLatency(u, 1, SAMPLES_PER_S); // warm-up
    const rows: Row[] = [];
    for (const [what, u] of urls)
      rows.push({ what, baseline: await sampleLatency(u, SECONDS, SAMPLES_PER_S), pinned: [] });

    const pinned: string[] = [];
    for (let i = 0; i < cpu.length; i++) pinned.push((await post(job(`flat-out-${i}`, 0))).id);
    await sleep(3000);
    const m = await json<{ metrics: { nodes: Array<{ nodeId: string; recordsOutPerSec: number }> } }>(
      `${base}/api/jobs/${pinned[0]}`,
    );
    const rate = m.metrics.nodes.find((n) => n.nodeId === 'events')?.recordsOutPerSec ?? 0;
    check(rate > 10_000, `a flat-out job should run fast, it reports ${rate} rows/s`);
    // The pinned job's own requests too: its worker is the busiest thread there is.
    urls.push(['GET /api/jobs/:id (a flat-out job)', `${base}/api/jobs/${pinned[0]}`]);
    urls.push([
      'GET /api/jobs/:id/state/totals (a flat-out job)',
      `${base}/api/jobs/${pinned[0]}/state/totals?limit=100`,
    ]);
    rows.push(
      { what: urls[3]![0], baseline: [], pinned: [] },
      { what: urls[4]![0], baseline: [], pinned: [] },
    );
    for (let i = 0; i < urls.length; i++)
      rows[i]!.pinned = await sampleLatency(urls[i]![1], SECONDS, SAMPLES_PER_S);

    console.log(
      `\n${cpu.length} flat-out jobs (each ~${Math.round(rate / 1000)}k rows/s) vs one job at 200 rows/s`,
    );
    const fmt = (s: number[]) =>
      s.length === 0
        ? '—'
        : `p50 ${percentile(s, 50).toFixed(1)} ms, p99 ${percentile(s, 99).toFixed(1)} ms, max ${Math.max(...s).toFixed(1)} ms`;
    for (const r of rows) {
      console.log(`  ${r.what}`);
      console.log(`    baseline ${fmt(r.baseline)}`);
      console.log(`    pinned   ${fmt(r.pinned)}`);
      const p99 = percentile(r.pinned, 99);
      report({ bench: 'server-pinned', metric: `${r.what} p99, cores pinned`, value: p99, unit: 'ms' });
      if (r.baseline.length > 0) {
        report({
          bench: 'server-pinned',
          metric: `${r.what} p99 ratio (pinned / baseline)`,
          value: p99 / percentile(r.baseline, 99),
          unit: '×',
        });
      }
      check(
        Math.max(...r.pinned) < 1000,
        `${r.what}: a request took ${Math.max(...r.pinned).toFixed(0)} ms (goal < 1 s)`,
      );
    }
    for (const id of [slow.id, ...pinned]) await json(`${base}/api/jobs/${id}/stop`, { method: 'POST' });
  } finally {
    await stopServerProcess(server.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
