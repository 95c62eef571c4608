/**
 * The studio's editor core: plain TypeScript behind the pipeline canvas — no React, no DOM.
 *
 * - types: the canvas model in React Flow's shapes (`FlowNode`, `FlowEdge`, `FlowGraph`), handle ids.
 * - convert: `specToGraph`, `graphToSpec` (exact round trip), `importSpec`.
 * - palette: `PALETTE` (Sources, Transforms, Keyed, Windows, Sinks) with default nodes, `newNodeId`.
 * - connections: `checkConnection` — React Flow's `isValidConnection`, with the reason for a refusal.
 * - analysis: `analyzeGraph` (problems by node and edge, schemas per node), `fieldsAvailableTo`,
 *   `expressionProblem` (positioned for inline display).
 * - changes: `GraphChange`, `applyGraphChanges` — every edit, and the inverse that undoes it.
 * - layout: `layoutPositions` — the left-to-right auto-layout.
 * - inspector: form models per node kind and for the job, `readField` / `writeField`, schema editing.
 * - store: `createEditorStore` — state, actions, undo/redo, selectors, `commandForKey`.
 */
export {
  type AvailableField,
  analyzeGraph,
  type ExpressionProblem,
  expressionProblem,
  fieldProblems,
  fieldsAvailableTo,
  type GraphAnalysis,
  isWarning,
  locateProblem,
  type NodeSchemas,
  outputFieldsOf,
  problemSeverity,
  toPointer,
  valueAtPath,
} from './analysis';
export {
  type AppliedChanges,
  applyGraphChanges,
  applyGraphChangesWithInverse,
  type GraphChange,
  jobMeta,
  renameChanges,
} from './changes';
export {
  type ConnectionCheck,
  type ConnectionLike,
  type ConnectionRefusal,
  checkConnection,
  connectionPort,
  connectionToEdge,
} from './connections';
export {
  edgeToSpec,
  graphToSpec,
  type ImportResult,
  importSpec,
  specToGraph,
  specWithoutLayout,
} from './convert';
export {
  AGGREGATE_FUNCTIONS,
  ASSIGNER_FIELDS,
  ASSIGNER_TYPES,
  addSchemaField,
  defaultWatermark,
  FIELD_TYPE_OPTIONS,
  type FieldInputType,
  type FormField,
  type FormSection,
  formatDuration,
  GENERATOR_FIELDS,
  GENERATOR_KINDS,
  generatorKindsFor,
  jobForm,
  nodeForm,
  nodeSummary,
  readField,
  readJobField,
  removeKey,
  removeSchemaField,
  renameKey,
  renameSchemaField,
  type SelectOption,
  SINK_CONNECTOR_FIELDS,
  SINK_TYPES,
  SOURCE_CONNECTOR_FIELDS,
  SOURCE_TYPES,
  setGeneratorKind,
  setIn,
  setKey,
  setSchemaFieldType,
  uniqueName,
  WATERMARK_SECTION,
  writeField,
  writeJobField,
} from './inspector';
export {
  COLUMN_GAP,
  depths,
  type LayoutOptions,
  layoutPositions,
  NODE_HEIGHT,
  NODE_WIDTH,
  nodeSize,
  ROW_GAP,
} from './layout';
export {
  createNode,
  defaultAssigner,
  defaultGenerator,
  defaultSinkConnector,
  defaultSource,
  defaultSourceConnector,
  KIND_LABELS,
  newNodeId,
  PALETTE,
  PALETTE_ITEMS,
  type PaletteGroup,
  type PaletteGroupId,
  type PaletteItem,
  paletteItem,
} from './palette';
export {
  type ActionResult,
  type ConnectResult,
  commandForKey,
  createEditorStore,
  type EditorActions,
  type EditorCommand,
  type EditorState,
  type EditorStore,
  EMPTY_GRAPH,
  makeSelectFlowEdges,
  makeSelectFlowNodes,
  selectAnalysis,
  selectCanRedo,
  selectCanUndo,
  selectInspectedNode,
  selectSpec,
} from './store';
export {
  edgeId,
  type FlowEdge,
  type FlowGraph,
  type FlowNode,
  type FlowNodeData,
  type FlowNodeDataOf,
  type FlowNodeOf,
  HANDLE_IN,
  HANDLE_LATE,
  HANDLE_MAIN,
  handlesOf,
  type JobMeta,
  makeEdge,
  nodeFromSpec,
  nodeToSpec,
  type SettingsInput,
  type SourceHandleId,
  type SpecEdgeInput,
  type SpecNodeInput,
  type SpecNodeInputOf,
  type TargetHandleId,
  type XYPosition,
} from './types';
