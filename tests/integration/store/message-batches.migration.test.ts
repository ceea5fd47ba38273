import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { fromMessageBatches } from '../../../src/store/message-batches.js';
import { POSTGRES_URL } from '../../fixtures/postgres-database.js';

/** The migration that turned a row per message into batches (message-batches.ts). */
const BATCHES = 'message_batches';

/** A provider's migrations in order, split at `BATCHES`: those before it, and it. */
function migrations(provider: 'sqlite' | 'postgres'): { before: string[]; batches: string } {
  const dir = path.join('prisma', provider, 'migrations');
  const names = readdirSync(dir)
    .filter((name) => /^\d/.test(name))
    .sort();
  const at = names.findIndex((name) => name.endsWith(`_${BATCHES}`));
  const sql = (name: string) => readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
  return { before: names.slice(0, at).map(sql), batches: sql(names[at]!) };
}

const THREAD =
  'INSERT INTO "Thread" ("id", "tenantId", "agentId", "status", "snapshot", "createdAt", "updatedAt") ' +
  "VALUES ('t', 'default', 'a', 'idle', '{}', '2026-11-22T10:00:00.000Z', '2026-11-22T10:00:00.000Z')";
/** Messages as the earlier schema stored them: a row each, in `seq` order, with gaps. */
const STORED = [
  { seq: 1, runId: null, message: { id: 'a', role: 'user', content: 'one' } },
  { seq: 2, runId: 'r1', message: { id: 'b', role: 'assistant', content: 'two \u00e9 "q"\n' } },
  { seq: 5, runId: 'r1', message: { id: 'c', role: 'tool', toolCallId: 'x', content: '3' } },
];
const MESSAGE =
  'INSERT INTO "Message" ("threadId", "seq", "id", "role", "runId", "data", "createdAt") VALUES ';

describe('the migration to message batches', () => {
  it('carries every stored message over, in order, on SQLite', () => {
    const db = new Database(path.join(mkdtempSync(path.join(tmpdir(), 'migrate-')), 'old.db'));
    const { before, batches } = migrations('sqlite');
    for (const sql of before) db.exec(sql);
    db.exec(THREAD);
    const insert = db.prepare(`${MESSAGE}('t', ?, ?, ?, ?, ?, '2026-11-22T10:00:00.000Z')`);
    for (const row of STORED) {
      insert.run(row.seq, row.message.id, row.message.role, row.runId, JSON.stringify(row.message));
    }
    db.exec(batches);
    const rows = db
      .prepare<[], { seq: number; runId: string | null; data: string }>(
        'SELECT "seq", "runId", "data" FROM "MessageBatch" WHERE "threadId" = \'t\' ORDER BY "seq"',
      )
      .all();
    expect(rows.map((r) => [Number(r.seq), r.runId])).toEqual(STORED.map((r) => [r.seq, r.runId]));
    expect(fromMessageBatches(rows)).toEqual(STORED.map((r) => r.message));
    db.close();
  });

  it('carries every stored message over, in order, on PostgreSQL', async () => {
    const name = `bridge_m_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${name}`;
    const client = new pg.Client({ connectionString: url.toString() });
    try {
      await client.connect();
      const { before, batches } = migrations('postgres');
      for (const sql of before) await client.query(sql);
      await client.query(THREAD);
      for (const row of STORED) {
        await client.query(`${MESSAGE}('t', $1, $2, $3, $4, $5, '2026-11-22T10:00:00.000Z')`, [
          row.seq,
          row.message.id,
          row.message.role,
          row.runId,
          JSON.stringify(row.message),
        ]);
      }
      await client.query(batches);
      const { rows } = await client.query<{ seq: number; runId: string | null; data: string }>(
        'SELECT "seq", "runId", "data" FROM "MessageBatch" WHERE "threadId" = \'t\' ORDER BY "seq"',
      );
      expect(rows.map((r) => [r.seq, r.runId])).toEqual(STORED.map((r) => [r.seq, r.runId]));
      expect(fromMessageBatches(rows)).toEqual(STORED.map((r) => r.message));
    } finally {
      await client.end();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    }
  });
});
