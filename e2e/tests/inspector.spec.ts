/**
 * The inspector's structured editors and the job settings form, on a pipeline made from the word-count
 * template: a datagen source from the palette gets a new schema field (schema editor) and a different
 * generator (generators editor); a map's field expression is edited, with its error inline for a bad
 * one; the aggregate gets a second aggregate from the row form; the job's checkpoint interval is changed
 * and undone; the pipeline saves as version 2. Screenshots, light and dark, go to e2e/artifacts/.
 */
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { artifacts, openNewWordCount, shoot } from './test-support';

/** The inspector's panel only, in a window tall enough to show all of it, light and dark. */
async function shootInspector(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize()!;
  await page.setViewportSize({ width: viewport.width, height: 2400 });
  const panel = page.locator('aside').filter({ has: page.locator('#inspector-title') });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await panel.screenshot({ path: join(artifacts, `${name}${scheme === 'dark' ? '-dark' : ''}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(viewport);
}

test('structured inspector editors and job settings', async ({ page }) => {
  await page.goto('/');
  await openNewWordCount(page);
  const canvas = page.getByRole('region', { name: 'Canvas' });
  const nodes = canvas.locator('.react-flow__node');
  await expect(nodes).toHaveCount(6);
  const inspector = page.getByRole('heading', { level: 2, name: /./ }).first();

  // Nothing selected: the job's settings.
  await expect(page.getByRole('heading', { name: 'Job settings', exact: true })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Job name', exact: true })).toHaveValue('word-count');
  await expect(page.getByRole('spinbutton', { name: 'Checkpoint interval', exact: true })).toHaveValue(
    '10000',
  );

  // A datagen source, a map and a sink from the palette, laid out and wired.
  await page.getByRole('button', { name: 'Datagen', exact: true }).click();
  await page.getByRole('button', { name: 'Map', exact: true }).click();
  await page.getByRole('button', { name: 'Blackhole', exact: true }).click();
  await expect(nodes).toHaveCount(9);
  await page.getByRole('button', { name: 'Auto layout', exact: true }).click();
  await page
    .getByLabel('source1 output', { exact: true })
    .dragTo(page.getByLabel('map1 input', { exact: true }));
  await page
    .getByLabel('map1 output', { exact: true })
    .dragTo(page.getByLabel('sink1 input', { exact: true }));
  await expect(canvas.locator('.react-flow__edge')).toHaveCount(7);
  await expect(page.getByRole('heading', { name: 'Problems (0)' })).toBeVisible();

  // Schema editor: add a field, name it, make it a float; its generator follows.
  await canvas.getByText('source1', { exact: true }).click();
  await expect(inspector).toHaveText(/source1/);
  await page.getByRole('button', { name: 'Add field', exact: true }).click();
  const newName = page.getByRole('textbox', { name: 'Name of field field1', exact: true });
  await newName.fill('amount');
  await expect(page.getByText('There is already a field called amount')).toBeVisible();
  await newName.fill('price');
  await newName.press('Enter');
  const priceType = page.getByRole('combobox', { name: 'Type of field price', exact: true });
  await priceType.selectOption('float');
  await expect(priceType).toHaveValue('float');
  const priceGenerator = page.getByRole('listitem', { name: 'Generator of price' });
  await expect(priceGenerator.getByRole('combobox', { name: 'Generator kind of price' })).toHaveValue(
    'random',
  );

  // Generators editor: bounds for price; category from a longer list of choices.
  const min = page.getByRole('spinbutton', { name: 'Min of price', exact: true });
  await min.fill('5');
  await min.press('Enter');
  await expect(min).toHaveValue('5');
  const categoryValues = page.getByRole('group', { name: 'Values of category' });
  await categoryValues.getByRole('textbox', { name: 'New value for Values of category' }).fill('toys');
  await categoryValues.getByRole('button', { name: 'Add to Values of category' }).click();
  await expect(categoryValues.getByText('toys', { exact: true })).toBeVisible();
  await categoryValues.getByRole('button', { name: 'Remove music from Values of category' }).click();
  await expect(categoryValues.getByText('music', { exact: true })).toHaveCount(0);
  await page.getByRole('combobox', { name: 'Generator kind of id', exact: true }).selectOption('random');
  await expect(page.getByRole('spinbutton', { name: 'Max of id', exact: true })).toHaveValue('100');
  await expect(page.getByRole('heading', { name: 'Problems (0)' })).toBeVisible();
  await shootInspector(page, 'inspector-01-datagen');

  // Map fields editor: a bad expression shows its error inline, with the column; a good one clears it.
  await canvas.getByText('map1', { exact: true }).click();
  const doubled = page.getByRole('textbox', { name: 'Expression of doubled', exact: true });
  await expect(doubled).toHaveValue('amount * 2');
  await doubled.fill('amont * 2');
  await doubled.press('Enter');
  await expect(doubled).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText(/^Column 1: .*amont/)).toBeVisible();
  await shootInspector(page, 'inspector-02-map-error');
  await doubled.fill('price * 2');
  await doubled.press('Enter');
  await expect(doubled).not.toHaveAttribute('aria-invalid', 'true');
  await page.getByRole('button', { name: 'Add output field', exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Name of output id', exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Move id up', exact: true }).click();
  await expect(canvas.getByText('category, id, doubled')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Problems (0)' })).toBeVisible();

  // Aggregates editor: a second aggregate, LAST_VALUE of word, written as the spec writes it.
  await canvas.getByText('Count per word').click();
  await page.getByRole('button', { name: 'Add aggregate', exact: true }).click();
  await page.getByRole('combobox', { name: 'Function of count2', exact: true }).selectOption('LAST_VALUE');
  // The first input field (`line`) is taken; `word` is chosen.
  const argument = page.getByRole('combobox', { name: 'Argument of count2', exact: true });
  await expect(argument).toHaveValue('line');
  await argument.selectOption('word');
  const name = page.getByRole('textbox', { name: 'Name of aggregate count2', exact: true });
  await name.fill('lastWord');
  await name.press('Enter');
  await page.getByRole('button', { name: 'Edit lastWord as text', exact: true }).click();
  await expect(page.getByRole('textbox', { name: 'Expression of lastWord', exact: true })).toHaveValue(
    'LAST_VALUE(word)',
  );
  await expect(canvas.getByText('count, lastWord')).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Problems (0)' })).toBeVisible();
  await shootInspector(page, 'inspector-03-aggregates');
  // A click on the empty canvas clears the selection: the inspector shows the job's settings.
  await canvas.locator('.react-flow__pane').click({ position: { x: 8, y: 8 } });
  await expect(page.getByRole('heading', { name: 'Job settings', exact: true })).toBeVisible();

  // Key fields: once the words are called `token`, the key `word` is a problem that unchecking removes.
  await canvas.getByText('Split into words').click();
  await page.getByRole('textbox', { name: 'As', exact: true }).fill('token');
  await canvas.getByText('Key by word').click();
  const keys = page.getByRole('group', { name: 'Key fields' });
  const stale = keys.getByRole('checkbox', { name: 'word (not in the input)' });
  await expect(stale).toBeChecked();
  await expect(keys.getByText(/word/).last()).toBeVisible();
  await stale.click();
  await expect(stale).toHaveCount(0);
  await keys.getByRole('checkbox', { name: 'token' }).check();
  await expect(keys.getByRole('checkbox', { name: 'token' })).toBeChecked();
  await shootInspector(page, 'inspector-04-key-fields');
  // Undo the three steps: the key is `word` again, and so are the words.
  for (let i = 0; i < 3; i++) await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(keys.getByRole('checkbox', { name: 'word', exact: true })).toBeChecked();
  await expect(page.getByRole('heading', { name: 'Problems (0)' })).toBeVisible();

  // Job settings from the inspector's header: the checkpoint interval; undo puts it back.
  await page.getByRole('button', { name: 'Job settings', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Job settings', exact: true })).toBeVisible();
  const interval = page.getByRole('spinbutton', { name: 'Checkpoint interval', exact: true });
  await interval.fill('5000');
  await interval.press('Enter');
  await expect(interval).toHaveValue('5000');
  await page
    .getByRole('combobox', { name: 'Restart strategy', exact: true })
    .selectOption('exponential-backoff');
  await expect(page.getByRole('spinbutton', { name: 'Backoff multiplier', exact: true })).toBeVisible();
  await shootInspector(page, 'inspector-05-job-settings');
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(page.getByRole('spinbutton', { name: 'Backoff multiplier', exact: true })).toHaveCount(0);
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(interval).toHaveValue('10000');
  await page.getByRole('button', { name: 'Redo', exact: true }).click();
  await expect(interval).toHaveValue('5000');

  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved as version 2')).toBeVisible();
  await shoot(page, 'inspector-06-saved');
});
