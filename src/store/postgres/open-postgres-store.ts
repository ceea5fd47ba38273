import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { BridgeStore } from '../bridge-store.js';
import { PrismaClient as PostgresPrismaClient } from '../prisma/generated/postgres/client.js';
import type { BridgePrismaClient } from '../prisma/prisma-client.js';
import { createPrismaAgentDefinitionStore } from '../prisma/prisma-agent-definition-store.js';
import { createPrismaRunWrites } from '../prisma/prisma-run-writes.js';
import { createPrismaInterruptStore } from '../prisma/prisma-interrupt-store.js';
import { createPrismaThreadStore } from '../prisma/prisma-thread-store.js';
import { createPrismaUsageStore } from '../prisma/prisma-usage-store.js';
import { MAX_STATEMENTS_IN_FLIGHT } from './postgres-append-queue.js';
import { createPostgresEventLog } from './postgres-event-log.js';
import { splitPostgresUrl } from './postgres-url.js';

/**
 * Opens the PostgreSQL store (already migrated: `npm start` runs `prisma migrate deploy`). Prisma
 * and the event log's reads share one pg pool; the log's appends have a pool of their own, one
 * connection per statement in flight, so they never queue behind run begins and ends (Prisma
 * transactions of several round trips each: 100 runs starting together held every event of the
 * runs already streaming for up to a second). `?schema=` in the URL selects the schema.
 */
export async function openPostgresStore(url: string): Promise<BridgeStore> {
  const { connectionString, schema } = splitPostgresUrl(url);
  const options = `-c search_path="${schema.replaceAll('"', '""')}"`;
  const pool = new pg.Pool({ connectionString, max: 10, options });
  const appendPool = new pg.Pool({ connectionString, max: MAX_STATEMENTS_IN_FLIGHT, options });
  // An idle client whose server connection drops (restart, failover) must not crash the process:
  // pg discards it and the next query connects again.
  pool.on('error', () => undefined);
  appendPool.on('error', () => undefined);
  const prisma = new PostgresPrismaClient({ adapter: new PrismaPg(pool, { schema }) });
  // One schema, two generated clients: their model APIs are the same, their types only nominally differ.
  const client = prisma as unknown as BridgePrismaClient;
  await prisma.$connect();
  return {
    threads: createPrismaThreadStore(client, createPrismaRunWrites(client, 'postgres')),
    events: createPostgresEventLog(pool, schema, appendPool),
    interrupts: createPrismaInterruptStore(client),
    agents: createPrismaAgentDefinitionStore(client),
    usage: createPrismaUsageStore(client, 'postgres'),
    ping: async () => {
      await pool.query('SELECT 1');
    },
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
      await appendPool.end();
    },
  };
}
