import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { createRedisEventBus } from '../live/redis-event-bus.js';
import type { EventBus } from '../live/event-bus.js';
import type { ControlChannel } from './control-channel.js';
import { createRedisControlChannel } from './redis-control-channel.js';
import type { RateCounter } from './rate-counter.js';
import { createRedisRateCounter } from './redis-rate-counter.js';
import { createRedisRunLock } from './redis-run-lock.js';
import type { RunLock } from './run-lock.js';

/** Everything that makes several instances one bridge, over one Redis. */
export interface RedisCluster {
  bus: EventBus;
  lock: RunLock;
  control: ControlChannel;
  /** Fixed-window counters shared by every instance (rate limits), one namespace per `name`. */
  rateCounter(name: string, windowMs: number): RateCounter;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Options of the Redis-backed cluster pieces. */
export interface RedisClusterOptions {
  url: string;
  prefix: string;
  lockTtlMs: number;
  logger: Logger;
}

/** Connects to Redis (three connections: commands, stream reads, pub/sub) and builds bus, lock and control. */
export async function createRedisCluster(options: RedisClusterOptions): Promise<RedisCluster> {
  // Commands fail fast while Redis is away, so lock heartbeats notice; blocking reads get no timeout.
  const common = { maxRetriesPerRequest: 2, connectTimeout: 5000, lazyConnect: true };
  const commands = new Redis(options.url, { ...common, commandTimeout: 3000 });
  const reader = new Redis(options.url, common);
  const subscriber = new Redis(options.url, common);
  for (const connection of [commands, reader, subscriber]) {
    connection.on('error', (error) => options.logger.debug({ err: error }, 'redis connection error'));
    await connection.connect();
  }
  const bus = await createRedisEventBus(commands, reader, {
    prefix: options.prefix,
    maxLen: 1000,
    lookbackMs: 10_000,
    logger: options.logger,
  });
  const lock = createRedisRunLock(commands, { prefix: options.prefix, ttlMs: options.lockTtlMs });
  const control = createRedisControlChannel(commands, subscriber, options.prefix);
  return {
    bus,
    lock,
    control,
    rateCounter: (name, windowMs) =>
      createRedisRateCounter(commands, { prefix: `${options.prefix}ratelimit:${name}:`, windowMs }),
    ping: async () => {
      await commands.ping();
    },
    async close() {
      await control.close();
      await bus.close();
      subscriber.disconnect();
      await commands.quit().catch(() => commands.disconnect());
    },
  };
}
