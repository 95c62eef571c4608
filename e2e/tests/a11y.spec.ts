/**
 * Accessibility: axe-core's WCAG 2.1 A/AA rules on each screen of the studio — the pipelines page, the editor
 * (with a node selected, and with its Problems list), the run view (live, with state, checkpoints and output)
 * — in the light and the dark theme. A violation fails with the rule, the elements and axe's explanation.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';
import { openNewWordCount } from './test-support';

async function audit(page: Page, screen: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    // Let the theme's colour transitions finish before colours are measured.
    await page.waitForTimeout(350);
    const result = await new AxeBuilder({ page })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
      // React Flow's attribution-free pane and minimap are decorative SVG; they are checked like the rest.
      .analyze();
    const found = result.violations.map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help}\n` +
        v.nodes
          .slice(0, 5)
          .map((n) => `    ${n.target.join(' ')} — ${n.failureSummary?.split('\n').join(' ')}`)
          .join('\n'),
    );
    expect.soft(found, `${screen} (${scheme})`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('every screen passes axe’s WCAG 2.1 AA rules, light and dark', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto('/');
  const pipelines = page.getByRole('region', { name: 'Your pipelines' });
  await expect(pipelines.getByText('Loading pipelines…')).toHaveCount(0);
  await audit(page, 'pipelines');

  await openNewWordCount(page);
  const canvas = page.getByRole('region', { name: 'Canvas' });
  await expect(canvas.getByText('Count per word')).toBeVisible();
  await audit(page, 'editor');
  await canvas.getByText('Drop empty words').click();
  await page.getByRole('textbox', { name: 'Where', exact: true }).fill('word <> ');
  await audit(page, 'editor with a node selected and an expression error');
  await page.getByRole('button', { name: 'Undo', exact: true }).click();

  await page.getByRole('button', { name: 'Run', exact: true }).click();
  await expect(page).toHaveURL(/\/jobs\/[A-Za-z0-9_-]+$/);
  await expect(page.getByRole('table', { name: 'State of Count per word' })).toBeVisible();
  await expect(page.getByRole('table', { name: 'Checkpoints' })).toContainText('completed');
  await audit(page, 'run view');
});
