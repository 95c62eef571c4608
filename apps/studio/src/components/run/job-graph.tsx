'use client';
/**
 * The run's pipeline graph: the spec's nodes where the editor placed them, each with its live figures —
 * rows/s in and out, watermark, keys in state, backpressure (the share of the last second its subtasks spent
 * blocked, coloured as Flink's web UI does). Read-only: nothing moves or connects here.
 */
import type { JobDetail, JobMetrics } from '@flowstate/api';
import type { JobSpecInput } from '@flowstate/spec';
import {
  Background,
  Handle,
  type Node,
  type NodeProps,
  Position,
  ReactFlow,
  ReactFlowProvider,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useMemo, useRef } from 'react';
import { handlesOf, importSpec, KIND_LABELS, specToGraph } from '../../editor';
import { formatCount, formatRate, formatTime } from '../../lib/format';
import { type NodeFigures, nodeFigures } from '../../lib/graph-metrics';
import { useColorMode } from '../../lib/use-color-mode';
import { Card } from '../ui/feedback';

type GraphNodeData = {
  label: string;
  kind: string;
  figures: NodeFigures | undefined;
  running: boolean;
  /** A keyBy's key fields: it is a partitioning between tasks, not an operator, so it has no figures. */
  key?: string[];
};
type GraphNode = Node<GraphNodeData, 'metrics'>;

const NODE_TYPES = { metrics: memo(MetricsNode) };

/** The two newest metrics samples (the previous one gives the backpressure over the last interval). */
function useTwoSamples(metrics: JobMetrics | null): [JobMetrics | null, JobMetrics | null] {
  const samples = useRef<[JobMetrics | null, JobMetrics | null]>([null, null]);
  if (metrics !== samples.current[1]) samples.current = [samples.current[1], metrics];
  return samples.current;
}

export function JobGraph({ job, running }: { job: JobDetail; running: boolean }) {
  const colorMode = useColorMode();
  const [prev, cur] = useTwoSamples(job.metrics);
  const figures = useMemo(() => nodeFigures(prev, cur), [prev, cur]);
  const graph = useMemo(() => {
    const imported = importSpec(job.spec);
    return imported.ok ? specToGraph(imported.spec as JobSpecInput) : null;
  }, [job.spec]);

  const nodes = useMemo<GraphNode[]>(
    () =>
      (graph?.nodes ?? []).map((n) => ({
        id: n.id,
        type: 'metrics',
        position: n.position,
        data: {
          label: (n.data as { name?: string }).name || n.id,
          kind: n.type ?? 'node',
          figures: figures.get(n.id),
          running,
          ...(n.type === 'keyBy' ? { key: ((n.data as { key?: string[] }).key ?? []).map(String) } : {}),
        },
      })),
    [graph, figures, running],
  );
  const edges = useMemo(
    () =>
      (graph?.edges ?? []).map((e) => ({
        ...e,
        animated: running && (figures.get(e.source)?.recordsOutPerSec ?? 0) > 0,
      })),
    [graph, figures, running],
  );

  return (
    <Card title="Pipeline" titleId="graph-title">
      {graph === null ? (
        <p className="p-4 text-sm text-muted">This run&apos;s spec cannot be drawn.</p>
      ) : (
        <section aria-labelledby="graph-title" className="h-64 w-full">
          <ReactFlowProvider>
            <ReactFlow
              nodes={nodes}
              edges={edges}
              nodeTypes={NODE_TYPES}
              nodesDraggable={false}
              nodesConnectable={false}
              elementsSelectable={false}
              nodesFocusable={false}
              edgesFocusable={false}
              panOnScroll={false}
              zoomOnScroll={false}
              preventScrolling={false}
              fitView
              fitViewOptions={{ padding: 0.12, maxZoom: 1 }}
              colorMode={colorMode}
              proOptions={{ hideAttribution: true }}
            >
              <Background gap={20} size={1} />
            </ReactFlow>
          </ReactFlowProvider>
        </section>
      )}
    </Card>
  );
}

const LEVEL_CLASS = {
  ok: 'bg-ok-soft text-ok',
  low: 'bg-warn-soft text-warn',
  high: 'bg-danger-soft text-danger',
} as const;

function MetricsNode({ data }: NodeProps<GraphNode>) {
  const { label, kind, figures: f } = data;
  const { inputs, outputs } = handlesOf(kind as never);
  const bp = f?.backpressure ?? null;
  // A run that no longer runs moves no rows: its nodes show how many they moved in all.
  const flow = data.running
    ? `${formatRate(f?.recordsInPerSec ?? 0)} rows/s in, ${formatRate(f?.recordsOutPerSec ?? 0)} rows/s out`
    : `${formatCount(f?.totalRecordsIn ?? 0)} rows in, ${formatCount(f?.totalRecordsOut ?? 0)} rows out`;
  const summary = f
    ? `${label}: ${flow}` +
      (f.watermark !== null ? `, watermark ${formatTime(f.watermark)}` : '') +
      (f.numKeys > 0 ? `, ${formatCount(f.numKeys)} keys` : '') +
      (bp !== null ? `, backpressure ${Math.round(bp * 100)} % (${f.level})` : '')
    : data.key
      ? `${label}: rows are partitioned by ${data.key.join(', ')}`
      : `${label}: no live figures`;
  return (
    <article
      aria-label={summary}
      className="w-[220px] rounded-lg border border-border bg-surface px-3 py-2 text-left shadow-sm"
    >
      {inputs.map((h) => (
        <Handle key={h} type="target" position={Position.Left} id={h} isConnectable={false} />
      ))}
      <div className="flex items-center justify-between gap-2">
        <span className="truncate text-sm font-medium">{label}</span>
        <span className="shrink-0 rounded bg-surface-2 px-1.5 py-0.5 text-[10px] uppercase tracking-wide text-muted">
          {(KIND_LABELS as Record<string, string>)[kind] ?? kind}
        </span>
      </div>
      {f ? (
        <dl className="mt-1.5 grid grid-cols-[auto_1fr] gap-x-2 gap-y-0.5 text-xs tabular-nums">
          <dt className="text-muted">{data.running ? 'rows/s' : 'rows'}</dt>
          <dd className="text-right">
            {data.running
              ? `${formatRate(f.recordsInPerSec)} in · ${formatRate(f.recordsOutPerSec)} out`
              : `${formatCount(f.totalRecordsIn)} in · ${formatCount(f.totalRecordsOut)} out`}
          </dd>
          {f.watermark !== null && (
            <>
              <dt className="text-muted">watermark</dt>
              <dd className="text-right">{formatTime(f.watermark)}</dd>
            </>
          )}
          {f.numKeys > 0 && (
            <>
              <dt className="text-muted">keys</dt>
              <dd className="text-right">{formatCount(f.numKeys)}</dd>
            </>
          )}
          <dt className="text-muted">backpressure</dt>
          <dd className="text-right">
            {bp === null ? (
              '—'
            ) : (
              <span className={`rounded px-1 ${LEVEL_CLASS[f.level ?? 'ok']}`}>
                {Math.round(bp * 100)} % {f.level}
              </span>
            )}
          </dd>
        </dl>
      ) : data.key ? (
        <p className="mt-1 truncate text-xs text-muted">hash-partitions by {data.key.join(', ') || '—'}</p>
      ) : (
        <p className="mt-1 text-xs text-muted">{data.running ? 'waiting for figures…' : 'not running'}</p>
      )}
      {outputs.map((h, i) => (
        <Handle
          key={h}
          type="source"
          position={Position.Right}
          id={h}
          isConnectable={false}
          style={outputs.length > 1 ? { top: `${((i + 1) * 100) / (outputs.length + 1)}%` } : undefined}
        />
      ))}
    </article>
  );
}
