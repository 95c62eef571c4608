'use client';
/**
 * Server data through React Query: one key per REST resource, hooks for reads and mutations. Live events from
 * the socket (src/lib/socket.ts) update or invalidate these same keys, so a view never holds two copies.
 */
import type { CreatePipelineBody, JobDetail, StartJobBody } from '@flowstate/api';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './api';

export const keys = {
  pipelines: ['pipelines'] as const,
  pipeline: (id: string) => ['pipeline', id] as const,
  pipelineVersions: (id: string) => ['pipeline-versions', id] as const,
  jobs: (pipelineId?: string) => ['jobs', pipelineId ?? 'all'] as const,
  job: (id: string) => ['job', id] as const,
  checkpoints: (jobId: string) => ['checkpoints', jobId] as const,
  events: (jobId: string) => ['events', jobId] as const,
  files: ['files'] as const,
  compatibility: (pipelineId: string, version: number, jobId: string, checkpointId: number, allow: boolean) =>
    ['compatibility', pipelineId, version, jobId, checkpointId, allow] as const,
};

export function usePipelines() {
  return useQuery({ queryKey: keys.pipelines, queryFn: ({ signal }) => api.listPipelines(signal) });
}

/** A pipeline's versions (newest first); the editor invalidates it after each save. */
export function usePipelineVersions(id: string | null) {
  return useQuery({
    queryKey: keys.pipelineVersions(id ?? ''),
    queryFn: () => api.listPipelineVersions(id!),
    enabled: id !== null,
  });
}

export function useRecentJobs(limit = 10) {
  return useQuery({ queryKey: keys.jobs(), queryFn: () => api.listJobs({ limit }), refetchInterval: 5000 });
}

export function useCreatePipeline() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: CreatePipelineBody) => api.createPipeline(body),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.pipelines }),
  });
}

export function useRenamePipeline() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ id, name }: { id: string; name: string }) => api.updatePipeline(id, { name }),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.pipelines }),
  });
}

export function useDeletePipeline() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.deletePipeline(id),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.pipelines }),
  });
}

/**
 * Starts a run. A refused start (422 invalid spec, 429 too many jobs) is no run: the server stores no job,
 * and the runs list is re-read either way, so it never shows one.
 */
export function useStartJob() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: StartJobBody) => api.startJob(body),
    onSuccess: (job) => qc.setQueryData(keys.job(job.id), job),
    onSettled: () => qc.invalidateQueries({ queryKey: ['jobs'] }),
  });
}

/** Create a pipeline from a spec and run it: the template cards' one-click run. */
export function useCreateAndRun() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async (body: CreatePipelineBody): Promise<JobDetail> => {
      const pipeline = await api.createPipeline(body);
      void qc.invalidateQueries({ queryKey: keys.pipelines });
      return api.startJob({ pipelineId: pipeline.id });
    },
    onSuccess: (job) => qc.setQueryData(keys.job(job.id), job),
    onSettled: () => qc.invalidateQueries({ queryKey: ['jobs'] }),
  });
}

export function useJob(id: string) {
  return useQuery({
    queryKey: keys.job(id),
    queryFn: () => api.getJob(id),
    // The socket keeps status and metrics current; this is the safety net when it is down.
    refetchInterval: 10_000,
  });
}

export function useCheckpoints(jobId: string) {
  return useQuery({
    queryKey: keys.checkpoints(jobId),
    queryFn: () => api.listCheckpoints(jobId),
    refetchInterval: 15_000,
  });
}

/** The job's log, newest first (the run view adds `job:event`s as they arrive). */
export function useJobEvents(jobId: string, limit = 200) {
  return useQuery({
    queryKey: keys.events(jobId),
    queryFn: () => api.listJobEvents(jobId, { limit }),
    refetchInterval: 30_000,
  });
}

/**
 * The compatibility report of starting `version` of a pipeline from a checkpoint (nothing is started). Read once
 * per choice: the checkpoint and the version never change.
 */
export function useCompatibility(
  pipelineId: string | null,
  version: number | null,
  from: { jobId: string; checkpointId: number },
  allowNonRestoredState: boolean,
) {
  return useQuery({
    queryKey: keys.compatibility(
      pipelineId ?? '',
      version ?? 0,
      from.jobId,
      from.checkpointId,
      allowNonRestoredState,
    ),
    queryFn: () =>
      api.checkCompatibility(pipelineId!, version!, {
        ...from,
        ...(allowNonRestoredState ? { allowNonRestoredState } : {}),
      }),
    enabled: pipelineId !== null && version !== null,
    // While another choice is compared, the last report stays (the dialog says it is updating).
    placeholderData: (previous) => previous,
    staleTime: Number.POSITIVE_INFINITY,
    retry: false,
  });
}

export function useStopJob(jobId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (savepoint: boolean) => api.stopJob(jobId, savepoint),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: keys.job(jobId) });
      void qc.invalidateQueries({ queryKey: keys.checkpoints(jobId) });
      void qc.invalidateQueries({ queryKey: keys.events(jobId) });
    },
  });
}

export function useTriggerCheckpoint(jobId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.triggerCheckpoint(jobId),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.checkpoints(jobId) }),
  });
}

export function useRestore(jobId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (checkpointId: number) => api.restore(jobId, checkpointId),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: keys.job(jobId) });
      void qc.invalidateQueries({ queryKey: keys.checkpoints(jobId) });
    },
  });
}

/** The data files uploaded to the server (what file sources read as `files/<name>`). */
export function useDataFiles() {
  return useQuery({ queryKey: keys.files, queryFn: () => api.listFiles() });
}

/** Uploads a local file into the server's data directory (under a name the server allows). */
export function useUploadFile() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ name, data }: { name: string; data: Blob }) => api.uploadFile(name, data),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.files }),
  });
}
