import type { Mutex } from 'async-mutex';
import type { Database } from 'better-sqlite3';
import { EventSequenceError, fromBatchRow, toBatchRows, type EventBatchRow } from '../event-batches.js';
import type { EventLog, LoggedEvent } from '../event-log.js';
import type { SqliteWriteQueue } from './sqlite-write-queue.js';
import { inGate } from './write-gate.js';

/**
 * The log's reads. Batches never overlap: the last one by `seq` holds the thread's last event, and
 * the one holding `afterSeq + 1` is the last starting at or before it. Both are primary-key seeks
 * whatever the thread's length (a test checks their query plans).
 */
export const EVENT_LOG_READS = {
  lastSeq: 'SELECT "lastSeq" FROM "Event" WHERE "threadId" = ? ORDER BY "seq" DESC LIMIT 1',
  rowsAfter:
    'SELECT "seq", "lastSeq", "runId", "type" AS "types", "data" FROM "Event" ' +
    'WHERE "threadId" = $threadId AND "seq" >= COALESCE((SELECT "seq" FROM "Event" ' +
    'WHERE "threadId" = $threadId AND "seq" <= $next ORDER BY "seq" DESC LIMIT 1), 0) ORDER BY "seq"',
} as const;

/**
 * The log's synchronous append on `db`: refused before anything is written when the events do not
 * continue the thread's sequence; one row (the usual append) is one atomic statement, and the rare
 * append spanning two runs gets a savepoint: a failing append never leaves half of it. The event
 * log and a run's end (`FinishRunInput.events`, sqlite-run-writes.ts) both append through it.
 */
export function prepareEventAppend(db: Database): {
  append(threadId: string, events: readonly LoggedEvent[]): void;
  /** The thread's last seq, 0 when it has none (the check's own read). */
  lastSeq(threadId: string): number;
} {
  const insert = db.prepare(
    'INSERT INTO "Event" ("threadId", "seq", "lastSeq", "runId", "type", "data") VALUES (?, ?, ?, ?, ?, ?)',
  );
  // The connection hands out BigInts (Prisma's adapter turns them on): a number is enough for the
  // row id each insert reports, and it is not an allocation per append.
  insert.safeIntegers(false);
  const lastSeq = db.prepare<[string], { lastSeq: number }>(EVENT_LOG_READS.lastSeq);
  lastSeq.safeIntegers(false);
  const insertRows = db.transaction((threadId: string, rows: readonly EventBatchRow[]) => {
    for (const row of rows) insert.run(threadId, row.seq, row.lastSeq, row.runId, row.types, row.data);
  });
  const last = (threadId: string): number => lastSeq.get(threadId)?.lastSeq ?? 0;
  const append = (threadId: string, events: readonly LoggedEvent[]): void => {
    const expected = last(threadId) + 1;
    if (events[0]!.seq !== expected) throw new EventSequenceError(threadId, expected, events[0]!.seq);
    const rows = toBatchRows(threadId, expected, events);
    if (rows.length === 1) {
      const row = rows[0]!;
      insert.run(threadId, row.seq, row.lastSeq, row.runId, row.types, row.data);
    } else insertRows(threadId, rows);
  };
  return { append, lastSeq: last };
}

/**
 * The event log on SQLite, through the driver rather than Prisma: one row per committed batch
 * (event-batches.ts), written by a prepared statement. Appends go through the store's write queue
 * (sqlite-write-queue.ts): the appends of every run made in one turn of the event loop share one
 * commit with the runs that begin or end in it (a refused append fails alone). A hundred paced
 * runs then cost one commit per turn instead of a hundred, which is what kept the loop busy for
 * tens of milliseconds at a time (docs/benchmarks-history.md). A run's last batch is appended with
 * its end instead (`FinishRunInput.events`), through the same `appender`.
 */
export function createSqliteEventLog(
  db: Database,
  writes: SqliteWriteQueue,
  lock: Pick<Mutex, 'isLocked'>,
  appender: ReturnType<typeof prepareEventAppend> = prepareEventAppend(db),
): EventLog {
  const { gate } = writes;
  const { append: appendBatch, lastSeq } = appender;
  const rowsAfter = db.prepare<{ threadId: string; next: number }, EventBatchRow>(EVENT_LOG_READS.rowsAfter);
  rowsAfter.safeIntegers(false);

  // A transaction of its own, outside the group commit: only when no transaction is open on the
  // connection (the lock is held from a Prisma transaction's BEGIN to its end, and while the
  // queue writes a group).
  const appendAlone = db.transaction(appendBatch);

  return {
    appendNow: (threadId, events) => {
      if (events.length === 0) return true;
      // Not while the WAL checkpointer's thread writes either (the queue's gate): then it is queued.
      if (lock.isLocked() || db.inTransaction || !gate.tryEnter()) return false;
      inGate(gate, () => appendAlone(threadId, events));
      return true;
    },
    lastSeq: async (threadId) => lastSeq(threadId),
    append: async (threadId, events) => {
      if (events.length > 0) await writes.enqueue('event', () => appendBatch(threadId, events));
    },
    read: async (threadId, afterSeq, limit) => {
      const out: LoggedEvent[] = [];
      // Rows are read one by one and the cursor closed once `limit` events are in hand.
      for (const row of rowsAfter.iterate({ threadId, next: afterSeq + 1 })) {
        out.push(...fromBatchRow(row, afterSeq, limit - out.length));
        if (out.length >= limit) break;
      }
      return out;
    },
  };
}
