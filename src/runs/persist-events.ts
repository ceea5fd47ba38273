import { Observable } from 'rxjs';
import type { BaseEvent } from '@ag-ui/core';
import type { EventLog, LoggedEvent } from '../store/event-log.js';
import { isTerminal } from './run-outcome.js';

/**
 * An AG-UI event with its per-thread sequence number and the JSON that was logged and is sent.
 * It is its own log entry: a batch goes to the log without a copy per event.
 */
export interface SequencedEvent extends LoggedEvent {
  event: BaseEvent;
}

/** What `persistEvents` needs. */
export interface PersistEventsOptions {
  log: EventLog;
  threadId: string;
  runId: string;
  /** The thread's last sequence number before this run. */
  lastSeq: number;
  /**
   * Logs the run's last batch (the one holding the terminal event) and stores the run's end, in
   * one transaction where the store can (`FinishRunInput.events`); the batch is emitted once it
   * resolves. Called once, with no events when the last batch was already logged. Without it, the
   * last batch is appended like any other.
   */
  end?: (batch: readonly SequencedEvent[]) => Promise<void>;
  /** Sees each batch once it is committed (and before its events are emitted): live fan-out. */
  onCommitted?: (events: readonly LoggedEvent[]) => void;
}

/**
 * Numbers and logs events with group commit: events arriving while a batch is being written
 * form the next batch, so a fast agent gets few large transactions and a slow one gets low
 * latency. An event is emitted only after its batch is committed: what a client saw is stored.
 */
export const persistEvents =
  (options: PersistEventsOptions) =>
  (source$: Observable<BaseEvent>): Observable<SequencedEvent> =>
    new Observable<SequencedEvent>((subscriber) => {
      const { runId } = options;
      let seq = options.lastSeq;
      let pending: SequencedEvent[] = [];
      let taken = 0;
      let writing = false;
      // The next batch: at most MAX_BATCH events, so a long burst reaches the client while it is stored.
      const takeBatch = (): SequencedEvent[] => {
        const end = Math.min(taken + MAX_BATCH, pending.length);
        const batch = pending.slice(taken, end);
        taken = end;
        if (taken === pending.length) {
          pending = [];
          taken = 0;
        }
        return batch;
      };
      let sourceDone = false;
      /** A committed batch goes to the live fan-out, then downstream. */
      const emitCommitted = (batch: SequencedEvent[]): void => {
        options.onCommitted?.(batch);
        for (const e of batch) subscriber.next(e);
      };

      // An append of this run awaiting its commit: nothing may be committed past it meanwhile.
      let appending = false;
      /** `options.end` was called: it is called once. */
      let ended = false;
      const flush = async (): Promise<void> => {
        try {
          while (pending.length > taken) {
            const batch = takeBatch();
            // The run's last batch (nothing follows a terminal event) goes in with the run's end.
            const last =
              !ended &&
              options.end !== undefined &&
              (isTerminal(batch[batch.length - 1]!.event) || (sourceDone && pending.length === taken));
            appending = true;
            if (last) ended = true;
            await (last ? options.end!(batch) : options.log.append(options.threadId, batch));
            appending = false;
            // Published after the commit (and, for the last batch, after the run's end is stored).
            emitCommitted(batch);
          }
          // A source that ended without a terminal event, its events already logged.
          if (sourceDone && !ended && options.end) {
            ended = true;
            await options.end([]);
          }
          writing = false;
          if (sourceDone) subscriber.complete();
        } catch (error) {
          subscriber.error(error);
        }
      };
      const schedule = (): void => {
        // A synchronous burst of events accumulates into one batch before the microtask runs; events
        // arriving while a batch is written wait for the next one. The log's own group commit
        // (one transaction per turn of the event loop) then joins the batches of every run.
        if (writing) return;
        writing = true;
        queueMicrotask(() => void flush());
      };

      // In a long synchronous burst, every SYNC_BATCH events are committed and emitted at once
      // where the log can commit synchronously: the client reads the first while the agent makes
      // the rest (otherwise nothing leaves before the whole burst has been made).
      const appendNow = options.log.appendNow?.bind(options.log);
      /** Commits and emits the pending events but the last `keep`. */
      const commitNow = (keep = 0): void => {
        const batch = pending.slice(taken, pending.length - keep);
        try {
          // Not now (a transaction is open): the batch goes the usual way.
          if (!appendNow!(options.threadId, batch)) return schedule();
        } catch (error) {
          return subscriber.error(error);
        }
        pending = pending.slice(pending.length - keep);
        taken = 0;
        emitCommitted(batch);
        if (keep > 0) schedule();
      };

      const subscription = source$.subscribe({
        next: (event) => {
          pending.push({ seq: ++seq, runId, type: event.type, event, json: JSON.stringify(event) });
          // Never the terminal event: it is emitted only once the run's end is stored (`end`).
          if (appendNow && !appending && pending.length - taken >= SYNC_BATCH && !isTerminal(event))
            commitNow();
          else schedule();
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          sourceDone = true;
          // A run that ends in the task that made its events (a burst) has them committed and
          // emitted now, all but the last (the terminal event waits for the run's end to be stored):
          // on a microtask they waited behind every other run resumed in the same task.
          if (appendNow && !appending && pending.length - taken > 1) commitNow(1);
          else schedule();
        },
      });
      return () => subscription.unsubscribe();
    });

/** The most events one append writes (one transaction). */
const MAX_BATCH = 1000;

/** Events of a synchronous burst committed and emitted together (`EventLog.appendNow`). */
const SYNC_BATCH = 256;
