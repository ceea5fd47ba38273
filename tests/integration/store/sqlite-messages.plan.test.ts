import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqliteFilePath } from '../../../src/store/sqlite/open-sqlite-store.js';
import { MESSAGE_READS } from '../../../src/store/sqlite/sqlite-run-writes.js';
import { createTestDatabaseUrl } from '../../fixtures/sqlite-database.js';

/**
 * A run's begin compares its input with the thread's conversation, kept between runs: it reads
 * only the batches written since, by seeks, whatever the thread's length.
 */
describe('SQLite message query plans', () => {
  const db = new Database(sqliteFilePath(createTestDatabaseUrl()), { readonly: true });
  const plan = (sql: string, ...params: unknown[]): string[] =>
    db
      .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
      .all(...params)
      .map((row) => row.detail);

  it("finds a thread's last message batch by a primary-key seek", () => {
    expect(plan(MESSAGE_READS.lastBatch, 't')).toEqual([
      expect.stringMatching(
        /^SEARCH MessageBatch USING (COVERING )?INDEX sqlite_autoindex_MessageBatch_1 \(threadId=\?\)$/,
      ),
    ]);
  });

  it("reads a thread's batches from a given one by a primary-key range, never scanning them", () => {
    expect(plan(MESSAGE_READS.batchesFrom, 't', 3)).toEqual([
      expect.stringMatching(
        /^SEARCH MessageBatch USING INDEX sqlite_autoindex_MessageBatch_1 \(threadId=\? AND seq>\?\)$/,
      ),
    ]);
  });
});
