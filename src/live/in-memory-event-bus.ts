import type { EventBus, EventBusListener } from './event-bus.js';

/** The EventBus of a single process: a listener set per thread, called synchronously. */
export function createInMemoryEventBus(): EventBus {
  const listeners = new Map<string, Set<EventBusListener>>();
  return {
    publish(threadId, events) {
      const set = listeners.get(threadId);
      if (!set || events.length === 0) return;
      for (const listener of [...set]) listener(events);
    },
    subscribe(threadId, listener) {
      let set = listeners.get(threadId);
      if (!set) {
        set = new Set();
        listeners.set(threadId, set);
      }
      set.add(listener);
      return () => {
        set.delete(listener);
        if (set.size === 0 && listeners.get(threadId) === set) listeners.delete(threadId);
      };
    },
  };
}
