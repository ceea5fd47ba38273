import { Mutex } from 'async-mutex';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '@ag-ui/core';
import { createThreadSnapshot } from '../../../src/protocol/thread-snapshot.js';
import { createStoredConversations } from '../../../src/store/sql/stored-conversations.js';
import { fromMessageBatches } from '../../../src/store/message-batches.js';
import { sqliteFilePath } from '../../../src/store/sqlite/open-sqlite-store.js';
import { prepareEventAppend } from '../../../src/store/sqlite/sqlite-event-log.js';
import { createSqliteRunWrites } from '../../../src/store/sqlite/sqlite-run-writes.js';
import {
  createSqliteWriteQueue,
  type SqliteWriteQueue,
} from '../../../src/store/sqlite/sqlite-write-queue.js';
import { createWriteGate } from '../../../src/store/sqlite/write-gate.js';
import { createTestDatabaseUrl } from '../../fixtures/sqlite-database.js';

const at = new Date('2026-11-23T10:00:00.000Z');
const message = (id: string, content: string): Message => ({ id, role: 'user', content });

/**
 * A write queue whose group commit fails: its writes run in one transaction, which is rolled
 * back, and every one of them is rejected (as `createSqliteWriteQueue` does when COMMIT fails).
 */
function failingGroupCommit(db: Database.Database): SqliteWriteQueue & { fail(): void } {
  const group: { write(): unknown; reject(error: unknown): void }[] = [];
  return {
    gate: createWriteGate(),
    enqueue: (_kind, write) => new Promise((_resolve, reject) => group.push({ write, reject })),
    fail() {
      db.exec('BEGIN');
      for (const queued of group) queued.write();
      db.exec('ROLLBACK');
      for (const queued of group.splice(0)) queued.reject(new Error('disk I/O error'));
    },
  };
}

describe('SQLite run writes when a group commit fails', () => {
  const db = new Database(sqliteFilePath(createTestDatabaseUrl()));
  afterAll(() => db.close());

  it('forgets what a begin read of the failed group, so the next begin compares with what is stored', async () => {
    const conversations = createStoredConversations();
    const appender = prepareEventAppend(db);
    const writes = createSqliteWriteQueue(db, new Mutex());
    const stored = createSqliteRunWrites(db, writes, appender.append, conversations);
    const failing = failingGroupCommit(db);
    const failed = createSqliteRunWrites(db, failing, appender.append, conversations);
    const begin = (runs: typeof stored, runId: string, messages: Message[]) =>
      runs.beginRun({
        threadId: 't',
        runId,
        tenantId: 'default',
        agentId: 'agent',
        input: { threadId: 't', runId, messages: [], tools: [], context: [] },
        startedAt: at,
        messages,
      });
    const finish = (runs: typeof stored, runId: string, messages: Message[]) =>
      runs.finishRun({
        threadId: 't',
        runId,
        tenantId: 'default',
        agentId: 'agent',
        status: 'success',
        threadStatus: 'idle',
        outcome: { type: 'success' },
        error: null,
        usage: [],
        finishedAt: at,
        messages,
        snapshot: createThreadSnapshot({}),
        toolCalls: [],
        interrupts: [],
      });

    const one = message('a', 'one');
    await begin(stored, 'r1', [one]);
    await finish(stored, 'r1', []);
    await begin(stored, 'r2', [one]);
    // In one group: a run's end writes `three`, a begin reads it; the group's commit fails.
    const three = message('c', 'three');
    const results = Promise.allSettled([finish(failed, 'r2', [three]), begin(failed, 'r3', [one, three])]);
    failing.fail();
    expect((await results).map((r) => r.status)).toEqual(['rejected', 'rejected']);
    // The end again, with other content; then a begin sending the content that was never stored.
    await finish(stored, 'r2', [message('c', 'three, as stored')]);
    await begin(stored, 'r3', [one, three]);
    const batches = db
      .prepare<[], { data: string }>(
        `SELECT "data" FROM "MessageBatch" WHERE "threadId" = 't' ORDER BY "seq"`,
      )
      .all();
    expect(fromMessageBatches(batches)).toEqual([one, three]);
  });
});
