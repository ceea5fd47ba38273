import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Mutex } from 'async-mutex';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSqliteWriteQueue,
  RUN_WRITES_BUDGET_MS,
} from '../../../src/store/sqlite/sqlite-write-queue.js';

/** Keeps the thread busy for `ms`, like a run's end writing its rows. */
function spin(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('SQLite write queue (group commit)', () => {
  const dbs: Database.Database[] = [];
  const open = (lock = new Mutex()) => {
    const db = new Database(path.join(mkdtempSync(path.join(tmpdir(), 'queue-')), 'db.sqlite'));
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE t (id TEXT PRIMARY KEY)');
    dbs.push(db);
    return {
      db,
      queue: createSqliteWriteQueue(db, lock),
      insert: db.prepare('INSERT INTO t (id) VALUES (?)'),
    };
  };
  afterEach(() => {
    for (const db of dbs.splice(0)) db.close();
  });

  it('writes appends first and spreads run writes over commits by their time budget', async () => {
    const { queue, insert } = open();
    const log: string[] = [];
    let eventCommitted = false;
    // Each run write alone uses up a commit's budget: the first goes with the append, the rest later.
    const perRun = RUN_WRITES_BUDGET_MS;
    const runs = ['r1', 'r2', 'r3', 'r4'].map((id) =>
      queue.enqueue('run', () => {
        insert.run(id);
        spin(perRun);
        log.push(`${id}${eventCommitted ? ' after' : ' with'} the append's commit`);
      }),
    );
    const event = queue.enqueue('event', () => {
      insert.run('e1');
      log.push('e1 written');
    });
    await event.then(() => (eventCommitted = true));
    await Promise.all(runs);
    expect(log).toEqual([
      'e1 written',
      "r1 with the append's commit",
      "r2 after the append's commit",
      "r3 after the append's commit",
      "r4 after the append's commit",
    ]);
  });

  it('commits a lone append at the end of the loop turn, and two or more at the end of their task', async () => {
    const { queue, insert } = open();
    const log: string[] = [];
    const turnEnds = () =>
      new Promise<void>((resolve) => setImmediate(() => (log.push('turn ends'), resolve())));
    // One append alone: committed when the turn ends.
    let ended = turnEnds();
    await Promise.all([
      queue.enqueue('event', () => insert.run('a1')).then(() => log.push('a1 committed')),
      ended,
    ]);
    // A second append while the first waits: both at the end of this task, before the turn ends
    // (timers firing together in one turn, each emitting an event, are committed as they come).
    ended = turnEnds();
    const task = Promise.resolve().then(() => log.push('task ends'));
    const first = queue.enqueue('event', () => insert.run('b1')).then(() => log.push('b1 committed'));
    const second = queue.enqueue('event', () => insert.run('b2')).then(() => log.push('b2 committed'));
    await Promise.all([first, second, task, ended]);
    expect(log).toEqual([
      'turn ends',
      'a1 committed',
      'task ends',
      'b1 committed',
      'b2 committed',
      'turn ends',
    ]);
  });

  it('rolls back a failing run write alone and keeps its group', async () => {
    const { db, queue, insert } = open();
    const results = await Promise.allSettled([
      queue.enqueue('run', () => insert.run('a')),
      queue.enqueue('run', () => {
        insert.run('b');
        insert.run('a'); // duplicate: fails after writing "b"
      }),
      queue.enqueue('event', () => insert.run('c')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(db.prepare('SELECT id FROM t ORDER BY id').pluck().all()).toEqual(['a', 'c']);
  });

  it('fails every write of a group whose commit fails, and goes on with the next group', async () => {
    const { db, queue, insert } = open();
    // A foreign-key violation is only detected at COMMIT when the constraint is deferred.
    db.pragma('foreign_keys = ON');
    db.exec(
      'CREATE TABLE child (id TEXT PRIMARY KEY, parent TEXT REFERENCES t(id) DEFERRABLE INITIALLY DEFERRED)',
    );
    const orphan = db.prepare("INSERT INTO child (id, parent) VALUES ('x', 'missing')");
    const failed = await Promise.allSettled([
      queue.enqueue('event', () => insert.run('p')),
      queue.enqueue('run', () => orphan.run()),
    ]);
    expect(failed.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    await queue.enqueue('event', () => insert.run('q'));
    expect(db.prepare('SELECT id FROM t ORDER BY id').pluck().all()).toEqual(['q']);
  });

  it('writes nothing while the store lock is held elsewhere (a Prisma transaction), then all of it', async () => {
    const lock = new Mutex();
    const { db, queue, insert } = open(lock);
    const release = await lock.acquire();
    db.exec('BEGIN');
    const writes = [
      queue.enqueue('event', () => insert.run('e1')),
      queue.enqueue('run', () => insert.run('r1')),
    ];
    let settled = false;
    void Promise.allSettled(writes).then(() => (settled = true));
    for (let turn = 0; turn < 5; turn++) await new Promise((resolve) => setImmediate(resolve));
    // The holder's transaction is still its own: the queue neither wrote into it nor failed.
    expect(settled).toBe(false);
    db.exec('ROLLBACK');
    release();
    await Promise.all(writes);
    expect(db.prepare('SELECT id FROM t ORDER BY id').pluck().all()).toEqual(['e1', 'r1']);
  });
});
