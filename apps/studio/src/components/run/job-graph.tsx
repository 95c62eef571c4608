'use client';
/**
 * The run's pipeline graph: the spec's nodes in the editor's order, compact (`compactPositions`) and at a
 * readable zoom, each with its live figures — rows/s in and out, watermark (with its date), keys in state, the
 * bytes its state takes on disk (disk state backend), a window's late rows, idle inputs, row errors,
 * backpressure (the share of the last second its subtasks spent blocked, coloured as Flink's web UI does).
 * Read-only: nothing moves or connects here.
 */
import type { JobDetail, JobMetrics } from '@flowstate/api';
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
import { Fragment, memo, type ReactNode, useMemo, useRef } from 'react';
import { KIND_LABELS } from '../../editor';
import { formatBytes, formatCount, formatEventTime, formatRate } from '../../lib/format';
import {
  compactPositions,
  figureLines,
  type NodeFigures,
  nodeFigures,
  RUN_NODE_WIDTH,
  RUN_ROW_GAP,
  runRowHeight,
} from '../../lib/graph-metrics';
import { inputsSummary, type RunGraphNode, runGraph } from '../../lib/run-graph';
import { type TimeFigures, timeFigures } from '../../lib/time-figures';
import { useColorMode } from '../../lib/use-color-mode';
import { HandleLabel } from '../editor/flow-node';
import { EventTime } from '../ui/event-time';
import { Card } from '../ui/feedback';

type GraphNodeData = {
  label: string;
  kind: string;
  figures: NodeFigures | undefined;
  /** A window's figures from the same sample (late rows, next firing). */
  window: TimeFigures['window'];
  running: boolean;
  /** A keyBy's key fields: it is a partitioning between tasks, not an operator, so it has no figures. */
  key?: string[];
  /** Its input handles (a join: left and right, with the nodes feeding each) and output handles. */
  inputs: RunGraphNode['inputs'];
  outputs: RunGraphNode['outputs'];
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
  const windows = useMemo(
    () => new Map((cur ? timeFigures(cur, 0) : []).map((f) => [f.nodeId, f.window])),
    [cur],
  );
  const graph = useMemo(() => runGraph(job.spec), [job.spec]);
  // Rows as tall as the tallest node box, so that a node with many figures does not run into the row below
  let lines = 0;
  for (const [id, f] of figures) lines = Math.max(lines, figureLines(f, windows.get(id)?.lateDropped ?? 0));
  const rowHeight = runRowHeight(lines);
  const positions = useMemo(() => compactPositions(graph?.nodes ?? [], rowHeight), [graph, rowHeight]);
  const rows = new Set([...positions.values()].map((p) => p.y)).size;

  const nodes = useMemo<GraphNode[]>(
    () =>
      (graph?.nodes ?? []).map((n) => ({
        id: n.id,
        type: 'metrics',
        position: positions.get(n.id) ?? n.position,
        data: {
          label: n.label,
          kind: n.kind,
          figures: figures.get(n.id),
          window: windows.get(n.id) ?? null,
          running,
          inputs: n.inputs,
          outputs: n.outputs,
          ...(n.key ? { key: n.key } : {}),
        },
      })),
    [graph, positions, figures, windows, running],
  );
  const edges = useMemo(
    () =>
      (graph?.edges ?? []).map((e) => ({
        ...e,
        animated: running && (figures.get(e.source)?.recordsOutPerSec ?? 0) > 0,
        // A window's late rows travel their own edge: say so on it.
        ...(e.label ? { labelStyle: { fontSize: 11 } } : {}),
      })),
    [graph, figures, running],
  );

  return (
    // Wider than the page's column (up to 96rem): a six-node pipeline fits at full size on a laptop screen.
    <Card title="Pipeline" titleId="graph-title" className="mx-[calc(50%_-_min(50vw_-_1rem,48rem))]">
      {graph === null ? (
        <p className="p-4 text-sm text-muted">This run&apos;s spec cannot be drawn.</p>
      ) : (
        <section
          aria-labelledby="graph-title"
          className="w-full"
          style={{ height: Math.max(1, rows) * (rowHeight + RUN_ROW_GAP) + 48 }}
        >
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
              // Readable first: a pipeline wider than the page at 80 % pans sideways.
              minZoom={0.8}
              fitViewOptions={{ padding: 0.04, minZoom: 0.8, maxZoom: 1 }}
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

/** What the node's accessible name reads: its name, a join's two inputs, then every figure it shows. */
function summaryOf(data: GraphNodeData): string {
  const sides = inputsSummary(data);
  return `${data.label}${sides === null ? '' : ` (${sides})`}: ${figuresOf(data)}`;
}

function figuresOf(data: GraphNodeData): string {
  const { figures: f, window: w } = data;
  if (!f) return data.key ? `rows are partitioned by ${data.key.join(', ')}` : 'no live figures';
  const bp = f.backpressure;
  // A run that no longer runs moves no rows: its nodes show how many they moved in all.
  return [
    data.running
      ? `${formatRate(f.recordsInPerSec)} rows/s in, ${formatRate(f.recordsOutPerSec)} rows/s out`
      : `${formatCount(f.totalRecordsIn)} rows in, ${formatCount(f.totalRecordsOut)} rows out`,
    f.watermark !== null ? `watermark ${formatEventTime(f.watermark)}` : null,
    f.idleInputs > 0 ? `${f.idleInputs} of ${f.inputs} inputs idle` : null,
    f.numKeys > 0 ? `${formatCount(f.numKeys)} keys` : null,
    f.stateBytesOnDisk !== null ? `state on disk ${formatBytes(f.stateBytesOnDisk)}` : null,
    w && w.nextFireAt !== null ? `next window fires at ${formatEventTime(w.nextFireAt)}` : null,
    w && w.lateDropped > 0 ? `${formatCount(w.lateDropped)} late rows dropped` : null,
    f.rowErrors > 0 ? `${formatCount(f.rowErrors)} row errors` : null,
    bp !== null ? `backpressure ${Math.round(bp * 100)} % (${f.level})` : null,
  ]
    .filter((x) => x !== null)
    .join(', ');
}

/** One figure: its name left, its value right (each row on its own, so a long name takes no room from others). */
function Figure({ name, children, tone }: { name: string; children: ReactNode; tone?: string }) {
  return (
    <div className="flex items-baseline justify-between gap-2">
      <dt className="shrink-0 text-muted">{name}</dt>
      <dd className={`min-w-0 truncate text-right ${tone ?? ''}`}>{children}</dd>
    </div>
  );
}

function MetricsNode({ data }: NodeProps<GraphNode>) {
  const { label, kind, figures: f, window: w, inputs, outputs } = data;
  const bp = f?.backpressure ?? null;
  return (
    <article
      aria-label={summaryOf(data)}
      style={{ width: RUN_NODE_WIDTH, minHeight: 72 }}
      className="rounded-lg border border-border bg-surface px-3 py-2 text-left shadow-sm"
    >
      {inputs.map((h) => (
        <Fragment key={h.id}>
          <Handle
            type="target"
            position={Position.Left}
            id={h.id}
            isConnectable={false}
            title={h.name ?? undefined}
            style={h.top ? { top: h.top } : undefined}
          />
          {h.top && h.side && (
            <HandleLabel top={h.top} side="left">
              {h.side}
            </HandleLabel>
          )}
        </Fragment>
      ))}
      <div className="text-[10px] font-medium uppercase leading-4 tracking-wide text-muted">
        {(KIND_LABELS as Record<string, string>)[kind] ?? kind}
      </div>
      <div className="truncate text-sm font-semibold leading-5" title={label}>
        {label}
      </div>
      {f ? (
        <dl className="mt-1 text-xs leading-[18px] tabular-nums">
          <Figure name={data.running ? 'rows/s' : 'rows'}>
            {data.running
              ? `${formatRate(f.recordsInPerSec)} in · ${formatRate(f.recordsOutPerSec)} out`
              : `${formatCount(f.totalRecordsIn)} in · ${formatCount(f.totalRecordsOut)} out`}
          </Figure>
          {f.watermark !== null && (
            <Figure name="wm">
              <EventTime ms={f.watermark} short />
            </Figure>
          )}
          {f.numKeys > 0 && <Figure name="keys">{formatCount(f.numKeys)}</Figure>}
          {f.stateBytesOnDisk !== null && <Figure name="on disk">{formatBytes(f.stateBytesOnDisk)}</Figure>}
          {w && w.lateDropped > 0 && (
            <Figure name="late" tone="font-semibold text-warn">
              {formatCount(w.lateDropped)} dropped
            </Figure>
          )}
          {f.idleInputs > 0 && (
            <Figure name="idle" tone="text-warn">
              {f.idleInputs} of {f.inputs} inputs
            </Figure>
          )}
          {f.rowErrors > 0 && (
            <Figure name="errors" tone="text-danger">
              {formatCount(f.rowErrors)}
            </Figure>
          )}
          <Figure name="backpressure">
            {bp === null ? (
              '—'
            ) : (
              <span className={`rounded px-1 ${LEVEL_CLASS[f.level ?? 'ok']}`}>
                {Math.round(bp * 100)} % {f.level}
              </span>
            )}
          </Figure>
        </dl>
      ) : data.key ? (
        <p className="mt-1 truncate text-xs text-muted">hash-partitions by {data.key.join(', ') || '—'}</p>
      ) : (
        <p className="mt-1 text-xs text-muted">{data.running ? 'waiting for figures…' : 'not running'}</p>
      )}
      {outputs.map((h) => (
        <Handle
          key={h.id}
          type="source"
          position={Position.Right}
          id={h.id}
          isConnectable={false}
          style={h.top ? { top: h.top } : undefined}
        />
      ))}
    </article>
  );
}
