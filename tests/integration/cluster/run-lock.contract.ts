import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunLock } from '../../../src/cluster/run-lock.js';

/** A RunLock under test (two handles as two instances would hold them) and how to dispose of it. */
export interface LockUnderTest {
  first: RunLock;
  second: RunLock;
  dispose(): Promise<void>;
}

/** The behaviour every RunLock implementation must have (in-memory and Redis run it). */
export function describeRunLockContract(name: string, make: () => Promise<LockUnderTest>): void {
  describe(`${name} run lock contract`, () => {
    let subject: LockUnderTest;
    beforeAll(async () => {
      subject = await make();
    });
    afterAll(() => subject.dispose());

    it('gives a thread to one holder at a time, across holders, until it is released', async () => {
      const lease = await subject.first.acquire('lock-1');
      expect(lease).not.toBeNull();
      expect(await subject.second.acquire('lock-1')).toBeNull();
      expect(await subject.first.acquire('lock-1')).toBeNull();
      expect(await subject.second.isHeld('lock-1')).toBe(true);
      expect(await subject.second.acquire('lock-2')).not.toBeNull();
      await lease!.release();
      expect(await subject.first.isHeld('lock-1')).toBe(false);
      const next = await subject.second.acquire('lock-1');
      expect(next).not.toBeNull();
      await next!.release();
    });

    it('lets only one of many concurrent acquirers win', async () => {
      const leases = await Promise.all(
        Array.from({ length: 20 }, (_, i) => (i % 2 ? subject.first : subject.second).acquire('lock-race')),
      );
      expect(leases.filter((l) => l !== null)).toHaveLength(1);
      await leases.find((l) => l !== null)!.release();
    });
  });
}
