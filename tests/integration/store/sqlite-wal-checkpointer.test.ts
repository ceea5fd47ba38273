import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Mutex } from 'async-mutex';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { startWalCheckpointer, type WalCheckpointer } from '../../../src/store/sqlite/wal-checkpointer.js';
import {
  createWriteGate,
  GATE_HOLDERS,
  GATE_SLOTS,
  whenGateFree,
} from '../../../src/store/sqlite/write-gate.js';
import { createTestDatabaseUrl } from '../../fixtures/sqlite-database.js';

/** Runs `script` (ES module lines, TypeScript imports allowed) in a process of its own: its output. */
function runModuleScript(script: string): string {
  return execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    encoding: 'utf8',
    timeout: 20_000,
  }).trim();
}

/** Polls `check` every 20 ms until it holds or `timeoutMs` passes. */
async function eventually(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('SQLite WAL checkpointer (a worker thread with its own connection)', () => {
  const opened: { db: Database.Database; checkpointer?: WalCheckpointer }[] = [];
  const open = () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'wal-')), 'db.sqlite');
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)');
    const entry: (typeof opened)[number] = { db };
    opened.push(entry);
    return { file, db, entry };
  };
  const autoCheckpoint = (db: Database.Database) => db.pragma('wal_autocheckpoint', { simple: true });
  afterEach(async () => {
    for (const { db, checkpointer } of opened.splice(0)) {
      await checkpointer?.close();
      db.close();
    }
  });

  it('takes checkpoints off the connection and copies committed pages into the database file', async () => {
    const { file, db, entry } = open();
    const errors: string[] = [];
    entry.checkpointer = startWalCheckpointer(db, file, (message) => errors.push(message));
    await eventually(() => autoCheckpoint(db) === 0);
    const before = statSync(file).size;
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    // About 2 MB in 20 commits: past SQLite's own 1000-page threshold, which no longer applies.
    for (let i = 0; i < 20; i++) db.transaction(() => insert.run('x'.repeat(100_000)))();
    // Only the worker can have moved these pages from the WAL into the database file.
    await eventually(() => statSync(file).size > before + 1_500_000);
    expect(errors).toEqual([]);
  });

  /**
   * Commits a 4 KB row every millisecond or so for `ms`, under `lock` as the store's writes are
   * (about 12 MB of WAL a second); the WAL's largest size.
   */
  const steadyWrites = async (db: Database.Database, file: string, lock: Mutex, ms: number) => {
    const insert = db.prepare('INSERT INTO t (body) VALUES (?)');
    const write = db.transaction(() => insert.run('x'.repeat(4000)));
    let largest = 0;
    let written = 0;
    for (const end = Date.now() + ms; Date.now() < end; written += 4000) {
      await lock.runExclusive(write);
      largest = Math.max(largest, statSync(`${file}-wal`).size);
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return { largest, written };
  };

  // The WAL's file keeps its largest size (SQLite writes it again from its start): a WAL started
  // over stops growing once the first pass has caught up with it, one never started over does not.
  it('starts a long WAL over although the connection never stops writing', async () => {
    const { file, db, entry } = open();
    const lock = new Mutex();
    const errors: string[] = [];
    entry.checkpointer = startWalCheckpointer(db, file, (message) => errors.push(message), {
      lock,
      restartFrames: 64,
    });
    await eventually(() => autoCheckpoint(db) === 0);
    const first = await steadyWrites(db, file, lock, 1000);
    const then = await steadyWrites(db, file, lock, 1500);
    // At least four times the length (a slow machine writes less in the time). Never started
    // over, the WAL would grow by two or three times what is written (a 4 KB row is two or three
    // frames); started over, by at most the writes of two of the worker's passes (250 ms apart)
    // more than in the first second: without a pause, the lock is taken once the WAL is twice the
    // length, seen at the pass after the one that found it caught up.
    expect(then.written).toBeGreaterThan(1_000_000);
    expect(then.largest - first.largest).toBeLessThan(then.written);
    expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({
      n: (first.written + then.written) / 4000,
    });
    // A last pass may be under way when the writes stop: the lock is given back once it is done.
    await eventually(() => !lock.isLocked());
    expect(errors).toEqual([]);
  });

  it('below twice its length, starts a long WAL over at a pause in the writes, not while they go on', async () => {
    const { file, db, entry } = open();
    const lock = new Mutex();
    const held: number[] = [];
    const restartFrames = 1500;
    entry.checkpointer = startWalCheckpointer(db, file, () => undefined, {
      lock: { acquire: () => (held.push(Date.now()), lock.acquire()) },
      restartFrames,
    });
    await eventually(() => autoCheckpoint(db) === 0);
    // Past the restart length (a frame is a 4 KB page and its 24-byte header), then on for
    // longer than a pass of the worker: below twice the length all the while (a row is two or
    // three frames, about a commit a millisecond).
    const walFrames = () => statSync(`${file}-wal`).size / 4120;
    for (let rounds = 0; walFrames() < restartFrames + 100; rounds++) {
      expect(rounds).toBeLessThan(200);
      await steadyWrites(db, file, lock, 50);
    }
    const { largest } = await steadyWrites(db, file, lock, 400);
    expect(largest / 4120).toBeLessThan(2 * restartFrames);
    expect(held).toEqual([]);
    // The writes pause, after the event loop was held for 100 ms (a stall is not a pause: writes
    // may be waiting in it). The lock is taken once, 50 ms into the pause, and not again while
    // nothing writes; the next write starts the WAL over (its file keeps its size).
    for (const until = Date.now() + 100; Date.now() < until;);
    const stalled = Date.now();
    await eventually(() => held.length > 0 && !lock.isLocked());
    expect(held[0]! - stalled).toBeGreaterThanOrEqual(40);
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(held).toHaveLength(1);
    const size = statSync(`${file}-wal`).size;
    await steadyWrites(db, file, lock, 100);
    expect(statSync(`${file}-wal`).size).toBe(size);
    expect(held).toHaveLength(1);
  });

  /** The WAL header's salts: SQLite draws new ones each time it starts the WAL over. */
  const walSalts = (file: string) => readFileSync(`${file}-wal`).subarray(16, 24).toString('hex');
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  /** A store's connection with its checkpointer given a write gate, once the worker is up. */
  const openWithGate = async () => {
    const { file, db, entry } = open();
    const gate = createWriteGate();
    const errors: string[] = [];
    entry.checkpointer = startWalCheckpointer(db, file, (message) => errors.push(message), { gate });
    await eventually(() => autoCheckpoint(db) === 0);
    return { file, db, gate, errors };
  };
  /**
   * Commits a row through the gate and reads the WAL's salts before giving it back: the thread
   * cannot start the WAL over in between (a first pass may have copied the WAL before this commit,
   * which then started it over itself).
   */
  const commitThroughGate = (
    db: Database.Database,
    gate: ReturnType<typeof createWriteGate>,
    body: string,
  ) => {
    expect(gate.tryEnter()).toBe(true);
    try {
      db.prepare('INSERT INTO t (body) VALUES (?)').run(body);
      return walSalts(db.name);
    } finally {
      gate.leave();
    }
  };

  it("given the write gate, starts the WAL over on its own thread, so the connection's next commit only appends", async () => {
    const { file, db, gate, errors } = await openWithGate();
    // A user_version of the operator's own: the thread writes it back unchanged.
    db.pragma('user_version = 7');
    const first = commitThroughGate(db, gate, 'first');
    // Nothing else writes: only the checkpointer's thread can start the WAL over, once a pass has
    // copied all of it (passes are 250 ms apart).
    await eventually(() => walSalts(file) !== first);
    const restarted = walSalts(file);
    // The connection's next commit appends to that WAL: same salts (a commit that started it over
    // would have drawn new ones and synced the header on the event loop). Also after a quiet
    // spell of several passes: none copies the thread's own write, which would leave the WAL to
    // be started over by that commit.
    await sleep(700);
    expect(walSalts(file)).toBe(restarted);
    expect(commitThroughGate(db, gate, 'second')).toBe(restarted);
    expect(db.prepare('SELECT body FROM t ORDER BY id').pluck().all()).toEqual(['first', 'second']);
    // Unchanged: the header's user_version, the one thing the thread writes.
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    expect(errors).toEqual([]);
  });

  it('does not write to a store that does not (one start over per commit of the connection at most)', async () => {
    const { file, db, gate } = await openWithGate();
    const first = commitThroughGate(db, gate, 'x');
    await eventually(() => walSalts(file) !== first);
    const restarted = walSalts(file);
    const size = statSync(`${file}-wal`).size;
    // Three passes or more, each finding its own write copied: none starts the WAL over again.
    await sleep(900);
    expect(walSalts(file)).toBe(restarted);
    expect(statSync(`${file}-wal`).size).toBe(size);
  });

  it('leaves the WAL to the connection while the connection holds the gate', async () => {
    const { file, db, gate } = await openWithGate();
    // The gate held (as during one of the connection's writes) across passes, a commit counted
    // meanwhile (as a Prisma transaction's would be): the thread has cause to write, and may not.
    expect(gate.tryEnter()).toBe(true);
    db.prepare('INSERT INTO t (body) VALUES (?)').run('x');
    const first = walSalts(file);
    Atomics.add(new Int32Array(gate.buffer), GATE_SLOTS.commits, 1);
    await sleep(700);
    expect(walSalts(file)).toBe(first);
    gate.leave();
    await eventually(() => walSalts(file) !== first);
  });

  it('gives up its write at once, gate free, while another connection holds the database (a Prisma write)', async () => {
    const { file, db, gate, errors } = await openWithGate();
    // The other connection takes the database before the gate is given back after the commit:
    // the thread cannot start the WAL over in between.
    expect(gate.tryEnter()).toBe(true);
    db.prepare('INSERT INTO t (body) VALUES (?)').run('x');
    const first = walSalts(file);
    const other = new Database(file);
    opened.push({ db: other });
    other.exec('BEGIN IMMEDIATE');
    gate.leave();
    // Passes copy everything and try to write meanwhile: each gives up at once (with a busy
    // timeout, the thread would hold the gate while it waited, and the connection's writes with it).
    const holder = new Int32Array(gate.buffer);
    let heldByThread = 0;
    for (const until = Date.now() + 700; Date.now() < until; await sleep(2)) {
      if (Atomics.load(holder, GATE_SLOTS.holder) === GATE_HOLDERS.checkpointer) heldByThread++;
    }
    expect(heldByThread).toBeLessThan(5);
    expect(walSalts(file)).toBe(first);
    other.exec('ROLLBACK');
    await eventually(() => walSalts(file) !== first);
    expect(errors).toEqual([]);
  });

  it('without the write lock, only copies the WAL, which then grows for as long as the writes go on', async () => {
    const { file, db, entry } = open();
    entry.checkpointer = startWalCheckpointer(db, file, () => undefined, { restartFrames: 64 });
    await eventually(() => autoCheckpoint(db) === 0);
    const lock = new Mutex();
    const first = await steadyWrites(db, file, lock, 1000);
    const then = await steadyWrites(db, file, lock, 1500);
    // Each 4 KB row is two or three frames: about three times what was written, never started over.
    expect(then.largest - first.largest).toBeGreaterThan(then.written / 4);
  });

  it('frees the gate when its thread ends holding it, and the write waiting for it goes ahead', async () => {
    const { file, db } = open();
    const gate = createWriteGate();
    const checkpointer = startWalCheckpointer(db, file, () => undefined, { gate });
    await eventually(() => autoCheckpoint(db) === 0);
    // As if the thread had ended in the middle of its write (a crash): the gate still marked as its.
    Atomics.store(new Int32Array(gate.buffer), GATE_SLOTS.holder, GATE_HOLDERS.checkpointer);
    let written = false;
    const write = whenGateFree(gate, () => {
      db.prepare('INSERT INTO t (body) VALUES (?)').run('x');
      written = true;
    });
    await sleep(30);
    expect(written).toBe(false);
    await checkpointer.close();
    await write;
    expect(written).toBe(true);
    expect(gate.tryEnter()).toBe(true);
  });

  it('gives checkpoints back to the connection when closed', async () => {
    const { file, db } = open();
    const checkpointer = startWalCheckpointer(db, file, () => undefined);
    await eventually(() => autoCheckpoint(db) === 0);
    await checkpointer.close();
    expect(autoCheckpoint(db)).toBe(1000);
  });

  it('keeps the process alive while a write waits for the gate, when nothing else does', () => {
    const module = path.resolve('src/store/sqlite/write-gate.ts');
    // The gate held as by the checkpointer's thread, given back 200 ms later by an unreferenced
    // worker: only the waiting write can keep the process alive until then (a wait on shared
    // memory does not), and it must be written before the process ends.
    const script = [
      "import { Worker } from 'node:worker_threads';",
      `import { createWriteGate, GATE_HOLDERS, GATE_SLOTS, whenGateFree } from ${JSON.stringify(module)};`,
      'const gate = createWriteGate();',
      'Atomics.store(new Int32Array(gate.buffer), GATE_SLOTS.holder, GATE_HOLDERS.checkpointer);',
      'const release = "const s = new Int32Array(require(\'node:worker_threads\').workerData); Atomics.wait(s, 0, 2, 200); Atomics.store(s, 0, 0); Atomics.notify(s, 0);";',
      'new Worker(release, { eval: true, workerData: gate.buffer, execArgv: [] }).unref();',
      "await whenGateFree(gate, () => console.log('written'));",
    ].join('\n');
    expect(runModuleScript(script)).toBe('written');
  });

  it('keeps the process alive until the store has closed, when nothing else does', () => {
    const url = createTestDatabaseUrl();
    const module = path.resolve('src/store/sqlite/open-sqlite-store.ts');
    // The checkpointer's worker is unreferenced while it runs: a process whose last work is the
    // store's close() (a shutdown) must see it resolve, not end with it pending.
    const script = [
      `import { openSqliteStore } from ${JSON.stringify(module)};`,
      `const store = await openSqliteStore(${JSON.stringify(url)});`,
      'await store.close();',
      "console.log('closed');",
    ].join('\n');
    expect(runModuleScript(script)).toBe('closed');
  });

  it('reports a worker that cannot start and leaves checkpoints to the connection', async () => {
    const { db } = open();
    const errors: string[] = [];
    const checkpointer = startWalCheckpointer(db, '/nonexistent/dir/db.sqlite', (message) =>
      errors.push(message),
    );
    await eventually(() => errors.length > 0);
    await checkpointer.close();
    expect(errors[0]).toMatch(/unable to open|directory does not exist|SQLITE_CANTOPEN/i);
    expect(autoCheckpoint(db)).toBe(1000);
  });
});
