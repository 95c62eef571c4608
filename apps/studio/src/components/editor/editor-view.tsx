'use client';
import type { PipelineDetail } from '@flowstate/api';
import type { JobSpecInput } from '@flowstate/spec';
import { useQuery } from '@tanstack/react-query';
import {
  Background,
  type ColorMode,
  Controls,
  type FinalConnectionState,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useNodesInitialized,
  useReactFlow,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type DragEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useStore } from 'zustand';
import {
  analyzeGraph,
  checkConnection,
  commandForKey,
  createEditorStore,
  type EditorStore,
  type FlowEdge,
  type FlowNode,
  importSpec,
  isWarning,
  locateProblem,
  makeSelectFlowEdges,
  makeSelectFlowNodes,
  PALETTE_ITEMS,
  selectCanRedo,
  selectCanUndo,
} from '../../editor';
import { api, describeError } from '../../lib/api';
import { Button } from '../ui/button';
import { ErrorBanner, Loading } from '../ui/feedback';
import { AnalysisContext, EditorStoreContext, useEditorStore } from './editor-context';
import { FlowNodeView } from './flow-node';
import { InspectorPanel } from './inspector-panel';
import { PALETTE_MIME, PalettePanel } from './palette-panel';

const NODE_TYPES = Object.fromEntries(
  [...new Set(PALETTE_ITEMS.map((i) => i.kind))].map((kind) => [kind, FlowNodeView]),
);

/** `/pipelines/[id]`: the canvas editor of one pipeline. */
export function EditorView({ pipelineId }: { pipelineId: string }) {
  const pipeline = useQuery({
    queryKey: ['pipeline', pipelineId],
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
      <Editor pipeline={pipeline.data} spec={imported.spec} />
    </ReactFlowProvider>
  );
}

function Editor({ pipeline, spec }: { pipeline: PipelineDetail; spec: JobSpecInput }) {
  const [store] = useState<EditorStore>(() => createEditorStore(spec));
  const graph = useStore(store, (s) => s.graph);
  const analysis = useMemo(() => analyzeGraph(graph), [graph]);
  return (
    <EditorStoreContext.Provider value={store}>
      <AnalysisContext.Provider value={analysis}>
        <EditorLayout pipeline={pipeline} />
      </AnalysisContext.Provider>
    </EditorStoreContext.Provider>
  );
}

function EditorLayout({ pipeline }: { pipeline: PipelineDetail }) {
  const store = useEditorStore();
  const router = useRouter();
  const selectNodes = useMemo(makeSelectFlowNodes, []);
  const selectEdges = useMemo(makeSelectFlowEdges, []);
  const nodes = useStore(store, selectNodes);
  const edges = useStore(store, selectEdges);
  const canUndo = useStore(store, selectCanUndo);
  const canRedo = useStore(store, selectCanRedo);
  const dirty = useStore(store, (s) => s.dirty);
  const colorMode = useColorMode();
  const { screenToFlowPosition, fitView } = useReactFlow<FlowNode, FlowEdge>();
  const [status, setStatus] = useState<{ kind: 'refusal' | 'error'; text: string } | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState<'save' | 'run' | null>(null);
  const [version, setVersion] = useState(pipeline.latestVersion);

  // Fit the view once the nodes are measured and the panes have their final size.
  const initialized = useNodesInitialized();
  const fitted = useRef(false);
  useEffect(() => {
    if (!initialized || fitted.current) return;
    fitted.current = true;
    requestAnimationFrame(() => void fitView({ padding: 0.15 }));
  }, [initialized, fitView]);
  const canvasRef = useRef<HTMLElement>(null);

  // Ctrl+Z / Ctrl+Shift+Z / Delete, outside text fields.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName))) return;
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

  const save = async (): Promise<boolean> => {
    setBusy('save');
    try {
      const result = await api.updatePipeline(pipeline.id, { spec: store.getState().toSpec() });
      store.getState().markSaved();
      setVersion(result.latestVersion);
      setNote(result.newVersion === null ? 'No changes to save' : `Saved as version ${result.newVersion}`);
      setStatus(null);
      return true;
    } catch (e) {
      setStatus({ kind: 'error', text: describeError(e).message });
      return false;
    } finally {
      setBusy(null);
    }
  };

  const run = async () => {
    if (dirty && !(await save())) return;
    setBusy('run');
    try {
      const job = await api.startJob({ pipelineId: pipeline.id });
      router.push(`/jobs/${job.id}`);
    } catch (e) {
      setStatus({ kind: 'error', text: describeError(e).message });
      setBusy(null);
    }
  };

  return (
    <div className="flex h-[calc(100dvh-7rem)] flex-col gap-2">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="mr-2 text-lg font-semibold tracking-tight">
          <Link href="/" className="text-muted hover:text-fg">
            Pipelines
          </Link>{' '}
          / {pipeline.name}
        </h1>
        <span className="text-xs text-muted">
          v{version}
          {dirty ? ' · unsaved changes' : ''}
        </span>
        <div className="ml-auto flex items-center gap-1.5">
          <Button size="sm" onClick={() => store.getState().undo()} disabled={!canUndo}>
            Undo
          </Button>
          <Button size="sm" onClick={() => store.getState().redo()} disabled={!canRedo}>
            Redo
          </Button>
          <Button
            size="sm"
            onClick={() => {
              store.getState().autoLayout();
              requestAnimationFrame(() => void fitView());
            }}
          >
            Auto layout
          </Button>
          <Button size="sm" onClick={() => void save()} busy={busy === 'save'}>
            Save
          </Button>
          <Button size="sm" variant="primary" onClick={() => void run()} busy={busy === 'run'}>
            Run
          </Button>
        </div>
      </div>
      <div role="alert" aria-label="Editor messages" className="min-h-5 text-sm">
        {status && (
          <span className={status.kind === 'refusal' ? 'text-danger' : 'text-danger'}>{status.text}</span>
        )}
      </div>
      <output className="block min-h-4 text-xs text-muted">{note}</output>
      <div className="flex min-h-0 flex-1 overflow-hidden rounded-lg border border-border">
        <aside className="w-48 shrink-0 border-r border-border bg-surface">
          <PalettePanel
            onAdd={(id) => {
              const rect = canvasRef.current?.getBoundingClientRect();
              // Staggered, so that nodes added one after another do not hide each other.
              const step = (store.getState().graph.nodes.length % 6) * 24;
              const at = rect
                ? screenToFlowPosition({
                    x: rect.left + rect.width / 3 + step,
                    y: rect.top + rect.height / 4 + step,
                  })
                : undefined;
              addItem(id, at);
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
            fitView
            fitViewOptions={{ padding: 0.15 }}
            minZoom={0.1}
            colorMode={colorMode}
            proOptions={{ hideAttribution: true }}
          >
            <Background />
            <Controls />
            <MiniMap pannable zoomable />
          </ReactFlow>
        </section>
        <aside className="w-80 shrink-0 overflow-y-auto border-l border-border bg-surface">
          <InspectorPanel />
          <ProblemsList />
        </aside>
      </div>
    </div>
  );
}

/** React Flow's colour mode: the theme toggle's choice on <html data-theme>, else the system's. */
function useColorMode(): ColorMode {
  const [mode, setMode] = useState<ColorMode>('system');
  useEffect(() => {
    const root = document.documentElement;
    const read = () => {
      const t = root.getAttribute('data-theme');
      setMode(t === 'light' || t === 'dark' ? t : 'system');
    };
    read();
    const observer = new MutationObserver(read);
    observer.observe(root, { attributes: true, attributeFilter: ['data-theme'] });
    return () => observer.disconnect();
  }, []);
  return mode;
}

/** Every problem of the graph; a click selects the node it is about. */
function ProblemsList() {
  const store = useEditorStore();
  const graph = useStore(store, (s) => s.graph);
  const analysis = analyzeGraph(graph);
  return (
    <section aria-labelledby="problems-title" className="border-t border-border p-3">
      <h2 id="problems-title" className="mb-1 text-xs font-semibold uppercase tracking-wide text-muted">
        Problems ({analysis.problems.length})
      </h2>
      {analysis.problems.length === 0 ? (
        <p className="text-sm text-muted">No problems.</p>
      ) : (
        <ul className="space-y-1 text-sm">
          {analysis.problems.map((p) => {
            const { nodeId } = locateProblem(graph, p);
            return (
              <li key={`${p.path}:${p.code}:${p.message}`}>
                <button
                  type="button"
                  disabled={nodeId === undefined}
                  onClick={() => nodeId !== undefined && store.getState().select([nodeId])}
                  className={`w-full rounded px-1 text-left hover:bg-surface-2 ${isWarning(p) ? 'text-muted' : 'text-danger'}`}
                >
                  {nodeId ? <span className="font-mono text-xs">{nodeId}: </span> : null}
                  {p.message}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
