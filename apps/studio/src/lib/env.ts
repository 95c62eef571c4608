/**
 * The studio's environment, read and validated in this one place (next.config.ts and server code read it
 * from here; nothing else reads `process.env`).
 *
 *   FLOWSTATE_SERVER_URL   where the Flowstate server listens (default http://127.0.0.1:4000); the studio's
 *                          `/api/*` and `/socket.io/*` are proxied there
 *   FLOWSTATE_EXAMPLES_DIR the templates' directory (default: `examples/` at the repository root)
 */
import path from 'node:path';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:4000';

export class StudioEnvError extends Error {
  override readonly name = 'StudioEnvError';
}

/** FLOWSTATE_SERVER_URL as an origin (`http://host:port`, no trailing slash); throws on a bad value. */
export function serverUrl(source: Record<string, string | undefined> = process.env): string {
  const raw = source.FLOWSTATE_SERVER_URL?.trim() || DEFAULT_SERVER_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new StudioEnvError(
      `FLOWSTATE_SERVER_URL: '${raw}' is not a URL (expected e.g. ${DEFAULT_SERVER_URL})`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new StudioEnvError(`FLOWSTATE_SERVER_URL: '${raw}' must start with http:// or https://`);
  }
  if (url.pathname !== '/' || url.search || url.hash) {
    throw new StudioEnvError(
      `FLOWSTATE_SERVER_URL: '${raw}' must be an origin (scheme://host:port) without a path`,
    );
  }
  return url.origin;
}

/** The templates' directory: FLOWSTATE_EXAMPLES_DIR, or `examples/` two levels above the studio. */
export function examplesDir(
  source: Record<string, string | undefined> = process.env,
  cwd: string = process.cwd(),
): string {
  const raw = source.FLOWSTATE_EXAMPLES_DIR?.trim();
  return raw ? path.resolve(cwd, raw) : path.resolve(cwd, '../../examples');
}
