import type { Mutex } from 'async-mutex';
import type { Database } from 'better-sqlite3';
import { createWriteGate, inGate, whenGateFree, type WriteGate } from './write-gate.js';

/**
 * Group commit for every write on SQLite's one connection: event appends, run begins and run
 * ends. The writes queued in one turn of the event loop run in one transaction, and each resolves
 * only once that transaction is committed. A commit is most of a small write's cost here (its
 * pages appended to the WAL): 100 runs ending together cost 100 commits when each ended alone,
 * and 100 paced runs a commit per event (docs/benchmarks-history.md).
 *
 * Two kinds of write, because streaming and bookkeeping want different things:
 * - `event` (appends): every one queued is written at the next commit, first: a client waits for
 *   it. Such a write must fail before it writes anything, or be atomic itself (a statement, or a
 *   savepoint of its own), so that its failure rejects it alone.
 * - `run` (a run's begin or end, tens of rows): each in a savepoint of its own (a failing one
 *   rolls back alone), and at most `RUN_WRITES_BUDGET_MS` of them per commit, the rest at the next
 *   turn: 100 runs ending together must not hold up the events of the runs still streaming.
 */
export interface SqliteWriteQueue {
  /** Runs `write` (synchronous statements) at the next group commit; resolves after the commit. */
  enqueue<T>(kind: WriteKind, write: () => T): Promise<T>;
  /** The gate its commits take (write-gate.ts): other writes on the connection take it too. */
  readonly gate: WriteGate;
}

/** See `SqliteWriteQueue`. */
export type WriteKind = 'event' | 'run';

/** Run writes per commit, in milliseconds of writing (at least one run write per commit). */
export const RUN_WRITES_BUDGET_MS = 2;

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
 * connection: a group is never written inside someone else's open transaction. `gate` is shared
 * with the WAL checkpointer's thread (write-gate.ts): a group waits for it while that thread writes.
 * `runWritesBudgetMs`: the run writes' budget per commit (a test that needs writes in one group
 * gives it no bound).
 */
export function createSqliteWriteQueue(
  db: Database,
  lock: Mutex,
  gate: WriteGate = createWriteGate(),
  runWritesBudgetMs = RUN_WRITES_BUDGET_MS,
): SqliteWriteQueue {
  let events: Queued[] = [];
  const runs: Queued[] = [];

  const attempt = (write: () => unknown): unknown => {
    try {
      return write();
    } catch (error) {
      return new Failed(error ?? new Error('write failed'));
    }
  };
  const inSavepoint = db.transaction((write: () => unknown) => write());
  /** Run writes taken into the group being written (rejected with it if its commit fails). */
  let taken: Queued[] = [];
  /** Writes the queued events, then (`withRuns`) as many run writes as the budget allows. */
  const commitGroup = db.transaction((appends: readonly Queued[], withRuns: boolean) => {
    const results = appends.map((queued) => attempt(queued.write));
    const started = performance.now();
    while (
      withRuns &&
      runs.length > 0 &&
      (taken.length === 0 || performance.now() - started < runWritesBudgetMs)
    ) {
      const queued = runs.shift()!;
      taken.push(queued);
      // A savepoint per run write: what it wrote is rolled back alone when it throws.
      results.push(attempt(() => inSavepoint(queued.write)));
    }
    return results;
  });

  let scheduled = false;
  let flushing = false;
  /** A commit of the waiting appends is queued for the end of the current task. */
  let atTaskEnd = false;
  const flush = async (withRuns: boolean): Promise<void> => {
    // One group at a time; a flush that finds one being written leaves its work to the next.
    if (flushing || (events.length === 0 && (!withRuns || runs.length === 0))) return;
    flushing = true;
    const group = events;
    events = [];
    taken = [];
    let results: unknown[] | undefined;
    try {
      // A free lock is not taken: the group is written synchronously, so nothing can start a
      // transaction meanwhile. Taking it cost the mutex's promise steps per commit, about a tenth
      // of the main thread's time per paced event (docs/benchmarks-history.md, step 31). Waiting
      // for the gate, the group holds the lock, for the same reason.
      const commit = () => commitGroup(group, withRuns);
      results =
        !lock.isLocked() && gate.tryEnter()
          ? inGate(gate, commit)
          : await lock.runExclusive(() => whenGateFree(gate, commit));
    } catch (error) {
      // Nothing was committed: every write of the group fails.
      for (const queued of [...group, ...taken]) queued.reject(error);
    }
    group.push(...taken);
    flushing = false;
    if (events.length > 0 || runs.length > 0) schedule();
    results?.forEach((result, i) => {
      if (result instanceof Failed) group[i]!.reject(result.error);
      else group[i]!.resolve(result);
    });
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      void flush(true);
    });
  };

  return {
    gate,
    enqueue: <T>(kind: WriteKind, write: () => T) =>
      new Promise<T>((resolve, reject) => {
        const queued = { write, resolve: resolve as (value: unknown) => void, reject };
        if (kind === 'run') runs.push(queued);
        // A second append waiting: both are committed at the end of this task, not of the turn.
        // In a turn where many timers fire (100 paced runs, each emitting an event), events are
        // then committed two by two as they come, not all at the end: figure 2b's median went
        // from 0.7-1.1 to 0.1-0.2 ms and its p99 from 3.6-4.8 to 1.9-2.0 ms, for a fifth more CPU
        // time, and no change without pacing (docs/benchmarks-history.md, step 20).
        else if (events.push(queued) >= 2 && !atTaskEnd) {
          atTaskEnd = true;
          queueMicrotask(() => {
            atTaskEnd = false;
            void flush(false);
          });
        }
        schedule();
      }),
  };
}
