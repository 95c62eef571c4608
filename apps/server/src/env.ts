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
 *   FLOWSTATE_ALLOWED_HOSTS  host names the server answers to besides loopback ones (Host header check)
 *   FLOWSTATE_FILE_ROOTS     directories jobs may read and write besides the data directory (absolute, comma-separated)
 *   FLOWSTATE_JOB_MEMORY_MB  heap limit of each job's worker (default 1024)
 *   FLOWSTATE_MAX_RUNNING_JOBS  jobs that may run at once (default 8)
 *   FLOWSTATE_UPLOAD_MAX_BYTES  the largest uploaded data file (default 100 MiB)
 *   FLOWSTATE_FILES_MAX_BYTES   all uploaded data files together at most (default 2 GiB)
 *   FLOWSTATE_FLINK_GATEWAY     a Flink SQL Gateway's REST endpoint (http://host:port): enables Deploy to Flink
 *   FLOWSTATE_FLINK_DASHBOARD   that cluster's REST API / web dashboard (default: what the gateway's configuration
 *                               names, when it answers)
 *   FLOWSTATE_OUTPUT_KEEP_ROWS  newest rows of each collect sink stored for a job, readable once it no longer
 *                               runs (default 1000; 0 stores none)
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

/** An http(s) base URL without credentials, query or fragment; trailing slashes dropped. */
const baseUrl = (name: string, example: string) =>
  z.preprocess(
    blankToUndefined,
    z
      .string()
      .trim()
      .refine(
        (s) => {
          try {
            const u = new URL(s);
            return (
              (u.protocol === 'http:' || u.protocol === 'https:') &&
              u.username === '' &&
              u.password === '' &&
              u.search === '' &&
              u.hash === ''
            );
          } catch {
            return false;
          }
        },
        {
          message: `${name} must be an http(s) URL without credentials, query or fragment (e.g. ${example})`,
        },
      )
      .transform((s) => s.replace(/\/+$/, ''))
      .optional(),
  );

const list = (s: string | undefined) =>
  s === undefined
    ? []
    : s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== '');

const positiveInt = (name: string, max: number, dflt: number) =>
  z.preprocess(
    blankToUndefined,
    z.coerce
      .number(`${name} must be a number`)
      .int(`${name} must be a whole number`)
      .min(1, `${name} must be at least 1`)
      .max(max, `${name} must be at most ${max}`)
      .default(dflt),
  );

export const EnvSchema = z
  .object({
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
    FLOWSTATE_ALLOWED_HOSTS: z.preprocess(
      blankToUndefined,
      z
        .string()
        .optional()
        .transform(list)
        .pipe(
          z.array(
            z
              .string()
              .regex(
                /^[A-Za-z0-9.-]+$|^\[[0-9A-Fa-f:.]+\]$/,
                'a host is a name or address without a port (e.g. flowstate.example.com)',
              ),
          ),
        ),
    ),
    FLOWSTATE_FILE_ROOTS: z.preprocess(
      blankToUndefined,
      z
        .string()
        .optional()
        .transform(list)
        .pipe(
          z.array(
            z.string().refine((p) => path.isAbsolute(p), {
              message: 'each file root must be an absolute directory path',
            }),
          ),
        ),
    ),
    FLOWSTATE_JOB_MEMORY_MB: positiveInt('FLOWSTATE_JOB_MEMORY_MB', 65_536, 1024).pipe(
      z.number().min(64, 'FLOWSTATE_JOB_MEMORY_MB must be at least 64'),
    ),
    FLOWSTATE_MAX_RUNNING_JOBS: positiveInt('FLOWSTATE_MAX_RUNNING_JOBS', 1000, 8),
    FLOWSTATE_UPLOAD_MAX_BYTES: positiveInt('FLOWSTATE_UPLOAD_MAX_BYTES', 2 ** 40, 100 * 1024 * 1024),
    FLOWSTATE_FILES_MAX_BYTES: positiveInt('FLOWSTATE_FILES_MAX_BYTES', 2 ** 44, 2 * 1024 ** 3),
    FLOWSTATE_OUTPUT_KEEP_ROWS: z.preprocess(
      blankToUndefined,
      z.coerce
        .number('FLOWSTATE_OUTPUT_KEEP_ROWS must be a number')
        .int('FLOWSTATE_OUTPUT_KEEP_ROWS must be a whole number')
        .min(0, 'FLOWSTATE_OUTPUT_KEEP_ROWS must not be negative')
        .max(100_000, 'FLOWSTATE_OUTPUT_KEEP_ROWS must be at most 100000')
        .default(1000),
    ),
    FLOWSTATE_FLINK_GATEWAY: baseUrl('FLOWSTATE_FLINK_GATEWAY', 'http://127.0.0.1:8083'),
    FLOWSTATE_FLINK_DASHBOARD: baseUrl('FLOWSTATE_FLINK_DASHBOARD', 'http://127.0.0.1:8081'),
  })
  .refine((e) => e.FLOWSTATE_FLINK_DASHBOARD === undefined || e.FLOWSTATE_FLINK_GATEWAY !== undefined, {
    path: ['FLOWSTATE_FLINK_DASHBOARD'],
    message:
      'FLOWSTATE_FLINK_DASHBOARD needs FLOWSTATE_FLINK_GATEWAY: deploying goes through the SQL Gateway (e.g. http://127.0.0.1:8083)',
  });

export interface Env {
  /** Absolute path of the data directory. */
  dataDir: string;
  databaseUrl: string | undefined;
  host: string;
  port: number;
  token: string | undefined;
  studioOrigins: string[];
  /** Host names (besides loopback, and `host` when it is a specific address) the server answers to. */
  allowedHosts: string[];
  /** Directories jobs may use besides the data directory and the examples (absolute). */
  fileRoots: string[];
  jobMemoryMb: number;
  maxRunningJobs: number;
  uploadMaxBytes: number;
  filesMaxBytes: number;
  /** Flink SQL Gateway to deploy to (no trailing slash); undefined: Deploy to Flink is not configured. */
  flinkGateway: string | undefined;
  /** That cluster's REST API and web dashboard; undefined: asked of the gateway. */
  flinkDashboard: string | undefined;
  /** Newest rows of each collect sink stored per job (0: none). */
  outputKeepRows: number;
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
    allowedHosts: e.FLOWSTATE_ALLOWED_HOSTS,
    fileRoots: e.FLOWSTATE_FILE_ROOTS.map((p) => path.resolve(p)),
    jobMemoryMb: e.FLOWSTATE_JOB_MEMORY_MB,
    maxRunningJobs: e.FLOWSTATE_MAX_RUNNING_JOBS,
    uploadMaxBytes: e.FLOWSTATE_UPLOAD_MAX_BYTES,
    filesMaxBytes: e.FLOWSTATE_FILES_MAX_BYTES,
    flinkGateway: e.FLOWSTATE_FLINK_GATEWAY,
    flinkDashboard: e.FLOWSTATE_FLINK_DASHBOARD,
    outputKeepRows: e.FLOWSTATE_OUTPUT_KEEP_ROWS,
  };
}
