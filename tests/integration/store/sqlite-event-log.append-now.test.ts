import { Mutex } from 'async-mutex';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { sqliteFilePath } from '../../../src/store/sqlite/open-sqlite-store.js';
import { createSqliteEventLog } from '../../../src/store/sqlite/sqlite-event-log.js';
import { createSqliteWriteQueue } from '../../../src/store/sqlite/sqlite-write-queue.js';
import { createWriteGate, GATE_HOLDERS, GATE_SLOTS } from '../../../src/store/sqlite/write-gate.js';
import { createTestDatabaseUrl } from '../../fixtures/sqlite-database.js';

const events = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    seq: from + i,
    runId: 'r',
    type: 'TEXT_MESSAGE_CONTENT',
    json: '{}',
  }));

describe('SQLite event log: appendNow (a synchronous burst committed as it goes)', () => {
  const dbs: Database.Database[] = [];
  const open = () => {
    const file = sqliteFilePath(createTestDatabaseUrl());
    const db = new Database(file);
    const other = new Database(file, { readonly: true });
    dbs.push(db, other);
    db.pragma('journal_mode = WAL');
    db.exec(
      `INSERT INTO "Thread" ("id", "agentId", "snapshot", "updatedAt") VALUES ('t', 'a', '{}', '2026-01-01')`,
    );
    const lock = new Mutex();
    const gate = createWriteGate();
    const queue = createSqliteWriteQueue(db, lock, gate);
    const log = createSqliteEventLog(db, queue, lock);
    const committed = () =>
      other.prepare('SELECT COALESCE(MAX("lastSeq"), 0) AS n FROM "Event"').get() as { n: number };
    return { db, lock, gate, log, committed };
  };
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
  });

  it('commits at once, visible to another connection before the call returns to the loop', () => {
    const { log, committed } = open();
    expect(log.appendNow!('t', events(1, 256))).toBe(true);
    expect(committed().n).toBe(256);
  });

  it('declines while the store lock is held (a Prisma transaction open on the connection)', async () => {
    const { log, lock, committed } = open();
    const release = await lock.acquire();
    expect(log.appendNow!('t', events(1, 10))).toBe(false);
    expect(committed().n).toBe(0);
    release();
    expect(log.appendNow!('t', events(1, 10))).toBe(true);
    expect(committed().n).toBe(10);
  });

  it('declines while the WAL checkpointer thread holds the write gate, and the queued append waits for it', async () => {
    const { log, gate, lock, committed } = open();
    const slots = new Int32Array(gate.buffer);
    Atomics.store(slots, GATE_SLOTS.holder, GATE_HOLDERS.checkpointer);
    expect(log.appendNow!('t', events(1, 10))).toBe(false);
    // What a declined burst falls back to: the group commit, which waits for the gate.
    const queued = log.append('t', events(1, 10));
    // Waiting with the store lock held: no Prisma transaction can open on the connection meanwhile.
    for (let turns = 0; !lock.isLocked(); turns++) {
      expect(turns).toBeLessThan(100);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(committed().n).toBe(0);
    gate.releaseThread();
    await queued;
    expect(committed().n).toBe(10);
    expect(log.appendNow!('t', events(11, 5))).toBe(true);
    expect(committed().n).toBe(15);
    // Both commits counted (the checkpointer's thread starts the WAL over only after one).
    expect(Atomics.load(slots, GATE_SLOTS.commits)).toBe(2);
  });

  it('refuses events that do not continue the thread, writing nothing', () => {
    const { log, committed } = open();
    expect(() => log.appendNow!('t', events(5, 3))).toThrow(/expected seq 1, got 5/);
    expect(committed().n).toBe(0);
  });
});
