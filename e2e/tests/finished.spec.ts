/**
 * Finished is not gone: the word count, run from its template, finishes; after the server behind the studio
 * restarts, its run view still shows the final figures (totals per node), the output of its collect sink and the
 * state of its final checkpoint — each saying where it comes from, in words. Screenshots, light and dark.
 */
import { expect, test } from '@playwright/test';
import { countOf, openNewWordCount, restartServer, shoot, wordsOfWordCount } from './test-support';

test('a finished word count keeps its totals, output and state after a server restart', async ({ page }) => {
  test.skip(!!process.env.E2E_BASE_URL, 'restarting the server needs the app the config starts');
  test.setTimeout(180_000);
  const words = wordsOfWordCount().length;
  const the = countOf('the');

  // Create a pipeline from the template (the editor opens with it), then run it from the list (newest first).
  await page.goto('/');
  await openNewWordCount(page);
  await page.goto('/');
  await page.getByRole('button', { name: 'Run word-count', exact: true }).first().click();
  await expect(page).toHaveURL(/\/jobs\/[A-Za-z0-9_-]+$/);
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/finished$/);

  const nodes = page.getByRole('table', { name: 'Nodes' });
  const countRow = nodes.getByRole('row').filter({ hasText: 'Count per word' });
  await expect(countRow.getByRole('cell').nth(2)).toHaveText(words.toLocaleString('en-US'));
  const output = page.getByText(new RegExp(`^${words} rows`));
  await expect(output).toBeVisible();

  await restartServer(page);
  await page.reload();

  // The run is over and its engine gone: what is shown is what the server kept, and it says so.
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/finished$/);
  await expect(
    page.getByText(/^The run’s last figures, stored by the server at \d\d:\d\d:\d\d\./),
  ).toBeVisible();
  await expect(page.getByText('In and Out count the rows since the run started.')).toBeVisible();
  await expect(countRow.getByRole('cell').nth(2)).toHaveText(words.toLocaleString('en-US'));
  await expect(countRow.getByRole('cell').nth(3)).toHaveText(words.toLocaleString('en-US'));
  const lines = nodes.getByRole('row').filter({ hasText: 'Soliloquy lines' });
  await expect(lines.getByRole('cell').nth(3)).toHaveText('35');

  await expect(
    page.getByText(
      new RegExp(
        `^${words} rows · the newest ${words}, stored by the server at \\d\\d:\\d\\d:\\d\\d \\(the run no longer runs\\)`,
      ),
    ),
  ).toBeVisible();
  const results = page.getByRole('table', { name: 'Output of Results' });
  await expect(results.getByRole('row').nth(1)).toBeVisible();

  const state = page.getByRole('table', { name: 'State of Count per word' });
  await expect(
    page.getByText(/keys · as in checkpoint \d+, the run’s newest \(its engine no longer runs\)$/),
  ).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search keys' }).fill('the');
  const row = state.getByRole('row').filter({ has: page.getByRole('cell', { name: 'the', exact: true }) });
  await expect(row.getByRole('cell').nth(1)).toHaveText(String(the));
  await page.getByRole('searchbox', { name: 'Search keys' }).fill('');
  // No raw request path anywhere on the page.
  await expect(page.getByText(/\/api\/jobs\//)).toHaveCount(0);
  await shoot(page, 'finished-after-restart');
});
