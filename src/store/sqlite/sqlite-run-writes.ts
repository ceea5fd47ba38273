import type { Database, Statement } from 'better-sqlite3';
import { prepareThreadRead } from './sqlite-reads.js';
import { planBeginRun, planFinishRun, type RunWrite, type SqlValue } from '../sql/run-write-plan.js';
import type { ThreadRecord, ThreadStore } from '../thread-store.js';
import type { SqliteWriteQueue } from './sqlite-write-queue.js';

/** Prisma's SQLite adapter stores DateTime as ISO 8601 text with an explicit offset: so do we. */
export function toSqliteValue(value: SqlValue): string | number | null {
  return value instanceof Date ? value.toISOString().replace('Z', '+00:00') : value;
}

/**
 * A run's begin and end on SQLite, through the driver: each is a set of prepared statements run
 * atomically in a savepoint of the store's group transaction (sqlite-write-queue.ts), committed
 * with whatever else was written in the same turn of the event loop (Prisma's interactive
 * transaction cost about 30 ms per run and 0.1 ms per row here; docs/benchmarks-history.md).
 */
export function createSqliteRunWrites(
  db: Database,
  writes: SqliteWriteQueue,
): Pick<ThreadStore, 'beginRun' | 'finishRun'> {
  const statements = new Map<string, Statement>();
  const prepare = (sql: string): Statement => {
    let prepared = statements.get(sql);
    if (!prepared) {
      prepared = db.prepare(sql);
      statements.set(sql, prepared);
    }
    return prepared;
  };
  const runExists = db.prepare<[string, string]>('SELECT 1 FROM "Run" WHERE "threadId" = ? AND "id" = ?');
  const thread = prepareThreadRead(db);
  const lastMessageSeq = db.prepare<[string], { seq: number | null }>(
    'SELECT MAX("seq") AS "seq" FROM "Message" WHERE "threadId" = ?',
  );
  // Prisma's adapter turns safe integers on for the connection: sequence numbers fit a number.
  lastMessageSeq.safeIntegers(false);
  const execute = (writes: RunWrite[]): void => {
    for (const write of writes) {
      if (write.kind === 'statement') {
        prepare(write.sql).run(...write.params.map(toSqliteValue));
        continue;
      }
      const columns = write.columns.map((c) => `"${c}"`).join(', ');
      const placeholders = write.columns.map(() => '?').join(', ');
      const insert = prepare(
        `INSERT INTO "${write.table}" (${columns}) VALUES (${placeholders}) ${write.onConflict ?? ''}`,
      );
      for (const row of write.rows) insert.run(...row.map(toSqliteValue));
    }
  };

  const begin = (input: Parameters<ThreadStore['beginRun']>[0]): ThreadRecord => {
    const existing = thread(input.threadId);
    const writes = planBeginRun(input, {
      runExists: runExists.get(input.threadId, input.runId) !== undefined,
      threadExists: existing !== null,
      lastMessageSeq: lastMessageSeq.get(input.threadId)?.seq ?? 0,
    });
    execute(writes);
    const current = existing ?? thread(input.threadId);
    if (!current) throw new Error('The thread row vanished inside its own transaction');
    return current;
  };
  const finish = (input: Parameters<ThreadStore['finishRun']>[0]): void => {
    execute(planFinishRun(input, lastMessageSeq.get(input.threadId)?.seq ?? 0));
  };

  return {
    beginRun: async (input) => ({ thread: await writes.enqueue('run', () => begin(input)) }),
    finishRun: (input) => writes.enqueue('run', () => finish(input)),
  };
}
