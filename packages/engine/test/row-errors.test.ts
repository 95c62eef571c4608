/**
 * Row errors: a row whose expression fails, or that cannot be parsed, is counted in the metrics and
 * reported (job.recentRowErrors), and the job goes on; with `settings.rowErrors: 'fail'` the job fails
 * with an error that says what went wrong and where.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { JobSpecInput } from '@flowstate/spec';
import { afterAll, describe, expect, it } from 'vitest';
import { Job, type RowError } from '../src/index';
import { collect, spec } from './support/jobs';
import { nodeMetrics, sourceNode, sourceRows } from './support/rows';

const castJob = (rowErrors: 'skip' | 'fail'): JobSpecInput =>
  spec(
    'cast',
    [
      {
        id: 'src',
        kind: 'source',
        connector: {
          type: 'datagen',
          rowsPerSecond: 0,
          count: 200,
          seed: 5,
          fields: {
            id: { kind: 'sequence', start: 0 },
            s: { kind: 'choice', values: ['1', '22', 'x', '333', '4y'] },
          },
        },
        schema: { id: 'int', s: 'string' },
      },
      { id: 'parse', kind: 'map', fields: { id: 'id', n: 'CAST(s AS INT)' } },
      collect('out'),
    ],
    ['src -> parse', 'parse -> out'],
    // No restarts: the default strategy would retry (with real-time delays) before failing.
    { rowErrors, restart: { strategy: 'none' } },
  );

describe('an expression that fails on some rows', () => {
  const rows = sourceRows(sourceNode(castJob('skip'), 'src').connector, { id: 'int', s: 'string' });
  const bad = rows.filter((r) => !/^\d+$/.test(r.s as string));

  it('skips and reports those rows, counts them, and finishes', async () => {
    expect(bad.length).toBeGreaterThan(10);
    expect(bad.length).toBeLessThan(100); // all of them fit in recentRowErrors
    const seen: RowError[] = [];
    const job = Job.fromSpec(castJob('skip'), { onRowError: (e) => seen.push(e) });
    const res = await job.run();
    expect(res.status).toBe('finished');
    expect(job.collected('out')).toEqual(
      rows.filter((r) => !bad.includes(r)).map((r) => ({ id: r.id, n: Number(r.s) })),
    );
    expect(nodeMetrics(job, 'parse').rowErrors).toBe(bad.length);
    expect(job.metrics().rowErrors).toBe(bad.length);
    expect(res.metrics.rowErrors).toBe(bad.length);
    expect(job.recentRowErrors).toHaveLength(bad.length);
    expect(seen).toEqual(job.recentRowErrors);
    job.recentRowErrors.forEach((e, i) => {
      expect(e).toMatchObject({ nodeId: 'parse', code: 'CAST_FAILED' });
      expect(e.message).toContain(`'${bad[i]!.s}'`);
      expect(JSON.parse(e.position)).toEqual(bad[i]); // the row itself, as JSON
    });
  });

  it("fails the job with settings.rowErrors 'fail', naming the value", async () => {
    const job = Job.fromSpec(castJob('fail'));
    const res = await job.run();
    expect(res.status).toBe('failed');
    expect(job.status).toBe('failed');
    expect(res.error?.message).toMatch(/cast/i);
    expect(res.error?.message).toContain(`'${bad[0]!.s}'`);
    // Only the rows before the first bad one got through.
    expect(job.collected('out').length).toBeLessThanOrEqual(rows.indexOf(bad[0]!));
  });

  it("the 'fail' error names the node whose expression failed", async () => {
    // In a pipeline of many maps, "cannot cast '4y' to INT" alone does not say where to look; the
    // skipped-row report carries nodeId, and a strict window's error names its node too.
    const res = await Job.fromSpec(castJob('fail')).run();
    expect(res.error?.message).toContain("'parse'");
  });
});

describe('a file source with rows that cannot be read', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'flowstate-rowerrors-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    path.join(dir, 'events.jsonl'),
    [
      '{"ts": 1, "k": "a"}',
      '{"ts": 2, "k": "b"}',
      '{"ts": 3, "k": ', // line 3: not JSON
      '{"ts": "soon", "k": "c"}', // line 4: not a timestamp
      '',
      '{"ts": 6, "k": "d"}',
      '{"k": "e"}', // line 7: reads fine, but has no event time for the watermark
    ].join('\n'),
  );
  const fileJob = (rowErrors: 'skip' | 'fail') =>
    spec(
      'file-errors',
      [
        {
          id: 'src',
          kind: 'source',
          connector: { type: 'file', path: 'events.jsonl', format: 'jsonl' },
          schema: { ts: 'timestamp', k: 'string' },
          watermark: { timestampField: 'ts', maxOutOfOrdernessMs: 0, emitEveryRows: 1 },
        },
        collect('out'),
      ],
      ['src -> out'],
      { rowErrors, restart: { strategy: 'none' } },
    );

  it('reports each bad line with path:line, counts it, and reads on', async () => {
    const job = Job.fromSpec(fileJob('skip'), { baseDir: dir });
    const res = await job.run();
    expect(res.status).toBe('finished');
    expect(job.collected('out')).toEqual([
      { ts: 1, k: 'a' },
      { ts: 2, k: 'b' },
      { ts: 6, k: 'd' },
    ]);
    const errors = job.recentRowErrors.map((e) => ({ nodeId: e.nodeId, code: e.code, position: e.position }));
    expect(errors).toEqual([
      { nodeId: 'src', code: 'PARSE_FAILED', position: 'events.jsonl:3' },
      { nodeId: 'src', code: 'PARSE_FAILED', position: 'events.jsonl:4' },
      { nodeId: 'src', code: 'BAD_TIMESTAMP', position: '{"ts":null,"k":"e"}' },
    ]);
    expect(job.recentRowErrors[0]!.message).toMatch(/JSON/);
    expect(job.recentRowErrors[1]!.message).toMatch(/"ts"/);
    expect(job.metrics().rowErrors).toBe(3);
    // The studio shows row errors per node: the source's count includes its unreadable lines.
    expect(nodeMetrics(job, 'src').rowErrors).toBe(3);
  });

  it("fails the job with settings.rowErrors 'fail', naming path:line", async () => {
    const job = Job.fromSpec(fileJob('fail'), { baseDir: dir });
    const res = await job.run();
    expect(res.status).toBe('failed');
    expect(res.error?.message).toContain('events.jsonl:3');
    expect(res.error?.message).toMatch(/JSON/);
  });
});
