// Prisma CLI configuration. Prisma 6.19 with the JS engine and driver adapters works offline
// (Prisma 7's CLI downloads a schema engine, which this environment cannot fetch).
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';

const url = process.env.DATABASE_URL ?? 'file:./data/bridge.db';
const isPostgres = /^postgres(ql)?:\/\//.test(url);

function sqliteFile(u: string): string {
  const file = path.resolve(u.replace(/^file:/, ''));
  mkdirSync(path.dirname(file), { recursive: true });
  return file;
}

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: isPostgres ? 'prisma/postgres/schema.prisma' : 'prisma/sqlite/schema.prisma',
  async adapter() {
    return isPostgres
      ? new PrismaPg({ connectionString: url })
      : new PrismaBetterSQLite3({ url: `file:${sqliteFile(url)}` });
  },
});
