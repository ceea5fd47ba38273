import type { Mutex } from 'async-mutex';
import type { Database } from 'better-sqlite3';

/**
 * Group commit for every write on SQLite's one connection: event appends, run begins and run
 * ends. The writes queued in one turn of the event loop run in one transaction, each in a
 * savepoint of its own (a refused write rolls back alone and rejects alone), and each resolves only
 * once that transaction is committed.
 *
 * A commit is most of a small write's cost here (appending its pages to the WAL): 100 runs ending
 * together cost 100 commits when each ended alone, and 100 paced runs a commit per event. One
 * commit per turn keeps the loop free for the runs still streaming (docs/benchmarks-history.md).
 */
export interface SqliteWriteQueue {
  /** Runs `write` (synchronous statements) in the next group transaction; resolves after the commit. */
  enqueue<T>(write: () => T): Promise<T>;
}

interface Queued {
  write(): unknown;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Failed writes are recorded as this, so a write may itself return `undefined` or an error value. */
class Failed {
  constructor(readonly error: unknown) {}
}

/**
 * `lock` is the store's write lock, also held by Prisma's interactive transactions on the same
 * connection: a group is never written inside someone else's open transaction.
 */
export function createSqliteWriteQueue(db: Database, lock: Mutex): SqliteWriteQueue {
  const commitAll = db.transaction((writes: readonly Queued[]) =>
    writes.map((queued) => {
      try {
        // A savepoint per write: what it wrote is rolled back alone when it throws.
        return inSavepoint(queued.write);
      } catch (error) {
        return new Failed(error ?? new Error('write failed'));
      }
    }),
  );
  const inSavepoint = db.transaction((write: () => unknown) => write());

  let queue: Queued[] = [];
  const flush = async (): Promise<void> => {
    const writes = queue;
    queue = [];
    try {
      const results = await lock.runExclusive(() => commitAll(writes));
      writes.forEach((queued, i) => {
        const result = results[i];
        if (result instanceof Failed) queued.reject(result.error);
        else queued.resolve(result);
      });
    } catch (error) {
      for (const queued of writes) queued.reject(error);
    }
  };

  return {
    enqueue: <T>(write: () => T) =>
      new Promise<T>((resolve, reject) => {
        if (queue.length === 0) setImmediate(() => void flush());
        queue.push({ write, resolve: resolve as (value: unknown) => void, reject });
      }),
  };
}
