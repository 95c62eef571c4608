import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobManager, JobManagerError } from './index';
import { recordEvents, tempDataDir, throwingSpec, unboundedSpec, waitFor } from './test-support';

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof JobManagerError ? e.code : `not a JobManagerError: ${String(e)}`),
  );

describe('JobManager: failures stay inside their job', () => {
  let m: JobManager;
  let rec: ReturnType<typeof recordEvents>;

  beforeAll(async () => {
    m = new JobManager({ dataDir: tempDataDir(), testHooks: true });
    rec = recordEvents(m);
    // A bystander that must keep running through everything below.
    await m.start('bystander', unboundedSpec(200));
  });
  afterAll(() => m.shutdown());

  async function bystanderServes() {
    expect(m.status('bystander')?.status).toBe('running');
    const before = (await m.metrics('bystander'))!.nodes.find((n) => n.nodeId === 'totals')!.recordsIn;
    await waitFor(
      async () =>
        (await m.metrics('bystander'))!.nodes.find((n) => n.nodeId === 'totals')!.recordsIn > before,
      'the bystander to make progress',
    );
  }

  it('an operator that throws: the restart strategy applies (restarting → running → failed with the cause)', async () => {
    await m.start('throws', throwingSpec());
    const failed = await rec.next('throws', 'status', (e) => e.status === 'failed');
    expect(rec.statuses('throws')).toEqual(['created', 'running', 'restarting', 'running', 'failed']);
    const restarting = rec.of('throws', 'status').find((e) => e.status === 'restarting')!;
    expect(restarting.cause).toMatch(/three|CAST|INT/i);
    expect(restarting.restarts).toBe(1);
    expect(failed.cause).toMatch(/after 1 restarts/);
    expect(failed.restarts).toBe(1);
    expect(m.status('throws')).toMatchObject({ status: 'failed', restarts: 1, cause: failed.cause });
    expect(rec.of('throws', 'restarting')).toMatchObject([{ attempt: 1, delayMs: 0 }]);
    expect(m.isRunning('throws')).toBe(false);
    await bystanderServes();
  });

  it('row errors (skip): reported as row-error events, at most 10 a second, the rest counted', async () => {
    const spec = throwingSpec() as { settings: Record<string, unknown> };
    spec.settings.rowErrors = 'skip';
    await m.start('skips', spec);
    await rec.next('skips', 'status', (e) => e.status === 'finished');
    const errors = rec.of('skips', 'row-error');
    const metrics = (await m.metrics('skips'))!;
    expect(metrics.rowErrors).toBeGreaterThan(100);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThanOrEqual(20);
    expect(errors[0]!.message).toMatch(/^parse: /);
    expect(errors[0]!.data).toMatchObject({ nodeId: 'parse' });
    expect(rec.statuses('skips')).toEqual(['created', 'running', 'finished']);
  });

  it('a killed worker: the job fails with WORKER_CRASHED; pending requests reject at once', async () => {
    await m.start('killed', unboundedSpec(100));
    expect(await m.metrics('killed')).toMatchObject({ status: 'running' });
    const hanging = codeOf(m.internals.hang('killed'));
    await m.internals.worker('killed')!.terminate();
    // (rejected by the crash, not by the request's 30-s timeout: the code says which)
    expect(await hanging).toBe('WORKER_CRASHED');
    const failed = await rec.next('killed', 'status', (e) => e.status === 'failed');
    expect(failed.cause).toMatch(/^WORKER_CRASHED: /);
    expect(m.status('killed')).toMatchObject({ status: 'failed' });
    expect(m.status('killed')!.cause).toMatch(/^WORKER_CRASHED/);
    // Everything after answers at once, with a code.
    expect(await codeOf(m.queryState('killed', 'totals'))).toBe('WORKER_CRASHED');
    expect(await codeOf(m.stop('killed'))).toBe('NOT_RUNNING');
    expect(() => m.subscribeState('killed', 'totals')).toThrow(JobManagerError);
    // The last metrics it reported are still there.
    expect(await m.metrics('killed')).toMatchObject({ status: 'running' });
    await bystanderServes();
  });

  it('an uncaught exception in a worker: the job fails with the message; the manager goes on', async () => {
    await m.start('uncaught', unboundedSpec(100));
    await m.internals.crashWorker('uncaught', 'boom in the worker');
    const failed = await rec.next('uncaught', 'status', (e) => e.status === 'failed');
    expect(failed.cause).toBe("WORKER_CRASHED: the job's worker crashed: boom in the worker");
    await bystanderServes();
    // The same id can run again.
    await m.start('uncaught', unboundedSpec(100));
    expect(m.status('uncaught')?.status).toBe('running');
    await m.stop('uncaught');
  });

  it('a request the worker does not answer times out with TIMEOUT', async () => {
    const quick = new JobManager({ dataDir: tempDataDir(), testHooks: true, requestTimeoutMs: 300 });
    try {
      await quick.start('slow', unboundedSpec(100));
      expect(await codeOf(quick.internals.hang('slow'))).toBe('TIMEOUT');
      // The worker is fine otherwise.
      expect(quick.status('slow')?.status).toBe('running');
      expect(await quick.metrics('slow')).toMatchObject({ status: 'running', restarts: 0 });
    } finally {
      await quick.shutdown();
    }
  });

  it('shutdown cancels the running jobs and stops every worker', async () => {
    const s = new JobManager({ dataDir: tempDataDir() });
    const r = recordEvents(s);
    await s.start('a', unboundedSpec(100));
    await s.start('b', unboundedSpec(100));
    await s.shutdown();
    expect(s.status('a')?.status).toBe('cancelled');
    expect(s.status('b')?.status).toBe('cancelled');
    expect(r.statuses('a')).toEqual(['created', 'running', 'cancelled']);
    expect(await codeOf(s.queryState('a', 'totals'))).toBe('NOT_RUNNING');
    await expect(s.start('c', unboundedSpec(100))).rejects.toThrow(/shut down/);
  });
});
