import { describe, expect, it } from 'vitest';
import {
  createWriteGate,
  GATE_HOLDERS,
  GATE_SLOTS,
  whenGateFree,
  type WriteGate,
} from '../../../src/store/sqlite/write-gate.js';

/** Takes the gate as the checkpointer's thread does (a compare-and-exchange on the shared slot). */
const holdAsThread = (gate: WriteGate) =>
  Atomics.compareExchange(
    new Int32Array(gate.buffer),
    GATE_SLOTS.holder,
    GATE_HOLDERS.free,
    GATE_HOLDERS.checkpointer,
  );
const commits = (gate: WriteGate) => Atomics.load(new Int32Array(gate.buffer), GATE_SLOTS.commits);
const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('the SQLite write gate (the connection and the checkpointer thread)', () => {
  it('is taken and given back by the connection, counting its commits, and shuts the thread out meanwhile', () => {
    const gate = createWriteGate();
    expect(gate.tryEnter()).toBe(true);
    expect(holdAsThread(gate)).toBe(GATE_HOLDERS.connection);
    gate.leave();
    expect(commits(gate)).toBe(1);
    expect(holdAsThread(gate)).toBe(GATE_HOLDERS.free);
  });

  it('keeps a write of the connection waiting, without holding the event loop, until the thread gives it back', async () => {
    const gate = createWriteGate();
    holdAsThread(gate);
    expect(gate.tryEnter()).toBe(false);
    const order: string[] = [];
    const written = whenGateFree(gate, () => order.push('written'));
    // The loop goes on: timers fire while the write waits.
    await tick();
    order.push('timer');
    expect(order).toEqual(['timer']);
    gate.releaseThread();
    await written;
    expect(order).toEqual(['timer', 'written']);
    expect(commits(gate)).toBe(1);
    // Given back after the write, also when it throws.
    await expect(
      whenGateFree(gate, () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(gate.tryEnter()).toBe(true);
  });

  it('refuses to wait for itself (held by the connection across an await would never be given back)', async () => {
    const gate = createWriteGate();
    gate.tryEnter();
    await expect(gate.free()).rejects.toThrow('write gate entered twice');
  });
});
