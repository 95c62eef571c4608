import { describe, expect, it } from 'vitest';
import { planFlinkJob } from './plan';

const source = (count?: number) => ({
  id: 'src',
  kind: 'source',
  connector: {
    type: 'datagen',
    rowsPerSecond: 0,
    ...(count !== undefined ? { count } : {}),
    seed: 1,
    fields: { k: { kind: 'choice', values: ['a', 'b'] }, ts: { kind: 'timestamp', startMs: 0, stepMs: 1 } },
  },
  schema: { k: 'string', ts: 'timestamp' },
  watermark: { timestampField: 'ts', maxOutOfOrdernessMs: 0, emitEveryRows: 1 },
});

/** src → byK → (roll → rolled: file), (win → windows: collect, shown: console), src → raw: blackhole */
const spec = (count?: number) => ({
  specVersion: 1,
  name: "it's a test",
  nodes: [
    source(count),
    { id: 'byK', kind: 'keyBy', key: ['k'] },
    { id: 'roll', kind: 'aggregate', aggregates: { n: 'COUNT(*)' } },
    { id: 'rolled', kind: 'sink', connector: { type: 'file', path: 'out/rolled', format: 'csv' } },
    { id: 'win', kind: 'window', assigner: { type: 'tumbling', sizeMs: 10 }, aggregates: { n: 'COUNT(*)' } },
    { id: 'windows', kind: 'sink', connector: { type: 'collect', maxRows: 5 } },
    { id: 'shown', kind: 'sink', connector: { type: 'console' } },
    { id: 'raw', kind: 'sink', connector: { type: 'blackhole' } },
  ],
  edges: [
    { from: 'src', to: 'byK' },
    { from: 'byK', to: 'roll' },
    { from: 'roll', to: 'rolled' },
    { from: 'byK', to: 'win' },
    { from: 'win', to: 'windows' },
    { from: 'win', to: 'shown' },
    { from: 'src', to: 'raw' },
  ],
});

describe('planFlinkJob', () => {
  it('materializes the datagen source; collect, console and file sinks write JSON lines into the work directory', () => {
    const r = planFlinkJob(spec(100), { baseDir: '/specs', workDir: '/work', parallelism: 2 });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    const { plan } = r;
    expect(plan.materialize.map((s) => [s.nodeId, s.file, s.schema])).toEqual([
      ['src', '/work/sources/src.jsonl', { k: 'string', ts: 'timestamp' }],
    ]);
    expect(plan.sinks).toEqual([
      {
        nodeId: 'rolled',
        kind: 'file',
        schema: { k: 'string', n: 'int' },
        updating: true,
        target: { path: '/specs/out/rolled', format: 'csv' },
        flinkDir: '/work/sinks/rolled',
      },
      {
        nodeId: 'windows',
        kind: 'collect',
        schema: { k: 'string', window_start: 'timestamp', window_end: 'timestamp', n: 'int' },
        updating: false,
        maxRows: 5,
        flinkDir: '/work/sinks/windows',
      },
      {
        nodeId: 'shown',
        kind: 'console',
        schema: { k: 'string', window_start: 'timestamp', window_end: 'timestamp', n: 'int' },
        updating: false,
        flinkDir: '/work/sinks/shown',
      },
      { nodeId: 'raw', kind: 'blackhole', schema: { k: 'string', ts: 'timestamp' }, updating: false },
    ]);
    expect(plan.sql.startsWith("SET 'pipeline.name' = 'it''s a test';\n")).toBe(true);
    expect(plan.sql).toContain("SET 'parallelism.default' = '2';");
    expect(plan.sql).toContain("'path' = '/work/sources/src.jsonl'");
    expect(plan.sql).toContain("'path' = '/work/sinks/rolled',\n  'format' = 'debezium-json'");
    expect(plan.sql).toContain("'path' = '/work/sinks/shown',\n  'format' = 'json'");
    expect(plan.sql).toContain("'connector' = 'blackhole'");
    expect(plan.sql).not.toContain("'connector' = 'datagen'");
    // Notes about sinks are about Flink's own formats, which the run replaces with Flowstate's.
    expect(plan.notes.map((n) => n.nodeId ?? '(job)')).toEqual(['(job)', 'roll']);
  });

  it('reads a source from a file already materialized', () => {
    const r = planFlinkJob(spec(100), {
      baseDir: '/specs',
      workDir: '/work',
      sourceFiles: { src: 'in/src.jsonl' },
    });
    expect(r.ok && r.plan.materialize).toEqual([]);
    expect(r.ok && r.plan.sql).toContain("'path' = '/specs/in/src.jsonl'");
  });

  it('refuses an unbounded generated source once, naming the node', () => {
    const r = planFlinkJob(spec(), { baseDir: '/specs', workDir: '/work' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => [p.code, p.nodeId, p.path])).toEqual([
      ['unbounded-source', 'src', '/nodes/0/connector/count'],
    ]);
  });

  it("gives the export's refusals and an invalid spec's problems", () => {
    const late = spec(10);
    late.nodes.push({ id: 'lateRows', kind: 'sink', connector: { type: 'collect', maxRows: 5 } });
    late.edges.push({ from: 'win', to: 'lateRows', port: 'late' } as never);
    const r = planFlinkJob(late, { baseDir: '/specs', workDir: '/work' });
    expect(r.ok ? [] : r.problems.map((p) => [p.code, p.nodeId])).toEqual([['late-port', 'win']]);
    const invalid = planFlinkJob(
      { specVersion: 1, name: 'x', nodes: [], edges: [] },
      { baseDir: '/', workDir: '/w' },
    );
    expect(invalid.ok ? [] : invalid.problems.map((p) => p.code)).toEqual(['schema/too_small']);
  });
});
