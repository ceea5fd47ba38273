import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import type { BridgeStore } from '../bridge-store.js';
import { PrismaClient as PostgresPrismaClient } from '../prisma/generated/postgres/client.js';
import type { BridgePrismaClient } from '../prisma/prisma-client.js';
import { createPrismaAgentDefinitionStore } from '../prisma/prisma-agent-definition-store.js';
import { createPrismaInterruptStore } from '../prisma/prisma-interrupt-store.js';
import { createPrismaThreadStore } from '../prisma/prisma-thread-store.js';
import { createPrismaUsageStore } from '../prisma/prisma-usage-store.js';
import { MAX_STATEMENTS_IN_FLIGHT } from './postgres-append-queue.js';
import { createPostgresEventLog } from './postgres-event-log.js';
import { createPostgresRunReads } from './postgres-run-reads.js';
import { createPostgresRunWrites } from './postgres-run-writes.js';
import { splitPostgresUrl } from './postgres-url.js';

/**
 * Opens the PostgreSQL store (already migrated: `npm start` runs `prisma migrate deploy`). Prisma,
 * the event log's reads, the reads before a run and its begin and end (through the driver:
 * postgres-run-reads.ts, postgres-run-writes.ts) share one pg pool; the log's appends have a pool
 * of their own, one connection per statement in flight, so they never queue behind a run's begin
 * or end (with Prisma's transactions of several round trips each, 100 runs starting together held
 * every event of the runs already streaming for up to a second). A run's last batch is the
 * exception: it goes in with the run's end (`FinishRunInput.events`), on the shared pool.
 * `?schema=` in the URL selects the schema.
 */
export async function openPostgresStore(url: string): Promise<BridgeStore> {
  const { connectionString, schema } = splitPostgresUrl(url);
  const options = `-c search_path="${schema.replaceAll('"', '""')}"`;
  // Pipeline mode: a run's begin or end sends its statements together (postgres-run-writes.ts);
  // a client that waits for each answer before the next query, as Prisma does, sees no change.
  const pool = new pg.Pool({ connectionString, max: 10, options, pipeline: true });
  const appendPool = new pg.Pool({ connectionString, max: MAX_STATEMENTS_IN_FLIGHT, options });
  // An idle client whose server connection drops (restart, failover) must not crash the process:
  // pg discards it and the next query connects again.
  pool.on('error', () => undefined);
  appendPool.on('error', () => undefined);
  const prisma = new PostgresPrismaClient({ adapter: new PrismaPg(pool, { schema }) });
  // One schema, two generated clients: their model APIs are the same, their types only nominally differ.
  const client = prisma as unknown as BridgePrismaClient;
  await prisma.$connect();
  const { get, messages, revision } = createPostgresRunReads(pool);
  return {
    threads: createPrismaThreadStore(client, { ...createPostgresRunWrites(pool), get, messages }),
    events: createPostgresEventLog(pool, schema, appendPool),
    interrupts: createPrismaInterruptStore(client),
    agents: createPrismaAgentDefinitionStore(client, revision),
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
