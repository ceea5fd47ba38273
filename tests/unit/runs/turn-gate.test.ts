import { describe, expect, it } from 'vitest';
import { createTurnGate } from '../../../src/runs/turn-gate.js';

describe('turn gate (run starts)', () => {
  it('admits callers in arrival order', async () => {
    const gate = createTurnGate();
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((n) => gate.turn().then(() => order.push(n))));
    expect(order).toEqual([1, 2, 3, 4]);
  });

  it('lets what an admitted caller queues for the next turn run before the next caller', async () => {
    const gate = createTurnGate(1);
    const log: string[] = [];
    await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        gate.turn().then(
          () =>
            new Promise<void>((resolve) => {
              log.push(`${name} admitted`);
              // Like a run's first commit: queued by the start, for the loop's next turn.
              setImmediate(() => {
                log.push(`${name} committed`);
                resolve();
              });
            }),
        ),
      ),
    );
    expect(log).toEqual([
      'a admitted',
      'a committed',
      'b admitted',
      'b committed',
      'c admitted',
      'c committed',
    ]);
  });

  it('admits at most its number of callers per turn', async () => {
    const gate = createTurnGate(3);
    const log: string[] = [];
    let marked = false;
    await Promise.all(
      [1, 2, 3, 4, 5, 6, 7].map((n) =>
        gate.turn().then(() => {
          log.push(`${n}`);
          // Runs once the callers admitted with this one have run, before the next admission.
          if (!marked) setImmediate(() => log.push('turn'));
          marked = true;
        }),
      ),
    );
    expect(log.join(' ')).toBe('1 2 3 turn 4 5 6 7');
  });

  it('admits a caller arriving after a burst has drained', async () => {
    const gate = createTurnGate();
    await Promise.all([gate.turn(), gate.turn()]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await expect(gate.turn()).resolves.toBeUndefined();
  });
});
