#!/usr/bin/env node
/**
 * `pnpm start:app` (what `npm start` runs after installing): the Flowstate server and the studio in front of it.
 *
 *   1. builds the studio (`next build`) unless the last build is still current;
 *   2. starts the server (apps/server, REST + socket.io) on 127.0.0.1:FLOWSTATE_SERVER_PORT and waits for it;
 *   3. starts the studio (`next start`) on 127.0.0.1:FLOWSTATE_STUDIO_PORT, which proxies `/api` and
 *      `/socket.io` to the server, so the browser talks to one origin;
 *   4. prints the URL; Ctrl-C (SIGINT) or SIGTERM stops both, the server first finishing its jobs cleanly;
 *      SIGUSR2 restarts the server alone (it suspends its running jobs and the new one resumes them), the studio
 *      staying up — what the end-to-end tests use to check what survives a server restart.
 *
 * Environment (all optional):
 *   FLOWSTATE_STUDIO_PORT   studio port (default 3000)
 *   FLOWSTATE_SERVER_PORT   server port (default 4000)
 *   FLOWSTATE_DATA_DIR      the server's data directory (default .flowstate/ at the repo root)
 *   FLOWSTATE_REBUILD=1     build the studio even if the last build looks current
 *
 * Plain Node, no dependencies. The server's address is written into the studio's build (Next.js rewrites are
 * part of the routes manifest), so a build is redone when that address changes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const studioDir = join(root, 'apps/studio');
const HOST = '127.0.0.1';

function log(msg) {
  process.stderr.write(`\x1b[36m[flowstate]\x1b[0m ${msg}\n`);
}

/** The environment, read here and nowhere else in this script. */
const { FLOWSTATE_STUDIO_PORT, FLOWSTATE_SERVER_PORT, FLOWSTATE_REBUILD, FLOWSTATE_STUDIO_ORIGIN } =
  process.env;

function port(name, raw, fallback) {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    log(`${name} must be a port number between 1 and 65535 (got '${raw}')`);
    process.exit(2);
  }
  return n;
}

const studioPort = port('FLOWSTATE_STUDIO_PORT', FLOWSTATE_STUDIO_PORT, 3000);
const serverPort = port('FLOWSTATE_SERVER_PORT', FLOWSTATE_SERVER_PORT, 4000);
const serverUrl = `http://${HOST}:${serverPort}`;
const studioUrl = `http://${HOST}:${studioPort}`;

const baseEnv = {
  ...process.env,
  NEXT_TELEMETRY_DISABLED: '1',
  FLOWSTATE_SERVER_URL: serverUrl,
  FLOWSTATE_EXAMPLES_DIR: join(root, 'examples'),
};

// ------------------------------------------------------------------------------------------------ build

/** Newest modification time under `p` (files only; node_modules, .next and dot-directories skipped). */
function newestMtime(p) {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(p)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(p, name)));
  }
  return newest;
}

const stampFile = join(studioDir, '.next/flowstate-build.json');

/** Why the studio needs a build, or null when the last one is current. */
function buildReason() {
  if (FLOWSTATE_REBUILD === '1') return 'FLOWSTATE_REBUILD=1';
  if (!existsSync(join(studioDir, '.next/BUILD_ID')) || !existsSync(stampFile)) return 'no build yet';
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
  } catch {
    return 'no build yet';
  }
  if (stamp.serverUrl !== serverUrl) return `the server moved to ${serverUrl}`;
  const inputs = [
    studioDir,
    join(root, 'packages/api/src'),
    join(root, 'packages/spec/src'),
    join(root, 'pnpm-lock.yaml'),
  ];
  const newest = Math.max(...inputs.map(newestMtime));
  return newest > stamp.builtAt ? 'sources changed since the last build' : null;
}

const reason = buildReason();
if (reason) {
  log(`building the studio (${reason})…`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(studioDir, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: studioDir,
    env: baseEnv,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.error || r.status !== 0) {
    log(`the studio's build failed${r.error ? `: ${r.error.message}` : ` (exit ${r.status})`}`);
    process.exit(1);
  }
  // The end of the build: `next build` itself rewrites next-env.d.ts.
  writeFileSync(stampFile, `${JSON.stringify({ serverUrl, builtAt: Date.now() })}\n`);
  log(`studio built in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
} else {
  log('the studio build is current (FLOWSTATE_REBUILD=1 forces a new one)');
}

// ------------------------------------------------------------------------------------------------ run

/** @type {Map<string, import('node:child_process').ChildProcess>} */
const children = new Map();
let stopping = false;
/** Set while SIGUSR2 restarts the server: its exit is expected then. */
let restartingServer = false;

/**
 * Each child runs in its own process group (`detached`), so a Ctrl-C in the terminal reaches only this script,
 * which then stops the children once, in order. (The server treats a second signal as "exit now".)
 */
function start(name, cmd, args, opts) {
  const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  children.set(name, child);
  child.on('exit', (code, signal) => {
    if (children.get(name) === child) children.delete(name);
    if (!stopping && !(name === 'server' && restartingServer)) {
      log(`the ${name} stopped unexpectedly (${signal ?? `exit ${code}`}); stopping Flowstate`);
      void shutdown(1);
    }
  });
  child.on('error', (e) => {
    log(`could not start the ${name}: ${e.message}`);
    void shutdown(1);
  });
  return child;
}

function waitExit(child, ms) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

async function stopChild(name) {
  const child = children.get(name);
  if (!child || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  if (!(await waitExit(child, 20_000))) {
    log(`the ${name} did not stop within 20 s: killing it`);
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
  }
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  // The studio first (no new requests), then the server (it stops the jobs and closes the database).
  await stopChild('studio');
  await stopChild('server');
  process.exit(code);
}

process.on('SIGINT', () => {
  log('stopping (Ctrl-C)…');
  void shutdown(0);
});
process.on('SIGTERM', () => void shutdown(0));
// Last resort if this script dies some other way: do not leave the children behind.
process.on('exit', () => {
  for (const child of children.values()) {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {}
  }
});

async function waitFor(url, what, ms) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (stopping) return;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  log(`the ${what} did not answer at ${url} within ${ms / 1000} s`);
  await shutdown(1);
}

const studioOrigins = `http://${HOST}:${studioPort},http://localhost:${studioPort}`;
function startServer() {
  // `node --import tsx` rather than the tsx command: one process, so the signal reaches the server once.
  start('server', process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: join(root, 'apps/server'),
    env: {
      ...baseEnv,
      HOST,
      PORT: String(serverPort),
      FLOWSTATE_STUDIO_ORIGIN: FLOWSTATE_STUDIO_ORIGIN ?? studioOrigins,
    },
  });
}
startServer();
await waitFor(`${serverUrl}/api/health`, 'server', 60_000);

/** SIGUSR2: stop the server cleanly and start it again (the studio stays up). */
async function restartServer() {
  if (stopping || restartingServer) return;
  restartingServer = true;
  log('restarting the server (SIGUSR2)…');
  await stopChild('server');
  if (!stopping) {
    startServer();
    await waitFor(`${serverUrl}/api/health`, 'server', 60_000);
    log('the server is back');
  }
  restartingServer = false;
}
process.on('SIGUSR2', () => void restartServer());

const nextBin = join(studioDir, 'node_modules/next/dist/bin/next');
start('studio', process.execPath, [nextBin, 'start', '-H', HOST, '-p', String(studioPort)], {
  cwd: studioDir,
  env: baseEnv,
});
await waitFor(studioUrl, 'studio', 60_000);

if (!stopping) {
  log(`Flowstate is running: \x1b[1m${studioUrl}\x1b[0m  (server ${serverUrl}; Ctrl-C stops both)`);
  process.stdout.write(`${studioUrl}\n`);
}
