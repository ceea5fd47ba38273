import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EventSequenceError } from '../../../src/store/event-batches.js';
import type { EventLog, LoggedEvent } from '../../../src/store/event-log.js';
import {
  MAX_GROUP_CHARS,
  MAX_STATEMENTS_IN_FLIGHT,
} from '../../../src/store/postgres/postgres-append-queue.js';
import { createPostgresEventLog } from '../../../src/store/postgres/postgres-event-log.js';
import { createPostgresTestDatabase, type PostgresTestDatabase } from '../../fixtures/postgres-database.js';

const events = (threadId: string, from: number, to = from): LoggedEvent[] =>
  Array.from({ length: to - from + 1 }, (_, i) => ({
    seq: from + i,
    runId: `${threadId}-r`,
    type: 'CUSTOM',
    json: `{"seq":${from + i}}`,
  }));
const seqs = (log: EventLog, threadId: string) =>
  log.read(threadId, 0, 1000).then((read) => read.map((e) => e.seq));

/** The log's INSERT statements on `pool`, as they are sent and as they end. */
function watchInserts(pool: pg.Pool): { sent: number; inFlight: number; mostInFlight: number } {
  const seen = { sent: 0, inFlight: 0, mostInFlight: 0 };
  const query = pool.query.bind(pool) as (text: string, values?: unknown[]) => Promise<unknown>;
  const watched = (text: string, values?: unknown[]) => {
    if (!text.includes('INSERT INTO')) return query(text, values);
    seen.sent++;
    seen.mostInFlight = Math.max(seen.mostInFlight, ++seen.inFlight);
    return query(text, values).finally(() => seen.inFlight--);
  };
  Object.assign(pool, { query: watched });
  return seen;
}

/**
 * The PostgreSQL event log's group commit across threads (postgres-append-queue.ts), on a real
 * server: what goes in one statement, and what fails alone.
 */
describe('PostgreSQL event log: appends of many threads in one statement', () => {
  let database: PostgresTestDatabase;
  let admin: pg.Pool;
  let pool: pg.Pool;
  let log: EventLog;
  let inserts: ReturnType<typeof watchInserts>;
  const threads = async (...ids: string[]) => {
    await admin.query(
      `INSERT INTO "Thread" ("id", "agentId", "snapshot", "updatedAt") SELECT unnest($1::text[]), 'agent', '{}', now()`,
      [ids],
    );
  };
  /** Resolves once `n` statements of the database wait for a lock (another writer's open transaction). */
  const blocked = (n: number) =>
    vi.waitFor(
      async () => {
        const { rows } = await admin.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        expect(rows[0]?.n).toBe(n);
      },
      { timeout: 20_000, interval: 20 },
    );
  /** Other writers' transactions still open (a failed test leaves them to `afterEach`). */
  const open = new Set<pg.PoolClient>();
  /** Another writer's transaction holding the row `seq` of the thread, uncommitted. */
  const otherWriter = async (threadId: string, seq: number) => {
    const client = await admin.connect();
    open.add(client);
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO "Event" ("threadId", "seq", "lastSeq", "runId", "type", "data") VALUES ($1, $2, $2, 'other', 'CUSTOM', '{}')`,
      [threadId, seq],
    );
    return {
      end: async (how: 'COMMIT' | 'ROLLBACK') => {
        open.delete(client);
        await client.query(how);
        client.release();
      },
    };
  };

  beforeAll(async () => {
    database = await createPostgresTestDatabase();
    admin = new pg.Pool({ connectionString: database.url, max: 4 });
    // Dropping the database (WITH FORCE) can reach a connection still closing: as in the store,
    // a pool's idle client losing its server connection is not an error of the test.
    admin.on('error', () => undefined);
  }, 120_000);
  afterAll(async () => {
    await admin.end();
    await database.drop();
  });
  beforeEach(() => {
    pool = new pg.Pool({ connectionString: database.url, max: 10 });
    pool.on('error', () => undefined);
    inserts = watchInserts(pool);
    log = createPostgresEventLog(pool, 'public');
  });
  afterEach(async () => {
    for (const client of open) {
      await client.query('ROLLBACK');
      client.release();
    }
    open.clear();
    await pool.end();
  });

  it('writes the appends of 50 threads made in one turn with one statement', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `one-${i}`);
    await threads(...ids);
    await Promise.all(ids.map((id, i) => log.append(id, events(id, 1, 1 + (i % 3)))));
    expect(inserts.sent).toBe(1);
    for (const [i, id] of ids.entries()) {
      expect(await seqs(log, id)).toEqual(events(id, 1, 1 + (i % 3)).map((e) => e.seq));
    }
  });

  it('leaves the appends past the size of a statement for the next one', async () => {
    await threads('big-1', 'big-2', 'big-3');
    const big = (id: string) => [
      { seq: 1, runId: `${id}-r`, type: 'CUSTOM', json: 'x'.repeat(MAX_GROUP_CHARS / 2) },
    ];
    await Promise.all(['big-1', 'big-2', 'big-3'].map((id) => log.append(id, big(id))));
    expect(inserts.sent).toBe(2);
    for (const id of ['big-1', 'big-2', 'big-3']) expect(await log.lastSeq(id)).toBe(1);
  });

  it('refuses the append that does not continue its thread, alone, in the same statement', async () => {
    await threads('ref-1', 'ref-2', 'ref-3');
    await log.append('ref-1', events('ref-1', 1, 2));
    inserts.sent = 0;
    const results = await Promise.allSettled([
      log.append('ref-1', events('ref-1', 5)),
      log.append('ref-2', events('ref-2', 1, 3)),
      log.append('ref-3', events('ref-3', 2)),
      log.append('ref-1', events('ref-1', 2)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'fulfilled', 'rejected', 'rejected']);
    const [bad, , late, duplicate] = results.map((r) => (r.status === 'rejected' ? r.reason : null));
    expect(bad).toBeInstanceOf(EventSequenceError);
    expect(String(bad)).toContain('expected seq 3, got 5');
    expect(String(late)).toContain('expected seq 1, got 2');
    // The second append of ref-1 went in the next statement, checked after the first was refused.
    expect(String(duplicate)).toContain('expected seq 3, got 2');
    expect(inserts.sent).toBe(2);
    expect(await seqs(log, 'ref-1')).toEqual([1, 2]);
    expect(await seqs(log, 'ref-2')).toEqual([1, 2, 3]);
    expect(await seqs(log, 'ref-3')).toEqual([]);
  });

  it('writes appends of one thread made together in order, each after the previous one is committed', async () => {
    await threads('ord-1', 'ord-2');
    const results = await Promise.allSettled([
      log.append('ord-1', events('ord-1', 1)),
      log.append('ord-1', events('ord-1', 2, 4)),
      log.append('ord-2', events('ord-2', 1)),
      log.append('ord-1', events('ord-1', 5)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(await seqs(log, 'ord-1')).toEqual([1, 2, 3, 4, 5]);
    expect(await seqs(log, 'ord-2')).toEqual([1]);
    expect(inserts.sent).toBe(3);
  });

  it('falls back to one statement per append when the group statement fails, and fails the offending one alone', async () => {
    await threads('fb-1', 'fb-3');
    const results = await Promise.allSettled([
      log.append('fb-1', events('fb-1', 1)),
      // No such thread: the foreign key fails the whole group statement.
      log.append('fb-2', events('fb-2', 1)),
      log.append('fb-3', events('fb-3', 1, 2)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: '23503' });
    expect(inserts.sent).toBe(1 + 3);
    expect(await seqs(log, 'fb-1')).toEqual([1]);
    expect(await seqs(log, 'fb-3')).toEqual([1, 2]);
  });

  it('refuses an append whose seq another writer committed while the statement waited, and keeps the others', async () => {
    await threads('race-1', 'race-2');
    const other = await otherWriter('race-1', 1);
    const results = Promise.allSettled([
      log.append('race-1', events('race-1', 1, 2)),
      log.append('race-2', events('race-2', 1)),
    ]);
    // The statement saw no row of race-1 and waits on the other writer's uncommitted one.
    await blocked(1);
    await other.end('COMMIT');
    const settled = await results;
    expect(settled.map((r) => r.status)).toEqual(['rejected', 'fulfilled']);
    expect((settled[0] as PromiseRejectedResult).reason).toBeInstanceOf(EventSequenceError);
    expect((await log.read('race-1', 0, 10)).map((e) => e.runId)).toEqual(['other']);
    expect(await seqs(log, 'race-2')).toEqual([1]);
  });

  it(`keeps at most ${MAX_STATEMENTS_IN_FLIGHT} statements in flight; the appends made meanwhile wait and go together`, async () => {
    const held = Array.from({ length: MAX_STATEMENTS_IN_FLIGHT }, (_, i) => `held-${i}`);
    await threads(...held, 'later-1', 'later-2');
    const others = [];
    const appended = [];
    // Each held thread's append is a statement of its own, waiting on another writer's row.
    for (const [i, id] of held.entries()) {
      others.push(await otherWriter(id, 1));
      appended.push(log.append(id, events(id, 1)));
      await blocked(i + 1);
    }
    const later = [log.append('later-1', events('later-1', 1)), log.append('later-2', events('later-2', 1))];
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(inserts.sent).toBe(MAX_STATEMENTS_IN_FLIGHT);
    // The other writers give up: the held appends go in, and the later ones after them, together.
    for (const other of others) await other.end('ROLLBACK');
    await Promise.all([...appended, ...later]);
    expect(inserts.sent).toBe(MAX_STATEMENTS_IN_FLIGHT + 1);
    expect(inserts.mostInFlight).toBe(MAX_STATEMENTS_IN_FLIGHT);
    for (const id of [...held, 'later-1', 'later-2']) expect(await seqs(log, id)).toEqual([1]);
  });
});
