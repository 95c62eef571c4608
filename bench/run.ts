/**
 * `pnpm bench [name …] [--quick]` — runs the engine's benchmarks one after another, each in its own
 * `node --expose-gc --import tsx` process (a fresh heap and JIT per benchmark, and `gc()` between runs),
 * then prints a summary table of the figures they reported.
 *
 *   pnpm bench                    all benchmarks, full sizes (about 10 minutes on 2 idle cores)
 *   pnpm bench nexmark            one benchmark
 *   pnpm bench --quick            small sizes: a smoke check that everything runs and agrees
 *
 * A benchmark whose two sides compute different results stops with "INVALID BENCHMARK" and a non-zero
 * exit status. Goals that are not met are reported, not failed: figures depend on the machine.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIGURE_PREFIX, type Figure, si } from './lib/measure';

const BENCHES: Record<string, { file: string; what: string }> = {
  'tumbling-count': {
    file: 'tumbling-count.ts',
    what: 'keyed tumbling COUNT(*), 10M rows / 10k keys: engine vs a hand-written loop (goal ratio >= 0.5)',
  },
  nexmark: {
    file: 'nexmark.ts',
    what: 'Nexmark q0/q1/q2 on the bid generator (goal >= 1M rows/s) and the joins q3/q5/q7/q8 (goals 1M/500k/500k/1M), per core, ratio to the generator',
  },
  flink: {
    file: 'flink.ts',
    what: 'Nexmark q0/q1/q2 (generated and JSONL) and joins q3/q5/q7/q8 (JSONL) on Flowstate and on a local Flink, p 1 and 2: steady-state rows/s, ratio per core (goal >= 3 on q0-q2)',
  },
  'state-bytes': {
    file: 'state-bytes.ts',
    what: 'heap bytes per key of a COUNT state at 1M keys (goal <= 150)',
  },
  checkpoint: {
    file: 'checkpoint.ts',
    what: 'checkpoints: throughput with vs without, pause per checkpoint, duration, size and restore at 1M keys',
  },
  'state-backends': {
    file: 'state-backends.ts',
    what: 'disk (LMDB) vs heap state backend: tumbling/rolling COUNT throughput (goal disk/heap >= 0.3), incremental checkpoint bytes at 1 % updates (goal <= 5 %), restore, a rolling COUNT larger than a 256 MB heap',
  },
  'server-load': {
    file: 'server-load.ts',
    what: "200 socket.io clients on a job's state for 30 s: API p99 vs no clients, msgs and bytes per client, server memory",
  },
  'server-pinned': {
    file: 'server-pinned.ts',
    what: 'REST latency (p50/p99/max) while flat-out jobs pin every core, vs one slow job (goal: every answer < 1 s)',
  },
  'studio-state': {
    file: 'studio-state.ts',
    what: "the studio's state table in Chromium at 100k keys vs 100: load, scroll frame p95, heap, search, sort",
  },
};

/** Flags with a value: `pnpm bench flink --queries q3,q5 --inputs file`. */
const VALUE_FLAGS = [
  '--queries',
  '--inputs',
  '--join-rows',
  '--runs',
  '--only',
  '--keys',
  '--inc-keys',
  '--cache',
];

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(benchDir);

function usage(): string {
  const lines = Object.entries(BENCHES).map(([n, b]) => `  ${n.padEnd(16)} ${b.what}`);
  return (
    `usage: pnpm bench [name …] [--quick] [flink: --queries q0,q3,… --inputs generated,file --join-rows S,L --runs N]\n\n` +
    `  --queries    flink: which Nexmark queries (q0,q1,q2,q3,q5,q7,q8; default all)\n` +
    `  --inputs     flink: generated, file (default both; the joins read files only)\n` +
    `  --join-rows  flink: the joins' small and large input rows (default 200000,800000)\n` +
    `  --runs       flink: timed runs per size, median taken (default 3)\n` +
    `  --only       state-backends: throughput, incremental or ltm (default all)\n` +
    `  --keys       state-backends: keys of the larger-than-memory run (default 20M)\n` +
    `  --inc-keys   state-backends: keys of the incremental checkpoint and restore (default 1M)\n` +
    `  --cache      state-backends: the disk cache's entries per generation per state (default 131072)\n\n` +
    `benchmarks:\n${lines.join('\n')}\n`
  );
}

function runChild(name: string, flags: string[]): Promise<{ code: number; figures: Figure[] }> {
  const file = join(benchDir, BENCHES[name]!.file);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', file, ...flags], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const figures: Figure[] = [];
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        if (line.startsWith(FIGURE_PREFIX)) figures.push(JSON.parse(line.slice(FIGURE_PREFIX.length)));
        else process.stdout.write(`${line}\n`);
        nl = pending.indexOf('\n');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending) process.stdout.write(`${pending}\n`);
      resolve({ code: code ?? 1, figures });
    });
  });
}

function formatValue(f: Figure): string {
  if (f.unit === 'rows/s') return `${si(f.value)}rows/s`;
  if (f.unit === '×') return f.value.toFixed(3);
  return `${f.value.toFixed(1)} ${f.unit}`;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(usage());
    return 0;
  }
  // Flags passed on to the benchmarks: --quick, and flink's VALUE_FLAGS (given as `--x=v` or `--x v`).
  const flags: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (VALUE_FLAGS.includes(a) && i + 1 < args.length) flags.push(`${a}=${args[++i]}`);
    else if (a.startsWith('--')) flags.push(a);
    else names.push(a);
  }
  const unknownFlags = flags.filter((f) => f !== '--quick' && !VALUE_FLAGS.includes(f.split('=')[0]!));
  const unknown = names.filter((n) => !(n in BENCHES));
  if (unknown.length > 0 || unknownFlags.length > 0) {
    process.stderr.write(
      `unknown benchmark or flag: ${[...unknown, ...unknownFlags].join(', ')}\n\n${usage()}`,
    );
    return 2;
  }
  const selected = names.length > 0 ? names : Object.keys(BENCHES);

  const cpu = cpus();
  console.log(
    `flowstate bench — ${new Date().toISOString()}, node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? '?'}, ` +
      `${(totalmem() / 2 ** 30).toFixed(1)} GiB, load average ${loadavg()[0]!.toFixed(2)}`,
  );
  const figures: Figure[] = [];
  let failed = false;
  for (const name of selected) {
    const r = await runChild(name, flags);
    figures.push(...r.figures);
    if (r.code !== 0) {
      failed = true;
      console.log(`\n!! ${name} failed (exit status ${r.code})`);
    }
  }

  console.log(`\n== summary (medians; load average now ${loadavg()[0]!.toFixed(2)})`);
  const rows = figures.map((f) => [
    f.bench,
    f.metric,
    formatValue(f),
    f.goal ?? '',
    f.met === undefined ? '' : f.met ? 'met' : 'NOT met',
    f.note ?? '',
  ]);
  const header = ['benchmark', 'figure', 'median', 'goal', '', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => c.padEnd(widths[i]!)).join('  ')}`.trimEnd();
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  return failed ? 1 : 0;
}

process.exitCode = await main();
