/**
 * Configuration of the Prisma CLI (6.19.3) for the commands that work offline: `generate`, `migrate deploy`,
 * `migrate status`, `migrate diff`. It hands the CLI a libSQL driver adapter, which makes Prisma use its
 * WebAssembly schema engine instead of downloading a native one. See docs/persistence.md.
 */
import { mkdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrismaLibSQL } from '@prisma/adapter-libsql';
import { defineConfig } from 'prisma/config';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: join(root, 'prisma/schema.prisma'),
  migrations: { path: join(root, 'prisma/migrations') },
  async adapter() {
    return new PrismaLibSQL({ url: sqliteUrl() });
  },
});

/** The same database openDb() uses: DATABASE_URL (file:…), else <FLOWSTATE_DATA_DIR>/flowstate.db. */
function sqliteUrl(): string {
  const url = process.env.DATABASE_URL;
  if (url?.startsWith('file:')) {
    const file = url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length).split('?')[0]!;
    if (file && file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
  }
  if (url) return url;
  const dataDir = process.env.FLOWSTATE_DATA_DIR ?? '.flowstate';
  const dir = isAbsolute(dataDir) ? dataDir : join(root, dataDir);
  mkdirSync(dir, { recursive: true });
  return `file:${join(dir, 'flowstate.db')}`;
}
