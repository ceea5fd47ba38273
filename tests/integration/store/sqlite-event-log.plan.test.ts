import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqliteFilePath } from '../../../src/store/sqlite/open-sqlite-store.js';
import { EVENT_LOG_READS } from '../../../src/store/sqlite/sqlite-event-log.js';
import { createTestDatabaseUrl } from '../../fixtures/sqlite-database.js';

/**
 * The log's per-append and per-read lookups must cost the same on a thread of any length: each is
 * a primary-key seek, never a scan or a sort of the thread's rows (a cost per event growing with
 * history, which a timed test would only catch late and flakily).
 */
describe('SQLite event log query plans', () => {
  const db = new Database(sqliteFilePath(createTestDatabaseUrl()), { readonly: true });
  const plan = (sql: string, params: unknown): string[] =>
    db
      .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${sql}`)
      .all(params)
      .map((row) => row.detail);

  it('finds a thread last sequence number by a primary-key seek, without sorting', () => {
    const steps = plan(EVENT_LOG_READS.lastSeq, 't');
    expect(steps).toEqual([
      expect.stringMatching(
        /^SEARCH Event USING (COVERING )?INDEX sqlite_autoindex_Event_1 \(threadId=\?\)$/,
      ),
    ]);
  });

  it('reads after a sequence number by primary-key seeks, without sorting', () => {
    const steps = plan(EVENT_LOG_READS.rowsAfter, { threadId: 't', next: 1 });
    expect(steps.filter((s) => /SCAN|TEMP B-TREE/.test(s))).toEqual([]);
    expect(steps.filter((s) => s.startsWith('SEARCH'))).toEqual([
      expect.stringContaining('sqlite_autoindex_Event_1 (threadId=? AND seq>?)'),
      expect.stringContaining('sqlite_autoindex_Event_1 (threadId=? AND seq<?)'),
    ]);
  });
});
