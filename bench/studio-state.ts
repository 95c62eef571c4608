/**
 * Studio state table at 100k keys: the run view's state panel in Chromium, against the same panel with 100
 * keys as the baseline (same run, same browser, rounds alternating).
 *
 *   pnpm bench studio-state                 (or: node --import tsx bench/studio-state.ts [--quick])
 *   FLOWSTATE_BENCH_STUDIO_URL=http://127.0.0.1:3000 node --import tsx bench/studio-state.ts   (an app already up)
 *
 * Without FLOWSTATE_BENCH_STUDIO_URL it starts the app as `npm start` does (`scripts/start-app.mjs`, which
 * builds the studio when its sources changed) on FLOWSTATE_STUDIO_PORT / FLOWSTATE_SERVER_PORT (free ports
 * when unset) with a temporary data directory, and stops it at the end. Chromium is /usr/bin/chromium
 * (FLOWSTATE_CHROMIUM), driven by the e2e package's Playwright.
 *
 * The job, per size N: a bounded datagen "fill" (N rows, key = 0…N−1, as fast as possible) and an unbounded
 * datagen "trickle" (200 rows/s, random key in 0…min(N,1000)−1), both into keyBy(key) → COUNT(*) →
 * blackhole. The fill gives every key state at once; the trickle keeps `state:changes` coming (each of the
 * first 1,000 keys changes about every 5 s) at a rate the socket carries without dropping changes.
 *
 * Each round opens /jobs/:id in a fresh page and measures, in the page (performance.now / rAF):
 * - time to the first state row, and to all N keys loaded (pages of 10,000);
 * - the JS heap after a forced GC (CDP), the browser's cost of holding the table;
 * - frame times while scrolling the table from top to bottom in 240 frames (scrollTop set each frame: a drag
 *   of the scrollbar), p50/p95/max of the rAF deltas;
 * - frame times while scrolling at wheel speed: 96 px (3 rows) per frame for 240 frames, back and forth
 *   over the table (what a person scrolling with the wheel or a touchpad asks of it);
 * - 4 s parked at row 400 while changes arrive: frame p95, how often the top visible row changed (jumps;
 *   should be 0) and how many rows flashed;
 * - search: typing "42" until the filtered count shows; clearing it;
 * - sort: by count (descending) until the header says so and the rows are drawn; back to the key.
 * The ratio printed is each figure at N = 100,000 against N = 100. Nothing here asserts a time.
 */
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, json, sleep } from './lib/http';
import { check, QUICK, report, stats } from './lib/measure';

const benchDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.dirname(benchDir);
const SIZES = [100, QUICK ? 20_000 : 100_000] as const;
const ROUNDS = QUICK ? 1 : 3;
const SCROLL_FRAMES = 240;
const PARK_MS = 4000;
const PARK_ROW = 400;
const TRICKLE_PER_S = 200;
const QUERY = '42';

// Playwright is the e2e package's dependency: load it from there (typed here with what this file uses).
interface CDPSession {
  send(method: string, params?: object): Promise<unknown>;
  detach(): Promise<void>;
}
interface Page {
  addInitScript<A>(fn: ((arg: A) => void) | { content: string }, arg?: A): Promise<void>;
  goto(url: string): Promise<unknown>;
  waitForFunction(fn: () => boolean, arg: null, opts: { timeout: number; polling: number }): Promise<unknown>;
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
  context(): { newCDPSession(page: Page): Promise<CDPSession> };
}
interface Browser {
  newContext(opts: { viewport: { width: number; height: number } }): Promise<{
    newPage(): Promise<Page>;
    close(): Promise<void>;
  }>;
  close(): Promise<void>;
}
const requireFromE2e = createRequire(path.join(repoRoot, 'e2e/package.json'));
const { chromium } = requireFromE2e('@playwright/test') as {
  chromium: { launch(opts: { executablePath: string; args: string[] }): Promise<Browser> };
};

function specFor(n: number) {
  const hot = Math.min(n, 1000);
  return {
    specVersion: 1,
    name: `state-table-${n}`,
    settings: { checkpointing: { intervalMs: 600_000 } },
    nodes: [
      {
        id: 'fill',
        kind: 'source',
        name: 'Fill',
        connector: { type: 'datagen', count: n, fields: { key: { kind: 'sequence', start: 0, end: n - 1 } } },
        schema: { key: 'int' },
      },
      {
        id: 'trickle',
        kind: 'source',
        name: 'Trickle',
        connector: {
          type: 'datagen',
          rowsPerSecond: TRICKLE_PER_S,
          seed: 5,
          fields: { key: { kind: 'random', min: 0, max: hot - 1 } },
        },
        schema: { key: 'int' },
      },
      { id: 'byKey', kind: 'keyBy', key: ['key'] },
      { id: 'counts', kind: 'aggregate', name: 'Counts', aggregates: { count: 'COUNT(*)' } },
      { id: 'sink', kind: 'sink', connector: { type: 'blackhole' } },
    ],
    edges: [
      { from: 'fill', to: 'byKey' },
      { from: 'trickle', to: 'byKey' },
      { from: 'byKey', to: 'counts' },
      { from: 'counts', to: 'sink' },
    ],
  };
}

/** How many of the keys 0…n−1 contain `q` as text (what the search must find). */
function matches(n: number, q: string): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (String(i).includes(q)) c++;
  return c;
}

function startApp(studioPort: number, serverPort: number, dataDir: string): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    FLOWSTATE_STUDIO_PORT: String(studioPort),
    FLOWSTATE_SERVER_PORT: String(serverPort),
    FLOWSTATE_DATA_DIR: dataDir,
  };
  delete env.FLOWSTATE_TOKEN;
  delete env.DATABASE_URL;
  return spawn(process.execPath, ['scripts/start-app.mjs'], {
    cwd: repoRoot,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true, // its own process group: stopped as a whole below
  });
}

/** Installed before the page's scripts: watches the state table every frame and notes when things appear. */
function pageProbe(expect: string): void {
  const b = { firstRow: null as number | null, loaded: null as number | null };
  (window as unknown as { __bench: typeof b }).__bench = b;
  const tick = () => {
    const table = document.querySelector('table[aria-label^="State of"]');
    if (table) {
      if (b.firstRow === null && table.querySelector('tbody tr[aria-rowindex="2"]'))
        b.firstRow = performance.now();
      const status = table.closest('section')?.querySelector('p[aria-live]')?.textContent ?? '';
      if (b.loaded === null && !table.hasAttribute('aria-busy') && status.startsWith(expect))
        b.loaded = performance.now();
    }
    if (b.firstRow === null || b.loaded === null) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

interface Round {
  firstRowMs: number;
  loadedMs: number;
  heapMiB: number;
  scroll: { p50: number; p95: number; max: number; lastRow: number };
  wheel: { p50: number; p95: number };
  park: { p95: number; jumps: number; flashes: number };
  searchMs: number;
  clearMs: number;
  sortMs: number;
  sortBackMs: number;
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

async function measureRound(page: Page, base: string, jobId: string, n: number): Promise<Round> {
  const expectText = `${n.toLocaleString('en-US')} keys`;
  // tsx compiles this file with esbuild's keepNames: functions sent to the page call `__name`, which the page
  // lacks. Give it one.
  await page.addInitScript({ content: 'globalThis.__name = (f) => f;' });
  await page.addInitScript(pageProbe, expectText);
  await page.goto(`${base}/jobs/${jobId}`);
  await page.waitForFunction(
    () => (window as unknown as { __bench: { loaded: number | null } }).__bench.loaded !== null,
    null,
    {
      timeout: 120_000,
      polling: 100,
    },
  );
  const { firstRow, loaded } = await page.evaluate(
    () => (window as unknown as { __bench: { firstRow: number; loaded: number } }).__bench,
    null,
  );
  // Let the page settle (first changes applied, charts drawn).
  await sleep(1000);

  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };

  /**
   * Frame times (rAF deltas) while the table scrolls for `frames` frames: `drag` sets scrollTop from top to
   * bottom (a scrollbar drag), `wheel` moves 96 px a frame from the middle, turning at either end.
   */
  const scrollFrames = (mode: 'drag' | 'wheel') =>
    page.evaluate(
      async ({ frames, mode }: { frames: number; mode: 'drag' | 'wheel' }) => {
        const table = document.querySelector('table[aria-label^="State of"]')!;
        const el = table.parentElement!;
        const max = el.scrollHeight - el.clientHeight;
        let pos = mode === 'drag' ? 0 : Math.floor(max / 2);
        let dir = 1;
        el.scrollTop = pos;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const deltas: number[] = [];
        await new Promise<void>((resolve) => {
          let i = 0;
          let last = 0;
          const step = (ts: number) => {
            if (last) deltas.push(ts - last);
            last = ts;
            if (i > frames) return resolve();
            if (mode === 'drag') pos = (i / frames) * max;
            else {
              if (pos + dir * 96 > max || pos + dir * 96 < 0) dir = -dir;
              pos += dir * 96;
            }
            el.scrollTop = pos;
            i++;
            requestAnimationFrame(step);
          };
          requestAnimationFrame(step);
        });
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        const rows = [...table.querySelectorAll('tbody tr[aria-rowindex]')].map((r) =>
          Number(r.getAttribute('aria-rowindex')),
        );
        return { deltas, lastRow: Math.max(...rows) };
      },
      { frames: SCROLL_FRAMES, mode },
    );
  const scroll = await scrollFrames('drag');
  const wheel = (await scrollFrames('wheel')).deltas;

  const park = await page.evaluate(
    async ({ row, ms }: { row: number; ms: number }) => {
      const table = document.querySelector('table[aria-label^="State of"]')!;
      const el = table.parentElement!;
      const rowH = (table.querySelector('tbody tr[aria-rowindex]') as HTMLElement).offsetHeight || 32;
      el.scrollTop = row * rowH;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const topKey = () => {
        const top =
          el.getBoundingClientRect().top + (table.querySelector('thead') as HTMLElement).offsetHeight;
        for (const tr of table.querySelectorAll('tbody tr[aria-rowindex]')) {
          const b = tr.getBoundingClientRect();
          if (b.bottom > top + 1) return tr.querySelector('td')?.textContent ?? '';
        }
        return '';
      };
      const first = topKey();
      let jumps = 0;
      let prev = first;
      const flashed = new Set<string>();
      const deltas: number[] = [];
      const t0 = performance.now();
      await new Promise<void>((resolve) => {
        let last = 0;
        const step = (ts: number) => {
          if (last) deltas.push(ts - last);
          last = ts;
          const k = topKey();
          if (k !== prev) jumps++;
          prev = k;
          for (const tr of table.querySelectorAll('tbody tr.animate-flash'))
            flashed.add(tr.querySelector('td')?.textContent ?? '');
          if (performance.now() - t0 >= ms) return resolve();
          requestAnimationFrame(step);
        };
        requestAnimationFrame(step);
      });
      return { deltas, jumps, flashes: flashed.size, first };
    },
    { row: PARK_ROW, ms: PARK_MS },
  );

  /**
   * Types into the search box or clicks a column header, then waits frame by frame until the table shows the
   * result: the status line starting with `until` (search) or the header's aria-sort being `until` (sort).
   * Milliseconds from the action to the frame where it showed.
   */
  const timed = (act: { type: string } | { sort: string }, until: string) =>
    page.evaluate(
      async ({ act, until }: { act: { type: string } | { sort: string }; until: string }) => {
        const table = document.querySelector('table[aria-label^="State of"]')!;
        const status = () => table.closest('section')!.querySelector('p[aria-live]')!.textContent ?? '';
        const header = (name: string) =>
          [...table.querySelectorAll('th')].find((th) => (th.textContent ?? '').trim().startsWith(name))!;
        const t0 = performance.now();
        if ('type' in act) {
          const input = document.querySelector('input[type=search]') as HTMLInputElement;
          Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, act.type);
          input.dispatchEvent(new Event('input', { bubbles: true }));
        } else header(act.sort).querySelector('button')!.click();
        const done = () =>
          'type' in act ? status().startsWith(until) : header(act.sort).getAttribute('aria-sort') === until;
        for (;;) {
          await new Promise((r) => requestAnimationFrame(r));
          if (done()) return performance.now() - t0;
          if (performance.now() - t0 > 60_000) throw new Error(`timed out waiting for ${until}`);
        }
      },
      { act, until },
    );
  const found = matches(n, QUERY).toLocaleString('en-US');
  const searchMs = await timed({ type: QUERY }, `${found} of`);
  const clearMs = await timed({ type: '' }, expectText);
  const sortMs = await timed({ sort: 'count' }, 'descending');
  const sortBackMs = await timed({ sort: 'Key' }, 'ascending');
  await cdp.detach();

  return {
    firstRowMs: firstRow,
    loadedMs: loaded,
    heapMiB: heap.usedSize / 2 ** 20,
    scroll: {
      p50: pct(scroll.deltas, 50),
      p95: pct(scroll.deltas, 95),
      max: Math.max(...scroll.deltas),
      lastRow: scroll.lastRow,
    },
    wheel: { p50: pct(wheel, 50), p95: pct(wheel, 95) },
    park: { p95: pct(park.deltas, 95), jumps: park.jumps, flashes: park.flashes },
    searchMs,
    clearMs,
    sortMs,
    sortBackMs,
  };
}

function line(label: string, value: string): void {
  console.log(`  ${label.padEnd(40)} ${value}`);
}

async function main(): Promise<void> {
  const cpu = cpus();
  console.log(
    `studio-state — the run view's state table with ${SIZES.map((s) => s.toLocaleString('en-US')).join(' vs ')} keys, ${ROUNDS} rounds each; ` +
      `node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, load ${loadavg()[0]!.toFixed(2)}`,
  );
  const chromiumPath = process.env.FLOWSTATE_CHROMIUM ?? '/usr/bin/chromium';
  check(existsSync(chromiumPath), `Chromium is not at ${chromiumPath}`);

  let app: ChildProcess | null = null;
  let dataDir: string | null = null;
  let base = process.env.FLOWSTATE_BENCH_STUDIO_URL;
  const jobs: string[] = [];
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    if (!base) {
      dataDir = mkdtempSync(path.join(tmpdir(), 'flowstate-studio-state-'));
      const studioPort = Number(process.env.FLOWSTATE_STUDIO_PORT) || (await freePort());
      const serverPort = Number(process.env.FLOWSTATE_SERVER_PORT) || (await freePort());
      base = `http://127.0.0.1:${studioPort}`;
      app = startApp(studioPort, serverPort, dataDir);
      const t0 = Date.now();
      for (;;) {
        try {
          const r = await fetch(`${base}/api/health`);
          if (r.ok) break;
        } catch {}
        if (app.exitCode !== null || Date.now() - t0 > 300_000) throw new Error('the app did not start');
        await sleep(500);
      }
    }

    const ids = new Map<number, string>();
    for (const n of SIZES) {
      const job = await json<{ id: string }>(`${base}/api/jobs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ spec: specFor(n) }),
      });
      ids.set(n, job.id);
      jobs.push(job.id);
    }
    for (const [n, id] of ids) {
      for (let i = 0; ; i++) {
        const j = await json<{
          status: string;
          metrics: { nodes: { nodeId: string; numKeys: number }[] } | null;
        }>(`${base}/api/jobs/${id}`);
        const keys = j.metrics?.nodes.find((x) => x.nodeId === 'counts')?.numKeys ?? 0;
        if (keys === n) break;
        check(j.status === 'running' || j.status === 'created', `job ${n}: ${j.status}`);
        check(i < 600, `the ${n}-key job did not fill its state (${keys} keys)`);
        await sleep(200);
      }
    }

    const results = new Map<number, Round[]>(SIZES.map((n) => [n, []]));
    for (let round = 0; round <= ROUNDS; round++) {
      for (const n of SIZES) {
        const context = await browser.newContext({ viewport: { width: 1440, height: 960 } });
        const page = await context.newPage();
        const r = await measureRound(page, base, ids.get(n)!, n);
        await context.close();
        check(
          r.scroll.lastRow === n + 1,
          `scrolled to the bottom of ${n} keys but the last row drawn is ${r.scroll.lastRow - 1}`,
        );
        if (round === 0) continue; // warm-up (first compile of the page, JIT)
        results.get(n)!.push(r);
        console.log(
          `  round ${round}, ${String(n).padStart(6)} keys: first rows ${r.firstRowMs.toFixed(0)} ms, all ${r.loadedMs.toFixed(0)} ms, ` +
            `heap ${r.heapMiB.toFixed(1)} MiB, scroll p95 ${r.scroll.p95.toFixed(1)} ms (max ${r.scroll.max.toFixed(0)}), wheel p95 ${r.wheel.p95.toFixed(1)} ms, ` +
            `parked p95 ${r.park.p95.toFixed(1)} ms, ${r.park.jumps} jumps, ${r.park.flashes} flashed, ` +
            `search ${r.searchMs.toFixed(0)} / clear ${r.clearMs.toFixed(0)} ms, sort ${r.sortMs.toFixed(0)} / back ${r.sortBackMs.toFixed(0)} ms`,
        );
      }
    }

    const [small, big] = SIZES;
    const med = (n: number, f: (r: Round) => number) => stats(results.get(n)!.map(f)).median;
    const figures: [string, (r: Round) => number, string][] = [
      ['time to first rows', (r) => r.firstRowMs, 'ms'],
      ['time to all keys', (r) => r.loadedMs, 'ms'],
      ['JS heap after GC', (r) => r.heapMiB, 'MiB'],
      ['scroll frame p50', (r) => r.scroll.p50, 'ms'],
      ['scroll frame p95', (r) => r.scroll.p95, 'ms'],
      ['scroll frame max', (r) => r.scroll.max, 'ms'],
      ['wheel-speed scroll frame p50', (r) => r.wheel.p50, 'ms'],
      ['wheel-speed scroll frame p95', (r) => r.wheel.p95, 'ms'],
      ['frame p95 parked while changes arrive', (r) => r.park.p95, 'ms'],
      ['jumps while parked', (r) => r.park.jumps, ''],
      ['rows flashed while parked', (r) => r.park.flashes, ''],
      [`search "${QUERY}"`, (r) => r.searchMs, 'ms'],
      ['clear search', (r) => r.clearMs, 'ms'],
      ['sort by count', (r) => r.sortMs, 'ms'],
      ['sort back by key', (r) => r.sortBackMs, 'ms'],
    ];
    console.log(`\nmedians over ${ROUNDS} rounds (load average now ${loadavg()[0]!.toFixed(2)})`);
    line('', `${String(small).padStart(10)} keys ${String(big).padStart(10)} keys    ratio`);
    for (const [label, f, unit] of figures) {
      const a = med(small, f);
      const b = med(big, f);
      line(
        label,
        `${a.toFixed(1).padStart(10)} ${unit.padEnd(4)} ${b.toFixed(1).padStart(10)} ${unit.padEnd(4)} ${a > 0 ? (b / a).toFixed(2) : '—'}`,
      );
    }
    report({
      bench: 'studio-state',
      metric: `first rows, ${big} keys`,
      value: med(big, (r) => r.firstRowMs),
      unit: 'ms',
    });
    report({
      bench: 'studio-state',
      metric: `all keys loaded, ${big} keys`,
      value: med(big, (r) => r.loadedMs),
      unit: 'ms',
    });
    const p95a = med(small, (r) => r.scroll.p95);
    const p95b = med(big, (r) => r.scroll.p95);
    report({
      bench: 'studio-state',
      metric: `scroll frame p95, ${big} / ${small} keys`,
      value: p95b / p95a,
      unit: '×',
      note: `${p95b.toFixed(1)} ms vs ${p95a.toFixed(1)} ms`,
    });
    const w95a = med(small, (r) => r.wheel.p95);
    const w95b = med(big, (r) => r.wheel.p95);
    report({
      bench: 'studio-state',
      metric: `wheel-speed scroll frame p95, ${big} / ${small} keys`,
      value: w95b / w95a,
      unit: '×',
      note: `${w95b.toFixed(1)} ms vs ${w95a.toFixed(1)} ms`,
    });
    report({
      bench: 'studio-state',
      metric: `heap per key (${big} − ${small} keys)`,
      value: ((med(big, (r) => r.heapMiB) - med(small, (r) => r.heapMiB)) * 2 ** 20) / (big - small),
      unit: 'B',
    });
    report({
      bench: 'studio-state',
      metric: `search, ${big} keys`,
      value: med(big, (r) => r.searchMs),
      unit: 'ms',
    });
    report({
      bench: 'studio-state',
      metric: `sort by count, ${big} keys`,
      value: med(big, (r) => r.sortMs),
      unit: 'ms',
    });
    report({
      bench: 'studio-state',
      metric: 'jumps while parked',
      value: med(big, (r) => r.park.jumps),
      unit: '',
    });
  } finally {
    await browser.close();
    if (base)
      for (const id of jobs) await fetch(`${base}/api/jobs/${id}/stop`, { method: 'POST' }).catch(() => {});
    if (app?.pid) {
      try {
        process.kill(-app.pid, 'SIGTERM');
      } catch {}
      await new Promise<void>((resolve) => {
        if (app!.exitCode !== null) resolve();
        else app!.once('exit', () => resolve());
        setTimeout(resolve, 30_000).unref();
      });
    }
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
