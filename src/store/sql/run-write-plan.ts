import type { Message, RunAgentInput } from '@ag-ui/core';
import { InvalidInputError } from '../../protocol/bridge-error.js';
import { createThreadSnapshot } from '../../protocol/thread-snapshot.js';
import type { BeginRunInput, FinishRunInput } from '../thread-store.js';

/** A value bound to a statement; each driver converts dates its own way. */
export type SqlValue = string | number | null | Date;

/** One write of a run's begin or end, in the order it must happen. */
export type RunWrite =
  | {
      kind: 'insert';
      table: string;
      columns: readonly string[];
      rows: SqlValue[][];
      /** An `ON CONFLICT …` clause (SQLite and PostgreSQL share the syntax). */
      onConflict?: string;
    }
  | { kind: 'statement'; sql: string; params: SqlValue[] };

/** What `planBeginRun` must know, read inside the same transaction. */
export interface BeginRunReads {
  runExists: boolean;
  threadExists: boolean;
  /** The `seq` of the thread's last message batch (0 when it has none). */
  lastMessageBatch: number;
  /**
   * Whether one of the input's messages is stored as sent: its id's last stored content is the
   * same JSON value. AG-UI clients send the whole conversation with every run, and only the new or
   * changed messages are written. Both stores compare with the conversation they keep between a
   * thread's runs (stored-conversations.ts).
   */
  storedAsSent(message: Message): boolean;
}

/** `BeginRunReads.storedAsSent` of a thread with no messages yet. */
export const NOTHING_STORED = (): boolean => false;

/**
 * The writes of a run's start, as data: the SQLite store executes them through the driver in one
 * synchronous transaction, the PostgreSQL store as pipelined multi-row statements through the pg
 * driver. Both stores share this one description of what a run's start writes.
 */
export function planBeginRun(input: BeginRunInput, reads: BeginRunReads): RunWrite[] {
  const { threadId, runId, startedAt } = input;
  if (reads.runExists) {
    throw new InvalidInputError(`runId ${runId} was already used; every run needs a new runId`);
  }
  const thread: RunWrite = reads.threadExists
    ? statement('UPDATE "Thread" SET "status" = ?, "updatedAt" = ? WHERE "id" = ?', [
        'running',
        startedAt,
        threadId,
      ])
    : {
        kind: 'insert',
        table: 'Thread',
        columns: ['id', 'tenantId', 'agentId', 'status', 'snapshot', 'createdAt', 'updatedAt'],
        rows: [
          [
            threadId,
            input.tenantId,
            input.agentId,
            'running',
            JSON.stringify(createThreadSnapshot({})),
            startedAt,
            startedAt,
          ],
        ],
      };
  const run: RunWrite = {
    kind: 'insert',
    table: 'Run',
    columns: ['id', 'threadId', 'agentId', 'agentVersion', 'status', 'input', 'startedAt'],
    rows: [
      [
        runId,
        threadId,
        input.agentId,
        input.agentVersion ?? null,
        'running',
        JSON.stringify(inputWithoutMessages(input.input)),
        startedAt,
      ],
    ],
  };
  return [thread, run, ...mergeInputMessages(input, reads)];
}

/**
 * The input's messages merged into the thread's conversation: the new and the changed ones are
 * appended as one batch (readers keep a known id's first place and take its last content), an
 * unchanged one is not written at all. AG-UI clients send the whole conversation with every run:
 * writing all of it each time made a thread's run N write N runs' worth of messages.
 */
function mergeInputMessages(input: BeginRunInput, reads: BeginRunReads): RunWrite[] {
  const written = input.messages.filter((message) => !reads.storedAsSent(message));
  const owner = { threadId: input.threadId, runId: null, at: input.startedAt };
  return appendMessages(owner, written, reads.lastMessageBatch);
}

/**
 * The input as the run's row keeps it: without its messages, which are merged into the thread's
 * conversation (its message batches). With them, run N of a thread stored the N runs before it
 * again.
 */
function inputWithoutMessages(input: RunAgentInput): Omit<RunAgentInput, 'messages'> {
  const { messages: _messages, ...rest } = input;
  return rest;
}

/** The writes of a run's end: its messages, tool calls, interrupts, the thread's snapshot, the run row. */
export function planFinishRun(input: FinishRunInput, lastMessageBatch: number): RunWrite[] {
  const { threadId, runId, finishedAt: at } = input;
  const writes = appendMessages({ threadId, runId, at }, input.messages, lastMessageBatch);
  if (input.toolCalls.length > 0) {
    writes.push({
      kind: 'insert',
      table: 'ToolCall',
      columns: ['threadId', 'id', 'runId', 'name', 'kind', 'status', 'createdAt'],
      rows: lastById(input.toolCalls, (c) => c.toolCallId).map((c) => [
        threadId,
        c.toolCallId,
        runId,
        c.name,
        c.kind,
        c.status,
        at,
      ]),
      // A call seen again (a continuation re-reports it) keeps its first run and time.
      onConflict: 'ON CONFLICT ("threadId", "id") DO UPDATE SET "status" = excluded."status"',
    });
  }
  if (input.interrupts.length > 0) {
    writes.push({
      kind: 'insert',
      table: 'Interrupt',
      columns: [
        'id',
        'threadId',
        'runId',
        'agentId',
        'tenantId',
        'reason',
        'message',
        'toolCallId',
        'toolName',
        'args',
        'responseSchema',
        'status',
        'createdAt',
        'expiresAt',
      ],
      rows: input.interrupts.map((i) => [
        i.id,
        threadId,
        runId,
        input.agentId,
        input.tenantId,
        i.reason,
        i.message,
        i.toolCallId,
        i.toolName,
        i.args,
        i.responseSchema ? JSON.stringify(i.responseSchema) : null,
        'PENDING',
        at,
        i.expiresAt,
      ]),
    });
  }
  writes.push(
    statement('UPDATE "Thread" SET "status" = ?, "snapshot" = ?, "updatedAt" = ? WHERE "id" = ?', [
      input.threadStatus,
      JSON.stringify(input.snapshot),
      at,
      threadId,
    ]),
    statement(
      'UPDATE "Run" SET "status" = ?, "outcome" = ?, "errorCode" = ?, "errorMessage" = ?, "usage" = ?, ' +
        '"finishedAt" = ? WHERE "threadId" = ? AND "id" = ?',
      [
        input.status,
        input.outcome ? JSON.stringify(input.outcome) : null,
        input.error?.code ?? null,
        input.error?.message ?? null,
        input.usage.length > 0 ? JSON.stringify(input.usage) : null,
        at,
        threadId,
        runId,
      ],
    ),
  );
  return writes;
}

/**
 * One batch row after the thread's last one (message-batches.ts): a known id among them is stored
 * again rather than updated, and keeps its place in the conversation. One row per run's end: a
 * row per message cost three B-tree inserts each (docs/benchmarks-history.md, step 25).
 */
function appendMessages(
  owner: { threadId: string; runId: string | null; at: Date },
  messages: Message[],
  lastBatch: number,
): RunWrite[] {
  if (messages.length === 0) return [];
  return [
    {
      kind: 'insert',
      table: 'MessageBatch',
      columns: ['threadId', 'seq', 'runId', 'data', 'createdAt'],
      rows: [[owner.threadId, lastBatch + 1, owner.runId, JSON.stringify(messages), owner.at]],
    },
  ];
}

/** One entry per id, the last one winning: PostgreSQL refuses a statement that upserts a key twice. */
function lastById<T>(items: readonly T[], id: (item: T) => string): T[] {
  const byId = new Map<string, T>();
  for (const item of items) {
    const key = id(item);
    byId.delete(key);
    byId.set(key, item);
  }
  return byId.size === items.length ? [...items] : [...byId.values()];
}

function statement(sql: string, params: SqlValue[]): RunWrite {
  return { kind: 'statement', sql, params };
}
