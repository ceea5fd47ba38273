import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { LoggedEvent } from '../store/event-log.js';
import type { EventBus, EventBusListener } from './event-bus.js';

const STREAM_TTL_MS = 24 * 60 * 60 * 1000;

/** Options of the Redis event bus. */
export interface RedisEventBusOptions {
  prefix: string;
  /** Batches kept per thread stream (approximate trim); older events are read from the database. */
  maxLen: number;
  /** How far back (ms) a new subscription starts reading its thread's stream: covers the race with its log replay. */
  lookbackMs: number;
  logger: Logger;
}

/** The EventBus on Redis: also closes the dedicated reader connection. */
export interface RedisEventBus extends EventBus {
  close(): Promise<void>;
}

/**
 * The event bus across instances: one Redis Stream per thread, one entry per committed batch.
 * Every instance reads the streams its local subscribers need with one blocking XREAD loop, so a
 * subscriber on instance B follows a run on instance A; the database stays the source of truth
 * (subscribers fill gaps from the event log by `seq`). `reader` must be a connection of its own.
 */
export async function createRedisEventBus(
  writer: Redis,
  reader: Redis,
  options: RedisEventBusOptions,
): Promise<RedisEventBus> {
  const key = (threadId: string) => `${options.prefix}events:${threadId}`;
  const listeners = new Map<string, Set<EventBusListener>>();
  const cursors = new Map<string, string>();
  const [seconds, micros] = (await writer.time()) as unknown as [string, string];
  const clockOffset = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - Date.now();
  const readerId = (await reader.client('ID')) as number;
  let closed = false;
  let blocked = false;
  let wake: (() => void) | undefined;

  const parse = (fields: string[]): LoggedEvent[] =>
    fields[1] ? (JSON.parse(fields[1]) as LoggedEvent[]) : [];
  const deliver = (threadId: string, fields: string[]) => {
    const batch = parse(fields);
    for (const listener of [...(listeners.get(threadId) ?? [])]) listener(batch);
  };
  const startId = () => `${Date.now() + clockOffset - options.lookbackMs}-0`;
  const interrupt = () => {
    if (blocked) void writer.client('UNBLOCK', readerId).catch(() => undefined);
    wake?.();
  };
  const loop = async () => {
    while (!closed) {
      const threads = [...cursors.keys()];
      if (threads.length === 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
        continue;
      }
      try {
        blocked = true;
        const result = await reader.xread(
          'COUNT',
          1000,
          'BLOCK',
          5000,
          'STREAMS',
          ...threads.map(key),
          ...threads.map((t) => cursors.get(t)!),
        );
        blocked = false;
        for (const [streamKey, entries] of result ?? []) {
          const threadId = streamKey.slice(key('').length);
          for (const [id, fields] of entries) {
            if (!cursors.has(threadId)) break;
            cursors.set(threadId, id);
            deliver(threadId, fields);
          }
        }
      } catch (error) {
        blocked = false;
        if (closed) return;
        // UNBLOCK makes XREAD fail on purpose; anything else is Redis trouble: retry after a pause.
        if (!String(error).includes('UNBLOCKED')) {
          options.logger.warn({ err: error }, 'redis event bus read failed');
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    }
  };
  void loop();

  return {
    publish(threadId, events) {
      if (events.length === 0) return;
      // A stream idle for a day expires: the database has everything, the stream only the recent past.
      writer
        .multi()
        .xadd(key(threadId), 'MAXLEN', '~', options.maxLen, '*', 'batch', serialize(events))
        .pexpire(key(threadId), STREAM_TTL_MS)
        .exec()
        .catch((error: unknown) =>
          options.logger.warn({ err: error, threadId }, 'redis event bus publish failed'),
        );
    },
    subscribe(threadId, listener) {
      let set = listeners.get(threadId);
      if (!set) {
        set = new Set();
        listeners.set(threadId, set);
        cursors.set(threadId, startId());
        interrupt();
      } else {
        // The shared read is past the lookback: give this listener the recent entries itself.
        void writer
          .xrange(key(threadId), startId(), '+')
          .then((entries) => entries.forEach(([, fields]) => set!.has(listener) && listener(parse(fields))))
          .catch(() => undefined);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size > 0 || listeners.get(threadId) !== set) return;
        listeners.delete(threadId);
        cursors.delete(threadId);
        interrupt();
      };
    },
    async close() {
      closed = true;
      interrupt();
      reader.disconnect();
    },
  };
}

/** The log entries' own fields only (a publisher may hand over richer objects). */
function serialize(events: readonly LoggedEvent[]): string {
  return JSON.stringify(events.map(({ seq, runId, type, json }) => ({ seq, runId, type, json })));
}
