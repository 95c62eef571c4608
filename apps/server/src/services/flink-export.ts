/**
 * A stored pipeline version as a Flink SQL script (`@flowstate/flink-sql`), the way this server can vouch for it:
 * every file path the spec names goes through the server's file policy first (the same check as saving and
 * running it: a source may read it, a sink may write there) and is replaced by the absolute path the policy
 * resolves it to (symlinks followed), so the script names only files under the allowed roots — and the same files
 * whatever directory Flink runs in. A path the policy refuses is a `path-not-allowed` problem naming the node, like
 * the export's own refusals.
 *
 * The export endpoint and Deploy to Flink both use this, so what the studio shows is what gets deployed.
 */
import type { FileAccess } from '@flowstate/engine';
import { FileAccessError } from '@flowstate/engine';
import { type ExportNote, type ExportProblem, exportFlinkSql } from '@flowstate/flink-sql';
import { validateSpec } from '@flowstate/spec';
import type { Db } from '../db/index';
import { HttpError, notFound } from '../http/errors';

export interface ServerExport {
  pipelineId: string;
  version: number;
  name: string;
  sql: string;
  notes: ExportNote[];
}

/** The spec with every file source and sink path resolved by `access` (a copy), or the paths it refuses. */
export function resolveSpecPaths(
  spec: unknown,
  access: FileAccess,
): { ok: true; spec: unknown } | { ok: false; problems: ExportProblem[] } {
  const valid = validateSpec(spec);
  if (!valid.ok) {
    return { ok: false, problems: valid.problems.filter((p) => !p.code.startsWith('warning/')) };
  }
  const copy = structuredClone(spec) as { nodes: Array<Record<string, unknown>> };
  const problems: ExportProblem[] = [];
  valid.spec.nodes.forEach((node, i) => {
    if ((node.kind !== 'source' && node.kind !== 'sink') || node.connector.type !== 'file') return;
    const at = `/nodes/${i}/connector/path`;
    try {
      const resolved = access.resolve(node.connector.path, node.kind === 'source' ? 'read' : 'write');
      const connector = copy.nodes[i]!.connector as Record<string, unknown>;
      connector.path = resolved;
    } catch (e) {
      if (!(e instanceof FileAccessError)) throw e;
      problems.push({
        code: 'path-not-allowed',
        nodeId: node.id,
        path: at,
        message: `${node.kind} '${node.id}': ${e.message}`,
      });
    }
  });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, spec: copy };
}

/** The 422 of a version that cannot be exported: the first problem in the message, all in `details.problems`. */
export function exportRefused(pipelineId: string, version: number, problems: ExportProblem[]): HttpError {
  const first = problems[0];
  const where = (p: ExportProblem) => (p.nodeId !== undefined ? `node '${p.nodeId}'` : p.path || '(spec)');
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problems)` : '';
  return new HttpError(
    'flink-export-refused',
    `version ${version} of pipeline '${pipelineId}' cannot be exported to Flink SQL${
      first ? `: ${where(first)}: ${first.message}${more}` : ''
    }`,
    { problems },
  );
}

/**
 * Exports version `version` of pipeline `pipelineId` (404 when either is unknown, 422 `flink-export-refused` with
 * the problems when the export or the file policy refuses it).
 */
export async function exportVersion(
  db: Db,
  access: FileAccess,
  pipelineId: string,
  version?: number,
): Promise<ServerExport> {
  const pipeline = await db.pipelines.get(pipelineId);
  if (!pipeline) throw notFound.pipeline(pipelineId);
  const number = version ?? pipeline.latestVersion;
  const v = await db.pipelines.version(pipelineId, number);
  if (!v) throw notFound.version(pipelineId, number);
  const resolved = resolveSpecPaths(v.spec, access);
  if (!resolved.ok) throw exportRefused(pipelineId, number, resolved.problems);
  // Every path is absolute now; the base directory is what the server resolves relative paths against anyway.
  const result = exportFlinkSql(resolved.spec, { baseDir: access.baseDir });
  if (!result.ok) throw exportRefused(pipelineId, number, result.problems);
  const name = (v.spec as { name?: unknown }).name;
  return {
    pipelineId,
    version: number,
    name: typeof name === 'string' ? name : pipeline.name,
    sql: result.sql,
    notes: result.notes,
  };
}
