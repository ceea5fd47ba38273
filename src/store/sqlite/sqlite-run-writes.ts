import type { Database, Statement } from 'better-sqlite3';
import { prepareThreadRead } from './sqlite-reads.js';
import {
  NOTHING_STORED,
  planBeginRun,
  planFinishRun,
  type BeginRunReads,
  type RunWrite,
  type SqlValue,
} from '../sql/run-write-plan.js';
import type { LoggedEvent } from '../event-log.js';
import {
  createStoredConversations,
  storedAsSentIn,
  type MessageBatchText,
  type StoredConversations,
} from '../sql/stored-conversations.js';
import type { ThreadRecord, ThreadStore } from '../thread-store.js';
import type { SqliteWriteQueue } from './sqlite-write-queue.js';

/** Prisma's SQLite adapter stores DateTime as ISO 8601 text with an explicit offset: so do we. */
export function toSqliteValue(value: SqlValue): string | number | null {
  return value instanceof Date ? value.toISOString().replace('Z', '+00:00') : value;
}

/**
 * `toSqliteValue` for the values of one run write: its rows share one date, converted once.
 */
function sqliteValues(): (value: SqlValue) => string | number | null {
  let date: Date | undefined;
  let text = '';
  return (value) => {
    if (!(value instanceof Date)) return value;
    if (value !== date) {
      date = value;
      text = toSqliteValue(value) as string;
    }
    return text;
  };
}

/** The most rows one INSERT statement writes (14 columns at most: far below SQLite's 32766 variables). */
const MAX_ROWS_PER_INSERT = 64;

/** The rows of the next INSERT: the largest power of two up to `MAX_ROWS_PER_INSERT` and `left`. */
function chunkSize(left: number): number {
  let rows = MAX_ROWS_PER_INSERT;
  while (rows > left) rows >>= 1;
  return rows;
}

/**
 * The reads of a run's begin and end on the thread's messages (a test checks their query plans):
 * the thread's last batch, and its batches from a given one on, both primary-key seeks. A begin
 * compares its input with the thread's stored conversation, kept between runs
 * (stored-conversations.ts), so it reads only the batches from the last one it read of the thread.
 */
export const MESSAGE_READS = {
  lastBatch: 'SELECT MAX("seq") AS "seq" FROM "MessageBatch" WHERE "threadId" = ?',
  batchesFrom: 'SELECT "seq", "data" FROM "MessageBatch" WHERE "threadId" = ? AND "seq" >= ? ORDER BY "seq"',
} as const;

/**
 * A run's begin and end on SQLite, through the driver: each is a set of prepared statements run
 * atomically in a savepoint of the store's group transaction (sqlite-write-queue.ts), committed
 * with whatever else was written in the same turn of the event loop (Prisma's interactive
 * transaction cost about 30 ms per run and 0.1 ms per row here; docs/benchmarks-history.md).
 */
export function createSqliteRunWrites(
  db: Database,
  writes: SqliteWriteQueue,
  appendEvents: (threadId: string, events: readonly LoggedEvent[]) => void,
  conversations: StoredConversations = createStoredConversations(),
): Pick<ThreadStore, 'beginRun' | 'finishRun'> & Pick<StoredConversations, 'forget'> {
  const statements = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let prepared = statements.get(sql);
    if (!prepared) {
      prepared = db.prepare(sql).safeIntegers(false);
      statements.set(sql, prepared);
    }
    return prepared;
  };
  const runExists = db.prepare<[string, string]>('SELECT 1 FROM "Run" WHERE "threadId" = ? AND "id" = ?');
  const thread = prepareThreadRead(db);
  const lastMessageBatch = db.prepare<[string], { seq: number | null }>(MESSAGE_READS.lastBatch);
  // Prisma's adapter turns safe integers on for the connection: sequence numbers fit a number.
  lastMessageBatch.safeIntegers(false);
  const batchesFrom = db.prepare<[string, number], MessageBatchText>(MESSAGE_READS.batchesFrom);
  batchesFrom.safeIntegers(false);
  /** The thread's stored forms, brought up to its last batch (read in the begin's transaction). */
  const storedAsSent = (thread: ThreadRecord, lastBatch: number): BeginRunReads['storedAsSent'] => {
    const read = (from: number) =>
      conversations.apply(thread.id, thread.createdAt, from, lastBatch, batchesFrom.all(thread.id, from));
    const stored = read(conversations.from(thread.id)) ?? read(0);
    if (!stored) throw new Error("The thread's messages changed while they were read");
    return storedAsSentIn(stored.byId);
  };
  const insert = (write: Extract<RunWrite, { kind: 'insert' }>, rows: number): Statement => {
    const row = `(${write.columns.map(() => '?').join(', ')})`;
    const columns = write.columns.map((c) => `"${c}"`).join(', ');
    return prepare(
      `INSERT INTO "${write.table}" (${columns}) VALUES ${Array(rows).fill(row).join(', ')} ${write.onConflict ?? ''}`,
    );
  };
  const execute = (writes: RunWrite[]): void => {
    const value = sqliteValues();
    for (const write of writes) {
      if (write.kind === 'statement') {
        prepare(write.sql).run(write.params.map(value));
        continue;
      }
      // Multi-row statements: a run's end writes hundreds of rows, and a statement per row costs
      // about twice as much per row (docs/benchmarks-history.md). Chunks of a power of two rows
      // keep the prepared statements few.
      for (let start = 0; start < write.rows.length;) {
        const rows = chunkSize(write.rows.length - start);
        const params: (string | number | null)[] = [];
        for (let i = start; i < start + rows; i++) for (const v of write.rows[i]!) params.push(value(v));
        insert(write, rows).run(params);
        start += rows;
      }
    }
  };

  const begin = (input: Parameters<ThreadStore['beginRun']>[0]): ThreadRecord => {
    const existing = thread(input.threadId);
    const lastBatch = lastMessageBatch.get(input.threadId)?.seq ?? 0;
    const writes = planBeginRun(input, {
      runExists: runExists.get(input.threadId, input.runId) !== undefined,
      threadExists: existing !== null,
      lastMessageBatch: lastBatch,
      storedAsSent:
        existing && input.messages.length > 0 ? storedAsSent(existing, lastBatch) : NOTHING_STORED,
    });
    execute(writes);
    const current = existing ?? thread(input.threadId);
    if (!current) throw new Error('The thread row vanished inside its own transaction');
    return current;
  };
  const finish = (input: Parameters<ThreadStore['finishRun']>[0]): void => {
    // In the run write's savepoint: refused events fail the end with nothing of it written.
    if (input.events && input.events.length > 0) appendEvents(input.threadId, input.events);
    execute(planFinishRun(input, lastMessageBatch.get(input.threadId)?.seq ?? 0));
  };

  // A begin reads the batches the group's earlier writes made: if the group's commit fails, they
  // were never stored, and checking the last one read again would not catch the ones before it.
  // Every write of a failed group is rejected, before the next group: the thread is forgotten.
  const forgetOnFailure = <T>(threadId: string, write: Promise<T>): Promise<T> =>
    write.catch((error: unknown) => {
      conversations.forget(threadId);
      throw error;
    });
  return {
    beginRun: async (input) => ({
      thread: await forgetOnFailure(
        input.threadId,
        writes.enqueue('run', () => begin(input)),
      ),
    }),
    finishRun: (input) =>
      forgetOnFailure(
        input.threadId,
        writes.enqueue('run', () => finish(input)),
      ),
    forget: conversations.forget,
  };
}
