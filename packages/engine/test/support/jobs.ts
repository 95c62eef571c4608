/** Small builders for job-level tests: specs in a few lines, and virtual-time driving. */
import type { JobSpecInput } from '@flowstate/spec';
import type { Job, ManualClock } from '../../src/index';

type Node = JobSpecInput['nodes'][number];
type Edge = NonNullable<JobSpecInput['edges']>[number];

/** A spec from nodes and edges written as `'a -> b'` (or `'w -late-> s'` for a window's late port). */
export function spec(
  name: string,
  nodes: Node[],
  edges: string[],
  settings: JobSpecInput['settings'] = {},
): JobSpecInput {
  const parsed: Edge[] = edges.map((e) => {
    const late = /^(\S+)\s+-late->\s+(\S+)$/.exec(e);
    if (late) return { from: late[1]!, to: late[2]!, port: 'late' as const };
    const m = /^(\S+)\s+->\s+(\S+)$/.exec(e);
    if (!m) throw new Error(`bad edge '${e}'`);
    return { from: m[1]!, to: m[2]! };
  });
  return { specVersion: 1, name, settings, nodes, edges: parsed };
}

export const collect = (id: string): Node => ({ id, kind: 'sink', connector: { type: 'collect' } });

/**
 * Moves virtual time forward to `t` in steps of `stepMs`, letting the job run until idle after each step
 * (rate-limited sources emit what is due, idleness timeouts expire). Never sleeps.
 */
export function advanceTo(job: Job, clock: ManualClock, t: number, stepMs = 1): void {
  job.runUntilIdle();
  while (clock.now() < t) {
    clock.set(Math.min(t, clock.now() + stepMs));
    job.runUntilIdle();
  }
}
