import type { ThreadStore } from '../thread-store.js';
import type { BridgePrismaClient } from './prisma-client.js';
import { fromMessageBatches } from '../message-batches.js';
import { toRunRecord, toThreadRecord } from './records.js';

/**
 * The ThreadStore on Prisma: threads, runs and messages. A run's begin and end, the per-run hot
 * path, come from `runWrites` (through the driver, SQLite's or pg).
 */
export function createPrismaThreadStore(
  prisma: BridgePrismaClient,
  runWrites: Pick<ThreadStore, 'beginRun' | 'finishRun'>,
): ThreadStore {
  return {
    ...runWrites,
    async get(threadId) {
      const row = await prisma.thread.findUnique({ where: { id: threadId } });
      return row ? toThreadRecord(row) : null;
    },

    async list({ tenantId, limit, cursor }) {
      // Newest first; the cursor is the last thread id of the previous page.
      const rows = await prisma.thread.findMany({
        where: { tenantId },
        orderBy: [{ updatedAt: 'desc' }, { id: 'asc' }],
        take: limit + 1,
        ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
      });
      const page = rows.slice(0, limit);
      return {
        threads: page.map(toThreadRecord),
        nextCursor: rows.length > limit ? (page.at(-1)?.id ?? null) : null,
      };
    },

    async messages(threadId) {
      const rows = await prisma.messageBatch.findMany({
        where: { threadId },
        orderBy: { seq: 'asc' },
        select: { data: true },
      });
      return fromMessageBatches(rows);
    },

    async runs(threadId) {
      const rows = await prisma.run.findMany({ where: { threadId }, orderBy: { startedAt: 'asc' } });
      return rows.map(toRunRecord);
    },

    async runningRuns() {
      const rows = await prisma.run.findMany({
        where: { status: 'running' },
        select: { id: true, threadId: true },
      });
      return rows.map((r) => ({ threadId: r.threadId, runId: r.id }));
    },

    async delete(threadId) {
      const [, , , , , deleted] = await prisma.$transaction([
        prisma.interrupt.deleteMany({ where: { threadId } }),
        prisma.toolCall.deleteMany({ where: { threadId } }),
        prisma.event.deleteMany({ where: { threadId } }),
        prisma.messageBatch.deleteMany({ where: { threadId } }),
        prisma.run.deleteMany({ where: { threadId } }),
        prisma.thread.deleteMany({ where: { id: threadId } }),
      ]);
      return deleted.count > 0;
    },
  };
}
