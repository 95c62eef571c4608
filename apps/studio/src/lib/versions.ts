/**
 * The version history's rows: newest first, each with its node count and a short summary of what changed
 * from the version before it (nodes added, removed or changed, edges, job settings, layout).
 */
import type { PipelineVersion } from '@flowstate/api';

export interface VersionChanges {
  added: string[];
  removed: string[];
  /** Nodes whose fields changed (same id). */
  changed: string[];
  edgesAdded: number;
  edgesRemoved: number;
  /** name, description or settings differ. */
  job: string[];
  /** Only node positions differ (nothing else). */
  layoutOnly: boolean;
}

export interface VersionRow {
  version: number;
  createdAt: string;
  message: string | null;
  nodeCount: number;
  edgeCount: number;
  /** Against the previous version; null for the first version. */
  changes: VersionChanges | null;
  /** `+1 node (m), 2 changed` / `first version` / `no changes`. */
  summary: string;
  /** The newest version. */
  latest: boolean;
}

interface SpecShape {
  name?: unknown;
  description?: unknown;
  settings?: unknown;
  nodes?: unknown;
  edges?: unknown;
  layout?: unknown;
}

type NodeLike = { id?: unknown } & Record<string, unknown>;
type EdgeLike = { from?: unknown; to?: unknown; port?: unknown };

function nodesOf(spec: SpecShape): NodeLike[] {
  return Array.isArray(spec.nodes) ? (spec.nodes as NodeLike[]) : [];
}
function edgesOf(spec: SpecShape): EdgeLike[] {
  return Array.isArray(spec.edges) ? (spec.edges as EdgeLike[]) : [];
}

/** JSON text with object keys sorted: equal for equal values whatever the key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)))
      : v,
  );
}

/** What changed from `before` to `after` (two specs as stored). */
export function diffSpecs(before: unknown, after: unknown): VersionChanges {
  const a = (before ?? {}) as SpecShape;
  const b = (after ?? {}) as SpecShape;
  const nodesA = new Map(nodesOf(a).map((n) => [String(n.id), canonical(n)]));
  const nodesB = new Map(nodesOf(b).map((n) => [String(n.id), canonical(n)]));
  const added = [...nodesB.keys()].filter((id) => !nodesA.has(id));
  const removed = [...nodesA.keys()].filter((id) => !nodesB.has(id));
  const changed = [...nodesB.keys()].filter((id) => nodesA.has(id) && nodesA.get(id) !== nodesB.get(id));
  const edgeKey = (e: EdgeLike) => `${String(e.from)}\u0000${String(e.to)}\u0000${String(e.port ?? 'main')}`;
  const edgesA = new Set(edgesOf(a).map(edgeKey));
  const edgesB = new Set(edgesOf(b).map(edgeKey));
  const edgesAdded = [...edgesB].filter((k) => !edgesA.has(k)).length;
  const edgesRemoved = [...edgesA].filter((k) => !edgesB.has(k)).length;
  const job = (['name', 'description', 'settings'] as const).filter(
    (k) => canonical(a[k] ?? null) !== canonical(b[k] ?? null),
  );
  const structural =
    added.length + removed.length + changed.length + edgesAdded + edgesRemoved + job.length > 0;
  const layoutOnly = !structural && canonical(a.layout ?? null) !== canonical(b.layout ?? null);
  return { added, removed, changed, edgesAdded, edgesRemoved, job, layoutOnly };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const names = (ids: string[]) => (ids.length <= 2 ? ` (${ids.join(', ')})` : '');

/** A short line for a diff: `+1 node (m), −1 edge, settings changed`. */
export function summarizeChanges(c: VersionChanges): string {
  const parts: string[] = [];
  if (c.added.length > 0) parts.push(`+${plural(c.added.length, 'node')}${names(c.added)}`);
  if (c.removed.length > 0) parts.push(`−${plural(c.removed.length, 'node')}${names(c.removed)}`);
  if (c.changed.length > 0) parts.push(`${plural(c.changed.length, 'node')} changed${names(c.changed)}`);
  if (c.edgesAdded > 0) parts.push(`+${plural(c.edgesAdded, 'edge')}`);
  if (c.edgesRemoved > 0) parts.push(`−${plural(c.edgesRemoved, 'edge')}`);
  for (const k of c.job) parts.push(`${k} changed`);
  if (parts.length === 0) return c.layoutOnly ? 'layout only' : 'no changes';
  return parts.join(', ');
}

/** Rows for the versions panel, newest first (whatever order the versions come in). */
export function versionRows(versions: readonly PipelineVersion[]): VersionRow[] {
  const oldestFirst = [...versions].sort((x, y) => x.version - y.version);
  const newest = oldestFirst[oldestFirst.length - 1]?.version;
  const rows = oldestFirst.map((v, i): VersionRow => {
    const prev = i > 0 ? oldestFirst[i - 1] : undefined;
    const changes = prev === undefined ? null : diffSpecs(prev.spec, v.spec);
    return {
      version: v.version,
      createdAt: v.createdAt,
      message: v.message,
      nodeCount: nodesOf(v.spec as SpecShape).length,
      edgeCount: edgesOf(v.spec as SpecShape).length,
      changes,
      summary: changes === null ? 'first version' : summarizeChanges(changes),
      latest: v.version === newest,
    };
  });
  return rows.reverse();
}
