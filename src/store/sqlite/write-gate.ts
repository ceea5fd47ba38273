/** Slots of the gate's shared buffer (32-bit integers). */
export const GATE_SLOTS = {
  /** Who writes: `FREE`, `CONNECTION` (the event loop) or `CHECKPOINTER` (its thread). */
  holder: 0,
  /** The connection's writes through the gate so far (wraps around): a change means a commit. */
  commits: 1,
} as const;

/** The values of `GATE_SLOTS.holder`. */
export const GATE_HOLDERS = { free: 0, connection: 1, checkpointer: 2 } as const;

/**
 * A lock shared between the store's connection, whose writes run on the event loop, and the WAL
 * checkpointer's thread, which writes only to start the WAL over (wal-checkpointer.ts). Without it,
 * a write of the connection meeting the thread's would wait in SQLite's busy handler, which sleeps
 * on the event loop; with it, the connection's write waits for a promise instead, and the thread
 * gives up when the connection is writing.
 *
 * It guards every transaction the store opens on its connection: its own writes, each
 * synchronous (the write queue's group commits, `appendNow`: the streaming path), and Prisma's
 * transactions, from their `BEGIN` to their end (open-sqlite-store.ts). Those begin deferred: a
 * write of the thread's between their first read and their first write would make that write
 * fail (`SQLITE_BUSY_SNAPSHOT`). Each of them takes the gate only with the store's lock held or
 * seen free (a synchronous write, which nothing can interleave), so the connection holds the gate
 * across an await only inside a Prisma transaction, which holds the lock: every other writer
 * waits for the lock first, and nothing waits for the gate then. A single Prisma statement
 * outside a transaction does not take it: it is atomic, and SQLite's busy handler makes it wait
 * for the thread's one write.
 */
export interface WriteGate {
  /** Shared with the checkpointer's thread. */
  readonly buffer: SharedArrayBuffer;
  /** Takes the gate for a write on the event loop; false while the checkpointer's thread holds it. */
  tryEnter(): boolean;
  /** Gives the gate back after the write, counting one of the connection's commits. */
  leave(): void;
  /** Resolves once the checkpointer's thread does not hold the gate. */
  free(): Promise<void>;
  /** Frees the gate if the checkpointer's thread held it when it ended. */
  releaseThread(): void;
}

export function createWriteGate(): WriteGate {
  const buffer = new SharedArrayBuffer(2 * Int32Array.BYTES_PER_ELEMENT);
  const slots = new Int32Array(buffer);
  const { holder, commits } = GATE_SLOTS;
  return {
    buffer,
    tryEnter: () =>
      Atomics.compareExchange(slots, holder, GATE_HOLDERS.free, GATE_HOLDERS.connection) ===
      GATE_HOLDERS.free,
    leave: () => {
      // Counted first: the thread, taking the gate at once, sees this commit.
      Atomics.add(slots, commits, 1);
      // Only the connection's own hold: a stray second leave must not free the thread's.
      Atomics.compareExchange(slots, holder, GATE_HOLDERS.connection, GATE_HOLDERS.free);
    },
    free: async () => {
      // Held by the connection across an await only under the store's lock, which every writer
      // takes first (see above): waiting for it here would never end.
      if (Atomics.load(slots, holder) === GATE_HOLDERS.connection)
        throw new Error('write gate entered twice');
      if (Atomics.load(slots, holder) !== GATE_HOLDERS.checkpointer) return;
      // A wait on shared memory does not keep the process alive, nor does the thread (unreferenced):
      // a process whose last work is this write must not end before it is written.
      const alive = setInterval(() => undefined, 60_000);
      try {
        while (Atomics.load(slots, holder) === GATE_HOLDERS.checkpointer) {
          const result = Atomics.waitAsync(slots, holder, GATE_HOLDERS.checkpointer);
          if (result.async) await result.value;
        }
      } finally {
        clearInterval(alive);
      }
    },
    releaseThread: () => {
      Atomics.compareExchange(slots, holder, GATE_HOLDERS.checkpointer, GATE_HOLDERS.free);
      Atomics.notify(slots, holder);
    },
  };
}

/**
 * Runs `write` (synchronous) holding the gate: at once when it is free, else once the
 * checkpointer's thread has given it back.
 */
export async function whenGateFree<T>(gate: WriteGate, write: () => T): Promise<T> {
  await enterGate(gate);
  return inGate(gate, write);
}

/** Runs `write` (synchronous) in the gate the caller has entered, and gives the gate back. */
export function inGate<T>(gate: WriteGate, write: () => T): T {
  try {
    return write();
  } finally {
    gate.leave();
  }
}

/** Takes the gate, once the checkpointer's thread has given it back if it holds it. */
export async function enterGate(gate: WriteGate): Promise<void> {
  while (!gate.tryEnter()) await gate.free();
}
