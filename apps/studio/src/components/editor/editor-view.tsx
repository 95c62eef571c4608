'use client';
import type { PipelineDetail, PipelineVersion } from '@flowstate/api';
import type { JobSpecInput } from '@flowstate/spec';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Background,
  Controls,
  type FinalConnectionState,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type CSSProperties, type DragEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import {
  analyzeGraph,
  checkConnection,
  commandForKey,
  createEditorStore,
  type EditorStore,
  type FlowEdge,
  type FlowNode,
  fitViewport,
  graphBounds,
  importSpec,
  makeSelectFlowEdges,
  makeSelectFlowNodes,
  NEW_PIPELINE_SPEC,
  PALETTE_ITEMS,
  selectCanRedo,
  selectCanUndo,
} from '../../editor';
import { api } from '../../lib/api';
import { jsonText } from '../../lib/json-text';
import { mustSaveBeforeRun, pipelinePath, planSave, savedNote } from '../../lib/pipeline-save';
import { keys } from '../../lib/queries';
import { type ExampleData, exportFileName, sampleDataFile } from '../../lib/spec-file';
import { useColorMode } from '../../lib/use-color-mode';
import { Button } from '../ui/button';
import { ErrorBanner, Loading } from '../ui/feedback';
import { AnalysisContext, EditorStoreContext, ExamplesContext, useEditorStore } from './editor-context';
import { EmptyCanvasHint, PipelineNameField, ProblemsList, type Status, StatusMessage } from './editor-parts';
import { FlinkMenu } from './flink-menu';
import { FlowNodeView } from './flow-node';
import { ImportDialog } from './import-dialog';
import { InspectorPanel } from './inspector-panel';
import { CanvasJsonView } from './json-view';
import { PALETTE_MIME, PalettePanel } from './palette-panel';
import { VersionsPanel } from './versions-panel';

const NODE_TYPES = Object.fromEntries(
  [...new Set(PALETTE_ITEMS.map((i) => i.kind))].map((kind) => [kind, FlowNodeView]),
);

/** `/pipelines/[id]`: the canvas editor of one pipeline. */
export function EditorView({ pipelineId, examples }: { pipelineId: string; examples: ExampleData[] }) {
  const pipeline = useQuery({
    queryKey: keys.pipeline(pipelineId),
    queryFn: () => api.getPipeline(pipelineId),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
  });
  if (pipeline.isPending) return <Loading label="Loading pipeline…" />;
  if (pipeline.isError) return <ErrorBanner error={pipeline.error} />;
  const imported = importSpec(pipeline.data.spec);
  if (!imported.ok) return <ErrorBanner error={new Error(imported.reason)} />;
  return (
    <ReactFlowProvider>
      <Editor pipeline={pipeline.data} spec={imported.spec} examples={examples} />
    </ReactFlowProvider>
  );
}

const NEW_PIPELINE_PATH = '/pipelines/new';

/** `/pipelines/new`: an empty, unsaved pipeline; the first Save creates it. */
export function NewPipelineEditor({ examples }: { examples: ExampleData[] }) {
  // After the first save the address is /pipelines/<id> while this page goes on (history.replaceState).
  // Coming back to that history entry later restores this page at that address: load the real one.
  const [stale, setStale] = useState(false);
  useEffect(() => {
    if (window.location.pathname !== NEW_PIPELINE_PATH) {
      setStale(true);
      window.location.reload();
    }
  }, []);
  if (stale) return <Loading label="Loading pipeline…" />;
  return (
    <ReactFlowProvider>
      <Editor pipeline={null} spec={NEW_PIPELINE_SPEC} examples={examples} />
    </ReactFlowProvider>
  );
}

function Editor({
  pipeline,
  spec,
  examples,
}: {
  pipeline: PipelineDetail | null;
  spec: JobSpecInput;
  examples: ExampleData[];
}) {
  // A new file source reads an example's data, which the server can read: it works as it stands.
  const [store] = useState<EditorStore>(() => {
    const filePath = sampleDataFile(examples);
    return createEditorStore(spec, { nodeDefaults: filePath === undefined ? {} : { filePath } });
  });
  const graph = useStore(store, (s) => s.graph);
  const analysis = useMemo(() => analyzeGraph(graph), [graph]);
  return (
    <EditorStoreContext.Provider value={store}>
      <AnalysisContext.Provider value={analysis}>
        <ExamplesContext.Provider value={examples}>
          <EditorLayout pipeline={pipeline} examples={examples} />
        </ExamplesContext.Provider>
      </AnalysisContext.Provider>
    </EditorStoreContext.Provider>
  );
}

/** The saved pipeline the canvas belongs to (null until a new pipeline is first saved). */
interface SavedPipeline {
  id: string;
  name: string;
  latestVersion: number;
}

type Panel = 'inspector' | 'json' | 'versions';

function EditorLayout({ pipeline, examples }: { pipeline: PipelineDetail | null; examples: ExampleData[] }) {
  const store = useEditorStore();
  const router = useRouter();
  const queryClient = useQueryClient();
  const selectNodes = useMemo(makeSelectFlowNodes, []);
  const selectEdges = useMemo(makeSelectFlowEdges, []);
  const nodes = useStore(store, selectNodes);
  const edges = useStore(store, selectEdges);
  const canUndo = useStore(store, selectCanUndo);
  const canRedo = useStore(store, selectCanRedo);
  const dirty = useStore(store, (s) => s.dirty);
  const colorMode = useColorMode();
  const { screenToFlowPosition, setViewport } = useReactFlow<FlowNode, FlowEdge>();
  const [saved, setSaved] = useState<SavedPipeline | null>(
    pipeline && { id: pipeline.id, name: pipeline.name, latestVersion: pipeline.latestVersion },
  );
  const [status, setStatus] = useState<Status | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState<'save' | 'run' | number | null>(null);
  const [panel, setPanel] = useState<Panel>('inspector');
  const [importing, setImporting] = useState(false);
  const canvasRef = useRef<HTMLElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);

  // Fit: the whole graph when it is readable so, else a readable zoom starting at the sources.
  const fitReadable = useCallback(() => {
    const el = canvasRef.current;
    const bounds = graphBounds(store.getState().graph.nodes);
    if (!el || bounds === null) return;
    void setViewport(fitViewport(bounds, { width: el.clientWidth, height: el.clientHeight }));
  }, [store, setViewport]);
  useEffect(() => {
    const frame = requestAnimationFrame(fitReadable);
    return () => cancelAnimationFrame(frame);
  }, [fitReadable]);

  // Leaving with unsaved changes asks first (closing the tab, reloading, another address).
  useEffect(() => {
    if (!dirty) return;
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = '';
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty]);

  // Ctrl+Z / Ctrl+Shift+Z / Delete, outside text fields.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
      if (t?.closest('dialog')) return;
      const command = commandForKey(e);
      if (command === null) return;
      e.preventDefault();
      const s = store.getState();
      if (command === 'undo') s.undo();
      else if (command === 'redo') s.redo();
      else s.removeSelection();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store]);

  const isValidConnection = useCallback(
    (c: { source: string; target: string; sourceHandle?: string | null; targetHandle?: string | null }) =>
      checkConnection(store.getState().graph, c).ok,
    [store],
  );

  const onConnect = useCallback(
    (c: { source: string; target: string; sourceHandle: string | null; targetHandle: string | null }) => {
      const result = store.getState().connect(c);
      setStatus(result.ok ? null : { kind: 'refusal', text: result.reason });
    },
    [store],
  );

  // A refused connection never reaches onConnect: say why when the drag ends over a handle.
  const onConnectEnd = useCallback(
    (_: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      if (state.isValid !== false || !state.fromNode || !state.toNode || !state.fromHandle) return;
      const fromSource = state.fromHandle.type === 'source';
      const source = fromSource ? state.fromNode.id : state.toNode.id;
      const target = fromSource ? state.toNode.id : state.fromNode.id;
      const sourceHandle = fromSource ? state.fromHandle.id : (state.toHandle?.id ?? null);
      const targetHandle = fromSource ? (state.toHandle?.id ?? null) : state.fromHandle.id;
      const check = checkConnection(store.getState().graph, { source, target, sourceHandle, targetHandle });
      if (!check.ok) setStatus({ kind: 'refusal', text: check.reason });
    },
    [store],
  );

  const addItem = useCallback(
    (itemId: string, position?: { x: number; y: number }) => {
      store.getState().addNode(itemId, position);
      setStatus(null);
    },
    [store],
  );

  const onDrop = useCallback(
    (e: DragEvent<HTMLDivElement>) => {
      const itemId = e.dataTransfer.getData(PALETTE_MIME);
      if (!itemId) return;
      e.preventDefault();
      addItem(itemId, screenToFlowPosition({ x: e.clientX, y: e.clientY }));
    },
    [addItem, screenToFlowPosition],
  );

  /** Puts a spec on the canvas as one undoable step, and shows all of it. */
  const replaceCanvas = (spec: JobSpecInput, message: string) => {
    store.getState().replaceSpec(spec);
    setStatus(null);
    setNote(message);
    requestAnimationFrame(fitReadable);
  };

  /** Saves (creating the pipeline the first time); the pipeline's id, or null when it did not save. */
  const save = async (): Promise<string | null> => {
    nameRef.current?.blur(); // commits a name being typed
    const plan = planSave(saved?.id ?? null, store.getState().toSpec());
    if (plan.kind === 'needs-name') {
      setStatus({ kind: 'refusal', text: plan.message });
      nameRef.current?.focus();
      return null;
    }
    setBusy('save');
    try {
      const result =
        plan.kind === 'create'
          ? { ...(await api.createPipeline(plan.body)), newVersion: 1 }
          : await api.updatePipeline(plan.id, plan.body);
      store.getState().markSaved();
      setSaved({ id: result.id, name: result.name, latestVersion: result.latestVersion });
      queryClient.setQueryData(keys.pipeline(result.id), result);
      void queryClient.invalidateQueries({ queryKey: keys.pipelines });
      void queryClient.invalidateQueries({ queryKey: keys.pipelineVersions(result.id) });
      if (plan.kind === 'create') {
        // The same page, now at the pipeline's own address: canvas and undo history stay as they are.
        window.history.replaceState(null, '', pipelinePath(result.id));
      }
      setNote(savedNote(plan.kind === 'create', result.newVersion));
      setStatus(null);
      return result.id;
    } catch (e) {
      setStatus({ kind: 'error', error: e });
      return null;
    } finally {
      setBusy(null);
    }
  };

  const run = async (version?: number) => {
    let id = saved?.id ?? null;
    if (version === undefined && mustSaveBeforeRun(id, dirty)) id = await save();
    if (id === null) return;
    setBusy(version ?? 'run');
    try {
      const job = await api.startJob(
        version === undefined ? { pipelineId: id } : { pipelineId: id, version },
      );
      router.push(`/jobs/${job.id}`);
    } catch (e) {
      setStatus({ kind: 'error', error: e });
      setBusy(null);
    }
  };

  const exportSpec = () => {
    const spec = store.getState().toSpec();
    const url = URL.createObjectURL(new Blob([jsonText(spec)], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = exportFileName(spec.name);
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setNote(`Exported ${link.download}`);
  };

  const openVersion = (version: PipelineVersion) => {
    const imported = importSpec(version.spec);
    if (!imported.ok) {
      setStatus({ kind: 'refusal', text: `Version ${version.version} cannot be opened: ${imported.reason}` });
      return;
    }
    replaceCanvas(
      imported.spec,
      `Opened version ${version.version}: Save makes it the newest version, Undo takes it back.`,
    );
  };

  const togglePanel = (p: Panel) => setPanel((current) => (current === p ? 'inspector' : p));

  return (
    <div className="mx-[calc(50%_-_50vw_+_1rem)] flex h-[calc(100dvh-7rem)] flex-col gap-2">
      <div className="flex flex-wrap items-center gap-x-2 gap-y-1.5 lg:flex-nowrap">
        <h1 className="flex shrink-0 items-center gap-1.5 text-lg font-semibold tracking-tight">
          <Link
            href="/"
            className="text-muted hover:text-fg"
            onClick={(e) => {
              if (dirty && !window.confirm('Leave the editor? Your unsaved changes will be lost.')) {
                e.preventDefault();
              }
            }}
          >
            Pipelines
          </Link>
          <span aria-hidden="true" className="text-muted">
            /
          </span>
          {saved ? <span>{saved.name}</span> : <span className="sr-only">New pipeline</span>}
        </h1>
        {saved === null && <PipelineNameField inputRef={nameRef} />}
        <span className="shrink-0 text-xs text-muted">
          {saved ? `v${saved.latestVersion}` : 'not saved yet'}
          {dirty ? ' · unsaved changes' : ''}
        </span>
        <output className="ml-1 min-w-0 flex-1 truncate text-xs text-muted" title={note ?? undefined}>
          {note}
        </output>
        <div className="ml-auto flex shrink-0 flex-wrap items-center gap-1.5">
          <Button size="sm" onClick={() => store.getState().undo()} disabled={!canUndo}>
            Undo
          </Button>
          <Button size="sm" onClick={() => store.getState().redo()} disabled={!canRedo}>
            Redo
          </Button>
          <Button
            size="sm"
            disabled={nodes.length === 0}
            onClick={() => {
              store.getState().autoLayout();
              requestAnimationFrame(fitReadable);
            }}
          >
            Auto layout
          </Button>
          <span aria-hidden="true" className="mx-0.5 h-5 w-px bg-border" />
          <Button size="sm" onClick={() => setImporting(true)}>
            Import
          </Button>
          <Button size="sm" onClick={exportSpec}>
            Export
          </Button>
          <FlinkMenu pipeline={saved} dirty={dirty} />
          <Button
            size="sm"
            variant={panel === 'json' ? 'primary' : 'secondary'}
            aria-pressed={panel === 'json'}
            onClick={() => togglePanel('json')}
          >
            JSON
          </Button>
          <Button
            size="sm"
            variant={panel === 'versions' ? 'primary' : 'secondary'}
            aria-pressed={panel === 'versions'}
            onClick={() => togglePanel('versions')}
          >
            Versions
          </Button>
          <span aria-hidden="true" className="mx-0.5 h-5 w-px bg-border" />
          <Button size="sm" onClick={() => void save()} busy={busy === 'save'}>
            Save
          </Button>
          <Button size="sm" variant="primary" onClick={() => void run()} busy={busy === 'run'}>
            Run
          </Button>
        </div>
      </div>
      <div className="flex min-h-0 flex-1 overflow-hidden rounded-lg border border-border">
        <aside className="w-40 shrink-0 border-r border-border bg-surface">
          <PalettePanel
            onAdd={(id) => {
              // Right of the selected node, where it covers no other; then the whole pipeline in view.
              addItem(id);
              requestAnimationFrame(fitReadable);
            }}
          />
        </aside>
        <section
          ref={canvasRef}
          aria-label="Canvas"
          className="relative min-w-0 flex-1"
          onDragOver={(e) => e.preventDefault()}
          onDrop={onDrop}
        >
          <div
            role="alert"
            aria-label="Editor messages"
            className="pointer-events-none absolute inset-x-3 top-3 z-10 flex justify-center"
          >
            {status && <StatusMessage status={status} onDismiss={() => setStatus(null)} />}
          </div>
          {nodes.length === 0 && <EmptyCanvasHint onImport={() => setImporting(true)} />}
          <ReactFlow<FlowNode, FlowEdge>
            nodes={nodes}
            edges={edges}
            nodeTypes={NODE_TYPES}
            onNodesChange={store.getState().onNodesChange}
            onEdgesChange={store.getState().onEdgesChange}
            onConnect={onConnect}
            onConnectEnd={onConnectEnd}
            isValidConnection={isValidConnection}
            deleteKeyCode={null}
            minZoom={0.1}
            maxZoom={2}
            colorMode={colorMode}
            proOptions={{ hideAttribution: true }}
            style={FLOW_STYLE}
          >
            <Background />
            <Controls onFitView={fitReadable} fitViewOptions={{ maxZoom: 1 }} />
            <MiniMap pannable zoomable style={{ width: 160, height: 100 }} />
          </ReactFlow>
        </section>
        <aside
          className={`${panel === 'inspector' ? 'w-80' : 'w-[28rem]'} shrink-0 overflow-y-auto border-l border-border bg-surface`}
        >
          {panel === 'json' ? (
            <CanvasJsonView />
          ) : panel === 'versions' ? (
            <VersionsPanel
              pipelineId={saved?.id ?? null}
              onOpen={openVersion}
              onRun={(v) => void run(v)}
              running={typeof busy === 'number' ? busy : null}
            />
          ) : (
            <>
              <InspectorPanel />
              <ProblemsList />
            </>
          )}
        </aside>
      </div>
      <ImportDialog
        open={importing}
        onClose={() => setImporting(false)}
        examples={examples}
        onImport={(spec, notes, source) =>
          replaceCanvas(spec, [`Imported ${source}.`, ...notes, 'Undo takes it back.'].join(' '))
        }
      />
    </div>
  );
}

/** Canvas colours from the design tokens (React Flow's own dark background is darker than ours). */
const FLOW_STYLE = {
  '--xy-background-color': 'var(--bg)',
  '--xy-minimap-background-color': 'var(--surface)',
} as CSSProperties;
