import { compactEvents } from '@ag-ui/client';
import { EventType, type BaseEvent } from '@ag-ui/core';
import type { EventLog, LoggedEvent } from '../store/event-log.js';
import type { ThreadStore } from '../store/thread-store.js';
import type { EventBus } from './event-bus.js';
import { createInputEcho } from './input-echo.js';
import { DEFAULT_LIVE_LIMITS, type LiveLimits } from './live-limits.js';
import { openThreadFeed, type FeedEnd } from './thread-feed.js';

/** One event of a history stream: `seq` when it is a logged event sent as logged. */
export interface HistoryFrame {
  event: BaseEvent;
  json: string;
  seq?: number;
}

/** Where a history stream goes; a returned promise is backpressure (see `FeedSink.write`). */
export interface HistoryOutput {
  send(frame: HistoryFrame): void | Promise<void>;
}

/** How a history stream ended: `complete` is the normal end (history, then the in-flight run). */
export type HistoryEnd = { reason: 'complete' } | FeedEnd;

/** What a history stream reads. */
export interface ThreadHistoryDeps {
  log: EventLog;
  bus: EventBus;
  /** Stored runs say which run is in flight (in any process): `running` until its end is stored. */
  threads: Pick<ThreadStore, 'messages' | 'runs'>;
  now: () => number;
  limits?: Partial<LiveLimits>;
}

/** A running history stream. */
export interface ThreadHistory {
  readonly ended: Promise<HistoryEnd>;
  close(): void;
}

/** The message of the `RUN_ERROR` that closes a logged run that never ended (not logged itself). */
export const UNTERMINATED_RUN_MESSAGE =
  'The run ended without a terminal event: the worker running it stopped';

/**
 * Streams a thread's history as one valid AG-UI stream (what `POST /agent/:id/connect` sends):
 * every logged run in order, each `RUN_STARTED` with an `input` echo of the messages clients sent
 * (`createInputEcho`), finished runs compacted with `compactEvents` when asked; then the in-flight
 * run live until its terminal event; then the end. A logged run with no terminal event and no
 * active run (its process died) is closed with a `RUN_ERROR` that is sent but not logged.
 */
export function streamThreadHistory(
  deps: ThreadHistoryDeps,
  request: { threadId: string; compact: boolean },
  output: HistoryOutput,
): ThreadHistory {
  const limits = { ...DEFAULT_LIVE_LIMITS, ...deps.limits };
  const { threadId, compact } = request;
  const echo = createInputEcho({ log: deps.log, threads: deps.threads, threadId, pageSize: limits.pageSize });
  let held: HistoryFrame[] = [];
  let openRunId: string | undefined;
  let lastFinishedRunId: string | undefined;
  /** The last logged event handed to `write`. */
  let delivered = 0;
  /** The run being streamed live; the stream ends with its terminal event. */
  let following: string | undefined;
  let settle!: (end: HistoryEnd) => void;
  const ended = new Promise<HistoryEnd>((resolve) => (settle = resolve));

  const emit = async (frames: HistoryFrame[]): Promise<void> => {
    for (const frame of frames) await output.send(frame);
  };
  const flushRun = async (compactIt: boolean): Promise<void> => {
    const frames = held;
    held = [];
    await emit(compactIt ? compactFrames(frames) : frames);
  };
  /** Sends what is held of a run that will never end, uncompacted, and a `RUN_ERROR` after it. */
  const closeUnterminated = async (): Promise<void> => {
    const event: BaseEvent = {
      type: EventType.RUN_ERROR,
      code: 'INTERNAL_ERROR',
      message: UNTERMINATED_RUN_MESSAGE,
      timestamp: deps.now(),
    } as BaseEvent;
    held.push({ event, json: JSON.stringify(event) });
    openRunId = undefined;
    await flushRun(false);
  };
  const complete = (): void => {
    settle({ reason: 'complete' });
    feed.close();
  };

  const write = async (logged: LoggedEvent): Promise<void> => {
    delivered = logged.seq;
    let frame: HistoryFrame = {
      event: JSON.parse(logged.json) as BaseEvent,
      json: logged.json,
      seq: logged.seq,
    };
    if (logged.type === EventType.RUN_STARTED) {
      if (openRunId !== undefined && openRunId !== logged.runId) await closeUnterminated();
      if (logged.seq > echo.scannedSeq) await echo.refresh();
      frame = withInputEcho(frame, threadId, echo.takeInputs());
      openRunId = logged.runId;
    }
    echo.observe(frame.event);
    const terminal = logged.type === EventType.RUN_FINISHED || logged.type === EventType.RUN_ERROR;
    if (compact && following !== logged.runId) held.push(frame);
    else await output.send(frame);
    if (!terminal) return;
    if (held.length > 0) await flushRun(compact);
    openRunId = undefined;
    lastFinishedRunId = logged.runId;
    if (following === logged.runId) complete();
  };

  /** Everything known is out (or held): follow the run in flight, or end. */
  const idle = async (): Promise<boolean> => {
    if (following !== undefined) return false;
    // Stored runs first, then the log: a run stored as ended has its terminal event logged already,
    // so a log with nothing undelivered really lacks it.
    const runs = await deps.threads.runs(threadId);
    if ((await deps.log.lastSeq(threadId)) > delivered) return true;
    if (openRunId !== undefined) {
      if (runs.find((run) => run.runId === openRunId)?.status === 'running') {
        following = openRunId;
        const frames = held;
        held = [];
        await emit(frames);
        return false;
      }
      await closeUnterminated();
      complete();
      return false;
    }
    // Accepted but nothing logged yet. (A run whose terminal event was read from the log may still
    // be stored as running: one whose end failed to store, its events logged alone, or one the
    // reaper has not ended. It is the last finished one, not in flight.)
    const latest = runs.at(-1);
    if (latest?.status === 'running' && latest.runId !== lastFinishedRunId) following = latest.runId;
    else complete();
    return false;
  };

  const feed = openThreadFeed(
    {
      log: deps.log,
      bus: deps.bus,
      threadId,
      after: 0,
      maxBuffered: limits.maxBuffered,
      pageSize: limits.pageSize,
    },
    { write, idle },
  );
  void feed.ended.then(settle);
  return { ended, close: () => feed.close() };
}

/** Adds the input echo to a replayed `RUN_STARTED` (left as logged when there is nothing to echo). */
function withInputEcho(frame: HistoryFrame, threadId: string, messages: unknown[]): HistoryFrame {
  if (messages.length === 0) return frame;
  const started = frame.event as BaseEvent & { runId: string };
  const input = { threadId, runId: started.runId, messages, tools: [], context: [] };
  const event = { ...started, input };
  return { event, json: JSON.stringify(event), seq: frame.seq };
}

/**
 * One finished run compacted by `@ag-ui/client`; a frame keeps its `seq` only if left untouched.
 * A run whose messages were never closed (ended by orphaned-run recovery) would come out with
 * events after its terminal one, so it is sent as logged.
 */
function compactFrames(frames: HistoryFrame[]): HistoryFrame[] {
  const bySource = new Map(frames.map((f) => [f.event, f]));
  const compacted = compactEvents(frames.map((f) => f.event));
  if (compacted.at(-1) !== frames.at(-1)?.event) return frames;
  return compacted.map((event) => bySource.get(event) ?? { event, json: JSON.stringify(event) });
}
