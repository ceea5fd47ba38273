import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqliteFilePath } from '../../../src/store/sqlite/open-sqlite-store.js';
import { AGENT_REVISION } from '../../../src/store/sqlite/sqlite-reads.js';
import { createTestDatabaseUrl } from '../../fixtures/sqlite-database.js';

/**
 * Every run's start reads the agents' revision: it must read a row per agent, never the versions
 * ever written, which grow with every change made through the admin API for as long as the
 * database lives.
 */
describe('SQLite agents revision query plan', () => {
  const db = new Database(sqliteFilePath(createTestDatabaseUrl()), { readonly: true });

  it('reads the agents, not their versions', () => {
    const steps = db
      .prepare<[], { detail: string }>(`EXPLAIN QUERY PLAN ${AGENT_REVISION}`)
      .all()
      .map((row) => row.detail);
    expect(steps).toEqual([expect.stringMatching(/^SCAN AgentDefinition\b/)]);
  });
});
