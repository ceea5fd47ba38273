import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventBus } from '../../../src/live/event-bus.js';
import type { LoggedEvent } from '../../../src/store/event-log.js';

/** An EventBus under test and how to dispose of it. */
export interface BusUnderTest {
  bus: EventBus;
  dispose(): Promise<void>;
}

const batch = (from: number, count: number, runId = 'r'): LoggedEvent[] =>
  Array.from({ length: count }, (_, i) => ({
    seq: from + i,
    runId,
    type: 'CUSTOM',
    json: `{"n":${from + i}}`,
  }));

/** Waits until `received` holds `count` events (bounded by the test timeout). */
async function until(received: LoggedEvent[], count: number): Promise<void> {
  await expect.poll(() => received.length, { timeout: 5000 }).toBeGreaterThanOrEqual(count);
}

/** The behaviour every EventBus implementation must have (in-memory and Redis run it). */
export function describeEventBusContract(name: string, make: () => Promise<BusUnderTest>): void {
  describe(`${name} event bus contract`, () => {
    let subject: BusUnderTest;
    beforeAll(async () => {
      subject = await make();
    });
    afterAll(() => subject.dispose());

    it('delivers batches published after subscribing, in order, to every subscriber of the thread', async () => {
      const a: LoggedEvent[] = [];
      const b: LoggedEvent[] = [];
      const offA = subject.bus.subscribe('bus-1', (events) => a.push(...events));
      const offB = subject.bus.subscribe('bus-1', (events) => b.push(...events));
      subject.bus.publish('bus-1', batch(1, 3));
      subject.bus.publish('bus-1', batch(4, 2));
      await until(a, 5);
      await until(b, 5);
      // A subscriber may also get recent batches from before it subscribed; never a gap or disorder.
      const seqs = (events: LoggedEvent[]) =>
        events.map((e) => e.seq).filter((s, i, all) => all.indexOf(s) === i);
      expect(seqs(a)).toEqual([1, 2, 3, 4, 5]);
      expect(seqs(b)).toEqual([1, 2, 3, 4, 5]);
      expect(a.at(-1)).toEqual({ seq: 5, runId: 'r', type: 'CUSTOM', json: '{"n":5}' });
      offA();
      offB();
    });

    it('keeps threads apart and stops delivering after unsubscribe', async () => {
      const one: LoggedEvent[] = [];
      const two: LoggedEvent[] = [];
      const offOne = subject.bus.subscribe('bus-a', (events) => one.push(...events));
      const offTwo = subject.bus.subscribe('bus-b', (events) => two.push(...events));
      subject.bus.publish('bus-a', batch(1, 1));
      subject.bus.publish('bus-b', batch(1, 2));
      await until(one, 1);
      await until(two, 2);
      offOne();
      subject.bus.publish('bus-a', batch(2, 1));
      subject.bus.publish('bus-b', batch(3, 1));
      await until(two, 3);
      expect(one.map((e) => e.seq)).toEqual([1]);
      expect(two.map((e) => e.seq)).toEqual([1, 2, 3]);
      offTwo();
    });
  });
}
