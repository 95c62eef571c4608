/**
 * The editor page around a pipeline's life: New pipeline (an empty canvas with its hint) → Import the
 * word-count example's job.json (malformed JSON first: its line and column) → Save creates the pipeline
 * and the address becomes /pipelines/<id> with the canvas and its undo history kept → a spec the server
 * refuses shows its problems and loses nothing → an edit, Save (version 2) → Versions lists both → open
 * version 1 in the editor → the JSON view shows version 1 → Export downloads exactly that JSON → leaving
 * with unsaved changes asks first. Screenshots, light and dark, go to e2e/artifacts/.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';
import { shoot } from './test-support';

const here = dirname(fileURLToPath(import.meta.url));
const wordCountFile = join(here, '../../examples/word-count/job.json');

test('new pipeline → import → save → version 2 → open version 1 → JSON view → export', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'New pipeline', exact: true }).click();
  await expect(page).toHaveURL(/\/pipelines\/new$/);
  const canvas = page.getByRole('region', { name: 'Canvas' });
  const nodes = canvas.locator('.react-flow__node');
  await expect(canvas.getByText('Drag a source from the palette')).toBeVisible();
  await expect(nodes).toHaveCount(0);
  await shoot(page, 'versions-01-new');

  // Import: malformed JSON names its line and column and keeps the text; then the example's file.
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Import a spec' });
  await dialog
    .getByRole('textbox', { name: '…or paste its JSON' })
    .fill('{\n  "name": "x",\n  "nodes": [,]\n}');
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(dialog.getByRole('alert')).toHaveText(/Line 3, column 13: /);
  await dialog
    .getByRole('textbox', { name: '…or paste its JSON' })
    .fill('{"name": "x", "nodes": [{"id": "a"}]}');
  await dialog.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(dialog.getByRole('alert')).toHaveText(/node 'a' has kind undefined/);
  await shoot(page, 'versions-02-import-error');
  await dialog.getByLabel('Spec file').setInputFiles(wordCountFile);
  await expect(dialog).toBeHidden();
  await expect(nodes).toHaveCount(6);
  await expect(canvas.getByText('Count per word')).toBeVisible();
  // The example's relative data path now points at the example's data, as a template's would.
  await expect(page.getByText(/Data paths of the 'word-count' example now point at its data/)).toBeAttached();
  await expect(canvas.getByText('Drag a source from the palette')).toHaveCount(0);

  // Name it and save: the pipeline is created and the address becomes its own; canvas and history stay.
  const name = `versions-${Date.now().toString(36)}`;
  await page.getByRole('textbox', { name: 'Pipeline name' }).fill(name);
  await page.getByRole('textbox', { name: 'Pipeline name' }).press('Enter');
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page).toHaveURL(/\/pipelines\/(?!new$)[A-Za-z0-9_-]+$/);
  await expect(page.getByText('Saved as version 1')).toBeVisible();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
  await expect(nodes).toHaveCount(6);
  await expect(page.getByRole('button', { name: 'Undo', exact: true })).toBeEnabled();
  const id = page.url().split('/').pop()!;

  // A spec the server refuses (a console sink without input): its problems show, nothing is lost.
  await page.getByRole('button', { name: 'Console', exact: true }).click();
  await expect(nodes).toHaveCount(7);
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  const messages = page.getByRole('alert', { name: 'Editor messages' });
  await expect(messages).toContainText('Request refused');
  await expect(messages.getByRole('listitem').first()).toBeVisible();
  await expect(nodes).toHaveCount(7);
  await expect(page).toHaveURL(new RegExp(`/pipelines/${id}$`));
  await shoot(page, 'versions-03-refused');
  await page.getByRole('button', { name: 'Dismiss message' }).click();
  await page.getByRole('button', { name: 'Undo', exact: true }).click();
  await expect(nodes).toHaveCount(6);

  // An edit and a second save.
  await canvas.getByText('Drop empty words').click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Keep real words');
  await expect(canvas.getByText('Keep real words')).toBeVisible();
  await page.getByRole('button', { name: 'Save', exact: true }).click();
  await expect(page.getByText('Saved as version 2')).toBeVisible();

  // Versions: two, newest first.
  await page.getByRole('button', { name: 'Versions', exact: true }).click();
  const list = page.getByRole('list', { name: 'Versions' });
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await expect(list.getByRole('listitem').first()).toHaveAccessibleName('Version 2');
  await expect(list.getByRole('listitem').nth(0)).toContainText('1 node changed (nonEmpty)');
  await expect(list.getByRole('listitem').nth(1)).toContainText('first version');
  await page.getByRole('button', { name: 'View the JSON of version 1' }).click();
  await expect(page.getByRole('region', { name: 'JSON of version 1' })).toContainText('"Drop empty words"');
  await shoot(page, 'versions-04-history');

  // Open version 1 in the editor: the canvas has it again (undoably), and the JSON view shows it.
  await page.getByRole('button', { name: 'Open version 1 in the editor' }).click();
  await expect(canvas.getByText('Drop empty words')).toBeVisible();
  await expect(canvas.getByText('Keep real words')).toHaveCount(0);
  await page.getByRole('button', { name: 'JSON', exact: true }).click();
  const view = page.getByRole('region', { name: 'Canvas spec JSON' });
  await expect(view).toContainText('"Drop empty words"');
  const viewed = JSON.parse((await view.textContent()) ?? '');
  const versions = await (await page.request.get(`/api/pipelines/${id}/versions`)).json();
  expect(viewed).toEqual(versions.versions.find((v: { version: number }) => v.version === 1).spec);
  await shoot(page, 'versions-05-json');

  // Export: the download is exactly the JSON the canvas serializes to.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export', exact: true }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`${name}.json`);
  const file = await download.path();
  expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(viewed);

  // Unsaved changes (version 1 opened): leaving asks first.
  const asked = page.waitForEvent('dialog');
  await page.close({ runBeforeUnload: true });
  const dialogEvent = await asked;
  expect(dialogEvent.type()).toBe('beforeunload');
  await dialogEvent.accept();
});
