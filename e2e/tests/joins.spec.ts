/**
 * Joins in the studio: build an interval join from the palette — two datagen sources, each keyed, into the
 * join's left and right handles, the keys and bounds set in the join's form, a collect sink — run it and read
 * its output; and open the nexmark-q3 template (a regular join), see both of its inputs, run it: the run view's
 * pipeline graph names the join's two inputs and attaches each side's edge to its own handle.
 */
import { expect, type Page, test } from '@playwright/test';
import { openNewFromTemplate, shoot } from './test-support';

/** Stops the job the run view shows (the templates stream for ever). */
async function stopJob(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await page
    .getByRole('alertdialog', { name: 'Stop this job?' })
    .getByRole('button', { name: 'Stop job', exact: true })
    .click();
  await expect(page.getByText(/cancelled|stopped/i).first()).toBeVisible({ timeout: 20_000 });
}

test('build an interval join from the palette, run it: the output has joined rows', async ({ page }) => {
  test.setTimeout(150_000);
  await page.goto('/');
  await page.getByRole('link', { name: 'New pipeline', exact: true }).click();
  await expect(page).toHaveURL(/\/pipelines\/new$/);
  const canvas = page.getByRole('region', { name: 'Canvas' });
  const nodes = canvas.locator('.react-flow__node');
  const edges = canvas.locator('.react-flow__edge');
  const palette = page.getByRole('navigation', { name: 'Palette' });

  const drops: [string, string, number, number][] = [
    ['Sources', 'Datagen', 40, 60],
    ['Sources', 'Datagen', 40, 320],
    ['Keyed', 'Key by', 300, 60],
    ['Keyed', 'Key by', 300, 320],
    ['Joins', 'Interval join', 560, 190],
    ['Sinks', 'Collect', 820, 190],
  ];
  for (const [i, [group, item, x, y]] of drops.entries()) {
    await palette
      .getByRole('region', { name: group })
      .getByRole('button', { name: item, exact: true })
      .dragTo(canvas, { targetPosition: { x, y } });
    await expect(nodes).toHaveCount(i + 1);
  }

  // Sources into their keyBys; the keyBys into the join's left and right handles; the join into the sink.
  const connect = async (from: string, to: string) => {
    const count = await edges.count();
    await page.getByLabel(from, { exact: true }).dragTo(page.getByLabel(to, { exact: true }));
    await expect(edges).toHaveCount(count + 1);
  };
  await connect('source1 output', 'keyBy1 input');
  await connect('source2 output', 'keyBy2 input');
  await connect('keyBy1 output', 'intervalJoin1 left input');
  await connect('keyBy2 output', 'intervalJoin1 right input');
  await connect('intervalJoin1 output', 'sink1 input');

  // A third stream into an occupied side is refused, and the canvas says why.
  await page
    .getByLabel('source1 output', { exact: true })
    .dragTo(page.getByLabel('intervalJoin1 left input', { exact: true }));
  await expect(
    page.getByText(/the left input of intervalJoin 'intervalJoin1' already takes 'keyBy1'/),
  ).toBeVisible();
  await expect(edges).toHaveCount(5);

  // Bounded sources: 300 rows each, as fast as possible.
  for (const source of ['source1', 'source2']) {
    await canvas.getByText(source, { exact: true }).click();
    await page.getByRole('spinbutton', { name: 'Rows per second (rows/s)', exact: true }).fill('0');
    await page.getByRole('spinbutton', { name: 'Row count (rows)', exact: true }).fill('300');
  }

  // The join's form: each side's key (written into the keyBy before it), the bounds.
  await canvas.getByText('intervalJoin1', { exact: true }).click();
  const inspector = page.getByRole('region', { name: /intervalJoin1/ });
  await expect(inspector.getByText("from 'keyBy1' · no key yet: choose it below")).toBeVisible();
  await page
    .getByRole('group', { name: "Left key (keyBy 'keyBy1')" })
    .getByRole('checkbox', { name: 'category', exact: true })
    .check();
  await page
    .getByRole('group', { name: "Right key (keyBy 'keyBy2')" })
    .getByRole('checkbox', { name: 'category', exact: true })
    .check();
  await expect(inspector.getByText("from 'keyBy1' · keyed by category")).toBeVisible();
  await expect(inspector.getByText('l.category = r.category')).toBeVisible();
  // Lower above upper: the bound's own problem, under it.
  await page.getByRole('spinbutton', { name: 'Lower bound (ms)', exact: true }).fill('3000');
  await page.getByRole('spinbutton', { name: 'Upper bound (ms)', exact: true }).fill('-3000');
  await expect(inspector.getByText(/Lower bound \(3000\) is after Upper bound/).first()).toBeVisible();
  await page.getByRole('spinbutton', { name: 'Lower bound (ms)', exact: true }).fill('-2000');
  await page.getByRole('spinbutton', { name: 'Upper bound (ms)', exact: true }).fill('2000');
  await page.getByRole('combobox', { name: 'Join type', exact: true }).selectOption('inner');
  await expect(canvas.getByText('interval join on category, −2 s … +2 s')).toBeVisible();

  const name = `interval-join-${Date.now().toString(36)}`;
  await page.getByRole('textbox', { name: 'Pipeline name' }).fill(name);
  await page.getByRole('textbox', { name: 'Pipeline name' }).press('Enter');
  await expect(page.getByRole('heading', { name: 'Problems (0)' })).toBeVisible();
  await page.getByRole('button', { name: 'Auto layout', exact: true }).click();
  await canvas.getByText('intervalJoin1', { exact: true }).click();
  await shoot(page, 'joins-01-interval-join-built');

  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved as version 1')).toBeVisible();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page).toHaveURL(/\/jobs\/[A-Za-z0-9_-]+$/);
  const output = page.getByRole('table', { name: 'Output of sink1' });
  await expect(output).toBeVisible({ timeout: 60_000 });
  await expect(output.getByRole('columnheader', { name: 'left_amount' })).toBeVisible();
  await expect(output.getByRole('row').nth(1)).toBeVisible();
  await shoot(page, 'joins-02-interval-join-run');
});

test('open the nexmark-q3 template: the join shows both inputs, and it runs', async ({ page }) => {
  test.setTimeout(150_000);
  await page.goto('/');
  await openNewFromTemplate(page, 'nexmark-q3');
  const canvas = page.getByRole('region', { name: 'Canvas' });
  await expect(canvas.locator('.react-flow__node')).toHaveCount(8);
  await expect(canvas.locator('.react-flow__edge')).toHaveCount(7);
  await expect(page.getByLabel('Auction ⋈ seller left input', { exact: true })).toBeVisible();
  await expect(page.getByLabel('Auction ⋈ seller right input', { exact: true })).toBeVisible();
  await expect(canvas.getByText('join on seller = id, rows kept forever')).toBeVisible();

  await canvas.getByText('Auction ⋈ seller', { exact: true }).click();
  await expect(page.getByText("from 'bySeller' · keyed by seller")).toBeVisible();
  await expect(page.getByText("from 'byPerson' · keyed by id")).toBeVisible();
  await expect(page.getByText('l.seller = r.id')).toBeVisible();
  await shoot(page, 'joins-03-q3-editor');

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page).toHaveURL(/\/jobs\/[A-Za-z0-9_-]+$/);
  const output = page.getByRole('table', { name: 'Output of Local sellers' });
  await expect(output).toBeVisible({ timeout: 90_000 });
  await expect(output.getByRole('columnheader', { name: 'city' })).toBeVisible();
  await expect(output.getByRole('row').nth(1)).toBeVisible();
  // The run view's pipeline graph: the join names its two inputs, and each side's edge ends at its own handle.
  const graph = page.getByRole('region', { name: 'Pipeline' });
  await expect(
    graph.getByRole('article', {
      name: /^Auction ⋈ seller \(Left input from Key by seller; Right input from Key by person\): /,
    }),
  ).toBeVisible();
  const join = graph.locator('.react-flow__node[data-id="sellers"]');
  await expect(join.locator('.react-flow__handle.target')).toHaveCount(2);
  await expect(join.locator('.react-flow__handle[data-handleid="left"]')).toHaveAttribute(
    'title',
    'Left input',
  );
  await expect(join.locator('.react-flow__handle[data-handleid="right"]')).toHaveAttribute(
    'title',
    'Right input',
  );
  // React Flow draws an edge only once it finds the handle it names; each side's edge is there.
  await expect(graph.locator('.react-flow__edge[data-id="bySeller->sellers:left"]')).toHaveCount(1);
  await expect(graph.locator('.react-flow__edge[data-id="byPerson->sellers:right"]')).toHaveCount(1);
  await shoot(page, 'joins-04-q3-run', { dark: false });
  await stopJob(page);
});
