/**
 * Persistence of pipelines, their immutable versions, jobs, checkpoint metadata and job events (Prisma 6 with
 * the libSQL driver adapter, SQLite). `openDb` creates the data directory, applies pending migrations and
 * returns the `Db` the job manager and the HTTP layer use. Specs and other JSON values are stored as JSON text
 * and parsed back (never evaluated). The recipe and its reasons: docs/persistence.md.
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Client, createClient } from '@libsql/client';
import { BUSY_TIMEOUT_MS, SingleConnectionPrismaLibSQL } from './connection';
import type {
  Checkpoint as CheckpointModel,
  JobEvent as JobEventModel,
  Job as JobModel,
  PipelineVersion as PipelineVersionModel,
  Prisma,
  PrismaClient,
} from './generated/client';
import { MigrationError, migrate } from './migrate';

export { MIGRATIONS_DIR, type Migration, MigrationError, migrate, readMigrations } from './migrate';

// ------------------------------------------------------------------------------------------ public types

import type { JobStatus } from '@flowstate/spec';

export type { JobStatus };

export interface PipelineRow {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
  latestVersion: number;
}

export interface PipelineVersionRow {
  id: string;
  pipelineId: string;
  number: number;
  spec: unknown;
  message: string | null;
  createdAt: Date;
}

export interface JobRow {
  id: string;
  pipelineId: string | null;
  versionId: string | null;
  versionNumber: number | null;
  spec: unknown;
  status: JobStatus;
  failureCause: string | null;
  restarts: number;
  restoredFromCheckpoint: number | null;
  restoredFromPath: string | null;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
}

export interface CheckpointRow {
  id: string;
  jobId: string;
  number: number;
  kind: 'checkpoint' | 'savepoint';
  trigger: 'periodic' | 'manual' | 'stop';
  status: 'pending' | 'completed' | 'failed' | 'discarded';
  startedAt: Date;
  durationMs: number | null;
  sizeBytes: number | null;
  path: string | null;
  failureReason: string | null;
  details: unknown;
}

export interface JobEventRow {
  id: string;
  jobId: string;
  at: Date;
  level: 'info' | 'warn' | 'error';
  type: string;
  message: string;
  data: unknown;
}

export interface Db {
  pipelines: {
    list(): Promise<PipelineRow[]>;
    /** `spec` is the latest version's. */
    get(id: string): Promise<(PipelineRow & { spec: unknown }) | null>;
    /** Creates the pipeline and its version 1. */
    create(input: {
      name: string;
      description?: string;
      spec: unknown;
      message?: string;
    }): Promise<PipelineRow & { spec: unknown }>;
    /** A `spec` stores a new version (latest + 1), in the same transaction as the other changes. */
    update(
      id: string,
      input: { name?: string; description?: string | null; spec?: unknown; message?: string },
    ): Promise<(PipelineRow & { spec: unknown }) | null>;
    /** Deletes the pipeline and its versions; its jobs stay, with pipelineId and versionId set to null. */
    delete(id: string): Promise<boolean>;
    /** Newest first; null if there is no such pipeline. */
    versions(id: string): Promise<PipelineVersionRow[] | null>;
    version(id: string, number: number): Promise<PipelineVersionRow | null>;
  };
  jobs: {
    /** A `versionId` alone also sets `pipelineId` (the version's pipeline). Unknown ids: DbError INVALID_REFERENCE. */
    create(input: {
      pipelineId?: string;
      versionId?: string;
      spec: unknown;
      restoredFromCheckpoint?: number;
      restoredFromPath?: string;
    }): Promise<JobRow>;
    get(id: string): Promise<JobRow | null>;
    /** Newest first. */
    list(filter?: { pipelineId?: string; status?: JobStatus[] }): Promise<JobRow[]>;
    update(
      id: string,
      patch: Partial<
        Pick<
          JobRow,
          | 'status'
          | 'failureCause'
          | 'restarts'
          | 'startedAt'
          | 'endedAt'
          | 'restoredFromCheckpoint'
          | 'restoredFromPath'
        >
      >,
    ): Promise<JobRow | null>;
    /**
     * At server start: the jobs a previous server process left created, running or restarting (to be resumed);
     * their pending checkpoints are marked failed ({@link INTERRUPTED_CHECKPOINT_REASON}). Oldest first.
     */
    interrupted(): Promise<JobRow[]>;
  };
  checkpoints: {
    /** Inserts or replaces the checkpoint (jobId, number). */
    upsert(input: Omit<CheckpointRow, 'id'>): Promise<CheckpointRow>;
    /** Newest first. */
    list(jobId: string): Promise<CheckpointRow[]>;
    get(jobId: string, number: number): Promise<CheckpointRow | null>;
  };
  events: {
    add(input: {
      jobId: string;
      level: JobEventRow['level'];
      type: string;
      message: string;
      data?: unknown;
    }): Promise<JobEventRow>;
    /** Newest first; `limit` defaults to 100 and is capped at 1000; `before` keeps events strictly older. */
    list(jobId: string, opts?: { limit?: number; before?: Date }): Promise<JobEventRow[]>;
  };
  close(): Promise<void>;
}

/** The failure reason `interrupted` writes on the pending checkpoints of the jobs a previous server left running. */
export const INTERRUPTED_CHECKPOINT_REASON = 'the server stopped before the checkpoint completed';

export type DbErrorCode =
  /** DATABASE_URL names a database this build cannot use (PostgreSQL, a remote libSQL server, :memory:). */
  | 'UNSUPPORTED_DATABASE'
  /** The data directory cannot be created or is not a writable directory. */
  | 'DATA_DIR_UNUSABLE'
  /** The database file cannot be opened or read (not a SQLite database, damaged, unreadable). */
  | 'DATABASE_UNUSABLE'
  /** A migration failed or the migration history does not match prisma/migrations. */
  | 'MIGRATION_FAILED'
  /** The generated Prisma client is missing (run `pnpm --filter @flowstate/server db:generate`). */
  | 'CLIENT_NOT_GENERATED'
  /** An id in the input names no row (pipeline, version, job) or the ids do not belong together. */
  | 'INVALID_REFERENCE'
  /** A value cannot be stored (a spec or data that is not JSON-serializable). */
  | 'INVALID_INPUT';

/** What this module rejects with: a stable `code` and a message that says what to do. */
export class DbError extends Error {
  override readonly name = 'DbError';
  constructor(
    readonly code: DbErrorCode,
    message: string,
    opts: { cause?: unknown } = {},
  ) {
    super(message, opts.cause !== undefined ? { cause: opts.cause } : undefined);
  }
}

// ------------------------------------------------------------------------------------------ openDb

/** The SQLite file inside the data directory when no DATABASE_URL is given. */
export const DB_FILE_NAME = 'flowstate.db';

/**
 * Creates `dataDir`, opens the database (`databaseUrl`, else `<dataDir>/flowstate.db`), applies pending
 * migrations and returns the Db. Only SQLite `file:` URLs are supported (a relative path is resolved against
 * the current directory); a `postgresql://` URL is refused with DbError UNSUPPORTED_DATABASE (see
 * docs/persistence.md, "PostgreSQL").
 */
export async function openDb(opts: { dataDir: string; databaseUrl?: string }): Promise<Db> {
  const dataDir = path.resolve(opts.dataDir);
  ensureDataDir(dataDir);
  const file = sqliteFile(opts.databaseUrl, dataDir);
  if (file !== path.join(dataDir, DB_FILE_NAME)) ensureDataDir(path.dirname(file));
  const url = pathToFileURL(file).href;

  await applyMigrations(url, file);

  let generated: typeof import('./generated/client');
  try {
    generated = await import('./generated/client');
  } catch (e) {
    throw new DbError(
      'CLIENT_NOT_GENERATED',
      'the Prisma client has not been generated: run `pnpm --filter @flowstate/server db:generate` ' +
        '(npm start and npm test do it after installing)',
      { cause: e },
    );
  }
  const prisma = new generated.PrismaClient({ adapter: new SingleConnectionPrismaLibSQL({ url }) });
  try {
    await prisma.$connect();
    // One read through Prisma, so a file that migrations accepted but Prisma cannot read fails here.
    await prisma.pipeline.count();
  } catch (e) {
    await prisma.$disconnect().catch(() => {});
    throw new DbError('DATABASE_UNUSABLE', `cannot read the database ${file}: ${(e as Error).message}`, {
      cause: e,
    });
  }
  return createDb(prisma);
}

/** The SQLite file `openDb` uses for these options (absolute); throws DbError UNSUPPORTED_DATABASE as openDb does. */
export function databaseFile(opts: { dataDir: string; databaseUrl?: string }): string {
  return sqliteFile(opts.databaseUrl, path.resolve(opts.dataDir));
}

function sqliteFile(databaseUrl: string | undefined, dataDir: string): string {
  if (databaseUrl === undefined || databaseUrl.trim() === '') return path.join(dataDir, DB_FILE_NAME);
  const url = databaseUrl.trim();
  if (/^postgres(ql)?:/i.test(url)) {
    throw new DbError(
      'UNSUPPORTED_DATABASE',
      'DATABASE_URL is a PostgreSQL URL, but this build of Flowstate stores its data in SQLite only: ' +
        "Prisma 6.19's offline migration engine cannot migrate PostgreSQL through a driver adapter (it fails " +
        'with "Column type \'name\' could not be deserialized") and the Prisma client is generated for one ' +
        'database provider. Unset DATABASE_URL to use <data dir>/flowstate.db, or set it to a file: URL. ' +
        'Details: docs/persistence.md, "PostgreSQL".',
    );
  }
  if (!url.startsWith('file:')) {
    throw new DbError(
      'UNSUPPORTED_DATABASE',
      `DATABASE_URL must be a SQLite file: URL (file:/absolute/path/flowstate.db); got "${url.replace(/\/\/[^@/]*@/, '//…@')}"`,
    );
  }
  let p = url.slice('file:'.length);
  if (p.startsWith('//')) p = new URL(url).pathname; // file:///abs/path
  p = p.split('?')[0]!;
  if (p === '' || p === ':memory:') {
    throw new DbError(
      'UNSUPPORTED_DATABASE',
      'DATABASE_URL must name a database file (an in-memory database would be lost at every transaction)',
    );
  }
  return path.resolve(decodeURIComponent(p));
}

function ensureDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
  } catch (e) {
    throw new DbError(
      'DATA_DIR_UNUSABLE',
      `cannot use ${dir} as the data directory (${(e as Error).message}): set FLOWSTATE_DATA_DIR to a ` +
        'writable directory',
      { cause: e },
    );
  }
}

async function applyMigrations(url: string, file: string): Promise<void> {
  let client: Client | undefined;
  try {
    client = createClient({ url });
    await client.execute(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // WAL: readers (the CLI, `prisma studio`) do not block the server's writes. Persistent in the file.
    await client.execute('PRAGMA journal_mode = WAL');
    await migrate(client);
  } catch (e) {
    if (e instanceof MigrationError) {
      throw new DbError('MIGRATION_FAILED', `cannot migrate the database ${file}: ${e.message}`, {
        cause: e,
      });
    }
    const msg = (e as Error).message ?? String(e);
    const hint = /not a database|malformed|corrupt/i.test(msg)
      ? ' It is not a readable SQLite database: move the file away (a new database is created at the next ' +
        'start) or restore it from a backup.'
      : /readonly|read-only|permission|unable to open|cannot open/i.test(msg)
        ? ' Check that the file and its directory are writable, or set FLOWSTATE_DATA_DIR / DATABASE_URL.'
        : '';
    throw new DbError('DATABASE_UNUSABLE', `cannot open the database ${file}: ${msg}.${hint}`, { cause: e });
  } finally {
    client?.close();
  }
}

// ------------------------------------------------------------------------------------------ the Db

const MAX_EVENTS = 1000;
const DEFAULT_EVENTS = 100;
const VERSION_RETRIES = 8;

const jobInclude = { version: { select: { number: true } } } as const;
type JobWithVersion = JobModel & { version: { number: number } | null };
type PipelineWithLatest = {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
  versions: { number: number; spec: string }[];
};
const latestVersion = { orderBy: { number: 'desc' }, take: 1, select: { number: true, spec: true } } as const;

function createDb(prisma: PrismaClient): Db {
  let closed: Promise<void> | undefined;

  const pipelineWithSpec = (p: PipelineWithLatest): PipelineRow & { spec: unknown } => {
    const v = p.versions[0];
    return { ...pipelineRow(p), spec: v ? parseJson(v.spec) : null };
  };

  const getPipeline = async (
    q: Prisma.TransactionClient | PrismaClient,
    id: string,
  ): Promise<(PipelineRow & { spec: unknown }) | null> => {
    const p = await q.pipeline.findUnique({ where: { id }, include: { versions: latestVersion } });
    return p ? pipelineWithSpec(p) : null;
  };

  return {
    pipelines: {
      async list() {
        const rows = await prisma.pipeline.findMany({
          orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
          include: { versions: { orderBy: { number: 'desc' }, take: 1, select: { number: true } } },
        });
        return rows.map(pipelineRow);
      },

      get: (id) => getPipeline(prisma, id),

      async create(input) {
        const spec = toJson(input.spec, 'spec');
        const p = await prisma.pipeline.create({
          data: {
            name: input.name,
            description: input.description ?? null,
            versions: { create: { number: 1, spec, message: input.message ?? null } },
          },
          include: { versions: latestVersion },
        });
        return pipelineWithSpec(p);
      },

      async update(id, input) {
        const spec = input.spec === undefined ? undefined : toJson(input.spec, 'spec');
        const data: Prisma.PipelineUpdateInput = { updatedAt: new Date() };
        if (input.name !== undefined) data.name = input.name;
        if (input.description !== undefined) data.description = input.description;
        // Versions are numbered in a transaction; should another process take the number between our read and
        // our insert, the unique (pipelineId, number) refuses it and we try again with the next one.
        return retrying(() =>
          prisma.$transaction(
            async (tx) => {
              const exists = await tx.pipeline.findUnique({ where: { id }, select: { id: true } });
              if (!exists) return null;
              if (spec !== undefined) {
                const last = await tx.pipelineVersion.findFirst({
                  where: { pipelineId: id },
                  orderBy: { number: 'desc' },
                  select: { number: true },
                });
                await tx.pipelineVersion.create({
                  data: {
                    pipelineId: id,
                    number: (last?.number ?? 0) + 1,
                    spec,
                    message: input.message ?? null,
                  },
                });
              }
              await tx.pipeline.update({ where: { id }, data });
              return getPipeline(tx, id);
            },
            { maxWait: 30_000, timeout: 30_000 },
          ),
        );
      },

      async delete(id) {
        const r = await prisma.pipeline.deleteMany({ where: { id } });
        return r.count > 0;
      },

      async versions(id) {
        const p = await prisma.pipeline.findUnique({
          where: { id },
          include: { versions: { orderBy: { number: 'desc' } } },
        });
        return p ? p.versions.map(versionRow) : null;
      },

      async version(id, number) {
        if (!Number.isSafeInteger(number)) return null;
        const v = await prisma.pipelineVersion.findUnique({
          where: { pipelineId_number: { pipelineId: id, number } },
        });
        return v ? versionRow(v) : null;
      },
    },

    jobs: {
      async create(input) {
        const spec = toJson(input.spec, 'spec');
        let pipelineId = input.pipelineId ?? null;
        if (input.versionId !== undefined) {
          const v = await prisma.pipelineVersion.findUnique({
            where: { id: input.versionId },
            select: { pipelineId: true },
          });
          if (!v) throw new DbError('INVALID_REFERENCE', `there is no pipeline version ${input.versionId}`);
          if (pipelineId !== null && pipelineId !== v.pipelineId) {
            throw new DbError(
              'INVALID_REFERENCE',
              `pipeline version ${input.versionId} belongs to pipeline ${v.pipelineId}, not ${pipelineId}`,
            );
          }
          pipelineId = v.pipelineId;
        }
        try {
          const job = await prisma.job.create({
            data: {
              pipelineId,
              versionId: input.versionId ?? null,
              spec,
              restoredFromCheckpoint: input.restoredFromCheckpoint ?? null,
              restoredFromPath: input.restoredFromPath ?? null,
            },
            include: jobInclude,
          });
          return jobRow(job);
        } catch (e) {
          if (prismaCode(e) === 'P2003') {
            throw new DbError(
              'INVALID_REFERENCE',
              `there is no pipeline ${pipelineId}${input.versionId ? ` with version ${input.versionId}` : ''}`,
              { cause: e },
            );
          }
          throw e;
        }
      },

      async get(id) {
        const job = await prisma.job.findUnique({ where: { id }, include: jobInclude });
        return job ? jobRow(job) : null;
      },

      async list(filter = {}) {
        const where: Prisma.JobWhereInput = {};
        if (filter.pipelineId !== undefined) where.pipelineId = filter.pipelineId;
        if (filter.status !== undefined) where.status = { in: filter.status };
        const jobs = await prisma.job.findMany({
          where,
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          include: jobInclude,
        });
        return jobs.map(jobRow);
      },

      async update(id, patch) {
        const data: Prisma.JobUpdateInput = {};
        if (patch.status !== undefined) data.status = patch.status;
        if (patch.failureCause !== undefined) data.failureCause = patch.failureCause;
        if (patch.restarts !== undefined) data.restarts = patch.restarts;
        if (patch.startedAt !== undefined) data.startedAt = patch.startedAt;
        if (patch.endedAt !== undefined) data.endedAt = patch.endedAt;
        if (patch.restoredFromCheckpoint !== undefined)
          data.restoredFromCheckpoint = patch.restoredFromCheckpoint;
        if (patch.restoredFromPath !== undefined) data.restoredFromPath = patch.restoredFromPath;
        try {
          return jobRow(await prisma.job.update({ where: { id }, data, include: jobInclude }));
        } catch (e) {
          if (prismaCode(e) === 'P2025') return null;
          throw e;
        }
      },

      async interrupted() {
        return prisma.$transaction(
          async (tx) => {
            const where: Prisma.JobWhereInput = { status: { in: ['created', 'running', 'restarting'] } };
            const jobs = await tx.job.findMany({
              where,
              orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
              include: jobInclude,
            });
            if (jobs.length === 0) return [];
            await tx.checkpoint.updateMany({
              where: { jobId: { in: jobs.map((j) => j.id) }, status: 'pending' },
              data: { status: 'failed', failureReason: INTERRUPTED_CHECKPOINT_REASON },
            });
            return jobs.map(jobRow);
          },
          { maxWait: 30_000, timeout: 30_000 },
        );
      },
    },

    checkpoints: {
      async upsert(input) {
        const fields = {
          kind: input.kind,
          trigger: input.trigger,
          status: input.status,
          startedAt: input.startedAt,
          durationMs: input.durationMs,
          sizeBytes: input.sizeBytes === null ? null : toBigInt(input.sizeBytes),
          path: input.path,
          failureReason: input.failureReason,
          details: toJson(input.details ?? null, 'details'),
        };
        try {
          const row = await retrying(() =>
            prisma.checkpoint.upsert({
              where: { jobId_number: { jobId: input.jobId, number: input.number } },
              create: { jobId: input.jobId, number: input.number, ...fields },
              update: fields,
            }),
          );
          return checkpointRow(row);
        } catch (e) {
          if (prismaCode(e) === 'P2003') {
            throw new DbError('INVALID_REFERENCE', `there is no job ${input.jobId}`, { cause: e });
          }
          throw e;
        }
      },

      async list(jobId) {
        const rows = await prisma.checkpoint.findMany({ where: { jobId }, orderBy: { number: 'desc' } });
        return rows.map(checkpointRow);
      },

      async get(jobId, number) {
        if (!Number.isSafeInteger(number)) return null;
        const row = await prisma.checkpoint.findUnique({ where: { jobId_number: { jobId, number } } });
        return row ? checkpointRow(row) : null;
      },
    },

    events: {
      async add(input) {
        try {
          const row = await prisma.jobEvent.create({
            data: {
              jobId: input.jobId,
              level: input.level,
              type: input.type,
              message: input.message,
              data: input.data === undefined ? null : toJson(input.data, 'data'),
              at: new Date(),
            },
          });
          return eventRow(row);
        } catch (e) {
          if (prismaCode(e) === 'P2003') {
            throw new DbError('INVALID_REFERENCE', `there is no job ${input.jobId}`, { cause: e });
          }
          throw e;
        }
      },

      async list(jobId, opts = {}) {
        const limit = Math.min(Math.max(Math.trunc(opts.limit ?? DEFAULT_EVENTS), 1), MAX_EVENTS);
        const rows = await prisma.jobEvent.findMany({
          where: { jobId, ...(opts.before !== undefined ? { at: { lt: opts.before } } : {}) },
          orderBy: { id: 'desc' },
          take: Number.isFinite(limit) ? limit : DEFAULT_EVENTS,
        });
        return rows.map(eventRow);
      },
    },

    close() {
      closed ??= prisma.$disconnect();
      return closed;
    },
  };
}

// ------------------------------------------------------------------------------------------ rows

function pipelineRow(
  p: Omit<PipelineWithLatest, 'versions'> & { versions: { number: number }[] },
): PipelineRow {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
    latestVersion: p.versions[0]?.number ?? 0,
  };
}

function versionRow(v: PipelineVersionModel): PipelineVersionRow {
  return {
    id: v.id,
    pipelineId: v.pipelineId,
    number: v.number,
    spec: parseJson(v.spec),
    message: v.message,
    createdAt: v.createdAt,
  };
}

function jobRow(j: JobWithVersion): JobRow {
  return {
    id: j.id,
    pipelineId: j.pipelineId,
    versionId: j.versionId,
    versionNumber: j.version?.number ?? null,
    spec: parseJson(j.spec),
    status: j.status,
    failureCause: j.failureCause,
    restarts: j.restarts,
    restoredFromCheckpoint: j.restoredFromCheckpoint,
    restoredFromPath: j.restoredFromPath,
    createdAt: j.createdAt,
    startedAt: j.startedAt,
    endedAt: j.endedAt,
  };
}

function checkpointRow(c: CheckpointModel): CheckpointRow {
  return {
    id: c.id,
    jobId: c.jobId,
    number: c.number,
    kind: c.kind,
    trigger: c.trigger,
    status: c.status,
    startedAt: c.startedAt,
    durationMs: c.durationMs,
    sizeBytes: c.sizeBytes === null ? null : Number(c.sizeBytes),
    path: c.path,
    failureReason: c.failureReason,
    details: parseJson(c.details),
  };
}

function eventRow(e: JobEventModel): JobEventRow {
  return {
    id: String(e.id),
    jobId: e.jobId,
    at: e.at,
    level: e.level,
    type: e.type,
    message: e.message,
    data: e.data === null ? null : parseJson(e.data),
  };
}

// ------------------------------------------------------------------------------------------ helpers

function toJson(value: unknown, what: string): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (e) {
    throw new DbError('INVALID_INPUT', `${what} cannot be stored as JSON: ${(e as Error).message}`, {
      cause: e,
    });
  }
  if (text === undefined) throw new DbError('INVALID_INPUT', `${what} is missing or not a JSON value`);
  return text;
}

const parseJson = (text: string): unknown => JSON.parse(text);

function toBigInt(n: number): bigint {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new DbError('INVALID_INPUT', `sizeBytes must be a whole number of bytes, got ${n}`);
  }
  return BigInt(n);
}

function prismaCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^P\d{4}$/.test(code) ? code : undefined;
}

/**
 * Retries what another writer can make fail: a unique (pipelineId, number) taken between our read and our
 * insert (P2002), a busy database (P1008: SQLITE_BUSY, as Prisma's adapter reports it), a write conflict (P2034).
 */
async function retrying<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      const code = prismaCode(e);
      if (attempt + 1 >= VERSION_RETRIES || (code !== 'P2002' && code !== 'P1008' && code !== 'P2034'))
        throw e;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (attempt + 1)));
    }
  }
}
