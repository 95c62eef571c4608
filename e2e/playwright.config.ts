/**
 * End-to-end tests: Playwright drives the studio in Debian's Chromium (/usr/bin/chromium; Playwright's own
 * browser download does not work offline), against the app started the way the README starts it: `npm start`,
 * here with free ports and a fresh temporary data directory.
 *
 *   pnpm --filter @flowstate/e2e e2e                       start the app, run the tests, stop it
 *   E2E_BASE_URL=http://127.0.0.1:3000 pnpm --filter @flowstate/e2e e2e   use an app that is already running
 *
 * Screenshots land in e2e/artifacts/ (git-ignored); the JSON summary in e2e/.playwright-results.json is what
 * `npm test` adds to its closing line.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

const chromium = process.env.FLOWSTATE_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  throw new Error(
    `Chromium is not at ${chromium}: install it (Debian: apt-get install -y chromium) or set FLOWSTATE_CHROMIUM`,
  );
}

/** Two free TCP ports on 127.0.0.1 (asked of the OS in a child process: the config is synchronous). */
function freePorts(): [number, number] {
  const script = `
    const net = require('node:net');
    const take = () => new Promise((ok) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => ok(s)); });
    Promise.all([take(), take()]).then((ss) => { console.log(ss.map((s) => s.address().port).join(' ')); ss.forEach((s) => s.close()); });`;
  const [a, b] = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })
    .trim()
    .split(' ')
    .map(Number);
  return [a!, b!];
}

// The config is evaluated again in every worker: choose ports and the data directory once, in the runner,
// and hand them to the workers through the environment.
if (!process.env.E2E_BASE_URL && !process.env.E2E_STUDIO_PORT) {
  const [studio, server] = freePorts();
  process.env.E2E_STUDIO_PORT = String(studio);
  process.env.E2E_SERVER_PORT = String(server);
  process.env.E2E_DATA_DIR = mkdtempSync(join(tmpdir(), 'flowstate-e2e-'));
}
const external = process.env.E2E_BASE_URL;
const baseURL = external ?? `http://127.0.0.1:${process.env.E2E_STUDIO_PORT}`;

export default defineConfig({
  testDir: './tests',
  outputDir: './artifacts/test-results',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list'], ['json', { outputFile: '.playwright-results.json' }]],
  use: {
    baseURL,
    browserName: 'chromium',
    viewport: { width: 1440, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
  webServer: external
    ? undefined
    : {
        // The README's start command, from the repository root.
        command: 'npm start',
        cwd: '..',
        url: baseURL,
        env: {
          FLOWSTATE_STUDIO_PORT: process.env.E2E_STUDIO_PORT!,
          FLOWSTATE_SERVER_PORT: process.env.E2E_SERVER_PORT!,
          FLOWSTATE_DATA_DIR: process.env.E2E_DATA_DIR!,
        },
        // install + build + start; a cold build on 2 cores takes well under a minute.
        timeout: 300_000,
        reuseExistingServer: false,
        stdout: 'ignore',
        stderr: 'pipe',
        gracefulShutdown: { signal: 'SIGTERM', timeout: 25_000 },
      },
});
