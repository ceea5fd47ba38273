import type { Pool } from 'pg';
import type { AgentDefinitionStore } from '../agent-definition-store.js';
import { fromMessageBatches } from '../message-batches.js';
import { toThreadRecord, type ThreadRow } from '../prisma/records.js';
import type { ThreadStore } from '../thread-store.js';
import { THREAD } from './postgres-run-writes.js';

const MESSAGES = 'SELECT "data" FROM "MessageBatch" WHERE "threadId" = $1 ORDER BY "seq"';
/** As on SQLite (sqlite-reads.ts): the sum of the agents' current versions, a row per agent. */
const REVISION = 'SELECT COALESCE(SUM("currentVersion"), 0)::int AS "n" FROM "AgentDefinition"';

/**
 * The reads every run makes before it starts (its thread, its history when the input has none,
 * the agents' revision: twice, once by the route and once by the run service), through the pg
 * driver: one round trip each, where a Prisma query also spends its own fraction of a
 * millisecond building it (docs/benchmarks-history.md, step 27). SQLite's are in sqlite-reads.ts.
 */
export function createPostgresRunReads(
  pool: Pool,
): Pick<ThreadStore, 'get' | 'messages'> & Pick<AgentDefinitionStore, 'revision'> {
  return {
    get: async (threadId) => {
      const { rows } = await pool.query<ThreadRow>(THREAD, [threadId]);
      return rows[0] ? toThreadRecord(rows[0]) : null;
    },
    messages: async (threadId) =>
      fromMessageBatches((await pool.query<{ data: string }>(MESSAGES, [threadId])).rows),
    revision: async () => (await pool.query<{ n: number }>(REVISION)).rows[0]?.n ?? 0,
  };
}
