/**
 * The canvas editor: a pipeline created from the word-count template opens in the editor; connecting its
 * source straight to the aggregate is refused with the reason (the aggregate needs a keyed stream); an
 * invalid condition typed into the filter's form shows its error inline. Screenshots go to e2e/artifacts/.
 */
import { expect, test } from '@playwright/test';
import { countOf, openNewWordCount, shoot } from './test-support';

test('edit the word-count pipeline: refused connection, inline expression error', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Pipelines' })).toBeVisible();
  await openNewWordCount(page);

  // Open it in the editor (the list is newest first).
  await expect(page).toHaveURL(/\/pipelines\/[A-Za-z0-9_-]+$/);
  const canvas = page.getByRole('region', { name: 'Canvas' });
  await expect(canvas.getByText('Count per word')).toBeVisible();
  for (const name of ['Undo', 'Redo', 'Auto layout', 'Save', 'Run']) {
    await expect(page.getByRole('button', { name, exact: true })).toBeVisible();
  }
  await expect(page.getByRole('navigation', { name: 'Palette' })).toBeVisible();
  await shoot(page, 'editor-01-opened');

  // The source straight into the aggregate: refused, and the alert says why.
  await page
    .getByLabel('Soliloquy lines output', { exact: true })
    .dragTo(page.getByLabel('Count per word input', { exact: true }));
  await expect(page.getByRole('alert', { name: 'Editor messages' })).toHaveText(/keyed/i);
  await shoot(page, 'editor-02-refused');

  // An invalid condition in the filter: its error shows inline, with the column.
  await canvas.getByText('Drop empty words').click();
  const where = page.getByRole('textbox', { name: 'Where', exact: true });
  await expect(where).toHaveValue("word <> ''");
  await where.fill('word <> ');
  await expect(where).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText(/^Column \d+: /)).toBeVisible();
  await shoot(page, 'editor-03-expression-error');

  // Undo puts the condition back.
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(where).toHaveValue("word <> ''");
  await expect(where).not.toHaveAttribute('aria-invalid', 'true');

  // A window from the palette (click): the source into it is refused too — a window needs a keyed stream.
  const nodes = canvas.locator('.react-flow__node');
  await expect(nodes).toHaveCount(6);
  await page.getByRole('button', { name: 'Tumbling window', exact: true }).click();
  await expect(nodes).toHaveCount(7);
  const windowName =
    (await page.getByRole('textbox', { name: 'Name', exact: true }).inputValue()) ||
    (await page.getByRole('textbox', { name: 'Id', exact: true }).inputValue());
  await page.getByRole('alert', { name: 'Editor messages' }).evaluate((e) => {
    e.textContent = '';
  });
  await page
    .getByLabel('Soliloquy lines output', { exact: true })
    .dragTo(page.getByLabel(`${windowName} input`, { exact: true }));
  await expect(page.getByRole('alert', { name: 'Editor messages' })).toHaveText(/keyed/i);
  await shoot(page, 'editor-04-window-refused');
  // Delete removes the selected window.
  await page.getByRole('button', { name: 'Tumbling window', exact: true }).focus();
  await page.keyboard.press('Delete');
  await expect(nodes).toHaveCount(6);

  // Drag a sink from the palette onto the canvas; Ctrl+Z takes it away again.
  await page
    .getByRole('button', { name: 'Console', exact: true })
    .dragTo(canvas, { targetPosition: { x: 300, y: 150 } });
  await expect(nodes).toHaveCount(7);
  await page.keyboard.press('Control+z');
  await expect(nodes).toHaveCount(6);

  // Rename the filter, save (a new version), run: the state shows the count of 'the'.
  await canvas.getByText('Drop empty words').click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Keep real words');
  await expect(canvas.getByText('Keep real words')).toBeVisible();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved as version 2')).toBeVisible();
  await shoot(page, 'editor-05-saved');
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page).toHaveURL(/\/jobs\/[A-Za-z0-9_-]+$/);
  const state = page.getByRole('table', { name: 'State of Count per word' });
  await expect(state).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search keys' }).fill('the');
  const row = state.getByRole('row').filter({ has: page.getByRole('cell', { name: 'the', exact: true }) });
  await expect(row.getByRole('cell').nth(1)).toHaveText(String(countOf('the')));
  await shoot(page, 'editor-06-run');
});

test('rebuild the keyed step of word count from the palette, save, run, read the count of "the"', async ({
  page,
}) => {
  await page.goto('/');
  await openNewWordCount(page);
  const canvas = page.getByRole('region', { name: 'Canvas' });
  const nodes = canvas.locator('.react-flow__node');
  await expect(nodes).toHaveCount(6);

  // Delete the keyBy: the aggregate is left without input, and the problems say so.
  await canvas.getByText('Key by word').click();
  await page.keyboard.press('Delete');
  await expect(nodes).toHaveCount(5);
  await expect(page.getByRole('heading', { name: /^Problems \([1-9]\d*\)$/ })).toBeVisible();

  // A new Key by from the palette, keyed by word, between the filter and the aggregate.
  await page.getByRole('button', { name: 'Key by', exact: true }).click();
  await expect(nodes).toHaveCount(6);
  const id = await page.getByRole('textbox', { name: 'Id', exact: true }).inputValue();
  await page
    .getByLabel('Drop empty words output', { exact: true })
    .dragTo(page.getByLabel(`${id} input`, { exact: true }));
  await page
    .getByLabel(`${id} output`, { exact: true })
    .dragTo(page.getByLabel('Count per word input', { exact: true }));
  await expect(canvas.locator('.react-flow__edge')).toHaveCount(5);
  await canvas.getByText(id, { exact: true }).click();
  const keys = page.getByRole('group', { name: 'Key fields' });
  // A new keyBy starts with no key: the input's fields are offered unchecked, and the form asks for one.
  await expect(keys.getByRole('checkbox')).toHaveCount(2);
  await expect(keys.getByRole('checkbox', { name: 'word' })).not.toBeChecked();
  await expect(keys.getByText(/at least one key field/)).toBeVisible();
  await keys.getByRole('checkbox', { name: 'word' }).check();
  await expect(keys.getByRole('checkbox', { name: 'word' })).toBeChecked();
  await expect(keys.getByRole('checkbox', { name: 'line' })).not.toBeChecked();
  await expect(page.getByRole('heading', { name: 'Problems (0)' })).toBeVisible();

  // Rename its id: written on Enter, edges follow; a taken id is refused with the reason; one undo step.
  const idBox = page.getByRole('textbox', { name: 'Id', exact: true });
  await idBox.fill('counts');
  await idBox.press('Enter');
  await expect(page.getByText("the id 'counts' is already used by another node")).toBeVisible();
  await expect(canvas.getByText(id, { exact: true })).toBeVisible();
  await idBox.fill('byWordAgain');
  await idBox.press('Enter');
  await expect(canvas.getByText('byWordAgain', { exact: true })).toBeVisible();
  await expect(canvas.locator('.react-flow__edge')).toHaveCount(5);
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(canvas.getByText(id, { exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Problems (0)' })).toBeVisible();

  await page.getByRole('button', { name: 'Auto layout', exact: true }).click();
  await shoot(page, 'editor-07-rebuilt');

  // Save, run: the state holds the count of 'the'.
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved as version 2')).toBeVisible();
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page).toHaveURL(/\/jobs\/[A-Za-z0-9_-]+$/);
  const state = page.getByRole('table', { name: 'State of Count per word' });
  await expect(state).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search keys' }).fill('the');
  const row = state.getByRole('row').filter({ has: page.getByRole('cell', { name: 'the', exact: true }) });
  await expect(row.getByRole('cell').nth(1)).toHaveText(String(countOf('the')));
  await shoot(page, 'editor-08-rebuilt-run');
});
