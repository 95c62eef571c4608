/**
 * Checkpoint and restore by click, and what survives a reload.
 *
 * The stock-monitoring template, slowed down in the editor to one trade every 4 seconds (and without its
 * periodic checkpoints) so that a person (and this test) can watch its state: trigger a checkpoint and see it complete in the history; read the state the
 * checkpoint holds; let the live state move on; restore the checkpoint; the live state shows the checkpoint's
 * values again (the source rewinds to the checkpoint's position and the next trade is due 4 s after the
 * restore). Then reload: the run's checkpoint history, the pipeline and its versions are still there.
 */
import { expect, type Locator, type Page, test } from '@playwright/test';
import { openNewFromTemplate, shoot } from './test-support';

/** Every row of a state table as text cells (the table holds a handful of keys: all rows are rendered). */
async function stateRows(table: Locator): Promise<string[][]> {
  return table.locator('tbody tr').evaluateAll((rows) =>
    rows
      .map((r) => Array.from(r.querySelectorAll('td'), (td) => td.textContent?.trim() ?? ''))
      .filter((cells) => cells.length > 1)
      .sort((a, b) => (a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0)),
  );
}

/** The sum of the `trades` column: how far the state has come. */
function tradesOf(rows: string[][], column: number): number {
  return rows.reduce((sum, r) => sum + Number((r[column] ?? '0').replace(/[^0-9.]/g, '')), 0);
}

async function createSlowTicker(page: Page): Promise<string> {
  await page.goto('/');
  await openNewFromTemplate(page, 'stock-monitoring');
  const pipelineUrl = page.url();

  // One trade every 4 seconds.
  const canvas = page.getByRole('region', { name: 'Canvas' });
  await canvas.getByText('Trades', { exact: true }).click();
  const rate = page.getByRole('spinbutton', { name: /^Rows per second/ });
  await rate.fill('0.25');
  await expect(rate).toHaveValue('0.25');
  // No periodic checkpoints (the template takes one every 3 s): the one this test triggers is the newest.
  await page.getByRole('button', { name: 'Job settings', exact: true }).click();
  const interval = page.getByRole('spinbutton', { name: 'Checkpoint interval', exact: true });
  await interval.fill('0');
  await interval.press('Enter');
  await expect(interval).toHaveValue('0');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved as version 2')).toBeVisible();
  return pipelineUrl;
}

test('trigger a checkpoint, let the state move on, restore it; reload keeps pipeline, versions and history', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const pipelineUrl = await createSlowTicker(page);

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page).toHaveURL(/\/jobs\/[A-Za-z0-9_-]+$/);
  const jobUrl = page.url();
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/running/);
  await expect(page.getByRole('group', { name: 'Live updates' })).toHaveText(/connected$/);

  const state = page.getByRole('table', { name: 'State of Last and high per symbol' });
  await expect(state).toBeVisible();
  // A few trades first (one every 4 s); the columns come from the values.
  let trades = -1;
  await expect
    .poll(
      async () => {
        const header = await state.locator('thead th').allTextContents();
        trades = header.findIndex((h) => h.startsWith('trades'));
        return trades > 0 ? tradesOf(await stateRows(state), trades) : 0;
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThanOrEqual(3);

  // Trigger a checkpoint: it completes in the history, with a Restore button.
  const history = page.getByRole('table', { name: 'Checkpoints' });
  const restores = page.getByRole('button', { name: /^Restore checkpoint \d+$/ });
  const restoresBefore = await restores.count();
  await page.getByRole('button', { name: 'Trigger checkpoint', exact: true }).click();
  await expect(restores).toHaveCount(restoresBefore + 1);
  const restoreName = (await restores.first().getAttribute('aria-label')) ?? '';
  const checkpointId = Number(restoreName.replace(/\D/g, ''));
  const row = history.getByRole('row').filter({ has: page.getByRole('button', { name: restoreName }) });
  await expect(row).toContainText('completed');
  await expect(row).toContainText('manual');
  await shoot(page, 'checkpoint-01-completed');

  // The state the checkpoint holds.
  await page.getByLabel('Showing', { exact: true }).selectOption(`Checkpoint ${checkpointId}`);
  await expect(page.getByText(`as in checkpoint ${checkpointId}`)).toBeVisible();
  await expect(state.locator('tbody tr td').first()).not.toHaveText('');
  const atCheckpoint = await stateRows(state);
  const tradesAtCheckpoint = tradesOf(atCheckpoint, trades);
  expect(tradesAtCheckpoint).toBeGreaterThanOrEqual(3);
  await shoot(page, 'checkpoint-02-checkpoint-state');

  // Live again: the state moves on past the checkpoint.
  await page.getByLabel('Showing', { exact: true }).selectOption('Live state');
  await expect(page.getByText(/keys · live/)).toBeVisible();
  await expect
    .poll(async () => tradesOf(await stateRows(state), trades), { timeout: 30_000 })
    .toBeGreaterThan(tradesAtCheckpoint);
  await shoot(page, 'checkpoint-03-moved-on');

  // Restore: the confirmation says what will happen; afterwards the live state is the checkpoint's again.
  await page.getByRole('button', { name: restoreName, exact: true }).click();
  const dialog = page.getByRole('alertdialog', { name: `Restore checkpoint ${checkpointId}?` });
  await expect(dialog).toContainText(/roll/i);
  await shoot(page, 'checkpoint-04-restore-dialog');
  await dialog.getByRole('button', { name: `Restore checkpoint ${checkpointId}`, exact: true }).click();
  await expect(page.getByText(`Rolled back to checkpoint ${checkpointId}`)).toBeVisible();
  await expect.poll(() => stateRows(state), { timeout: 3_000, intervals: [100] }).toEqual(atCheckpoint);
  await expect(page.getByRole('group', { name: 'Restored from' })).toHaveText(
    new RegExp(`checkpoint ${checkpointId} \\(this run\\)`),
  );
  await shoot(page, 'checkpoint-05-restored');

  // Reload the run: its checkpoint history is still there.
  await page.reload();
  await expect(page.getByRole('button', { name: restoreName, exact: true })).toBeVisible();
  await expect(
    history.getByRole('row').filter({ has: page.getByRole('button', { name: restoreName }) }),
  ).toContainText('completed');

  // The pipeline and its two versions are still there.
  await page.goto('/');
  const pipelines = page.getByRole('region', { name: 'Your pipelines' });
  const listed = pipelines
    .getByRole('row')
    .filter({ has: page.getByRole('link', { name: 'Edit stock-monitoring' }) });
  await expect(listed.first()).toContainText('v2');
  await page.goto(pipelineUrl);
  await expect(
    page.getByRole('region', { name: 'Canvas' }).getByText('Trades', { exact: true }),
  ).toBeVisible();
  await page.goto(jobUrl);
  await expect(page.getByRole('table', { name: 'Checkpoints' })).toContainText('completed');
  await shoot(page, 'checkpoint-07-history-after-reload');
});
