/**
 * The compatibility report of starting a version from a checkpoint or savepoint (the engine's
 * `checkRestoreCompatibility`, answered by `POST /api/pipelines/:id/versions/:version/compatibility`), for the
 * "Run a version from this savepoint" dialog: words and tones per node, and what the person may do next.
 */
import type { RestoreCompatibility } from '@flowstate/api';

type Node = RestoreCompatibility['nodes'][number];
export type Tone = 'ok' | 'warn' | 'danger' | 'muted';

/** What happens to a node's state, in a word or two, and its tone. */
export function actionLabel(n: Node): { text: string; tone: Tone } {
  switch (n.action) {
    case 'restore':
      return { text: 'Restored', tone: 'ok' };
    case 'start-empty':
      return { text: 'Starts empty', tone: 'warn' };
    case 'drop':
      return { text: 'Dropped', tone: 'warn' };
    case 'refuse':
      return { text: 'Cannot be restored', tone: 'danger' };
    case 'none':
      return { text: n.status === 'removed' ? 'Removed' : 'No state', tone: 'muted' };
  }
}

/** The node's kind, or what it was for a node the version no longer has. */
export function kindLabel(n: Node): string {
  if (n.kind) return n.kind;
  return n.previousKind ? `${n.previousKind}, removed` : 'removed';
}

/** The step the person is at: run it, accept dropping state first, or it cannot run at all. */
export function nextStep(report: RestoreCompatibility): 'run' | 'accept-drop' | 'blocked' {
  if (report.problems.length > 0) return 'blocked';
  if (report.ok) return 'run';
  return 'accept-drop';
}

/** How many nodes restore, start empty, and lose their state (refused or dropped). */
export function reportCounts(report: RestoreCompatibility): {
  restored: number;
  empty: number;
  lost: number;
} {
  const count = (f: (n: Node) => boolean) => report.nodes.filter(f).length;
  return {
    restored: count((n) => n.action === 'restore'),
    empty: count((n) => n.action === 'start-empty'),
    lost: count((n) => n.action === 'refuse' || n.action === 'drop'),
  };
}
