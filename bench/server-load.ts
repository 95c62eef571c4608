/**
 * Server load: 200 socket.io clients watch the live state of a running job for 30 s. Measures the REST
 * API's latency meanwhile against a baseline with no clients (same run, same job), what each client
 * receives (messages and bytes per second), and the server's memory before, under and after the load.
 *
 *   pnpm bench server-load            (or: node --import tsx bench/server-load.ts [--quick])
 *
 * The server runs as a child process (`apps/server/src/main.ts`, loopback, a temporary data directory), so
 * its figures are its own; the clients live in this process, and the latency sampler in a worker thread of
 * its own so that the clients' work does not delay its timing. The job: datagen (1,000 keys, 5,000 rows/s)
 * → keyBy → rolling COUNT/SUM → blackhole; every client joins the job's room (status, metrics, checkpoint
 * events) and subscribes to the aggregate's state (`state:changes`, coalesced: ≤ ~10 messages/s, ≤ 200
 * keys each). GET /api/jobs/:id (row + live metrics from the job's worker) is sampled 20 times a second.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

const CLIENTS = QUICK ? 20 : 200;
const BASELINE_S = QUICK ? 3 : 10;
const LOAD_S = QUICK ? 5 : 30;
const SAMPLES_PER_S = 20;
const KEYS = 1000;
const ROWS_PER_S = 5000;

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(benchDir);

// socket.io-client is the server package's (dev) dependency: load it from there.
const requireFromServer = createRequire(path.join(repoRoot, 'apps/server/package.json'));
interface ClientSocket {
  connected: boolean;
  io: { engine: { on(ev: 'packet', fn: (p: { type: string; data?: unknown }) => void): void } };
  on(ev: string, fn: (...args: unknown[]) => void): void;
  once(ev: string, fn: (...args: unknown[]) => void): void;
  onAny(fn: (event: string, ...args: unknown[]) => void): void;
  timeout(ms: number): {
    emitWithAck(ev: string, payload: unknown): Promise<{ ok: boolean; error?: unknown }>;
  };
  close(): void;
}
const { io: connect } = requireFromServer('socket.io-client') as {
  io: (url: string, opts: Record<string, unknown>) => ClientSocket;
};

const spec = {
  specVersion: 1,
  name: 'server-load',
  nodes: [
    {
      id: 'events',
      kind: 'source',
      connector: {
        type: 'datagen',
        rowsPerSecond: ROWS_PER_S,
        seed: 1,
        fields: {
          key: {
            kind: 'choice',
            values: Array.from({ length: KEYS }, (_, i) => `k${String(i).padStart(4, '0')}`),
          },
          amount: { kind: 'random', min: 1, max: 100 },
        },
      },
      schema: { key: 'string', amount: 'int' },
    },
    { id: 'byKey', kind: 'keyBy', key: ['key'] },
    { id: 'totals', kind: 'aggregate', aggregates: { n: 'COUNT(*)', total: 'SUM(amount)' } },
    { id: 'sink', kind: 'sink', connector: { type: 'blackhole' } },
  ],
  edges: [
    { from: 'events', to: 'byKey' },
    { from: 'byKey', to: 'totals' },
    { from: 'totals', to: 'sink' },
  ],
};

interface Health {
  sockets: number;
  stateSubscriptions: number;
  memory: { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number };
}

const mib = (b: number) => b / 2 ** 20;

interface ClientCounters {
  messages: number;
  bytes: number;
  byEvent: Map<string, number>;
  stateKeys: number;
}

async function openClient(url: string, jobId: string, counters: ClientCounters): Promise<ClientSocket> {
  const socket = connect(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    timeout: 10_000,
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (e) => reject(e as Error));
  });
  socket.io.engine.on('packet', (p) => {
    if (p.type === 'message' && typeof p.data === 'string') counters.bytes += Buffer.byteLength(p.data);
  });
  socket.onAny((event, payload) => {
    counters.messages++;
    counters.byEvent.set(event, (counters.byEvent.get(event) ?? 0) + 1);
    if (event === 'state:changes') counters.stateKeys += (payload as { changes: unknown[] }).changes.length;
  });
  for (const [ev, payload] of [
    ['job:subscribe', { jobId }],
    ['state:subscribe', { jobId, nodeId: 'totals' }],
  ] as const) {
    const ack = await socket.timeout(10_000).emitWithAck(ev, payload);
    check(ack.ok, `${ev} was refused: ${JSON.stringify(ack)}`);
  }
  return socket;
}

function line(label: string, value: string): void {
  console.log(`  ${label.padEnd(44)} ${value}`);
}

async function main(): Promise<void> {
  const cpu = cpus();
  console.log(
    `server-load — ${CLIENTS} socket.io clients on the state of a running job for ${LOAD_S} s` +
      ` (baseline ${BASELINE_S} s without clients); node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
  );
  const dataDir = mkdtempSync(path.join(tmpdir(), 'flowstate-server-load-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = startServerProcess(port, dataDir);
  const sockets: ClientSocket[] = [];
  try {
    await server.ready();
    const job = await json<{ id: string }>(`${base}/api/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ spec }),
    });
    const jobUrl = `${base}/api/jobs/${job.id}`;
    // Let the job fill its state (every key seen) and the JIT settle.
    for (let i = 0; ; i++) {
      const page = await json<{ entries: unknown[] }>(`${jobUrl}/state/totals?limit=${KEYS}`);
      if (page.entries.length === KEYS) break;
      check(i < 200, 'the job did not fill its state');
      await sleep(100);
    }
    await sleep(1000);

    await sampleLatency(jobUrl, 2, SAMPLES_PER_S); // warm-up: the first requests compile the server's code paths
    const before = await json<Health>(`${base}/api/health`);
    const baseline = await sampleLatency(jobUrl, BASELINE_S, SAMPLES_PER_S);

    const counters: ClientCounters = { messages: 0, bytes: 0, byEvent: new Map(), stateKeys: 0 };
    const tc = performance.now();
    for (let i = 0; i < CLIENTS; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(20, CLIENTS - i) }, () => openClient(base, job.id, counters)),
      );
      sockets.push(...batch);
    }
    const connectMs = performance.now() - tc;
    await sleep(1000);
    counters.messages = 0;
    counters.bytes = 0;
    counters.byEvent.clear();
    counters.stateKeys = 0;

    const loadStart = performance.now();
    const underLoad = await sampleLatency(jobUrl, LOAD_S, SAMPLES_PER_S);
    const loadSeconds = (performance.now() - loadStart) / 1000;
    const snapshot = {
      messages: counters.messages,
      bytes: counters.bytes,
      byEvent: new Map(counters.byEvent),
      stateKeys: counters.stateKeys,
    };
    const during = await json<Health>(`${base}/api/health`);
    check(during.sockets === CLIENTS, `the server counts ${during.sockets} sockets, not ${CLIENTS}`);
    check(
      during.stateSubscriptions === 1,
      `${CLIENTS} clients on one node should share one engine subscription, not ${during.stateSubscriptions}`,
    );
    const stateMessages = snapshot.byEvent.get('state:changes') ?? 0;
    check(
      stateMessages >= CLIENTS * loadSeconds,
      `clients got ${stateMessages} state:changes in ${loadSeconds.toFixed(0)} s`,
    );

    for (const s of sockets) s.close();
    sockets.length = 0;
    await sleep(3000);
    const after = await json<Health>(`${base}/api/health`);
    await json(`${jobUrl}/stop`, { method: 'POST' });

    const p50b = percentile(baseline, 50);
    const p99b = percentile(baseline, 99);
    const p50l = percentile(underLoad, 50);
    const p99l = percentile(underLoad, 99);
    const ratio = p99l / p99b;
    const perClientS = CLIENTS * loadSeconds;
    const msgsPerClient = snapshot.messages / perClientS;
    const bytesPerClient = snapshot.bytes / perClientS;

    console.log(`\nGET /api/jobs/:id, ${SAMPLES_PER_S}/s`);
    line(
      `no clients (${baseline.length} samples)`,
      `p50 ${p50b.toFixed(2)} ms, p99 ${p99b.toFixed(2)} ms, max ${Math.max(...baseline).toFixed(2)} ms`,
    );
    line(
      `${CLIENTS} clients (${underLoad.length} samples)`,
      `p50 ${p50l.toFixed(2)} ms, p99 ${p99l.toFixed(2)} ms, max ${Math.max(...underLoad).toFixed(2)} ms`,
    );
    line('p99 ratio (clients / none)', `${ratio.toFixed(2)} ×`);
    console.log(
      `\nper client (over ${loadSeconds.toFixed(1)} s; ${CLIENTS} connected in ${connectMs.toFixed(0)} ms)`,
    );
    line('messages / s', msgsPerClient.toFixed(2));
    for (const [ev, n] of [...snapshot.byEvent].sort()) line(`  ${ev}`, (n / perClientS).toFixed(2));
    line('bytes / s (socket.io payloads)', `${(bytesPerClient / 1024).toFixed(1)} KiB`);
    line('state keys / state:changes message', (snapshot.stateKeys / Math.max(1, stateMessages)).toFixed(1));
    line('all clients: bytes / s', `${mib(snapshot.bytes / loadSeconds).toFixed(2)} MiB`);
    console.log('\nserver memory (RSS: whole process incl. the job worker; heap: main thread)');
    for (const [label, h] of [
      ['before (job running, no clients)', before],
      [`with ${CLIENTS} clients, end of the load`, during],
      ['3 s after they disconnected', after],
    ] as const) {
      line(
        label,
        `RSS ${mib(h.memory.rssBytes).toFixed(1)} MiB, heap ${mib(h.memory.heapUsedBytes).toFixed(1)} MiB`,
      );
    }

    report({ bench: 'server-load', metric: 'GET job p99, no clients', value: p99b, unit: 'ms' });
    report({ bench: 'server-load', metric: `GET job p99, ${CLIENTS} clients`, value: p99l, unit: 'ms' });
    report({ bench: 'server-load', metric: 'p99 ratio (clients / none)', value: ratio, unit: '×' });
    report({
      bench: 'server-load',
      metric: 'messages per client per s',
      value: msgsPerClient,
      unit: 'msg/s',
    });
    report({
      bench: 'server-load',
      metric: 'KiB per client per s',
      value: bytesPerClient / 1024,
      unit: 'KiB/s',
    });
    report({
      bench: 'server-load',
      metric: 'server RSS before → during → after',
      value: mib(during.memory.rssBytes),
      unit: 'MiB',
      note: `${mib(before.memory.rssBytes).toFixed(0)} → ${mib(during.memory.rssBytes).toFixed(0)} → ${mib(after.memory.rssBytes).toFixed(0)} MiB; heap ${mib(before.memory.heapUsedBytes).toFixed(0)} → ${mib(during.memory.heapUsedBytes).toFixed(0)} → ${mib(after.memory.heapUsedBytes).toFixed(0)} MiB`,
    });
  } finally {
    for (const s of sockets) s.close();
    await stopServerProcess(server.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
