import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Mutex } from 'async-mutex';
import type { Database } from 'better-sqlite3';
import { GATE_HOLDERS, GATE_SLOTS, type WriteGate } from './write-gate.js';

/** How often the checkpointer copies the WAL back into the database file. */
const CHECKPOINT_INTERVAL_MS = 250;
/** SQLite's own default: a checkpoint by the committing connection once the WAL has 1000 pages. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
/** The WAL's length (frames: 256 MB of 4 KB pages) from which it is started over (see below). */
const RESTART_FRAMES = 65536;
/**
 * A pass that copied at most this many frames was short: the next one is the last. Its fsync of
 * what was committed since is most of the time writes wait: 1–8 ms at 32 frames under figure 3's
 * load here, 4–18 ms at 256.
 */
const FEW_FRAMES = 32;
/**
 * Below twice the restart length, the last pass (and its hold on writes) waits for this long a
 * pause in the connection's writes, its polls on time all along: a hold is 8–17 ms of `fsync`
 * here, and every event committed meanwhile waits for it (figure 2b's p99 went from 1–2 ms to
 * 4–6 ms in a batch with one).
 */
const QUIET_MS = 50;
/** How often a restart waiting for a pause looks at the connection's writes. */
const QUIET_POLL_MS = 10;

/**
 * The checkpointer's own code: a second connection to the same file, in a worker thread, running
 * `PRAGMA wal_checkpoint(PASSIVE)` on a timer (PASSIVE never waits for readers or writers).
 * Plain CommonJS evaluated by the worker: it needs nothing but the driver, whose path it is given.
 * Messages: it posts `ready`, `error` (it stops), `warning` (it goes on), `caughtUp` (a long WAL
 * nearly all copied; `long`: twice the restart length) and `lastDone`;
 * it takes `last` (copy the rest now: the connection is not writing) and `close`.
 * Given the store's write gate (write-gate.ts), it also starts the WAL over itself (see
 * `startWalCheckpointer`).
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
// No busy timeout: the thread's own write gives up at once when another connection writes, rather
// than hold the gate while it waits (PASSIVE checkpoints never wait anyway). Nor checkpoints of
// this connection's own after that write.
db.pragma('busy_timeout = 0');
db.pragma('wal_autocheckpoint = 0');
const gate = workerData.gate && new Int32Array(workerData.gate);
const { holder: HOLDER, commits: COMMITS } = workerData.slots;
const { free: FREE, checkpointer: CHECKPOINTER } = workerData.holders;
let timer;
const stop = () => {
  clearTimeout(timer);
  db.close();
  parentPort.close();
};
const failed = (error) => {
  parentPort.postMessage({ error: String(error) });
  stop();
};
let lastLog = 0;
// The WAL's length after the last pass under the held lock: until a write starts it over (or
// lengthens it), a restart is already due and asking for another hold would change nothing.
let copiedForRestart = -1;
// What other connections have committed, as this one sees it: PRAGMA data_version changes with
// each of their commits, not with this connection's own.
const dataVersion = () => db.pragma('data_version', { simple: true });
const startVersion = dataVersion();
// data_version just after this thread started the WAL over: while it is unchanged, the WAL holds
// only that write (and what was copied before it). A pass must not copy it: the store's next
// commit would find the WAL all copied and start it over itself, on the event loop.
let touchedAt;
// Off after an error of the write other than busy (a full disk, a read-only file): warned once,
// the connection starts the WAL over itself as before, and the passes go on.
let touchOff = false;
const isBusy = (error) => String(error && error.code).startsWith('SQLITE_BUSY');
// A write of the thread's own (the database header's user_version, written unchanged): the first
// write after a checkpoint that copied the whole WAL starts the WAL over and syncs its new header.
const touch = db.transaction(() => {
  db.pragma('user_version = ' + Number(db.pragma('user_version', { simple: true })));
});
// After a pass that copied the whole WAL, and if the connection has not committed since (nor while
// the gate is held), starts the WAL over here, so that the connection's next commit only appends.
// Not before anything has been written since the thread started: a WAL left by an earlier process
// is not started over for a store that does not write. True when it wrote.
const restart = (commitsAtPass) => {
  if (touchOff || (commitsAtPass === 0 && dataVersion() === startVersion)) return false;
  if (Atomics.compareExchange(gate, HOLDER, FREE, CHECKPOINTER) !== FREE) return false;
  try {
    if (Atomics.load(gate, COMMITS) !== commitsAtPass) return false;
    touch.immediate();
    touchedAt = dataVersion();
    return true;
  } catch (error) {
    // Busy: another connection writes (a Prisma statement), and its write starts the WAL over.
    if (!isBusy(error)) {
      touchOff = true;
      parentPort.postMessage({ warning: 'not starting the WAL over any more: ' + String(error) });
    }
    return false;
  } finally {
    Atomics.store(gate, HOLDER, FREE);
    Atomics.notify(gate, HOLDER);
  }
};
const copiedAll = (result) => result.busy === 0 && result.log > 0 && result.checkpointed === result.log;
// A checkpoint, and given the gate, the WAL started over when it copied all of it (the timer's
// passes and the long-WAL hold's last one both).
const copy = () => {
  const commitsAtPass = gate && Atomics.load(gate, COMMITS);
  const [result] = db.pragma('wal_checkpoint(PASSIVE)');
  return { result, restarted: Boolean(gate) && copiedAll(result) && restart(commitsAtPass) };
};
const pass = () => {
  try {
    // Nothing committed since this thread's own write: nothing to copy, and that write stays in
    // the WAL until something else commits (see touchedAt).
    if (touchedAt !== undefined && dataVersion() === touchedAt) {
      timer = setTimeout(pass, workerData.intervalMs);
      return;
    }
    touchedAt = undefined;
    const { result, restarted } = copy();
    // Frames committed since the last pass, and frames this one could not copy (a reader's older
    // snapshot holds them back: one of the connection's reads under way, or a long one elsewhere,
    // a backup or a shell, which holding the connection's writes cannot end).
    const grown = result.log >= lastLog ? result.log - lastLog : result.log;
    const left = result.log - result.checkpointed;
    lastLog = result.log;
    let next = workerData.intervalMs;
    if (restarted) {
      // Started over: nothing to hold the connection's writes for.
    } else if (
      result.busy === 0 &&
      result.log >= workerData.restartFrames &&
      left <= workerData.fewFrames &&
      result.log !== copiedForRestart
    ) {
      // Each pass copies what was committed during the one before: again at once until that is
      // little, then one last pass while the connection holds its writes. Writes faster than the
      // copies never leave little: past twice the length, they are held anyway.
      const long = result.log >= 2 * workerData.restartFrames;
      if (grown <= workerData.fewFrames || long) parentPort.postMessage({ caughtUp: true, long });
      else next = 0;
    }
    timer = setTimeout(pass, next);
  } catch (error) {
    // Busy (another connection recovering the WAL's index): the next pass tries again.
    if (isBusy(error)) timer = setTimeout(pass, workerData.intervalMs);
    else failed(error);
  }
};
timer = setTimeout(pass, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'last') return stop();
  try {
    // Given the gate, started over here, with the hold: the connection's next write only appends.
    lastLog = copy().result.log;
    copiedForRestart = lastLog;
    parentPort.postMessage({ lastDone: true });
  } catch (error) {
    // Busy: the hold ends, a later round tries again.
    if (isBusy(error)) parentPort.postMessage({ lastDone: true });
    else failed(error);
  }
});
parentPort.postMessage({ ready: true });
`;

/** What the worker posts (see `WORKER_SOURCE`). */
interface WorkerMessage {
  ready?: true;
  error?: string;
  warning?: string;
  caughtUp?: true;
  long?: boolean;
  lastDone?: true;
}

/** Stops the checkpointer (the connection's own checkpoints resume). */
export interface WalCheckpointer {
  close(): Promise<void>;
}

/** What `startWalCheckpointer` may be given besides where to report errors. */
export interface WalCheckpointerOptions {
  /**
   * The store's write lock: held while the worker copies the last frames of a long WAL, so that
   * the WAL can start over (without it, it is only copied).
   */
  lock?: Pick<Mutex, 'acquire'>;
  /** The WAL's length in frames from which it is started over (default `RESTART_FRAMES`). */
  restartFrames?: number;
  /**
   * The store's write gate: given it, the worker starts the WAL over itself after a pass that
   * copied all of it, so that the sync of the WAL's new header is not the connection's.
   */
  gate?: WriteGate;
}

/**
 * Moves WAL checkpoints off the event loop. By default SQLite checkpoints inside the commit that
 * takes the WAL past 1000 pages: 7 to 10 ms of the loop every ~80 ms under 100 paced runs here,
 * which delayed every event of every run behind it (docs/benchmarks-history.md). Once the worker
 * is up, the connection's automatic checkpoints are turned off; when the worker fails or exits
 * (it stops at its first error, which is logged), they are turned back on.
 *
 * Copying the WAL into the database does not bound it: SQLite starts the WAL over only when a
 * write transaction begins with every frame copied, and under steady load the connection commits
 * again while the worker copies. The WAL grew for as long as the load lasted (470 MB beside a
 * 190 MB database after 40 rounds of figure 3's 100 runs). So once the WAL is `restartFrames` long,
 * the worker copies it pass after pass until a pass finds little new; then the store's write lock
 * is taken (writes wait in their queue, the event loop goes on), the worker copies the rest (and,
 * given the gate, starts the WAL over itself: see below), the lock is given back, and the next
 * write starts the WAL over (or only appends, when the worker did). The lock is taken at a pause
 * in the connection's writes (none for `QUIET_MS`, seen from its `total_changes()`), so that the
 * events of runs streaming do not wait for the hold; without a pause, once the WAL is twice that
 * long.
 * Writes that outrun the copies (a tight loop of commits) are held then too: the WAL stays
 * bounded whatever the load, and such a load waits for the disk, as it would without a worker.
 * A Prisma statement outside a transaction does not take the lock: one committed during the last
 * pass costs that round its restart (the next round tries again), never data. A reader elsewhere
 * that keeps an old snapshot (a backup) holds frames back: no round is tried until it is done.
 *
 * The write that starts the WAL over also syncs its new header (even with `synchronous = NORMAL`):
 * under a light load every pass copies the whole WAL, so the connection's next commit paid an
 * `fsync` on the event loop every 250 ms, and the event it carried waited 1–2 ms for it (figure
 * 2b's single paced run, docs/benchmarks-history.md). Given the store's write gate, the worker
 * makes that write itself: once a pass has copied the whole WAL, the worker takes the gate and,
 * if the connection has not committed since the pass, writes the database header's
 * `user_version` unchanged. A write of the connection meanwhile waits for the gate, not in
 * SQLite's busy handler on the event loop. Until another connection commits, no pass copies that
 * write (`PRAGMA data_version` unchanged): after a quiet spell the store's commit still only
 * appends, and an idle store is not written to every pass. The same write ends the long-WAL hold's
 * last pass. An earlier version timed the passes to fall just after one of the connection's
 * commits; they then ran beside that event's write and its client's read, on two cores, and the
 * slowest events of figure 2b's batches were slower (docs/benchmarks-history.md, step 37). Any
 * write of another connection makes the store's connection drop its page cache at its next read
 * (SQLite cannot tell what changed): at most one such write per pass.
 */
export function startWalCheckpointer(
  db: Database,
  file: string,
  onError: (message: string) => void,
  options: WalCheckpointerOptions = {},
): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const restartFrames = options.restartFrames ?? RESTART_FRAMES;
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      driver,
      file,
      intervalMs: CHECKPOINT_INTERVAL_MS,
      restartFrames,
      fewFrames: FEW_FRAMES,
      gate: options.gate?.buffer,
      slots: GATE_SLOTS,
      holders: GATE_HOLDERS,
    },
  });
  worker.unref();
  let closing = false;
  const autoCheckpoint = (pages: number): void => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${pages}`);
  };
  let exitedEarly = false;
  /** Gives the write lock back once the worker's last pass is done (or the worker is gone). */
  let release: (() => void) | undefined;
  let holding = false;
  const hold = async (lock: Pick<Mutex, 'acquire'>): Promise<void> => {
    holding = true;
    const unlock = await lock.acquire();
    release = () => {
      release = undefined;
      holding = false;
      if (!closing) worker.unref();
      unlock();
    };
    if (closing || exitedEarly) return release();
    // Referenced while writes wait on it: a process whose last work is such a write must not end
    // before the worker answers.
    worker.ref();
    worker.postMessage('last');
  };
  /** Rows the connection has written since it opened: unchanged over a while, a pause. */
  const changes = db.prepare<[], number>('SELECT total_changes()').pluck().safeIntegers(false);
  /** Looks for a pause in the writes while a restart waits for one. */
  let waiting: NodeJS.Timeout | undefined;
  const stopWaiting = (): void => {
    clearInterval(waiting);
    waiting = undefined;
  };
  const restartAtPause = (lock: Pick<Mutex, 'acquire'>): void => {
    if (waiting || !db.open) return;
    let seen = changes.get();
    let since = performance.now();
    let polled = since;
    waiting = setInterval(() => {
      if (!db.open) return stopWaiting();
      const now = changes.get();
      const at = performance.now();
      // A poll late by more than a period means the event loop was held (a collection, a long
      // task, the process descheduled): nothing wrote then, but writes are waiting to. Not a pause.
      const late = at - polled > 2 * QUIET_POLL_MS;
      polled = at;
      if (now !== seen || late) {
        seen = now;
        since = at;
      } else if (at - since >= QUIET_MS) {
        stopWaiting();
        if (!holding && !closing) void hold(lock);
      }
    }, QUIET_POLL_MS);
    waiting.unref();
  };
  worker.on('message', (message: WorkerMessage) => {
    if (message.ready && !closing && !exitedEarly) autoCheckpoint(0);
    if (message.caughtUp && options.lock && !holding && !closing) {
      if (message.long) {
        stopWaiting();
        void hold(options.lock);
      } else restartAtPause(options.lock);
    }
    if (message.lastDone) release?.();
    // The worker stops after an error: its exit gives checkpoints back to the connection.
    if (message.error) onError(message.error);
    if (message.warning) onError(message.warning);
  });
  worker.on('error', (error) => onError(String(error)));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      exitedEarly = !closing;
      options.gate?.releaseThread();
      stopWaiting();
      release?.();
      autoCheckpoint(SQLITE_AUTOCHECKPOINT_PAGES);
      resolve();
    }),
  );
  return {
    async close() {
      closing = true;
      stopWaiting();
      // Held until it exits: an unreferenced worker would let the process end inside close().
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}
