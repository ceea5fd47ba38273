import type { Redis } from 'ioredis';
import type { RateCounter } from './rate-counter.js';

// INCR and PEXPIRE in one script: a crash between them would leave a counter that never resets.
const HIT = `
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return { count, ttl }`;

/** Fixed-window counters in Redis (INCR + PEXPIRE), shared by every instance on the same prefix. */
export function createRedisRateCounter(
  redis: Redis,
  options: { prefix: string; windowMs: number; now?: () => number },
): RateCounter {
  const now = options.now ?? Date.now;
  const keyOf = (key: string): string => `${options.prefix}${key}`;
  return {
    async hit(key) {
      const [count, ttl] = (await redis.eval(HIT, 1, keyOf(key), options.windowMs)) as [number, number];
      return { count, resetAt: now() + ttl };
    },
    async undo(key) {
      await redis.decr(keyOf(key));
    },
    async reset(key) {
      await redis.del(keyOf(key));
    },
  };
}
