/**
 * The run view, live: the stock-monitoring template at 200 rows/s with periodic checkpoints rare (the one the
 * test triggers stays the newest), created as a pipeline and run from the pipelines page. The run view shows the throughput chart and the event log
 * ("started"); a triggered checkpoint appears in the duration chart's summary and in the log; Stop asks for
 * confirmation, and confirming it ends the run. Screenshots (light and dark) go to e2e/artifacts/.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { artifacts, shoot } from './test-support';

const here = dirname(fileURLToPath(import.meta.url));

/** The stock-monitoring template with its source paced and unbounded, under a name of its own. */
function pacedTemplate(name: string): unknown {
  const spec = JSON.parse(readFileSync(join(here, '../../examples/stock-monitoring/job.json'), 'utf8'));
  const source = spec.nodes.find((n: { kind: string }) => n.kind === 'source');
  source.connector.rowsPerSecond = 200;
  delete source.connector.count;
  // No periodic checkpoint during the test: the one it triggers stays the newest.
  spec.settings = { ...spec.settings, checkpointing: { intervalMs: 600_000 } };
  spec.name = name;
  return spec;
}

test('run view: throughput chart, event log, a triggered checkpoint, stop with confirmation', async ({
  page,
}) => {
  const name = `stock-monitoring-live-${Date.now().toString(36)}`;
  const created = await page.request.post('/api/pipelines', { data: { spec: pacedTemplate(name) } });
  expect(created.ok(), await created.text()).toBe(true);

  await page.goto('/');
  await page.getByRole('button', { name: `Run ${name}`, exact: true }).click();
  await expect(page).toHaveURL(/\/jobs\/[A-Za-z0-9_-]+$/);
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/running$/);

  // Throughput: an image named by its summary, which reports the source's and the sink's rates.
  const throughput = page.getByRole('img', { name: /^Throughput\./ });
  await expect(throughput).toBeVisible();
  await expect(throughput).toHaveAccessibleName(/Trades \(in\): latest [\d.]+k? rows\/s/);
  await expect(throughput).toHaveAccessibleName(/Ticker \(out\): latest/);
  // The same figures as a table.
  await page.getByRole('button', { name: 'Show throughput data' }).click();
  await expect(page.getByRole('table', { name: /Throughput, rows per second/ })).toBeVisible();
  await page.getByRole('button', { name: 'Show throughput chart' }).click();
  await expect(throughput).toBeVisible();

  // The event log says the job started.
  const log = page.getByRole('table', { name: 'Event log' });
  await expect(log.getByRole('row').filter({ hasText: 'started' }).first()).toBeVisible();

  // Trigger a checkpoint: it reaches the duration chart's summary and the log.
  const triggered = page.waitForResponse(
    (r) => r.request().method() === 'POST' && /\/api\/jobs\/[^/]+\/checkpoints$/.test(r.url()),
  );
  await page.getByRole('button', { name: 'Trigger checkpoint' }).click();
  const { checkpointId: id } = (await (await triggered).json()) as { checkpointId: number };
  const checkpoints = page.getByRole('table', { name: 'Checkpoints' });
  await expect(
    checkpoints.getByRole('row').filter({ has: page.getByRole('cell', { name: String(id), exact: true }) }),
  ).toContainText('completed');
  const duration = page.getByRole('img', { name: /^Checkpoint duration\./ });
  await expect(duration).toHaveAccessibleName(new RegExp(`checkpoint ${id}, [\\d.]+ (ms|s) \\(completed\\)`));
  await expect(page.getByRole('img', { name: /^Checkpoint size\./ })).toHaveAccessibleName(
    new RegExp(`Latest: checkpoint ${id}, [\\d.]+ (B|KiB|MiB)`),
  );
  await expect(
    log
      .getByRole('row')
      .filter({ hasText: 'checkpoint completed' })
      .filter({ hasText: `checkpoint ${id} completed` }),
  ).toBeVisible();

  // The output panel follows the newest rows and can be paused.
  const output = page.getByRole('table', { name: 'Output of Ticker' });
  await expect(output.getByRole('row').nth(1)).toBeVisible();
  await page.getByRole('button', { name: 'Pause', exact: true }).click();
  await expect(page.getByText(/· paused/)).toBeVisible();
  await page.getByRole('button', { name: 'Follow new rows' }).click();

  await shoot(page, 'run-view-01-running');

  // Stop asks first and says what it does; Cancel leaves the job running.
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  let dialog = page.getByRole('alertdialog', { name: 'Stop this job?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toHaveAccessibleDescription(/cannot be resumed/);
  await expect(dialog).toHaveAccessibleDescription(/output collected so far .* kept/);
  await page.screenshot({ path: join(artifacts, 'run-view-02-stop-dialog.png'), animations: 'disabled' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/running$/);

  // Stop with savepoint explains itself too (cancelled here).
  await page.getByRole('button', { name: 'Stop with savepoint' }).click();
  dialog = page.getByRole('alertdialog', { name: 'Stop this job with a savepoint?' });
  await expect(dialog).toHaveAccessibleDescription(/savepoint/);
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);

  // Stop, confirmed: the run ends and the log says so.
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  dialog = page.getByRole('alertdialog', { name: 'Stop this job?' });
  await dialog.getByRole('button', { name: 'Stop job' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/(cancelled|finished)$/);
  await expect(
    log
      .getByRole('row')
      .filter({ hasText: /stopped|finished/ })
      .first(),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: 'Stop', exact: true })).toBeDisabled();
  await shoot(page, 'run-view-03-stopped');
});
