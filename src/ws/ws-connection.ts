import type { RawData, WebSocket } from 'ws';
import type { Logger } from 'pino';
import type { EventBus } from '../live/event-bus.js';
import type { LiveLimits } from '../live/live-limits.js';
import type { SubscriberRegistry } from '../live/subscriber-registry.js';
import { BridgeError, toBridgeError } from '../protocol/bridge-error.js';
import { pauseThread } from '../runs/pause-thread.js';
import type { RunService } from '../runs/run-service.js';
import type { BridgeStore } from '../store/bridge-store.js';
import {
  issueDetails,
  requestTypeOf,
  WsClientMessageSchema,
  type WsClientMessage,
  type WsErrorFrame,
  type WsRequestType,
  type WsServerFrame,
} from './ws-messages.js';
import { createWsSender } from './ws-sender.js';
import { createWsSubscriptions } from './ws-subscriptions.js';

/** Answers an interrupt for a tenant; throws a BridgeError (404/409/410) when it cannot. */
export type ResolveInterrupt = (
  tenantId: string,
  interruptId: string,
  status: 'resolved' | 'cancelled',
  payload?: unknown,
) => Promise<unknown>;

/** What one connection needs. */
export interface WsConnectionDeps {
  store: BridgeStore;
  bus: EventBus;
  runs: RunService;
  subscribers: SubscriberRegistry;
  logger: Logger;
  resolveInterrupt?: ResolveInterrupt;
  limits: LiveLimits;
  maxConnectionsPerThread: number;
}

type Handlers = {
  [T in WsRequestType]: (message: Extract<WsClientMessage, { type: T }>) => Promise<void> | void;
};
type ErrorContext = Omit<WsErrorFrame, 'type' | 'code' | 'message'>;

/**
 * One WebSocket client: validates each message and handles them one at a time, in order. Each
 * thread it follows is delivered once, in `seq` order (a `run` follows its thread implicitly until
 * the run ends). Runs it started go on when it leaves; `stop` ends them.
 */
export function handleWsConnection(
  socket: WebSocket,
  tenantId: string,
  deps: WsConnectionDeps,
): { close(): void } {
  const sender = createWsSender(socket, deps.limits.socketBufferBytes);
  const log = deps.logger.child({ transport: 'ws', tenantId });
  const send = (frame: WsServerFrame): void => void sender.send(JSON.stringify(frame));
  const fail = (error: unknown, context: ErrorContext): void => {
    const failure = toBridgeError(error);
    if (!(error instanceof BridgeError)) log.error({ err: error, ...context }, 'websocket request failed');
    send({ type: 'error', code: failure.code, message: failure.message, ...context });
  };
  const subscriptions = createWsSubscriptions({
    log: deps.store.events,
    bus: deps.bus,
    subscribers: deps.subscribers,
    limits: deps.limits,
    maxConnectionsPerThread: deps.maxConnectionsPerThread,
    sender,
    onEnd: (threadId, end) => {
      if (end.reason === 'failed') return fail(end.error, { threadId });
      const message = `More than ${deps.limits.maxBuffered} events waited for this connection; subscribe again with after: ${end.lastSeq}`;
      send({ type: 'error', code: 'SLOW_CONSUMER', message, threadId, lastSeq: end.lastSeq });
    },
  });
  const handlers = createHandlers({ deps, tenantId, send, fail, subscriptions });

  let closed = false;
  let queue = Promise.resolve();
  const onMessage = async (data: RawData, isBinary: boolean): Promise<void> => {
    if (closed) return;
    const request = parseMessage(data, isBinary);
    if ('error' in request) return send(request.error);
    try {
      await (handlers[request.message.type] as (m: WsClientMessage) => Promise<void> | void)(request.message);
    } catch (error) {
      fail(error, { requestType: request.message.type, ...targetOf(request.message) });
    }
  };
  socket.on('message', (data, isBinary) => {
    // One message at a time: a subscribe cannot race the unsubscribe sent after it.
    queue = queue
      .then(() => onMessage(data, isBinary))
      .catch((error: unknown) => log.error({ err: error }, 'websocket message handling failed'));
  });

  return {
    close() {
      closed = true;
      subscriptions.closeAll();
    },
  };
}

function createHandlers(context: {
  deps: WsConnectionDeps;
  tenantId: string;
  send: (frame: WsServerFrame) => void;
  fail: (error: unknown, context: ErrorContext) => void;
  subscriptions: ReturnType<typeof createWsSubscriptions>;
}): Handlers {
  const { deps, tenantId, send, fail, subscriptions } = context;
  const ownsThread = async (threadId: string): Promise<boolean> => {
    const thread = await deps.store.threads.get(threadId);
    return thread !== null && thread.tenantId === tenantId;
  };
  const refuse = (code: WsErrorFrame['code'], message: string, rest: ErrorContext): void =>
    send({ type: 'error', code, message, ...rest });
  const notFound = (requestType: WsRequestType, threadId: string): void =>
    refuse('THREAD_NOT_FOUND', `No thread with id "${threadId}"`, { requestType, threadId });
  const tooMany = (requestType: WsRequestType, threadId: string): void =>
    refuse(
      'TOO_MANY_CONNECTIONS',
      `Thread ${threadId} already has ${deps.maxConnectionsPerThread} WebSocket subscribers`,
      { requestType, threadId },
    );

  return {
    ping: () => send({ type: 'pong' }),
    subscribe: async ({ threadId, after }) => {
      if (!(await ownsThread(threadId))) return notFound('subscribe', threadId);
      // The ack goes out first: the feed writes only after its first log read.
      if (!subscriptions.subscribe(threadId, after ?? 0)) return tooMany('subscribe', threadId);
      send({ type: 'ack', requestType: 'subscribe', threadId });
    },
    unsubscribe: ({ threadId }) => {
      subscriptions.unsubscribe(threadId);
      send({ type: 'ack', requestType: 'unsubscribe', threadId });
    },
    stop: async ({ threadId }) => {
      if (!(await ownsThread(threadId))) return notFound('stop', threadId);
      send({ type: 'ack', requestType: 'stop', threadId, stopped: await deps.runs.stop(threadId) });
    },
    pause: async ({ threadId }) => {
      const { runId } = await pauseThread(deps, { threadId, tenantId });
      send({ type: 'ack', requestType: 'pause', threadId, runId });
    },
    resolve: async ({ interruptId, status, payload }) => {
      if (!deps.resolveInterrupt) {
        const message = `No interrupt with id "${interruptId}"`;
        return refuse('INTERRUPT_NOT_FOUND', message, { requestType: 'resolve', interruptId });
      }
      await deps.resolveInterrupt(tenantId, interruptId, status, payload);
      send({ type: 'ack', requestType: 'resolve', interruptId });
    },
    run: async ({ agentId, input }) => {
      const { threadId } = input;
      const reservation = subscriptions.reserveForRun(threadId);
      if (!reservation) return tooMany('run', threadId);
      let handle;
      try {
        handle = await deps.runs.start({ agentId, input, tenantId });
      } catch (error) {
        reservation.cancel();
        throw error;
      }
      try {
        // The thread is reserved and the run not consumed yet: nothing is appended meanwhile.
        reservation.open(await deps.store.events.lastSeq(threadId), handle.runId);
      } catch (error) {
        reservation.cancel();
        throw error;
      } finally {
        // Consumed here, not by the socket: the run goes on if the socket leaves.
        handle.events$.subscribe({
          error: (error: unknown) => fail(error, { requestType: 'run', threadId }),
        });
      }
    },
  };
}

/** A validated message, or the error frame that answers it. */
function parseMessage(
  data: RawData,
  isBinary: boolean,
): { message: WsClientMessage } | { error: WsErrorFrame } {
  let value: unknown;
  try {
    if (isBinary) throw new Error('binary frame');
    value = JSON.parse(rawText(data));
  } catch {
    return { error: { type: 'error', code: 'INVALID_INPUT', message: 'Messages must be JSON text' } };
  }
  const parsed = WsClientMessageSchema.safeParse(value);
  if (parsed.success) return { message: parsed.data };
  const requestType = requestTypeOf(value);
  const details = issueDetails(parsed.error);
  const message = `Message is invalid: ${details.map((d) => `${d.path || '(root)'}: ${d.message}`).join('; ')}`;
  return {
    error: {
      type: 'error',
      code: 'INVALID_INPUT',
      message,
      details,
      ...(requestType ? { requestType } : {}),
    },
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

/** The thread or interrupt a request is about, echoed on its error frame. */
function targetOf(request: WsClientMessage): ErrorContext {
  if (request.type === 'run') return { threadId: request.input.threadId };
  if (request.type === 'resolve') return { interruptId: request.interruptId };
  if (request.type === 'ping') return {};
  return { threadId: request.threadId };
}
