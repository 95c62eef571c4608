/**
 * The run view's panels, rendered (React's server renderer: the markup a browser would get, no DOM needed) for a
 * job on the disk state backend: the checkpoint history says what an incremental checkpoint wrote of what it
 * consists of, a full one and a heap one one size; the nodes panel says each stateful node's state on disk, and
 * a heap job's has no such column.
 */
import type { Checkpoint, JobDetail, NodeMetrics } from '@flowstate/api';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createElement, type ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { keys } from '../../lib/queries';
import { jobMetrics, nodeMetrics } from '../../lib/test-support';
import { CheckpointsPanel } from './checkpoints-panel';
import { NodesPanel } from './nodes-panel';

const spec = {
  specVersion: 1,
  name: 'disk-job',
  settings: { stateBackend: 'disk' },
  nodes: [
    {
      id: 'gen',
      kind: 'source',
      connector: { type: 'datagen', fields: { k: { kind: 'sequence' } } },
      schema: { k: 'int' },
    },
    { id: 'byK', kind: 'keyBy', key: ['k'] },
    { id: 'counts', name: 'Counts', kind: 'aggregate', aggregates: { n: 'COUNT(*)' } },
    { id: 'out', kind: 'sink', connector: { type: 'collect' } },
  ],
  edges: [
    { from: 'gen', to: 'byK' },
    { from: 'byK', to: 'counts' },
    { from: 'counts', to: 'out' },
  ],
};

const job = (nodes: NodeMetrics[]): JobDetail => ({
  id: 'job1',
  name: 'disk-job',
  pipelineId: null,
  version: null,
  status: 'running',
  failureCause: null,
  restarts: 0,
  restoredFrom: null,
  createdAt: '2026-12-07T10:00:00.000Z',
  startedAt: '2026-12-07T10:00:00.000Z',
  endedAt: null,
  spec,
  live: true,
  metrics: jobMetrics(5000, nodes),
  metricsLive: true,
  metricsAt: null,
});

const checkpoint = (id: number, over: Partial<Checkpoint>): Checkpoint => ({
  jobId: 'job1',
  checkpointId: id,
  kind: 'checkpoint',
  trigger: 'periodic',
  status: 'completed',
  startedAt: '2026-12-07T10:00:03.000Z',
  durationMs: 12,
  sizeBytes: 4301,
  fullSizeBytes: null,
  incrementalSizeBytes: null,
  path: `/data/checkpoints/job1/chk-${id}`,
  failureReason: null,
  operators: [],
  pauses: null,
  ...over,
});

/** Renders with the checkpoint list already fetched (as the run view has it after its first GET). */
function render(element: ReactElement, checkpoints: Checkpoint[] = []): string {
  const qc = new QueryClient();
  qc.setQueryData(keys.checkpoints('job1'), { checkpoints });
  return renderToStaticMarkup(createElement(QueryClientProvider, { client: qc }, element));
}

/** The text of each table row (cells joined by ` | `), as a person reads them. */
function rows(html: string): string[] {
  return [...html.matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<t[hd][^>]*>(.*?)<\/t[hd]>/g)]
      .map((c) =>
        c[1]!
          .replace(/<[^>]+>/g, '')
          .replace(/&#x27;/g, "'")
          .trim(),
      )
      .join(' | '),
  );
}

describe('run view: sizes of a disk-backed job', () => {
  it('the checkpoint history: incremental of full for a delta, one size for a full one and a heap one', () => {
    const html = render(createElement(CheckpointsPanel, { job: job([]), running: true }), [
      checkpoint(3, { sizeBytes: 4301, fullSizeBytes: 40_684_339, incrementalSizeBytes: 414_720 }),
      checkpoint(2, { sizeBytes: 4002, fullSizeBytes: 40_269_619, incrementalSizeBytes: 40_269_619 }),
      checkpoint(1, { sizeBytes: 2_097_152 }),
      checkpoint(4, { status: 'pending', durationMs: null, sizeBytes: null }),
    ]);
    const body = rows(html).slice(1);
    expect(body[0]).toMatch(
      /^3 \| periodic \| .* \| 12 ms \| 405\.0 KiB incremental of 38\.8 MiB full \| Restore$/,
    );
    expect(body[1]).toMatch(/^2 \| .* \| 12 ms \| 38\.4 MiB \| Restore$/);
    expect(body[2]).toMatch(/^1 \| .* \| 12 ms \| 2\.0 MiB \| Restore$/);
    expect(body[3]).toMatch(/^4 \| .* \| — \| — \| $/);
    // What the two figures mean, on hover (and to assistive technology, as the element's description).
    expect(html).toContain(
      'title="checkpoint 3 wrote 405.0 KiB: the keys changed since the checkpoint it builds on. It consists of 38.8 MiB',
    );
    expect(html).toContain('title="checkpoint 2 wrote its state in full (disk state backend)');
  });

  it('the nodes panel: each stateful node’s state on disk', () => {
    const disk = render(
      createElement(NodesPanel, {
        job: job([
          nodeMetrics({ nodeId: 'gen', kind: 'source', recordsOut: 3010 }),
          nodeMetrics({ nodeId: 'counts', kind: 'aggregate', numKeys: 3010, stateBytesOnDisk: 225_360 }),
          nodeMetrics({ nodeId: 'out', kind: 'sink' }),
        ]),
      }),
    );
    expect(rows(disk)).toEqual([
      'Node | Kind | In | Out | In/s | Out/s | Keys | State on disk | Backpressure',
      'gen | source | 0 | 3,010 | 0 | 0 | — | — | —',
      'Counts | aggregate | 0 | 0 | 0 | 0 | 3,010 | 220.1 KiB | —',
      'out | sink | 0 | 0 | 0 | 0 | — | — | —',
    ]);
    const heap = render(
      createElement(NodesPanel, {
        job: job([nodeMetrics({ nodeId: 'counts', kind: 'aggregate', numKeys: 3 })]),
      }),
    );
    expect(rows(heap)[0]).toBe('Node | Kind | In | Out | In/s | Out/s | Keys | Backpressure');
  });
});
