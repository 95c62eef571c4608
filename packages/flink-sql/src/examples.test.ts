/**
 * Golden tests: every example in examples/ (bounded by examples/bounds.json) exports (or is refused for a named
 * reason), the script parses
 * with dt-sql-parser's Flink grammar, and the scripts of word-count and word-count-windowed are kept as
 * files beside this test (__snapshots__/*.sql) so that a change to the output shows in review.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { boundSources, type JobSpecInput, type SourceBounds } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { exportFlinkSql } from './index';
import { syntaxErrors } from './parse-check';

const examplesDir = fileURLToPath(new URL('../../../examples/', import.meta.url));
const names = readdirSync(examplesDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
/** How many rows each generator source reads in a test: the examples themselves stream without end. */
const bounds = JSON.parse(readFileSync(path.join(examplesDir, 'bounds.json'), 'utf8')) as Record<
  string,
  SourceBounds
>;
/** The example bounded as examples/bounds.json says (an unbounded datagen sequence cannot be exported). */
const load = (name: string): JobSpecInput =>
  boundSources(
    JSON.parse(readFileSync(path.join(examplesDir, name, 'job.json'), 'utf8')) as JobSpecInput,
    bounds[name] ?? {},
  );
/** A fixed base directory, so the snapshots do not depend on where the repository is checked out. */
const baseDir = (name: string) => `/flowstate/examples/${name}`;

/** Examples that cannot be exported as they are, and why (the problem code). */
const REFUSED: Record<string, string[]> = {
  'nexmark-q1': ['nexmark-source'],
  'nexmark-q3': ['nexmark-source', 'nexmark-source'],
  'nexmark-q5': ['nexmark-source'],
  'nexmark-q7': ['nexmark-source'],
  'nexmark-q8': ['nexmark-source', 'nexmark-source'],
};

describe('every example', () => {
  it('the list of examples is the one this test knows', () => {
    expect(names).toEqual([
      'ad-clicks',
      'iot-temperature',
      'nexmark-q1',
      'nexmark-q3',
      'nexmark-q5',
      'nexmark-q7',
      'nexmark-q8',
      'recommendations',
      'risk-control',
      'stock-monitoring',
      'word-count',
      'word-count-windowed',
    ]);
  });

  it.each(names)('%s: exports to SQL that parses, or is refused for a named reason', (name) => {
    const result = exportFlinkSql(load(name), { baseDir: baseDir(name) });
    if (REFUSED[name] !== undefined) {
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.problems.map((p) => p.code)).toEqual(REFUSED[name]);
      return;
    }
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(syntaxErrors(result.sql)).toEqual([]);
    // deterministic: the same spec gives the same text
    expect(exportFlinkSql(load(name), { baseDir: baseDir(name) })).toEqual(result);
  });

  it('nexmark-q1 exports once its source is replaced by a JSONL file', () => {
    const result = exportFlinkSql(load('nexmark-q1'), {
      baseDir: baseDir('nexmark-q1'),
      sourceOverrides: { bids: { path: 'input/bids.jsonl', format: 'jsonl' } },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(syntaxErrors(result.sql)).toEqual([]);
    expect(result.sql).toContain(`CREATE TABLE bids (
  auction BIGINT,
  bidder BIGINT,
  price BIGINT,
  channel STRING,
  url STRING,
  \`dateTime\` BIGINT,
  extra STRING,`);
    expect(result.sql).toContain("'path' = '/flowstate/examples/nexmark-q1/input/bids.jsonl'");
    // 0.908 is a DECIMAL literal in Flink; Flowstate computes in doubles
    expect(result.sql).toContain('CAST(0.908 AS DOUBLE) * price AS price');
    expect(result.sql).toContain("'connector' = 'blackhole'");
  });
});

/** A Nexmark example with its sources read from JSON lines files (as `--source id=FILE` does). */
function nexmark(name: string) {
  const spec = load(name) as { nodes: Array<{ id: string; kind: string }> };
  const sourceOverrides = Object.fromEntries(
    spec.nodes
      .filter((n) => n.kind === 'source')
      .map((n) => [n.id, { path: `input/${n.id}.jsonl`, format: 'jsonl' as const }]),
  );
  return exportFlinkSql(spec, { baseDir: baseDir(name), sourceOverrides });
}

describe('golden scripts of the joins and Flink SQL operators (the Nexmark examples)', () => {
  it.each([
    ['nexmark-q3', 'a regular join of auctions and persons'],
    ['nexmark-q5', 'a Window Top-N by rank over a sliding window'],
    ['nexmark-q7', 'a window join of the bids with the maximum price of their window'],
    ['nexmark-q8', 'a window join of persons and auctions'],
  ])('%s: %s', async (name) => {
    const result = nexmark(name);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(syntaxErrors(result.sql)).toEqual([]);
    await expect(result.sql).toMatchFileSnapshot(`__snapshots__/${name}.sql`);
  });
});

describe('golden scripts', () => {
  it('word-count', async () => {
    const result = exportFlinkSql(load('word-count'), { baseDir: baseDir('word-count') });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    await expect(result.sql).toMatchFileSnapshot('__snapshots__/word-count.sql');
    expect(result.notes.map((n) => n.nodeId ?? '(job)')).toEqual([
      '(job)',
      'lines',
      'words',
      'counts',
      'out',
    ]);
  });

  it('word-count-windowed', async () => {
    const result = exportFlinkSql(load('word-count-windowed'), { baseDir: baseDir('word-count-windowed') });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    await expect(result.sql).toMatchFileSnapshot('__snapshots__/word-count-windowed.sql');
  });

  it('recommendations (session window) and stock-monitoring (rolling aggregate into a collect table)', async () => {
    const sessions = exportFlinkSql(load('recommendations'), { baseDir: baseDir('recommendations') });
    const ticker = exportFlinkSql(load('stock-monitoring'), {
      baseDir: baseDir('stock-monitoring'),
      collectAs: 'filesystem',
      collectDir: '/tmp/results',
    });
    expect(sessions.ok && ticker.ok).toBe(true);
    if (!sessions.ok || !ticker.ok) return;
    await expect(sessions.sql).toMatchFileSnapshot('__snapshots__/recommendations.sql');
    await expect(ticker.sql).toMatchFileSnapshot('__snapshots__/stock-monitoring.sql');
  });

  it("ad-clicks (an inner interval join with lowerBoundMs 0 keeps the clicks' event time for the window) and risk-control (OVER with a RANGE frame)", async () => {
    const ads = exportFlinkSql(load('ad-clicks'), { baseDir: baseDir('ad-clicks') });
    const risk = exportFlinkSql(load('risk-control'), { baseDir: baseDir('risk-control') });
    if (!ads.ok) throw new Error(JSON.stringify(ads.problems));
    if (!risk.ok) throw new Error(JSON.stringify(risk.problems));
    expect(ads.sql).toContain("AND r.__rowtime BETWEEN l.__rowtime AND l.__rowtime + INTERVAL '10' SECOND");
    expect(ads.sql).toContain('r.__rowtime AS __rowtime');
    expect(risk.sql).toContain('RANGE BETWEEN INTERVAL');
    await expect(ads.sql).toMatchFileSnapshot('__snapshots__/ad-clicks.sql');
    await expect(risk.sql).toMatchFileSnapshot('__snapshots__/risk-control.sql');
  });
});
