import { ApiError, type Api } from './api-client.js';
import { readSse } from './sse-reader.js';

/** An AG-UI event as logged by the bridge (the console reads fields loosely). */
export type LoggedEvent = { type: string } & Record<string, unknown>;

/** Where a follower stands. */
export type FollowState = 'connecting' | 'live' | 'reconnecting' | 'gone';

/** Callbacks of a follower. */
export interface FollowHandlers {
  event(seq: number, event: LoggedEvent): void;
  state(state: FollowState, detail?: string): void;
}

/**
 * Follows `GET /threads/:id/events` over SSE: replays everything after `after`, then live, and
 * reconnects from the last `id:` seen (`Last-Event-ID` and `?after=`) whenever the stream ends or
 * fails, so no event is shown twice or missed.
 */
export function followThread(
  api: Api,
  threadId: string,
  handlers: FollowHandlers,
  after = 0,
): { close(): void } {
  const controller = new AbortController();
  let lastSeq = after;
  const loop = async (): Promise<void> => {
    let delay = 500;
    while (!controller.signal.aborted) {
      try {
        handlers.state(lastSeq === after ? 'connecting' : 'reconnecting');
        const res = await api.open(`/threads/${encodeURIComponent(threadId)}/events?after=${lastSeq}`, {
          headers: { Accept: 'text/event-stream', 'Last-Event-ID': String(lastSeq) },
          signal: controller.signal,
        });
        handlers.state('live');
        delay = 500;
        for await (const frame of readSse(res.body!)) {
          const seq = Number(frame.id);
          if (!Number.isInteger(seq) || seq <= lastSeq) continue;
          lastSeq = seq;
          handlers.event(seq, JSON.parse(frame.data) as LoggedEvent);
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        if (error instanceof ApiError && error.status === 404) {
          handlers.state('gone', error.describe());
          return;
        }
      }
      if (controller.signal.aborted) return;
      handlers.state('reconnecting');
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 10_000);
    }
  };
  void loop();
  return { close: () => controller.abort() };
}
