import type { Mutex } from 'async-mutex';
import type { Database } from 'better-sqlite3';
import { EventSequenceError, fromBatchRow, toBatchRows, type EventBatchRow } from '../event-batches.js';
import type { EventLog, LoggedEvent } from '../event-log.js';

/** One append waiting for the next commit. */
interface PendingAppend {
  threadId: string;
  events: readonly LoggedEvent[];
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * The event log on SQLite, through the driver rather than Prisma: one row per committed batch
 * (event-batches.ts), written by a prepared statement in a synchronous transaction. It shares
 * Prisma's connection and the store's write lock (open-sqlite-store.ts): a batch is never written
 * inside someone else's open transaction.
 *
 * Group commit across threads: the appends of every run made in one turn of the event loop share
 * one transaction, each in a savepoint of its own (a refused append rolls back alone). A hundred
 * paced runs then cost one commit per turn instead of a hundred, which is what kept the loop busy
 * for tens of milliseconds at a time (docs/benchmarks-history.md).
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

  /** Runs each append in a savepoint of one transaction; returns what each one threw, if anything. */
  const commitAll = db.transaction((appends: readonly PendingAppend[]) =>
    appends.map((a) => {
      try {
        appendBatch(a.threadId, a.events);
        return undefined;
      } catch (error) {
        return error ?? new Error('append failed');
      }
    }),
  );
  let queue: PendingAppend[] = [];
  const flush = async (): Promise<void> => {
    const appends = queue;
    queue = [];
    try {
      const failures = await lock.runExclusive(() => commitAll(appends));
      appends.forEach((a, i) => (failures[i] === undefined ? a.resolve() : a.reject(failures[i])));
    } catch (error) {
      for (const a of appends) a.reject(error);
    }
  };

  return {
    lastSeq: async (threadId) => lastSeq.get(threadId)?.seq ?? 0,
    append: (threadId, events) =>
      events.length === 0
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            if (queue.length === 0) setImmediate(() => void flush());
            queue.push({ threadId, events, resolve, reject });
          }),
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
