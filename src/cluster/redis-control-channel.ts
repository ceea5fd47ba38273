import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { ControlChannel, ControlMessage } from './control-channel.js';

const ControlMessageSchema = z.object({ type: z.enum(['stop', 'pause']), threadId: z.string() });

/** Control messages over Redis pub/sub; `subscriber` must be a connection of its own. */
export function createRedisControlChannel(
  publisher: Redis,
  subscriber: Redis,
  prefix: string,
): ControlChannel {
  const channel = `${prefix}control`;
  const handlers = new Set<(message: ControlMessage) => void>();
  void subscriber.subscribe(channel);
  subscriber.on('message', (from: string, text: string) => {
    if (from !== channel) return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return;
    }
    const parsed = ControlMessageSchema.safeParse(value);
    if (!parsed.success) return;
    for (const handler of [...handlers]) handler(parsed.data);
  });
  return {
    publish: async (message) => {
      await publisher.publish(channel, JSON.stringify(message));
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    close: async () => {
      handlers.clear();
      await subscriber.unsubscribe(channel).catch(() => undefined);
    },
  };
}
