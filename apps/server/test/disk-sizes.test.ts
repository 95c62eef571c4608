/**
 * A job on the disk state backend, through the server: each completed checkpoint's full and incremental size
 * reach the socket event, the database and the REST list (and survive a server restart), and the job's figures
 * carry each stateful node's bytes on disk.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  ask,
  nextEvent,
  openSocket,
  sleep,
  startServer,
  type TestServer,
  type TestSocket,
  tempDataDir,
  waitFor,
} from './test-support';

const BURST = 3000;

/**
 * Two sources into one keyed count: `burst` gives BURST keys at once and ends, `trickle` a new key every
 * 100 ms. A checkpoint once the burst is in holds BURST keys in full; the next holds the few trickle keys since.
 */
function diskSpec() {
  const source = (id: string, connector: Record<string, unknown>) => ({
    id,
    kind: 'source',
    connector: { type: 'datagen', ...connector },
    schema: { k: 'int' },
  });
  return {
    specVersion: 1,
    name: 'disk-sizes',
    settings: { stateBackend: 'disk' },
    nodes: [
      source('burst', { count: BURST, rowsPerSecond: 0, fields: { k: { kind: 'sequence', start: 0 } } }),
      source('trickle', { rowsPerSecond: 10, fields: { k: { kind: 'sequence', start: 1_000_000 } } }),
      { id: 'both', kind: 'filter', where: 'k IS NOT NULL' },
      { id: 'byK', kind: 'keyBy', key: ['k'] },
      { id: 'counts', kind: 'aggregate', aggregates: { n: 'COUNT(*)' } },
      { id: 'out', kind: 'sink', connector: { type: 'collect', maxRows: 100 } },
    ],
    edges: [
      { from: 'burst', to: 'both' },
      { from: 'trickle', to: 'both' },
      { from: 'both', to: 'byK' },
      { from: 'byK', to: 'counts' },
      { from: 'counts', to: 'out' },
    ],
  };
}

type Sizes = { checkpointId: number; sizeBytes: number; fullSizeBytes: number; incrementalSizeBytes: number };
const sizesOf = (c: Sizes) => ({
  checkpointId: c.checkpointId,
  sizeBytes: c.sizeBytes,
  fullSizeBytes: c.fullSizeBytes,
  incrementalSizeBytes: c.incrementalSizeBytes,
});

describe('disk state backend through the server', () => {
  const data = tempDataDir();
  let t: TestServer | undefined;
  let socket: TestSocket | undefined;
  afterAll(async () => {
    socket?.close();
    await t?.close();
    data.remove();
  });

  it('reports full vs incremental checkpoint sizes and state on disk, kept across a server restart', async () => {
    t = await startServer(data.dir);
    socket = await openSocket(t.url);
    const started = await t.api.post('/api/jobs', { spec: diskSpec() });
    expect(started.status).toBe(201);
    const jobId: string = started.body.id;
    expect(await ask(socket, 'job:subscribe', { jobId })).toEqual({ ok: true });
    const counts = async () =>
      (await t!.api.get(`/api/jobs/${jobId}`)).body.metrics?.nodes.find(
        (n: { nodeId: string }) => n.nodeId === 'counts',
      );
    await waitFor(async () => (await counts())?.numKeys >= BURST, 'the burst in state');

    const checkpoint = async () => {
      const done = nextEvent(socket!, 'checkpoint:completed', (c) => c.jobId === jobId);
      const r = await t!.api.post(`/api/jobs/${jobId}/checkpoints`);
      expect(r.status).toBe(202);
      const e = await done;
      expect(e.checkpointId).toBe(r.body.checkpointId);
      return e as Sizes;
    };
    const first = await checkpoint();
    await sleep(300); // a few trickle keys
    const second = await checkpoint();

    // The first holds the state in full; the second wrote only the keys since.
    expect(first.fullSizeBytes).toBeGreaterThan(0);
    expect(first.incrementalSizeBytes).toBe(first.fullSizeBytes);
    expect(second.fullSizeBytes).toBeGreaterThan(first.fullSizeBytes);
    expect(second.incrementalSizeBytes * 10).toBeLessThan(second.fullSizeBytes);

    // The REST list says the same as the socket (newest first).
    const listed = (await t.api.get(`/api/jobs/${jobId}/checkpoints`)).body.checkpoints as Sizes[];
    expect(listed.map(sizesOf)).toEqual([second, first].map(sizesOf));
    const one = (await t.api.get(`/api/jobs/${jobId}/checkpoints/${second.checkpointId}`)).body;
    expect(sizesOf(one)).toEqual(sizesOf(second));

    // The event log says it in words.
    const kib = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`);
    const messages = (await t.api.get(`/api/jobs/${jobId}/events`)).body.events.map(
      (e: { message: string }) => e.message,
    );
    expect(messages).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^checkpoint 1 completed in \\d+ ms \\(${kib(first.fullSizeBytes)}, written in full, manual\\)$`,
        ),
      ),
    );
    expect(messages).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^checkpoint 2 completed in \\d+ ms \\(${kib(second.incrementalSizeBytes)} incremental of ${kib(second.fullSizeBytes)} full, manual\\)$`,
        ),
      ),
    );

    // State on disk: the keyed node's store, in the live figures; none for the stateless ones.
    const live = (await t.api.get(`/api/jobs/${jobId}`)).body.metrics.nodes as Array<{
      nodeId: string;
      stateBytesOnDisk?: number;
    }>;
    expect(live.find((n) => n.nodeId === 'counts')!.stateBytesOnDisk).toBeGreaterThan(0);
    expect(live.filter((n) => n.stateBytesOnDisk !== undefined).map((n) => n.nodeId)).toEqual(['counts']);

    const stopped = await t.api.post(`/api/jobs/${jobId}/stop`);
    expect(stopped.body.job.status).toBe('cancelled');
    socket.close();
    socket = undefined;
    await t.close();

    // A new server reads them from the database.
    t = await startServer(data.dir);
    const after = (await t.api.get(`/api/jobs/${jobId}/checkpoints`)).body.checkpoints as Sizes[];
    expect(after.map(sizesOf)).toEqual([second, first].map(sizesOf));
    const stored = (await t.api.get(`/api/jobs/${jobId}`)).body;
    expect(stored).toMatchObject({ live: false, metricsLive: false });
    expect(
      stored.metrics.nodes.find((n: { nodeId: string }) => n.nodeId === 'counts').stateBytesOnDisk,
    ).toBeGreaterThan(0);
  });
});
