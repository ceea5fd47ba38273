import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisRateCounter } from '../../../src/cluster/redis-rate-counter.js';
import { startTestBridge, type TestBridge } from '../../fixtures/test-bridge.js';
import { deleteRedisPrefix, REDIS_URL } from '../../fixtures/test-backend.js';

const prefix = `bridge-test-${randomUUID().slice(0, 8)}:`;
const connections: Redis[] = [];
let bridges: TestBridge[] = [];

beforeAll(async () => {
  // Two instances on one Redis prefix, without API keys: both count the client's IP in one window.
  const env = { REDIS_URL, BRIDGE_REDIS_PREFIX: prefix, BRIDGE_RATE_LIMIT_PER_MINUTE: '5' };
  bridges = [await startTestBridge({ env }), await startTestBridge({ env })];
});
afterAll(async () => {
  await Promise.all(bridges.map((b) => b.close()));
  for (const connection of connections) connection.disconnect();
  await deleteRedisPrefix(prefix);
});

function connect(): Redis {
  const connection = new Redis(REDIS_URL);
  connections.push(connection);
  return connection;
}

describe('Redis rate counter', () => {
  it('counts hits from several connections in one window that expires', async () => {
    const [a, b] = [connect(), connect()];
    const options = { prefix: `${prefix}unit:`, windowMs: 60_000 };
    const first = await createRedisRateCounter(a, options).hit('k');
    const second = await createRedisRateCounter(b, options).hit('k');
    expect([first.count, second.count]).toEqual([1, 2]);
    const ttl = await a.pttl(`${prefix}unit:k`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await createRedisRateCounter(b, options).undo('k');
    expect((await createRedisRateCounter(a, options).hit('k')).count).toBe(2);
  });

  it('shares the request limit between two bridge instances', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const bridge = bridges[i % 2]!;
      statuses.push((await fetch(`${bridge.url}/threads`)).status);
    }
    // 5 per minute in all: the sixth request is refused, whichever instance it reaches.
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const refused = await fetch(`${bridges[0]!.url}/info`);
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as any).error.code).toBe('RATE_LIMITED');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
