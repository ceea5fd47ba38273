import { Mutex } from 'async-mutex';
import { describe, expect, it } from 'vitest';
import { holdLockDuringTransactions } from '../../../src/store/sqlite/open-sqlite-store.js';
import { createWriteGate, GATE_HOLDERS, GATE_SLOTS } from '../../../src/store/sqlite/write-gate.js';

/** A driver adapter's connection as Prisma uses it: transactions opened and ended, in order. */
function fakeConnection(log: string[]) {
  return {
    startTransaction: async () => {
      log.push('BEGIN');
      return {
        commit: async () => void log.push('COMMIT'),
        rollback: async () => void log.push('ROLLBACK'),
      };
    },
  };
}

const holder = (gate: ReturnType<typeof createWriteGate>) =>
  Atomics.load(new Int32Array(gate.buffer), GATE_SLOTS.holder);

/** A connection whose transactions hold a store lock and a write gate of their own. */
function wrappedConnection() {
  const log: string[] = [];
  const connection = fakeConnection(log);
  const lock = new Mutex();
  const gate = createWriteGate();
  holdLockDuringTransactions(connection, lock, gate);
  return { log, connection, lock, gate };
}

describe("Prisma's transactions on the SQLite store's connection", () => {
  it('hold the store lock and the write gate from BEGIN to their end, committed or rolled back', async () => {
    const { log, connection, lock, gate } = wrappedConnection();
    const tx = await connection.startTransaction();
    // Deferred: a write of the checkpointer's thread between its first read and its first write
    // would make that write fail (SQLITE_BUSY_SNAPSHOT). The thread cannot take the gate now.
    expect(lock.isLocked()).toBe(true);
    expect(holder(gate)).toBe(GATE_HOLDERS.connection);
    await tx.commit();
    expect(lock.isLocked()).toBe(false);
    expect(holder(gate)).toBe(GATE_HOLDERS.free);
    const second = await connection.startTransaction();
    await second.rollback();
    expect(lock.isLocked()).toBe(false);
    expect(holder(gate)).toBe(GATE_HOLDERS.free);
    expect(log).toEqual(['BEGIN', 'COMMIT', 'BEGIN', 'ROLLBACK']);
  });

  it("begin only once the checkpointer's thread has given the gate back", async () => {
    const { log, connection, gate } = wrappedConnection();
    Atomics.store(new Int32Array(gate.buffer), GATE_SLOTS.holder, GATE_HOLDERS.checkpointer);
    const started = connection.startTransaction();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(log).toEqual([]);
    gate.releaseThread();
    const tx = await started;
    expect(log).toEqual(['BEGIN']);
    await tx.commit();
    expect(holder(gate)).toBe(GATE_HOLDERS.free);
  });
});
