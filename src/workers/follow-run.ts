import { Observable } from 'rxjs';
import type { BaseEvent } from '@ag-ui/core';
import type { EventBus } from '../live/event-bus.js';
import { openThreadFeed } from '../live/thread-feed.js';
import type { SequencedEvent } from '../runs/persist-events.js';
import { isTerminal } from '../runs/run-outcome.js';
import type { EventLog } from '../store/event-log.js';

/** What following one run needs. */
export interface FollowRunOptions {
  log: EventLog;
  bus: EventBus;
  threadId: string;
  runId: string;
  /** The thread's last `seq` before the run. */
  after: number;
  /** Called once the feed listens (live events from then on cannot be missed). */
  onOpen?: () => void;
}

/**
 * A run executing elsewhere, as the events its executor logged: replayed from the log after
 * `after`, then followed live, until the run's terminal event (which the executor, or the
 * orphan reaper if the executor died, always logs).
 */
export function followRun(options: FollowRunOptions): Observable<SequencedEvent> {
  return new Observable<SequencedEvent>((subscriber) => {
    const { log, bus, threadId, runId, after } = options;
    const feed = openThreadFeed(
      { log, bus, threadId, after },
      {
        write: ({ seq, runId: of, json }) => {
          if (of !== runId || subscriber.closed) return;
          // Our own log, written by the run pipeline from a validated event: no schema needed.
          const event = JSON.parse(json) as BaseEvent;
          subscriber.next({ seq, runId: of, type: event.type, event, json });
          if (isTerminal(event)) subscriber.complete();
        },
      },
    );
    void feed.ended.then((end) => {
      if (end.reason === 'failed') subscriber.error(end.error);
      else if (end.reason === 'slow_consumer') subscriber.error(new Error('run feed fell behind'));
      // `closed` is this subscription's own teardown.
    });
    options.onOpen?.();
    return () => feed.close();
  });
}
