/**
 * What the editor's Save does: a pipeline that does not exist yet is created (POST /api/pipelines, its
 * spec as version 1, named after the spec); an existing one gets a new version (PUT /api/pipelines/:id,
 * which stores the spec only when it differs from the newest version).
 */
import type { CreatePipelineBody, UpdatePipelineBody } from '@flowstate/api';
import type { JobSpecInput } from '@flowstate/spec';

export type SavePlan =
  | { kind: 'create'; body: CreatePipelineBody }
  | { kind: 'update'; id: string; body: UpdatePipelineBody }
  /** A new pipeline needs a name before it can be created. */
  | { kind: 'needs-name'; message: string };

export function planSave(pipelineId: string | null, spec: JobSpecInput): SavePlan {
  if (pipelineId !== null) return { kind: 'update', id: pipelineId, body: { spec } };
  const name = typeof spec.name === 'string' ? spec.name.trim() : '';
  if (name === '') return { kind: 'needs-name', message: 'Name the pipeline before saving it.' };
  return { kind: 'create', body: { name, spec: name === spec.name ? spec : { ...spec, name } } };
}

/** The note after a save. */
export function savedNote(created: boolean, newVersion: number | null): string {
  if (created) return 'Saved as version 1';
  return newVersion === null ? 'No changes to save' : `Saved as version ${newVersion}`;
}

/** Run saves first when the pipeline is new or has unsaved changes. */
export function mustSaveBeforeRun(pipelineId: string | null, dirty: boolean): boolean {
  return pipelineId === null || dirty;
}

/** The editor's address of a pipeline. */
export function pipelinePath(id: string): string {
  return `/pipelines/${encodeURIComponent(id)}`;
}
