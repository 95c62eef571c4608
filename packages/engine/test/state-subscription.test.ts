import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Job, type StateChanges } from '../src/index';

const dir = path.resolve(import.meta.dirname, '../../../examples/word-count');
const spec = () => JSON.parse(readFileSync(path.join(dir, 'job.json'), 'utf8'));

describe('state subscriptions', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('coalesces changes per key and delivers them at the interval', () => {
    const job = Job.fromSpec(spec(), { baseDir: dir, writeConsole: () => {} });
    job.open();
    const got: StateChanges[] = [];
    const off = job.subscribeState('counts', (c) => got.push(c), { intervalMs: 50 });
    job.runUntilIdle();
    expect(got).toEqual([]); // nothing before the interval
    vi.advanceTimersByTime(50);
    expect(got).toHaveLength(1);
    const words = new Set(job.collected('out').map((r) => r.word));
    // 287 updates, one entry per distinct word, with the latest value
    expect(got[0]!.changes).toHaveLength(words.size);
    const the = got[0]!.changes.find((c) => c.key === 'the');
    expect(the?.value).toEqual(job.stateOfKey('counts', 'the'));
    expect(got[0]!.dropped).toBe(0);
    vi.advanceTimersByTime(500);
    expect(got).toHaveLength(1); // no changes, no message
    off();
  });

  it('bounds a delivery and counts the keys that did not fit', () => {
    const job = Job.fromSpec(spec(), { baseDir: dir, writeConsole: () => {} });
    job.open();
    const got: StateChanges[] = [];
    const off = job.subscribeState('counts', (c) => got.push(c), { intervalMs: 50, maxKeys: 10 });
    job.runUntilIdle();
    vi.advanceTimersByTime(50);
    expect(got[0]!.changes).toHaveLength(10);
    expect(got[0]!.changes.length + got[0]!.dropped).toBe(got[0]!.numKeys);
    off();
  });

  it('names a node without keyed state', () => {
    const job = Job.fromSpec(spec(), { baseDir: dir, writeConsole: () => {} });
    expect(() => job.queryState('words')).toThrow(/holds no keyed state/);
    expect(() => job.queryState('nope')).toThrow(/there is no node 'nope'/);
  });
});
