import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqliteFilePath } from '../../../src/store/sqlite/open-sqlite-store.js';
import { MESSAGE_READS } from '../../../src/store/sqlite/sqlite-run-writes.js';
import { createTestDatabaseUrl } from '../../fixtures/sqlite-database.js';

/**
 * A run's begin compares its input with the thread's conversation: its cost must be linear in the
 * two, never a search of the stored messages that scans them per input message (quadratic in the
 * conversation's length, which AG-UI clients send whole with every run).
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

  it("reads the thread's batches once and searches each input message through an index", () => {
    const steps = plan(MESSAGE_READS.toWrite, 't', '[]');
    expect(steps).toContainEqual(
      expect.stringMatching(
        /^SEARCH b USING (COVERING )?INDEX sqlite_autoindex_MessageBatch_1 \(threadId=\?\)$/,
      ),
    );
    expect(steps).toContainEqual(
      expect.stringMatching(/^SEARCH m USING AUTOMATIC (COVERING )?INDEX \(id=\?\)/),
    );
    // Scanned: the batches' arrays (once) and the input's array; never the stored messages.
    expect(steps.filter((s) => s.startsWith('SCAN'))).toEqual([
      expect.stringMatching(/^SCAN s VIRTUAL TABLE/),
      expect.stringMatching(/^SCAN j VIRTUAL TABLE/),
    ]);
  });
});
