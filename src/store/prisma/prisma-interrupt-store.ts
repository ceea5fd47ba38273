import { ConflictError } from '../../protocol/bridge-error.js';
import type { InterruptRecord, InterruptStatus, InterruptStore } from '../interrupt-store.js';
import type { BridgePrismaClient } from './prisma-client.js';

type InterruptRow = Awaited<ReturnType<BridgePrismaClient['interrupt']['findUniqueOrThrow']>>;

function toRecord(row: InterruptRow): InterruptRecord {
  return {
    ...row,
    status: row.status as InterruptStatus,
    responseSchema: row.responseSchema ? (JSON.parse(row.responseSchema) as Record<string, unknown>) : null,
    payload: row.payload ? (JSON.parse(row.payload) as unknown) : null,
  };
}

/** The correlation store on Prisma: every transition is an `updateMany` guarded by the expected status. */
export function createPrismaInterruptStore(prisma: BridgePrismaClient): InterruptStore {
  return {
    async get(id) {
      const row = await prisma.interrupt.findUnique({ where: { id } });
      return row ? toRecord(row) : null;
    },
    async list({ tenantId, status, threadId, limit }) {
      const rows = await prisma.interrupt.findMany({
        where: { tenantId, ...(status ? { status } : {}), ...(threadId ? { threadId } : {}) },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take: limit,
      });
      return rows.map(toRecord);
    },
    async forRun(threadId, runId) {
      const rows = await prisma.interrupt.findMany({
        where: { threadId, runId },
        orderBy: { createdAt: 'asc' },
      });
      return rows.map(toRecord);
    },
    resolve: (resolutions) =>
      prisma.$transaction(async (tx) => {
        for (const r of resolutions) {
          const { count } = await tx.interrupt.updateMany({
            where: { id: r.id, status: 'PENDING' },
            data: {
              status: r.status,
              payload: r.payload === undefined ? null : JSON.stringify(r.payload),
              resolvedBy: r.resolvedBy,
              resolvedVia: r.resolvedVia,
              resolvedAt: r.at,
            },
          });
          // Someone else answered first: the whole batch is refused and rolled back.
          if (count === 0)
            throw new ConflictError('INTERRUPT_NOT_PENDING', `Interrupt ${r.id} is no longer pending`);
        }
      }),
    async claimExecution(id, at) {
      const { count } = await prisma.interrupt.updateMany({
        where: { id, status: 'APPROVED' },
        data: { status: 'EXECUTED', executedAt: at },
      });
      return count === 1;
    },
    async saveResult(id, result) {
      await prisma.interrupt.update({ where: { id }, data: { result } });
    },
    async expireDue(now) {
      const { count } = await prisma.interrupt.updateMany({
        where: { status: 'PENDING', expiresAt: { lt: now } },
        data: { status: 'EXPIRED', resolvedVia: 'sweeper', resolvedBy: 'sweeper', resolvedAt: now },
      });
      return count;
    },
    async pendingStats() {
      const stats = await prisma.interrupt.aggregate({
        where: { status: 'PENDING' },
        _count: { _all: true },
        _min: { createdAt: true },
      });
      return { count: stats._count._all, oldestCreatedAt: stats._min.createdAt };
    },
    async issuedToolCalls(threadId, toolCallIds) {
      const found: string[] = [];
      // Chunked below SQLite's bound-parameter limit.
      for (let i = 0; i < toolCallIds.length; i += 300) {
        const rows = await prisma.toolCall.findMany({
          where: { threadId, id: { in: toolCallIds.slice(i, i + 300) } },
          select: { id: true },
        });
        found.push(...rows.map((r) => r.id));
      }
      return found;
    },
    async answerToolCalls(threadId, toolCallIds, at) {
      if (toolCallIds.length === 0) return;
      await prisma.toolCall.updateMany({
        where: { threadId, id: { in: toolCallIds }, status: 'PENDING' },
        data: { status: 'ANSWERED', answeredAt: at },
      });
    },
    async audit(entry) {
      await prisma.auditEntry.create({ data: entry });
    },
    async auditTrail({ tenantId, limit }) {
      const rows = await prisma.auditEntry.findMany({
        where: { tenantId },
        orderBy: { id: 'desc' },
        take: limit,
      });
      return rows.map(({ id: _id, ...entry }) => entry);
    },
  };
}
