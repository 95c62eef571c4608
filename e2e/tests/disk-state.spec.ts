/**
 * The disk state backend, chosen in the job settings and watched in the run view: the stock-monitoring template
 * (live, a checkpoint every 3 s) switched to "Disk" — whose help says what it does — saved and run. Its
 * checkpoints are incremental: the history shows one that wrote only the keys changed since as "… incremental
 * of … full"; the nodes panel and the graph show each stateful node's state on disk. Screenshots (light and
 * dark) go to e2e/artifacts/.
 */
import { expect, test } from '@playwright/test';
import { openNewFromTemplate, shoot } from './test-support';

const SIZE = String.raw`[\d.]+ (B|KiB|MiB|GiB)`;

test('disk state backend: incremental checkpoint sizes in the history, state on disk in the run view', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await openNewFromTemplate(page, 'stock-monitoring');

  // Job settings (the inspector with nothing selected): the state backend, with what each one does.
  await expect(page.getByRole('heading', { name: 'Job settings', exact: true })).toBeVisible();
  const backend = page.getByRole('combobox', { name: 'State backend', exact: true });
  await backend.selectOption({ label: 'Disk (LMDB, state on disk)' });
  await expect(backend).toHaveValue('disk');
  await expect(backend).toHaveAccessibleDescription(/checkpoints are incremental/);
  await expect(backend).toHaveAccessibleDescription(
    /state on disk and each checkpoint’s incremental and full size/,
  );
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved as version 2')).toBeVisible();

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page).toHaveURL(/\/jobs\/[A-Za-z0-9_-]+$/);
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/running/);

  // The checkpoint history: the first checkpoint writes the state in full, a later one only what changed.
  const history = page.getByRole('table', { name: 'Checkpoints' });
  const incremental = history
    .getByRole('row')
    .filter({ hasText: new RegExp(`${SIZE} incremental of ${SIZE} full`) });
  await expect(incremental.first()).toBeVisible({ timeout: 30_000 });
  await expect(incremental.first()).toContainText('periodic');
  await expect(incremental.first()).toContainText('completed');
  // What the two figures mean, on the cell (its title, which is also its accessible description).
  await expect(incremental.first().locator('span[title]').filter({ hasText: 'incremental' })).toHaveAttribute(
    'title',
    /wrote .*: the keys changed since the checkpoint it builds on\. It consists of /,
  );
  // The size chart's bars are what each checkpoint wrote; its summary names the newest.
  await expect(page.getByRole('img', { name: /^Checkpoint size\./ })).toHaveAccessibleName(
    new RegExp(`Latest: checkpoint \\d+, ${SIZE}`),
  );

  // State on disk: a column in the nodes panel for the two stateful nodes, a figure on their graph nodes.
  const nodes = page.getByRole('table', { name: 'Nodes' });
  await expect(nodes.getByRole('columnheader', { name: 'State on disk' })).toBeVisible();
  for (const name of ['Last and high per symbol', 'Moving average over 5 s']) {
    await expect(nodes.getByRole('row').filter({ hasText: name })).toContainText(new RegExp(SIZE));
    await expect(
      page.getByRole('article', { name: new RegExp(`^${name}: .*state on disk ${SIZE}`) }),
    ).toBeVisible();
  }
  await expect(nodes.getByRole('row').filter({ hasText: 'Trades' })).toContainText('—');

  await shoot(page, 'disk-state-01-run-view');

  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await page
    .getByRole('alertdialog', { name: 'Stop this job?' })
    .getByRole('button', { name: 'Stop job' })
    .click();
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/(cancelled|finished)$/);
});
