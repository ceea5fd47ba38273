/** The transports a thread can be followed over. */
export type LiveTransport = 'sse' | 'ws';

/** How many live subscribers a thread has right now, per transport. */
export interface SubscriberCounts {
  sse: number;
  ws: number;
}

/** What registering a subscriber may carry. */
export interface SubscriberSlotOptions {
  /** Refuse the slot when this many subscribers of the transport already follow the thread. */
  limit?: number;
  /** Ends the subscriber; called by `closeAll` (shutdown). */
  close?: () => void;
}

/** Live subscribers per thread and transport, in this process: limits and `GET /threads/:id` counts. */
export interface SubscriberRegistry {
  /** Takes a slot; returns its release function (idempotent), or null when the limit is reached. */
  acquire(threadId: string, transport: LiveTransport, options?: SubscriberSlotOptions): (() => void) | null;
  counts(threadId: string): SubscriberCounts;
  /** Subscribers of every thread, per transport (for monitoring). */
  totals(): SubscriberCounts;
  /** Ends every subscriber that registered a `close` (e.g. SSE followers at shutdown). */
  closeAll(): void;
}

interface Slot {
  transport: LiveTransport;
  close?: () => void;
}

/** The registry of one process. */
export function createSubscriberRegistry(): SubscriberRegistry {
  const threads = new Map<string, Set<Slot>>();
  const count = (slots: Set<Slot> | undefined, transport: LiveTransport): number => {
    let n = 0;
    for (const slot of slots ?? []) if (slot.transport === transport) n++;
    return n;
  };
  return {
    acquire(threadId, transport, options = {}) {
      let slots = threads.get(threadId);
      if (options.limit !== undefined && count(slots, transport) >= options.limit) return null;
      if (!slots) threads.set(threadId, (slots = new Set()));
      const slot: Slot = { transport, ...(options.close ? { close: options.close } : {}) };
      slots.add(slot);
      return () => {
        slots.delete(slot);
        if (slots.size === 0 && threads.get(threadId) === slots) threads.delete(threadId);
      };
    },
    counts: (threadId) => {
      const slots = threads.get(threadId);
      return { sse: count(slots, 'sse'), ws: count(slots, 'ws') };
    },
    totals() {
      const totals = { sse: 0, ws: 0 };
      for (const slots of threads.values()) for (const slot of slots) totals[slot.transport] += 1;
      return totals;
    },
    closeAll() {
      for (const slots of [...threads.values()]) for (const slot of [...slots]) slot.close?.();
    },
  };
}
