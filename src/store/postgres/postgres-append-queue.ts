import type { EventBatchRow } from '../event-batches.js';

/** One append: the batch rows of one thread, to go in together or not at all. */
export interface QueuedAppend {
  threadId: string;
  rows: readonly EventBatchRow[];
}

/**
 * Writes a group of appends of distinct threads; resolves with one outcome per append, in order:
 * `undefined` when its rows are committed, else why not (that append alone fails).
 */
export type WriteAppendGroup = (group: readonly QueuedAppend[]) => Promise<readonly (Error | undefined)[]>;

/** See `createPostgresAppendQueue`. */
export interface PostgresAppendQueue {
  /** Resolves once the append's rows are committed; rejects with the reason it was refused. */
  enqueue(append: QueuedAppend): Promise<void>;
}

/**
 * Statements in flight at once. One or two measured alike (docs/benchmarks-history.md); with two,
 * a statement waiting on a row lock (another instance writing the same thread) does not hold up
 * every other thread's appends.
 */
export const MAX_STATEMENTS_IN_FLIGHT = 2;

/** Characters of event text one statement carries at most (a group is at least one append). */
export const MAX_GROUP_CHARS = 8 * 1024 * 1024;

interface Waiting extends QueuedAppend {
  resolve(): void;
  reject(error: unknown): void;
}

/**
 * Group commit for the PostgreSQL event log, across threads: the appends queued while the
 * statements in flight run (or in the same loop turn) are written by the next statement, all of
 * them, so 100 paced runs cost a few statements per round trip instead of one each. A group holds
 * one append per thread, of a thread with none in flight: the sequence check of a statement sees
 * the log as it was when the statement began, so a thread's next append waits for the statement
 * writing its previous one, and appends of one thread go in the order they were made.
 */
export function createPostgresAppendQueue(writeGroup: WriteAppendGroup): PostgresAppendQueue {
  let waiting: Waiting[] = [];
  /** Threads with an append in a statement in flight. */
  const busy = new Set<string>();
  let inFlight = 0;
  let scheduled = false;

  /** The next group, in queue order; what it leaves keeps its order for the next one. */
  const takeGroup = (): Waiting[] => {
    const group: Waiting[] = [];
    const rest: Waiting[] = [];
    const held = new Set(busy);
    let chars = 0;
    for (const queued of waiting) {
      if (held.has(queued.threadId) || chars >= MAX_GROUP_CHARS) rest.push(queued);
      else {
        group.push(queued);
        for (const row of queued.rows) chars += row.data.length + row.types.length;
      }
      held.add(queued.threadId);
    }
    waiting = rest;
    return group;
  };

  const write = async (group: Waiting[]): Promise<void> => {
    let outcomes: readonly unknown[];
    try {
      outcomes = await writeGroup(group);
    } catch (error) {
      outcomes = group.map(() => error ?? new Error('append failed'));
    }
    inFlight--;
    for (const queued of group) busy.delete(queued.threadId);
    schedule();
    group.forEach((queued, i) => {
      const outcome = outcomes[i];
      if (outcome === undefined) queued.resolve();
      else queued.reject(outcome);
    });
  };

  const flush = (): void => {
    scheduled = false;
    while (inFlight < MAX_STATEMENTS_IN_FLIGHT && waiting.length > 0) {
      const group = takeGroup();
      if (group.length === 0) return;
      inFlight++;
      for (const queued of group) busy.add(queued.threadId);
      void write(group);
    }
  };
  // At the end of the loop turn: every append the turn's timers and I/O made joins the group, and
  // after a statement, every append its commit let the runs make (they emit, then append again).
  const schedule = (): void => {
    if (scheduled || waiting.length === 0 || inFlight >= MAX_STATEMENTS_IN_FLIGHT) return;
    scheduled = true;
    setImmediate(flush);
  };

  return {
    enqueue: (append) =>
      new Promise<void>((resolve, reject) => {
        waiting.push({ ...append, resolve, reject });
        schedule();
      }),
  };
}
