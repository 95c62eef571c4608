import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Job, type Row } from '@flowstate/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSinkRows } from './write';

const dir = mkdtempSync(path.join(tmpdir(), 'flowstate-write-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const schema = { s: 'string', n: 'int', x: 'float', b: 'bool', ts: 'timestamp' } as const;
/** Values that exercise both formats: quotes, delimiters, line breaks, spaces, NULL, '' and odd numbers. */
const ROWS: Row[] = [
  { s: 'plain', n: 1, x: 1.5, b: true, ts: 1_700_000_000_000 },
  { s: 'with "quotes", a comma', n: -2, x: 100, b: false, ts: -5 },
  { s: 'two\nlines', n: null, x: 1e21, b: null, ts: 0 },
  { s: '', n: 0, x: 0.1 + 0.2, b: true, ts: null },
  { s: ' padded ', n: 9_007_199_254_740_991, x: -0, b: false, ts: 1 },
  { s: null, n: 3, x: 2.5e-7, b: true, ts: 2 },
];

/** What the embedded engine's file sink commits for ROWS (one part file at parallelism 1). */
function engineOutput(format: 'jsonl' | 'csv'): string {
  const input = path.join(dir, 'in.jsonl');
  writeFileSync(input, `${ROWS.map((r) => JSON.stringify(r)).join('\n')}\n`);
  const out = path.join(dir, `engine-${format}`);
  const job = Job.fromSpec(
    {
      specVersion: 1,
      name: 'w',
      nodes: [
        { id: 'src', kind: 'source', connector: { type: 'file', path: input, format: 'jsonl' }, schema },
        { id: 'out', kind: 'sink', connector: { type: 'file', path: out, format } },
      ],
      edges: [{ from: 'src', to: 'out' }],
    },
    { baseDir: dir },
  );
  job.runUntilIdle();
  expect(job.status).toBe('finished');
  const files = readdirSync(out).filter((f) => !f.startsWith('.') && !f.startsWith('_'));
  expect(files.length).toBe(1);
  return readFileSync(path.join(out, files[0]!), 'utf8');
}

describe('writeFileSinkRows', () => {
  for (const format of ['jsonl', 'csv'] as const) {
    it(`writes ${format} exactly as the embedded engine's file sink does, as one committed part file`, () => {
      const target = path.join(dir, `ours-${format}`);
      const file = writeFileSinkRows(target, format, Object.keys(schema), ROWS);
      expect(readdirSync(target)).toEqual([path.basename(file!)]);
      expect(path.basename(file!)).toMatch(new RegExp(`^part-0-end-[0-9a-z]{9}-[0-9a-z]{4}\\.${format}$`));
      expect(readFileSync(file!, 'utf8')).toBe(engineOutput(format));
    });
  }

  it('writes no file for no rows (the engine opens a part file with its first row)', () => {
    const target = path.join(dir, 'none');
    expect(writeFileSinkRows(target, 'jsonl', ['a'], [])).toBe(null);
    expect(() => readdirSync(target)).toThrow('ENOENT');
  });
});
