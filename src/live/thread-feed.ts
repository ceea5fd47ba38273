import type { EventLog, LoggedEvent } from '../store/event-log.js';
import type { EventBus } from './event-bus.js';
import { DEFAULT_LIVE_LIMITS } from './live-limits.js';

/** Where a feed delivers, one event at a time, in `seq` order. */
export interface FeedSink {
  /**
   * Writes one event. A returned promise means the transport is over its buffer limit: the feed
   * writes nothing more until it settles (it must settle when the transport closes, too).
   */
  write(event: LoggedEvent): void | Promise<void>;
  /**
   * Called (and awaited) whenever everything known has been delivered: replay done, nothing
   * queued. Answering `true` makes the feed read the log again (something was logged that the bus
   * has not brought yet), then call `idle` again.
   */
  idle?(): void | boolean | Promise<void | boolean>;
}

/** Why a feed ended. */
export type FeedEnd =
  | { reason: 'closed' }
  /** More than `maxBuffered` live events waited for this subscriber; it can resume after `lastSeq`. */
  | { reason: 'slow_consumer'; lastSeq: number }
  | { reason: 'failed'; error: unknown };

/** A running subscription to one thread's events. */
export interface ThreadFeed {
  /** The `seq` of the last event handed to the sink. */
  readonly lastSeq: number;
  /** Settles once, when the feed ends for any reason. */
  readonly ended: Promise<FeedEnd>;
  /** Ends the feed (idempotent); `ended` settles with `closed`. */
  close(): void;
}

/** What a feed reads and follows. */
export interface ThreadFeedOptions {
  log: EventLog;
  bus: EventBus;
  threadId: string;
  /** Deliver events with `seq > after`. */
  after: number;
  /** Live events allowed to wait for this subscriber while its transport is full, before it is dropped. */
  maxBuffered?: number;
  /** Events per log read while replaying. */
  pageSize?: number;
}

/**
 * Replays a thread's events after `after` from the log, then follows the bus, with no gap and no
 * duplicate at the seam: the bus is subscribed before the first read, live events are queued while
 * the log is replayed, and the queue is drained skipping every `seq` already delivered. A live
 * batch that starts past the next expected `seq` (a bus that lost something) is filled from the
 * log, which holds every published event. The sink is written one event at a time and may push
 * back; a subscriber that pushes back while more than `maxBuffered` live events wait for it is
 * dropped (it resumes by `seq`): neither the run nor other subscribers ever wait for it. While it
 * replays from the log it is not dropped: the live events that pile up are discarded and read
 * from the log after the replay.
 */
export function openThreadFeed(options: ThreadFeedOptions, sink: FeedSink): ThreadFeed {
  const maxBuffered = options.maxBuffered ?? DEFAULT_LIVE_LIMITS.maxBuffered;
  const pageSize = options.pageSize ?? DEFAULT_LIVE_LIMITS.pageSize;
  const queue = createSeqQueue();
  let last = options.after;
  let done = false;
  /** The sink pushed back and has not taken the last write yet. */
  let blocked = false;
  /** Replaying from the log: live events queued meanwhile are only a hint (the log has them). */
  let replaying = false;
  /** Live events were discarded during a replay: the log is read again before the queue. */
  let skipped = false;
  let wake: (() => void) | undefined;
  let settle!: (end: FeedEnd) => void;
  const ended = new Promise<FeedEnd>((resolve) => (settle = resolve));

  const finish = (end: FeedEnd): void => {
    if (done) return;
    done = true;
    unsubscribe();
    queue.clear();
    wake?.();
    settle(end);
  };
  const unsubscribe = options.bus.subscribe(options.threadId, (events) => {
    if (done) return;
    queue.push(events, last);
    if (queue.size <= maxBuffered) wake?.();
    else if (replaying) {
      // A subscriber reading history at its own pace is not behind the live stream: the events
      // waiting are in the log, and it reads them there once this replay is done.
      queue.clear();
      skipped = true;
    } else if (blocked) finish({ reason: 'slow_consumer', lastSeq: last });
    else wake?.();
  });

  const deliver = async (event: LoggedEvent): Promise<void> => {
    last = event.seq;
    const pending = sink.write(event);
    if (!pending) return;
    // Behind = the transport is full *and* more than `maxBuffered` live events wait; a big batch
    // that a subscriber is taking as fast as it comes does not count, nor does a replay.
    if (!replaying && queue.size > maxBuffered) return finish({ reason: 'slow_consumer', lastSeq: last });
    blocked = true;
    await pending;
    blocked = false;
  };
  /** Delivers logged events after `last`, up to `until`, page by page. */
  const catchUp = async (until: number): Promise<void> => {
    replaying = true;
    try {
      for (;;) {
        const page = await options.log.read(options.threadId, last, pageSize);
        for (const event of page) {
          if (done || event.seq > until) return;
          if (event.seq > last) await deliver(event);
        }
        if (page.length < pageSize || done) return;
      }
    } finally {
      replaying = false;
    }
  };
  const pump = async (): Promise<void> => {
    await catchUp(Number.POSITIVE_INFINITY);
    while (!done) {
      if (skipped) {
        skipped = false;
        await catchUp(Number.POSITIVE_INFINITY);
        continue;
      }
      const next = queue.shift(last);
      if (next) {
        if (next.seq > last + 1) await catchUp(next.seq - 1);
        if (!done && next.seq > last) await deliver(next);
        continue;
      }
      if ((await sink.idle?.()) === true) {
        await catchUp(Number.POSITIVE_INFINITY);
        continue;
      }
      if (done || queue.size > 0) continue;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  };
  pump().then(
    () => finish({ reason: 'closed' }),
    (error: unknown) => finish({ reason: 'failed', error }),
  );

  return {
    get lastSeq() {
      return last;
    },
    ended,
    close: () => finish({ reason: 'closed' }),
  };
}

/** A FIFO of live events that drops what is already delivered, without O(n) shifts. */
function createSeqQueue() {
  let items: LoggedEvent[] = [];
  let head = 0;
  const dropDelivered = (last: number): void => {
    while (head < items.length && items[head]!.seq <= last) head++;
    if (head > 1024 && head * 2 > items.length) {
      items = items.slice(head);
      head = 0;
    }
  };
  return {
    get size() {
      return items.length - head;
    },
    push(events: readonly LoggedEvent[], last: number): void {
      dropDelivered(last);
      for (const event of events) if (event.seq > last) items.push(event);
    },
    shift(last: number): LoggedEvent | undefined {
      dropDelivered(last);
      return head < items.length ? items[head++] : undefined;
    },
    clear(): void {
      items = [];
      head = 0;
    },
  };
}
