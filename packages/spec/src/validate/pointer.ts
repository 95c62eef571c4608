/** JSON pointers (RFC 6901) and the document order of problems. */
import type { Problem } from './types';

export type Segment = string | number;

/** Escapes one reference token: `~` → `~0`, `/` → `~1`. */
export function escapeSegment(segment: PropertyKey): string {
  return String(segment).replaceAll('~', '~0').replaceAll('/', '~1');
}

/** `pointer('nodes', 3, 'where')` → `/nodes/3/where`; no segments → `""` (the whole document). */
export function pointer(...segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) out += `/${escapeSegment(segment)}`;
  return out;
}

/**
 * Sorts problems into the order of the paths they point at in the document as written (a pre-order
 * walk), so the list reads top to bottom like the spec. A path to a property that does not exist
 * sorts at the end of its deepest existing parent, where one would add it. Problems at the same place
 * keep the order they were reported in.
 */
export function sortProblemsByDocumentOrder(input: unknown, problems: readonly Problem[]): Problem[] {
  if (problems.length < 2) return [...problems];
  const positions = new Map<string, { enter: number; exit: number }>();
  const seen = new Set<object>();
  let clock = 0;
  const walk = (value: unknown, path: string): void => {
    const enter = clock++;
    if (value !== null && typeof value === 'object' && !seen.has(value)) {
      seen.add(value);
      if (Array.isArray(value)) value.forEach((item, i) => void walk(item, `${path}/${i}`));
      else for (const [key, item] of Object.entries(value)) walk(item, `${path}/${escapeSegment(key)}`);
    }
    positions.set(path, { enter, exit: clock++ });
  };
  walk(input, '');
  const rank = (path: string): number => {
    const hit = positions.get(path);
    if (hit) return hit.enter;
    let prefix = path;
    while (prefix !== '') {
      prefix = prefix.slice(0, prefix.lastIndexOf('/'));
      const parent = positions.get(prefix);
      if (parent) return parent.exit - 0.5;
    }
    return Number.POSITIVE_INFINITY;
  };
  return problems
    .map((problem, i) => ({ problem, i, rank: rank(problem.path) }))
    .sort((a, b) => a.rank - b.rank || a.i - b.i)
    .map((entry) => entry.problem);
}
