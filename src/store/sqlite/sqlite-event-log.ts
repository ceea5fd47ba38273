import type { Mutex } from 'async-mutex';
import type { Database } from 'better-sqlite3';
import { EventSequenceError, fromBatchRow, toBatchRows, type EventBatchRow } from '../event-batches.js';
import type { EventLog, LoggedEvent } from '../event-log.js';

/**
 * The event log on SQLite, through the driver rather than Prisma: one row per committed batch
 * (event-batches.ts), written by a prepared statement in a synchronous transaction. It shares
 * Prisma's connection and the store's write lock (open-sqlite-store.ts): a batch is never written
 * inside someone else's open transaction.
 */
export function createSqliteEventLog(db: Database, lock: Mutex): EventLog {
  const insert = db.prepare(
    'INSERT INTO "Event" ("threadId", "seq", "lastSeq", "runId", "type", "data") VALUES (?, ?, ?, ?, ?, ?)',
  );
  const lastSeq = db.prepare<[string], { seq: number | null }>(
    'SELECT MAX("lastSeq") AS "seq" FROM "Event" WHERE "threadId" = ?',
  );
  lastSeq.safeIntegers(false);
  const rowsAfter = db.prepare<[string, number], EventBatchRow>(
    'SELECT "seq", "lastSeq", "runId", "type" AS "types", "data" FROM "Event" ' +
      'WHERE "threadId" = ? AND "lastSeq" > ? ORDER BY "lastSeq"',
  );
  rowsAfter.safeIntegers(false);
  const appendBatch = db.transaction((threadId: string, events: readonly LoggedEvent[]) => {
    const expected = (lastSeq.get(threadId)?.seq ?? 0) + 1;
    if (events[0]!.seq !== expected) throw new EventSequenceError(threadId, expected, events[0]!.seq);
    for (const row of toBatchRows(threadId, expected, events)) {
      insert.run(threadId, row.seq, row.lastSeq, row.runId, row.types, row.data);
    }
  });

  return {
    lastSeq: async (threadId) => lastSeq.get(threadId)?.seq ?? 0,
    append: async (threadId, events) => {
      if (events.length > 0) await lock.runExclusive(() => appendBatch(threadId, events));
    },
    read: async (threadId, afterSeq, limit) => {
      const out: LoggedEvent[] = [];
      // Rows are read one by one and the cursor closed once `limit` events are in hand.
      for (const row of rowsAfter.iterate(threadId, afterSeq)) {
        out.push(...fromBatchRow(row, afterSeq, limit - out.length));
        if (out.length >= limit) break;
      }
      return out;
    },
  };
}
