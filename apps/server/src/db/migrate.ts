/**
 * Applies `prisma/migrations/<name>/migration.sql` in order, in-process, the way `prisma migrate deploy` does,
 * and records each in Prisma's `_prisma_migrations` table exactly as Prisma does (same table, same checksum:
 * SHA-256 of the file; same timestamp format), so `prisma migrate status` / `migrate deploy` agree with it
 * and a database migrated by either one is accepted by the other. Why not spawn `prisma migrate deploy`:
 * docs/persistence.md ("How migrations apply").
 *
 * Each migration runs in one write transaction (BEGIN IMMEDIATE) with foreign keys off — so that SQLite's
 * table redefinitions (Prisma's way of altering a table) do not cascade deletes — and a
 * `PRAGMA foreign_key_check` before it commits. A migration that fails leaves the database as it was.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client, InValue, Transaction } from '@libsql/client';
import { BUSY_TIMEOUT_MS } from './connection';

/** The repository's `prisma/migrations` (apps/server/src/db → ../../../../prisma/migrations). */
export const MIGRATIONS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../../prisma/migrations',
);

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  /** Names of the migrations this call applied (empty when the database was up to date). */
  applied: string[];
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** The migrations on disk, oldest first (directory names start with a UTC timestamp, as Prisma names them). */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  if (!existsSync(dir)) throw new MigrationError(`the migrations directory ${dir} does not exist`);
  return readdirSync(dir)
    .filter((name) => statSync(path.join(dir, name)).isDirectory())
    .sort()
    .flatMap((name) => {
      const file = path.join(dir, name, 'migration.sql');
      if (!existsSync(file)) return [];
      const bytes = readFileSync(file);
      return [
        { name, sql: bytes.toString('utf8'), checksum: createHash('sha256').update(bytes).digest('hex') },
      ];
    });
}

// The table as Prisma's schema engine creates it for SQLite (byte for byte, so `migrate` sees no difference).
const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`;

/** Prisma (through its libSQL adapter) writes timestamps as ISO 8601 with an explicit `+00:00`. */
const timestamp = (d = new Date()) => d.toISOString().replace('Z', '+00:00');

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: string | null;
  rolled_back_at: string | null;
}

async function appliedRows(q: Client | Transaction): Promise<AppliedRow[]> {
  const r = await q.execute(
    'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at',
  );
  return r.rows.map((row) => ({
    migration_name: String(row.migration_name),
    checksum: String(row.checksum),
    finished_at: row.finished_at == null ? null : String(row.finished_at),
    rolled_back_at: row.rolled_back_at == null ? null : String(row.rolled_back_at),
  }));
}

/**
 * Brings the database up to date. Refuses (MigrationError) when a migration is recorded as failed (as
 * `prisma migrate deploy` does, P3009) or when an applied migration's file has changed since.
 */
export async function migrate(
  client: Client,
  migrations: Migration[] = readMigrations(),
): Promise<MigrateResult> {
  await client.execute(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`); // another process may be writing
  await client.execute(CREATE_MIGRATIONS_TABLE);
  const applied: string[] = [];
  for (const m of migrations) {
    // The connection that runs the transaction must have foreign keys off: PRAGMA foreign_keys is a no-op
    // inside a transaction. (libSQL's client hands this connection to the transaction and opens a new one for
    // later statements, which starts with libSQL's default: foreign keys on.)
    await client.execute(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
    await client.execute('PRAGMA foreign_keys = OFF');
    const tx = await client.transaction('write');
    try {
      // Re-read inside the write lock: another process may have applied it meanwhile.
      const rows = await appliedRows(tx);
      check(rows, migrations);
      if (
        rows.some((r) => r.migration_name === m.name && r.finished_at !== null && r.rolled_back_at === null)
      ) {
        await tx.rollback();
        continue;
      }
      const id = randomUUID();
      const startedAt = timestamp();
      await tx.executeMultiple(m.sql);
      const violations = await tx.execute('PRAGMA foreign_key_check');
      if (violations.rows.length > 0) {
        const first = violations.rows[0]!;
        throw new MigrationError(
          `migration ${m.name} leaves ${violations.rows.length} row(s) violating foreign keys (first: table ${String(first.table)}, rowid ${String(first.rowid)})`,
        );
      }
      const args: InValue[] = [id, m.checksum, timestamp(), m.name, startedAt];
      await tx.execute({
        sql: `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
              VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)`,
        args,
      });
      await tx.commit();
      applied.push(m.name);
    } catch (e) {
      if (!tx.closed) await tx.rollback();
      if (e instanceof MigrationError) throw e;
      throw new MigrationError(`migration ${m.name} failed: ${(e as Error).message}`, { cause: e });
    } finally {
      tx.close();
    }
  }
  return { applied };
}

function check(rows: AppliedRow[], migrations: Migration[]): void {
  for (const r of rows) {
    if (r.finished_at === null && r.rolled_back_at === null) {
      throw new MigrationError(
        `migration ${r.migration_name} was started but did not finish (recorded as failed in _prisma_migrations). ` +
          'Fix the database by hand, then mark it with `prisma migrate resolve` (see docs/persistence.md)',
      );
    }
    if (r.rolled_back_at !== null) continue;
    const m = migrations.find((x) => x.name === r.migration_name);
    if (m && m.checksum !== r.checksum) {
      throw new MigrationError(
        `migration ${r.migration_name} was changed after it was applied to this database (checksum differs). ` +
          'Never edit an applied migration: restore the file and add a new migration instead',
      );
    }
  }
}
