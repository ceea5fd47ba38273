import type { Pool, PoolClient, QueryResult } from 'pg';
import { InvalidInputError } from '../../protocol/bridge-error.js';
import { EventSequenceError, toBatchRows } from '../event-batches.js';
import type { LoggedEvent } from '../event-log.js';
import { toThreadRecord, type ThreadRow } from '../prisma/records.js';
import {
  NOTHING_STORED,
  planBeginRun,
  planFinishRun,
  type RunWrite,
  type SqlValue,
} from '../sql/run-write-plan.js';
import {
  createStoredConversations,
  storedAsSentIn,
  type MessageBatchText,
  type StoredConversation,
  type StoredConversations,
} from '../sql/stored-conversations.js';
import type { ThreadRecord, ThreadStore } from '../thread-store.js';
import { isUniqueViolation } from './pg-errors.js';
import { appendGroupSql, appendGroupValues, lastSeqSql, type RefusedAppend } from './postgres-event-log.js';

/** One statement of a pipeline: its text and bound values. */
interface Query {
  text: string;
  values?: (string | number | null | string[] | number[])[];
}

/** PostgreSQL refuses a statement with more bound parameters than this (a 16-bit count). */
const MAX_PARAMETERS_PER_STATEMENT = 65_535;

/**
 * The thread's columns, its dates read as the instants they are: Prisma writes a `DateTime` as
 * UTC into a `timestamp(3)` column, which the driver would otherwise read as local time.
 */
const THREAD_COLUMNS = `t."id", t."tenantId", t."agentId", t."status", t."snapshot",
  t."createdAt" AT TIME ZONE 'UTC' AS "createdAt", t."updatedAt" AT TIME ZONE 'UTC' AS "updatedAt"`;

/** What `planBeginRun` needs, and the thread row, in one statement. */
const BEGIN_READS = `SELECT
  EXISTS (SELECT 1 FROM "Run" WHERE "threadId" = $1 AND "id" = $2) AS "runExists",
  (SELECT MAX("seq") FROM "MessageBatch" WHERE "threadId" = $1) AS "lastBatch", ${THREAD_COLUMNS}
  FROM (SELECT 1) AS "one" LEFT JOIN "Thread" t ON t."id" = $1`;
/**
 * A thread's message batches from a given one on (for `BeginRunReads.storedAsSent`): a begin
 * compares its input with the thread's stored conversation, kept between runs
 * (stored-conversations.ts), so it reads only the batches from the last one it read of the thread.
 */
const BATCHES_FROM =
  'SELECT "seq", "data" FROM "MessageBatch" WHERE "threadId" = $1 AND "seq" >= $2 ORDER BY "seq"';
const LAST_SEQ = lastSeqSql('"Event"');
const LAST_MESSAGE_BATCH = 'SELECT MAX("seq") AS "lastBatch" FROM "MessageBatch" WHERE "threadId" = $1';
/** A thread's row by id (read back after a begin that created it; postgres-run-reads.ts). */
export const THREAD = `SELECT ${THREAD_COLUMNS} FROM "Thread" t WHERE t."id" = $1`;

type BeginReads = Partial<ThreadRow> & { runExists: boolean; lastBatch: number | null };

/**
 * A run's begin and end on PostgreSQL through the pg driver, each one transaction on one pooled
 * connection in two round trips (a begin in three when its message batches must be read whole):
 * `BEGIN` with the reads the plan needs (run-write-plan.ts), then every write, multi-row, and
 * `COMMIT`, pipelined (the pool's clients run in pipeline mode). A
 * Prisma interactive transaction took a round trip per statement, holding a connection of the
 * shared pool all along (docs/benchmarks-history.md).
 */
export function createPostgresRunWrites(
  pool: Pool,
  conversations: StoredConversations = createStoredConversations(),
): Pick<ThreadStore, 'beginRun' | 'finishRun'> & Pick<StoredConversations, 'forget'> {
  /**
   * The thread's stored forms, brought up to its last batch from the batches read from `from` (in
   * the begin's first round trip); all of them read again, in a third, when those do not continue
   * what this instance kept.
   */
  const storedConversation = async (
    client: PoolClient,
    thread: Pick<ThreadRecord, 'id' | 'createdAt'>,
    from: number,
    lastBatch: number,
    batches: QueryResult | undefined,
  ): Promise<StoredConversation> => {
    const apply = (first: number, rows: MessageBatchText[]) =>
      conversations.apply(thread.id, thread.createdAt, first, lastBatch, rows);
    const stored =
      apply(from, (batches?.rows ?? []) as MessageBatchText[]) ??
      apply(0, (await client.query<MessageBatchText>(BATCHES_FROM, [thread.id, 0])).rows);
    if (!stored) throw new Error("The thread's messages changed while they were read");
    return stored;
  };
  // Unlike SQLite's group commit, a begin here reads only what other transactions committed.
  return {
    forget: conversations.forget,
    beginRun: (input) => {
      const compares = input.messages.length > 0;
      const from = compares ? conversations.from(input.threadId) : 0;
      return transaction(
        pool,
        [
          { text: BEGIN_READS, values: [input.threadId, input.runId] },
          ...(compares ? [{ text: BATCHES_FROM, values: [input.threadId, from] }] : []),
        ],
        async (client, [reads, batches]) => {
          const row = reads!.rows[0] as BeginReads;
          const existing = row.id === null || row.id === undefined ? null : (row as ThreadRow);
          const stored =
            existing && compares
              ? await storedConversation(client, existing, from, row.lastBatch ?? 0, batches)
              : undefined;
          const writes = planBeginRun(input, {
            runExists: row.runExists,
            threadExists: existing !== null,
            // The batches' read may see one committed after the row's (read committed).
            lastMessageBatch: stored?.lastBatch ?? row.lastBatch ?? 0,
            storedAsSent: stored ? storedAsSentIn(stored.byId) : NOTHING_STORED,
          });
          // A new thread is read back before COMMIT, in the same pipeline as its writes.
          const queries = existing
            ? toQueries(writes)
            : [...toQueries(writes), { text: THREAD, values: [input.threadId] }];
          const results = await commit(client, queries);
          const thread = existing ?? (results.at(-1)?.rows[0] as ThreadRow | undefined);
          if (!thread) throw new Error('The thread row vanished inside its own transaction');
          return { thread: toThreadRecord(thread) };
        },
      ).catch((error: unknown) => {
        // Two begins of one runId at once: the read saw neither, the primary key refuses the second.
        if (isUniqueViolation(error, 'Run_pkey')) {
          throw new InvalidInputError(`runId ${input.runId} was already used; every run needs a new runId`);
        }
        throw error;
      });
    },

    finishRun: async (input) => {
      const events = input.events && input.events.length > 0 ? input.events : null;
      return transaction(
        pool,
        [
          { text: LAST_MESSAGE_BATCH, values: [input.threadId] },
          ...(events ? [appendQuery(input.threadId, events)] : []),
        ],
        async (client, [reads, appended]) => {
          const refused = appended?.rows[0] as RefusedAppend | undefined;
          if (refused) throw new EventSequenceError(input.threadId, refused.lastSeq + 1, events![0]!.seq);
          const lastBatch = (reads!.rows[0] as { lastBatch: number | null }).lastBatch ?? 0;
          await commit(client, toQueries(planFinishRun(input, lastBatch)));
        },
      ).catch(async (error: unknown) => {
        // Another writer committed the same `seq` while ours ran (both checks passed): refused
        // as the event log refuses it, with the thread's last seq as it is now.
        if (events && isUniqueViolation(error, 'Event_pkey')) {
          const { rows } = await pool.query<{ lastSeq: number }>(LAST_SEQ, [input.threadId]);
          throw new EventSequenceError(input.threadId, (rows[0]?.lastSeq ?? 0) + 1, events[0]!.seq);
        }
        throw error;
      });
    },
  };
}

/** The log's own append statement (postgres-event-log.ts), for a run's last events alone. */
const APPEND_EVENTS = appendGroupSql('"Event"');

function appendQuery(threadId: string, events: readonly LoggedEvent[]): Query {
  const rows = toBatchRows(threadId, events[0]!.seq, events);
  return { text: APPEND_EVENTS, values: appendGroupValues([{ threadId, rows }]) };
}

/**
 * Runs `BEGIN` and `reads` in one round trip on a connection of its own, then `write`, which ends
 * with `commit`; any failure rolls the whole transaction back.
 */
async function transaction<T>(
  pool: Pool,
  reads: Query[],
  write: (client: PoolClient, results: QueryResult[]) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  try {
    const [, ...results] = await pipeline(client, [{ text: 'BEGIN' }, ...reads]);
    const out = await write(client, results);
    client.release();
    return out;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
      client.release();
    } catch (rollbackError) {
      // The connection is broken: the server rolls back when it closes; the pool discards it.
      client.release(rollbackError instanceof Error ? rollbackError : true);
    }
    throw error;
  }
}

/** Sends `queries` then `COMMIT` in one pipeline; rejects with the first failure. */
async function commit(client: PoolClient, queries: Query[]): Promise<QueryResult[]> {
  // After a failed statement PostgreSQL refuses the rest of the transaction and answers this
  // COMMIT with a rollback; nothing of it is committed. A value the driver refused locally would
  // never reach the server: `toQueries` binds strings, numbers and nulls only, which it sends as is.
  return (await pipeline(client, [...queries, { text: 'COMMIT' }])).slice(0, -1);
}

/** Sends every query at once (pipeline mode) and waits for all; rejects with the first failure. */
async function pipeline(client: PoolClient, queries: Query[]): Promise<QueryResult[]> {
  const settled = await Promise.allSettled(queries.map((q) => client.query(q.text, q.values)));
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<QueryResult>).value);
}

/**
 * The plan's writes as statements: an insert as multi-row statements (as many rows as
 * PostgreSQL's parameter limit allows), `?` placeholders numbered, dates as UTC text.
 */
function toQueries(writes: readonly RunWrite[]): Query[] {
  const queries: Query[] = [];
  for (const write of writes) {
    if (write.kind === 'statement') {
      let n = 0;
      queries.push({
        text: write.sql.replace(/\?/g, () => `$${++n}`),
        values: write.params.map(toPostgresValue),
      });
      continue;
    }
    const head = `INSERT INTO "${write.table}" (${write.columns.map((c) => `"${c}"`).join(', ')}) VALUES `;
    const rowsPerStatement = Math.floor(MAX_PARAMETERS_PER_STATEMENT / write.columns.length);
    for (let start = 0; start < write.rows.length; start += rowsPerStatement) {
      const rows = write.rows.slice(start, start + rowsPerStatement);
      const values: (string | number | null)[] = [];
      const tuples = rows.map((row) => {
        const placeholders = row.map((value) => {
          values.push(toPostgresValue(value));
          return `$${values.length}`;
        });
        return `(${placeholders.join(', ')})`;
      });
      queries.push({ text: `${head}${tuples.join(', ')} ${write.onConflict ?? ''}`, values });
    }
  }
  return queries;
}

/** A `timestamp(3)` column ignores the offset of its input: UTC text stores what Prisma stores. */
function toPostgresValue(value: SqlValue): string | number | null {
  return value instanceof Date ? value.toISOString() : value;
}
