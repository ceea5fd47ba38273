import type { Pool } from 'pg';
import { EventSequenceError, fromBatchRow, toBatchRows, type EventBatchRow } from '../event-batches.js';
import type { EventLog, LoggedEvent } from '../event-log.js';
import { isUniqueViolation } from './pg-errors.js';
import { createPostgresAppendQueue, type QueuedAppend } from './postgres-append-queue.js';

/** Batch rows fetched per round trip while reading. */
const ROWS_PER_READ = 16;

/** The thread's last seq (`$1`: its id) in the log's `table`. */
export function lastSeqSql(table: string): string {
  return `SELECT "lastSeq" FROM ${table} WHERE "threadId" = $1 ORDER BY "seq" DESC LIMIT 1`;
}

/** A thread whose append `appendGroupSql` refused, with its last seq as the statement saw it. */
export interface RefusedAppend {
  threadId: string;
  lastSeq: number;
}

/**
 * One statement appending a group of appends (one per thread) to the log's `table`, each only
 * where it continues its thread's sequence (bound by `appendGroupValues`); it answers the threads
 * it refused (`RefusedAppend`). Every subquery of a statement sees the log as it was when the
 * statement began (its own rows are not visible to it), so each thread's rows are checked against
 * its last seq before it; the others' rows are in. The event log's appends and a run's end
 * (postgres-run-writes.ts) both write through it.
 */
export function appendGroupSql(table: string): string {
  return `
    WITH "appended" AS (
      SELECT * FROM unnest($1::text[], $2::int[], $3::int[], $4::text[], $5::text[], $6::text[], $7::int[])
        AS a("threadId", "seq", "lastSeq", "runId", "type", "data", "after")
    ), "last" AS (
      SELECT t."threadId", COALESCE((SELECT e."lastSeq" FROM ${table} e WHERE e."threadId" = t."threadId"
        ORDER BY e."seq" DESC LIMIT 1), 0) AS "lastSeq"
      FROM (SELECT DISTINCT "threadId" FROM "appended") t
    ), "written" AS (
      INSERT INTO ${table} ("threadId", "seq", "lastSeq", "runId", "type", "data")
      SELECT a."threadId", a."seq", a."lastSeq", a."runId", a."type", a."data"
      FROM "appended" a JOIN "last" l ON l."threadId" = a."threadId" AND l."lastSeq" = a."after"
      RETURNING "threadId"
    )
    SELECT l."threadId", l."lastSeq" FROM "last" l
    WHERE NOT EXISTS (SELECT 1 FROM "written" w WHERE w."threadId" = l."threadId")`;
}

/** The values `appendGroupSql` binds for `group`. */
export function appendGroupValues(group: readonly QueuedAppend[]): (string[] | number[])[] {
  const rows = group.flatMap(({ threadId, rows }) =>
    rows.map((row) => ({ threadId, after: rows[0]!.seq - 1, ...row })),
  );
  return [
    rows.map((r) => r.threadId),
    rows.map((r) => r.seq),
    rows.map((r) => r.lastSeq),
    rows.map((r) => r.runId),
    rows.map((r) => r.types),
    rows.map((r) => r.data),
    rows.map((r) => r.after),
  ];
}

/**
 * The event log on PostgreSQL through the pg driver: one row per committed batch
 * (event-batches.ts). Appends of every thread queued together are written by one statement
 * (postgres-append-queue.ts) that also checks each thread's rows continue its sequence: two
 * writers of one thread cannot both succeed (the primary key or the check refuses one), and a
 * refused append fails alone while the other threads' rows of the statement go in. Appends go
 * through `appendPool` (open-postgres-store.ts gives them connections of their own), reads
 * through `pool`. A run's last batch is written with the run's end instead, with the same check
 * (postgres-run-writes.ts).
 */
export function createPostgresEventLog(pool: Pool, schema: string, appendPool: Pool = pool): EventLog {
  const table = `"${schema.replaceAll('"', '""')}"."Event"`;
  const lastSeq = async (threadId: string): Promise<number> => {
    const { rows } = await pool.query<{ lastSeq: number }>(lastSeqSql(table), [threadId]);
    return rows[0]?.lastSeq ?? 0;
  };
  const insertGroup = appendGroupSql(table);

  /** Writes the appends (one per thread) in one statement; rejects when the statement failed. */
  const insert = async (group: readonly QueuedAppend[]): Promise<(Error | undefined)[]> => {
    const refused = await appendPool.query<RefusedAppend>(insertGroup, appendGroupValues(group));
    const lastSeqs = new Map(refused.rows.map((r) => [r.threadId, r.lastSeq]));
    return group.map(({ threadId, rows }) => {
      const last = lastSeqs.get(threadId);
      return last === undefined ? undefined : new EventSequenceError(threadId, last + 1, rows[0]!.seq);
    });
  };
  /** One append in a statement of its own: a unique violation is a writer that came first. */
  const insertAlone = async (append: QueuedAppend): Promise<Error | undefined> => {
    try {
      return (await insert([append]))[0];
    } catch (error) {
      // A unique violation is another writer that committed the same `seq` first.
      if (!isUniqueViolation(error)) return toError(error);
      return lastSeq(append.threadId).then(
        (last) => new EventSequenceError(append.threadId, last + 1, append.rows[0]!.seq),
        () => toError(error),
      );
    }
  };
  const appends = createPostgresAppendQueue(async (group) => {
    if (group.length === 1) return [await insertAlone(group[0]!)];
    try {
      return await insert(group);
    } catch {
      // Nothing of the statement was written (a thread that does not exist, a seq another
      // instance wrote meanwhile, a deadlock with it): each append alone, so only the offending
      // one fails.
      const outcomes: (Error | undefined)[] = [];
      for (const append of group) outcomes.push(await insertAlone(append));
      return outcomes;
    }
  });

  return {
    lastSeq,
    async append(threadId, events) {
      const first = events[0];
      if (!first) return;
      await appends.enqueue({ threadId, rows: toBatchRows(threadId, first.seq, events) });
    },
    async read(threadId, afterSeq, limit) {
      const out: LoggedEvent[] = [];
      // Batches never overlap: the first row wanted is the last one starting at or before
      // `afterSeq + 1`; after it, rows are paged by `seq`. Primary-key seeks only.
      const first = await pool.query<EventBatchRow>(
        `SELECT "seq", "lastSeq", "runId", "type" AS "types", "data" FROM ${table}
         WHERE "threadId" = $1 AND "seq" <= $2 ORDER BY "seq" DESC LIMIT 1`,
        [threadId, afterSeq + 1],
      );
      const head = first.rows[0];
      if (head) out.push(...fromBatchRow(head, afterSeq, limit));
      let cursor = head?.seq ?? 0;
      while (out.length < limit) {
        const { rows } = await pool.query<EventBatchRow>(
          `SELECT "seq", "lastSeq", "runId", "type" AS "types", "data" FROM ${table}
           WHERE "threadId" = $1 AND "seq" > $2 ORDER BY "seq" LIMIT $3`,
          [threadId, cursor, ROWS_PER_READ],
        );
        for (const row of rows) {
          out.push(...fromBatchRow(row, afterSeq, limit - out.length));
          if (out.length >= limit) break;
        }
        if (rows.length < ROWS_PER_READ) break;
        cursor = rows.at(-1)!.seq;
      }
      return out;
    },
  };
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
