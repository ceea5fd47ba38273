import type { ThreadStore } from '../thread-store.js';
import type { BridgePrismaClient } from './prisma-client.js';
import { toRunRecord, toThreadRecord } from './records.js';

/**
 * The ThreadStore on Prisma: listing, runs, deletion. What every run does (the reads before it,
 * its begin and end) comes from `perRun`, through the driver (SQLite's or pg): a Prisma query
 * costs more CPU to build than the query itself (docs/benchmarks-history.md).
 */
export function createPrismaThreadStore(
  prisma: BridgePrismaClient,
  perRun: Pick<ThreadStore, 'get' | 'messages' | 'beginRun' | 'finishRun'> & {
    /** Drops what the run writes keep of a thread between runs (stored-conversations.ts). */
    forget?(threadId: string): void;
  },
): ThreadStore {
  const { forget, ...threads } = perRun;
  return {
    ...threads,

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
      forget?.(threadId);
      return deleted.count > 0;
    },
  };
}
