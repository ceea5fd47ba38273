import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { deleteRedisPrefix as deleteKeys } from '../tests/fixtures/test-backend.js';

const run = promisify(execFile);
const REPO = fileURLToPath(new URL('..', import.meta.url));

/** The PostgreSQL server whose `bench_*` databases the bench creates and drops (loopback only). */
export const POSTGRES_URL = loopback(
  process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
);
/** The Redis server the bench uses, under a key prefix of its own (loopback only). */
export const REDIS_URL = loopback(process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379');

/** A migrated database of the bench's own, and how to remove it. */
export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

function loopback(url: string): string {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost')
    throw new Error(`bench services must be on 127.0.0.1: ${url}`);
  return url;
}

/** Applies the repository's migrations with the real `prisma migrate deploy`, as `npm start` does. */
async function migrate(databaseUrl: string): Promise<void> {
  await run('npx', ['prisma', 'migrate', 'deploy'], {
    cwd: REPO,
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
}

/** Rows of the `Event` table (the event log) of the bench database at `url` (SQLite or PostgreSQL). */
export async function countEvents(url: string): Promise<number> {
  if (url.startsWith('file:')) {
    const db = new Database(url.slice('file:'.length), { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT COUNT(*) AS n FROM "Event"').get() as { n: number }).n;
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result = await client.query<{ n: string }>('SELECT COUNT(*) AS n FROM "Event"');
    return Number(result.rows[0]?.n ?? 0);
  } finally {
    await client.end();
  }
}

/** A fresh SQLite file in a temporary folder, migrated; `drop` deletes the folder. */
export async function createSqliteDatabase(): Promise<BenchDatabase> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bridge-bench-'));
  const url = `file:${path.join(dir, 'bridge.db')}`;
  await migrate(url);
  return { url, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** A fresh PostgreSQL database `bench_<random>` on the test server, migrated; `drop` drops it. */
export async function createPostgresDatabase(): Promise<BenchDatabase> {
  const name = `bench_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  try {
    await migrate(url.toString());
  } catch (error) {
    await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    throw error;
  }
  return {
    url: url.toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/** A Redis key prefix of the bench's own. */
export function benchRedisPrefix(): string {
  return `bench-${randomUUID().slice(0, 8)}:`;
}

/** Deletes every Redis key under `prefix` on the bench's Redis. */
export const deleteRedisPrefix = (prefix: string): Promise<void> => deleteKeys(prefix, REDIS_URL);
