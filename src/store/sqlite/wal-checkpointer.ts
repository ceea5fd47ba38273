import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

/** How often the checkpointer copies the WAL back into the database file. */
const CHECKPOINT_INTERVAL_MS = 250;
/** SQLite's own default: a checkpoint by the committing connection once the WAL has 1000 pages. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/**
 * The checkpointer's own code: a second connection to the same file, in a worker thread, running
 * `PRAGMA wal_checkpoint(PASSIVE)` on a timer (PASSIVE never waits for readers or writers).
 * Plain CommonJS evaluated by the worker: it needs nothing but the driver, whose path it is given.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
const stop = () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
};
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    parentPort.postMessage({ error: String(error) });
    stop();
  }
}, workerData.intervalMs);
parentPort.on('message', stop);
parentPort.postMessage({ ready: true });
`;

/** Stops the checkpointer (the connection's own checkpoints resume). */
export interface WalCheckpointer {
  close(): Promise<void>;
}

/**
 * Moves WAL checkpoints off the event loop. By default SQLite checkpoints inside the commit that
 * takes the WAL past 1000 pages: 7 to 10 ms of the loop every ~80 ms under 100 paced runs here,
 * which delayed every event of every run behind it (docs/benchmarks-history.md). Once the worker
 * is up, the connection's automatic checkpoints are turned off; when the worker fails or exits
 * (it stops at its first error, which is logged), they are turned back on, so the WAL never grows
 * without bound.
 */
export function startWalCheckpointer(
  db: Database,
  file: string,
  onError: (message: string) => void,
): WalCheckpointer {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { driver, file, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  worker.unref();
  let closing = false;
  const autoCheckpoint = (pages: number): void => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${pages}`);
  };
  let exitedEarly = false;
  worker.on('message', (message: { ready?: true; error?: string }) => {
    if (message.ready && !closing && !exitedEarly) autoCheckpoint(0);
    // The worker stops after an error: its exit gives checkpoints back to the connection.
    if (message.error) onError(message.error);
  });
  worker.on('error', (error) => onError(String(error)));
  const exited = new Promise<void>((resolve) =>
    worker.once('exit', () => {
      exitedEarly = !closing;
      autoCheckpoint(SQLITE_AUTOCHECKPOINT_PAGES);
      resolve();
    }),
  );
  return {
    async close() {
      closing = true;
      // Held until it exits: an unreferenced worker would let the process end inside close().
      worker.ref();
      worker.postMessage('close');
      await exited;
    },
  };
}
