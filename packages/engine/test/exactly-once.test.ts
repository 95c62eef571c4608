import path from 'node:path';
import { hasKeyedState, JOIN_KINDS, type JobNode } from '@flowstate/spec';
import { describe, expect, it } from 'vitest';
import { Job, type JobEvent } from '../src/index';
import { EXAMPLES, exampleNames, loadExample } from './support/examples';

/**
 * Arroyo-style smoke tests: every example runs once straight through, and once with a checkpoint every
 * millisecond and failures injected at fixed points (the job restores from its latest checkpoint each time).
 * Output must be equal — nothing lost, nothing duplicated — wherever the checkpoints happened to fall.
 */
const examplesDir = EXAMPLES;
const examples = exampleNames();

/**
 * The example bounded as examples/bounds.json says (the examples themselves stream without end), its
 * generated sources capped at 40,000 rows: a checkpoint every millisecond copies the whole state each time (full
 * snapshots), so a benchmark-sized example would take minutes here.
 */
// biome-ignore lint/suspicious/noExplicitAny: the tests change settings freely
const load = (name: string): any => {
  const spec = loadExample(name);
  for (const n of spec.nodes)
    if (n.kind === 'source' && n.connector.type !== 'file' && (n.connector.count ?? 0) > 40_000)
      n.connector = { ...n.connector, count: 40_000 };
  return spec;
};
const collectSinks = (spec: { nodes: Array<{ id: string; kind: string; connector?: { type: string } }> }) =>
  spec.nodes.filter((n) => n.kind === 'sink' && n.connector?.type === 'collect').map((n) => n.id);

/** A stateful node to fail in: the first join, else the first other keyed one, else the first non-source node. */
function failingNode(spec: { nodes: Array<{ id: string; kind: string }> }): string {
  const n =
    spec.nodes.find((x) => (JOIN_KINDS as readonly string[]).includes(x.kind)) ??
    spec.nodes.find((x) => hasKeyedState(x as JobNode)) ??
    spec.nodes.find((x) => x.kind !== 'source' && x.kind !== 'keyBy')!;
  return n.id;
}

/**
 * Exactly-once: the same rows (as a multiset), and for every key the same sequence of rows. The order across
 * keys at one event time is not defined — Flink does not define it either, and a restore may change it.
 */
function sameOutput(
  actual: Array<Record<string, unknown>>,
  expected: Array<Record<string, unknown>>,
  sink: string,
  keyFields: string[] | null,
) {
  const sorted = (rows: Array<Record<string, unknown>>) => rows.map((r) => JSON.stringify(r)).sort();
  expect(sorted(actual), `sink ${sink}: rows`).toEqual(sorted(expected));
  if (keyFields === null) return;
  const keyOf = (r: Record<string, unknown>) => JSON.stringify(keyFields.map((f) => r[f]));
  const perKey = (rows: Array<Record<string, unknown>>) => {
    const m = new Map<string, string[]>();
    for (const r of rows) {
      const k = keyOf(r);
      m.set(k, [...(m.get(k) ?? []), JSON.stringify(r)]);
    }
    return m;
  };
  expect(perKey(actual), `sink ${sink}: per-key order`).toEqual(perKey(expected));
}

async function straight(name: string) {
  const spec = load(name);
  spec.settings = { ...spec.settings, checkpointing: { ...spec.settings?.checkpointing, intervalMs: 0 } };
  const job = Job.fromSpec(spec, { baseDir: path.join(examplesDir, name), writeConsole: () => {} });
  const r = await job.run();
  expect(r.status).toBe('finished');
  return { spec, job };
}

describe.each(examples)('exactly-once: %s', (name) => {
  it('gives the same output with checkpoints and injected failures', async () => {
    const base = await straight(name);
    const sinks = collectSinks(base.spec);
    const failAt = failingNode(base.spec);
    const total = base.job.metrics().nodes.find((n) => n.nodeId === failAt)!.recordsIn;

    const spec = load(name);
    spec.settings = {
      ...spec.settings,
      checkpointing: { ...spec.settings?.checkpointing, intervalMs: 1 },
      restart: { strategy: 'fixed-delay', maxAttempts: 10, delayMs: 0 },
    };
    const events: JobEvent[] = [];
    const job = Job.fromSpec(spec, {
      baseDir: path.join(examplesDir, name),
      writeConsole: () => {},
      batchSize: 64,
      sliceMs: 1,
      onEvent: (e) => events.push(e),
      // with thousands of rows, only after a completed checkpoint: the restart must resume from one (below),
      // however slow the machine makes the first checkpoint
      failures: [
        { nodeId: failAt, afterRecords: Math.floor(total / 3), afterCheckpoints: total > 3000 ? 1 : 0 },
      ],
    });
    const r = await job.run();
    expect(r.status, r.error?.message).toBe('finished');
    expect(events.filter((e) => e.type === 'restarting')).toHaveLength(1);
    const keyFields =
      (base.spec.nodes as Array<{ kind: string; key?: string[] }>).find((n) => n.kind === 'keyBy')?.key ?? [];
    // A join emits a pair when the second of its rows arrives, so the order of its output (also per key)
    // follows how its two inputs interleave, which a restart changes (Flink does not define it either): the
    // rows must be the same, their order need not.
    const joins = (base.spec.nodes as Array<{ kind: string }>).some((n) =>
      (JOIN_KINDS as readonly string[]).includes(n.kind),
    );
    for (const sink of sinks)
      sameOutput(job.collected(sink), base.job.collected(sink), sink, joins ? null : keyFields);
    expect(events.some((e) => e.type === 'checkpoint-completed')).toBe(true);
    // With thousands of rows before the failure, the restart resumes from a checkpoint, not from scratch.
    if (total > 3000) expect(events.some((e) => e.type === 'restored')).toBe(true);
    // A minute of transactions per user in risk-control's OVER, ten seconds of impressions and clicks in
    // ad-clicks' interval join: copied in full at every checkpoint (each millisecond) — over 20 s on a busy machine.
  }, 120_000);
});
