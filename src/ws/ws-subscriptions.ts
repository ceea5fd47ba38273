import { EventType } from '@ag-ui/core';
import type { EventBus } from '../live/event-bus.js';
import type { LiveLimits } from '../live/live-limits.js';
import type { SubscriberRegistry } from '../live/subscriber-registry.js';
import { openThreadFeed, type FeedEnd, type ThreadFeed } from '../live/thread-feed.js';
import type { EventLog } from '../store/event-log.js';
import { eventFrame } from './ws-messages.js';
import type { WsSender } from './ws-sender.js';

/** What a socket's subscriptions need. */
export interface WsSubscriptionsDeps {
  log: EventLog;
  bus: EventBus;
  subscribers: SubscriberRegistry;
  limits: LiveLimits;
  maxConnectionsPerThread: number;
  sender: WsSender;
  /** A subscription ended on its own (slow consumer, log failure); it is already gone. */
  onEnd(threadId: string, end: Exclude<FeedEnd, { reason: 'closed' }>): void;
}

/** A slot taken for a run's implicit subscription, opened once the run is accepted. */
export interface RunReservation {
  /** Follows the thread after `after` until `runId`'s terminal event. */
  open(after: number, runId: string): void;
  /** The run was refused: gives the slot back. */
  cancel(): void;
}

/** The threads one socket follows: at most one feed per thread, each holding a registry slot. */
export interface WsSubscriptions {
  /** Follows the thread after `after`, replacing this socket's feed on it; false when the thread is full. */
  subscribe(threadId: string, after: number): boolean;
  unsubscribe(threadId: string): void;
  /** A slot for a run's events; null when the thread is full. Uses the socket's feed when it has one. */
  reserveForRun(threadId: string): RunReservation | null;
  closeAll(): void;
}

interface Subscription {
  feed: ThreadFeed;
  release: () => void;
  /** Set for a run's implicit subscription: it ends with that run's terminal event. */
  runId?: string;
}

/** The subscriptions of one socket. */
export function createWsSubscriptions(deps: WsSubscriptionsDeps): WsSubscriptions {
  const subscriptions = new Map<string, Subscription>();
  const acquire = (threadId: string) =>
    deps.subscribers.acquire(threadId, 'ws', { limit: deps.maxConnectionsPerThread });

  const unsubscribe = (threadId: string): void => {
    const subscription = subscriptions.get(threadId);
    if (!subscription) return;
    subscriptions.delete(threadId);
    subscription.feed.close();
    subscription.release();
  };
  /** The slot this socket holds on the thread (its feed closed), or a new one. */
  const takeSlot = (threadId: string): (() => void) | null => {
    const current = subscriptions.get(threadId);
    if (!current) return acquire(threadId);
    subscriptions.delete(threadId);
    current.feed.close();
    return current.release;
  };
  const follow = (threadId: string, after: number, release: () => void, runId?: string): void => {
    const feed = openThreadFeed(
      {
        log: deps.log,
        bus: deps.bus,
        threadId,
        after,
        maxBuffered: deps.limits.maxBuffered,
        pageSize: deps.limits.pageSize,
      },
      {
        write: (logged) => {
          const pending = deps.sender.send(eventFrame(threadId, logged.seq, logged.json));
          const terminal = logged.type === EventType.RUN_FINISHED || logged.type === EventType.RUN_ERROR;
          const current = subscriptions.get(threadId) === subscription;
          if (terminal && current && subscription.runId === logged.runId) unsubscribe(threadId);
          return pending;
        },
      },
    );
    // The feed writes only after its first log read, so `subscription` exists by then.
    const subscription: Subscription = { feed, release, ...(runId ? { runId } : {}) };
    subscriptions.set(threadId, subscription);
    void feed.ended.then((end) => {
      if (subscriptions.get(threadId) !== subscription) return;
      subscriptions.delete(threadId);
      release();
      if (end.reason !== 'closed') deps.onEnd(threadId, end);
    });
  };

  return {
    subscribe(threadId, after) {
      const release = takeSlot(threadId);
      if (!release) return false;
      follow(threadId, after, release);
      return true;
    },
    unsubscribe,
    reserveForRun(threadId) {
      // A socket that follows the thread gets the run's events from that feed: no second slot.
      const reserved = subscriptions.has(threadId) ? undefined : acquire(threadId);
      if (reserved === null) return null;
      return {
        open(after, runId) {
          const existing = subscriptions.get(threadId);
          if (existing) {
            reserved?.();
            // A run subscription now ends with the new run's terminal event instead.
            if (existing.runId !== undefined) existing.runId = runId;
            return;
          }
          // (Without `reserved`, the feed this socket had ended meanwhile: take its freed slot.)
          const release = reserved ?? acquire(threadId);
          if (release) follow(threadId, after, release, runId);
        },
        cancel: () => reserved?.(),
      };
    },
    closeAll() {
      for (const threadId of [...subscriptions.keys()]) unsubscribe(threadId);
    },
  };
}
