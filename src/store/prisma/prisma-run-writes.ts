import { planBeginRun, planFinishRun, type RunWrite } from '../sql/run-write-plan.js';
import type { ThreadStore } from '../thread-store.js';
import { insertRows, type SqlDialect } from './insert-rows.js';
import type { BridgePrismaClient } from './prisma-client.js';
import { toThreadRecord } from './records.js';

/**
 * A run's end writes everything it produced at once (a long run: thousands of messages), and under
 * load a transaction may wait for a pooled connection: Prisma's 2 s / 5 s defaults are too tight.
 */
const TRANSACTION_OPTIONS = { maxWait: 30_000, timeout: 120_000 };

type Tx = Parameters<Parameters<BridgePrismaClient['$transaction']>[0]>[0];

/** A run's begin and end as one Prisma transaction each, written with multi-row raw statements. */
export function createPrismaRunWrites(
  prisma: BridgePrismaClient,
  dialect: SqlDialect,
): Pick<ThreadStore, 'beginRun' | 'finishRun'> {
  return {
    beginRun: (input) =>
      prisma.$transaction(async (tx) => {
        const { threadId, runId } = input;
        const run = await tx.run.findUnique({
          where: { threadId_id: { threadId, id: runId } },
          select: { id: true },
        });
        const existing = await tx.thread.findUnique({ where: { id: threadId } });
        const writes = planBeginRun(input, {
          runExists: run !== null,
          threadExists: existing !== null,
          lastMessageSeq: await lastMessageSeq(tx, threadId),
        });
        await execute(tx, dialect, writes);
        const row = existing ?? (await tx.thread.findUniqueOrThrow({ where: { id: threadId } }));
        return { thread: toThreadRecord(row) };
      }, TRANSACTION_OPTIONS),

    finishRun: (input) =>
      prisma.$transaction(async (tx) => {
        await execute(tx, dialect, planFinishRun(input, await lastMessageSeq(tx, input.threadId)));
      }, TRANSACTION_OPTIONS),
  };
}

async function lastMessageSeq(tx: Tx, threadId: string): Promise<number> {
  const last = await tx.message.aggregate({ where: { threadId }, _max: { seq: true } });
  return last._max.seq ?? 0;
}

async function execute(tx: Tx, dialect: SqlDialect, writes: RunWrite[]): Promise<void> {
  for (const write of writes) {
    if (write.kind === 'insert') {
      await insertRows(tx, dialect, write.table, write.columns, write.rows, write.onConflict);
    } else {
      let n = 0;
      const sql = dialect === 'postgres' ? write.sql.replace(/\?/g, () => `$${++n}`) : write.sql;
      await tx.$executeRawUnsafe(sql, ...write.params);
    }
  }
}
