import { Router, type Request, type Response } from 'express';
import { EventType, type BaseEvent } from '@ag-ui/core';
import { z } from 'zod';
import type { Logger } from 'pino';
import type { AgentRegistry } from '../agents/agent-registry.js';
import type { EventBus } from '../live/event-bus.js';
import { DEFAULT_LIVE_LIMITS, type LiveLimits } from '../live/live-limits.js';
import type { SubscriberRegistry } from '../live/subscriber-registry.js';
import { openThreadFeed, type FeedEnd } from '../live/thread-feed.js';
import { streamThreadHistory } from '../live/thread-history.js';
import { NotFoundError } from '../protocol/bridge-error.js';
import type { BridgeStore } from '../store/bridge-store.js';
import type { ThreadRecord } from '../store/thread-store.js';
import { openEventStream, wantsProtobuf, type EventStream } from './event-stream.js';
import { tenantOf } from './request-context.js';
import { validate } from './validate.js';

/** What the live HTTP routes need. */
export interface ThreadStreamRoutesDeps {
  store: BridgeStore;
  bus: EventBus;
  agents: AgentRegistry;
  subscribers: SubscriberRegistry;
  logger: Logger;
  keepAliveMs: number;
  now?: () => number;
  liveLimits?: Partial<LiveLimits>;
}

const SeqSchema = z.coerce.number().int().min(0);
const FollowQuerySchema = z.object({ after: SeqSchema.optional() });
const FollowHeadersSchema = z.object({ 'last-event-id': SeqSchema.optional() });
/** `{ threadId }`; a whole `RunAgentInput` passes too (only these fields are read). */
const ConnectRequestSchema = z.object({
  threadId: z.string().min(1),
  forwardedProps: z.unknown().optional(),
});
const ConnectQuerySchema = z.object({ compact: z.enum(['true', 'false', '1', '0']).optional() });

/**
 * Live threads over HTTP (docs/streaming.md): `GET /threads/:threadId/events` as an SSE feed that
 * replays then follows (any other `Accept` falls through to the JSON route), and
 * `POST /agent/:agentId/connect`. Mount before the thread routes.
 */
export function threadStreamRoutes(deps: ThreadStreamRoutesDeps): Router {
  const router = Router();
  const limits = { ...DEFAULT_LIVE_LIMITS, ...deps.liveLimits };

  const ownThread = async (res: Response, threadId: string): Promise<ThreadRecord> => {
    const thread = await deps.store.threads.get(threadId);
    if (!thread || thread.tenantId !== tenantOf(res)) {
      throw new NotFoundError('THREAD_NOT_FOUND', `No thread with id "${threadId}"`);
    }
    return thread;
  };

  router.get('/threads/:threadId/events', async (req, res, next) => {
    if (!acceptsEventStream(req.headers.accept)) {
      next();
      return;
    }
    const thread = await ownThread(res, req.params.threadId);
    // EventSource resends the original URL (with its `after`) plus Last-Event-ID: the header is the
    // client's real position, so it wins.
    const { after } = validate(FollowQuerySchema, req.query, 'Query');
    const headers = validate(FollowHeadersSchema, req.headers, 'Headers');
    followThread(
      req,
      res,
      { threadId: thread.id, after: headers['last-event-id'] ?? after ?? 0 },
      deps,
      limits,
    );
  });

  router.post('/agent/:agentId/connect', async (req, res) => {
    const { agentId } = req.params;
    await deps.agents.refresh();
    if (!deps.agents.get(agentId))
      throw new NotFoundError('AGENT_NOT_FOUND', `No agent with id "${agentId}"`);
    const body = validate(ConnectRequestSchema, req.body, 'Connect request');
    const query = validate(ConnectQuerySchema, req.query, 'Query');
    const thread = await ownThread(res, body.threadId);
    const compact =
      query.compact === 'true' || query.compact === '1' || compactRequested(body.forwardedProps);
    connectThread(req, res, { threadId: thread.id, compact }, deps, limits);
  });

  return router;
}

/** The SSE follower: replay after `after`, then live, until the client leaves or falls behind. */
function followThread(
  req: Request,
  res: Response,
  { threadId, after }: { threadId: string; after: number },
  deps: ThreadStreamRoutesDeps,
  limits: LiveLimits,
): void {
  const stream = openEventStream(req, res, { keepAliveMs: deps.keepAliveMs });
  const protobuf = wantsProtobuf(req.headers.accept);
  const pushBack = backpressure(res, limits.socketBufferBytes);
  const feed = openThreadFeed(
    {
      log: deps.store.events,
      bus: deps.bus,
      threadId,
      after,
      maxBuffered: limits.maxBuffered,
      pageSize: limits.pageSize,
    },
    {
      write: (logged) => {
        // The SSE frame is the logged JSON as is; only protobuf needs the event object.
        const event = protobuf
          ? (JSON.parse(logged.json) as BaseEvent)
          : ({ type: logged.type } as BaseEvent);
        stream.send(event, logged.json, logged.seq);
        return pushBack();
      },
    },
  );
  const release = deps.subscribers.acquire(threadId, 'sse', { close: () => feed.close() });
  res.on('close', () => feed.close());
  void feed.ended.then((end) => {
    release?.();
    if (end.reason === 'failed') deps.logger.error({ err: end.error, threadId }, 'thread feed failed');
    // Through the stream: after the frames still waiting for the next tick, not before them.
    if (end.reason !== 'closed') stream.comment(feedEndComment(end, limits));
    stream.end();
  });
}

/** The connect stream: the thread's history, then the run in flight, then the end. */
function connectThread(
  req: Request,
  res: Response,
  { threadId, compact }: { threadId: string; compact: boolean },
  deps: ThreadStreamRoutesDeps,
  limits: LiveLimits,
): void {
  const stream = openEventStream(req, res, { keepAliveMs: deps.keepAliveMs });
  const pushBack = backpressure(res, limits.socketBufferBytes);
  const history = streamThreadHistory(
    {
      log: deps.store.events,
      bus: deps.bus,
      threads: deps.store.threads,
      now: deps.now ?? Date.now,
      limits,
    },
    { threadId, compact },
    {
      send: (frame) => {
        stream.send(frame.event, frame.json, frame.seq);
        return pushBack();
      },
    },
  );
  const release = deps.subscribers.acquire(threadId, 'sse', { close: () => history.close() });
  res.on('close', () => history.close());
  void history.ended.then((end) => {
    release?.();
    if (end.reason === 'failed' || end.reason === 'slow_consumer') sendRunError(stream, end, deps.logger);
    stream.end();
  });
}

/** True when `Accept` names `text/event-stream` (with a non-zero q). */
export function acceptsEventStream(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const [type, ...params] = part.trim().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return type?.trim().toLowerCase() === 'text/event-stream' && (!q || Number(q.slice(2)) > 0);
  });
}

/** `forwardedProps: { compact: true }` asks connect for compacted runs. */
function compactRequested(forwardedProps: unknown): boolean {
  return (
    typeof forwardedProps === 'object' &&
    forwardedProps !== null &&
    (forwardedProps as { compact?: unknown }).compact === true
  );
}

/**
 * The socket is "behind" once it holds `limitBytes` unsent (and Node asked for a drain): the
 * returned promise waits for the drain, or the close, so the feed queues instead of the socket.
 */
function backpressure(res: Response, limitBytes: number): () => Promise<void> | undefined {
  return () => {
    if (!res.writableNeedDrain || res.writableLength < limitBytes || res.destroyed) return undefined;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  };
}

/** The SSE comment that tells a follower why its stream ends (comments are AG-UI-free). */
function feedEndComment(end: Exclude<FeedEnd, { reason: 'closed' }>, limits: LiveLimits): string {
  if (end.reason === 'slow_consumer') {
    return (
      `: error SLOW_CONSUMER more than ${limits.maxBuffered} events waited for this client;` +
      ` reconnect with Last-Event-ID: ${end.lastSeq}\n\n`
    );
  }
  return ': error INTERNAL_ERROR the event feed failed; reconnect with Last-Event-ID\n\n';
}

/** Ends a connect stream that cannot go on with a `RUN_ERROR` (valid anywhere in a stream). */
function sendRunError(stream: EventStream, end: FeedEnd, logger: Logger): void {
  if (end.reason === 'failed') logger.error({ err: end.error }, 'connect stream failed');
  const failure =
    end.reason === 'slow_consumer'
      ? { code: 'SLOW_CONSUMER', message: 'The client read too slowly; connect again' }
      : { code: 'INTERNAL_ERROR', message: 'Internal error' };
  const event = { type: EventType.RUN_ERROR, ...failure };
  stream.send(event as BaseEvent, JSON.stringify(event));
}
