import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Client, createClient } from '@libsql/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DB_FILE_NAME,
  DbError,
  MIGRATIONS_DIR,
  type Migration,
  migrate,
  openDb,
  readMigrations,
} from './index';

const SERVER_DIR = path.resolve(MIGRATIONS_DIR, '../../apps/server');
const SCHEMA = path.resolve(MIGRATIONS_DIR, '../schema.prisma');

let dir: string;
const clients: Client[] = [];

function client(file = path.join(dir, DB_FILE_NAME)): Client {
  const c = createClient({ url: pathToFileURL(file).href });
  clients.push(c);
  return c;
}

async function rows(c: Client, sql: string): Promise<Record<string, unknown>[]> {
  return (await c.execute(sql)).rows.map((r) => ({ ...r }));
}

/** The Prisma CLI of apps/server, offline (see docs/persistence.md), on the database file `file`. */
function prisma(args: string[], file: string) {
  const r = spawnSync(path.join(SERVER_DIR, 'node_modules/.bin/prisma'), args, {
    cwd: SERVER_DIR,
    encoding: 'utf8',
    env: {
      ...process.env,
      DATABASE_URL: `file:${file}`,
      CHECKPOINT_DISABLE: '1',
      PRISMA_HIDE_UPDATE_MESSAGE: '1',
    },
  });
  return { status: r.status, stdout: r.stdout, out: `${r.stdout}\n${r.stderr}` };
}

/** Tables, columns, indexes and foreign keys, in a form that does not depend on how the DDL was written. */
async function structure(c: Client) {
  const tables = (await rows(c, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"))
    .map((r) => String(r.name))
    .filter((n) => !n.startsWith('sqlite_') && n !== '_prisma_migrations');
  const out: Record<string, unknown> = {};
  for (const t of tables) {
    const indexes = await rows(c, `PRAGMA index_list("${t}")`);
    out[t] = {
      columns: await rows(c, `PRAGMA table_info("${t}")`),
      foreignKeys: await rows(c, `PRAGMA foreign_key_list("${t}")`),
      indexes: await Promise.all(
        indexes
          .sort((a, b) => String(a.name).localeCompare(String(b.name)))
          .map(async (i) => ({
            ...i,
            seq: 0,
            columns: await rows(c, `PRAGMA index_info("${String(i.name)}")`),
          })),
      ),
    };
  }
  return out;
}

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'flowstate-migrate-'));
});

afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('migrations', () => {
  it('are read from prisma/migrations in order, with the checksum Prisma uses', () => {
    const ms = readMigrations();
    expect(ms.length).toBeGreaterThan(0);
    expect(ms.map((m) => m.name)).toEqual([...ms.map((m) => m.name)].sort());
    for (const m of ms) {
      expect(m.name).toMatch(/^\d{14}_[a-z0-9_]+$/);
      const bytes = readFileSync(path.join(MIGRATIONS_DIR, m.name, 'migration.sql'));
      expect(m.checksum).toBe(createHash('sha256').update(bytes).digest('hex'));
    }
  });

  it('apply on an empty data dir, and are a no-op the second time', async () => {
    const c = client();
    const first = await migrate(c);
    expect(first.applied).toEqual(readMigrations().map((m) => m.name));
    const recorded = await rows(c, 'SELECT * FROM _prisma_migrations ORDER BY started_at');
    expect(recorded.map((r) => r.migration_name)).toEqual(first.applied);
    for (const r of recorded) {
      expect(r.applied_steps_count).toBe(1);
      expect(r.finished_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
      expect(r.rolled_back_at).toBeNull();
    }
    expect((await migrate(c)).applied).toEqual([]);
    expect(await rows(c, 'SELECT * FROM _prisma_migrations ORDER BY started_at')).toEqual(recorded);

    // openDb on the same dir applies nothing either.
    const db = await openDb({ dataDir: dir });
    await db.close();
    expect(await rows(c, 'SELECT count(*) AS n FROM _prisma_migrations')).toEqual([{ n: recorded.length }]);
  });

  it('match schema.prisma (no change left without a migration)', async () => {
    const migrated = client(path.join(dir, 'migrated.db'));
    await migrate(migrated);
    const diff = prisma(
      ['migrate', 'diff', '--from-empty', '--to-schema-datamodel', SCHEMA, '--script'],
      '/dev/null',
    );
    expect(diff.status, diff.out).toBe(0);
    const fromSchema = client(path.join(dir, 'from-schema.db'));
    await fromSchema.executeMultiple(diff.stdout);
    expect(await structure(migrated)).toEqual(await structure(fromSchema));
  });

  it('are recorded the way Prisma records them: `prisma migrate status` and `deploy` agree, both ways', async () => {
    const ours = path.join(dir, 'ours', DB_FILE_NAME);
    const db = await openDb({ dataDir: path.dirname(ours) });
    await db.close();
    const status = prisma(['migrate', 'status'], ours);
    expect(status.out).toContain('Database schema is up to date!');
    expect(status.status).toBe(0);
    const deploy = prisma(['migrate', 'deploy'], ours);
    expect(deploy.out).toContain('No pending migrations to apply.');
    expect(deploy.status).toBe(0);

    // A database migrated by the Prisma CLI opens without applying anything again.
    const theirs = path.join(dir, 'theirs', DB_FILE_NAME);
    const byPrisma = prisma(['migrate', 'deploy'], theirs);
    expect(byPrisma.status, byPrisma.out).toBe(0);
    const c = client(theirs);
    const before = await rows(c, 'SELECT * FROM _prisma_migrations');
    expect(before).toHaveLength(readMigrations().length);
    const db2 = await openDb({ dataDir: path.dirname(theirs) });
    await db2.pipelines.create({ name: 'x', spec: {} });
    await db2.close();
    expect(await rows(c, 'SELECT * FROM _prisma_migrations')).toEqual(before);
  }, 60_000);

  it('roll a failing migration back entirely and record nothing', async () => {
    const c = client();
    const good: Migration = {
      name: '20000101000000_good',
      sql: 'CREATE TABLE a (x INTEGER);',
      checksum: 'g',
    };
    const bad: Migration = {
      name: '20000102000000_bad',
      sql: 'CREATE TABLE b (x INTEGER);\nINSERT INTO a VALUES (1);\nTHIS IS NOT SQL;',
      checksum: 'b',
    };
    await expect(migrate(c, [good, bad])).rejects.toThrow(
      /migration 20000102000000_bad failed: .*syntax error/,
    );
    expect(await rows(c, "SELECT name FROM sqlite_master WHERE name IN ('a', 'b')")).toEqual([{ name: 'a' }]);
    expect(await rows(c, 'SELECT count(*) AS n FROM a')).toEqual([{ n: 0 }]);
    expect(
      (await rows(c, 'SELECT migration_name FROM _prisma_migrations')).map((r) => r.migration_name),
    ).toEqual([good.name]);
  });

  it('do not cascade deletes when a migration redefines a table (foreign keys off while migrating)', async () => {
    const c = client();
    const init: Migration = {
      name: '20000101000000_init',
      sql: `CREATE TABLE "P" ("id" TEXT NOT NULL PRIMARY KEY);
CREATE TABLE "C" ("id" TEXT NOT NULL PRIMARY KEY, "p" TEXT NOT NULL,
  CONSTRAINT "C_p_fkey" FOREIGN KEY ("p") REFERENCES "P" ("id") ON DELETE CASCADE);`,
      checksum: 'i',
    };
    await migrate(c, [init]);
    await c.execute('PRAGMA foreign_keys = ON');
    await c.execute("INSERT INTO P VALUES ('p1')");
    await c.execute("INSERT INTO C VALUES ('c1', 'p1')");
    // What Prisma generates to add a column with a new constraint on SQLite: copy, drop, rename.
    const redefine: Migration = {
      name: '20000102000000_redefine',
      sql: `PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_P" ("id" TEXT NOT NULL PRIMARY KEY, "name" TEXT NOT NULL DEFAULT 'x');
INSERT INTO "new_P" ("id") SELECT "id" FROM "P";
DROP TABLE "P";
ALTER TABLE "new_P" RENAME TO "P";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;`,
      checksum: 'r',
    };
    expect((await migrate(c, [init, redefine])).applied).toEqual([redefine.name]);
    expect(await rows(c, 'SELECT * FROM C')).toEqual([{ id: 'c1', p: 'p1' }]);
    expect(await rows(c, 'SELECT * FROM P')).toEqual([{ id: 'p1', name: 'x' }]);
  });

  it('refuse a database whose history says a migration failed, or whose applied migration changed', async () => {
    const db = await openDb({ dataDir: dir });
    await db.close();
    const c = client();
    await c.execute({ sql: 'UPDATE _prisma_migrations SET checksum = ?', args: ['0'.repeat(64)] });
    const changed = await openDb({ dataDir: dir }).catch((e: unknown) => e);
    expect(changed).toBeInstanceOf(DbError);
    expect(changed).toMatchObject({ code: 'MIGRATION_FAILED' });
    expect((changed as Error).message).toMatch(/was changed after it was applied/);

    await c.execute('UPDATE _prisma_migrations SET finished_at = NULL');
    const failed = await openDb({ dataDir: dir }).catch((e: unknown) => e);
    expect(failed).toMatchObject({ code: 'MIGRATION_FAILED' });
    expect((failed as Error).message).toMatch(/did not finish.*prisma migrate resolve/);
  });
});
