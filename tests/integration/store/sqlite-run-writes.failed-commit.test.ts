import { Mutex } from 'async-mutex';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { Message } from '@ag-ui/core';
import { createStoredConversations } from '../../../src/store/sql/stored-conversations.js';
import { fromMessageBatches } from '../../../src/store/message-batches.js';
import { sqliteFilePath } from '../../../src/store/sqlite/open-sqlite-store.js';
import { prepareEventAppend } from '../../../src/store/sqlite/sqlite-event-log.js';
import { createSqliteRunWrites } from '../../../src/store/sqlite/sqlite-run-writes.js';
import { createSqliteWriteQueue } from '../../../src/store/sqlite/sqlite-write-queue.js';
import { beginRunInput, finishRunInput } from '../../fixtures/run-records.js';
import { createTestDatabaseUrl } from '../../fixtures/sqlite-database.js';

const message = (id: string, content: string): Message => ({ id, role: 'user', content });

/**
 * A write that makes its group's COMMIT fail: a row breaking a foreign key, its check deferred to
 * the commit (the connection enforces foreign keys). The queue then rolls the group back and
 * rejects every write of it, as after a full disk.
 */
function breakingCommit(db: Database.Database): void {
  db.pragma('defer_foreign_keys = ON');
  db.prepare(
    `INSERT INTO "MessageBatch" ("threadId", "seq", "data", "createdAt") VALUES ('nobody', 1, '[]', '')`,
  ).run();
}

describe('SQLite run writes when a group commit fails', () => {
  const db = new Database(sqliteFilePath(createTestDatabaseUrl()));
  db.pragma('foreign_keys = ON');
  afterAll(() => db.close());

  it('forgets what a begin read in a group whose commit failed: the next begin compares with what is stored', async () => {
    const conversations = createStoredConversations();
    // No time budget for run writes: the test needs all of them in one group.
    const writes = createSqliteWriteQueue(db, new Mutex(), undefined, Number.POSITIVE_INFINITY);
    const runs = createSqliteRunWrites(db, writes, prepareEventAppend(db).append, conversations);
    const begin = (runId: string, messages: Message[]) =>
      runs.beginRun(beginRunInput('t', runId, { messages }));
    const finish = (runId: string, messages: Message[]) =>
      runs.finishRun(finishRunInput('t', runId, { messages }));

    const one = message('a', 'one');
    await begin('r1', [one]);
    await finish('r1', []);
    await begin('r2', [one]);
    // In one group: two run ends write `three` and `four`, a begin reads both, the commit fails.
    const three = message('c', 'three');
    const four = message('d', 'four');
    const results = await Promise.allSettled([
      finish('r2', [three]),
      finish('r3', [four]),
      begin('r4', [one, three, four]),
      writes.enqueue('run', () => breakingCommit(db)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'rejected']);
    // The ends again, the first with other content, the last the same (its batch the same text);
    // then a begin sending the content that was never stored.
    await finish('r2', [message('c', 'three, as stored')]);
    await finish('r3', [four]);
    await begin('r4', [one, three, four]);
    const batches = db
      .prepare<[], { data: string }>(
        `SELECT "data" FROM "MessageBatch" WHERE "threadId" = 't' ORDER BY "seq"`,
      )
      .all();
    expect(fromMessageBatches(batches)).toEqual([one, three, four]);
  });
});
