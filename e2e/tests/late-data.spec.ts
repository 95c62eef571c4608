/**
 * Late data made visible: readings whose timestamps jitter by up to 4 s, under a watermark that allows only
 * 500 ms of out-of-orderness, into 5-second event-time windows — many rows arrive after their window fired.
 * The run view counts them on the window's node and in "Event time and lateness", says why and what to do,
 * and lists the newest of them with the watermark each one missed.
 */
import { expect, test } from '@playwright/test';
import { shoot } from './test-support';

const LATE_SPEC = {
  specVersion: 1,
  name: 'late-readings',
  settings: { checkpointing: { intervalMs: 3000 } },
  nodes: [
    {
      id: 'readings',
      kind: 'source',
      name: 'Readings',
      connector: {
        type: 'datagen',
        rowsPerSecond: 100,
        seed: 5,
        fields: {
          ts: { kind: 'timestamp', startMs: 1_700_000_000_000, stepMs: 100, maxJitterMs: 4000 },
          sensor: { kind: 'choice', values: ['a', 'b', 'c', 'd'] },
          value: { kind: 'random', min: 0, max: 10 },
        },
      },
      schema: { ts: 'timestamp', sensor: 'string', value: 'int' },
      watermark: { timestampField: 'ts', maxOutOfOrdernessMs: 500, emitEveryRows: 10 },
    },
    { id: 'bySensor', kind: 'keyBy', key: ['sensor'] },
    {
      id: 'perFive',
      kind: 'window',
      name: 'Per 5 s',
      assigner: { type: 'tumbling', sizeMs: 5000 },
      aggregates: { n: 'COUNT(*)', total: 'SUM(value)' },
    },
    { id: 'out', kind: 'sink', connector: { type: 'collect' } },
  ],
  edges: [
    { from: 'readings', to: 'bySensor' },
    { from: 'bySensor', to: 'perFive' },
    { from: 'perFive', to: 'out' },
  ],
};

test('a window that drops late rows shows how many, why, and the newest of them', async ({ page }) => {
  const started = await page.request.post('/api/jobs', { data: { spec: LATE_SPEC } });
  expect(started.status(), await started.text()).toBe(201);
  const { id } = (await started.json()) as { id: string };
  await page.goto(`/jobs/${id}`);
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/running$/);

  // The window's node in the graph counts its late rows.
  const node = page.getByRole('article', { name: /^Per 5 s: / });
  await expect(node).toHaveAccessibleName(/, [\d,]+ late rows dropped/);
  await expect(node.getByText(/^[\d,]+ dropped$/)).toBeVisible();

  // Event time and lateness: the count, the reason, and the sample — the newest five, each behind the
  // watermark it missed.
  const window = page.getByRole('region', { name: 'Per 5 s (window, event time)' });
  await expect(window).toContainText(
    /late rows? dropped \(the latest up to [\d.]+ (ms|s) behind the watermark\)/,
  );
  await expect(window).toContainText('allow more out-of-orderness on the source');
  const sample = window.getByRole('table', { name: 'Late rows of Per 5 s' });
  await expect(sample.locator('tbody tr')).toHaveCount(5);
  const first = sample.locator('tbody tr').first().getByRole('cell');
  await expect(first.nth(0)).toHaveText(/^2023-11-14 \d\d:\d\d:\d\d(\.\d{3})?Z$/);
  await expect(first.nth(1)).toHaveText(/^2023-11-14 \d\d:\d\d:\d\d(\.\d{3})?Z$/);
  await expect(first.nth(2)).toHaveText(/^[\d.]+ (ms|s)$/);
  // Hovering an event time shows the value as stored.
  await expect(first.nth(0).locator('time')).toHaveAttribute(
    'title',
    /^17000\d{8} ms since the epoch \(2023-11-14T/,
  );
  await shoot(page, 'late-01-window');

  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await page
    .getByRole('alertdialog', { name: 'Stop this job?' })
    .getByRole('button', { name: 'Stop job' })
    .click();
  await expect(page.getByRole('group', { name: 'Status' })).toHaveText(/cancelled$/);
});
