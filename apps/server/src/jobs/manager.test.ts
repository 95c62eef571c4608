import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobManager, JobManagerError } from './index';
import { boundedSpec, KEYS, recordEvents, tempDataDir, unboundedSpec, waitFor } from './test-support';

/** Real workers, real engine, a temp data dir. */
describe('JobManager: running jobs', () => {
  let m: JobManager;
  let rec: ReturnType<typeof recordEvents>;

  beforeAll(() => {
    // Every output row is streamed (no skipping), so the events can be checked against the sink.
    m = new JobManager({
      dataDir: tempDataDir(),
      metricsIntervalMs: 25,
      outputIntervalMs: 50,
      outputMaxRowsPerTick: 1e9,
    });
    rec = recordEvents(m);
  });
  afterAll(() => m.shutdown());

  it('runs a bounded job to the end: status, metrics and output events, state after the run', async () => {
    const rows = 300_000;
    await m.start('bounded', boundedSpec(rows));
    await rec.next('bounded', 'status', (e) => e.status === 'finished', 30_000);
    expect(rec.statuses('bounded')).toEqual(['created', 'running', 'finished']);
    const st = m.status('bounded');
    expect(st).toMatchObject({ status: 'finished', restarts: 0 });
    expect(st?.startedAt).toBeGreaterThan(0);
    expect(m.isRunning('bounded')).toBe(false);

    // Metrics: at least the final one, JSON-safe (the +Infinity watermark after the end is null).
    const metrics = rec.of('bounded', 'metrics');
    expect(metrics.length).toBeGreaterThan(0);
    const last = metrics[metrics.length - 1]!.metrics;
    expect(last.status).toBe('finished');
    const totals = last.nodes.find((n) => n.nodeId === 'totals')!;
    expect(totals.recordsIn).toBe(rows);
    expect(totals.numKeys).toBe(KEYS.length);
    for (const n of last.nodes) expect(n.watermark === null || Number.isFinite(n.watermark)).toBe(true);
    expect(await m.metrics('bounded')).toMatchObject({ status: 'finished', restarts: 0 });

    // Output events: contiguous, in order, at most 500 rows each, adding up to the sink's rows, all before
    // the `finished` status.
    const out = rec.of('bounded', 'output');
    expect(out.length).toBeGreaterThan(0);
    let next = 0;
    const streamed: unknown[] = [];
    for (const e of out) {
      expect(e.nodeId).toBe('out');
      expect(e.epoch).toBe(0);
      expect(e.from).toBe(next);
      expect(e.rows.length).toBeLessThanOrEqual(500);
      expect(e.next).toBe(e.from + e.rows.length);
      next = e.next;
      streamed.push(...e.rows);
    }
    expect(streamed.length).toBe(rows);
    const finishedAt = rec.events.findIndex(
      (e) => e.type === 'status' && e.jobId === 'bounded' && e.status === 'finished',
    );
    expect(rec.events.indexOf(out[out.length - 1]!)).toBeLessThan(finishedAt);
    const sink: unknown[] = [];
    for (let since = 0; since < rows; ) {
      const page = await m.output('bounded', 'out', { since, limit: 10_000 });
      expect(page.from).toBe(since);
      sink.push(...page.rows);
      since = page.next;
    }
    expect(streamed).toEqual(sink);

    // Without `since`: the last rows.
    const tail = await m.output('bounded', 'out', { limit: 3 });
    expect(tail).toMatchObject({ from: rows - 3, next: rows, epoch: 0 });
    expect(tail.rows).toEqual(sink.slice(-3));

    // State after the run: every key's count adds up to the rows, and equals its last output row.
    const page = await m.queryState('bounded', 'totals', { limit: 100 });
    expect(page.entries.map((e) => e.key)).toEqual([...KEYS].sort());
    expect(page.nextCursor).toBeNull();
    const sum = page.entries.reduce((a, e) => a + (e.value as { trades: number }).trades, 0);
    expect(sum).toBe(rows);
    for (const key of KEYS) {
      const lastRow = [...sink].reverse().find((r) => (r as { symbol: string }).symbol === key) as Record<
        string,
        unknown
      >;
      const value = await m.stateOfKey('bounded', 'totals', key);
      expect(value).toEqual({ trades: lastRow.trades, volume: lastRow.volume });
    }
    expect(await m.stateOfKey('bounded', 'totals', 'NOPE')).toBeNull();
  });

  it('answers state queries while the job runs, with paging', async () => {
    const spec = boundedSpec(2000);
    (spec.nodes[0] as unknown as { connector: { rowsPerSecond: number } }).connector.rowsPerSecond = 2000;
    await m.start('paced', spec);
    expect(m.isRunning('paced')).toBe(true);
    const during = await waitFor(async () => {
      const p = await m.queryState('paced', 'totals', { limit: 100 });
      return p.entries.length > 0 && p;
    }, 'state during the run');
    const sumDuring = during.entries.reduce((a, e) => a + (e.value as { trades: number }).trades, 0);
    expect(m.status('paced')?.status).toBe('running');
    expect(sumDuring).toBeGreaterThan(0);
    expect(sumDuring).toBeLessThan(2000);
    const aapl = (await m.stateOfKey('paced', 'totals', 'AAPL')) as { trades: number } | null;
    expect(aapl === null || aapl.trades > 0).toBe(true);

    // Paging with a cursor covers every key once.
    const seen: unknown[] = [];
    let cursor: string | null = null;
    do {
      const p = await m.queryState('paced', 'totals', { limit: 3, ...(cursor ? { cursor } : {}) });
      expect(p.entries.length).toBeLessThanOrEqual(3);
      seen.push(...p.entries.map((e) => e.key));
      cursor = p.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThan(0);
    // Prefix.
    const pre = await m.queryState('paced', 'totals', { prefix: 'A' });
    for (const e of pre.entries) expect(String(e.key).startsWith('A')).toBe(true);

    await rec.next('paced', 'status', (e) => e.status === 'finished', 20_000);
    const after = await m.queryState('paced', 'totals');
    expect(after.entries.reduce((a, e) => a + (e.value as { trades: number }).trades, 0)).toBe(2000);
  });

  it('streams the newest rows when a sink outruns the output budget, and says where the gap is', async () => {
    const small = new JobManager({ dataDir: tempDataDir(), outputIntervalMs: 50 }); // default budget: 2000/tick
    const r = recordEvents(small);
    try {
      await small.start('fast', boundedSpec(200_000));
      await r.next('fast', 'status', (e) => e.status === 'finished', 30_000);
      const out = r.of('fast', 'output');
      const rows = out.reduce((a, e) => a + e.rows.length, 0);
      expect(rows).toBeLessThan(200_000);
      expect(out[out.length - 1]!.next).toBe(200_000);
      for (const e of out) {
        expect(e.rows.length).toBeLessThanOrEqual(500);
        // Whatever was sent is exactly what the sink holds at those sequence numbers.
        const page = await small.output('fast', 'out', { since: e.from, limit: e.rows.length });
        expect(page.rows).toEqual(e.rows);
      }
    } finally {
      await small.shutdown();
    }
  });

  it('streams a node’s live state from one engine subscription: bounded deliveries, ended by its unsubscribe', async () => {
    const sm = new JobManager({ dataDir: tempDataDir(), stateMaxKeys: 3 });
    const r = recordEvents(sm);
    try {
      await sm.start('live', unboundedSpec(4000));
      const off = sm.subscribeState('live', 'totals');
      sm.subscribeState('live', 'totals'); // a repeated subscribe holds no second engine subscription
      await waitFor(() => r.of('live', 'state').length >= 5, 'state events');
      const stats = await sm.internals.workerStats('live');
      expect(stats.stateSubscriptions).toEqual(['totals']);
      expect(stats.engineSubscribeCalls).toBe(1);
      // Bounded: at most 3 keys per delivery, the rest counted; values are what the engine holds.
      const events = r.of('live', 'state');
      for (const e of events) {
        expect(e.nodeId).toBe('totals');
        expect(e.changes.length).toBeLessThanOrEqual(3);
        expect(e.numKeys).toBeLessThanOrEqual(KEYS.length);
      }
      expect(events.some((e) => e.dropped > 0)).toBe(true);
      const last = events[events.length - 1]!;
      for (const c of last.changes) expect((c.value as { trades: number }).trades).toBeGreaterThan(0);

      off();
      off(); // twice: no effect
      expect((await sm.internals.workerStats('live')).stateSubscriptions).toEqual([]);
      const again = sm.subscribeState('live', 'totals');
      expect((await sm.internals.workerStats('live')).engineSubscribeCalls).toBe(2);
      again();
    } finally {
      await sm.shutdown();
    }
  });
});

describe('JobManager: errors', () => {
  let m: JobManager;
  beforeAll(async () => {
    m = new JobManager({ dataDir: tempDataDir() });
    await m.start('err', unboundedSpec(100));
  });
  afterAll(() => m.shutdown());

  async function code(p: Promise<unknown> | (() => unknown)): Promise<string> {
    try {
      await (typeof p === 'function' ? p() : p);
    } catch (e) {
      expect(e).toBeInstanceOf(JobManagerError);
      return (e as JobManagerError).code;
    }
    throw new Error('expected a JobManagerError');
  }

  it('unknown job ids', async () => {
    expect(m.status('nope')).toBeUndefined();
    expect(m.isRunning('nope')).toBe(false);
    expect(await code(m.stop('nope'))).toBe('UNKNOWN_JOB');
    expect(await code(m.triggerCheckpoint('nope'))).toBe('UNKNOWN_JOB');
    expect(await code(m.restore('nope', 1))).toBe('UNKNOWN_JOB');
    expect(await code(m.queryState('nope', 'totals'))).toBe('UNKNOWN_JOB');
    expect(await code(m.stateOfKey('nope', 'totals', 'AAPL'))).toBe('UNKNOWN_JOB');
    expect(await code(m.output('nope', 'out'))).toBe('UNKNOWN_JOB');
    expect(await code(m.metrics('nope'))).toBe('UNKNOWN_JOB');
    expect(await code(() => m.subscribeState('nope', 'totals'))).toBe('UNKNOWN_JOB');
  });

  it('unknown nodes and nodes without keyed state or output', async () => {
    expect(await code(m.queryState('err', 'ghost'))).toBe('NO_SUCH_NODE');
    expect(await code(m.stateOfKey('err', 'ghost', 'k'))).toBe('NO_SUCH_NODE');
    expect(await code(m.output('err', 'ghost'))).toBe('NO_SUCH_NODE');
    expect(await code(m.output('err', 'totals'))).toBe('NO_SUCH_NODE'); // not a collect sink
    expect(await code(m.queryState('err', 'trades'))).toBe('NO_KEYED_STATE');
    expect(await code(m.queryState('err', 'out'))).toBe('NO_KEYED_STATE');
    expect(await code(() => m.subscribeState('err', 'trades'))).toBe('NO_KEYED_STATE');
    expect(await code(() => m.subscribeState('err', 'ghost'))).toBe('NO_SUCH_NODE');
    const e = await m.queryState('err', 'ghost').catch((x: JobManagerError) => x);
    expect((e as JobManagerError).message).toContain("no node 'ghost'");
  });

  it('an invalid spec: INVALID_SPEC with the problems, and no job', async () => {
    const bad = unboundedSpec(10) as { nodes: Array<Record<string, unknown>> };
    bad.nodes[2] = { id: 'totals', kind: 'aggregate', aggregates: { x: 'SUM(nosuchfield)' } };
    const err = await m.start('bad', bad).catch((x: unknown) => x);
    expect(err).toBeInstanceOf(JobManagerError);
    expect((err as JobManagerError).code).toBe('INVALID_SPEC');
    const problems = (err as JobManagerError).problems as Array<{ nodeId?: string; message: string }>;
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.some((p) => p.nodeId === 'totals')).toBe(true);
    expect(m.status('bad')).toBeUndefined();
    expect(await code(m.start('bad2', { specVersion: 1 }))).toBe('INVALID_SPEC');
    await expect(m.start('bad id/..', unboundedSpec(10))).rejects.toThrow(TypeError);
  });

  it('a running job id cannot start twice; a missing checkpoint is NO_SUCH_CHECKPOINT', async () => {
    expect(await code(m.start('err', unboundedSpec(10)))).toBe('ALREADY_RUNNING');
    expect(await code(m.restore('err', 999))).toBe('NO_SUCH_CHECKPOINT');
    expect(await code(m.start('nocp', unboundedSpec(10), { restoreFrom: { path: '/no/such/chk-1' } }))).toBe(
      'NO_SUCH_CHECKPOINT',
    );
    expect(await code(m.checkpointState('/no/such/chk-1', null, 'totals', {}))).toBe('NO_SUCH_CHECKPOINT');
    // The job is unaffected by all of the above.
    expect(m.status('err')?.status).toBe('running');
    await waitFor(
      async () => (await m.queryState('err', 'totals')).entries.length === KEYS.length,
      'every key in state',
    );
    expect((await m.queryState('err', 'totals')).entries.map((e) => e.key)).toEqual([...KEYS].sort());
  });

  it('commands to an ended job: NOT_RUNNING; its state stays readable', async () => {
    await m.start('short', boundedSpec(100));
    const rec = recordEvents(m);
    await waitFor(() => m.status('short')?.status === 'finished', 'short to finish');
    rec.off();
    expect(await code(m.triggerCheckpoint('short'))).toBe('NOT_RUNNING');
    expect(await code(m.stop('short'))).toBe('NOT_RUNNING');
    expect(await code(m.restore('short', 1))).toBe('NOT_RUNNING');
    const page = await m.queryState('short', 'totals');
    expect(page.entries.reduce((a, e) => a + (e.value as { trades: number }).trades, 0)).toBe(100);
    // A new run may reuse the id once the old one ended.
    await m.start('short', boundedSpec(50));
    await waitFor(() => m.status('short')?.status === 'finished', 'second run to finish');
    const again = await m.queryState('short', 'totals');
    expect(again.entries.reduce((a, e) => a + (e.value as { trades: number }).trades, 0)).toBe(50);
  });
});
