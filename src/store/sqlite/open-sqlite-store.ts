import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import type { BridgeStore } from '../bridge-store.js';
import { SqlitePrismaClient } from '../prisma/prisma-client.js';
import { createPrismaInterruptStore } from '../prisma/prisma-interrupt-store.js';
import { createPrismaThreadStore } from '../prisma/prisma-thread-store.js';
import { createPrismaUsageStore } from '../prisma/prisma-usage-store.js';
import { createSqliteEventLog } from './sqlite-event-log.js';

/** The file path of a `file:` URL, resolved against the working directory. */
export function sqliteFilePath(url: string): string {
  return path.resolve(url.replace(/^file:/, ''));
}

/**
 * Opens the embedded SQLite store (already migrated: `npm start` runs `prisma migrate deploy`).
 * Prisma and the event log share one better-sqlite3 connection: the adapter factory is wrapped so
 * its connection can be taken for the log's prepared statements.
 */
export async function openSqliteStore(url: string): Promise<BridgeStore> {
  const file = sqliteFilePath(url);
  mkdirSync(path.dirname(file), { recursive: true });
  const factory = new PrismaBetterSQLite3({ url: `file:${file}` });
  let db: Database | undefined;
  const adapter = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const connection = await factory.connect();
      db = (connection as unknown as { client: Database }).client;
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
      return connection;
    },
  } as unknown as PrismaBetterSQLite3;
  const prisma = new SqlitePrismaClient({ adapter });
  await prisma.$connect();
  if (!db) throw new Error('SQLite adapter did not connect');
  const connection = db;
  const ping = connection.prepare('SELECT 1');
  return {
    threads: createPrismaThreadStore(prisma, 'sqlite'),
    events: createSqliteEventLog(connection),
    interrupts: createPrismaInterruptStore(prisma),
    usage: createPrismaUsageStore(prisma, 'sqlite'),
    ping: async () => {
      ping.get();
    },
    close: () => prisma.$disconnect(),
  };
}
