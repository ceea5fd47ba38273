import type { Pool } from 'pg';
import type { EventLog } from '../event-log.js';

/**
 * The event log on PostgreSQL through the pg driver: a batch is one INSERT of `unnest`ed arrays,
 * whatever its size (Prisma's createMany builds a statement per chunk and is far slower here).
 */
export function createPostgresEventLog(pool: Pool, schema: string): EventLog {
  const table = `"${schema.replaceAll('"', '""')}"."Event"`;
  return {
    async lastSeq(threadId) {
      const { rows } = await pool.query<{ seq: number | null }>(
        `SELECT MAX("seq") AS "seq" FROM ${table} WHERE "threadId" = $1`,
        [threadId],
      );
      return rows[0]?.seq ?? 0;
    },
    async append(threadId, events) {
      if (events.length === 0) return;
      await pool.query(
        `INSERT INTO ${table} ("threadId", "seq", "runId", "type", "data")
         SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::text[])`,
        [
          threadId,
          events.map((e) => e.seq),
          events.map((e) => e.runId),
          events.map((e) => e.type),
          events.map((e) => e.json),
        ],
      );
    },
    async read(threadId, afterSeq, limit) {
      const { rows } = await pool.query<{ seq: number; runId: string; type: string; json: string }>(
        `SELECT "seq", "runId", "type", "data" AS "json" FROM ${table} WHERE "threadId" = $1 AND "seq" > $2 ORDER BY "seq" LIMIT $3`,
        [threadId, afterSeq, limit],
      );
      return rows;
    },
  };
}
