/**
 * Export to Flink SQL and Deploy to Flink, for the editor's Flink menu: the REST calls (answers parsed with
 * `@flowstate/api`'s schemas), their React Query hooks, and the plain decisions the dialogs make (tested in
 * flink.test.ts): the download's file name, how a refusal reads, how a status looks, whether to keep polling.
 */
import {
  type DeployBody,
  type FlinkDeployment,
  type FlinkDeploymentDetail,
  FlinkDeploymentDetailSchema,
  type FlinkDeploymentList,
  FlinkDeploymentListSchema,
  type FlinkDeploymentStatus,
  type FlinkInfo,
  FlinkInfoSchema,
  type FlinkSqlExport,
  FlinkSqlExportSchema,
} from '@flowstate/api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiRequestError, apiCall } from './api';

const enc = encodeURIComponent;

export const flinkApi = {
  exportSql: (pipelineId: string, version: number): Promise<FlinkSqlExport> =>
    apiCall('GET', `/api/pipelines/${enc(pipelineId)}/versions/${version}/flink-sql`, {
      schema: FlinkSqlExportSchema,
    }),
  info: (): Promise<FlinkInfo> => apiCall('GET', '/api/flink', { schema: FlinkInfoSchema }),
  deploy: (body: DeployBody): Promise<FlinkDeploymentDetail> =>
    apiCall('POST', '/api/flink/deployments', { body, schema: FlinkDeploymentDetailSchema }),
  list: (pipelineId: string): Promise<FlinkDeploymentList> =>
    apiCall('GET', '/api/flink/deployments', { query: { pipelineId }, schema: FlinkDeploymentListSchema }),
  cancel: (id: string): Promise<FlinkDeploymentDetail> =>
    apiCall('POST', `/api/flink/deployments/${enc(id)}/cancel`, { schema: FlinkDeploymentDetailSchema }),
};

export const flinkKeys = {
  sql: (pipelineId: string, version: number) => ['flink-sql', pipelineId, version] as const,
  info: ['flink-info'] as const,
  deployments: (pipelineId: string) => ['flink-deployments', pipelineId] as const,
};

/** How often the deployments list is read again while one of them has not ended. */
export const DEPLOYMENT_POLL_MS = 2000;

/** The script of a saved version (read again each time the dialog opens). */
export function useFlinkSql(pipelineId: string | null, version: number | null) {
  return useQuery({
    queryKey: flinkKeys.sql(pipelineId ?? '', version ?? 0),
    queryFn: () => flinkApi.exportSql(pipelineId!, version!),
    enabled: pipelineId !== null && version !== null,
    retry: false,
    staleTime: 0,
  });
}

export function useFlinkInfo(enabled: boolean) {
  return useQuery({ queryKey: flinkKeys.info, queryFn: () => flinkApi.info(), enabled, staleTime: 0 });
}

/** A pipeline's deployments, read every 2 s while one of them has not ended. */
export function useFlinkDeployments(pipelineId: string | null, enabled: boolean) {
  return useQuery({
    queryKey: flinkKeys.deployments(pipelineId ?? ''),
    queryFn: () => flinkApi.list(pipelineId!),
    enabled: enabled && pipelineId !== null,
    refetchInterval: (q) => (keepPolling(q.state.data?.deployments ?? []) ? DEPLOYMENT_POLL_MS : false),
  });
}

export function useDeploy(pipelineId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (version: number) => flinkApi.deploy({ pipelineId, version }),
    onSettled: () => qc.invalidateQueries({ queryKey: flinkKeys.deployments(pipelineId) }),
  });
}

export function useCancelDeployment(pipelineId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => flinkApi.cancel(id),
    onSettled: () => qc.invalidateQueries({ queryKey: flinkKeys.deployments(pipelineId) }),
  });
}

// ------------------------------------------------------------------------------------------ decisions

/** `word-count-v3.sql`: the spec's name made safe for a file name, and the version. */
export function sqlFileName(name: string, version: number): string {
  const safe = name
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '');
  return `${safe || 'pipeline'}-v${version}.sql`;
}

export interface ExportProblemItem {
  /** The node it is about, when it is about one. */
  nodeId: string | null;
  message: string;
}

/**
 * The problems of a refused export (422 `flink-export-refused`, `details.problems`), each naming its node; null
 * when the error is something else.
 */
export function exportProblems(error: unknown): ExportProblemItem[] | null {
  if (!(error instanceof ApiRequestError) || error.code !== 'flink-export-refused') return null;
  const problems = (error.details as { problems?: unknown } | undefined)?.problems;
  if (!Array.isArray(problems)) return [{ nodeId: null, message: error.message }];
  return problems.map((p: { nodeId?: unknown; message?: unknown; path?: unknown }) => ({
    nodeId: typeof p.nodeId === 'string' ? p.nodeId : null,
    message: typeof p.message === 'string' ? p.message : String(p.message),
  }));
}

/** Whether the error says the server has no Flink SQL Gateway configured (409 `flink-not-configured`). */
export function isNotConfigured(error: unknown): boolean {
  return error instanceof ApiRequestError && error.code === 'flink-not-configured';
}

/** Whether any deployment may still change (so its status is worth reading again). */
export function keepPolling(deployments: readonly Pick<FlinkDeployment, 'terminal'>[]): boolean {
  return deployments.some((d) => !d.terminal);
}

export type StatusTone = 'ok' | 'done' | 'busy' | 'muted' | 'bad';

/** A status as a person reads it, with its tone: `RUNNING` → running (ok), `SUBMIT_FAILED` → submit failed (bad). */
export function describeStatus(status: FlinkDeploymentStatus): { label: string; tone: StatusTone } {
  const label = status.toLowerCase().replace('_', ' ');
  switch (status) {
    case 'RUNNING':
      return { label, tone: 'ok' };
    case 'FINISHED':
      return { label, tone: 'done' };
    case 'FAILED':
    case 'SUBMIT_FAILED':
    case 'FAILING':
      return { label, tone: 'bad' };
    case 'CANCELED':
    case 'SUSPENDED':
      return { label, tone: 'muted' };
    default:
      return { label, tone: 'busy' };
  }
}

/** Whether Cancel makes sense: the job exists on Flink and has not ended (nor is being cancelled). */
export function canCancel(d: Pick<FlinkDeployment, 'terminal' | 'flinkJobId' | 'status'>): boolean {
  return !d.terminal && d.flinkJobId !== null && d.status !== 'CANCELLING';
}
