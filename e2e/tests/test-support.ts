/**
 * What the end-to-end tests share: screenshots (light and dark), the word-count reference counts, opening a
 * template in the editor, and restarting the server behind the studio. (Test helpers are called
 * `test-support.ts`, beside the tests, across the repo.)
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';

const here = dirname(fileURLToPath(import.meta.url));
export const artifacts = join(here, '../artifacts');
export const repoRoot = join(here, '../..');

/**
 * A full-page screenshot in e2e/artifacts/<name>.png, and <name>-dark.png in the dark scheme. `fullPage: false`
 * takes the window only: with a modal dialog open, a full-page capture resizes the window under it, and the
 * pipeline graph behind the dialog re-measures itself and goes blank in the picture.
 */
export async function shoot(page: Page, name: string, { dark = true, fullPage = true } = {}): Promise<void> {
  // `animations: 'disabled'` finishes the colour transitions the scheme switch starts.
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage, animations: 'disabled' });
  if (!dark) return;
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(artifacts, `${name}-dark.png`), fullPage, animations: 'disabled' });
  await page.emulateMedia({ colorScheme: 'light' });
}

/** Every word of the word-count data, by the spec's own rule (lower-case, split on anything but a-z0-9). */
export function wordsOfWordCount(): string[] {
  const text = readFileSync(join(repoRoot, 'examples/word-count/data/words.txt'), 'utf8');
  return text
    .split('\n')
    .flatMap((line) => line.toLowerCase().split(/[^a-z0-9]+/))
    .filter((w) => w !== '');
}

/** The reference count of a word: the word-count spec's own rule (lower-case, split on anything but a-z0-9). */
export function countOf(word: string): number {
  return wordsOfWordCount().filter((w) => w === word).length;
}

/**
 * Restarts the Flowstate server behind the studio — the app the config starts (`npm start` runs
 * scripts/start-app.mjs, which restarts its server on SIGUSR2 and keeps the studio up) — and waits until the new
 * server process answers. The server's pid is in `<data dir>/server.lock`; its parent is start-app. The server
 * stops cleanly (running jobs are suspended and resumed by the new process), so what a test reads afterwards is
 * what the server kept, not what its old process held in memory. Not available against E2E_BASE_URL.
 */
export async function restartServer(page: Page): Promise<void> {
  const dataDir = process.env.E2E_DATA_DIR;
  if (!dataDir || process.env.E2E_BASE_URL)
    throw new Error('restartServer needs the app the e2e config starts');
  const lock = join(dataDir, 'server.lock');
  const pidIn = () => Number.parseInt(readFileSync(lock, 'utf8').trim(), 10);
  const before = pidIn();
  const stat = readFileSync(`/proc/${before}/stat`, 'utf8');
  const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  process.kill(parent, 'SIGUSR2');
  await expect
    .poll(
      async () => {
        try {
          if (pidIn() === before) return 'the old server still runs';
          const health = await page.request.get('/api/health');
          return health.ok() ? 'answering' : `HTTP ${health.status()}`;
        } catch (e) {
          return (e as Error).message;
        }
      },
      { timeout: 90_000, intervals: [250] },
    )
    .toBe('answering');
}

/** Creates a pipeline from a template on the pipelines page: the editor opens with it. */
export async function openNewFromTemplate(page: Page, template: string): Promise<void> {
  const pipelines = page.getByRole('region', { name: 'Your pipelines' });
  await expect(pipelines.getByText('Loading pipelines…')).toHaveCount(0);
  await page.getByRole('button', { name: `Create pipeline from ${template}`, exact: true }).click();
  await expect(page).toHaveURL(/\/pipelines\/(?!new$)[A-Za-z0-9_-]+$/);
  await expect(
    page.getByRole('region', { name: 'Canvas' }).locator('.react-flow__node').first(),
  ).toBeVisible();
}

/** The word-count template, opened in the editor. */
export const openNewWordCount = (page: Page) => openNewFromTemplate(page, 'word-count');
