import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Mutex } from 'async-mutex';
import type { Database } from 'better-sqlite3';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import type { BridgeStore } from '../bridge-store.js';
import type { StoreOptions } from '../open-store.js';
import { SqlitePrismaClient } from '../prisma/prisma-client.js';
import { createPrismaAgentDefinitionStore } from '../prisma/prisma-agent-definition-store.js';
import { createPrismaInterruptStore } from '../prisma/prisma-interrupt-store.js';
import { createPrismaThreadStore } from '../prisma/prisma-thread-store.js';
import { createPrismaUsageStore } from '../prisma/prisma-usage-store.js';
import { createSqliteEventLog, prepareEventAppend } from './sqlite-event-log.js';
import { createSqliteRunReads } from './sqlite-reads.js';
import { createSqliteRunWrites } from './sqlite-run-writes.js';
import { createSqliteWriteQueue } from './sqlite-write-queue.js';
import { startWalCheckpointer } from './wal-checkpointer.js';
import { createWriteGate, enterGate, type WriteGate } from './write-gate.js';

/** The file path of a `file:` URL, resolved against the working directory. */
export function sqliteFilePath(url: string): string {
  return path.resolve(url.replace(/^file:/, ''));
}

/**
 * Opens the embedded SQLite store (already migrated: `npm start` runs `prisma migrate deploy`).
 * Prisma, the event log and the run writes share one better-sqlite3 connection: the adapter
 * factory is wrapped so its connection can be taken for prepared statements, and so every Prisma
 * transaction holds the store's write lock (on one connection, a transaction left open across an
 * await would otherwise absorb whatever else runs meanwhile).
 */
export async function openSqliteStore(url: string, options: StoreOptions = {}): Promise<BridgeStore> {
  const file = sqliteFilePath(url);
  mkdirSync(path.dirname(file), { recursive: true });
  const factory = new PrismaBetterSQLite3({ url: `file:${file}` });
  let db: Database | undefined;
  const lock = new Mutex();
  // Shared by the store's own writes, Prisma's transactions and the checkpointer's thread, which
  // starts the WAL over (write-gate.ts).
  const gate = createWriteGate();
  const adapter = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const connection = await factory.connect();
      holdLockDuringTransactions(connection, lock, gate);
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
  const { get, messages, revision } = createSqliteRunReads(connection);
  const writes = createSqliteWriteQueue(connection, lock, gate);
  const checkpointer = startWalCheckpointer(
    connection,
    file,
    (message) => options.onWarning?.(`WAL checkpoint: ${message}`),
    { lock, gate },
  );
  // One set of the log's statements: the log's appends and a run's end (its last events) share it.
  const appender = prepareEventAppend(connection);
  return {
    threads: createPrismaThreadStore(prisma, {
      ...createSqliteRunWrites(connection, writes, appender.append),
      get,
      messages,
    }),
    events: createSqliteEventLog(connection, writes, lock, appender),
    interrupts: createPrismaInterruptStore(prisma),
    agents: createPrismaAgentDefinitionStore(prisma, revision),
    usage: createPrismaUsageStore(prisma, 'sqlite'),
    ping: async () => {
      ping.get();
    },
    close: async () => {
      await checkpointer.close();
      await prisma.$disconnect();
    },
  };
}

interface TransactionCapable {
  startTransaction(isolationLevel?: string): Promise<{ commit(): Promise<void>; rollback(): Promise<void> }>;
}

/**
 * Makes each Prisma transaction on `connection` take `lock`, then `gate`, at BEGIN and give them
 * back at its end.
 */
export function holdLockDuringTransactions(connection: unknown, lock: Mutex, gate: WriteGate): void {
  const adapter = connection as TransactionCapable;
  const start = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => {
    const unlock = await lock.acquire();
    let release = unlock;
    try {
      await enterGate(gate);
      release = () => {
        gate.leave();
        unlock();
      };
      const tx = await start(isolationLevel);
      const commit = tx.commit.bind(tx);
      const rollback = tx.rollback.bind(tx);
      tx.commit = () => commit().finally(release);
      tx.rollback = () => rollback().finally(release);
      return tx;
    } catch (error) {
      release();
      throw error;
    }
  };
}
