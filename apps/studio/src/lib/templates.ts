/**
 * Templates: the runnable specs in the repository's `examples/` (one `<name>/job.json` each). Read on the
 * studio's server (the pipelines page is a Server Component), never in the browser.
 *
 * A spec's relative file paths resolve against the spec file's directory when the CLI runs it, but against
 * the server's data directory when the server runs it. So a template's file *source* paths are made absolute
 * here, and a pipeline created from a template reads the example's data where it lies.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * How a template runs, for its card: live (its generators stream without end: rows a second, checkpoint
 * interval) or bounded (it reads its input to the end and finishes, with a result to read).
 */
export type TemplateMode =
  | { kind: 'live'; rowsPerSecond: number; checkpointEveryMs: number }
  | { kind: 'bounded' };

export interface Template {
  /** The example's directory name (`word-count`). */
  id: string;
  name: string;
  description: string;
  /** Node kinds in order, for the card (`source → flatMap → …`). */
  kinds: string[];
  /** The spec with absolute file source paths. */
  spec: unknown;
  /** The example's directory (absolute): what its relative paths were resolved against. */
  dir: string;
  mode: TemplateMode;
}

interface SpecLike {
  name?: unknown;
  description?: unknown;
  nodes?: unknown;
}

/** The spec with every relative `file` source path made absolute against `dir` (a new object). */
export function absolutizeSourcePaths(spec: unknown, dir: string): unknown {
  if (!spec || typeof spec !== 'object') return spec;
  const s = spec as SpecLike;
  if (!Array.isArray(s.nodes)) return spec;
  const nodes = s.nodes.map((n: unknown) => {
    const node = n as { kind?: unknown; connector?: { type?: unknown; path?: unknown } };
    const c = node?.connector;
    if (
      node?.kind === 'source' &&
      c?.type === 'file' &&
      typeof c.path === 'string' &&
      !path.isAbsolute(c.path)
    ) {
      return { ...node, connector: { ...c, path: path.resolve(dir, c.path) } };
    }
    return n;
  });
  return { ...(spec as object), nodes };
}

/** Live or bounded (see `TemplateMode`), from the spec as written. */
export function templateMode(spec: unknown): TemplateMode {
  const s = spec as { nodes?: unknown; settings?: { checkpointing?: { intervalMs?: unknown } } } | null;
  const nodes = Array.isArray(s?.nodes)
    ? (s.nodes as { kind?: unknown; connector?: Record<string, unknown> }[])
    : [];
  let rate = 0;
  let live = false;
  for (const n of nodes) {
    const c = n?.connector;
    if (n?.kind !== 'source' || (c?.type !== 'datagen' && c?.type !== 'nexmark') || c.count !== undefined)
      continue;
    live = true;
    const r = c.type === 'datagen' ? c.rowsPerSecond : c.eventsPerSecond;
    rate += typeof r === 'number' ? r : 0;
  }
  if (!live) return { kind: 'bounded' };
  const interval = s?.settings?.checkpointing?.intervalMs;
  return {
    kind: 'live',
    rowsPerSecond: rate,
    checkpointEveryMs: typeof interval === 'number' ? interval : 0,
  };
}

/** The order the pipelines page shows them in: the classic first, the rest by name. */
const FIRST = ['word-count', 'word-count-windowed'];

/** Every `<dir>/<name>/job.json`, as templates. A file that cannot be read or parsed is left out. */
export async function loadTemplates(dir: string): Promise<Template[]> {
  let names: string[];
  try {
    names = (await readdir(dir, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return [];
  }
  const out: Template[] = [];
  for (const id of names) {
    const file = path.join(dir, id, 'job.json');
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(file, 'utf8'));
    } catch {
      continue;
    }
    const s = raw as SpecLike;
    const nodes = Array.isArray(s.nodes) ? (s.nodes as { kind?: unknown }[]) : [];
    out.push({
      id,
      name: typeof s.name === 'string' ? s.name : id,
      description: typeof s.description === 'string' ? s.description : '',
      kinds: nodes.map((n) => String(n?.kind ?? '?')),
      spec: absolutizeSourcePaths(raw, path.dirname(file)),
      dir: path.dirname(file),
      mode: templateMode(raw),
    });
  }
  const rank = (id: string) => {
    const i = FIRST.indexOf(id);
    return i === -1 ? FIRST.length : i;
  };
  return out.sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id));
}
