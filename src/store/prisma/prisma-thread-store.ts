import type { Message } from '@ag-ui/core';
import { InvalidInputError } from '../../protocol/bridge-error.js';
import { createThreadSnapshot } from '../../protocol/thread-snapshot.js';
import type { BeginRunInput, FinishRunInput, ThreadStore } from '../thread-store.js';
import { insertRows, type SqlDialect } from './insert-rows.js';
import type { BridgePrismaClient } from './prisma-client.js';
import { toMessage, toRunRecord, toThreadRecord } from './records.js';

/**
 * A run's end writes everything it produced at once (a long run: thousands of messages), and under
 * load a transaction may wait for a pooled connection: Prisma's 2 s / 5 s defaults are too tight.
 */
const TRANSACTION_OPTIONS = { maxWait: 30_000, timeout: 120_000 };

type Tx = Parameters<Parameters<BridgePrismaClient['$transaction']>[0]>[0];

/** The ThreadStore on Prisma: threads, runs and messages, each run's begin and end one transaction. */
export function createPrismaThreadStore(prisma: BridgePrismaClient, dialect: SqlDialect): ThreadStore {
  return {
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
      const rows = await prisma.message.findMany({ where: { threadId }, orderBy: { seq: 'asc' } });
      return rows.map(toMessage);
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

    beginRun: (input) => prisma.$transaction((tx) => beginRun(tx, dialect, input), TRANSACTION_OPTIONS),

    finishRun: (input) => prisma.$transaction((tx) => finishRun(tx, dialect, input), TRANSACTION_OPTIONS),

    async delete(threadId) {
      const [, , , , , deleted] = await prisma.$transaction([
        prisma.interrupt.deleteMany({ where: { threadId } }),
        prisma.toolCall.deleteMany({ where: { threadId } }),
        prisma.event.deleteMany({ where: { threadId } }),
        prisma.message.deleteMany({ where: { threadId } }),
        prisma.run.deleteMany({ where: { threadId } }),
        prisma.thread.deleteMany({ where: { id: threadId } }),
      ]);
      return deleted.count > 0;
    },
  };
}

async function beginRun(tx: Tx, dialect: SqlDialect, input: BeginRunInput) {
  const { threadId, runId } = input;
  if (await tx.run.findUnique({ where: { threadId_id: { threadId, id: runId } }, select: { id: true } })) {
    throw new InvalidInputError(`runId ${runId} was already used; every run needs a new runId`);
  }
  const existing = await tx.thread.findUnique({ where: { id: threadId } });
  const row =
    existing ??
    (await tx.thread.create({
      data: {
        id: threadId,
        tenantId: input.tenantId,
        agentId: input.agentId,
        snapshot: JSON.stringify(createThreadSnapshot({})),
      },
    }));
  const thread = toThreadRecord(row);
  await tx.thread.update({ where: { id: threadId }, data: { status: 'running' } });
  await tx.run.create({
    data: {
      id: runId,
      threadId,
      agentId: input.agentId,
      status: 'running',
      input: JSON.stringify(input.input),
      startedAt: input.startedAt,
      agentVersion: input.agentVersion ?? null,
    },
  });
  await upsertMessages(tx, dialect, { threadId, runId: null, at: input.startedAt }, input.messages);
  return { thread };
}

async function finishRun(tx: Tx, dialect: SqlDialect, input: FinishRunInput): Promise<void> {
  const owner = { threadId: input.threadId, runId: input.runId, at: input.finishedAt };
  await upsertMessages(tx, dialect, owner, input.messages);
  await recordToolCalls(tx, dialect, input);
  await tx.thread.update({
    where: { id: input.threadId },
    data: { status: input.threadStatus, snapshot: JSON.stringify(input.snapshot) },
  });
  await tx.run.update({
    where: { threadId_id: { threadId: input.threadId, id: input.runId } },
    data: {
      status: input.status,
      outcome: input.outcome ? JSON.stringify(input.outcome) : null,
      errorCode: input.error?.code ?? null,
      errorMessage: input.error?.message ?? null,
      usage: input.usage.length > 0 ? JSON.stringify(input.usage) : null,
      finishedAt: input.finishedAt,
    },
  });
}

/** The run's tool calls and interrupts, recorded with its end (the correlation store's inputs). */
async function recordToolCalls(tx: Tx, dialect: SqlDialect, input: FinishRunInput): Promise<void> {
  const { threadId, runId } = input;
  const at = input.finishedAt;
  // Set-based, a constant number of statements per chunk: a long run can make thousands of calls.
  const known = new Set<string>();
  for (const ids of chunks(input.toolCalls.map((c) => c.toolCallId))) {
    const rows = await tx.toolCall.findMany({ where: { threadId, id: { in: ids } }, select: { id: true } });
    for (const row of rows) known.add(row.id);
  }
  const fresh = input.toolCalls.filter((c) => !known.has(c.toolCallId));
  await insertRows(
    tx,
    dialect,
    'ToolCall',
    ['threadId', 'id', 'runId', 'name', 'kind', 'status', 'createdAt'],
    fresh.map((c) => [threadId, c.toolCallId, runId, c.name, c.kind, c.status, at]),
  );
  for (const status of new Set(input.toolCalls.filter((c) => known.has(c.toolCallId)).map((c) => c.status))) {
    const ids = input.toolCalls
      .filter((c) => known.has(c.toolCallId) && c.status === status)
      .map((c) => c.toolCallId);
    for (const batch of chunks(ids)) {
      await tx.toolCall.updateMany({ where: { threadId, id: { in: batch } }, data: { status } });
    }
  }
  if (input.interrupts.length === 0) return;
  await tx.interrupt.createMany({
    data: input.interrupts.map((i) => ({
      id: i.id,
      threadId,
      runId,
      agentId: input.agentId,
      tenantId: input.tenantId,
      reason: i.reason,
      message: i.message,
      toolCallId: i.toolCallId,
      toolName: i.toolName,
      args: i.args,
      responseSchema: i.responseSchema ? JSON.stringify(i.responseSchema) : null,
      status: 'PENDING',
      createdAt: at,
      expiresAt: i.expiresAt,
    })),
  });
}

/** New ids are appended after the thread's last message; known ids are replaced in place. */
async function upsertMessages(
  tx: Tx,
  dialect: SqlDialect,
  owner: { threadId: string; runId: string | null; at: Date },
  messages: Message[],
): Promise<void> {
  if (messages.length === 0) return;
  const { threadId, runId } = owner;
  const stored: { id: string; data: string }[] = [];
  for (const ids of chunks(messages.map((m) => m.id))) {
    stored.push(
      ...(await tx.message.findMany({
        where: { threadId, id: { in: ids } },
        select: { id: true, data: true },
      })),
    );
  }
  const storedData = new Map(stored.map((m) => [m.id, m.data]));
  const last = await tx.message.aggregate({ where: { threadId }, _max: { seq: true } });
  let seq = last._max.seq ?? 0;
  const fresh = [];
  for (const message of messages) {
    const data = JSON.stringify(message);
    const previous = storedData.get(message.id);
    if (previous === undefined) {
      storedData.set(message.id, data);
      fresh.push({ threadId, seq: ++seq, id: message.id, role: message.role, runId, data });
    } else if (previous !== data) {
      await tx.message.update({ where: { threadId_id: { threadId, id: message.id } }, data: { data } });
    }
  }
  await insertRows(
    tx,
    dialect,
    'Message',
    ['threadId', 'seq', 'id', 'role', 'runId', 'data', 'createdAt'],
    fresh.map((m) => [m.threadId, m.seq, m.id, m.role, m.runId, m.data, owner.at]),
  );
}

/** Splits a list below SQLite's bound-parameter limit (999 on older builds) per statement. */
function chunks<T>(items: T[], size = 300): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
