/**
 * The bundled examples as the tests run them: bounded. The examples stream without end (they are the studio's
 * templates); examples/bounds.json says how many rows each generator source reads in a test, and
 * `boundSources` makes it read them as fast as possible — the same rows on every run.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { boundSources, type JobSpecInput, type SourceBounds } from '@flowstate/spec';

export const EXAMPLES = path.resolve(import.meta.dirname, '../../../../examples');

const bounds = JSON.parse(readFileSync(path.join(EXAMPLES, 'bounds.json'), 'utf8')) as Record<
  string,
  SourceBounds
>;

/** The examples' names (directories with a job.json), sorted. */
export const exampleNames = (): string[] =>
  readdirSync(EXAMPLES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(EXAMPLES, d.name, 'job.json')))
    .map((d) => d.name)
    .sort();

/** `examples/<name>/job.json`, bounded by examples/bounds.json. */
export function loadExample(name: string): JobSpecInput {
  const spec = JSON.parse(readFileSync(path.join(EXAMPLES, name, 'job.json'), 'utf8')) as JobSpecInput;
  return boundSources(spec, bounds[name] ?? {});
}
