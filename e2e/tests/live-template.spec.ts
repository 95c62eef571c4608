/**
 * A live template: "Run now" on the stock-monitoring card (a generator at 50 trades a second, a checkpoint
 * every 3 s) opens the run view, where the state moves — a symbol's trade count goes up — and periodic
 * checkpoints complete, within seconds. Then Stop ends it. Screenshots (light and dark) go to e2e/artifacts/.
 */
import { expect, test } from '@playwright/test';
import { shoot } from './test-support';

test('Run now on a live template: the state changes and periodic checkpoints arrive', async ({ page }) => {
  await page.goto('/');
  const templates = page.getByRole('region', { name: 'Templates' });
  await templates.getByRole('button', { name: 'Run now: stock-monitoring', exact: true }).click();
  await expect(page).toHaveURL(/\/jobs\/[A-Za-z0-9_-]+$/);
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/running$/);

  // The state: eight symbols, each with its trade count, which goes up as trades arrive.
  const state = page.getByRole('table', { name: 'State of Last and high per symbol' });
  const header = state.locator('thead th');
  await expect(header).toHaveText(['Key ↑', 'lastPrice', 'maxPrice', 'trades']);
  const aapl = state.getByRole('row').filter({ has: page.getByRole('cell', { name: 'AAPL', exact: true }) });
  const trades = async () =>
    Number((await aapl.getByRole('cell').nth(3).textContent())?.replace(/\D/g, '') || 0);
  await expect.poll(trades).toBeGreaterThan(0);
  const first = await trades();
  await expect.poll(trades).toBeGreaterThan(first);
  await expect(page.getByText('8 keys · live')).toBeVisible();

  // Periodic checkpoints complete (every 3 s) and can be restored.
  const history = page.getByRole('table', { name: 'Checkpoints' });
  const periodic = history.getByRole('row').filter({ hasText: 'periodic' }).filter({ hasText: 'completed' });
  await expect(periodic.first()).toBeVisible();
  await expect(periodic.first().getByRole('button', { name: /^Restore checkpoint \d+$/ })).toBeVisible();

  // Event time: the trades' watermark, with its date (the generator starts at 2023-11-14 22:13:20Z).
  const time = page.getByRole('table', { name: 'Event time and lateness' });
  const source = time
    .getByRole('row')
    .filter({ has: page.getByRole('cell', { name: 'Trades', exact: true }) });
  await expect(source.getByRole('cell').nth(1)).toHaveText(/^2023-11-14 22:1\d:\d\d(\.\d{3})?Z$/);
  await shoot(page, 'live-01-run-now');

  // Stop: the run ends.
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await page
    .getByRole('alertdialog', { name: 'Stop this job?' })
    .getByRole('button', { name: 'Stop job' })
    .click();
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/cancelled$/);
});
