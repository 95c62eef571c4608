/**
 * Import and export of a spec as a JSON file (pure: the editor view does the file and clipboard I/O).
 *
 * Import: the text is parsed (a syntax error names its line and column), checked by the editor core's
 * `importSpec` (a spec the canvas cannot hold says why), and its relative file *source* paths are
 * handled the way templates handle them. The server reads a relative path from its data directory, not
 * from the folder the file came from (which a browser never learns), so:
 *
 * - a spec that is one of the bundled examples (its `name` is the example's name or directory, and the
 *   relative path is one that example reads) gets the example's absolute data path, exactly as "Create
 *   pipeline" from that template would;
 * - any other relative path is kept, and the import says that it will be read from the server's data
 *   directory.
 */
import type { JobSpecInput } from '@flowstate/spec';
import { importSpec } from '../editor/convert';
import { parseJsonText } from './json-text';

/** What the editor needs of a template to resolve an imported copy's relative paths. */
export interface ExampleData {
  /** The example's directory name (`word-count`). */
  id: string;
  /** The spec's name (`word-count`). */
  name: string;
  /** Relative source path as written in the example (`data/words.txt`) → the absolute path. */
  paths: Record<string, string>;
}

/** `ExampleData` of a template (its spec's absolute file source paths that lie under its directory). */
export function exampleData(template: { id: string; name: string; dir: string; spec: unknown }): ExampleData {
  const dir = template.dir.replace(/[\\/]+$/, '');
  const paths: Record<string, string> = {};
  for (const { path } of fileSourcePaths(template.spec)) {
    const sep = path.charAt(dir.length);
    if (path.startsWith(dir) && (sep === '/' || sep === '\\')) {
      paths[path.slice(dir.length + 1).replaceAll('\\', '/')] = path;
    }
  }
  return { id: template.id, name: template.name, paths };
}

/** Every `file` source connector path of a spec-like value, with its node id. */
export function fileSourcePaths(spec: unknown): { nodeId: string; path: string }[] {
  const nodes = (spec as { nodes?: unknown } | null)?.nodes;
  if (!Array.isArray(nodes)) return [];
  const out: { nodeId: string; path: string }[] = [];
  for (const n of nodes) {
    const node = n as { id?: unknown; kind?: unknown; connector?: { type?: unknown; path?: unknown } } | null;
    const c = node?.connector;
    if (node?.kind === 'source' && c?.type === 'file' && typeof c.path === 'string') {
      out.push({ nodeId: String(node.id), path: c.path });
    }
  }
  return out;
}

/** An absolute path on POSIX (`/x`) or Windows (`C:\x`, `\\server\x`). */
export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
}

/**
 * The spec with relative file source paths resolved against the bundled example it is a copy of, and a
 * note per path saying what happened to it.
 */
export function resolveImportedPaths(
  spec: JobSpecInput,
  examples: readonly ExampleData[],
): { spec: JobSpecInput; notes: string[] } {
  const relative = fileSourcePaths(spec).filter((p) => !isAbsolutePath(p.path));
  if (relative.length === 0) return { spec, notes: [] };
  const example = examples.find((e) => e.name === spec.name || e.id === spec.name);
  const resolved = new Map<string, string>();
  const kept: string[] = [];
  for (const { nodeId, path } of relative) {
    const absolute = example?.paths[path.replace(/^\.\//, '')];
    if (absolute !== undefined) resolved.set(nodeId, absolute);
    else kept.push(`${nodeId}: ${path}`);
  }
  const notes: string[] = [];
  if (resolved.size > 0) {
    notes.push(
      `Data paths of the '${example!.id}' example now point at its data: ${[...resolved]
        .map(([id, p]) => `${id} → ${p}`)
        .join(', ')}.`,
    );
  }
  if (kept.length > 0) {
    notes.push(
      `Relative data paths are read from the server's data directory (FLOWSTATE_DATA_DIR): ${kept.join(', ')}. ` +
        'Make them absolute in the inspector if the data lies elsewhere.',
    );
  }
  if (resolved.size === 0) return { spec, notes };
  const nodes = spec.nodes.map((node) => {
    const path = resolved.get(node.id);
    if (path === undefined || node.kind !== 'source') return node;
    return { ...node, connector: { ...node.connector, path } } as typeof node;
  });
  return { spec: { ...spec, nodes }, notes };
}

export type SpecImport =
  | { ok: true; spec: JobSpecInput; notes: string[] }
  | { ok: false; kind: 'json' | 'spec'; message: string };

/** Reads an imported file's (or pasted) text as a spec for the canvas. */
export function readSpecText(text: string, examples: readonly ExampleData[] = []): SpecImport {
  if (text.trim() === '') return { ok: false, kind: 'json', message: 'There is no JSON to import.' };
  const parsed = parseJsonText(text);
  if (!parsed.ok) return { ok: false, kind: 'json', message: `Not valid JSON. ${parsed.message}` };
  const imported = importSpec(parsed.value);
  if (!imported.ok)
    return { ok: false, kind: 'spec', message: `Not a spec the editor can open: ${imported.reason}.` };
  return { ok: true, ...resolveImportedPaths(imported.spec, examples) };
}

/** `<name>.json`, the name made safe for a file name (`word count/v2` → `word-count-v2.json`). */
export function exportFileName(name: string): string {
  const safe = name
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '');
  return `${safe || 'pipeline'}.json`;
}

/**
 * A data file the server can read that a new file source reads by default: the word count's text (one
 * line per row, matching a new file source's `text` format), else the first example file; undefined when
 * the studio has no examples.
 */
export function sampleDataFile(examples: readonly ExampleData[]): string | undefined {
  const all = examples.flatMap((e) => Object.values(e.paths));
  return (
    all.find((p) => /[\\/]word-count[\\/]data[\\/]words\.txt$/.test(p)) ??
    all.find((p) => p.endsWith('.txt')) ??
    all[0]
  );
}
