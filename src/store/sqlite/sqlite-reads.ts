import type { Database } from 'better-sqlite3';
import type { AgentDefinitionStore } from '../agent-definition-store.js';
import { fromMessageBatches } from '../message-batches.js';
import { toThreadRecord, type ThreadRow } from '../prisma/records.js';
import type { ThreadRecord, ThreadStore } from '../thread-store.js';

/** The row as the driver reads it: SQLite keeps Prisma's DateTime columns as ISO 8601 text. */
type SqliteThreadRow = Omit<ThreadRow, 'createdAt' | 'updatedAt'> & { createdAt: string; updatedAt: string };

/** A synchronous thread lookup (usable inside the driver's transactions). */
export function prepareThreadRead(db: Database): (threadId: string) => ThreadRecord | null {
  const thread = db.prepare<[string], SqliteThreadRow>(
    'SELECT "id", "tenantId", "agentId", "status", "snapshot", "createdAt", "updatedAt" FROM "Thread" WHERE "id" = ?',
  );
  return (threadId) => {
    const row = thread.get(threadId);
    return row ? toThreadRecord(withDates(row)) : null;
  };
}

/**
 * The agents' revision (`AgentDefinitionStore.revision`): the number of versions ever written, read
 * as the sum of every agent's current version (versions are numbered from 1 and never deleted), so
 * a run's start reads a row per agent, not a row per version ever written (a test checks its plan).
 */
export const AGENT_REVISION = 'SELECT COALESCE(SUM("currentVersion"), 0) AS "n" FROM "AgentDefinition"';

/**
 * The reads every run makes before it starts (its thread, its history, the agents' revision),
 * through the driver: on SQLite each is a prepared statement of a few microseconds, where a Prisma
 * query costs about a millisecond of query compilation (docs/benchmarks.md, time to RUN_STARTED).
 */
export function createSqliteRunReads(
  db: Database,
): Pick<ThreadStore, 'get' | 'messages'> & Pick<AgentDefinitionStore, 'revision'> {
  const thread = prepareThreadRead(db);
  const messages = db.prepare<[string], { data: string }>(
    'SELECT "data" FROM "MessageBatch" WHERE "threadId" = ? ORDER BY "seq"',
  );
  const revision = db.prepare<[], { n: number }>(AGENT_REVISION);
  // Prisma's adapter turns safe integers on for the connection: these counts fit a number.
  revision.safeIntegers(false);
  return {
    get: async (threadId) => thread(threadId),
    messages: async (threadId) => fromMessageBatches(messages.iterate(threadId)),
    revision: async () => revision.get()?.n ?? 0,
  };
}

/** Prisma writes SQLite DateTime as ISO 8601 text (sqlite-run-writes.ts): read back as Date. */
function withDates<T extends { createdAt: string; updatedAt: string }>(
  row: T,
): Omit<T, 'createdAt' | 'updatedAt'> & { createdAt: Date; updatedAt: Date } {
  return { ...row, createdAt: new Date(row.createdAt), updatedAt: new Date(row.updatedAt) };
}
