/**
 * The server's environment, read and validated in this one place (nothing else reads `process.env`).
 *
 *   FLOWSTATE_DATA_DIR       data directory: SQLite database, checkpoints (default `.flowstate/` at the repo root)
 *   DATABASE_URL             another database than the SQLite file in the data directory
 *   HOST                     interface to bind (default 127.0.0.1: loopback only)
 *   PORT                     TCP port (default 4000; 0 picks a free one)
 *   FLOWSTATE_TOKEN          when set, REST calls need `Authorization: Bearer <token>` and sockets `auth.token`
 *   FLOWSTATE_STUDIO_ORIGIN  origins allowed for CORS and socket.io, comma-separated
 *                            (default http://127.0.0.1:3000,http://localhost:3000)
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** The repository root (apps/server/src → ../../..). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export const DEFAULT_STUDIO_ORIGINS = ['http://127.0.0.1:3000', 'http://localhost:3000'];

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const OriginSchema = z.string().refine(
  (s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === s;
    } catch {
      return false;
    }
  },
  {
    message: 'an origin is scheme://host[:port] with no path or trailing slash (e.g. http://localhost:3000)',
  },
);

export const EnvSchema = z.object({
  FLOWSTATE_DATA_DIR: z.preprocess(blankToUndefined, z.string().optional()),
  DATABASE_URL: z.preprocess(blankToUndefined, z.string().optional()),
  HOST: z.preprocess(blankToUndefined, z.string().default('127.0.0.1')),
  PORT: z.preprocess(
    blankToUndefined,
    z.coerce
      .number('PORT must be a number')
      .int('PORT must be a whole number')
      .min(0, 'PORT must be between 0 and 65535')
      .max(65535, 'PORT must be between 0 and 65535')
      .default(4000),
  ),
  FLOWSTATE_TOKEN: z.preprocess(
    blankToUndefined,
    z.string().min(8, 'FLOWSTATE_TOKEN must be at least 8 characters').optional(),
  ),
  FLOWSTATE_STUDIO_ORIGIN: z.preprocess(
    blankToUndefined,
    z
      .string()
      .optional()
      .transform((s) => (s === undefined ? DEFAULT_STUDIO_ORIGINS : s.split(',').map((o) => o.trim())))
      .pipe(z.array(OriginSchema).min(1)),
  ),
});

export interface Env {
  /** Absolute path of the data directory. */
  dataDir: string;
  databaseUrl: string | undefined;
  host: string;
  port: number;
  token: string | undefined;
  studioOrigins: string[];
}

export class EnvError extends Error {
  override readonly name = 'EnvError';
}

/** Reads the environment (default `process.env`); throws `EnvError` naming every bad variable. */
export function loadEnv(source: Record<string, string | undefined> = process.env): Env {
  const r = EnvSchema.safeParse(source);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
    throw new EnvError(`invalid environment:\n${lines.join('\n')}`);
  }
  const e = r.data;
  return {
    dataDir: path.resolve(REPO_ROOT, e.FLOWSTATE_DATA_DIR ?? '.flowstate'),
    databaseUrl: e.DATABASE_URL,
    host: e.HOST,
    port: e.PORT,
    token: e.FLOWSTATE_TOKEN,
    studioOrigins: e.FLOWSTATE_STUDIO_ORIGIN,
  };
}
