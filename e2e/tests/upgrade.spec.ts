/**
 * Upgrading a job from a savepoint (Flink's stop → change → resume), as a person does it in the studio: a paced
 * stock ticker with two rolling aggregates runs and is stopped with a savepoint; in the editor one aggregate is
 * changed (the volume per symbol becomes a MAX instead of a SUM) and a node is added (a second collect sink);
 * back on the stopped run, "Run a version from savepoint N" shows the compatibility report of version 2 — the
 * ticker's state restored, the changed aggregate's refused, the new sink starting empty — and runs it once the
 * person accepts dropping the refused state. The new run's ticker goes on from the savepoint's counts; the changed
 * aggregate started empty. Screenshots, light and dark.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator, type Page, test } from '@playwright/test';
import { repoRoot, shoot } from './test-support';

/** Stock monitoring at 20 trades a second with no end, plus the volume traded per symbol (a SUM). */
function tickerSpec(name: string): unknown {
  const spec = JSON.parse(readFileSync(join(repoRoot, 'examples/stock-monitoring/job.json'), 'utf8'));
  const source = spec.nodes.find((n: { kind: string }) => n.kind === 'source');
  source.connector.rowsPerSecond = 20;
  delete source.connector.count;
  spec.settings = { ...spec.settings, checkpointing: { intervalMs: 600_000 } };
  spec.name = name;
  spec.nodes.push(
    { id: 'volumes', kind: 'aggregate', name: 'Volume per symbol', aggregates: { volume: 'SUM(volume)' } },
    { id: 'volumeOut', kind: 'sink', name: 'Volumes', connector: { type: 'collect' } },
  );
  spec.edges.push({ from: 'bySymbol', to: 'volumes' }, { from: 'volumes', to: 'volumeOut' });
  spec.layout = { ...spec.layout, volumes: { x: 520, y: 200 }, volumeOut: { x: 780, y: 200 } };
  return spec;
}

/** Every row of a (small) state table as text cells. */
async function rows(table: Locator): Promise<string[][]> {
  return table
    .locator('tbody tr')
    .evaluateAll((trs) =>
      trs
        .map((r) => Array.from(r.querySelectorAll('td'), (td) => td.textContent?.trim() ?? ''))
        .filter((cells) => cells.length > 1),
    );
}

/** axe-core's WCAG 2.1 A/AA rules on the open dialog, light and dark (as a11y.spec.ts audits the screens). */
async function auditDialog(page: Page): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(350); // the theme's colour transitions
    const result = await new AxeBuilder({ page })
      .include('dialog')
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      .analyze();
    const found = result.violations.map(
      (v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(', ')})`,
    );
    expect.soft(found, `the upgrade dialog (${scheme})`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

const number = (s: string | null | undefined) => Number((s ?? '').replace(/[^0-9.]/g, ''));

/** The sum of a state table's column (by its header), e.g. all trades. */
async function columnSum(table: Locator, column: string): Promise<number> {
  const header = await table.locator('thead th').allTextContents();
  const i = header.findIndex((h) => h.startsWith(column));
  if (i < 0) return 0;
  return (await rows(table)).reduce((sum, r) => sum + number(r[i]), 0);
}

test('stop with savepoint, change an aggregate and add a node, run version 2 from the savepoint', async ({
  page,
}) => {
  test.setTimeout(180_000);
  const name = `ticker-upgrade-${Date.now().toString(36)}`;
  const created = await page.request.post('/api/pipelines', { data: { spec: tickerSpec(name) } });
  expect(created.ok(), await created.text()).toBe(true);
  const pipelineId = ((await created.json()) as { id: string }).id;

  // Version 1 runs until the ticker has seen a few dozen trades.
  await page.goto('/');
  await page.getByRole('button', { name: `Run ${name}`, exact: true }).click();
  await expect(page).toHaveURL(/\/jobs\/[A-Za-z0-9_-]+$/);
  const jobUrl = page.url();
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/running$/);
  const ticker = page.getByRole('table', { name: 'State of Last and high per symbol' });
  await expect.poll(() => columnSum(ticker, 'trades'), { timeout: 30_000 }).toBeGreaterThanOrEqual(40);

  // Stop with savepoint.
  await page.getByRole('button', { name: 'Stop with savepoint', exact: true }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Take savepoint and stop' }).click();
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/cancelled$/);
  const runFrom = page.getByRole('button', { name: /^Run a version from savepoint \d+$/ });
  await expect(runFrom).toHaveCount(1);
  const savepointId = number(await runFrom.getAttribute('aria-label'));

  // The savepoint's state: how many trades the ticker had counted.
  await page.getByRole('combobox', { name: 'Showing' }).selectOption(`Savepoint ${savepointId}`);
  await expect(page.getByText(`· as in checkpoint ${savepointId}`)).toBeVisible();
  const saved = await columnSum(ticker, 'trades');
  expect(saved).toBeGreaterThanOrEqual(40);

  // Version 2 in the editor: the volume per symbol becomes a MAX; a second collect sink takes the ticker's rows.
  await page.goto(`/pipelines/${pipelineId}`);
  const canvas = page.getByRole('region', { name: 'Canvas' });
  await canvas.getByText('Volume per symbol', { exact: true }).click();
  await page.getByRole('combobox', { name: 'Function of volume', exact: true }).selectOption('MAX');
  await expect(page.getByRole('combobox', { name: 'Argument of volume', exact: true })).toHaveValue('volume');
  const nodes = canvas.locator('.react-flow__node');
  const count = await nodes.count();
  await page
    .getByRole('navigation', { name: 'Palette' })
    .getByRole('region', { name: 'Sinks' })
    .getByRole('button', { name: 'Collect', exact: true })
    .dragTo(canvas, { targetPosition: { x: 700, y: 420 } });
  await expect(nodes).toHaveCount(count + 1);
  await page
    .getByLabel('Last and high per symbol output', { exact: true })
    .dragTo(page.getByLabel('sink1 input', { exact: true }));
  await canvas.getByText('sink1', { exact: true }).click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Ticker copy');
  await expect(page.getByRole('heading', { name: 'Problems (0)' })).toBeVisible();
  await page.getByRole('button', { name: 'Auto layout', exact: true }).click();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved as version 2')).toBeVisible();

  // Back on the stopped run: run version 2 from the savepoint.
  await page.goto(jobUrl);
  await expect(page.getByRole('article', { name: /^Last and high per symbol: / })).toBeVisible();
  await shoot(page, 'upgrade-00-stopped');
  await page
    .getByRole('button', { name: `Run a version from savepoint ${savepointId}`, exact: true })
    .click();
  const dialog = page.getByRole('dialog', { name: `Run a version from savepoint ${savepointId}` });
  await expect(dialog.getByRole('combobox', { name: 'Version' })).toHaveValue('2');
  const report = dialog.getByRole('table', { name: "What happens to each node's state" });
  const rowOf = (node: string) => report.getByRole('row').filter({ hasText: node });
  await expect(rowOf('Trades')).toContainText('Restored');
  await expect(rowOf('Last and high per symbol')).toContainText('Restored');
  // The template's OVER (a 5-s moving average per symbol) keeps its rows too.
  await expect(rowOf('Moving average over 5 s')).toContainText('Restored');
  await expect(rowOf('Volume per symbol')).toContainText('Cannot be restored');
  await expect(rowOf('Volume per symbol')).toContainText(
    'aggregates: volume = SUM(volume) → volume = MAX(volume)',
  );
  await expect(rowOf('Ticker copy')).toContainText('Starts empty');
  await expect(dialog.getByRole('status')).toHaveText(
    `savepoint ${savepointId} cannot be restored as it is: the state of 'volumes' (incompatible) has no compatible node in the new spec — allow non-restored state to drop it (6 nodes restore their state, 1 node starts empty)`,
  );
  const run = dialog.getByRole('button', { name: `Run version 2 from savepoint ${savepointId}` });
  await expect(run).toBeDisabled();
  await shoot(page, 'upgrade-01-report', { fullPage: false });
  await auditDialog(page);

  // Accept dropping the state that cannot be restored: the report says so, and the run may start.
  await dialog.getByRole('checkbox', { name: /^Drop the state that cannot be restored/ }).check();
  await expect(rowOf('Volume per symbol')).toContainText('Dropped');
  await expect(dialog.getByRole('status')).toHaveText(
    `savepoint ${savepointId}: 6 nodes restore their state, 1 node starts empty; the state of 'volumes' (incompatible) is dropped (allowNonRestoredState)`,
  );
  await shoot(page, 'upgrade-02-accepted', { fullPage: false });
  await run.click();

  // The new run: version 2, restored from the savepoint; the ticker goes on from its counts.
  await expect(page).not.toHaveURL(jobUrl);
  await expect(page).toHaveURL(/\/jobs\/[A-Za-z0-9_-]+$/);
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(name) })).toContainText('v2');
  await expect(page.getByRole('group', { name: 'Restored from' })).toHaveText(
    new RegExp(`checkpoint ${savepointId}$`),
  );
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/running$/);
  const newTicker = page.getByRole('table', { name: 'State of Last and high per symbol' });
  await expect.poll(() => columnSum(newTicker, 'trades'), { timeout: 30_000 }).toBeGreaterThan(saved);
  // The changed aggregate started empty: its values are maxima of single trades (volume ≤ 500), not sums.
  await page.getByRole('combobox', { name: 'Node' }).selectOption({ label: 'Volume per symbol (aggregate)' });
  const volumes = page.getByRole('table', { name: 'State of Volume per symbol' });
  await expect.poll(async () => (await rows(volumes)).length, { timeout: 30_000 }).toBeGreaterThan(0);
  for (const r of await rows(volumes)) expect(number(r[1])).toBeLessThanOrEqual(500);
  await expect(
    page.getByText(
      new RegExp(`carried over from checkpoint ${savepointId} \\(restored at \\d\\d:\\d\\d:\\d\\d\\)`),
    ),
  ).toBeVisible();
  await shoot(page, 'upgrade-03-new-run');
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await page.getByRole('alertdialog').getByRole('button', { name: 'Stop job' }).click();
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/cancelled$/);
});
