// Prisma CLI configuration. Prisma 6.19 with the JS engine and driver adapters works offline
// (Prisma 7's CLI downloads a schema engine, which this environment cannot fetch).
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

const url = process.env.DATABASE_URL ?? 'file:./data/bridge.db';
const isPostgres = /^postgres(ql)?:\/\//.test(url);

const PG_NAME_OID = 19;
const PG_TEXT_OID = 25;

/**
 * Prisma 6.19's migrate over @prisma/adapter-pg cannot read PostgreSQL's `name` type (catalog
 * columns), so `migrate deploy` fails (prisma/orm#27403). `name` is text to every consumer here:
 * this client reports it as text.
 */
class NameAsTextClient extends pg.Client {
  override query(...args: unknown[]): never {
    const last = args.at(-1);
    if (typeof last === 'function') {
      // Callback style (pg.Pool#query uses it).
      args[args.length - 1] = (error: unknown, result: pg.QueryResult) =>
        last(error, error ? result : asText(result));
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    return (result instanceof Promise ? result.then(asText) : result) as never;
  }
}

function asText(result: pg.QueryResult): pg.QueryResult {
  for (const field of result?.fields ?? [])
    if (field.dataTypeID === PG_NAME_OID) field.dataTypeID = PG_TEXT_OID;
  return result;
}

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
    if (!isPostgres) return new PrismaBetterSQLite3({ url: `file:${sqliteFile(url)}` });
    // `?schema=` selects the PostgreSQL schema (tests give each run its own).
    const parsed = new URL(url);
    const schema = parsed.searchParams.get('schema') ?? 'public';
    parsed.searchParams.delete('schema');
    // The generated migrations name no schema: the search path puts them in the chosen one.
    const pool = new pg.Pool({
      connectionString: parsed.toString(),
      Client: NameAsTextClient,
      options: `-c search_path="${schema}"`,
    });
    return new PrismaPg(pool, { schema });
  },
});
