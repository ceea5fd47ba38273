import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { pino } from 'pino';
import { createRedisCluster } from '../../../src/cluster/redis-cluster.js';
import { deleteRedisPrefix, REDIS_URL } from '../../fixtures/test-backend.js';
import { describeEventBusContract } from './event-bus.contract.js';
import { describeRunLockContract } from './run-lock.contract.js';

const logger = pino({ level: 'silent' });
const cluster = (prefix: string, lockTtlMs = 5000) =>
  createRedisCluster({ url: REDIS_URL, prefix, lockTtlMs, logger });

describeEventBusContract('Redis', async () => {
  const prefix = `bus-contract-${randomUUID().slice(0, 8)}:`;
  const c = await cluster(prefix);
  return {
    bus: c.bus,
    dispose: async () => {
      await c.close();
      await deleteRedisPrefix(prefix);
    },
  };
});

describeRunLockContract('Redis', async () => {
  // Two connections as two instances would have them.
  const prefix = `lock-contract-${randomUUID().slice(0, 8)}:`;
  const [a, b] = await Promise.all([cluster(prefix), cluster(prefix)]);
  return {
    first: a.lock,
    second: b.lock,
    dispose: async () => {
      await Promise.all([a.close(), b.close()]);
      await deleteRedisPrefix(prefix);
    },
  };
});

it('Redis run lock: a holder that stops heartbeating loses the lock after its TTL', async () => {
  const prefix = `lock-ttl-${randomUUID().slice(0, 8)}:`;
  const [a, b] = await Promise.all([cluster(prefix, 300), cluster(prefix, 300)]);
  try {
    const lease = await a.lock.acquire('ttl-thread');
    expect(lease).not.toBeNull();
    // The holder "dies": its connections go away without releasing.
    await a.close();
    await expect
      .poll(() => b.lock.acquire('ttl-thread').then((l) => l !== null), { timeout: 5000 })
      .toBe(true);
  } finally {
    await b.close();
    await deleteRedisPrefix(prefix);
  }
});
