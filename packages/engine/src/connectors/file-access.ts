/**
 * Which files a job may touch. Every path a spec names (a file source, a file sink's directory) goes through a
 * `FileAccess` before it is opened: relative paths resolve against its base directory, symlinks are followed,
 * and a confined access refuses anything outside its roots.
 *
 * - `openFileAccess(baseDir)`: anything the process may open (the CLI: the file owner runs their own files).
 * - `confinedFileAccess({ baseDir, roots, deny })`: the server. A path is allowed when, after `realpath` (of
 *   its deepest existing ancestor, so a sink directory that does not exist yet is judged by where it would
 *   be), it lies inside one of `roots` and inside none of `deny`; a root may be read-only. An existing path
 *   must be a regular file or a directory: devices, FIFOs and sockets are refused.
 *
 * The check runs twice: when the server accepts a spec (`specFileProblems`, a 422 naming the node and the
 * path) and again when the engine opens the file, so a symlink swapped in between does not get through.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { JobSpec, Problem } from '@flowstate/spec';

export type FileAccessMode = 'read' | 'write';

/** A path a job may not use; `path` is the path as the spec wrote it. */
export class FileAccessError extends Error {
  override readonly name = 'FileAccessError';
  readonly code = 'PATH_NOT_ALLOWED';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

export interface FileAccess {
  /** Relative paths resolve against this directory. */
  readonly baseDir: string;
  /**
   * The absolute path `path` names (relative to `baseDir`, symlinks resolved where the path exists); throws
   * `FileAccessError` when the job may not use it for `mode`.
   */
  resolve(path: string, mode: FileAccessMode): string;
}

export interface FileRoot {
  dir: string;
  /** false: sources may read it, sinks may not write there. */
  writable: boolean;
  /** How the root is named in messages (default: its path). */
  label?: string;
}

export interface DeniedPath {
  /** A file or directory (everything under a directory is denied too). */
  path: string;
  /** What it is, for the message ("the server's database"). */
  what: string;
}

/** Unrestricted: relative paths against `baseDir`, nothing refused. */
export function openFileAccess(baseDir: string): FileAccess {
  const base = resolve(baseDir);
  return { baseDir: base, resolve: (p) => (isAbsolute(p) ? p : resolve(base, p)) };
}

/** `path` is `dir` or inside it. */
function within(path: string, dir: string): boolean {
  if (path === dir) return true;
  const r = relative(dir, path);
  return r !== '' && !r.startsWith(`..${sep}`) && r !== '..' && !isAbsolute(r);
}

/** realpath of the deepest existing ancestor, with the rest of the path appended (nothing on the way exists). */
function realpathLenient(abs: string): { real: string; exists: boolean } {
  const rest: string[] = [];
  let cur = abs;
  for (;;) {
    try {
      const real = realpathSync(cur);
      return { real: rest.length > 0 ? join(real, ...rest.reverse()) : real, exists: rest.length === 0 };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      const parent = dirname(cur);
      if (parent === cur) return { real: abs, exists: false };
      rest.push(basename(cur));
      cur = parent;
    }
  }
}

function realDir(p: string): string {
  return realpathLenient(resolve(p)).real;
}

export function confinedFileAccess(opts: {
  baseDir: string;
  roots: readonly FileRoot[];
  deny?: readonly DeniedPath[];
}): FileAccess {
  const baseDir = resolve(opts.baseDir);
  const roots = opts.roots.map((r) => ({ ...r, real: realDir(r.dir) }));
  const deny = (opts.deny ?? []).map((d) => ({ ...d, real: realDir(d.path) }));
  const listed = roots.map((r) => `${r.label ?? r.dir}${r.writable ? '' : ' (read-only)'}`).join(', ');
  return {
    baseDir,
    resolve(path, mode) {
      const abs = isAbsolute(path) ? resolve(path) : resolve(baseDir, path);
      let real: string;
      let exists: boolean;
      try {
        ({ real, exists } = realpathLenient(abs));
      } catch (e) {
        throw new FileAccessError(path, `cannot check "${path}": ${(e as Error).message}`);
      }
      const shown = real === abs ? `"${path}"` : `"${path}" (${real})`;
      for (const d of deny) {
        if (within(real, d.real)) {
          throw new FileAccessError(path, `${shown} is ${d.what}: a job may not read or write it`);
        }
      }
      const root = roots.find((r) => within(real, r.real));
      if (!root) {
        throw new FileAccessError(
          path,
          `${shown} is outside the directories this server lets jobs use (${listed}); upload the file or add a root to FLOWSTATE_FILE_ROOTS`,
        );
      }
      if (mode === 'write' && !root.writable) {
        throw new FileAccessError(path, `${shown} is in ${root.label ?? root.dir}, which jobs may only read`);
      }
      if (exists) {
        let kind: string | null = null;
        try {
          const st = statSync(real);
          if (!st.isFile() && !st.isDirectory()) {
            kind = st.isFIFO()
              ? 'a FIFO'
              : st.isSocket()
                ? 'a socket'
                : st.isCharacterDevice() || st.isBlockDevice()
                  ? 'a device'
                  : 'not a regular file';
          }
        } catch (e) {
          throw new FileAccessError(path, `cannot check "${path}": ${(e as Error).message}`);
        }
        if (kind !== null) {
          throw new FileAccessError(
            path,
            `${shown} is ${kind}: only regular files and directories can be used`,
          );
        }
      }
      return real;
    },
  };
}

/**
 * Every file path of the spec that `access` refuses, as validation problems (`path-not-allowed`, with the
 * node and the JSON path of the connector's `path`).
 */
export function specFileProblems(spec: JobSpec, access: FileAccess): Problem[] {
  const problems: Problem[] = [];
  spec.nodes.forEach((node, i) => {
    if ((node.kind !== 'source' && node.kind !== 'sink') || node.connector.type !== 'file') return;
    const mode: FileAccessMode = node.kind === 'source' ? 'read' : 'write';
    try {
      access.resolve(node.connector.path, mode);
    } catch (e) {
      if (!(e instanceof FileAccessError)) throw e;
      problems.push({
        code: 'path-not-allowed',
        nodeId: node.id,
        path: `/nodes/${i}/connector/path`,
        message: `${node.kind} '${node.id}': ${e.message}`,
      });
    }
  });
  return problems;
}
