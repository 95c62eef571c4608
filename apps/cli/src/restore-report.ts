/**
 * The restore compatibility report (the engine's `checkRestoreCompatibility`, the same one the server answers
 * and the studio shows) as text: one line per node — id, kind, what happens to its state, why — with the layout
 * changes of an incompatible node under it, then the summary.
 */
import type { NodeRestore, RestoreCompatibility } from '@flowstate/spec';
import type { Paint } from './format';

const ACTION_TEXT: Record<NodeRestore['action'], string> = {
  restore: 'restored',
  'start-empty': 'starts empty',
  drop: 'dropped',
  refuse: 'refused',
  none: '—',
};

export function formatRestoreReport(report: RestoreCompatibility, where: string, p: Paint): string {
  const lines = [`restoring ${report.checkpointKind} ${report.checkpointId} (${where}):`];
  const idWidth = Math.max(...report.nodes.map((n) => n.nodeId.length), 4);
  const kindWidth = Math.max(...report.nodes.map((n) => (n.kind ?? n.previousKind ?? 'removed').length), 4);
  const actionWidth = Math.max(...Object.values(ACTION_TEXT).map((t) => t.length));
  for (const n of report.nodes) {
    const action = ACTION_TEXT[n.action].padEnd(actionWidth);
    const colored =
      n.action === 'refuse'
        ? p.red(action)
        : n.action === 'drop' || n.action === 'start-empty'
          ? p.yellow(action)
          : n.action === 'restore'
            ? p.green(action)
            : p.dim(action);
    const kind = n.kind ?? `(${n.previousKind ?? 'node'})`;
    lines.push(`  ${n.nodeId.padEnd(idWidth)}  ${kind.padEnd(kindWidth + 2)}  ${colored}  ${n.reason}`);
    const indent = ' '.repeat(2 + idWidth + 2 + kindWidth + 2 + 2 + actionWidth + 2);
    for (const c of n.changes) lines.push(`${indent}${p.dim(c)}`);
  }
  for (const problem of report.problems) lines.push(`  ${p.red('✗')} ${problem.message}`);
  const mark = report.ok ? p.green('✓') : p.red('✗');
  lines.push(`${mark} ${report.summary}`);
  return `${lines.join('\n')}\n`;
}
