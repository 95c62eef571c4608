/**
 * Scenario 1: build Flink's word count on an empty canvas, as a person would — New pipeline, drag each node
 * from the palette onto the canvas, connect them by their handles, fill in each node's form (uploading the
 * text into the server's data directory from the file source's form), save, run — and
 * the state view shows the right count for known words (computed here from the data file by the spec's own
 * rule). Screenshots, light and dark, go to e2e/artifacts/.
 */
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { countOf, repoRoot, shoot } from './test-support';

test('build word count from an empty canvas, save, run: the state shows the counts', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/');
  await page.getByRole('link', { name: 'New pipeline', exact: true }).click();
  await expect(page).toHaveURL(/\/pipelines\/new$/);
  const canvas = page.getByRole('region', { name: 'Canvas' });
  const nodes = canvas.locator('.react-flow__node');
  await expect(canvas.getByText('Drag a source from the palette')).toBeVisible();

  // Six nodes dragged from the palette, in two rows of three.
  const palette = page.getByRole('navigation', { name: 'Palette' });
  const drops: [string, string, number, number][] = [
    ['Sources', 'File', 40, 60],
    ['Transforms', 'Flat map', 320, 60],
    ['Transforms', 'Filter', 600, 60],
    ['Keyed', 'Key by', 40, 300],
    ['Keyed', 'Rolling aggregate', 320, 300],
    ['Sinks', 'Collect', 600, 300],
  ];
  for (const [i, [group, item, x, y]] of drops.entries()) {
    await palette
      .getByRole('region', { name: group })
      .getByRole('button', { name: item, exact: true })
      .dragTo(canvas, { targetPosition: { x, y } });
    await expect(nodes).toHaveCount(i + 1);
  }
  await shoot(page, 'build-01-dropped');

  // Connect them, source to sink.
  const chain = ['source1', 'flatMap1', 'filter1', 'keyBy1', 'aggregate1', 'sink1'];
  for (let i = 0; i + 1 < chain.length; i++) {
    await page
      .getByLabel(`${chain[i]} output`, { exact: true })
      .dragTo(page.getByLabel(`${chain[i + 1]} input`, { exact: true }));
    await expect(canvas.locator('.react-flow__edge')).toHaveCount(i + 1);
  }

  // The forms. The source: Hamlet's soliloquy, one row per line (a text file's one field is `line`),
  // uploaded into the server's data directory from the file source's form, which then reads it.
  await canvas.getByText('source1', { exact: true }).click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Soliloquy lines');
  await page
    .getByLabel('Upload a data file')
    .setInputFiles(join(repoRoot, 'examples/word-count/data/words.txt'));
  await expect(page.getByRole('textbox', { name: 'Path', exact: true })).toHaveValue('files/words.txt');
  await expect(page.getByRole('combobox', { name: 'Choose a data file', exact: true })).toHaveValue(
    'files/words.txt',
  );
  await expect(page.getByText('Uploaded words.txt (1.5 KiB) to the server’s data directory')).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Format', exact: true })).toHaveValue(/text|^$/);

  // Split each lower-cased line into words.
  await canvas.getByText('flatMap1', { exact: true }).click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Split into words');
  await page
    .getByRole('textbox', { name: 'Explode', exact: true })
    .fill("REGEXP_SPLIT(LOWER(line), '[^a-z0-9]+')");
  await page.getByRole('textbox', { name: 'As', exact: true }).fill('word');

  // Drop the empty strings the split leaves.
  await canvas.getByText('filter1', { exact: true }).click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Drop empty words');
  await page.getByRole('textbox', { name: 'Where', exact: true }).fill("word <> ''");

  // Key by the word: the picker offers the fields the spec derives upstream.
  await canvas.getByText('keyBy1', { exact: true }).click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Key by word');
  await page
    .getByRole('group', { name: 'Key fields' })
    .getByRole('checkbox', { name: 'word', exact: true })
    .check();

  // Count per word: the aggregate's row form holds COUNT(*) from the palette.
  await canvas.getByText('aggregate1', { exact: true }).click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Count per word');
  await expect(page.getByRole('combobox', { name: 'Function of count', exact: true })).toHaveValue('COUNT');

  await canvas.getByText('sink1', { exact: true }).click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Results');
  // The pipeline's name: the last problem.
  await expect(page.getByRole('heading', { name: 'Problems (1)' })).toBeVisible();
  await expect(page.getByText('a job needs a name')).toBeVisible();
  const name = `built-word-count-${Date.now().toString(36)}`;
  await page.getByRole('textbox', { name: 'Pipeline name' }).fill(name);
  await page.getByRole('textbox', { name: 'Pipeline name' }).press('Enter');
  await expect(page.getByRole('heading', { name: 'Problems (0)' })).toBeVisible();
  await page.getByRole('button', { name: 'Auto layout', exact: true }).click();
  await shoot(page, 'build-02-connected');

  // Save (version 1), run.
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved as version 1')).toBeVisible();
  await expect(page).toHaveURL(/\/pipelines\/(?!new$)[A-Za-z0-9_-]+$/);
  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page).toHaveURL(/\/jobs\/[A-Za-z0-9_-]+$/);
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(name) })).toBeVisible();

  // The state holds each word's count.
  const state = page.getByRole('table', { name: 'State of Count per word' });
  await expect(state).toBeVisible();
  const search = page.getByRole('searchbox', { name: 'Search keys' });
  for (const word of ['the', 'to', 'be', 'sleep']) {
    const expected = countOf(word);
    expect(expected, word).toBeGreaterThan(0);
    await search.fill(word);
    const row = state.getByRole('row').filter({ has: page.getByRole('cell', { name: word, exact: true }) });
    await expect(row.getByRole('cell').nth(1)).toHaveText(String(expected));
  }
  await search.fill('');
  await shoot(page, 'build-03-run');
});
