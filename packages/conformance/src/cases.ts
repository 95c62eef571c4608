/**
 * The cases of the conformance suite:
 * - every example, examples/<name>/job.json — which are also the specs of the engine's golden tests
 *   (packages/engine/test/golden.test.ts runs exactly these);
 * - the engine's seeded window fuzz cases (`windowFuzzCase` from @flowstate/engine/testing, the generator
 *   the engine's own fuzz test runs) for seeds FUZZ_SEEDS, each at parallelism 1 as generated.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { windowFuzzCase } from '@flowstate/engine/testing';
import { boundSources, type JobSpecInput, type SourceBounds } from '@flowstate/spec';
import type { ConformanceCase } from './suite';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');
const EXAMPLES = path.join(REPO_ROOT, 'examples');

/** The fuzz seeds compared with Flink: the same 1–60 the engine's fuzz test runs by default. */
export const FUZZ_SEEDS: readonly number[] = Array.from({ length: 60 }, (_, i) => i + 1);

/**
 * The examples stream without end (they are the studio's templates): examples/bounds.json says how many rows
 * each generator source reads in a test, as for the engine's golden tests.
 */
export function exampleCases(): ConformanceCase[] {
  const bounds = JSON.parse(readFileSync(path.join(EXAMPLES, 'bounds.json'), 'utf8')) as Record<
    string,
    SourceBounds
  >;
  return readdirSync(EXAMPLES, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(EXAMPLES, d.name, 'job.json')))
    .map((d) => d.name)
    .sort()
    .map((name) => ({
      name: `example ${name}`,
      spec: boundSources(
        JSON.parse(readFileSync(path.join(EXAMPLES, name, 'job.json'), 'utf8')) as JobSpecInput,
        bounds[name] ?? {},
      ) as unknown,
      baseDir: path.join(EXAMPLES, name),
    }));
}

export function fuzzCases(seeds: readonly number[] = FUZZ_SEEDS): ConformanceCase[] {
  return seeds.map((seed) => {
    const c = windowFuzzCase(seed);
    return {
      name: `fuzz seed ${seed}`,
      spec: c.spec(1),
      baseDir: REPO_ROOT,
      model: { sink: 'out', rows: (rules) => c.reference(rules).main },
    };
  });
}
