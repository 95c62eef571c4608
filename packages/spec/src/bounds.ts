/**
 * Running a live spec to a fixed end. The examples stream without end (they are the studio's templates, and
 * a template should show a job that runs); tests and the conformance suite need a finite, repeatable input
 * instead. `boundSources` turns each named generator source into a bounded one that reads its rows as fast
 * as possible — row i still depends only on (seed, i), so the result is the same on every run.
 * `examples/bounds.json` holds the counts for the bundled examples.
 */
import type { JobSpecInput } from './schema';

/** Source node id → the number of rows it reads. */
export type SourceBounds = Readonly<Record<string, number>>;

/**
 * A copy of `spec` in which every source named in `bounds` (a datagen or nexmark source) reads exactly that
 * many rows, as fast as possible (`count` set, `rowsPerSecond` / `eventsPerSecond` 0). Throws when a name is
 * not such a source, so a renamed node cannot leave a test silently unbounded.
 */
export function boundSources(spec: JobSpecInput, bounds: SourceBounds): JobSpecInput {
  const copy = structuredClone(spec);
  for (const [id, count] of Object.entries(bounds)) {
    const node = copy.nodes.find((n) => n.id === id);
    if (node?.kind !== 'source' || node.connector.type === 'file') {
      throw new Error(`boundSources: '${id}' is not a datagen or nexmark source of '${spec.name}'`);
    }
    if (!Number.isInteger(count) || count < 0) {
      throw new Error(`boundSources: the count of '${id}' must be a whole number ≥ 0, not ${count}`);
    }
    if (node.connector.type === 'datagen') node.connector = { ...node.connector, count, rowsPerSecond: 0 };
    else node.connector = { ...node.connector, count, eventsPerSecond: 0 };
  }
  return copy;
}

/** Whether every source of the spec ends (a file, or a generator with a `count`): the job finishes. */
export function isBounded(spec: Pick<JobSpecInput, 'nodes'>): boolean {
  return spec.nodes.every(
    (n) => n.kind !== 'source' || n.connector.type === 'file' || n.connector.count !== undefined,
  );
}
