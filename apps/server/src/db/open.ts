/**
 * Opening the database: the data directory is created, the SQLite file chosen (`<data dir>/flowstate.db` or a
 * `file:` DATABASE_URL), pending migrations applied (migrate.ts), and the Prisma client connected through the
 * libSQL driver adapter (connection.ts).
 */
import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Client, createClient } from '@libsql/client';
import { BUSY_TIMEOUT_MS, SingleConnectionPrismaLibSQL } from './connection';
import { MigrationError, migrate } from './migrate';
import { createDb } from './repositories';
import { type Db, DbError } from './types';

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
