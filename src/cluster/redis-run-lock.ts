import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { InternalError } from '../protocol/bridge-error.js';
import type { RunLease, RunLock } from './run-lock.js';

// Renew and release only the lease we hold: compare the token, then act, atomically.
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/** Options of the Redis run lock. */
export interface RedisRunLockOptions {
  prefix: string;
  /** How long a lock outlives its holder's last heartbeat (a crashed holder's lock expires after this). */
  ttlMs: number;
}

/** The run lock on Redis: `SET NX PX` plus a heartbeat every third of the TTL. */
export function createRedisRunLock(redis: Redis, options: RedisRunLockOptions): RunLock {
  const key = (threadId: string) => `${options.prefix}lock:${threadId}`;
  return {
    async acquire(threadId) {
      const token = randomUUID();
      const ok = await redis.set(key(threadId), token, 'PX', options.ttlMs, 'NX');
      if (ok !== 'OK') return null;
      return createLease(redis, key(threadId), token, options.ttlMs);
    },
    isHeld: async (threadId) => (await redis.exists(key(threadId))) === 1,
    close: async () => undefined,
  };
}

function createLease(redis: Redis, key: string, token: string, ttlMs: number): RunLease {
  let markLost!: (error: Error) => void;
  const lost = new Promise<Error>((resolve) => (markLost = resolve));
  let lastRenewed = Date.now();
  let done = false;
  const timer = setInterval(
    () => {
      void (async () => {
        try {
          const renewed = await redis.eval(RENEW, 1, key, token, String(ttlMs));
          if (renewed === 1) lastRenewed = Date.now();
          else
            stop(new InternalError('The run lock was taken over: another instance considered this run dead'));
        } catch (error) {
          // Unreachable for longer than the TTL: someone else may run the thread now.
          if (Date.now() - lastRenewed >= ttlMs)
            stop(new InternalError('Lost the run lock: Redis is unreachable', error));
        }
      })();
    },
    Math.max(50, Math.floor(ttlMs / 3)),
  );
  timer.unref();
  const stop = (error?: Error) => {
    if (done) return;
    done = true;
    clearInterval(timer);
    if (error) markLost(error);
  };
  return {
    lost,
    async release() {
      stop();
      await redis.eval(RELEASE, 1, key, token).catch(() => undefined);
    },
  };
}
