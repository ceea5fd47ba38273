import type { Pool } from 'pg';
import { EventSequenceError, fromBatchRow, toBatchRows, type EventBatchRow } from '../event-batches.js';
import type { EventLog, LoggedEvent } from '../event-log.js';

/** Batch rows fetched per round trip while reading. */
const ROWS_PER_READ = 16;

/**
 * The event log on PostgreSQL through the pg driver: one row per committed batch
 * (event-batches.ts), inserted by one statement that also checks the batch continues the thread's
 * sequence (two writers of one thread cannot both succeed: the primary key or the check refuses one).
 */
export function createPostgresEventLog(pool: Pool, schema: string): EventLog {
  const table = `"${schema.replaceAll('"', '""')}"."Event"`;
  const lastSeq = async (threadId: string): Promise<number> => {
    const { rows } = await pool.query<{ lastSeq: number }>(
      `SELECT "lastSeq" FROM ${table} WHERE "threadId" = $1 ORDER BY "seq" DESC LIMIT 1`,
      [threadId],
    );
    return rows[0]?.lastSeq ?? 0;
  };
  return {
    lastSeq,
    async append(threadId, events) {
      const first = events[0];
      if (!first) return;
      const rows = toBatchRows(threadId, first.seq, events);
      const { rowCount } = await pool.query(
        `INSERT INTO ${table} ("threadId", "seq", "lastSeq", "runId", "type", "data")
         SELECT $1, * FROM unnest($2::int[], $3::int[], $4::text[], $5::text[], $6::text[])
         WHERE COALESCE((SELECT "lastSeq" FROM ${table} WHERE "threadId" = $1 ORDER BY "seq" DESC LIMIT 1), 0) = $7`,
        [
          threadId,
          rows.map((r) => r.seq),
          rows.map((r) => r.lastSeq),
          rows.map((r) => r.runId),
          rows.map((r) => r.types),
          rows.map((r) => r.data),
          first.seq - 1,
        ],
      );
      if (rowCount !== rows.length) {
        throw new EventSequenceError(threadId, (await lastSeq(threadId)) + 1, first.seq);
      }
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
