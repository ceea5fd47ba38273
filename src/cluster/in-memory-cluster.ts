import type { ControlChannel, ControlMessage } from './control-channel.js';
import type { RunLease, RunLock } from './run-lock.js';

/** The run lock of a single process: a set of held threads; a lease is never lost. */
export function createInMemoryRunLock(): RunLock {
  const held = new Set<string>();
  return {
    async acquire(threadId) {
      if (held.has(threadId)) return null;
      held.add(threadId);
      let released = false;
      const lease: RunLease = {
        lost: new Promise<Error>(() => undefined),
        release: async () => {
          if (!released) held.delete(threadId);
          released = true;
        },
      };
      return lease;
    },
    isHeld: async (threadId) => held.has(threadId),
    close: async () => undefined,
  };
}

/** The control channel of a single process: handlers are called directly. */
export function createInMemoryControlChannel(): ControlChannel {
  const handlers = new Set<(message: ControlMessage) => void>();
  return {
    publish: async (message) => {
      for (const handler of [...handlers]) handler(message);
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => handlers.delete(handler);
    },
    close: async () => handlers.clear(),
  };
}
