import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Job } from '../src/index';

const examples = path.resolve(import.meta.dirname, '../../../examples');
const load = (name: string) => JSON.parse(readFileSync(path.join(examples, name, 'job.json'), 'utf8'));

describe('word count (examples/word-count)', () => {
  it('emits a rolling count per word whose last value per word is the word total', async () => {
    const job = Job.fromSpec(load('word-count'), {
      baseDir: path.join(examples, 'word-count'),
      writeConsole: () => {},
    });
    const res = await job.run();
    expect(res.status).toBe('finished');

    // Reference: the same computation in plain JavaScript.
    const text = readFileSync(path.join(examples, 'word-count/data/words.txt'), 'utf8');
    const expected = new Map<string, number>();
    const expectedRows: Array<{ word: string; count: number }> = [];
    for (const line of text.split('\n')) {
      for (const w of line.toLowerCase().split(/[^a-z0-9]+/)) {
        if (w === '') continue;
        const c = (expected.get(w) ?? 0) + 1;
        expected.set(w, c);
        expectedRows.push({ word: w, count: c });
      }
    }
    const rows = job.collected('out');
    expect(rows).toEqual(expectedRows);
    expect(job.stateOfKey('counts', 'the')).toEqual({ count: expected.get('the') });
    const m = job.metrics().nodes.find((n) => n.nodeId === 'counts')!;
    expect(m.numKeys).toBe(expected.size);
    expect(m.recordsIn).toBe(expectedRows.length);
  });

  it('gives the same final counts at parallelism 4 (hash exchange by key group)', async () => {
    const job = Job.fromSpec(load('word-count'), {
      baseDir: path.join(examples, 'word-count'),
      parallelism: 4,
      writeConsole: () => {},
    });
    await job.run();
    const last = new Map<string, number>();
    for (const r of job.collected('out')) last.set(r.word as string, r.count as number);
    const one = Job.fromSpec(load('word-count'), {
      baseDir: path.join(examples, 'word-count'),
      writeConsole: () => {},
    });
    await one.run();
    const lastOne = new Map<string, number>();
    for (const r of one.collected('out')) lastOne.set(r.word as string, r.count as number);
    expect(last).toEqual(lastOne);
    expect(job.metrics().nodes.find((n) => n.nodeId === 'counts')!.parallelism).toBe(4);
  });
});
