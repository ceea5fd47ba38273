import { Redis } from 'ioredis';
import { Queue, QueueEvents } from 'bullmq';
import type { Logger } from 'pino';
import { bullPrefix, RUN_QUEUE, type RunJobData } from './run-job.js';

/** The BullMQ side of a web instance: the queue, its events, and a command connection. */
export interface RunQueue {
  queue: Queue<RunJobData>;
  queueEvents: QueueEvents;
  redis: Redis;
  /** Closes what `shutdown` of the queued run service has not (idempotent). */
  close(): Promise<void>;
}

/** A Redis connection BullMQ accepts (its blocking reads need `maxRetriesPerRequest: null`). */
export function connectForBullMq(url: string, logger: Logger): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  redis.on('error', (error) => logger.debug({ err: error }, 'redis connection error (queue)'));
  return redis;
}

/** Opens the run queue and starts listening to its events before any job is added. */
export async function openRunQueue(options: {
  url: string;
  prefix: string;
  logger: Logger;
}): Promise<RunQueue> {
  const prefix = bullPrefix(options.prefix);
  const redis = connectForBullMq(options.url, options.logger);
  const queue = new Queue<RunJobData>(RUN_QUEUE, { connection: redis, prefix });
  // Read events from the stream's current end, fixed now: events of jobs added from here on
  // cannot fall between "ready" and the first blocking read.
  const [last] = await redis.xrevrange(`${prefix}:${RUN_QUEUE}:events`, '+', '-', 'COUNT', 1);
  const listener = connectForBullMq(options.url, options.logger);
  const queueEvents = new QueueEvents(RUN_QUEUE, {
    connection: listener,
    prefix,
    lastEventId: last?.[0] ?? '0-0',
  });
  queueEvents.on('error', (error) => options.logger.warn({ err: error }, 'run queue events error'));
  await Promise.all([queue.waitUntilReady(), queueEvents.waitUntilReady()]);
  return {
    queue,
    queueEvents,
    redis,
    async close() {
      await queueEvents.close().catch(() => undefined);
      await queue.close().catch(() => undefined);
      redis.disconnect();
      listener.disconnect();
    },
  };
}
