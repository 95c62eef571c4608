/**
 * The route table: every REST route with its params, query, body and answer schemas and the error codes it
 * may answer. The server registers its handlers from this table (so a route cannot exist without its
 * schemas), and `openapi.ts` turns it into the OpenAPI document served at `/api/openapi.json`.
 */
import { z } from 'zod';
import type { ErrorCode } from './errors';
import {
  CheckpointListSchema,
  CheckpointNodeParamsSchema,
  CheckpointParamsSchema,
  CheckpointSchema,
  CompatibilityBodySchema,
  CompatibilityResultSchema,
  CreatePipelineBodySchema,
  DataFileListSchema,
  DataFileSchema,
  DeployBodySchema,
  FileParamsSchema,
  FlinkDeploymentDetailSchema,
  FlinkDeploymentListQuerySchema,
  FlinkDeploymentListSchema,
  FlinkInfoSchema,
  FlinkSqlExportSchema,
  HealthSchema,
  IdParamsSchema,
  JobDetailSchema,
  JobEventListSchema,
  JobEventQuerySchema,
  JobListQuerySchema,
  JobListSchema,
  NodeParamsSchema,
  OutputPageSchema,
  OutputQuerySchema,
  PipelineDetailSchema,
  PipelineListSchema,
  PipelineVersionListSchema,
  RestoreBodySchema,
  RestoreResultSchema,
  StartJobBodySchema,
  StatePageSchema,
  StateQuerySchema,
  StopJobBodySchema,
  StopJobResultSchema,
  TriggerCheckpointBodySchema,
  TriggerCheckpointResultSchema,
  UpdatePipelineBodySchema,
  UpdatePipelineResultSchema,
  ValidateBodySchema,
  ValidateResultSchema,
  VersionParamsSchema,
} from './rest';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteDef {
  method: HttpMethod;
  /** Fastify-style path (`/api/jobs/:id`). */
  path: string;
  summary: string;
  tag: 'pipelines' | 'jobs' | 'checkpoints' | 'state' | 'files' | 'flink' | 'meta';
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** The body may be left out (treated as `{}`). */
  bodyOptional?: boolean;
  /** The body is raw bytes of these media types (a file upload), streamed to the handler, not JSON. */
  rawBody?: { mediaTypes: readonly string[]; description: string };
  /** Status of a successful answer. */
  status: 200 | 201 | 202 | 204;
  /** Schema of a successful answer; null for 204. */
  response: z.ZodType | null;
  /** Error codes this route may answer besides the ones every route may (see `COMMON_ERRORS`). */
  errors: readonly ErrorCode[];
  /** false: no token needed even when FLOWSTATE_TOKEN is set. */
  auth?: boolean;
}

/** Codes any route may answer. */
export const COMMON_ERRORS: readonly ErrorCode[] = [
  'invalid-request',
  'unauthorized',
  'misdirected-request',
  'internal',
];
const BODY_ERRORS: readonly ErrorCode[] = ['invalid-json', 'body-too-large', 'unsupported-media-type'];

const OpenApiDocumentSchema = z.record(z.string(), z.unknown()).describe('An OpenAPI 3.1 document');

const route = <const R extends RouteDef>(r: R): R => r;

export const routes = {
  listPipelines: route({
    method: 'GET',
    path: '/api/pipelines',
    summary: 'List pipelines, newest edit first',
    tag: 'pipelines',
    status: 200,
    response: PipelineListSchema,
    errors: [],
  }),
  createPipeline: route({
    method: 'POST',
    path: '/api/pipelines',
    summary: 'Create a pipeline from a valid job spec (stored as version 1)',
    tag: 'pipelines',
    body: CreatePipelineBodySchema,
    status: 201,
    response: PipelineDetailSchema,
    errors: [...BODY_ERRORS, 'invalid-spec'],
  }),
  getPipeline: route({
    method: 'GET',
    path: '/api/pipelines/:id',
    summary: "A pipeline with its newest version's spec",
    tag: 'pipelines',
    params: IdParamsSchema,
    status: 200,
    response: PipelineDetailSchema,
    errors: ['pipeline-not-found'],
  }),
  updatePipeline: route({
    method: 'PUT',
    path: '/api/pipelines/:id',
    summary: 'Edit name/description; a spec that differs from the newest version is stored as a new version',
    tag: 'pipelines',
    params: IdParamsSchema,
    body: UpdatePipelineBodySchema,
    status: 200,
    response: UpdatePipelineResultSchema,
    errors: [...BODY_ERRORS, 'invalid-spec', 'pipeline-not-found'],
  }),
  deletePipeline: route({
    method: 'DELETE',
    path: '/api/pipelines/:id',
    summary:
      'Delete a pipeline and its versions (its finished jobs are kept); refused while a job of it runs',
    tag: 'pipelines',
    params: IdParamsSchema,
    status: 204,
    response: null,
    errors: ['pipeline-not-found', 'pipeline-in-use'],
  }),
  listPipelineVersions: route({
    method: 'GET',
    path: '/api/pipelines/:id/versions',
    summary: "A pipeline's versions, newest first",
    tag: 'pipelines',
    params: IdParamsSchema,
    status: 200,
    response: PipelineVersionListSchema,
    errors: ['pipeline-not-found'],
  }),
  exportFlinkSql: route({
    method: 'GET',
    path: '/api/pipelines/:id/versions/:version/flink-sql',
    summary:
      "A pipeline version as a Flink SQL script with the export's notes (422 flink-export-refused names each node it cannot export)",
    tag: 'flink',
    params: VersionParamsSchema,
    status: 200,
    response: FlinkSqlExportSchema,
    errors: ['pipeline-not-found', 'version-not-found', 'flink-export-refused'],
  }),
  checkCompatibility: route({
    method: 'POST',
    path: '/api/pipelines/:id/versions/:version/compatibility',
    summary:
      "What starting this version from a job's checkpoint or savepoint would do to each node's state (Flink's stop → change → resume); starts nothing",
    tag: 'pipelines',
    params: VersionParamsSchema,
    body: CompatibilityBodySchema,
    status: 200,
    response: CompatibilityResultSchema,
    errors: [
      ...BODY_ERRORS,
      'pipeline-not-found',
      'version-not-found',
      'job-not-found',
      'checkpoint-not-found',
      'checkpoint-unavailable',
      'invalid-spec',
    ],
  }),
  validateSpec: route({
    method: 'POST',
    path: '/api/validate',
    summary: "Validate a job spec: the spec package's problems (200 whether or not it is valid)",
    tag: 'pipelines',
    body: ValidateBodySchema,
    status: 200,
    response: ValidateResultSchema,
    errors: BODY_ERRORS,
  }),
  startJob: route({
    method: 'POST',
    path: '/api/jobs',
    summary:
      'Run a pipeline version (newest by default) or an ad-hoc spec, from the beginning or from a checkpoint or savepoint (restoreFrom, allowNonRestoredState)',
    tag: 'jobs',
    body: StartJobBodySchema,
    status: 201,
    response: JobDetailSchema,
    errors: [
      ...BODY_ERRORS,
      'invalid-spec',
      'pipeline-not-found',
      'version-not-found',
      'too-many-jobs',
      'job-not-found',
      'checkpoint-not-found',
      'checkpoint-unavailable',
      'incompatible-state',
    ],
  }),
  listJobs: route({
    method: 'GET',
    path: '/api/jobs',
    summary: 'List jobs, newest first',
    tag: 'jobs',
    query: JobListQuerySchema,
    status: 200,
    response: JobListSchema,
    errors: [],
  }),
  getJob: route({
    method: 'GET',
    path: '/api/jobs/:id',
    summary: 'A job: its row, spec, and live status and metrics while it runs',
    tag: 'jobs',
    params: IdParamsSchema,
    status: 200,
    response: JobDetailSchema,
    errors: ['job-not-found'],
  }),
  stopJob: route({
    method: 'POST',
    path: '/api/jobs/:id/stop',
    summary: 'Stop a running job (cancel), or stop it with a savepoint',
    tag: 'jobs',
    params: IdParamsSchema,
    body: StopJobBodySchema,
    bodyOptional: true,
    status: 200,
    response: StopJobResultSchema,
    errors: [...BODY_ERRORS, 'job-not-found', 'job-not-running', 'operation-in-progress'],
  }),
  listJobEvents: route({
    method: 'GET',
    path: '/api/jobs/:id/events',
    summary: "A job's log (status changes, checkpoints, restores, restarts, notices), newest first",
    tag: 'jobs',
    params: IdParamsSchema,
    query: JobEventQuerySchema,
    status: 200,
    response: JobEventListSchema,
    errors: ['job-not-found'],
  }),
  listCheckpoints: route({
    method: 'GET',
    path: '/api/jobs/:id/checkpoints',
    summary: "A job's checkpoints and savepoints, newest first",
    tag: 'checkpoints',
    params: IdParamsSchema,
    status: 200,
    response: CheckpointListSchema,
    errors: ['job-not-found'],
  }),
  triggerCheckpoint: route({
    method: 'POST',
    path: '/api/jobs/:id/checkpoints',
    summary: 'Trigger a checkpoint; its progress arrives over the socket (checkpoint:*)',
    tag: 'checkpoints',
    params: IdParamsSchema,
    body: TriggerCheckpointBodySchema,
    bodyOptional: true,
    status: 202,
    response: TriggerCheckpointResultSchema,
    errors: [...BODY_ERRORS, 'job-not-found', 'job-not-running', 'operation-in-progress', 'unavailable'],
  }),
  getCheckpoint: route({
    method: 'GET',
    path: '/api/jobs/:id/checkpoints/:checkpointId',
    summary: 'One checkpoint',
    tag: 'checkpoints',
    params: CheckpointParamsSchema,
    status: 200,
    response: CheckpointSchema,
    errors: ['job-not-found', 'checkpoint-not-found'],
  }),
  restoreJob: route({
    method: 'POST',
    path: '/api/jobs/:id/restore',
    summary:
      'Restore a checkpoint: a running job rolls back in place; a stopped one starts a new run from it',
    tag: 'checkpoints',
    params: IdParamsSchema,
    body: RestoreBodySchema,
    status: 200,
    response: RestoreResultSchema,
    errors: [
      ...BODY_ERRORS,
      'job-not-found',
      'checkpoint-not-found',
      'checkpoint-unavailable',
      'operation-in-progress',
      'too-many-jobs',
    ],
  }),
  getState: route({
    method: 'GET',
    path: '/api/jobs/:id/state/:nodeId',
    summary:
      "Page through the keyed state of a window or aggregate node: live, or for a job that no longer runs here, its newest checkpoint's (live: false)",
    tag: 'state',
    params: NodeParamsSchema,
    query: StateQuerySchema,
    status: 200,
    response: StatePageSchema,
    errors: ['job-not-found', 'node-not-found', 'job-not-running', 'unavailable'],
  }),
  getCheckpointState: route({
    method: 'GET',
    path: '/api/jobs/:id/checkpoints/:checkpointId/state/:nodeId',
    summary: 'Page through the keyed state a node held in a checkpoint',
    tag: 'state',
    params: CheckpointNodeParamsSchema,
    query: StateQuerySchema,
    status: 200,
    response: StatePageSchema,
    errors: ['job-not-found', 'checkpoint-not-found', 'checkpoint-unavailable', 'node-not-found'],
  }),
  getOutput: route({
    method: 'GET',
    path: '/api/jobs/:id/output/:nodeId',
    summary:
      'Rows kept by a collect sink (the newest `limit`, or those from `since`): live, or for a job that no longer runs here, the rows the server stored (live: false)',
    tag: 'state',
    params: NodeParamsSchema,
    query: OutputQuerySchema,
    status: 200,
    response: OutputPageSchema,
    errors: ['job-not-found', 'node-not-found', 'job-not-running', 'unavailable'],
  }),
  listFiles: route({
    method: 'GET',
    path: '/api/files',
    summary: 'Data files uploaded to the server (what file sources may read as files/<name>)',
    tag: 'files',
    status: 200,
    response: DataFileListSchema,
    errors: [],
  }),
  uploadFile: route({
    method: 'PUT',
    path: '/api/files/:name',
    summary:
      'Upload (or replace) a data file; a file source reads it with path files/<name>. The body is the raw bytes',
    tag: 'files',
    params: FileParamsSchema,
    rawBody: {
      mediaTypes: ['application/octet-stream', 'text/plain', 'text/csv', 'application/x-ndjson'],
      description: "the file's bytes",
    },
    status: 201,
    response: DataFileSchema,
    errors: ['body-too-large', 'unsupported-media-type', 'storage-full'],
  }),
  deleteFile: route({
    method: 'DELETE',
    path: '/api/files/:name',
    summary: 'Delete an uploaded data file',
    tag: 'files',
    params: FileParamsSchema,
    status: 204,
    response: null,
    errors: ['file-not-found'],
  }),
  getFlink: route({
    method: 'GET',
    path: '/api/flink',
    summary:
      'Whether this server deploys to a Flink (FLOWSTATE_FLINK_GATEWAY), where, and whether it answers',
    tag: 'flink',
    status: 200,
    response: FlinkInfoSchema,
    errors: [],
  }),
  deployToFlink: route({
    method: 'POST',
    path: '/api/flink/deployments',
    summary:
      "Export a pipeline's saved version (newest by default) and submit it through the Flink SQL Gateway; the deployment is recorded whether or not Flink took it (status SUBMIT_FAILED with the reason)",
    tag: 'flink',
    body: DeployBodySchema,
    status: 201,
    response: FlinkDeploymentDetailSchema,
    errors: [
      ...BODY_ERRORS,
      'flink-not-configured',
      'pipeline-not-found',
      'version-not-found',
      'flink-export-refused',
    ],
  }),
  listFlinkDeployments: route({
    method: 'GET',
    path: '/api/flink/deployments',
    summary: "Deployments to Flink, newest first, with their jobs' status read from Flink's REST API",
    tag: 'flink',
    query: FlinkDeploymentListQuerySchema,
    status: 200,
    response: FlinkDeploymentListSchema,
    errors: [],
  }),
  getFlinkDeployment: route({
    method: 'GET',
    path: '/api/flink/deployments/:id',
    summary: "One deployment to Flink with its script, its job's status read from Flink's REST API",
    tag: 'flink',
    params: IdParamsSchema,
    status: 200,
    response: FlinkDeploymentDetailSchema,
    errors: ['deployment-not-found'],
  }),
  cancelFlinkDeployment: route({
    method: 'POST',
    path: '/api/flink/deployments/:id/cancel',
    summary: "Cancel a deployment's Flink job (a job that has ended is left as it is)",
    tag: 'flink',
    params: IdParamsSchema,
    status: 200,
    response: FlinkDeploymentDetailSchema,
    errors: ['deployment-not-found', 'flink-not-configured', 'operation-failed'],
  }),
  health: route({
    method: 'GET',
    path: '/api/health',
    summary: 'Liveness (no token needed)',
    tag: 'meta',
    status: 200,
    response: HealthSchema,
    errors: [],
    auth: false,
  }),
  openapi: route({
    method: 'GET',
    path: '/api/openapi.json',
    summary: 'This document',
    tag: 'meta',
    status: 200,
    response: OpenApiDocumentSchema,
    errors: [],
  }),
} as const satisfies Record<string, RouteDef>;

export type Routes = typeof routes;
export type RouteName = keyof Routes;

type Infer<T> = T extends z.ZodType ? z.output<T> : undefined;
/** What a handler of route `R` receives (parsed) and answers. */
export type RouteParams<R extends RouteDef> = Infer<R['params']>;
export type RouteQuery<R extends RouteDef> = Infer<R['query']>;
export type RouteBody<R extends RouteDef> = Infer<R['body']>;
export type RouteResponse<R extends RouteDef> = R['response'] extends z.ZodType
  ? z.input<R['response']>
  : undefined;

/** `/api/jobs/:id` → `/api/jobs/{id}` */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}
