/**
 * Smoke test: the pipelines page lists the templates; a pipeline is created from the word-count template and
 * run; the run view shows its status, and the state table the count of 'the' — found by role and accessible
 * name, as a person would; the live connection goes through the studio's origin; the theme toggle sticks.
 * Screenshots of each screen (light and dark) go to e2e/artifacts/.
 */
import { expect, test } from '@playwright/test';
import { countOf, shoot } from './test-support';

test('create the word-count pipeline from its template, run it, read the count of "the"', async ({
  page,
}) => {
  const expected = countOf('the');
  expect(expected).toBeGreaterThan(0);

  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Pipelines' })).toBeVisible();

  // The templates: the examples of the repository.
  const templates = page.getByRole('region', { name: 'Templates' });
  for (const name of ['word-count', 'word-count-windowed', 'risk-control', 'iot-temperature']) {
    await expect(templates.getByRole('heading', { level: 3, name, exact: true })).toBeVisible();
  }
  // A fresh data directory has no pipelines (an app given by E2E_BASE_URL may have some).
  const pipelines = page.getByRole('region', { name: 'Your pipelines' });
  await expect(
    pipelines.getByText(/No pipelines yet|Loading/).or(pipelines.getByRole('table')),
  ).toBeVisible();
  await expect(pipelines.getByText('Loading pipelines…')).toHaveCount(0);
  const wordCountRows = pipelines
    .getByRole('row')
    .filter({ has: page.getByRole('cell').getByText('word-count', { exact: true }) });
  const before = await wordCountRows.count();
  await shoot(page, '01-pipelines');

  // The cards say which templates stream and which finish.
  const card = (name: string) =>
    templates.getByRole('listitem').filter({ has: page.getByRole('heading', { name, exact: true }) });
  await expect(card('word-count')).toContainText('Bounded · finishes');
  await expect(card('stock-monitoring')).toContainText('Live · 50 rows/s');

  // Create a pipeline from the word-count template: the editor opens with it, and it is in the list.
  await page.getByRole('button', { name: 'Create pipeline from word-count', exact: true }).click();
  await expect(page).toHaveURL(/\/pipelines\/(?!new$)[A-Za-z0-9_-]+$/);
  await expect(page.getByRole('region', { name: 'Canvas' }).getByText('Count per word')).toBeVisible();
  await page.goto('/');
  await expect(wordCountRows).toHaveCount(before + 1);
  await shoot(page, '02-pipeline-created');

  // Run it (the list is newest first): the run view opens.
  await page.getByRole('button', { name: 'Run word-count', exact: true }).first().click();
  await expect(page).toHaveURL(/\/jobs\/[A-Za-z0-9_-]+$/);
  await expect(page.getByRole('heading', { level: 1, name: /word-count/ })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/running|finished/);
  await expect(page.getByRole('group', { name: 'Live updates' })).toHaveText(/connected$/);

  // The state of the aggregate node holds the count of 'the'.
  const state = page.getByRole('table', { name: 'State of Count per word' });
  await expect(state).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search keys' }).fill('the');
  const row = state.getByRole('row').filter({ has: page.getByRole('cell', { name: 'the', exact: true }) });
  await expect(row.getByRole('cell').nth(1)).toHaveText(String(expected));

  // The word count ends after its 35 lines; its final checkpoint is in the history.
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/finished$/);
  const checkpoints = page.getByRole('table', { name: 'Checkpoints' });
  await expect(checkpoints.getByRole('row').filter({ hasText: 'completed' }).first()).toBeVisible();
  await expect(page.getByRole('button', { name: /^Restore checkpoint \d+$/ }).first()).toBeVisible();

  await page.getByRole('searchbox', { name: 'Search keys' }).fill('');
  await shoot(page, '03-run-view');

  // The theme toggle cycles system → light → dark, the page's colours follow the choice whatever the system
  // prefers, and the choice survives a reload.
  const html = page.locator('html');
  /** The page's background (the first of body and html that has one) is dark: its mean channel under half. */
  const darkBackground = () =>
    page.evaluate(() => {
      const colour = [document.body, document.documentElement]
        .map((e) => getComputedStyle(e).backgroundColor)
        .find((c) => c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent');
      const probe = document.createElement('canvas').getContext('2d')!;
      probe.fillStyle = colour ?? '#fff';
      probe.fillRect(0, 0, 1, 1);
      const [r, g, b] = probe.getImageData(0, 0, 1, 1).data;
      return (r! + g! + b!) / 3 < 128;
    });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.getByRole('button', { name: /^System theme/ }).click();
  await expect(html).toHaveAttribute('data-theme', 'light');
  await expect.poll(darkBackground).toBe(false);
  await page.emulateMedia({ colorScheme: 'light' });
  await page.getByRole('button', { name: /^Light theme/ }).click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect.poll(darkBackground).toBe(true);
  await page.reload();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(page.getByRole('button', { name: /^Dark theme/ })).toBeVisible();
  await expect.poll(darkBackground).toBe(true);
});
