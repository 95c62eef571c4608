#!/usr/bin/env node
/**
 * The two commands of the README, on a machine with nothing but Node 20+:
 *
 *   npm start   installs what is needed and starts Flowstate
 *   npm test    installs what is needed and runs the whole test suite (lint, typecheck, unit, integration, e2e)
 *
 * Plain Node, no dependencies: it must run before anything is installed. Only the npm registry is used, and
 * Debian's packages for Chromium (the end-to-end tests' browser), installed by `npm test` when it is missing
 * and this runs as root.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = '12.21.0';
const env = {
  ...process.env,
  TURBO_TELEMETRY_DISABLED: '1',
  NEXT_TELEMETRY_DISABLED: '1',
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  DO_NOT_TRACK: '1',
  // Prisma: no telemetry / update check (another host), no client generation from a postinstall.
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  PRISMA_SKIP_POSTINSTALL_GENERATE: '1',
};

function log(msg) {
  process.stderr.write(`\x1b[36m[flowstate]\x1b[0m ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function must(cmd, args, what) {
  const status = run(cmd, args);
  if (status !== 0) {
    log(`${what} failed (exit ${status}): ${cmd} ${args.join(' ')}`);
    process.exit(status);
  }
}

function works(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'ignore', env });
  return !r.error && r.status === 0;
}

/** pnpm on PATH, else installed from the npm registry (global, or the npx cache when that is not allowed). */
function ensurePnpm() {
  if (works('pnpm', ['--version'])) return ['pnpm'];
  log(`pnpm not found: installing pnpm@${PNPM_VERSION} from the npm registry`);
  if (run('npm', ['install', '--global', `pnpm@${PNPM_VERSION}`]) === 0 && works('pnpm', ['--version'])) {
    return ['pnpm'];
  }
  log('global install not possible here; using pnpm through npx');
  return ['npx', '--yes', `pnpm@${PNPM_VERSION}`];
}

function install(pnpm) {
  const [cmd, ...pre] = pnpm;
  const frozen = existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  must(cmd, [...pre, 'install', ...frozen, '--prefer-offline'], 'installing dependencies');
}

/**
 * The server's Prisma client is generated code (apps/server/src/db/generated, not in git): generate it from
 * prisma/schema.prisma after every install. Offline: Prisma 6 with engineType "client" needs no engine download
 * (docs/persistence.md). Migrations are not run here: the server applies them itself when it opens the database.
 */
function generatePrismaClient(pnpm) {
  const [cmd, ...pre] = pnpm;
  must(cmd, [...pre, '--filter', '@flowstate/server', 'run', 'db:generate'], 'generating the Prisma client');
}

const CHROMIUM = env.FLOWSTATE_CHROMIUM ?? '/usr/bin/chromium';

/**
 * The end-to-end tests drive Debian's Chromium (Playwright's browser download needs a host we cannot reach).
 * Installed with apt-get when missing and we are root; otherwise the reason is returned and e2e is skipped.
 */
function ensureChromium() {
  if (existsSync(CHROMIUM)) return null;
  if (env.FLOWSTATE_CHROMIUM) return `FLOWSTATE_CHROMIUM points at ${CHROMIUM}, which does not exist`;
  if (!existsSync('/usr/bin/apt-get')) {
    return `Chromium is not installed at ${CHROMIUM} and there is no apt-get to install it (set FLOWSTATE_CHROMIUM to a Chromium binary)`;
  }
  if (process.getuid?.() !== 0) {
    return `Chromium is not installed and installing it needs root: run \`sudo apt-get install -y chromium\`, then npm test again`;
  }
  log('installing Chromium from Debian for the end-to-end tests (apt-get install -y chromium)…');
  const t0 = Date.now();
  const aptEnv = { env: { ...env, DEBIAN_FRONTEND: 'noninteractive' } };
  if (
    run('apt-get', ['-q', 'update'], aptEnv) !== 0 ||
    run('apt-get', ['-q', 'install', '-y', 'chromium'], aptEnv) !== 0
  ) {
    return 'apt-get could not install chromium (see its output above)';
  }
  log(`Chromium installed in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
  return existsSync(CHROMIUM) ? null : `apt-get installed chromium, but not at ${CHROMIUM}`;
}

const E2E_RESULTS = join(root, 'e2e/.playwright-results.json');

/**
 * Vitest writes .vitest-results.json per package and Playwright e2e/.playwright-results.json; total them into
 * one closing line.
 */
function totalTests() {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const walk = (dir, depth) => {
    if (depth > 3) return;
    for (const name of readdirSync(dir)) {
      if (name === 'node_modules' || name.startsWith('.git')) continue;
      const p = join(dir, name);
      if (name === '.vitest-results.json') {
        const r = JSON.parse(readFileSync(p, 'utf8'));
        passed += r.numPassedTests ?? 0;
        failed += r.numFailedTests ?? 0;
        skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
        log(`  ${relative(root, dirname(p)) || '.'}: ${r.numPassedTests} passed, ${r.numFailedTests} failed`);
        // Name each failure and its first lines, so a CI log that keeps only the tail still says what failed.
        for (const file of r.testResults ?? []) {
          for (const t of file.assertionResults ?? []) {
            if (t.status !== 'failed') continue;
            log(`    FAILED ${relative(root, file.name)} › ${t.fullName}`);
            const msg = (t.failureMessages ?? []).join('\n').split('\n').slice(0, 6);
            for (const line of msg) log(`      ${line.slice(0, 300)}`);
          }
        }
      } else if (name === '.playwright-results.json') {
        const st = JSON.parse(readFileSync(p, 'utf8')).stats ?? {};
        // expected = passed, flaky = passed on a retry, unexpected = failed.
        const ok = (st.expected ?? 0) + (st.flaky ?? 0);
        passed += ok;
        failed += st.unexpected ?? 0;
        skipped += st.skipped ?? 0;
        log(`  ${relative(root, dirname(p))} (Playwright): ${ok} passed, ${st.unexpected ?? 0} failed`);
      } else if (statSync(p).isDirectory()) walk(p, depth + 1);
    }
  };
  walk(root, 0);
  return { passed, failed, skipped };
}

const task = process.argv[2];
const pnpm = ensurePnpm();
const [pcmd, ...ppre] = pnpm;
install(pnpm);
generatePrismaClient(pnpm);

if (task === 'test') {
  const started = Date.now();
  const steps = [
    ['lint', [...ppre, 'run', 'lint']],
    ['typecheck', [...ppre, 'exec', 'turbo', 'run', 'typecheck']],
    [
      'unit and integration tests',
      [...ppre, 'exec', 'turbo', 'run', 'test', '--concurrency=1', '--continue'],
    ],
  ];
  const failures = [];
  const timings = [];
  const timed = (what, fn) => {
    const t0 = Date.now();
    log(`${what}…`);
    if (fn() !== 0) failures.push(what);
    timings.push(`${what} ${((Date.now() - t0) / 1000).toFixed(0)}s`);
  };
  for (const [what, args] of steps) timed(what, () => run(pcmd, args));

  // End-to-end tests last: Playwright starts the app with `npm start` (free ports, a temporary data directory).
  rmSync(E2E_RESULTS, { force: true });
  const noChromium = ensureChromium();
  if (noChromium) log(`end-to-end tests SKIPPED: ${noChromium}`);
  else timed('end-to-end tests', () => run(pcmd, [...ppre, '--filter', '@flowstate/e2e', 'run', 'e2e']));

  const { passed, failed, skipped } = totalTests();
  log(`steps: ${timings.join(', ')}`);
  const secs = ((Date.now() - started) / 1000).toFixed(0);
  if (failures.length) log(`failed steps: ${failures.join(', ')}`);
  log(`done in ${secs}s`);
  process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  process.exit(failures.length || failed ? 1 : 0);
} else if (task === 'start') {
  log('starting Flowstate');
  // Ctrl-C and SIGTERM are handled by start:app (it stops the server and the studio in order): wait for it.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => {});
  process.exit(run(pcmd, [...ppre, 'run', 'start:app', ...process.argv.slice(3)]));
} else {
  log(`unknown task '${task}': use start or test`);
  process.exit(2);
}
