/**
 * Benchmark: Flowstate against Apache Flink as a speed peer — Nexmark q0, q1, q2 (lib/nexmark-queries.ts) and
 * the joins q3, q5, q7, q8 (the examples, examples/nexmark-q3 … q8) on the embedded engine and on a local
 * Flink 2.3 (one JVM, @flowstate/flink-local) in the same run on this machine, at parallelism 1 and 2, two ways:
 *
 * (a) generation in-process (q0–q2 only): Flowstate's `nexmark` bid source against Flink SQL's `datagen`
 *     connector producing the same columns from a sequence field (see generatedFlinkSql);
 * (b) the same materialized JSON lines files (bids; persons and auctions for q3 and q8), written once by
 *     Flowstate's generator and read by both (Flowstate's `file` source; Flink's filesystem connector with the
 *     json format, through the export's sourceOverrides). The Flink SQL is the export's (`@flowstate/flink-sql`,
 *     what `flowstate export --to flink-sql` writes) of the same spec.
 *
 * The joins have no (a): Flink SQL's datagen generates each table on its own (random or sequence fields), so
 * keys that match across two tables, or Nexmark's hot auctions and sellers, exist only if the SQL re-implements
 * Nexmark's key model in arithmetic — a second generator whose rows differ from Flowstate's, so the two engines
 * would do different join work and no result could be compared.
 *
 *   --queries q0,q3,…   which queries (default all: q0,q1,q2,q3,q5,q7,q8)
 *   --inputs file       which inputs: generated, file (default both; the joins always read files)
 *   --join-rows S,L     the joins' small and large input rows (default 200000,800000; a multiple of 4)
 *   --runs N            timed runs per size (default 3; the median is taken)
 *
 * Each figure is a steady-state rate: every configuration runs a small and a large input (median of RUNS runs
 * each), and the rate is the difference in rows over the difference in time, so start-up (Flink: planning,
 * deployment, task start; Flowstate: plan building) cancels out. Time is the wall clock (Flowstate: `job.run()`;
 * Flink: the job's duration from its REST API) and CPU time (Flowstate: this process; Flink: the JVM, from
 * /proc/<pid>/stat), so "per core" is rows per CPU-second whatever the parallelism. Flowstate runs a job's
 * subtasks on one thread; Flink runs each subtask on its own thread.
 *
 * Validity: before timing, each query runs once on the small file on both engines with collected output
 * (through @flowstate/flink-run) and the rows must be equal as multisets.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { Job, NEXMARK_BASE_TIME } from '@flowstate/engine';
import {
  ensureFlinkBuilt,
  FlinkGatewayClient,
  type LocalFlink,
  runScript,
  startLocalFlink,
  waitForJob,
} from '@flowstate/flink-local';
import { materializeSource, planFlinkJob, runFlinkJob } from '@flowstate/flink-run';
import { exportFlinkSql } from '@flowstate/flink-sql';
import { NEXMARK_SCHEMAS, type NexmarkTable, type SourceNode } from '@flowstate/spec';
import { banner, check, collectGarbage, QUICK, report, si, stats } from './lib/measure';
import { exampleSpec, JOIN_QUERIES, type JoinQuery, tables } from './lib/nexmark-joins';
import { QUERIES, type Query, querySpec } from './lib/nexmark-queries';

const SEED = 42;
/** Generation (a): small and large number of bids. */
const GEN_SIZES = QUICK ? [200_000, 800_000] : [1_000_000, 4_000_000];
/** The JSON lines file (b): small and large number of bids (~190 bytes a line). */
const FILE_SIZES = QUICK ? [100_000, 400_000] : [500_000, 2_000_000];
/**
 * The joins' files (b): small and large number of input rows (bids for q5 and q7; persons and auctions, 1 : 3, for
 * q3 and q8 — the Nexmark stream those come from is 50/46 resp. 50/4 times as many events).
 */
const JOIN_SIZES = numbers('join-rows', 2) ?? (QUICK ? [50_000, 200_000] : [200_000, 800_000]);
const RUNS = numbers('runs', 1)?.[0] ?? (QUICK ? 1 : 3);
const PARALLELISMS = [1, 2] as const;
const GOAL = 3;
const fmtRate = (n: number): string => (Number.isFinite(n) ? si(n) : 'n/a ');
const fmtRatio = (x: number): string => (Number.isFinite(x) ? `${x.toFixed(2)}×` : 'n/a');

type Mode = 'generated' | 'file';
type AnyQuery = Query | JoinQuery;
const ALL_QUERIES: readonly AnyQuery[] = [...QUERIES, ...JOIN_QUERIES];
const MODES: readonly Mode[] = ['generated', 'file'];
const isJoin = (q: AnyQuery): q is JoinQuery => (JOIN_QUERIES as readonly string[]).includes(q);

/** `--name=value` or `--name value`. */
function option(name: string): string | undefined {
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === `--${name}`) return argv[i + 1];
    if (argv[i]!.startsWith(`--${name}=`)) return argv[i]!.slice(name.length + 3);
  }
  return undefined;
}

/** `--name a,b`: `count` positive integers (ascending), or undefined when not given. */
function numbers(name: string, count: number): number[] | undefined {
  const given = option(name);
  if (given === undefined) return undefined;
  const xs = given.split(',').map((x) => Number(x.replaceAll('_', '')));
  if (
    xs.length !== count ||
    xs.some((x, i) => !Number.isInteger(x) || x <= 0 || (i > 0 && x <= xs[i - 1]!))
  ) {
    console.error(
      `--${name}: ${count} positive integer(s) expected, ascending and comma-separated, got ${given}`,
    );
    process.exit(2);
  }
  return xs;
}

/** A comma-separated choice among `all` (in `all`'s order), or all of them. */
function choice<T extends string>(name: string, all: readonly T[]): T[] {
  const given = option(name);
  if (given === undefined) return [...all];
  const items = given
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x);
  const unknown = items.filter((x) => !(all as readonly string[]).includes(x));
  if (unknown.length > 0 || items.length === 0) {
    console.error(`--${name}: unknown ${unknown.join(', ') || '(empty)'}; one or more of ${all.join(', ')}`);
    process.exit(2);
  }
  return all.filter((x) => items.includes(x));
}

const SELECTED = choice('queries', ALL_QUERIES);
const INPUTS = choice('inputs', MODES);

/** Rows of each table a join query reads for `rows` input rows. */
function joinCounts(q: JoinQuery, rows: number): Partial<Record<NexmarkTable, number>> {
  if (tables(q).includes('bid')) return { bid: rows };
  check(
    rows % 4 === 0,
    `${q}: ${rows} input rows do not split 1 : 3 into persons and auctions (a multiple of 4)`,
  );
  return { person: rows / 4, auction: (rows * 3) / 4 };
}
type Engine = 'flowstate' | 'flink';
interface Sample {
  wallMs: number;
  cpuMs: number;
}

const nexmarkConnector = (count: number) =>
  ({ type: 'nexmark', table: 'bid', eventsPerSecond: 0, count, seed: SEED }) as const;
const fileSource = (file: string) => ({
  connector: { type: 'file', path: file, format: 'jsonl' },
  schema: { ...NEXMARK_SCHEMAS.bid },
});

// ------------------------------------------------------------------------------------------ Flowstate

async function flowstateRun(spec: unknown, expectedRows?: number): Promise<Sample> {
  collectGarbage();
  const job = Job.fromSpec(spec, { writeConsole: () => {} });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await job.run();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  check(result.status === 'finished', `Flowstate job ${result.status}: ${result.error?.message ?? ''}`);
  const sink = result.metrics.nodes.find((n) => n.nodeId === 'out')!;
  if (expectedRows !== undefined)
    check(
      sink.recordsIn === expectedRows,
      `Flowstate sink got ${sink.recordsIn} rows, expected ${expectedRows}`,
    );
  job.dispose();
  return { wallMs, cpuMs: (c.user + c.system) / 1000 };
}

// ------------------------------------------------------------------------------------------ Flink

let flink: LocalFlink;
let gateway: FlinkGatewayClient;
let ticksPerSecond = 100;

/** CPU time of the Flink JVM (all its threads) in ms. */
function jvmCpuMs(): number {
  const stat = readFileSync(`/proc/${flink.pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After "pid (comm) ": state is field 3, utime 14 and stime 15 (1-based) → indexes 11 and 12 here.
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

async function flinkRun(sql: string): Promise<Sample> {
  const cpu0 = jvmCpuMs();
  const { jobIds } = await runScript(gateway, sql, { timeoutMs: 600_000 });
  check(jobIds.length === 1, `Flink: ${jobIds.length} jobs submitted`);
  const job = await waitForJob(flink.restUrl, jobIds[0]!, { timeoutMs: 900_000, pollMs: 25 });
  check(job.status === 'FINISHED', `Flink job ${job.status}: ${job.rootCause ?? ''}`);
  return { wallMs: job.durationMs, cpuMs: jvmCpuMs() - cpu0 };
}

/** Average lengths of the bid's strings, for the generated strings of (a). */
function stringLengths(sample: string): Record<'channel' | 'url' | 'extra', number> {
  const rows = readFileSync(sample, 'utf8')
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as Record<string, string>);
  const avg = (f: string) => Math.round(rows.reduce((s, r) => s + r[f]!.length, 0) / rows.length);
  return { channel: avg('channel'), url: avg('url'), extra: avg('extra') };
}

/**
 * (a) on Flink: Flink SQL's `datagen` connector producing the bid's columns from one sequence field, the row
 * index (Flink's SequenceGenerator holds its whole range in memory, so one sequence rather than one per
 * column), every column computed from it: numbers by arithmetic, strings of the bid's average lengths by
 * concatenation and substring — the cheapest generation Flink SQL has, so the comparison does not bill Flink
 * for random strings. The query is the export's (the same views as in (b)); only the source table differs.
 */
function generatedFlinkSql(q: Query, count: number, p: number, len: Record<string, number>): string {
  const sql = fileFlinkSql(q, '/dev/null', p);
  const letters = 'abcdefghijklmnopqrstuvwxyz'.repeat(8);
  const urlPrefix = 'https://www.nexmark.com/abc/def/item.htm?query=1&c='.padEnd(len.url! - 4, 'x');
  const extraMin = Math.round(len.extra! * 0.8);
  const extraSpread = Math.round(len.extra! * 0.4);
  const source = `CREATE TABLE bids (
  __row BIGINT,
  auction AS CAST(1000 + MOD(__row, 100000) AS BIGINT),
  bidder AS CAST(1000 + MOD(__row * 7, 50000) AS BIGINT),
  price AS CAST(100 + MOD(__row * 13, 1000000) AS BIGINT),
  channel AS CONCAT('channel-', CAST(MOD(__row, ${10 ** Math.max(1, len.channel! - 8)}) AS STRING)),
  url AS CONCAT('${urlPrefix}', CAST(MOD(__row, 10000) AS STRING)),
  \`dateTime\` AS CAST(${NEXMARK_BASE_TIME} + __row AS BIGINT),
  extra AS SUBSTRING('${letters}', 1, CAST(${extraMin} + MOD(__row, ${extraSpread + 1}) AS INT))
) WITH (
  'connector' = 'datagen',
  'rows-per-second' = '1000000000',
  'fields.__row.kind' = 'sequence',
  'fields.__row.start' = '0',
  'fields.__row.end' = '${count - 1}'
);`;
  const at = sql.indexOf('CREATE TABLE bids (');
  const stop = sql.indexOf(');', at) + 2;
  check(at >= 0 && stop > at, 'the export has no bids table');
  return sql.slice(0, at) + source + sql.slice(stop);
}

/** (b) on Flink: the nexmark spec, its source read from the JSON lines file. */
function fileFlinkSql(q: Query, file: string, p: number): string {
  const spec = querySpec(q, { connector: nexmarkConnector(0) }, { type: 'blackhole' }, { parallelism: p });
  const r = exportFlinkSql(spec, {
    baseDir: '/',
    sourceOverrides: { bids: { path: file, format: 'jsonl' } },
  });
  if (!r.ok) throw new Error(`export refused: ${JSON.stringify(r.problems)}`);
  return r.sql;
}

/** A join query's spec (the example) at `rows` input rows into `sink`, each source as `source(node id, table, count)`. */
function joinSpec(
  q: JoinQuery,
  rows: number,
  sink: Record<string, unknown>,
  p: number,
  source: (table: NexmarkTable, count: number) => Record<string, unknown>,
) {
  const spec = exampleSpec(q);
  const counts = joinCounts(q, rows);
  for (const n of spec.nodes) {
    if (n.kind === 'source') {
      const table = n.connector!.table as NexmarkTable;
      Object.assign(n, source(table, counts[table]!));
    }
    if (n.kind === 'sink') n.connector = sink;
  }
  spec.name = `bench-nexmark-${q}`;
  spec.settings = { parallelism: p };
  return spec;
}

/** (b) on Flink for a join: the example's spec exported, its sources read from the JSON lines files. */
function joinFlinkSql(q: JoinQuery, rows: number, p: number): string {
  const overrides: Record<string, { path: string; format: 'jsonl' }> = {};
  const spec = joinSpec(q, rows, { type: 'blackhole' }, p, (table, count) => ({
    connector: { type: 'nexmark', table, eventsPerSecond: 0, count, seed: SEED },
  }));
  for (const n of spec.nodes)
    if (n.kind === 'source') {
      const c = n.connector as { table: NexmarkTable; count: number };
      overrides[n.id] = { path: fileOf(c.table, c.count), format: 'jsonl' };
    }
  const r = exportFlinkSql(spec, { baseDir: '/', sourceOverrides: overrides });
  if (!r.ok) throw new Error(`export refused: ${JSON.stringify(r.problems)}`);
  return r.sql;
}

/** (b) on Flowstate for a join: the example's spec, its sources read from the JSON lines files. */
function joinFlowstateSpec(q: JoinQuery, rows: number, sink: Record<string, unknown>, p: number) {
  return joinSpec(q, rows, sink, p, (table, count) => ({
    connector: { type: 'file', path: fileOf(table, count), format: 'jsonl' },
    schema: { ...NEXMARK_SCHEMAS[table] },
  }));
}

// The JSON lines files of (b), materialized once each by Flowstate's own generator (on first use).
let work = '';
const files = new Map<string, string>();
function fileOf(table: NexmarkTable, count: number): string {
  const key = `${table}-${count}`;
  let file = files.get(key);
  if (file === undefined) {
    file = path.join(work, `${key}.jsonl`);
    const connector = { type: 'nexmark', table, eventsPerSecond: 0, count, seed: SEED } as const;
    const node = { id: table, kind: 'source', connector } as SourceNode;
    const t0 = performance.now();
    materializeSource(node, NEXMARK_SCHEMAS[table], file, { baseDir: work });
    console.log(
      `   materialized ${count.toLocaleString('en')} ${table} rows to ${path.basename(file)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
    files.set(key, file);
  }
  return file;
}

// ------------------------------------------------------------------------------------------ main

interface Row {
  mode: Mode;
  q: AnyQuery;
  p: number;
  rate: Record<Engine, { wall: number; cpu: number }>;
}

/** Rows per second (wall) and per CPU-second between the small and the large input. */
function steady(samples: Sample[][], sizes: number[]): { wall: number; cpu: number } {
  const [small, large] = samples.map((runs) => ({
    wall: stats(runs.map((s) => s.wallMs)).median,
    cpu: stats(runs.map((s) => s.cpuMs)).median,
  }));
  const rows = sizes[1]! - sizes[0]!;
  // A difference of no time (CPU time is counted in clock ticks) has no rate: NaN, shown as "n/a".
  const rate = (ms: number) => (ms > 0 ? (rows * 1000) / ms : Number.NaN);
  return { wall: rate(large!.wall - small!.wall), cpu: rate(large!.cpu - small!.cpu) };
}

function canon(r: Record<string, unknown>): string {
  return JSON.stringify(
    Object.keys(r)
      .sort()
      .map((k) => [k, r[k]]),
  );
}

async function main(): Promise<void> {
  const prep = ensureFlinkBuilt({ log: (m) => console.log(`   ${m}`) });
  if (!prep.ok) {
    console.log(`flink benchmark SKIPPED: ${prep.reason}`);
    return;
  }
  ticksPerSecond = Number(
    (await import('node:child_process'))
      .spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })
      .stdout.trim(),
  );
  work = mkdtempSync(path.join(tmpdir(), 'flowstate-bench-flink-'));
  flink = await startLocalFlink({ launcher: prep.launcher });
  gateway = new FlinkGatewayClient(flink.gatewayUrl);
  try {
    const simple = SELECTED.filter((q) => !isJoin(q));
    const joins = SELECTED.filter(isJoin);
    const n = (sizes: number[]) => sizes.map((x) => x.toLocaleString('en')).join(' and ');
    banner(
      `flink: Nexmark ${SELECTED.join('/')}, Flowstate vs Flink 2.3 (local, one JVM), parallelism 1 and 2`,
      [
        `${cpus().length} × ${cpus()[0]?.model ?? '?'}; Flink ${flink.flinkVersion} started in ${(flink.startupMs / 1000).toFixed(1)} s`,
        ...(simple.length > 0
          ? [
              `${simple.join('/')}: ${INPUTS.includes('generated') ? `(a) generated in-process: ${n(GEN_SIZES)} bids; ` : ''}${INPUTS.includes('file') ? `(b) JSON lines file: ${n(FILE_SIZES)} bids` : ''}`,
            ]
          : []),
        ...(joins.length > 0 && INPUTS.includes('file')
          ? [
              `${joins.join('/')}: (b) JSON lines files only (no generated mode for joins: see the header of bench/flink.ts): ${n(JOIN_SIZES)} input rows (bids; persons + auctions 1 : 3)`,
            ]
          : []),
        `steady state = Δrows / Δtime between the two sizes, median of ${RUNS} run(s) each; per core = rows per CPU-second`,
      ],
    );

    // What runs: (mode, query) pairs. The joins have no generated mode.
    const plan: Array<{ mode: Mode; q: AnyQuery }> = [];
    for (const mode of INPUTS)
      for (const q of SELECTED) if (!(isJoin(q) && mode === 'generated')) plan.push({ mode, q });

    const sizesOf = (mode: Mode, q: AnyQuery) =>
      isJoin(q) ? JOIN_SIZES : mode === 'generated' ? GEN_SIZES : FILE_SIZES;
    const flowstateSpec = (mode: Mode, q: AnyQuery, i: number, sink: Record<string, unknown>, p: number) => {
      const sizes = sizesOf(mode, q);
      if (isJoin(q)) return joinFlowstateSpec(q, sizes[i]!, sink, p);
      return querySpec(
        q,
        mode === 'generated'
          ? { connector: nexmarkConnector(sizes[i]!) }
          : fileSource(fileOf('bid', sizes[i]!)),
        sink,
        { parallelism: p },
      );
    };
    let lengths: Record<'channel' | 'url' | 'extra', number> | undefined;
    const flinkSql = (mode: Mode, q: AnyQuery, i: number, p: number) => {
      const sizes = sizesOf(mode, q);
      if (isJoin(q)) return joinFlinkSql(q, sizes[i]!, p);
      if (mode === 'file') return fileFlinkSql(q, fileOf('bid', sizes[i]!), p);
      if (lengths === undefined) {
        lengths = stringLengths(fileOf('bid', FILE_SIZES[0]!));
        console.log(
          `   bid strings on average: channel ${lengths.channel}, url ${lengths.url}, extra ${lengths.extra} characters (Flink's generated strings in (a) have these lengths)`,
        );
      }
      return generatedFlinkSql(q, sizes[i]!, p, lengths);
    };

    // Validity: each query on the small file(s), on both engines, collected: the same rows.
    for (const q of SELECTED) {
      const spec = flowstateSpec('file', q, 0, { type: 'collect', maxRows: 10_000_000 }, 1);
      const job = Job.fromSpec(spec, { writeConsole: () => {} });
      const res = await job.run();
      check(res.status === 'finished', `Flowstate ${q}: ${res.error?.message ?? ''}`);
      const ours = job.collected('out');
      job.dispose();
      const planned = planFlinkJob(spec, { baseDir: work, workDir: path.join(work, `check-${q}`) });
      check(planned.ok, `${q}: the export refused the spec`);
      const theirs = await runFlinkJob(planned.plan, { gateway, restUrl: flink.restUrl }, { baseDir: work });
      check(theirs.status === 'FINISHED', `Flink ${q}: ${theirs.rootCause ?? ''}`);
      const a = ours.map(canon).sort();
      const b = (theirs.sinks[0]!.rows ?? []).map(canon).sort();
      check(
        a.length === b.length && a.every((x, i) => x === b[i]),
        `${q}: Flowstate and Flink differ (${a.length} vs ${b.length} rows)`,
      );
      console.log(
        `   ${q}: Flowstate and Flink give the same ${a.length.toLocaleString('en')} rows on the small file${isJoin(q) ? 's' : ''}`,
      );
    }

    const table: Row[] = [];
    for (const { mode, q } of plan) {
      const sizes = sizesOf(mode, q);
      for (const p of PARALLELISMS) {
        const samples: Record<Engine, Sample[][]> = { flowstate: [[], []], flink: [[], []] };
        const blackhole = { type: 'blackhole' };
        // Warm-up (JIT, planner): one small run each, not counted.
        await flowstateRun(flowstateSpec(mode, q, 0, blackhole, p));
        await flinkRun(flinkSql(mode, q, 0, p));
        for (let r = 0; r < RUNS; r++) {
          for (const i of [0, 1]) {
            const expected = q === 'q0' || q === 'q1' ? sizes[i] : undefined;
            samples.flowstate[i]!.push(await flowstateRun(flowstateSpec(mode, q, i, blackhole, p), expected));
            samples.flink[i]!.push(await flinkRun(flinkSql(mode, q, i, p)));
          }
        }
        const row: Row = {
          mode,
          q,
          p,
          rate: { flowstate: steady(samples.flowstate, sizes), flink: steady(samples.flink, sizes) },
        };
        table.push(row);
        console.log(
          `   ${mode.padEnd(9)} ${q} p${p}: Flowstate ${fmtRate(row.rate.flowstate.wall)}rows/s (${fmtRate(row.rate.flowstate.cpu)}rows per CPU-s), ` +
            `Flink ${fmtRate(row.rate.flink.wall)}rows/s (${fmtRate(row.rate.flink.cpu)}rows per CPU-s)`,
        );
      }
    }

    console.log('\n   steady state; per core = rows per CPU-second; ratio = Flowstate / Flink');
    const header = [
      'input',
      'query',
      'p',
      'Flowstate rows/s',
      'Flink rows/s',
      'Flowstate /core',
      'Flink /core',
      'ratio /core',
      'ratio wall',
    ];
    const lines = table.map((r) => [
      r.mode === 'generated' ? '(a) generated' : '(b) JSONL file',
      r.q,
      String(r.p),
      `${fmtRate(r.rate.flowstate.wall)}`,
      `${fmtRate(r.rate.flink.wall)}`,
      `${fmtRate(r.rate.flowstate.cpu)}`,
      `${fmtRate(r.rate.flink.cpu)}`,
      fmtRatio(r.rate.flowstate.cpu / r.rate.flink.cpu),
      fmtRatio(r.rate.flowstate.wall / r.rate.flink.wall),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
    const fmt = (cells: string[]) => `   | ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
    console.log(fmt(header));
    console.log(`   |${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
    for (const l of lines) console.log(fmt(l));
    for (const r of table) {
      const ratio = r.rate.flowstate.cpu / r.rate.flink.cpu;
      // The goal (>= 3× per core) is q0–q2's; the joins are measured without one.
      const goal = isJoin(r.q) ? {} : { goal: `>= ${GOAL}`, met: ratio >= GOAL };
      report({
        bench: 'flink',
        metric: `${r.mode === 'generated' ? '(a)' : '(b)'} ${r.q} p${r.p} Flowstate/Flink per core`,
        value: ratio,
        unit: '×',
        ...goal,
        note: `Flowstate ${fmtRate(r.rate.flowstate.cpu)}rows per CPU-s, Flink ${fmtRate(r.rate.flink.cpu)}rows per CPU-s; wall ${fmtRate(r.rate.flowstate.wall)} vs ${fmtRate(r.rate.flink.wall)}rows/s`,
      });
    }
  } finally {
    await flink.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
