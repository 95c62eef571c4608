/**
 * State inspection: `queryState` pages through a keyed node's keys over all its subtasks (ordered by the
 * key's string form; prefix, cursor, limit), and `stateOfKey` finds one key's state.
 */
import type { JobSpecInput } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { Job, type Key, ManualClock } from '../src/index';
import { collect, spec } from './support/jobs';

const KEYS = 200;
const PER_KEY = 5;

/** Keys `user-0` … `user-199` (string) or 0 … 199 (int), each with five rows; a rolling COUNT(*). */
const stateJob = (stringKeys: boolean): JobSpecInput =>
  spec(
    'state',
    [
      {
        id: 'src',
        kind: 'source',
        connector: {
          type: 'datagen',
          rowsPerSecond: 0,
          count: KEYS * PER_KEY,
          fields: { id: { kind: 'sequence', start: 0, end: KEYS - 1 } },
        },
        schema: { id: 'int' },
      },
      {
        id: 'name',
        kind: 'map',
        fields: { user: stringKeys ? "'user-' || CAST(id AS STRING)" : 'id' },
      },
      { id: 'byUser', kind: 'keyBy', key: ['user'] },
      { id: 'counts', kind: 'aggregate', aggregates: { n: 'COUNT(*)' } },
      collect('out'),
    ],
    ['src -> name', 'name -> byUser', 'byUser -> counts', 'counts -> out'],
  );

function run(stringKeys: boolean, parallelism: number): Job {
  const job = Job.fromSpec(stateJob(stringKeys), { parallelism, clock: new ManualClock(0) });
  job.runUntilIdle();
  expect(job.status).toBe('finished');
  return job;
}

/** Every page of a query, following nextCursor; fails on a loop. */
function allPages(job: Job, q: { prefix?: string; limit: number }): { keys: Key[]; pages: number } {
  const keys: Key[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = job.queryState('counts', { ...q, ...(cursor !== null ? { cursor } : {}) });
    expect(page.entries.length).toBeLessThanOrEqual(q.limit);
    for (const e of page.entries) {
      keys.push(e.key);
      expect(JSON.stringify(e.value), `state of ${String(e.key)}`).toContain(String(PER_KEY));
    }
    cursor = page.nextCursor;
    if (++pages > KEYS + 2) throw new Error('queryState: the cursor does not advance');
  } while (cursor !== null);
  return { keys, pages };
}

const byString = (a: Key, b: Key) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0);

describe.each([1, 3])('queryState at parallelism %i', (parallelism) => {
  it('returns every key exactly once across pages, in key order', () => {
    const job = run(true, parallelism);
    expect(job.metrics().nodes.find((n) => n.nodeId === 'counts')!.numKeys).toBe(KEYS);
    const expected = Array.from({ length: KEYS }, (_, i) => `user-${i}`).sort(byString);
    for (const limit of [7, 50, 200, 1000]) {
      const { keys, pages } = allPages(job, { limit });
      expect(keys, `limit ${limit}`).toEqual(expected);
      expect(pages, `limit ${limit}`).toBe(Math.max(1, Math.ceil(KEYS / limit)));
    }
  });

  it('filters by prefix, across pages', () => {
    const job = run(true, parallelism);
    const expected = Array.from({ length: KEYS }, (_, i) => `user-${i}`)
      .filter((k) => k.startsWith('user-1'))
      .sort(byString);
    expect(expected).toHaveLength(111); // user-1, user-10 … user-19, user-100 … user-199
    expect(allPages(job, { prefix: 'user-1', limit: 10 }).keys).toEqual(expected);
    expect(allPages(job, { prefix: 'user-42', limit: 10 }).keys).toEqual(['user-42']);
    expect(allPages(job, { prefix: 'nobody', limit: 10 }).keys).toEqual([]);
  });

  it('pages over int keys too (ordered by their string form)', () => {
    const job = run(false, parallelism);
    const expected = Array.from({ length: KEYS }, (_, i) => i).sort(byString);
    expect(allPages(job, { limit: 9 }).keys).toEqual(expected);
  });

  it('stateOfKey finds a known key, and nothing for an unknown one', () => {
    const job = run(true, parallelism);
    expect(JSON.stringify(job.stateOfKey('counts', 'user-42'))).toContain(String(PER_KEY));
    expect(job.stateOfKey('counts', 'user-4200')).toBeUndefined();
    const intJob = run(false, parallelism);
    expect(JSON.stringify(intJob.stateOfKey('counts', 42))).toContain(String(PER_KEY));
  });

  it('a node without keyed state cannot be queried', () => {
    const job = run(true, parallelism);
    expect(() => job.queryState('name')).toThrow(/keyed state/);
  });
});
