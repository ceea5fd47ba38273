import type { LoggedEvent } from '../store/event-log.js';

/** Receives a thread's events in batches, in `seq` order, after they are in the log. */
export type EventBusListener = (events: readonly LoggedEvent[]) => void;

/**
 * Live fan-out of logged events per thread. Publishers call `publish` only after the events are
 * committed to the event log, so a subscriber can always fill a gap from the log by `seq`.
 * Implementations: in-memory (one process), Redis (many instances).
 */
export interface EventBus {
  publish(threadId: string, events: readonly LoggedEvent[]): void;
  /** Returns the unsubscribe function. */
  subscribe(threadId: string, listener: EventBusListener): () => void;
}
