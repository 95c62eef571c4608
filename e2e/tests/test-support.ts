/**
 * What the end-to-end tests share: screenshots (light and dark), the word-count reference counts, opening a
 * template in the editor. (Test helpers are called `test-support.ts`, beside the tests, across the repo.)
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';

const here = dirname(fileURLToPath(import.meta.url));
export const artifacts = join(here, '../artifacts');
export const repoRoot = join(here, '../..');

/** A full-page screenshot in e2e/artifacts/<name>.png, and <name>-dark.png in the dark scheme. */
export async function shoot(page: Page, name: string, { dark = true } = {}): Promise<void> {
  // `animations: 'disabled'` finishes the colour transitions the scheme switch starts.
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true, animations: 'disabled' });
  if (!dark) return;
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({
    path: join(artifacts, `${name}-dark.png`),
    fullPage: true,
    animations: 'disabled',
  });
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The reference count of a word: the word-count spec's own rule (lower-case, split on anything but a-z0-9). */
export function countOf(word: string): number {
  const text = readFileSync(join(repoRoot, 'examples/word-count/data/words.txt'), 'utf8');
  return text
    .split('\n')
    .flatMap((line) => line.toLowerCase().split(/[^a-z0-9]+/))
    .filter((w) => w === word).length;
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
