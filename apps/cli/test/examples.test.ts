/**
 * Every `examples/<name>/job.json` is a valid spec with zero problems, and is fit to be a studio template:
 * named after its directory, described, laid out, live at a human rate (or reading a file to its end) with a
 * bound for tests in examples/bounds.json, with its data files beside it, small.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { boundSources, isBounded, type SourceBounds, validateSpec } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { examplesDir } from './run-cli';

const names = readdirSync(examplesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

const MAX_DATA_BYTES = 100 * 1024;

/** How many rows each generator source reads when a test runs the example to its end. */
const bounds = JSON.parse(readFileSync(path.join(examplesDir, 'bounds.json'), 'utf8')) as Record<
  string,
  SourceBounds
>;

describe('examples', () => {
  it('are there, each in its own directory with a job.json', () => {
    expect(names).toEqual(
      expect.arrayContaining([
        'word-count',
        'word-count-windowed',
        'risk-control',
        'iot-temperature',
        'ad-clicks',
        'stock-monitoring',
        'recommendations',
        'nexmark-q1',
      ]),
    );
    for (const name of names) expect(existsSync(path.join(examplesDir, name, 'job.json')), name).toBe(true);
  });

  it('bounds.json names examples that exist', () => {
    expect(Object.keys(bounds).every((name) => names.includes(name))).toBe(true);
  });

  it('are each listed in examples/README.md', () => {
    const readme = readFileSync(path.join(examplesDir, 'README.md'), 'utf8');
    for (const name of names) expect(readme, name).toContain(`[${name}](${name}/job.json)`);
  });

  describe.each(names)('%s', (name) => {
    const dir = path.join(examplesDir, name);
    const document = JSON.parse(readFileSync(path.join(dir, 'job.json'), 'utf8'));

    it('validates with zero problems', () => {
      const result = validateSpec(document);
      expect(result.problems).toEqual([]);
      expect(result.ok).toBe(true);
    });

    it('is named after its directory and has a description', () => {
      expect(document.name).toBe(name);
      expect(typeof document.description).toBe('string');
      expect(document.description.length).toBeGreaterThan(40);
    });

    it('has a left-to-right layout position for every node', () => {
      const ids: string[] = document.nodes.map((n: { id: string }) => n.id);
      expect(Object.keys(document.layout ?? {}).sort()).toEqual([...ids].sort());
      for (const edge of document.edges as { from: string; to: string }[]) {
        expect(document.layout[edge.to].x, `${edge.from} → ${edge.to}`).toBeGreaterThan(
          document.layout[edge.from].x,
        );
      }
    });

    it('reads files to their end, or generates a live stream at a human rate that bounds.json can bound', () => {
      const bounded = boundSources(document, bounds[name] ?? {});
      expect(isBounded(bounded), 'every generator source has a bound in examples/bounds.json').toBe(true);
      for (const node of document.nodes) {
        if (node.kind !== 'source' || node.connector.type === 'file') continue;
        expect(node.connector.count, `${node.id}: live (no count)`).toBeUndefined();
        const rate =
          node.connector.type === 'datagen' ? node.connector.rowsPerSecond : node.connector.eventsPerSecond;
        expect(rate, `${node.id}: rows a second`).toBeGreaterThanOrEqual(10);
        expect(rate, `${node.id}: rows a second`).toBeLessThanOrEqual(1000);
        expect(node.connector.seed, `${node.id}: a fixed seed`).toBeTypeOf('number');
        expect(bounds[name]?.[node.id], `${node.id}: rows in a bounded run`).toBeGreaterThan(0);
      }
    });

    it('checkpoints every few seconds when it is live', () => {
      if (isBounded(document)) return;
      expect(document.settings.checkpointing.intervalMs).toBe(3000);
    });

    it('has its data files beside it, each under 100 KB', () => {
      for (const node of document.nodes) {
        if (node.kind !== 'source' || node.connector.type !== 'file') continue;
        const file = path.resolve(dir, node.connector.path);
        expect(file.startsWith(dir + path.sep), `${node.connector.path} stays inside the example`).toBe(true);
        expect(existsSync(file), node.connector.path).toBe(true);
        expect(statSync(file).size).toBeLessThan(MAX_DATA_BYTES);
      }
    });
  });
});
